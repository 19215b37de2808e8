#include "push.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../vclock.h"
#include "tk_limits.h"

#define PUSH_TRIES      4 /* the first delivery and three retries */
#define PUSH_TIMEOUT_MS 5000

static const int64_t push_retry_s[PUSH_TRIES - 1] = {600, 1800, 3600};

struct push_item {
    bool used;
    char event[24];
    char number[TK_NUMBER_MAX + 1];
    char *body;
    int attempts;
    int64_t due; /* virtual unix seconds */
    uint64_t seq;
};

struct push_log {
    char event[24];
    char number[TK_NUMBER_MAX + 1];
    int attempt;
    int status;
    bool duplicate;
    uint64_t seq;
    int64_t at;
};

struct push {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool stop, hold, duplicate, out_of_order;
    char url[TK_URL_MAX];
    char key[TK_KEY_MAX];
    uint64_t seq;
    struct push_item queue[TK_PUSH_QUEUE_MAX];
    struct push_log log[TK_PUSH_LOG_MAX];
    size_t nlog;
    long delivered, failed_attempts, dropped, duplicates, overflow;
};

void push_sign(const char *body, size_t len, const char *key, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)body, len);
    crypto_hash_sha256_update(&st, (const unsigned char *)"/", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)key, strlen(key));
    crypto_hash_sha256_final(&st, md);
    sodium_bin2hex(out, 65, md, sizeof md);
}

static size_t push_discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * nmemb;
}

/* One POST; the HTTP status, 0 when no answer came. */
static int push_post(const char *url, const char *key, const char *body)
{
    char sign[65], hdr[80];
    push_sign(body, strlen(body), key, sign);
    snprintf(hdr, sizeof hdr, "sign: %s", sign);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    struct curl_slist *h2 = h != NULL ? curl_slist_append(h, hdr) : NULL;
    long status = 0;
    if (c != NULL && h2 != NULL) {
        h = h2;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)PUSH_TIMEOUT_MS);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, push_discard);
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return (int)status;
}

static void push_record(struct push *p, const struct push_item *it, int status, bool dup)
{
    struct push_log *l = &p->log[p->nlog % TK_PUSH_LOG_MAX];
    p->nlog++;
    snprintf(l->event, sizeof l->event, "%s", it->event);
    snprintf(l->number, sizeof l->number, "%s", it->number);
    l->attempt = it->attempts;
    l->status = status;
    l->duplicate = dup;
    l->seq = it->seq;
    l->at = vclock_now();
}

/* The next due item: the oldest, or the newest when delivering out of order. */
static struct push_item *push_next_due(struct push *p)
{
    int64_t now = vclock_now();
    struct push_item *due = NULL;
    for (size_t i = 0; i < TK_PUSH_QUEUE_MAX; i++) {
        struct push_item *it = &p->queue[i];
        if (!it->used || it->due > now)
            continue;
        if (due == NULL || (p->out_of_order ? it->seq > due->seq : it->seq < due->seq))
            due = it;
    }
    return due;
}

static void *push_main(void *arg)
{
    struct push *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct push_item *due = p->hold || p->url[0] == '\0' ? NULL : push_next_due(p);
        if (due == NULL) {
            /* Virtual time can jump at any moment, so poll briefly rather than sleep until a
             * computed due time. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 20 * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&p->cond, &p->lock, &until);
            continue;
        }
        char url[TK_URL_MAX], key[TK_KEY_MAX];
        memcpy(url, p->url, sizeof url);
        memcpy(key, p->key, sizeof key);
        bool dup = p->duplicate;
        char *body = strdup(due->body);
        due->due = INT64_MAX; /* in flight */
        pthread_mutex_unlock(&p->lock);
        int status = body != NULL ? push_post(url, key, body) : 0;
        int status2 = status == 200 && dup ? push_post(url, key, body) : -1;
        free(body);
        pthread_mutex_lock(&p->lock);
        due->attempts++;
        push_record(p, due, status, false);
        if (status2 >= 0) {
            push_record(p, due, status2, true);
            p->duplicates++;
        }
        if (status == 200) {
            p->delivered++;
        } else {
            p->failed_attempts++;
            if (due->attempts < PUSH_TRIES) {
                due->due = vclock_now() + push_retry_s[due->attempts - 1];
                continue;
            }
            p->dropped++;
        }
        free(due->body);
        memset(due, 0, sizeof *due);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct push *push_new(const char *key)
{
    struct push *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    snprintf(p->key, sizeof p->key, "%s", key);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    if (pthread_create(&p->thread, NULL, push_main, p) != 0) {
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void push_free(struct push *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    for (size_t i = 0; i < TK_PUSH_QUEUE_MAX; i++)
        free(p->queue[i].body);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

bool push_configure(struct push *p, const char *url, int duplicate, int out_of_order, char *err,
                    size_t errlen)
{
    if (url != NULL && *url != '\0' &&
        (strlen(url) >= TK_URL_MAX ||
         (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
         strpbrk(url, " \r\n") != NULL)) {
        snprintf(err, errlen, "webhook url must be an http:// or https:// URL under %d bytes",
                 TK_URL_MAX);
        return false;
    }
    pthread_mutex_lock(&p->lock);
    if (url != NULL)
        snprintf(p->url, sizeof p->url, "%s", url);
    if (duplicate >= 0)
        p->duplicate = duplicate != 0;
    if (out_of_order >= 0)
        p->out_of_order = out_of_order != 0;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return true;
}

bool push_has_url(struct push *p)
{
    pthread_mutex_lock(&p->lock);
    bool has = p->url[0] != '\0';
    pthread_mutex_unlock(&p->lock);
    return has;
}

void push_hold(struct push *p, bool hold)
{
    pthread_mutex_lock(&p->lock);
    p->hold = hold;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void push_add(struct push *p, const char *event, const char *number, char *body)
{
    pthread_mutex_lock(&p->lock);
    struct push_item *slot = NULL;
    for (size_t i = 0; i < TK_PUSH_QUEUE_MAX && slot == NULL && p->url[0] != '\0'; i++)
        if (!p->queue[i].used)
            slot = &p->queue[i];
    if (slot != NULL) {
        slot->used = true;
        snprintf(slot->event, sizeof slot->event, "%s", event);
        snprintf(slot->number, sizeof slot->number, "%s", number);
        slot->body = body;
        slot->attempts = 0;
        slot->due = vclock_now();
        slot->seq = ++p->seq;
        body = NULL;
        pthread_cond_broadcast(&p->cond);
    } else if (p->url[0] != '\0') {
        p->overflow++;
    }
    pthread_mutex_unlock(&p->lock);
    free(body);
}

void push_kick(struct push *p)
{
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

json_t *push_json(struct push *p)
{
    pthread_mutex_lock(&p->lock);
    long queued = 0;
    for (size_t i = 0; i < TK_PUSH_QUEUE_MAX; i++)
        queued += p->queue[i].used;
    json_t *log = json_array();
    size_t first = p->nlog > TK_PUSH_LOG_MAX ? p->nlog - TK_PUSH_LOG_MAX : 0;
    for (size_t i = first; i < p->nlog; i++) {
        const struct push_log *l = &p->log[i % TK_PUSH_LOG_MAX];
        json_array_append_new(log, json_pack("{s:s, s:s, s:i, s:i, s:b, s:I, s:I}", "event",
                                             l->event, "number", l->number, "attempt", l->attempt,
                                             "status", l->status, "duplicate", l->duplicate, "seq",
                                             (json_int_t)l->seq, "at", (json_int_t)l->at));
    }
    json_t *o =
        json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "url", p->url, "duplicate",
                  p->duplicate, "out_of_order", p->out_of_order, "queued", (json_int_t)queued,
                  "delivered", (json_int_t)p->delivered, "failed_attempts",
                  (json_int_t)p->failed_attempts, "dropped", (json_int_t)p->dropped, "duplicates",
                  (json_int_t)p->duplicates, "overflow", (json_int_t)p->overflow, "log", log);
    pthread_mutex_unlock(&p->lock);
    return o;
}

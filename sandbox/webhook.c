#include "webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sbuf.h"
#include "sbx_limits.h"
#include "vclock.h"

#define WEBHOOK_DEADLINE_MS 500 /* §9.6: HTTP 200 within 500 ms */
#define WEBHOOK_LOG_MAX     64
#define WEBHOOK_URL_MAX     512

/* §9.6 retry delays in seconds, after the first failed delivery. */
static const int webhook_schedule_s[SBX_WEBHOOK_TRIES - 1] = {120,  600,  1800,  3600,
                                                              3600, 3600, 43200, 43200};

struct webhook_item {
    bool used;
    int64_t mall_id;
    char event_code[64];
    char *plaintext;
    int attempts;
    int64_t due_ms; /* monotonic */
};

struct webhook_log {
    int64_t mall_id;
    char event_code[64];
    int attempt;
    int status; /* HTTP status, 0 when no answer */
    bool ok;
    int64_t at_ms;
};

struct webhook {
    struct auth *auth;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool thread_running;
    bool stop;
    char url[WEBHOOK_URL_MAX];
    char app_key[SBX_NAME_MAX];
    double scale;
    struct webhook_item queue[SBX_WEBHOOK_QUEUE_MAX];
    struct webhook_log log[WEBHOOK_LOG_MAX];
    size_t nlog;
    long delivered, failed_attempts, dropped, overflow;
};

char *webhook_encrypt(const char *secret, const char *plaintext)
{
    char *out = NULL;
    unsigned char *ct = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    if (strlen(secret) < 16)
        goto out;
    size_t n = strlen(plaintext);
    ct = malloc(n + 32);
    ctx = EVP_CIPHER_CTX_new();
    if (ct == NULL || ctx == NULL)
        goto out;
    const unsigned char *key = (const unsigned char *)secret;
    int len1 = 0, len2 = 0;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, key) != 1 ||
        EVP_EncryptUpdate(ctx, ct, &len1, (const unsigned char *)plaintext, (int)n) != 1 ||
        EVP_EncryptFinal_ex(ctx, ct + len1, &len2) != 1)
        goto out;
    int total = len1 + len2;
    out = malloc((size_t)(4 * ((total + 2) / 3) + 1));
    if (out != NULL)
        EVP_EncodeBlock((unsigned char *)out, ct, total);
out:
    EVP_CIPHER_CTX_free(ctx);
    free(ct);
    return out;
}

bool webhook_sign(const char *secret, const char *app_key, const char *event_code,
                  const char *timestamp_ms, const char *ext, const char *plaintext, char out[65])
{
    struct sbuf m;
    sbuf_init(&m, SBX_BODY_MAX);
    /* Names sorted byte-wise: eventData < x-tm-app-key < x-tm-event-code < x-tm-ext-param
     * < x-tm-timestamp. */
    sbuf_puts(&m, "eventData");
    sbuf_puts(&m, plaintext);
    sbuf_puts(&m, "x-tm-app-key");
    sbuf_puts(&m, app_key);
    sbuf_puts(&m, "x-tm-event-code");
    sbuf_puts(&m, event_code);
    if (ext != NULL) {
        sbuf_puts(&m, "x-tm-ext-param");
        sbuf_puts(&m, ext);
    }
    sbuf_puts(&m, "x-tm-timestamp");
    sbuf_puts(&m, timestamp_ms);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    bool ok = !m.failed &&
              HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)m.data, m.len,
                   md, &mdlen) != NULL &&
              mdlen == 32;
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    sbuf_free(&m);
    return ok;
}

/* Splits http://host:port/path. Only IPv4 literal hosts: the pusher talks to test receivers. */
static bool webhook_parse_url(const char *url, struct sockaddr_in *sa, char *path, size_t plen,
                              char *hostport, size_t hplen)
{
    if (strncmp(url, "http://", 7) != 0)
        return false;
    const char *h = url + 7;
    const char *slash = strchr(h, '/');
    const char *colon = strchr(h, ':');
    char host[64];
    size_t hlen = (size_t)((colon && (!slash || colon < slash) ? colon
                            : slash                            ? slash
                                                               : h + strlen(h)) -
                           h);
    if (hlen == 0 || hlen >= sizeof host)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    long port = 80;
    if (colon && (!slash || colon < slash)) {
        char *end = NULL;
        port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || (slash ? end != slash : *end != '\0') || port < 1 || port > 65535)
            return false;
    }
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa->sin_addr) != 1)
        return false;
    snprintf(path, plen, "%s", slash ? slash : "/");
    size_t hp = slash ? (size_t)(slash - h) : strlen(h);
    if (hp >= hplen)
        return false;
    memcpy(hostport, h, hp);
    hostport[hp] = '\0';
    return true;
}

/* One delivery attempt; returns the HTTP status (0 when none arrived within the deadline). */
static int webhook_post(const char *url, const char *app_key, const char *secret,
                        const char *event_code, const char *plaintext)
{
    struct sockaddr_in sa;
    char path[WEBHOOK_URL_MAX], hostport[WEBHOOK_URL_MAX];
    int status = 0, fd = -1;
    char *cipher = NULL;
    struct sbuf req;
    sbuf_init(&req, SBX_BODY_MAX);
    if (!webhook_parse_url(url, &sa, path, sizeof path, hostport, sizeof hostport))
        goto out;
    cipher = webhook_encrypt(secret, plaintext);
    char ts[32], sig[65];
    snprintf(ts, sizeof ts, "%lld", (long long)vclock_now_ms());
    if (cipher == NULL || !webhook_sign(secret, app_key, event_code, ts, "{}", plaintext, sig))
        goto out;
    char body[SBX_BODY_MAX / 16];
    int blen = snprintf(body, sizeof body, "{\"eventData\":\"%s\"}", cipher);
    if (blen < 0 || (size_t)blen >= sizeof body)
        goto out;
    sbuf_printf(&req,
                "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                "x-tm-app-key: %s\r\nx-tm-event-code: %s\r\nx-tm-timestamp: %s\r\n"
                "x-tm-signature: %s\r\nx-tm-ext-param: {}\r\nContent-Length: %d\r\n"
                "Connection: close\r\n\r\n%s",
                path, hostport, app_key, event_code, ts, sig, blen, body);
    if (req.failed)
        goto out;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        goto out;
    struct timeval tv = {0, WEBHOOK_DEADLINE_MS * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int64_t start = vclock_mono_ms();
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto out;
    size_t len = strlen(req.data);
    if (send(fd, req.data, len, MSG_NOSIGNAL) != (ssize_t)len)
        goto out;
    char resp[64];
    size_t got = 0;
    for (int i = 0; i < 64 && got < 12; i++) {
        ssize_t n = recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    resp[got] = '\0';
    if (got >= 12 && strncmp(resp, "HTTP/1.", 7) == 0 &&
        vclock_mono_ms() - start <= WEBHOOK_DEADLINE_MS)
        status = (int)strtol(resp + 9, NULL, 10);
out:
    if (fd >= 0)
        close(fd);
    free(cipher);
    sbuf_free(&req);
    return status;
}

static void webhook_record(struct webhook *w, const struct webhook_item *it, int status)
{
    struct webhook_log *l = &w->log[w->nlog % WEBHOOK_LOG_MAX];
    w->nlog++;
    snprintf(l->event_code, sizeof l->event_code, "%s", it->event_code);
    l->mall_id = it->mall_id;
    l->attempt = it->attempts;
    l->status = status;
    l->ok = status == 200;
    l->at_ms = vclock_now_ms();
}

static void *webhook_main(void *arg)
{
    struct webhook *w = arg;
    pthread_mutex_lock(&w->lock);
    /* Runs until webhook_free sets stop. */
    while (!w->stop) {
        int64_t now = vclock_mono_ms(), next = now + 1000;
        struct webhook_item *due = NULL;
        for (size_t i = 0; i < SBX_WEBHOOK_QUEUE_MAX; i++) {
            struct webhook_item *it = &w->queue[i];
            if (!it->used)
                continue;
            if (it->due_ms <= now && (due == NULL || it->due_ms < due->due_ms))
                due = it;
            else if (it->due_ms < next)
                next = it->due_ms;
        }
        if (due == NULL || w->url[0] == '\0') {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            int64_t wait = next - now;
            if (wait < 1)
                wait = 1;
            until.tv_sec += (time_t)(wait / 1000);
            until.tv_nsec += (long)(wait % 1000) * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&w->cond, &w->lock, &until);
            continue;
        }
        char url[WEBHOOK_URL_MAX], key[SBX_NAME_MAX], code[64];
        memcpy(url, w->url, sizeof url);
        memcpy(key, w->app_key, sizeof key);
        memcpy(code, due->event_code, sizeof code);
        char *text = strdup(due->plaintext);
        const struct auth_app *app = auth_app_find(w->auth, key);
        pthread_mutex_unlock(&w->lock);
        int status = text && app ? webhook_post(url, key, app->secret, code, text) : 0;
        free(text);
        pthread_mutex_lock(&w->lock);
        due->attempts++;
        webhook_record(w, due, status);
        if (status == 200) {
            w->delivered++;
        } else {
            w->failed_attempts++;
            if (due->attempts >= SBX_WEBHOOK_TRIES) {
                w->dropped++;
            } else {
                int64_t delay =
                    (int64_t)(webhook_schedule_s[due->attempts - 1] * 1000.0 * w->scale);
                due->due_ms = vclock_mono_ms() + (delay > 0 ? delay : 0);
                continue;
            }
        }
        free(due->plaintext);
        memset(due, 0, sizeof *due);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct webhook *webhook_new(struct auth *auth, double scale)
{
    struct webhook *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->auth = auth;
    w->scale = scale > 0 ? scale : 1.0;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, webhook_main, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    w->thread_running = true;
    return w;
}

void webhook_free(struct webhook *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    if (w->thread_running)
        pthread_join(w->thread, NULL);
    for (size_t i = 0; i < SBX_WEBHOOK_QUEUE_MAX; i++)
        free(w->queue[i].plaintext);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

bool webhook_configure(struct webhook *w, const char *url, const char *app_key, double scale,
                       char *err, size_t errlen)
{
    struct sockaddr_in sa;
    char path[WEBHOOK_URL_MAX], hostport[WEBHOOK_URL_MAX];
    if (url != NULL && *url != '\0' &&
        (strlen(url) >= WEBHOOK_URL_MAX ||
         !webhook_parse_url(url, &sa, path, sizeof path, hostport, sizeof hostport))) {
        snprintf(err, errlen, "webhook url must be http://IPv4:port/path");
        return false;
    }
    const struct auth_app *app =
        app_key != NULL ? auth_app_find(w->auth, app_key) : auth_app_at(w->auth, 0);
    if (app == NULL || strlen(app->secret) < 16) {
        snprintf(err, errlen, "webhook app_key is unknown or its secret is under 16 bytes");
        return false;
    }
    if (!(scale > 0.0 && scale <= 1000.0)) {
        snprintf(err, errlen, "webhook scale must be in (0, 1000]");
        return false;
    }
    pthread_mutex_lock(&w->lock);
    snprintf(w->url, sizeof w->url, "%s", url != NULL ? url : "");
    snprintf(w->app_key, sizeof w->app_key, "%s", app->key);
    w->scale = scale;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return true;
}

void webhook_on_event(void *ctx, int64_t mall_id, const char *event_code, json_t *payload)
{
    struct webhook *w = ctx;
    char *text = json_dumps(payload, JSON_COMPACT);
    if (text == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    struct webhook_item *slot = NULL;
    for (size_t i = 0; i < SBX_WEBHOOK_QUEUE_MAX && slot == NULL && w->url[0] != '\0'; i++)
        if (!w->queue[i].used)
            slot = &w->queue[i];
    if (slot != NULL) {
        slot->used = true;
        snprintf(slot->event_code, sizeof slot->event_code, "%s", event_code);
        slot->mall_id = mall_id;
        slot->plaintext = text;
        slot->attempts = 0;
        slot->due_ms = vclock_mono_ms();
        text = NULL;
        pthread_cond_broadcast(&w->cond);
    } else if (w->url[0] != '\0') {
        w->overflow++;
    }
    pthread_mutex_unlock(&w->lock);
    free(text);
}

json_t *webhook_json(struct webhook *w)
{
    pthread_mutex_lock(&w->lock);
    long queued = 0;
    for (size_t i = 0; i < SBX_WEBHOOK_QUEUE_MAX; i++)
        queued += w->queue[i].used;
    json_t *log = json_array();
    size_t first = w->nlog > WEBHOOK_LOG_MAX ? w->nlog - WEBHOOK_LOG_MAX : 0;
    for (size_t i = first; i < w->nlog; i++) {
        const struct webhook_log *l = &w->log[i % WEBHOOK_LOG_MAX];
        json_array_append_new(log, json_pack("{s:s, s:I, s:i, s:i, s:b, s:I}", "eventCode",
                                             l->event_code, "mallId", (json_int_t)l->mall_id,
                                             "attempt", l->attempt, "status", l->status, "ok",
                                             l->ok, "atMs", (json_int_t)l->at_ms));
    }
    json_t *o = json_pack("{s:s, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:o}", "url", w->url, "app_key",
                          w->app_key, "scale", w->scale, "queued", (json_int_t)queued, "delivered",
                          (json_int_t)w->delivered, "failedAttempts",
                          (json_int_t)w->failed_attempts, "dropped", (json_int_t)w->dropped,
                          "overflow", (json_int_t)w->overflow, "log", log);
    pthread_mutex_unlock(&w->lock);
    return o;
}

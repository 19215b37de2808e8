/*
 * The 17TRACK v2.2 client: transport, envelope, retries, the shared request budget and the
 * push signature. See t17.h.
 */
#include "tracking/t17.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/secure.h"

#define T17_URL_MAX     1024
#define T17_KEY_MAX     256
#define T17_US_PER_S    1000000
#define T17_BACKOFF_MS  200
#define T17_429_WAIT_MS 1000 /* §1.4: back off at least one second on 429 */

struct t17_client {
    char base[T17_URL_MAX];
    char key[T17_KEY_MAX];
    char key_id[T17_KEY_ID_LEN + 1];
    struct db *db;
    int64_t interval_us;
    int max_retries;
    long timeout_ms;
    CURL *curl;
    struct t17_stats stats;
};

void t17_key_id(const char *key, char out[T17_KEY_ID_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    memcpy(out, hex, T17_KEY_ID_LEN);
    out[T17_KEY_ID_LEN] = '\0';
}

enum err t17_client_new(const struct t17_options *o, struct t17_client **out, struct errbuf *eb)
{
    const char *base = o->base_url != NULL && *o->base_url ? o->base_url : T17_DEFAULT_URL;
    size_t bl = strlen(base), kl = o->key != NULL ? strlen(o->key) : 0;
    *out = NULL;
    if (bl < 8 || bl >= T17_URL_MAX - 32 || base[bl - 1] != '/' ||
        (strncmp(base, "https://", 8) != 0 && strncmp(base, "http://", 7) != 0))
        return err_set(eb, ERR_INVAL, "provider_url_invalid",
                       "The 17TRACK base URL must be http(s)://host/.../ ending with a slash.");
    if (kl == 0 || kl >= T17_KEY_MAX)
        return err_set(eb, ERR_INVAL, "provider_key_missing", "No usable 17TRACK API key.");
    struct t17_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    memcpy(c->base, base, bl + 1);
    memcpy(c->key, o->key, kl + 1);
    t17_key_id(c->key, c->key_id);
    c->db = o->db;
    c->interval_us = o->interval_us > 0 ? o->interval_us : T17_RATE_INTERVAL_US;
    c->max_retries = o->max_retries > 0 ? o->max_retries : 3;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 20000;
    c->curl = curl_easy_init();
    if (c->curl == NULL) {
        free(c);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    *out = c;
    return ERR_OK;
}

void t17_client_free(struct t17_client *c)
{
    if (c == NULL)
        return;
    curl_easy_cleanup(c->curl);
    secure_wipe(c->key, sizeof c->key);
    free(c);
}

const char *t17_client_key_id(const struct t17_client *c)
{
    return c->key_id;
}

void t17_client_stats(const struct t17_client *c, struct t17_stats *out)
{
    *out = c->stats;
}

enum err t17_rate_reserve(struct db_conn *c, const char *key_id, int64_t interval_us,
                          int64_t now_us, int64_t *wait_us, struct errbuf *eb)
{
    char name[64];
    snprintf(name, sizeof name, "17track:%s", key_id);
    struct db_param ins[] = {DB_P_TEXT(name), DB_P_INT(0)};
    struct db_param p[] = {DB_P_TEXT(name), DB_P_INT(now_us), DB_P_INT(interval_us)};
    struct db_rows *rows = NULL;
    int64_t tat = 0;
    *wait_us = 0;
    /* The row is created once; the UPDATE alone moves the slot, atomically for every process. */
    enum err e = db_exec(c,
                         "INSERT INTO temu_budget (app_key, tat_us) VALUES ($1, $2) ON CONFLICT "
                         "(app_key) DO NOTHING",
                         ins, 2, NULL, eb);
    if (e == ERR_OK)
        e = db_query_lazy(c,
                          "UPDATE temu_budget SET tat_us = CASE WHEN tat_us > $2 THEN tat_us "
                          "ELSE $2 END + $3 WHERE app_key = $1 RETURNING tat_us",
                          p, 3, &rows, eb);
    if (e == ERR_OK && (db_rows_count(rows) != 1 || db_rows_int(rows, 0, 0, &tat) != ERR_OK))
        e = err_set(eb, ERR_DB, NULL, "the 17TRACK request budget row is missing");
    if (e == ERR_OK)
        *wait_us = tat - interval_us > now_us ? tat - interval_us - now_us : 0;
    db_rows_free(rows);
    return e;
}

static void t17_sleep_us(int64_t us)
{
    struct timespec d = {(time_t)(us / T17_US_PER_S), (long)(us % T17_US_PER_S) * 1000L};
    for (int i = 0; i < 100 && nanosleep(&d, &d) != 0; i++) {
    }
}

/* Waits for this client's next slot of the shared budget (none without a database). */
static void t17_acquire(struct t17_client *c)
{
    if (c->db == NULL)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now_us = (int64_t)ts.tv_sec * T17_US_PER_S + ts.tv_nsec / 1000, wait = 0;
    struct errbuf eb = {0};
    struct db_conn *dc = db_acquire(c->db);
    enum err e = t17_rate_reserve(dc, c->key_id, c->interval_us, now_us, &wait, &eb);
    db_release(dc);
    if (e != ERR_OK) {
        /* Without the shared row, keep to one slot per interval in this process at least. */
        log_kv(LOG_WARN, "tracking.budget_failed", "reason", errbuf_message(&eb, e), NULL);
        wait = c->interval_us;
    }
    if (wait > 60 * (int64_t)T17_US_PER_S)
        wait = 60 * (int64_t)T17_US_PER_S;
    if (wait > 0)
        t17_sleep_us(wait);
}

static size_t t17_write(char *p, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    return buf_append(b, p, size * n) == ERR_OK ? size * n : 0;
}

/* One HTTP exchange: *status (0 when no answer) and the body into b. */
static void t17_post(struct t17_client *c, const char *url, const char *body, struct buf *b,
                     long *status)
{
    char hdr[T17_KEY_MAX + 16];
    snprintf(hdr, sizeof hdr, "17token: %s", c->key);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    struct curl_slist *h2 = h != NULL ? curl_slist_append(h, hdr) : NULL;
    *status = 0;
    if (h2 == NULL) {
        curl_slist_free_all(h);
        return;
    }
    CURL *k = c->curl;
    curl_easy_reset(k);
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, h2);
    curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, t17_write);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
    if (curl_easy_perform(k) == CURLE_OK)
        curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, status);
    secure_wipe(hdr, sizeof hdr);
    curl_slist_free_all(h2);
}

static bool t17_auth_code(int64_t code)
{
    return code == T17_ERR_KEY || code == -18010001 || code == -18010004 || code == -18010005;
}

/* The first whole-call error code of an envelope, or 0. */
static int64_t t17_envelope_code(const json_t *doc, const char **msg)
{
    int64_t code = json_integer_value(json_object_get(doc, "code"));
    const json_t *first =
        json_array_get(json_object_get(json_object_get(doc, "data"), "errors"), 0);
    *msg = json_string_value(json_object_get(first, "message"));
    if (code == 0 && first != NULL)
        code = json_integer_value(json_object_get(first, "code"));
    return code;
}

/* What one attempt gave: 0 done, 1 retry, -1 a final failure (eb says which). */
static int t17_attempt(struct t17_client *c, const char *url, const char *body, json_t **data,
                       int64_t *code, enum err *e, struct errbuf *eb)
{
    struct buf b = {.max = T17_RESPONSE_MAX};
    long status = 0;
    const char *msg = NULL;
    c->stats.attempts++;
    t17_post(c, url, body, &b, &status);
    json_t *doc = status != 0 && b.len > 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
    buf_free(&b);
    int64_t cd = doc != NULL ? t17_envelope_code(doc, &msg) : 0;
    int r = -1;
    *code = cd;
    if (status == 401 || t17_auth_code(cd)) {
        *e = err_set(eb, ERR_AUTH, "provider_key_refused",
                     "17TRACK refused the API key (HTTP %ld, code %lld): check the key in the "
                     "vault and the IP allow-list.",
                     status, (long long)cd);
    } else if (status == 429 || cd == 429 || status >= 500 || status == 0 || doc == NULL ||
               cd == T17_ERR_INTERNAL) {
        *e = err_set(eb, ERR_UPSTREAM, "provider_unavailable",
                     "17TRACK did not answer usably (HTTP %ld, code %lld).", status, (long long)cd);
        r = 1;
    } else if (cd != 0) {
        *e = err_set(eb, ERR_UPSTREAM, "provider_failed", "17TRACK refused the call: %lld %.200s",
                     (long long)cd, msg != NULL ? msg : "");
    } else {
        *data = json_incref(json_object_get(doc, "data"));
        *e = ERR_OK;
        r = 0;
    }
    json_decref(doc);
    return r;
}

enum err t17_call(struct t17_client *c, const char *endpoint, const json_t *body, json_t **data,
                  int64_t *code, struct errbuf *eb)
{
    char url[T17_URL_MAX];
    enum err e = ERR_OK;
    *data = NULL;
    *code = 0;
    size_t n = json_is_array(body) ? json_array_size(body) : 0;
    if (n > T17_BATCH_MAX)
        return err_set(eb, ERR_INVAL, "batch_too_large", "at most %d numbers a call",
                       T17_BATCH_MAX);
    char *text = json_dumps(body, JSON_COMPACT);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    snprintf(url, sizeof url, "%s%s", c->base, endpoint);
    c->stats.calls++;
    c->stats.numbers += (int64_t)n;
    for (int attempt = 0;; attempt++) {
        t17_acquire(c);
        int r = t17_attempt(c, url, text, data, code, &e, eb);
        if (r <= 0 || attempt >= c->max_retries)
            break;
        c->stats.retries++;
        int64_t ms = *code == 429 ? T17_429_WAIT_MS : (int64_t)T17_BACKOFF_MS << attempt;
        t17_sleep_us(ms * 1000 + (int64_t)secure_uniform(100000));
    }
    free(text);
    if (e == ERR_OK && *data == NULL)
        e = err_set(eb, ERR_UPSTREAM, "provider_failed", "17TRACK answered without data");
    return e;
}

bool t17_push_verify(const char *key, const char *body, size_t len, const char *sign)
{
    if (key == NULL || sign == NULL || strlen(sign) != 2 * crypto_hash_sha256_BYTES)
        return false;
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)body, len);
    crypto_hash_sha256_update(&st, (const unsigned char *)"/", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)key, strlen(key));
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return sodium_memcmp(hex, sign, sizeof hex - 1) == 0;
}

int64_t t17_time_parse(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    const char *p = s + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {
        }
    int64_t off = 0;
    if ((*p == '+' || *p == '-') && p[1] != '\0') {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return 0;
        off = (*p == '+' ? 1 : -1) * ((int64_t)oh * 3600 + om * 60);
    } else if (*p != 'Z' && *p != '\0') {
        return 0;
    }
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    return (int64_t)timegm(&tm) - off;
}

/* The Airwallex client's transport: libcurl, the token cache, retries, the three calls. */
#include "settlement/airwallex.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/parse.h"
#include "base/url.h"
#include "version.h"

#define AWX_URL_MAX     2048
#define AWX_BASE_MAX    1024
#define AWX_TOKEN_MAX   2048
#define AWX_EARLY_S     60 /* a token is renewed this long before it expires */
#define AWX_BACKOFF_MS  250
#define AWX_RETRIES_MAX 10

struct airwallex_client {
    char base[AWX_BASE_MAX];
    char client_id[AIRWALLEX_CRED_MAX + 1];
    char api_key[AIRWALLEX_CRED_MAX + 1];
    char token[AWX_TOKEN_MAX];
    int64_t token_expires;
    struct airwallex_options o;
    struct airwallex_stats stats;
    CURL *curl;
};

/* What one exchange produced. */
struct awx_answer {
    long status;
    struct buf body;
    long retry_after_s; /* -1 when absent */
};

static pthread_once_t awx_once = PTHREAD_ONCE_INIT;
static bool awx_global_ok;

static void awx_global_init(void)
{
    awx_global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK && sodium_init() >= 0;
}

void airwallex_options_init(struct airwallex_options *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 30000;
    o->max_retries = 3;
    o->max_wait_ms = 10000;
}

static bool awx_cred_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > AIRWALLEX_CRED_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

enum err airwallex_client_new(const struct airwallex_options *o, struct airwallex_client **out,
                              struct errbuf *eb)
{
    *out = NULL;
    pthread_once(&awx_once, awx_global_init);
    if (!awx_global_ok)
        return err_set(eb, ERR_INTERNAL, NULL, "libcurl or libsodium failed to initialize.");
    const char *u = o->base_url != NULL ? o->base_url : "";
    if (strncmp(u, "https://", 8) != 0 && !(o->allow_http && strncmp(u, "http://", 7) == 0))
        return err_set(eb, ERR_INVAL, "airwallex_url",
                       "The Airwallex URL must start with https:// (http:// only outside "
                       "production).");
    if (strlen(u) >= AWX_BASE_MAX)
        return err_set(eb, ERR_INVAL, "airwallex_url", "The Airwallex URL is too long.");
    if (!awx_cred_ok(o->client_id) || !awx_cred_ok(o->api_key))
        return err_set(eb, ERR_INVAL, "airwallex_credential",
                       "The client id and API key must be 1 to %d printable characters.",
                       AIRWALLEX_CRED_MAX);
    if (o->max_retries < 0 || o->max_retries > AWX_RETRIES_MAX || o->timeout_ms < 1 ||
        o->connect_timeout_ms < 1)
        return err_set(eb, ERR_INVAL, "airwallex_options", "Retries or timeouts out of bounds.");
    struct airwallex_client *c = calloc(1, sizeof *c);
    if (c == NULL || (c->curl = curl_easy_init()) == NULL) {
        free(c);
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory creating a client.");
    }
    snprintf(c->base, sizeof c->base, "%s", u);
    size_t n = strlen(c->base);
    while (n > 0 && c->base[n - 1] == '/')
        c->base[--n] = '\0';
    snprintf(c->client_id, sizeof c->client_id, "%s", o->client_id);
    snprintf(c->api_key, sizeof c->api_key, "%s", o->api_key);
    c->o = *o;
    *out = c;
    return ERR_OK;
}

void airwallex_client_free(struct airwallex_client *c)
{
    if (c == NULL)
        return;
    curl_easy_cleanup(c->curl);
    sodium_memzero(c, sizeof *c);
    free(c);
}

void airwallex_client_stats(const struct airwallex_client *c, struct airwallex_stats *out)
{
    *out = c->stats;
}

static size_t awx_write(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct buf *b = ctx;
    return buf_append(b, data, size * nmemb) == ERR_OK ? size * nmemb : 0;
}

static size_t awx_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct awx_answer *a = ctx;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof name && strncasecmp(data, name, sizeof name - 1) == 0) {
        char v[16] = "";
        size_t k = 0;
        for (size_t i = sizeof name - 1; i < n && k + 1 < sizeof v; i++)
            if (data[i] >= '0' && data[i] <= '9')
                v[k++] = data[i];
        int64_t s = -1;
        if (k > 0 && parse_int64(v, 0, 86400, &s) == ERR_OK)
            a->retry_after_s = (long)s;
    }
    return n;
}

/* One HTTP exchange: GET (or POST with an empty body when post) of url with headers. */
ERR_MUST_USE static enum err awx_exchange(struct airwallex_client *c, const char *url, bool post,
                                          struct curl_slist *headers, struct awx_answer *a,
                                          struct errbuf *eb)
{
    CURL *h = c->curl;
    curl_easy_reset(h);
    buf_reset(&a->body);
    a->body.max = LIMIT_TEMU_RESPONSE_BYTES;
    a->status = 0;
    a->retry_after_s = -1;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "aicos/" AICOS_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LIMIT_TEMU_RESPONSE_BYTES);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, awx_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a->body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, awx_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }
    c->stats.requests++;
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    if (rc != CURLE_OK)
        return err_set(eb, ERR_UPSTREAM, "airwallex_transport", "Airwallex: %s",
                       curl_easy_strerror(rc));
    return ERR_OK;
}

/* The provider's error text: "code: message" from an error body, else the status. */
static void awx_error_text(const struct awx_answer *a, char *out, size_t len)
{
    json_t *doc = NULL;
    struct errbuf ignore = {{0}, {0}};
    snprintf(out, len, "HTTP %ld", a->status);
    if (a->body.len > 0 &&
        json_parse_strict(a->body.data, a->body.len, 4, &doc, &ignore) == ERR_OK) {
        const char *code = json_get_string(doc, "code"), *msg = json_get_string(doc, "message");
        const char *src = json_get_string(doc, "source");
        if (code != NULL)
            snprintf(out, len, "HTTP %ld %.60s%s%.60s: %.160s", a->status, code,
                     src != NULL ? " " : "", src != NULL ? src : "", msg != NULL ? msg : "");
    }
    json_decref(doc);
}

static void awx_sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The wait before retry number attempt (1-based): Retry-After, else a doubling pause. */
static uint64_t awx_wait_ms(const struct airwallex_client *c, const struct awx_answer *a,
                            int attempt)
{
    uint64_t ms = a->retry_after_s >= 0 ? (uint64_t)a->retry_after_s * 1000u
                                        : (uint64_t)AWX_BACKOFF_MS << (attempt - 1);
    if (a->status == 429 && a->retry_after_s < 0)
        ms = 1000;
    return ms > c->o.max_wait_ms ? c->o.max_wait_ms : ms;
}

/* POST /api/v1/authentication/login: a fresh token into the cache. */
ERR_MUST_USE static enum err awx_login(struct airwallex_client *c, struct awx_answer *a,
                                       struct errbuf *eb)
{
    char url[AWX_URL_MAX], id_h[AIRWALLEX_CRED_MAX + 32], key_h[AIRWALLEX_CRED_MAX + 32];
    snprintf(url, sizeof url, "%s/api/v1/authentication/login", c->base);
    snprintf(id_h, sizeof id_h, "x-client-id: %s", c->client_id);
    snprintf(key_h, sizeof key_h, "x-api-key: %s", c->api_key);
    struct curl_slist *hs = curl_slist_append(NULL, id_h);
    struct curl_slist *more = hs != NULL ? curl_slist_append(hs, key_h) : NULL;
    more = more != NULL ? curl_slist_append(more, "Content-Type: application/json") : NULL;
    enum err e = more != NULL ? awx_exchange(c, url, true, hs, a, eb)
                              : err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory.");
    sodium_memzero(key_h, sizeof key_h);
    curl_slist_free_all(hs);
    if (e != ERR_OK)
        return e;
    c->stats.logins++;
    char why[320];
    if (a->status == 401 || a->status == 403) {
        awx_error_text(a, why, sizeof why);
        return err_set(eb, ERR_AUTH, "airwallex_credentials",
                       "Airwallex refused the client id or API key (%s).", why);
    }
    if (a->status != 200 && a->status != 201)
        return err_set(eb, a->status == 429 || a->status >= 500 ? ERR_UNAVAILABLE : ERR_UPSTREAM,
                       "airwallex_login", "Airwallex login failed (%s).",
                       (awx_error_text(a, why, sizeof why), why));
    json_t *doc = NULL;
    struct errbuf inner = {{0}, {0}};
    e = json_parse_strict(a->body.data, a->body.len, 4, &doc, &inner);
    const char *tok = e == ERR_OK ? json_get_string(doc, "token") : NULL;
    const char *exp = e == ERR_OK ? json_get_string(doc, "expires_at") : NULL;
    int64_t expires = 0;
    if (tok == NULL || exp == NULL || tok[0] == '\0' || strlen(tok) >= sizeof c->token ||
        airwallex_time_parse(exp, &expires, &inner) != ERR_OK)
        e = err_set(eb, ERR_UPSTREAM, "airwallex_login",
                    "Airwallex sent a malformed login answer (no usable token and expires_at).");
    else
        e = ERR_OK;
    if (e == ERR_OK) {
        snprintf(c->token, sizeof c->token, "%s", tok);
        c->token_expires = expires;
    }
    json_decref(doc);
    return e;
}

/* A data GET of path (with its query) with the cached token; fills a with a 2xx answer. */
ERR_MUST_USE static enum err awx_get(struct airwallex_client *c, const char *path,
                                     struct awx_answer *a, struct errbuf *eb)
{
    char url[AWX_URL_MAX], auth[AWX_TOKEN_MAX + 32], why[320];
    int n = snprintf(url, sizeof url, "%s%s", c->base, path);
    if (n < 0 || (size_t)n >= sizeof url)
        return err_set(eb, ERR_INVAL, "airwallex_url", "The request URL is too long.");
    bool relogged = false;
    enum err e = ERR_OK;
    for (int attempt = 0;; attempt++) {
        if (c->token[0] == '\0' || (int64_t)time(NULL) + AWX_EARLY_S >= c->token_expires)
            e = awx_login(c, a, eb);
        if (e == ERR_OK) {
            snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
            struct curl_slist *hs = curl_slist_append(NULL, auth);
            e = hs != NULL ? awx_exchange(c, url, false, hs, a, eb)
                           : err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory.");
            curl_slist_free_all(hs);
            sodium_memzero(auth, sizeof auth);
        }
        if (e == ERR_AUTH || e == ERR_NOMEM)
            return e;
        if (e == ERR_OK && a->status == 401 && !relogged) {
            relogged = true; /* expired early or revoked: one fresh login, not a retry */
            c->token[0] = '\0';
            attempt--;
            continue;
        }
        if (e == ERR_OK && a->status >= 200 && a->status < 300)
            return ERR_OK;
        bool retry = e != ERR_OK || a->status == 429 || a->status >= 500;
        if (e == ERR_OK && !retry) {
            awx_error_text(a, why, sizeof why);
            return err_set(eb,
                           a->status == 404   ? ERR_NOTFOUND
                           : a->status == 401 ? ERR_AUTH
                           : a->status < 500  ? ERR_INVAL
                                              : ERR_UPSTREAM,
                           "airwallex_refused", "Airwallex refused the request (%s).", why);
        }
        if (attempt >= c->o.max_retries) {
            if (e == ERR_OK)
                awx_error_text(a, why, sizeof why);
            else /* the message is copied out first: err_set below rewrites eb */
                snprintf(why, sizeof why, "%s", errbuf_message(eb, e));
            return err_set(eb, e == ERR_OK && a->status == 429 ? ERR_LIMIT : ERR_UPSTREAM,
                           "airwallex_unavailable",
                           "Airwallex did not answer after %d attempts (%s).", attempt + 1, why);
        }
        c->stats.retries++;
        awx_sleep_ms(awx_wait_ms(c, a, attempt + 1));
        e = ERR_OK;
    }
}

/* Formats t as the provider's ISO time ("2026-09-01T00:00:00+0000") into out (32 bytes). */
static void awx_time_text(int64_t t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%S+0000", &tm);
}

/* Appends "&name=value" (value percent-encoded) to b; the first one starts with '?'. */
ERR_MUST_USE static enum err awx_param(struct buf *b, const char *name, const char *value)
{
    enum err e =
        buf_printf(b, "%c%s=", strchr(b->data != NULL ? b->data : "", '?') ? '&' : '?', name);
    return e == ERR_OK ? url_encode(b, value) : e;
}

/* GETs path and parses its body with parse; retries once more when the body is garbled. */
ERR_MUST_USE static enum err awx_call(struct airwallex_client *c, const char *path, int kind,
                                      struct airwallex_page *out, struct errbuf *eb)
{
    struct awx_answer a = {0, {0}, -1};
    enum err e = ERR_OK;
    for (int attempt = 0; attempt <= c->o.max_retries; attempt++) {
        if (attempt > 0) {
            c->stats.retries++;
            awx_sleep_ms(awx_wait_ms(c, &a, attempt));
        }
        e = awx_get(c, path, &a, eb);
        if (e != ERR_OK)
            break;
        const char *body = a.body.data != NULL ? a.body.data : "";
        e = kind == 2 ? airwallex_parse_history(body, a.body.len, out, eb)
                      : airwallex_parse_settlements(body, a.body.len, kind == 0, out, eb);
        if (e != ERR_PARSE)
            break;
    }
    if (e == ERR_PARSE)
        e = err_set(eb, ERR_UPSTREAM, "airwallex_malformed",
                    "Airwallex sent a malformed answer: "
                    "%s",
                    errbuf_message(eb, ERR_PARSE));
    buf_free(&a.body);
    return e;
}

enum err airwallex_settlements_page(struct airwallex_client *c, const char *currency,
                                    const char *status, int64_t from, int64_t to, int64_t page_num,
                                    int64_t page_size, struct airwallex_page *out,
                                    struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    char f[32], t[32], num[24], size[24];
    awx_time_text(from, f, sizeof f);
    awx_time_text(to, t, sizeof t);
    snprintf(num, sizeof num, "%lld", (long long)page_num);
    snprintf(size, sizeof size, "%lld", (long long)page_size);
    struct buf path = {0};
    enum err e = buf_puts(&path, "/api/v1/pa/financial/settlements");
    if (e == ERR_OK)
        e = awx_param(&path, "currency", currency);
    if (e == ERR_OK)
        e = awx_param(&path, "status", status);
    if (e == ERR_OK)
        e = awx_param(&path, "from_settled_at", f);
    if (e == ERR_OK)
        e = awx_param(&path, "to_settled_at", t);
    if (e == ERR_OK)
        e = awx_param(&path, "page_num", num);
    if (e == ERR_OK)
        e = awx_param(&path, "page_size", size);
    e = e == ERR_OK ? awx_call(c, path.data, 0, out, eb)
                    : err_set(eb, e, "out_of_memory", "Out of memory building a request.");
    buf_free(&path);
    return e;
}

enum err airwallex_settlement_get(struct airwallex_client *c, const char *id,
                                  struct airwallex_page *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct buf path = {0};
    enum err e = id != NULL && id[0] != '\0' && strlen(id) < AIRWALLEX_ID_MAX
                     ? buf_puts(&path, "/api/v1/pa/financial/settlements/")
                     : err_set(eb, ERR_INVAL, "airwallex_id", "A settlement id is required.");
    if (e == ERR_OK)
        e = url_encode(&path, id);
    if (e == ERR_OK)
        e = awx_call(c, path.data, 1, out, eb);
    buf_free(&path);
    return e;
}

enum err airwallex_history_page(struct airwallex_client *c, const char *currency, int64_t from,
                                int64_t to, const char *cursor, int64_t page_size,
                                struct airwallex_page *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    if (to < from || to - from > AIRWALLEX_HISTORY_SPAN)
        return err_set(eb, ERR_INVAL, "airwallex_window",
                       "A balance history query spans at most 7 days.");
    char f[32], t[32], size[24];
    awx_time_text(from, f, sizeof f);
    awx_time_text(to, t, sizeof t);
    snprintf(size, sizeof size, "%lld", (long long)page_size);
    struct buf path = {0};
    enum err e = buf_puts(&path, "/api/v1/balances/history");
    if (e == ERR_OK && currency != NULL)
        e = awx_param(&path, "currency", currency);
    if (e == ERR_OK)
        e = awx_param(&path, "from_post_at", f);
    if (e == ERR_OK)
        e = awx_param(&path, "to_post_at", t);
    if (e == ERR_OK)
        e = awx_param(&path, "page", cursor != NULL && cursor[0] != '\0' ? cursor : "0");
    if (e == ERR_OK)
        e = awx_param(&path, "page_size", size);
    e = e == ERR_OK ? awx_call(c, path.data, 2, out, eb)
                    : err_set(eb, e, "out_of_memory", "Out of memory building a request.");
    buf_free(&path);
    return e;
}

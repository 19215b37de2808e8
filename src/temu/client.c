#include "temu/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/parse.h"
#include "temu/sign.h"
#include "version.h"

#define TYPE_MAX 128

struct temu_client {
    char *url;
    char *app_key;
    char *secret;
    size_t secret_len;
    char *token; /* NULL when none; guarded by lock */
    long connect_timeout_ms;
    long timeout_ms;
    int max_retries;
    uint32_t backoff_base_ms;
    uint32_t backoff_max_ms;
    struct temu_ratelimit *own_limiter;
    struct temu_ratelimit *limiter;
    temu_transport_fn transport;
    void *transport_ctx;
    temu_wall_fn wall_clock;
    temu_mono_fn mono_clock;
    temu_sleep_fn sleep;
    void *clock_ctx;
    pthread_mutex_t lock; /* token and the idle curl handles */
    CURL *idle[LIMIT_TEMU_CURL_POOL];
    size_t nidle;
    struct curl_slist *headers;
    temu_acquire_fn acquire; /* optional shared budget (temu_client_set_acquire) */
    void *acquire_ctx;
};

static pthread_once_t client_global_once = PTHREAD_ONCE_INIT;
static int client_global_ok;

static void client_global_init(void)
{
    /* curl_global_init() is not thread-safe on every build, so it runs exactly once. */
    client_global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK && sodium_init() >= 0;
}

/* ---- defaults for the injectable clock, sleeper and transport ---------------------------- */

static int64_t client_wall_default(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

static uint64_t client_mono_default(void *ctx)
{
    (void)ctx;
    return clock_mono_ns();
}

static void client_sleep_default(void *ctx, uint64_t ms)
{
    (void)ctx;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

struct client_sink {
    struct buf *body;
    bool too_big;
};

static size_t client_curl_write(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct client_sink *sink = ctx;
    size_t n = size * nmemb;
    enum err e = buf_append(sink->body, data, n);
    if (e == ERR_TOOBIG)
        sink->too_big = true;
    return e == ERR_OK ? n : 0;
}

static CURL *client_curl_take(struct temu_client *c)
{
    CURL *h = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->nidle > 0)
        h = c->idle[--c->nidle];
    pthread_mutex_unlock(&c->lock);
    if (h != NULL)
        curl_easy_reset(h); /* keeps the live connection and TLS session for reuse */
    else
        h = curl_easy_init();
    return h;
}

static void client_curl_give(struct temu_client *c, CURL *h)
{
    pthread_mutex_lock(&c->lock);
    if (c->nidle < LIMIT_TEMU_CURL_POOL) {
        c->idle[c->nidle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (h != NULL)
        curl_easy_cleanup(h);
}

/* The libcurl transport; ctx is the client. */
ERR_MUST_USE static enum err client_curl_post(void *ctx, const char *url, const char *body,
                                              size_t len, long connect_timeout_ms, long timeout_ms,
                                              struct temu_http_answer *ans, struct errbuf *eb)
{
    struct temu_client *c = ctx;
    struct client_sink sink = {&ans->body, false};
    ans->status = 0;
    ans->sent = false;
    CURL *h = client_curl_take(c);
    if (h == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "libcurl could not create a handle.");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "aicos/" AICOS_VERSION);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* the cap applies after decoding */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LIMIT_TEMU_RESPONSE_BYTES);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, client_curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    CURLcode rc = curl_easy_perform(h);
    long status = 0, request_size = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
    ans->sent = request_size > 0;
    enum err e = ERR_OK;
    if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        e = err_set(eb, ERR_TOOBIG, "temu_answer_too_big",
                    "The Temu answer is larger than %d bytes.", LIMIT_TEMU_RESPONSE_BYTES);
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
               rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT) {
        e = err_set(eb, ERR_CONFIG, "temu_transport", "%s", curl_easy_strerror(rc));
    } else if (rc != CURLE_OK) {
        e = err_set(eb, ERR_UPSTREAM, "temu_transport", "%s", curl_easy_strerror(rc));
    } else {
        ans->status = (int)status;
    }
    client_curl_give(c, h);
    return e;
}

/* ---- options and lifetime ------------------------------------------------------------------ */

void temu_client_options_init(struct temu_client_options *o)
{
    memset(o, 0, sizeof *o);
    o->region = TEMU_REGION_US;
    o->connect_timeout_ms = TEMU_DEFAULT_CONNECT_TIMEOUT_MS;
    o->timeout_ms = TEMU_DEFAULT_TIMEOUT_MS;
    o->max_retries = TEMU_DEFAULT_MAX_RETRIES;
    o->backoff_base_ms = TEMU_DEFAULT_BACKOFF_BASE_MS;
    o->backoff_max_ms = TEMU_DEFAULT_BACKOFF_MAX_MS;
    o->rate = TEMU_DEFAULT_RATE;
}

void temu_client_options_from_config(struct temu_client_options *o, const struct config *cfg)
{
    enum temu_region r;
    if (temu_region_parse(cfg->temu_region, &r))
        o->region = r;
    o->gateway_url = cfg->temu_gateway_url[0] != '\0' ? cfg->temu_gateway_url : NULL;
    o->connect_timeout_ms = cfg->temu_connect_timeout_ms;
    o->timeout_ms = cfg->temu_timeout_ms;
    o->max_retries = (int)cfg->temu_max_retries;
    o->rate = (uint32_t)cfg->temu_rate_limit;
    o->allow_http = cfg->env != CONFIG_ENV_PRODUCTION;
}

static char *client_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Frees a secret-bearing string after overwriting it. */
static void client_wipe_free(char *s)
{
    if (s == NULL)
        return;
    sodium_memzero(s, strlen(s));
    free(s);
}

static bool client_printable(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    }
    return true;
}

ERR_MUST_USE static enum err client_check_options(const struct temu_client_options *o,
                                                  const char *url, struct errbuf *eb)
{
    if (url == NULL)
        return err_set(eb, ERR_INVAL, "temu_bad_option", "Unknown Temu region.");
    if (strlen(url) >= LIMIT_TEMU_URL_BYTES || !client_printable(url))
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu gateway URL is too long or contains spaces or control "
                       "characters.");
    if (strncmp(url, "https://", 8) != 0 && !(o->allow_http && strncmp(url, "http://", 7) == 0))
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu gateway URL must start with https:// (http:// is accepted "
                       "outside production only).");
    if (o->app_key == NULL || o->app_key[0] == '\0' ||
        strlen(o->app_key) > LIMIT_TEMU_SECRET_BYTES || !client_printable(o->app_key))
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu app key is missing, too long or not printable.");
    if (o->app_secret == NULL || o->app_secret[0] == '\0' ||
        strlen(o->app_secret) > LIMIT_TEMU_SECRET_BYTES)
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu app secret is missing or longer than %d bytes.",
                       LIMIT_TEMU_SECRET_BYTES);
    if (o->access_token != NULL &&
        (strlen(o->access_token) > LIMIT_TEMU_SECRET_BYTES || !client_printable(o->access_token)))
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu access token is too long or not printable.");
    if (o->connect_timeout_ms < 1 || o->connect_timeout_ms > LIMIT_TEMU_TIMEOUT_MS_MAX ||
        o->timeout_ms < 1 || o->timeout_ms > LIMIT_TEMU_TIMEOUT_MS_MAX)
        return err_set(eb, ERR_INVAL, "temu_bad_option", "Temu timeouts must be from 1 to %d ms.",
                       LIMIT_TEMU_TIMEOUT_MS_MAX);
    if (o->max_retries < 0 || o->max_retries > LIMIT_TEMU_RETRIES_MAX)
        return err_set(eb, ERR_INVAL, "temu_bad_option", "Temu retries must be from 0 to %d.",
                       LIMIT_TEMU_RETRIES_MAX);
    if (o->backoff_base_ms < 1 || o->backoff_max_ms < o->backoff_base_ms ||
        o->backoff_max_ms > LIMIT_TEMU_BACKOFF_MAX_MS)
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "Temu backoff must satisfy 1 <= base <= max <= %d ms.",
                       LIMIT_TEMU_BACKOFF_MAX_MS);
    if (o->limiter == NULL && (o->rate < 1 || o->rate > LIMIT_TEMU_RATE_MAX))
        return err_set(eb, ERR_INVAL, "temu_bad_option",
                       "The Temu rate limit must be from 1 to %d requests per second.",
                       LIMIT_TEMU_RATE_MAX);
    return ERR_OK;
}

enum err temu_client_new(const struct temu_client_options *o, struct temu_client **out,
                         struct errbuf *eb)
{
    *out = NULL;
    const char *url = temu_gateway_url(o->region, o->gateway_url);
    enum err e = client_check_options(o, url, eb);
    if (e != ERR_OK)
        return e;
    pthread_once(&client_global_once, client_global_init);
    if (!client_global_ok)
        return err_set(eb, ERR_INTERNAL, NULL, "libcurl or libsodium failed to initialize.");
    struct temu_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return ERR_NOMEM;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return ERR_NOMEM;
    }
    e = ERR_NOMEM;
    c->url = client_strdup(url);
    c->app_key = client_strdup(o->app_key);
    c->secret = client_strdup(o->app_secret);
    if (c->url == NULL || c->app_key == NULL || c->secret == NULL)
        goto out;
    c->secret_len = strlen(c->secret);
    if (o->access_token != NULL && o->access_token[0] != '\0') {
        c->token = client_strdup(o->access_token);
        if (c->token == NULL)
            goto out;
    }
    c->connect_timeout_ms = o->connect_timeout_ms;
    c->timeout_ms = o->timeout_ms;
    c->max_retries = o->max_retries;
    c->backoff_base_ms = o->backoff_base_ms;
    c->backoff_max_ms = o->backoff_max_ms;
    c->limiter = o->limiter;
    if (c->limiter == NULL) {
        e = temu_ratelimit_new(o->rate, o->rate, &c->own_limiter);
        if (e != ERR_OK)
            goto out;
        c->limiter = c->own_limiter;
    }
    c->transport = o->transport != NULL ? o->transport : client_curl_post;
    c->transport_ctx = o->transport != NULL ? o->transport_ctx : c;
    c->wall_clock = o->wall_clock != NULL ? o->wall_clock : client_wall_default;
    c->mono_clock = o->mono_clock != NULL ? o->mono_clock : client_mono_default;
    c->sleep = o->sleep != NULL ? o->sleep : client_sleep_default;
    c->clock_ctx = o->clock_ctx;
    e = ERR_NOMEM;
    c->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->headers == NULL)
        goto out;
    /* libcurl would otherwise add "Expect: 100-continue" to large bodies: one wasted RTT. */
    struct curl_slist *more = curl_slist_append(c->headers, "Expect:");
    if (more == NULL)
        goto out;
    c->headers = more;
    e = ERR_OK;
out:
    if (e != ERR_OK) {
        temu_client_free(c);
        return e == ERR_NOMEM ? e : err_set(eb, e, "temu_bad_option", "Bad Temu rate limit.");
    }
    *out = c;
    return ERR_OK;
}

void temu_client_free(struct temu_client *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nidle; i++)
        curl_easy_cleanup(c->idle[i]);
    curl_slist_free_all(c->headers);
    temu_ratelimit_free(c->own_limiter);
    client_wipe_free(c->secret);
    client_wipe_free(c->token);
    free(c->app_key);
    free(c->url);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

enum err temu_client_set_access_token(struct temu_client *c, const char *token)
{
    char *copy = NULL;
    if (token != NULL && token[0] != '\0') {
        if (strlen(token) > LIMIT_TEMU_SECRET_BYTES || !client_printable(token))
            return ERR_INVAL;
        copy = client_strdup(token);
        if (copy == NULL)
            return ERR_NOMEM;
    }
    pthread_mutex_lock(&c->lock);
    char *old = c->token;
    c->token = copy;
    pthread_mutex_unlock(&c->lock);
    client_wipe_free(old);
    return ERR_OK;
}

const char *temu_client_url(const struct temu_client *c)
{
    return c->url;
}

void temu_client_set_acquire(struct temu_client *c, temu_acquire_fn fn, void *ctx)
{
    c->acquire = fn;
    c->acquire_ctx = ctx;
}

const char *temu_client_app_key(const struct temu_client *c)
{
    return c->app_key;
}

/* ---- envelope ------------------------------------------------------------------------------ */

void temu_result_clear(struct temu_result *res)
{
    if (res == NULL)
        return;
    json_decref(res->result);
    memset(res, 0, sizeof *res);
}

static void client_copy_id(char *dst, size_t dstlen, const json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t n = 0;
    for (; *s && n + 1 < dstlen; s++) {
        unsigned char ch = (unsigned char)*s;
        dst[n++] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    dst[n] = '\0';
}

/* errorCode as an integer or a digit string; 0 when absent or unreadable. */
static int64_t client_error_code(const json_t *v)
{
    int64_t code = 0;
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_string(v) && parse_int64(json_string_value(v), 0, INT64_MAX, &code) == ERR_OK)
        return code;
    return 0;
}

enum err temu_envelope_parse(const char *body, size_t len, struct temu_result *res,
                             struct temu_error *terr)
{
    json_t *root = NULL;
    struct errbuf eb = {0};
    enum err e = ERR_UPSTREAM;
    memset(res, 0, sizeof *res);
    temu_error_clear(terr);
    if (json_parse_strict(body, len, LIMIT_JSON_DEPTH, &root, &eb) != ERR_OK) {
        temu_error_set(terr, TEMU_ERROR_RETRYABLE, TEMU_SOURCE_ENVELOPE, 0, eb.msg,
                       "Temu answered with a body that is not JSON (truncated or garbled).");
        goto out;
    }
    json_t *env = root;
    json_t *wrapped = json_object_get(root, "response");
    if (json_is_object(wrapped) && json_object_get(root, "success") == NULL)
        env = wrapped;
    json_t *success = json_object_get(env, "success");
    if (!json_is_boolean(success)) {
        temu_error_set(terr, TEMU_ERROR_RETRYABLE, TEMU_SOURCE_ENVELOPE, 0,
                       "The answer has no boolean \"success\" member.",
                       "Temu answered with a JSON body that is not an API envelope.");
        goto out;
    }
    client_copy_id(terr->request_id, sizeof terr->request_id, json_object_get(env, "requestId"));
    memcpy(res->request_id, terr->request_id, sizeof res->request_id);
    int64_t code = client_error_code(json_object_get(env, "errorCode"));
    const char *msg = json_get_string(env, "errorMsg");
    if (json_is_false(success)) {
        enum temu_error_class cls = temu_error_classify(code);
        if (cls == TEMU_ERROR_NONE)
            cls = TEMU_ERROR_PERMANENT; /* success:false with the success code: no retry */
        temu_error_set(terr, cls, TEMU_SOURCE_GATEWAY, code, msg, NULL);
        memset(res, 0, sizeof *res);
        goto out;
    }
    json_t *result = json_object_get(env, "result");
    res->result = result != NULL ? json_incref(result) : json_null();
    /* Outer success is not operation success (§4.1): check the inner flags too. */
    json_t *inner = json_object_get(result, "success");
    json_t *operate = json_object_get(result, "operateResult");
    if (json_is_false(inner) || json_is_false(operate)) {
        int64_t icode = client_error_code(json_object_get(result, "errorCode"));
        const char *imsg = json_get_string(result, "errorMsg");
        enum temu_error_class cls = icode != 0 ? temu_error_classify(icode) : TEMU_ERROR_PERMANENT;
        if (cls == TEMU_ERROR_NONE)
            cls = TEMU_ERROR_PERMANENT;
        temu_error_set(terr, cls, TEMU_SOURCE_INNER, icode,
                       imsg != NULL ? imsg
                                    : (json_is_false(inner) ? "result.success is false"
                                                            : "result.operateResult is false"),
                       icode != 0 ? NULL
                                  : "Temu accepted the call but the operation failed; the "
                                    "result lists the per-item status.");
        goto out;
    }
    temu_error_clear(terr);
    e = ERR_OK;
out:
    json_decref(root);
    return e;
}

/* ---- retries --------------------------------------------------------------------------------- */

uint32_t temu_backoff_ms(unsigned retry, uint32_t base_ms, uint32_t max_ms, uint32_t random)
{
    uint64_t d = base_ms;
    for (unsigned i = 0; i < retry && d < max_ms; i++)
        d *= 2;
    if (d > max_ms)
        d = max_ms;
    uint64_t lo = d / 2;
    return (uint32_t)(lo + random % (d - lo + 1));
}

bool temu_type_is_read(const char *type)
{
    static const char *const reads[] = {"get", "query", "list", "retrieve"};
    const char *end = type + strlen(type);
    while (end > type) {
        const char *start = end;
        while (start > type && start[-1] != '.')
            start--;
        size_t n = (size_t)(end - start);
        bool version = n >= 2 && start[0] == 'v' && strspn(start + 1, "0123456789") == n - 1;
        bool suffix = version || (n == 6 && strncmp(start, "global", 6) == 0);
        if (!suffix) {
            for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
                if (strlen(reads[i]) == n && strncmp(start, reads[i], n) == 0)
                    return true;
            }
            return false;
        }
        end = start > type ? start - 1 : start;
    }
    return false;
}

static bool client_type_valid(const char *type)
{
    size_t n = type != NULL ? strlen(type) : 0;
    if (n == 0 || n > TYPE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)type[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_';
        if (!ok)
            return false;
    }
    return true;
}

/* A rate limit answer means the request was refused unprocessed: safe to retry any call. */
static bool client_is_rate_limit(const struct temu_error *te)
{
    return te->code == 4000004 || te->code == 110020007 || te->http_status == 429;
}

/* Overwrites the bytes of a string value this call created, before jansson frees it. */
static void client_wipe_json_string(json_t *v)
{
    if (json_is_string(v) && v->refcount == 1)
        sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

static void client_wipe_buf(struct buf *b)
{
    if (b->data != NULL)
        sodium_memzero(b->data, b->cap);
    buf_free(b);
}

/* One attempt: sign with a fresh timestamp, send, classify. ERR_OK or ERR_UPSTREAM/INVAL. */
ERR_MUST_USE static enum err client_attempt(struct temu_client *c, json_t *all, bool idempotent,
                                            struct temu_result *res, struct temu_error *te,
                                            bool *may_retry)
{
    struct buf body = {.max = LIMIT_TEMU_REQUEST_BYTES};
    struct temu_http_answer ans = {.body = {.max = LIMIT_TEMU_RESPONSE_BYTES}};
    struct errbuf eb = {0};
    enum err e;
    *may_retry = false;
    /* Wait for the rate limiter first, so that the timestamp is fresh when the request leaves. */
    uint64_t wait = temu_ratelimit_reserve(c->limiter, c->mono_clock(c->clock_ctx));
    if (wait > 0)
        c->sleep(c->clock_ctx, (wait + 999999) / 1000000);
    if (c->acquire != NULL)
        c->acquire(c->acquire_ctx);
    e = json_object_set_new(all, "timestamp", json_integer(c->wall_clock(c->clock_ctx))) ? ERR_NOMEM
                                                                                         : ERR_OK;
    if (e == ERR_OK)
        e = temu_sign_body(all, c->secret, c->secret_len, &body, NULL, &eb);
    if (e != ERR_OK) {
        temu_error_set(te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0,
                       eb.msg[0] ? eb.msg : err_message(e), "The call was refused before sending.");
        goto out;
    }
    te->attempts++;
    e = c->transport(c->transport_ctx, c->url, body.data, body.len, c->connect_timeout_ms,
                     c->timeout_ms, &ans, &eb);
    if (e != ERR_OK) {
        enum temu_error_class cls = e == ERR_TOOBIG   ? TEMU_ERROR_PERMANENT
                                    : e == ERR_CONFIG ? TEMU_ERROR_CONFIG
                                                      : TEMU_ERROR_RETRYABLE;
        temu_error_set(te, cls, TEMU_SOURCE_TRANSPORT, 0, eb.msg[0] ? eb.msg : err_message(e),
                       cls == TEMU_ERROR_CONFIG
                           ? "TLS verification or the gateway URL failed; check "
                             "AICOS_TEMU_GATEWAY_URL and the system CA certificates."
                           : NULL);
        e = e == ERR_NOMEM ? e : ERR_UPSTREAM;
        *may_retry = cls == TEMU_ERROR_RETRYABLE && (idempotent || !ans.sent);
        goto out;
    }
    int attempts = te->attempts;
    if (ans.status != 200) {
        /* Some gateways put an envelope in a 429/5xx answer; its code is more precise. */
        struct temu_result ignored;
        bool coded = temu_envelope_parse(ans.body.data ? ans.body.data : "", ans.body.len, &ignored,
                                         te) != ERR_OK &&
                     te->source == TEMU_SOURCE_GATEWAY;
        temu_result_clear(&ignored);
        if (!coded) {
            char msg[64];
            snprintf(msg, sizeof msg, "HTTP status %d", ans.status);
            enum temu_error_class cls = temu_error_classify_http(ans.status);
            temu_error_set(te, cls, TEMU_SOURCE_HTTP, 0, msg,
                           cls == TEMU_ERROR_CONFIG
                               ? "The gateway answered with an unexpected HTTP status; check "
                                 "AICOS_TEMU_GATEWAY_URL."
                               : NULL);
        }
        te->http_status = ans.status;
        te->attempts = attempts;
        e = ERR_UPSTREAM;
        *may_retry = te->cls == TEMU_ERROR_RETRYABLE && (idempotent || client_is_rate_limit(te));
        goto out;
    }
    e = temu_envelope_parse(ans.body.data ? ans.body.data : "", ans.body.len, res, te);
    te->attempts = attempts;
    te->http_status = 200;
    if (e != ERR_OK)
        *may_retry = te->cls == TEMU_ERROR_RETRYABLE && (idempotent || client_is_rate_limit(te));
out:
    client_wipe_buf(&body);
    client_wipe_buf(&ans.body);
    return e;
}

static const char *const client_reserved[] = {"type",      "app_key",   "access_token",
                                              "timestamp", "data_type", "sign"};

/* Refuses a call before sending: a bad type, non-object parameters, a parameter the client
 * sets itself or an over-long access token (te says which). */
static bool client_call_refused(const char *type, const json_t *params,
                                const struct temu_call_options *opts, struct temu_error *te)
{
    if (!client_type_valid(type)) {
        temu_error_set(te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0,
                       "The API type must be 1-128 letters, digits, '.' or '_'.",
                       "The call was refused before sending.");
        return true;
    }
    if (params != NULL && !json_is_object(params)) {
        temu_error_set(te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0,
                       "Temu parameters must be a JSON object.",
                       "The call was refused before sending.");
        return true;
    }
    for (size_t i = 0; params != NULL && i < sizeof client_reserved / sizeof client_reserved[0];
         i++) {
        if (json_object_get(params, client_reserved[i]) != NULL) {
            char msg[96];
            snprintf(msg, sizeof msg, "The parameter %s is set by the client itself.",
                     client_reserved[i]);
            temu_error_set(te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0, msg,
                           "The call was refused before sending.");
            return true;
        }
    }
    if (opts != NULL && opts->access_token != NULL &&
        strlen(opts->access_token) > LIMIT_TEMU_SECRET_BYTES) {
        temu_error_set(te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0,
                       "The access token is too long.", "The call was refused before sending.");
        return true;
    }
    return false;
}

/* Sends all, retrying with backoff while the failure allows it. */
ERR_MUST_USE static enum err client_call_retrying(struct temu_client *c, json_t *all,
                                                  const char *type, bool idempotent,
                                                  struct temu_result *res, struct temu_error *te)
{
    enum err e;
    for (int attempt = 0;; attempt++) {
        bool may_retry = false;
        if (attempt > 0) {
            uint32_t ms = temu_backoff_ms((unsigned)attempt - 1, c->backoff_base_ms,
                                          c->backoff_max_ms, randombytes_random());
            char a[16], d[16], code[24];
            snprintf(a, sizeof a, "%d", attempt + 1);
            snprintf(d, sizeof d, "%u", (unsigned)ms);
            snprintf(code, sizeof code, "%lld", (long long)te->code);
            log_kv(LOG_INFO, "temu.retry", "type", type, "attempt", a, "delay_ms", d, "class",
                   temu_error_class_name(te->cls), "source", temu_error_source_name(te->source),
                   "code", code, "temu_rid", te->request_id, NULL);
            c->sleep(c->clock_ctx, ms);
        }
        e = client_attempt(c, all, idempotent, res, te, &may_retry);
        if (e == ERR_OK || !may_retry || attempt >= c->max_retries)
            break;
        temu_result_clear(res);
    }
    return e;
}

enum err temu_client_call_ex(struct temu_client *c, const char *type, const json_t *params,
                             const struct temu_call_options *opts, struct temu_result *res,
                             struct temu_error *terr)
{
    struct temu_error local_err;
    struct temu_error *te = terr != NULL ? terr : &local_err;
    char token[LIMIT_TEMU_SECRET_BYTES + 1] = "";
    json_t *all = NULL;
    enum err e = ERR_INVAL;
    memset(res, 0, sizeof *res);
    temu_error_clear(te);
    if (client_call_refused(type, params, opts, te))
        goto out;
    if (opts != NULL && opts->access_token != NULL) {
        memcpy(token, opts->access_token, strlen(opts->access_token) + 1);
    } else {
        pthread_mutex_lock(&c->lock);
        if (c->token != NULL)
            memcpy(token, c->token, strlen(c->token) + 1);
        pthread_mutex_unlock(&c->lock);
    }
    bool idempotent =
        opts != NULL && opts->idempotent >= 0 ? opts->idempotent != 0 : temu_type_is_read(type);
    e = ERR_NOMEM;
    all = params != NULL ? json_copy((json_t *)params) : json_object();
    if (all == NULL || json_object_set_new(all, "type", json_string(type)) != 0 ||
        json_object_set_new(all, "app_key", json_string(c->app_key)) != 0 ||
        json_object_set_new(all, "data_type", json_string("JSON")) != 0 ||
        (token[0] != '\0' && json_object_set_new(all, "access_token", json_string(token)) != 0))
        goto out;
    e = client_call_retrying(c, all, type, idempotent, res, te);
    res->attempts = te->attempts;
    if (e == ERR_OK) {
        int attempts = te->attempts;
        temu_error_clear(te);
        te->attempts = attempts;
    } else if (te->source == TEMU_SOURCE_LOCAL) {
        e = e == ERR_NOMEM ? e : ERR_INVAL;
    }
out:
    if (all != NULL) {
        client_wipe_json_string(json_object_get(all, "access_token"));
        json_decref(all);
    }
    sodium_memzero(token, sizeof token);
    return e;
}

enum err temu_client_call(struct temu_client *c, const char *type, const json_t *params,
                          struct temu_result *res, struct temu_error *terr)
{
    return temu_client_call_ex(c, type, params, NULL, res, terr);
}

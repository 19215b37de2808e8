/*
 * The Temu Open Platform client: the one call path for every API.
 *
 *   build params (business params + type, app_key, access_token, timestamp, data_type=JSON)
 *   → sign (temu/sign.h, MD5, §2.2) → POST JSON with libcurl (TLS verification on, connect
 *   and total timeouts, response capped at LIMIT_TEMU_RESPONSE_BYTES, no redirects)
 *   → parse the envelope {success, errorCode, errorMsg, requestId, result} (§4.1)
 *   → check the inner success flags (result.success, result.operateResult)
 *   → a struct temu_result, or a struct temu_error classified by temu/errors.h.
 *
 * Retryable failures (4000000, 4000004, transport, HTTP 429/5xx, garbled answers) are
 * retried up to max_retries times with exponential backoff and jitter (libsodium
 * randombytes), re-signing every attempt because the timestamp changes. A transport failure
 * after the request may have reached Temu is retried only for idempotent calls (by default:
 * types whose last word is get, query, list or retrieve). Every attempt first takes a token
 * from the app's rate limiter (default 20 requests/s).
 *
 * The app secret is only ever fed to MD5: it is never sent, never logged, and wiped when the
 * client is freed. The access token is sent (as the platform requires) but never logged.
 *
 * A client is thread-safe: any number of threads may call temu_client_call() at once.
 *
 * Typical use:
 *     struct temu_client_options o;
 *     temu_client_options_init(&o);
 *     o.gateway_url = "http://127.0.0.1:9000/openapi/router";  (or o.region = TEMU_REGION_EU)
 *     o.app_key = key; o.app_secret = secret; o.access_token = token;
 *     struct temu_client *c;
 *     if (temu_client_new(&o, &c, &eb) != ERR_OK) ...
 *     struct temu_result r; struct temu_error te;
 *     json_t *p = json_pack("{s:I, s:I}", "pageNumber", (json_int_t)1, "pageSize",
 * (json_int_t)100); if (temu_client_call(c, "bg.order.list.v2.get", p, &r, &te) == ERR_OK)
 * use(r.result); else report(te.cls, te.code, te.message, te.hint); temu_result_clear(&r);
 * json_decref(p); temu_client_free(c);
 */
#ifndef AICOS_TEMU_CLIENT_H
#define AICOS_TEMU_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "temu/errors.h"
#include "temu/ratelimit.h"
#include "temu/regions.h"

#define TEMU_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define TEMU_DEFAULT_TIMEOUT_MS         30000
#define TEMU_DEFAULT_MAX_RETRIES        3
#define TEMU_DEFAULT_RATE               20 /* requests per second per app key (§4.3) */
#define TEMU_DEFAULT_BACKOFF_BASE_MS    500
#define TEMU_DEFAULT_BACKOFF_MAX_MS     8000

struct temu_client;

/* What one HTTP exchange produced; filled by a transport. */
struct temu_http_answer {
    int status;      /* HTTP status; 0 when no answer arrived */
    struct buf body; /* the answer body; its max is LIMIT_TEMU_RESPONSE_BYTES */
    bool sent;       /* false only when the request certainly did not reach the server */
};

/*
 * Sends one POST of body (len bytes, JSON) to url and fills ans. Returns ERR_OK when an HTTP
 * answer (of any status) arrived; otherwise ERR_UPSTREAM (or ERR_TOOBIG for an answer over
 * the cap) with a one-line reason in eb. The default is libcurl; tests and fuzzers inject
 * their own.
 */
typedef enum err (*temu_transport_fn)(void *ctx, const char *url, const char *body, size_t len,
                                      long connect_timeout_ms, long timeout_ms,
                                      struct temu_http_answer *ans, struct errbuf *eb);

/* Wall-clock Unix seconds, for the request timestamp. */
typedef int64_t (*temu_wall_fn)(void *ctx);

/* Monotonic nanoseconds, for the rate limiter. */
typedef uint64_t (*temu_mono_fn)(void *ctx);

/* Sleeps ms milliseconds (backoff and rate limiting). */
typedef void (*temu_sleep_fn)(void *ctx, uint64_t ms);

struct temu_client_options {
    const char *gateway_url;        /* router URL; wins over region when set and non-empty */
    enum temu_region region;        /* default TEMU_REGION_US */
    const char *app_key;            /* required; copied */
    const char *app_secret;         /* required; copied, wiped on temu_client_free() */
    const char *access_token;       /* optional seller token; copied, wiped on free */
    long connect_timeout_ms;        /* 1..LIMIT_TEMU_TIMEOUT_MS_MAX */
    long timeout_ms;                /* whole attempt, 1..LIMIT_TEMU_TIMEOUT_MS_MAX */
    int max_retries;                /* retries after the first attempt, 0..LIMIT_TEMU_RETRIES_MAX */
    uint32_t backoff_base_ms;       /* first retry waits base/2..base; doubles each retry */
    uint32_t backoff_max_ms;        /* ceiling of the doubling, <= LIMIT_TEMU_BACKOFF_MAX_MS */
    uint32_t rate;                  /* requests per second when the client owns its limiter */
    struct temu_ratelimit *limiter; /* shared limiter of this app key (borrowed) or NULL */
    bool allow_http;                /* accept a plain http:// gateway URL (sandbox only) */
    temu_transport_fn transport;    /* NULL: libcurl */
    void *transport_ctx;
    temu_wall_fn wall_clock; /* NULL: time() */
    temu_mono_fn mono_clock; /* NULL: CLOCK_MONOTONIC */
    temu_sleep_fn sleep;     /* NULL: nanosleep() */
    void *clock_ctx;         /* passed to wall_clock, mono_clock and sleep */
};

/* The successful answer of one call. Release with temu_result_clear(). */
struct temu_result {
    json_t *result;                       /* the envelope's "result" (object, array or null) */
    char request_id[TEMU_REQUEST_ID_MAX]; /* Temu requestId, "" when absent */
    int attempts;                         /* requests sent, retries included */
};

/* Per-call choices for temu_client_call_ex(). */
struct temu_call_options {
    const char *access_token; /* NULL: the client's token ("" sends none) */
    int idempotent;           /* 1 yes, 0 no, -1 decide from the type name */
};

/* Fills o with the defaults (region US, 5 s connect, 30 s total, 3 retries, 20/s). */
void temu_client_options_init(struct temu_client_options *o);

/*
 * Fills o from the configuration (region, gateway URL, timeouts, retries, rate; http://
 * allowed unless AICOS_ENV=production). Credentials are not touched.
 */
void temu_client_options_from_config(struct temu_client_options *o, const struct config *cfg);

/*
 * Creates a client. ERR_INVAL (naming the option) for a missing app key or secret, values
 * out of bounds, or a gateway URL that is not https:// (http:// needs allow_http); ERR_NOMEM.
 * The caller owns *out and frees it with temu_client_free().
 */
ERR_MUST_USE enum err temu_client_new(const struct temu_client_options *o, struct temu_client **out,
                                      struct errbuf *eb);

/* Wipes the secrets and frees the client; NULL is a no-op. No call may be in progress. */
void temu_client_free(struct temu_client *c);

/*
 * Replaces the seller access token (e.g. after re-authorization); NULL or "" clears it.
 * Thread-safe. ERR_INVAL when longer than LIMIT_TEMU_SECRET_BYTES, ERR_NOMEM.
 */
ERR_MUST_USE enum err temu_client_set_access_token(struct temu_client *c, const char *token);

/* The router URL the client posts to (owned by the client). */
const char *temu_client_url(const struct temu_client *c);

/*
 * Calls API `type` with business params (a JSON object or NULL; borrowed; it must not hold
 * the common keys type, app_key, access_token, timestamp, data_type or sign). On ERR_OK res
 * holds the result (caller clears it) and terr is cleared. On failure the return value is
 * ERR_INVAL (bad type or params: terr source local), ERR_NOMEM, or ERR_UPSTREAM with the
 * detail in terr (class, source, code, message, hint, requestId). For a TEMU_SOURCE_INNER
 * failure res still holds the result, so per-item statuses can be inspected; otherwise res
 * is empty. terr may be NULL.
 */
ERR_MUST_USE enum err temu_client_call(struct temu_client *c, const char *type,
                                       const json_t *params, struct temu_result *res,
                                       struct temu_error *terr);

/* temu_client_call() with per-call options (opts NULL means the defaults). */
ERR_MUST_USE enum err temu_client_call_ex(struct temu_client *c, const char *type,
                                          const json_t *params,
                                          const struct temu_call_options *opts,
                                          struct temu_result *res, struct temu_error *terr);

/*
 * An optional second rate limiter shared beyond this process (the sync engine's request budget
 * per app key in the database, src/sync/budget.c): called before every attempt, after the
 * client's own limiter, and returns once the request may leave. It must not fail; on its own
 * trouble it returns at once (the client's limiter still applies).
 */
typedef void (*temu_acquire_fn)(void *ctx);

/*
 * Installs (or with fn NULL removes) the acquire hook; ctx is borrowed and must outlive the
 * calls. Not thread-safe against calls in progress: install it before the first call.
 */
void temu_client_set_acquire(struct temu_client *c, temu_acquire_fn fn, void *ctx);

/* The app key the client signs with (owned by the client). */
const char *temu_client_app_key(const struct temu_client *c);

/* Releases res->result and empties res; safe on an empty or zeroed result. */
void temu_result_clear(struct temu_result *res);

/*
 * Parses one gateway answer body (§4.1): tolerates an outer {"response": {...}} wrapper,
 * requires a boolean success, reads errorCode (integer or digit string), errorMsg and
 * requestId, and checks the inner flags result.success and result.operateResult. Returns
 * ERR_OK with res filled, or ERR_UPSTREAM with terr filled (source envelope, gateway or
 * inner; for inner, res is filled too). Never trusts the input; used by the fuzzer.
 */
ERR_MUST_USE enum err temu_envelope_parse(const char *body, size_t len, struct temu_result *res,
                                          struct temu_error *terr);

/*
 * The pause before retry number `retry` (0 for the first retry): with d = min(max_ms,
 * base_ms * 2^retry), the result is d/2 + random % (d - d/2 + 1), i.e. within [d/2, d]
 * ("equal jitter": spread out, yet never much shorter than the exponential schedule).
 */
uint32_t temu_backoff_ms(unsigned retry, uint32_t base_ms, uint32_t max_ms, uint32_t random);

/* True when type names a read-only API (last dot-separated word get, query, list, retrieve). */
bool temu_type_is_read(const char *type);

#endif

/*
 * The 17TRACK v2.2 client (tracking-and-settlement.md §1.1-§1.9): one call path for every
 * endpoint (register, gettrackinfo, gettracklist, stoptrack, retrack, changecarrier,
 * getquota): POST JSON with the `17token` header over libcurl, the envelope read, whole-call
 * failures classified, retryable ones (HTTP 429 and 5xx, -18010003, a truncated or garbled
 * answer) retried with backoff. Before every attempt the client takes a request slot of the
 * key's budget in the database (3 requests/s per key, shared by every process, like the Temu
 * budget: one atomic UPDATE of the key's row in temu_budget, named "17track:<key id>").
 * Bad keys are understood both ways the sources allow: HTTP 401 and code -18010002.
 */
#ifndef AICOS_TRACKING_T17_H
#define AICOS_TRACKING_T17_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

#define T17_BATCH_MAX 40 /* numbers per call (-18010014 above) */
#define T17_RATE_INTERVAL_US                                                                       \
    400000                  /* one request slot: 2.5 requests/s, so send delays of up to           \
                               200 ms never put a 4th request into one second */
#define T17_KEY_ID_LEN   16 /* hex characters naming a key without revealing it */
#define T17_DEFAULT_URL  "https://api.17track.net/track/v2.2/"
#define T17_RESPONSE_MAX (4 * 1024 * 1024)

/* Codes the callers act on (§1.7). */
#define T17_ERR_KEY          (-18010002)
#define T17_ERR_INTERNAL     (-18010003)
#define T17_ERR_FORMAT       (-18010012)
#define T17_ERR_REGISTERED   (-18019901)
#define T17_ERR_UNREGISTERED (-18019902)
#define T17_ERR_DAILY        (-18019907)
#define T17_ERR_QUOTA        (-18019908)

struct t17_client;

struct t17_options {
    const char *base_url; /* ends with "/"; NULL: T17_DEFAULT_URL */
    const char *key;      /* the 17token (copied, wiped on free) */
    struct db *db;        /* the shared request budget; NULL: no shared budget (tests) */
    int64_t interval_us;  /* 0: T17_RATE_INTERVAL_US */
    int max_retries;      /* 0: 3 */
    long timeout_ms;      /* 0: 20000 */
};

/* What the client did, for the bench and the CLI. */
struct t17_stats {
    int64_t calls, attempts, retries, numbers;
};

ERR_MUST_USE enum err t17_client_new(const struct t17_options *o, struct t17_client **out,
                                     struct errbuf *eb);
void t17_client_free(struct t17_client *c);

/* The key's id: the first T17_KEY_ID_LEN hex characters of its SHA-256. */
void t17_key_id(const char *key, char out[T17_KEY_ID_LEN + 1]);
const char *t17_client_key_id(const struct t17_client *c);
void t17_client_stats(const struct t17_client *c, struct t17_stats *out);

/*
 * POSTs body to endpoint and returns the envelope's `data` (a new reference) in *data.
 * ERR_AUTH "provider_key_refused" for HTTP 401 or -18010002/-18010001/-18010004/-18010005;
 * ERR_UPSTREAM "provider_failed" for any other whole-call code (*code says which) or when
 * retries ran out; ERR_INVAL for a batch over T17_BATCH_MAX (nothing is sent).
 */
ERR_MUST_USE enum err t17_call(struct t17_client *c, const char *endpoint, const json_t *body,
                               json_t **data, int64_t *code, struct errbuf *eb);

/*
 * Reserves the next request slot of key_id's budget (interval_us apart) at wall time now_us;
 * *wait_us says how long to wait before sending. Public for the tests.
 */
ERR_MUST_USE enum err t17_rate_reserve(struct db_conn *c, const char *key_id, int64_t interval_us,
                                       int64_t now_us, int64_t *wait_us, struct errbuf *eb);

/*
 * Verifies a pushed webhook: sign must be the lowercase hex SHA-256 of body + "/" + key
 * (§1.9), compared in constant time. false when sign is NULL, malformed or wrong.
 */
bool t17_push_verify(const char *key, const char *body, size_t len, const char *sign);

/* Parses "2026-01-05T10:00:00Z" (or with fractions or an offset) as Unix seconds; 0 on error. */
int64_t t17_time_parse(const char *s);

#endif

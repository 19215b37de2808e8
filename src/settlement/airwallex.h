/*
 * The Airwallex client (the payout provider's API, tracking-and-settlement.md §2.4): the
 * subset the settlement import reads.
 *
 *   POST /api/v1/authentication/login   x-client-id + x-api-key -> {token, expires_at}; the
 *                                       token is cached and reused until 60 s before it
 *                                       expires (Airwallex: 30 minutes; login is rate limited)
 *   GET  /api/v1/pa/financial/settlements?currency&status&from_settled_at&to_settled_at
 *        &page_num (from 0)&page_size (<= 1000)  -> {items[], has_more}
 *   GET  /api/v1/pa/financial/settlements/{id}
 *   GET  /api/v1/balances/history?currency&from_post_at&to_post_at (<= 7 days)&page&page_size
 *        -> {items[], page_after}
 *
 * Every call: libcurl (TLS verified, no redirects, connect and total timeouts, the answer
 * capped at LIMIT_TEMU_RESPONSE_BYTES), then strict JSON (base/json.h) into lines whose money
 * is integer minor units: a JSON number is turned back into the shortest decimal text that
 * reads as the same number and parsed by base/money in the line's currency, so 730.12 USD is
 * 73012 and an amount with more decimals than its currency has is an error, never rounded.
 *
 * Retries (up to max_retries): HTTP 429 after Retry-After (capped at max_wait_ms), 5xx,
 * transport failures and garbled answers after a doubling pause; a 401 on a data call (the
 * token expired early or was revoked) logs in again once. A client is used by one thread at
 * a time.
 */
#ifndef AICOS_SETTLEMENT_AIRWALLEX_H
#define AICOS_SETTLEMENT_AIRWALLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

#define AIRWALLEX_ID_MAX        96
#define AIRWALLEX_TEXT_MAX      256
#define AIRWALLEX_RATE_MAX      24
#define AIRWALLEX_CURSOR_MAX    256
#define AIRWALLEX_CRED_MAX      128 /* client id or API key */
#define AIRWALLEX_PAGE_SIZE_MAX 1000
#define AIRWALLEX_HISTORY_SPAN  (7 * 86400) /* balance history: one query's longest window */

/* One line of the provider: a settlement, or a balance history item. */
struct airwallex_line {
    char id[AIRWALLEX_ID_MAX]; /* the provider's id */
    char kind[24];             /* "settlement", or the history transaction_type in lower case */
    char status[16];           /* "SETTLED"/"PENDING" (settlements), "POSTED" (history) */
    struct money amount;       /* signed, minor units */
    struct money fee;          /* 0 when absent */
    char fx_rate[AIRWALLEX_RATE_MAX];   /* "" or the rate as the provider wrote it ("1.0832") */
    int64_t created_at;                 /* Unix seconds */
    int64_t settled_at;                 /* -1 when not settled (history: created_at) */
    int64_t estimated_at;               /* -1 when absent */
    char reference[AIRWALLEX_TEXT_MAX]; /* history: description; settlements: "" */
    char source[AIRWALLEX_ID_MAX];      /* history: the source transaction's id */
};

/* One page of lines; release with airwallex_page_clear(). */
struct airwallex_page {
    struct airwallex_line *lines;
    size_t n;
    bool has_more;                         /* more pages after this one */
    char page_after[AIRWALLEX_CURSOR_MAX]; /* history: the next page's cursor, "" at the end */
};

struct airwallex_options {
    const char *base_url;  /* "https://api.airwallex.com" (no trailing path) */
    const char *client_id; /* copied */
    const char *api_key;   /* copied, wiped on free */
    bool allow_http;       /* accept http:// (the sandbox, outside production) */
    long connect_timeout_ms, timeout_ms;
    int max_retries;      /* 0..10 */
    uint32_t max_wait_ms; /* longest Retry-After honoured */
};

/* What a client did (for tests, logs and the status page). */
struct airwallex_stats {
    int logins, requests, retries;
};

struct airwallex_client;

/* Defaults: 5 s connect, 30 s total, 3 retries, Retry-After honoured up to 10 s. */
void airwallex_options_init(struct airwallex_options *o);

/* ERR_INVAL naming the option (URL scheme, empty or over-long credentials), ERR_NOMEM. */
ERR_MUST_USE enum err airwallex_client_new(const struct airwallex_options *o,
                                           struct airwallex_client **out, struct errbuf *eb);

/* Wipes the key and the token and frees; NULL is a no-op. */
void airwallex_client_free(struct airwallex_client *c);

void airwallex_client_stats(const struct airwallex_client *c, struct airwallex_stats *out);

/*
 * One page of settlements of currency and status ("SETTLED" or "PENDING") whose settled_at
 * lies in [from, to] (Unix seconds). ERR_AUTH for refused credentials, ERR_INVAL for a
 * refused request (the provider's code and message), ERR_UPSTREAM when retries ran out.
 */
ERR_MUST_USE enum err airwallex_settlements_page(struct airwallex_client *c, const char *currency,
                                                 const char *status, int64_t from, int64_t to,
                                                 int64_t page_num, int64_t page_size,
                                                 struct airwallex_page *out, struct errbuf *eb);

/* One settlement by id (a page of one line); ERR_NOTFOUND when the provider has none. */
ERR_MUST_USE enum err airwallex_settlement_get(struct airwallex_client *c, const char *id,
                                               struct airwallex_page *out, struct errbuf *eb);

/*
 * One page of balance history in [from, to] (at most 7 days apart); cursor "" for the first
 * page, then the previous page's page_after; currency NULL for all.
 */
ERR_MUST_USE enum err airwallex_history_page(struct airwallex_client *c, const char *currency,
                                             int64_t from, int64_t to, const char *cursor,
                                             int64_t page_size, struct airwallex_page *out,
                                             struct errbuf *eb);

void airwallex_page_clear(struct airwallex_page *p);

/* The parsers behind the calls (strict; ERR_PARSE naming the item and field), for tests. */
ERR_MUST_USE enum err airwallex_parse_settlements(const char *body, size_t len, bool list,
                                                  struct airwallex_page *out, struct errbuf *eb);
ERR_MUST_USE enum err airwallex_parse_history(const char *body, size_t len,
                                              struct airwallex_page *out, struct errbuf *eb);

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HHMM|+HH:MM)" into Unix seconds. */
ERR_MUST_USE enum err airwallex_time_parse(const char *s, int64_t *out, struct errbuf *eb);

#endif

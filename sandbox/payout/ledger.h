/*
 * ledger: the emulated Airwallex account of payout-sandbox. From --seed it makes, always the
 * same way, a series of Temu withdrawals credited to the account: each is a settlement
 * (GET /api/v1/pa/financial/settlements: id, amount, fee, currency, status, created_at,
 * settled_at, estimated_settled_at) and, once settled, a DEPOSIT in the balance history
 * (source = the settlement id, description = the withdrawal reference), followed for EUR and
 * CNY by a CONVERSION pair into USD carrying the rate (client_rate). Times start on a fixed
 * day (2026-09-01 UTC) so the data does not depend on when it runs. The admin API adds more
 * credits with chosen values (a golden scenario's withdrawals).
 *
 * Amounts are integers in minor units (every currency here has two decimals) and are written
 * as JSON numbers with exactly two decimals, as Airwallex writes them. Thread-safe.
 */
#ifndef PO_LEDGER_H
#define PO_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sbuf.h"

#define PO_ID_MAX          40
#define PO_TEXT_MAX        128
#define PO_RATE_MAX        16
#define PO_SETTLEMENTS_MAX 20000
#define PO_HISTORY_MAX     (3 * PO_SETTLEMENTS_MAX)
#define PO_PAGE_SIZE_MAX   1000
#define PO_PAGE_SIZE_DEF   100
#define PO_WINDOW_MAX_S    (7 * 86400) /* balance history: at most 7 days per query */
#define PO_EPOCH           1788220800  /* 2026-09-01T00:00:00Z */

struct ledger;

/* payouts generated settlements over 90 days for shops shops; NULL when out of memory. */
struct ledger *ledger_new(uint64_t seed, int payouts, int shops);

/* NULL is a no-op. */
void ledger_free(struct ledger *l);

/* A credit added through the admin API. */
struct ledger_credit {
    char currency[4];
    int64_t amount_minor; /* > 0, net of the fee */
    int64_t fee_minor;    /* >= 0 */
    int64_t created_at;   /* Unix seconds */
    int64_t settled_at;   /* 0: PENDING */
    char reference[PO_TEXT_MAX];
    char rate[PO_RATE_MAX]; /* "" or the rate into USD with 4 decimals, e.g. "0.1404" */
};

/* Adds c; writes its settlement id into id (PO_ID_MAX). false when the ledger is full. */
bool ledger_add(struct ledger *l, const struct ledger_credit *c, char *id);

/* A query's parameters, already read from the URL (NULL: absent). */
struct ledger_args {
    const char *currency, *status, *from, *to, *page_num, *page_size, *page;
};

/*
 * GET /api/v1/pa/financial/settlements: appends the answer to out and returns the HTTP status
 * (200, or 400 with an Airwallex error body naming the parameter).
 */
int ledger_settlements(struct ledger *l, const struct ledger_args *a, struct sbuf *out);

/* GET /api/v1/pa/financial/settlements/{id}: 200 or 404. */
int ledger_settlement(struct ledger *l, const char *id, struct sbuf *out);

/* GET /api/v1/balances/history: 200, or 400 (time_range_exceed over 7 days, bad values). */
int ledger_history(struct ledger *l, const struct ledger_args *a, struct sbuf *out);

/* Counts for GET /_sandbox/ledger: {"settlements", "history" (what the clock shows now),
 * "history_later" (items dated after now, shown once the clock reaches them)}. */
void ledger_summary(struct ledger *l, struct sbuf *out);

/* Appends an Airwallex error body {"code","source"?,"message"}. */
void ledger_error(struct sbuf *out, const char *code, const char *source, const char *message);

/* Parses ISO 8601 "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" + optional Z / +0000 / +00:00. */
bool ledger_parse_time(const char *s, int64_t *out);

/* Writes t as "YYYY-MM-DDTHH:MM:SS+0000" (out >= 32 bytes). */
void ledger_format_time(int64_t t, char *out, size_t len);

#endif

/*
 * Expected amounts per order, with history (issue 13, "Money and sources"): from an
 * order_amounts file (import.h) or from Temu's temu.order.amount.v2.query
 * (salesProceeds.estimatedSettlementTotal, minor units) for synced orders. Every change of an
 * order's amount adds a history row, so drift after the sale stays visible. A file's amount
 * wins: the API refresh leaves orders whose amount came from a file alone.
 */
#ifndef AICOS_SETTLEMENT_EXPECTED_H
#define AICOS_SETTLEMENT_EXPECTED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"
#include "store/db.h"

#define SETTLE_AMOUNT_SOURCE "temu_amount_api" /* settlement_expected.source of API amounts */

struct settle_expected {
    const char *order_sn, *connection_id, *currency, *source;
    int64_t amount_minor, ordered_at, pickup_at, delivered_at;
    bool after_sales_open;
};

/*
 * Upserts x (seen at now) on c, in the caller's transaction if any; history on a change.
 * *moved (may be NULL): the order had another amount before (drift).
 */
ERR_MUST_USE enum err settle_expected_put(struct db_conn *c, const struct settle_expected *x,
                                          int64_t now, bool *moved, struct errbuf *eb);

struct settle_amounts_result {
    int64_t asked, stored, moved, failed;
    char last_error[200];
};

/* Orders asked again once their amount is this old, while younger than the horizon (settled
 * by then: pickup + 45 days at the latest, with room for after-sales holds). */
#define SETTLE_AMOUNTS_MAX_AGE_S   INT64_C(86400)
#define SETTLE_AMOUNTS_HORIZON_S   (INT64_C(120) * 86400)
#define SETTLE_AMOUNTS_PER_RUN     500                  /* orders asked by one scheduled run */
#define SETTLE_AMOUNTS_LEASE       "settlement_amounts" /* sync_leases.stream of the stream */
#define SETTLE_AMOUNTS_LEASE_TTL_S 1800

/*
 * Reads the estimated settlement of up to limit synced orders (of connection conn, or all)
 * that have no expected amount or no order_amounts row yet, or whose API amount is older than
 * max_age_s while the order is younger than SETTLE_AMOUNTS_HORIZON_S, oldest orders first
 * (newest first when newest_first: the console's list shows those first), and stores each,
 * with the order's amounts (amounts.h) in the same transaction; an expected amount from a file
 * is left as it is. Every request draws on the app's shared Temu budget
 * (sync_budget_acquire). A failed order is counted and skipped; an answer that the API is not
 * granted (3000032 and kin) stops the refresh with ERR_FORBIDDEN.
 */
ERR_MUST_USE enum err settle_amounts_refresh(const struct connect_env *env, const char *conn,
                                             int64_t limit, int64_t max_age_s, bool newest_first,
                                             int64_t now, struct settle_amounts_result *out,
                                             struct errbuf *eb);

/* The stream's state of one connection (settlement_amount_state); zeros before its first run. */
struct settle_amounts_state {
    int64_t last_run_at, last_ok_at, asked, stored, moved, failed;
    char last_error[200];
};

ERR_MUST_USE enum err settle_amounts_state_get(struct db *db, const char *conn,
                                               struct settle_amounts_state *out, struct errbuf *eb);

/*
 * One run of the expected-amounts stream of connection conn, as the settlement worker makes
 * it every interval: the lease (conn, SETTLE_AMOUNTS_LEASE) so one process works at a time
 * (ERR_CONFLICT "lease_held" otherwise), up to SETTLE_AMOUNTS_PER_RUN orders refreshed, the
 * state row written with what the run did (also when it failed), the lease released.
 */
ERR_MUST_USE enum err settle_amounts_stream_run(const struct connect_env *env, const char *conn,
                                                int64_t now, struct settle_amounts_result *out,
                                                struct errbuf *eb);

/* Whether conn's stream is due at now: never run, or its last run interval_s ago. */
ERR_MUST_USE enum err settle_amounts_due(struct db *db, const char *conn, int64_t interval_s,
                                         int64_t now, bool *due, struct errbuf *eb);

#endif

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

/* Upserts x (seen at now) on c, in the caller's transaction if any; history on a change. */
ERR_MUST_USE enum err settle_expected_put(struct db_conn *c, const struct settle_expected *x,
                                          int64_t now, struct errbuf *eb);

struct settle_amounts_result {
    int64_t asked, stored, failed;
    char last_error[200];
};

/*
 * Reads the estimated settlement of up to limit synced orders (of connection conn, or all)
 * that have no expected amount or no order_amounts row yet, or whose API amount is older than
 * max_age_s, oldest orders first (newest first when newest_first: the console's list shows
 * those first), and stores each, with the order's amounts (amounts.h) in
 * the same transaction; an expected amount from a file is left as it is. A failed order is counted
 * and skipped; an answer that the API is not granted (3000032 and kin) stops the refresh with
 * ERR_FORBIDDEN.
 */
ERR_MUST_USE enum err settle_amounts_refresh(const struct connect_env *env, const char *conn,
                                             int64_t limit, int64_t max_age_s, bool newest_first,
                                             int64_t now, struct settle_amounts_result *out,
                                             struct errbuf *eb);

#endif

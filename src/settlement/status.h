/*
 * What the Payment Settlement registry row is computed from (src/readiness/registry.c):
 * statement files imported, profiles saved, whether a payout provider API credential exists
 * and how its scheduled import fares, and the last reconciliation's overdue orders and
 * unexplained variance.
 */
#ifndef AICOS_SETTLEMENT_STATUS_H
#define AICOS_SETTLEMENT_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"
#include "store/db.h"

#define SETTLE_VARIANCE_MAX_MINOR 100 /* unexplained variance above this degrades */
#define SETTLE_STATUS_ORDERS_MAX  160 /* bytes of the order list in the risk text */

struct settle_status {
    int64_t imports, lines, profiles;
    bool api_credential;
    int64_t ran_at; /* 0: never reconciled */
    int64_t missing, missing_minor;
    int64_t unexplained_orders, unexplained_minor; /* absolute sum */
    char currency[MONEY_CODE_LEN + 1];             /* of the amounts above ("" when none) */
    char orders[SETTLE_STATUS_ORDERS_MAX];         /* "PO-1, PO-2, ..." (missing first) */
    /* The payout provider's import: the last error of a feed whose last run failed ("" when
     * every feed's last run succeeded or none ran) and the newest success (0: none). */
    char api_error[200];
    int64_t api_ok_at;
};

/* Fills out from the database. */
ERR_MUST_USE enum err settle_status_get(struct db *db, struct settle_status *out,
                                        struct errbuf *eb);

#endif

/*
 * The money of the last reconciliation run per currency, for the daily brief of the action
 * center: what was settled and what is missing (layer 1, the orders).
 */
#ifndef AICOS_SETTLEMENT_TOTALS_H
#define AICOS_SETTLEMENT_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"
#include "store/db.h"

#define SETTLE_TOTALS_MAX 8 /* currencies reported */

struct settle_total {
    char currency[MONEY_CODE_LEN + 1];
    int64_t settled_minor;  /* lines of matched and partial orders, and of unexpected ones */
    int64_t settled_orders; /* orders with settled lines (matched, partial, unexpected) */
    int64_t missing_minor;  /* expected amounts of orders past their settlement date, no line */
    int64_t missing_orders;
    int64_t pending_minor; /* expected amounts not yet due (timing, after-sales hold) */
    int64_t pending_orders;
};

/*
 * The last run's totals, one per currency (at most max, in currency order) into out; *n the
 * count, *ran_at when it ran. ERR_NOTFOUND "not_reconciled" before any run.
 */
ERR_MUST_USE enum err settle_totals(struct db *db, struct settle_total *out, size_t max, size_t *n,
                                    int64_t *ran_at, struct errbuf *eb);

#endif

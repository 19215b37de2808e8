/* The money of the last reconciliation run per currency (totals.h). */
#include "settlement/totals.h"

#include <stdio.h>
#include <string.h>

/* Adds one (currency, status) group of layer 1 to the totals. */
static void totals_add(struct settle_total *t, const char *status, int64_t orders, int64_t amount,
                       int64_t expected)
{
    if (strcmp(status, "matched") == 0 || strcmp(status, "partial") == 0) {
        t->settled_minor += expected + amount; /* the variance plus what was expected */
        t->settled_orders += orders;
    } else if (strcmp(status, "unexpected") == 0) {
        t->settled_minor += amount; /* the lines' sum */
        t->settled_orders += orders;
    } else if (strcmp(status, "missing") == 0) {
        t->missing_minor += expected;
        t->missing_orders += orders;
    } else if (strcmp(status, "pending") == 0) {
        t->pending_minor += expected;
        t->pending_orders += orders;
    }
}

enum err settle_totals(struct db *db, struct settle_total *out, size_t max, size_t *n,
                       int64_t *ran_at, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    struct db_rows *run = NULL, *r = NULL;
    *n = 0;
    enum err e = db_query(c, "SELECT ran_at FROM settlement_runs WHERE id = 1", NULL, 0, &run, eb);
    if (e == ERR_OK && db_rows_count(run) == 0)
        e = err_set(eb, ERR_NOTFOUND, "not_reconciled",
                    "no reconciliation has run yet: run aicos settlement reconcile");
    if (e == ERR_OK)
        *ran_at = db_rows_int_or(run, 0, 0, 0);
    e = e ? e
          : db_query(c,
                     "SELECT r.currency, r.status, COUNT(*), SUM(r.amount_minor), "
                     "SUM(COALESCE(x.amount_minor, 0)) FROM settlement_results r LEFT JOIN "
                     "settlement_expected x ON x.order_sn = r.ref WHERE r.layer = 1 AND r.seq = 0 "
                     "GROUP BY r.currency, r.status ORDER BY r.currency, r.status",
                     NULL, 0, &r, eb);
    db_release(c);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *cur = db_rows_get(r, i, 0);
        if (*n == 0 || strcmp(out[*n - 1].currency, cur) != 0) {
            if (*n == max)
                break;
            memset(&out[*n], 0, sizeof out[*n]);
            snprintf(out[*n].currency, sizeof out[*n].currency, "%s", cur);
            (*n)++;
        }
        totals_add(&out[*n - 1], db_rows_get(r, i, 1), db_rows_int_or(r, i, 2, 0),
                   db_rows_int_or(r, i, 3, 0), db_rows_int_or(r, i, 4, 0));
    }
    db_rows_free(run);
    db_rows_free(r);
    return e;
}

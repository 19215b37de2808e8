/*
 * The settlement input of the action center: the facts of settlement_variance and
 * settlement_overdue are the settlement domain's per-order reconciliation results
 * (settlement/query.h settle_order_states); keys are order numbers.
 */
#include "actions/settle.h"

enum err actions_settle_load(struct db_conn *c, const char *conn, const char *const *keys, size_t n,
                             struct settle_order_state *out, size_t *got, struct errbuf *eb)
{
    return settle_order_states(c, conn, keys, n, NULL, n, out, got, eb);
}

enum err actions_settle_keys(struct db *db, const char *conn, const char *after,
                             struct settle_order_state *out, size_t *got, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = settle_order_states(c, conn, NULL, 0, after, ACTIONS_CHUNK, out, got, eb);
    db_release(c);
    return e;
}

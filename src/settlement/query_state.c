/*
 * Per-order reconciliation results for the action center (query.h settle_order_states).
 */
#include <stdio.h>
#include <string.h>

#include "settlement/line.h"
#include "settlement/query.h"
#include "settlement/reconcile.h"

#define STATE_KEYS_MAX 60 /* keys + the connection stay under the PostgreSQL bound of 64 */

/* The layer 1 row of each order (seq 0) with its connection (the expected order's, else the
 * synced order's), expected amount and unexplained residue. */
#define STATE_HEAD                                                                                 \
    "SELECT r.ref, r.status, r.currency, COALESCE(x.amount_minor, 0), r.amount_minor, "            \
    "COALESCE((SELECT SUM(u.amount_minor) FROM settlement_results u WHERE u.layer = 1 AND "        \
    "u.ref = r.ref AND u.seq > 0 AND u.reason = 'unexplained'), 0) FROM settlement_results r "     \
    "LEFT JOIN settlement_expected x ON x.order_sn = r.ref WHERE r.layer = 1 AND r.seq = 0 AND "   \
    "(x.connection_id = $1 OR (x.order_sn IS NULL AND EXISTS (SELECT 1 FROM temu_orders o WHERE "  \
    "o.connection_id = $1 AND o.parent_order_sn = r.ref))) AND "

ERR_MUST_USE static enum err state_fill(struct db_conn *c, const struct db_rows *r,
                                        struct settle_order_state *out, size_t *got, size_t max,
                                        struct errbuf *eb)
{
    enum err e = ERR_OK;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r) && *got < max; i++) {
        struct settle_order_state *s = &out[(*got)++];
        memset(s, 0, sizeof *s);
        settle_copy(s->sn, sizeof s->sn, db_rows_get(r, i, 0));
        settle_copy(s->status, sizeof s->status, db_rows_get(r, i, 1));
        settle_copy(s->currency, sizeof s->currency, db_rows_get(r, i, 2));
        s->expected_minor = db_rows_int_or(r, i, 3, 0);
        s->variance_minor = db_rows_int_or(r, i, 4, 0);
        s->unexplained_minor =
            strcmp(s->status, "unexpected") == 0 ? s->variance_minor : db_rows_int_or(r, i, 5, 0);
        if (strcmp(s->status, "missing") == 0 || strcmp(s->status, "pending") == 0) {
            struct settle_order_times t;
            e = settle_order_times_get(c, s->sn, &t, eb);
            s->expected_at = e == ERR_OK ? settle_expected_date(&t) : 0;
        }
    }
    return e;
}

enum err settle_order_states(struct db_conn *c, const char *conn, const char *const *keys, size_t n,
                             const char *after, size_t max, struct settle_order_state *out,
                             size_t *got, struct errbuf *eb)
{
    char sql[1600], ph[STATE_KEYS_MAX * 6] = "";
    struct db_param p[STATE_KEYS_MAX + 2];
    size_t np = 1;
    *got = 0;
    if (keys != NULL && (n > STATE_KEYS_MAX || n > max))
        return err_set(eb, ERR_INVAL, NULL, "too many settlement keys");
    if (keys != NULL && n == 0)
        return ERR_OK;
    p[0] = DB_P_TEXT(conn);
    for (size_t i = 0; keys != NULL && i < n; i++) {
        size_t len = strlen(ph);
        snprintf(ph + len, sizeof ph - len, "%s$%zu", i ? ", " : "", i + 2);
        p[np++] = DB_P_TEXT(keys[i]);
    }
    if (keys == NULL)
        p[np++] = DB_P_TEXT(after != NULL ? after : "");
    if (keys != NULL)
        snprintf(sql, sizeof sql, "%sr.ref IN (%s) ORDER BY r.ref", STATE_HEAD, ph);
    else
        snprintf(sql, sizeof sql, "%sr.ref > $2 ORDER BY r.ref LIMIT %zu", STATE_HEAD,
                 max < STATE_KEYS_MAX ? max : (size_t)STATE_KEYS_MAX);
    struct db_rows *r = NULL;
    enum err e = db_query(c, sql, p, np, &r, eb);
    e = e ? e : state_fill(c, r, out, got, max, eb);
    db_rows_free(r);
    return e;
}

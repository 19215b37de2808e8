/*
 * The passes over many objects: the full re-scan (every order, case, SKU with sales and the
 * integration health of a connection), and the worker's window pass (only the orders whose
 * ship-by risk or breach moment was crossed since the last pass, plus the objects of active
 * items, whose urgency moves with time). Both end in actions_eval_keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "actions/settle.h"

struct keylist {
    char **v;
    size_t n, cap;
};

static void keylist_free(struct keylist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

ERR_MUST_USE static enum err keylist_add(struct keylist *l, const char *s, struct errbuf *eb)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return err_set(eb, ERR_NOMEM, NULL, "out of memory");
        l->v = v;
        l->cap = cap;
    }
    if ((l->v[l->n] = strdup(s)) == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    l->n++;
    return ERR_OK;
}

/* Appends column 0 of every row of the query to l. */
ERR_MUST_USE static enum err keys_of(struct db *db, const char *sql, const struct db_param *p,
                                     size_t np, struct keylist *l, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_pool_query(db, sql, p, np, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        e = keylist_add(l, db_rows_get(r, i, 0), eb);
    db_rows_free(r);
    return e;
}

ERR_MUST_USE static enum err eval_list(struct db *db, const char *conn, enum actions_input in,
                                       const struct keylist *l, int64_t now,
                                       struct actions_stats *st, struct errbuf *eb)
{
    return actions_eval_keys(db, conn, in, (const char *const *)l->v, l->n, now, st, eb);
}

/* Walks table's keys of conn in key order, ACTIONS_CHUNK at a time. */
ERR_MUST_USE static enum err walk(struct db *db, const char *conn, enum actions_input in,
                                  const char *table, const char *key, int64_t now,
                                  struct actions_stats *st, struct errbuf *eb)
{
    char sql[300], last[ACTIONS_KEY_MAX] = "";
    snprintf(sql, sizeof sql,
             "SELECT %s FROM %s WHERE connection_id = $1 AND %s > $2 ORDER BY %s LIMIT %d", key,
             table, key, key, ACTIONS_CHUNK);
    for (;;) {
        struct keylist l = {0};
        struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(last)};
        enum err e = keys_of(db, sql, p, 2, &l, eb);
        e = e ? e : eval_list(db, conn, in, &l, now, st, eb);
        if (e == ERR_OK && l.n > 0)
            snprintf(last, sizeof last, "%s", l.v[l.n - 1]);
        size_t got = l.n;
        keylist_free(&l);
        if (e != ERR_OK || got < ACTIONS_CHUNK)
            return e;
    }
}

/* The objects of conn's items that are active or open, per input, evaluated again. */
ERR_MUST_USE static enum err sweep(struct db *db, const char *conn, int64_t now,
                                   struct actions_stats *st, struct errbuf *eb)
{
    static const enum actions_input inputs[] = {ACTIONS_IN_ORDERS, ACTIONS_IN_CASES,
                                                ACTIONS_IN_STOCK, ACTIONS_IN_TRACKING,
                                                ACTIONS_IN_SETTLEMENT};
    size_t nd;
    const struct actions_detector *t = actions_detectors(&nd);
    enum err e = ERR_OK;
    for (size_t i = 0; e == ERR_OK && i < sizeof inputs / sizeof inputs[0]; i++) {
        struct keylist l = {0};
        for (size_t d = 0; e == ERR_OK && d < nd; d++) {
            if (t[d].input != inputs[i])
                continue;
            struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(t[d].kind)};
            e = keys_of(db,
                        "SELECT object_key FROM action_items WHERE connection_id = $1 AND kind = "
                        "$2 AND (active = 1 OR state IN ('open', 'snoozed'))",
                        p, 2, &l, eb);
        }
        e = e ? e : eval_list(db, conn, inputs[i], &l, now, st, eb);
        keylist_free(&l);
    }
    return e;
}

/* The on-sale SKUs of conn with sales in the last 30 days. */
ERR_MUST_USE static enum err stock_keys(struct db *db, const char *conn, int64_t now,
                                        struct keylist *l, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_INT(now - 30 * 86400)};
    return keys_of(db,
                   "SELECT DISTINCT CAST(i.sku_id AS TEXT) FROM temu_order_items i JOIN "
                   "temu_orders o ON o.connection_id = i.connection_id AND o.parent_order_sn = "
                   "i.parent_order_sn WHERE i.connection_id = $1 AND o.order_time >= $2 AND "
                   "o.status <> 3",
                   p, 2, l, eb);
}

/* Every settled order of conn (the settlement domain's results), ACTIONS_CHUNK at a time. */
ERR_MUST_USE static enum err walk_settlement(struct db *db, const char *conn, int64_t now,
                                             struct actions_stats *st, struct errbuf *eb)
{
    char last[SETTLE_SN_MAX] = "";
    struct settle_order_state *s = calloc(ACTIONS_CHUNK, sizeof *s);
    enum err e = s != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    for (size_t got = ACTIONS_CHUNK; e == ERR_OK && got == ACTIONS_CHUNK;) {
        struct keylist l = {0};
        e = actions_settle_keys(db, conn, last, s, &got, eb);
        for (size_t i = 0; e == ERR_OK && i < got; i++)
            e = keylist_add(&l, s[i].sn, eb);
        e = e ? e : eval_list(db, conn, ACTIONS_IN_SETTLEMENT, &l, now, st, eb);
        if (e == ERR_OK && got > 0)
            snprintf(last, sizeof last, "%s", s[got - 1].sn);
        keylist_free(&l);
    }
    free(s);
    return e;
}

ERR_MUST_USE static enum err full_one(struct db *db, const char *conn, int64_t now,
                                      struct actions_stats *st, struct errbuf *eb)
{
    struct keylist l = {0};
    enum err e = walk(db, conn, ACTIONS_IN_ORDERS, "temu_orders", "parent_order_sn", now, st, eb);
    e = e ? e
          : walk(db, conn, ACTIONS_IN_CASES, "temu_aftersales", "parent_after_sales_sn", now, st,
                 eb);
    e = e ? e : walk(db, conn, ACTIONS_IN_TRACKING, "tracking_shipments", "id", now, st, eb);
    e = e ? e : actions_eval_keys(db, conn, ACTIONS_IN_HEALTH, NULL, 0, now, st, eb);
    e = e ? e : stock_keys(db, conn, now, &l, eb);
    e = e ? e : eval_list(db, conn, ACTIONS_IN_STOCK, &l, now, st, eb);
    keylist_free(&l);
    e = e ? e : walk_settlement(db, conn, now, st, eb);
    return e ? e : sweep(db, conn, now, st, eb);
}

ERR_MUST_USE static enum err connections(struct db *db, const char *only, struct keylist *l,
                                         struct errbuf *eb)
{
    if (only != NULL)
        return keylist_add(l, only, eb);
    return keys_of(db, "SELECT id FROM temu_connections ORDER BY id", NULL, 0, l, eb);
}

enum err actions_eval_full(struct db *db, const char *conn, int64_t now, struct actions_stats *st,
                           struct errbuf *eb)
{
    struct keylist cl = {0};
    enum err e = connections(db, conn, &cl, eb);
    for (size_t i = 0; e == ERR_OK && i < cl.n; i++)
        e = full_one(db, cl.v[i], now, st, eb);
    keylist_free(&cl);
    return e;
}

/* The first threshold of detector kind for conn. */
ERR_MUST_USE static enum err param_of(struct db *db, const char *conn, const char *kind, int64_t *w,
                                      struct errbuf *eb)
{
    int64_t(*params)[ACTIONS_PARAMS_MAX] = NULL;
    enum err e = actions_params_read(db, conn, &params, eb);
    if (params == NULL)
        return e;
    *w = params[actions_detector_index(actions_detector_of(kind))][0];
    free(params);
    return e;
}

/*
 * The window pass's share of tracking: the orders (already in orders) plus those whose parcels
 * changed or were flagged in (since, now], then those parcels and the parcels whose no-scan
 * moment (upload + after_s) was crossed.
 */
ERR_MUST_USE static enum err tracking_window(struct db *db, const char *conn, int64_t since,
                                             int64_t now, struct keylist *orders,
                                             struct actions_stats *st, struct errbuf *eb)
{
    struct keylist l = {0};
    int64_t after = 0;
    static const char changed[] = "(updated_at > $2 OR id IN (SELECT shipment_id FROM "
                                  "tracking_flags WHERE raised_at > $2))";
    char sql[600];
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_INT(since), DB_P_INT(now), DB_P_INT(0)};
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT parent_order_sn FROM tracking_shipments WHERE connection_id = $1 "
             "AND %s",
             changed);
    enum err e = keys_of(db, sql, p, 2, orders, eb);
    e = e ? e : eval_list(db, conn, ACTIONS_IN_ORDERS, orders, now, st, eb);
    e = e ? e : param_of(db, conn, "no_first_scan", &after, eb);
    p[3] = DB_P_INT(after);
    snprintf(sql, sizeof sql,
             "SELECT id FROM tracking_shipments WHERE connection_id = $1 AND (%s OR "
             "(first_event_at = 0 AND (CASE WHEN shipped_at > 0 THEN shipped_at ELSE created_at "
             "END) + $4 > $2 AND (CASE WHEN shipped_at > 0 THEN shipped_at ELSE created_at END) + "
             "$4 <= $3))",
             changed);
    e = e ? e : keys_of(db, sql, p, 4, &l, eb);
    e = e ? e : eval_list(db, conn, ACTIONS_IN_TRACKING, &l, now, st, eb);
    keylist_free(&l);
    return e;
}

enum err actions_eval_window(struct db *db, int64_t since, int64_t now, struct actions_stats *st,
                             struct errbuf *eb)
{
    struct keylist cl = {0};
    enum err e = connections(db, NULL, &cl, eb);
    for (size_t i = 0; e == ERR_OK && i < cl.n; i++) {
        struct keylist l = {0};
        int64_t w = 0;
        e = param_of(db, cl.v[i], "ship_by_risk", &w, eb);
        /* Breach moment (ship_by) or risk moment (ship_by - w) in (since, now]. */
        struct db_param p[] = {DB_P_TEXT(cl.v[i]), DB_P_INT(since), DB_P_INT(now), DB_P_INT(w)};
        e = e ? e
              : keys_of(db,
                        "SELECT parent_order_sn FROM temu_orders WHERE connection_id = $1 AND "
                        "status IN (1, 2, 41) AND ((ship_by > $2 AND ship_by <= $3) OR "
                        "(ship_by > $2 + $4 AND ship_by <= $3 + $4))",
                        p, 4, &l, eb);
        e = e ? e : tracking_window(db, cl.v[i], since, now, &l, st, eb);
        keylist_free(&l);
        e = e ? e : actions_eval_keys(db, cl.v[i], ACTIONS_IN_HEALTH, NULL, 0, now, st, eb);
        e = e ? e : sweep(db, cl.v[i], now, st, eb);
    }
    keylist_free(&cl);
    return e;
}

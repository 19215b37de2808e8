/*
 * Expected amounts per order (expected.h).
 */
#include "settlement/expected.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "settlement/amounts.h"
#include "settlement/line.h"
#include "temu/api.h"

enum err settle_expected_put(struct db_conn *c, const struct settle_expected *x, int64_t now,
                             struct errbuf *eb)
{
    struct db_param h[] = {DB_P_TEXT(x->order_sn), DB_P_INT(x->amount_minor),
                           DB_P_TEXT(x->currency), DB_P_INT(now), DB_P_TEXT(x->source)};
    enum err e = db_exec(c,
                         "INSERT INTO settlement_expected_history (order_sn, amount_minor, "
                         "currency, seen_at, source) SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS "
                         "(SELECT 1 FROM settlement_expected WHERE order_sn = $1 AND "
                         "amount_minor = $2 AND currency = $3) ON CONFLICT DO NOTHING",
                         h, 5, NULL, eb);
    struct db_param p[] = {DB_P_TEXT(x->order_sn),    DB_P_TEXT(x->connection_id),
                           DB_P_INT(x->amount_minor), DB_P_TEXT(x->currency),
                           DB_P_INT(x->ordered_at),   DB_P_INT(x->pickup_at),
                           DB_P_INT(x->delivered_at), DB_P_INT(x->after_sales_open ? 1 : 0),
                           DB_P_TEXT(x->source),      DB_P_INT(now)};
    return e ? e
             : db_exec(c,
                       "INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, "
                       "currency, ordered_at, pickup_at, delivered_at, after_sales_open, source, "
                       "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT "
                       "(order_sn) DO UPDATE SET amount_minor = excluded.amount_minor, currency = "
                       "excluded.currency, ordered_at = excluded.ordered_at, pickup_at = "
                       "excluded.pickup_at, delivered_at = excluded.delivered_at, "
                       "after_sales_open = excluded.after_sales_open, source = excluded.source, "
                       "updated_at = excluded.updated_at",
                       p, 10, NULL, eb);
}

/* One order: the estimated settlement total stored, or why not (false: skip it). */
ERR_MUST_USE static enum err amounts_one(const struct connect_env *env, struct temu_client *cl,
                                         const char *conn, const char *sn, int64_t ordered,
                                         bool file_amount, int64_t now,
                                         struct settle_amounts_result *out, struct errbuf *eb)
{
    struct temu_order o = {0};
    struct temu_error te = {0};
    out->asked++;
    enum err e = temu_api_order_amount_v2(cl, sn, &o, &te);
    int64_t minor = 0;
    char cur[8] = "";
    if (e == ERR_OK && !temu_money_get(json_object_get(o.parent_order, "salesProceeds"),
                                       "estimatedSettlementTotal", &minor, cur))
        e = err_set(eb, ERR_UPSTREAM, "no_amount", "no estimatedSettlementTotal for %s", sn);
    json_t *answer = e == ERR_OK ? json_incref(o.result) : NULL;
    temu_order_clear(&o);
    if (e != ERR_OK) {
        out->failed++;
        snprintf(out->last_error, sizeof out->last_error, "%s: %lld %.140s", sn, (long long)te.code,
                 te.message[0] ? te.message : errbuf_message(eb, e));
        if (te.cls == TEMU_ERROR_AUTH || te.cls == TEMU_ERROR_CONFIG)
            return err_set(eb, ERR_FORBIDDEN, "amount_api_not_granted",
                           "Temu refused the amount API (%lld %.120s): %s", (long long)te.code,
                           te.message, te.hint ? te.hint : "");
        return ERR_OK;
    }
    struct settle_expected x = {sn, conn, cur, SETTLE_AMOUNT_SOURCE, minor, ordered, 0, 0, false};
    struct db_conn *c = db_acquire(env->db);
    /* Both rows or neither; an amount from a file stays (the file wins). */
    e = db_begin(c, eb);
    if (e == ERR_OK && !file_amount)
        e = settle_expected_put(c, &x, now, eb);
    if (e == ERR_OK)
        e = settle_order_amount_put(c, conn, sn, answer, now, eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    else
        db_rollback(c);
    db_release(c);
    json_decref(answer);
    out->stored += e == ERR_OK;
    return e;
}

enum err settle_amounts_refresh(const struct connect_env *env, const char *conn, int64_t limit,
                                int64_t max_age_s, bool newest_first, int64_t now,
                                struct settle_amounts_result *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct db_rows *r = NULL;
    struct db_param p[] = {conn ? DB_P_TEXT(conn) : DB_P_NULL, DB_P_INT(now - max_age_s),
                           DB_P_INT(limit), DB_P_TEXT(SETTLE_AMOUNT_SOURCE),
                           DB_P_INT(newest_first ? -1 : 1)};
    enum err e = db_pool_query(
        env->db,
        "SELECT t.connection_id, t.parent_order_sn, t.order_time, COALESCE(x.source, '') FROM "
        "temu_orders t LEFT JOIN settlement_expected x ON x.order_sn = t.parent_order_sn LEFT "
        "JOIN order_amounts a ON a.connection_id = t.connection_id AND a.parent_order_sn = "
        "t.parent_order_sn WHERE (CAST($1 AS TEXT) IS NULL OR t.connection_id = $1) AND "
        "(x.order_sn IS NULL OR a.parent_order_sn IS NULL OR (x.source = $4 AND x.updated_at < "
        "$2)) ORDER BY t.order_time * $5, t.parent_order_sn LIMIT $3",
        p, 5, &r, eb);
    struct temu_client *cl = NULL;
    char cl_conn[CONNECT_ID_LEN + 1] = "";
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *c = db_rows_get(r, i, 0);
        if (cl == NULL || strcmp(cl_conn, c) != 0) {
            temu_client_free(cl);
            cl = NULL;
            e = connect_client_for(env, c, &cl, eb);
            settle_copy(cl_conn, sizeof cl_conn, c);
        }
        e = e ? e
              : amounts_one(env, cl, c, db_rows_get(r, i, 1), db_rows_int_or(r, i, 2, 0),
                            db_rows_get(r, i, 3)[0] != '\0' &&
                                strcmp(db_rows_get(r, i, 3), SETTLE_AMOUNT_SOURCE) != 0,
                            now, out, eb);
    }
    temu_client_free(cl);
    db_rows_free(r);
    return e;
}

/*
 * Expected amounts per order (expected.h).
 */
#include "settlement/expected.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "settlement/amounts.h"
#include "settlement/line.h"
#include "sync/sync.h"
#include "temu/api.h"

enum err settle_expected_put(struct db_conn *c, const struct settle_expected *x, int64_t now,
                             bool *moved, struct errbuf *eb)
{
    struct db_param h[] = {DB_P_TEXT(x->order_sn), DB_P_INT(x->amount_minor),
                           DB_P_TEXT(x->currency), DB_P_INT(now), DB_P_TEXT(x->source)};
    bool had = false;
    int64_t added = 0;
    enum err e = ERR_OK;
    if (moved != NULL) {
        struct db_rows *r = NULL;
        e = db_query(c, "SELECT 1 FROM settlement_expected WHERE order_sn = $1", h, 1, &r, eb);
        had = e == ERR_OK && db_rows_count(r) > 0;
        db_rows_free(r);
        *moved = false;
    }
    e = e ? e
          : db_exec(c,
                    "INSERT INTO settlement_expected_history (order_sn, amount_minor, "
                    "currency, seen_at, source) SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS "
                    "(SELECT 1 FROM settlement_expected WHERE order_sn = $1 AND "
                    "amount_minor = $2 AND currency = $3) ON CONFLICT DO NOTHING",
                    h, 5, &added, eb);
    if (moved != NULL)
        *moved = had && added > 0;
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
    bool moved = false;
    /* Both rows or neither; an amount from a file stays (the file wins). */
    e = db_begin(c, eb);
    if (e == ERR_OK && !file_amount)
        e = settle_expected_put(c, &x, now, &moved, eb);
    if (e == ERR_OK)
        e = settle_order_amount_put(c, conn, sn, answer, now, eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    else
        db_rollback(c);
    db_release(c);
    json_decref(answer);
    out->stored += e == ERR_OK;
    out->moved += e == ERR_OK && moved;
    return e;
}

enum err settle_amounts_refresh(const struct connect_env *env, const char *conn, int64_t limit,
                                int64_t max_age_s, bool newest_first, int64_t now,
                                struct settle_amounts_result *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct db_rows *r = NULL;
    struct db_param p[] = {conn ? DB_P_TEXT(conn) : DB_P_NULL,
                           DB_P_INT(now - max_age_s),
                           DB_P_INT(limit),
                           DB_P_TEXT(SETTLE_AMOUNT_SOURCE),
                           DB_P_INT(now - SETTLE_AMOUNTS_HORIZON_S),
                           DB_P_INT(newest_first ? -1 : 1)};
    enum err e = db_pool_query(
        env->db,
        "SELECT t.connection_id, t.parent_order_sn, t.order_time, COALESCE(x.source, '') FROM "
        "temu_orders t LEFT JOIN settlement_expected x ON x.order_sn = t.parent_order_sn LEFT "
        "JOIN order_amounts a ON a.connection_id = t.connection_id AND a.parent_order_sn = "
        "t.parent_order_sn WHERE (CAST($1 AS TEXT) IS NULL OR t.connection_id = $1) AND "
        "(x.order_sn IS NULL OR a.parent_order_sn IS NULL OR (x.source = $4 AND x.updated_at < "
        "$2 AND t.order_time >= $5)) ORDER BY t.order_time * $6, t.parent_order_sn LIMIT $3",
        p, 6, &r, eb);
    struct temu_client *cl = NULL;
    struct sync_budget budget = {env->db, NULL, (uint32_t)env->cfg->temu_rate_limit};
    char cl_conn[CONNECT_ID_LEN + 1] = "";
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *c = db_rows_get(r, i, 0);
        if (cl == NULL || strcmp(cl_conn, c) != 0) {
            temu_client_free(cl);
            cl = NULL;
            e = connect_client_for(env, c, &cl, eb);
            settle_copy(cl_conn, sizeof cl_conn, c);
            if (e == ERR_OK) {
                budget.app_key = temu_client_app_key(cl);
                temu_client_set_acquire(cl, sync_budget_acquire, &budget);
            }
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

enum err settle_amounts_state_get(struct db *db, const char *conn, struct settle_amounts_state *out,
                                  struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(conn)};
    enum err e = db_pool_query(db,
                               "SELECT last_run_at, last_ok_at, asked, stored, moved, failed, "
                               "last_error FROM settlement_amount_state WHERE connection_id = $1",
                               p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        int64_t *v[] = {&out->last_run_at, &out->last_ok_at, &out->asked,
                        &out->stored,      &out->moved,      &out->failed};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            *v[i] = db_rows_int_or(r, 0, i, 0);
        settle_copy(out->last_error, sizeof out->last_error, db_rows_get(r, 0, 6));
    }
    db_rows_free(r);
    return e;
}

enum err settle_amounts_due(struct db *db, const char *conn, int64_t interval_s, int64_t now,
                            bool *due, struct errbuf *eb)
{
    struct settle_amounts_state st;
    enum err e = settle_amounts_state_get(db, conn, &st, eb);
    *due = e == ERR_OK && (st.last_run_at == 0 || st.last_run_at + interval_s <= now);
    return e;
}

ERR_MUST_USE static enum err amounts_state_put(struct db *db, const char *conn, int64_t now,
                                               bool ok, const struct settle_amounts_result *r,
                                               const char *error, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(conn),     DB_P_INT(now),       DB_P_INT(ok ? now : 0),
                           DB_P_INT(r->asked),  DB_P_INT(r->stored), DB_P_INT(r->moved),
                           DB_P_INT(r->failed), DB_P_TEXT(error)};
    return db_pool_exec(
        db,
        "INSERT INTO settlement_amount_state (connection_id, last_run_at, last_ok_at, asked, "
        "stored, moved, failed, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT "
        "(connection_id) DO UPDATE SET last_run_at = excluded.last_run_at, last_ok_at = CASE WHEN "
        "excluded.last_ok_at > 0 THEN excluded.last_ok_at ELSE settlement_amount_state.last_ok_at "
        "END, asked = excluded.asked, stored = excluded.stored, moved = excluded.moved, failed = "
        "excluded.failed, last_error = excluded.last_error",
        p, 8, NULL, eb);
}

enum err settle_amounts_stream_run(const struct connect_env *env, const char *conn, int64_t now,
                                   struct settle_amounts_result *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    char holder[SYNC_HOLDER_MAX];
    sync_holder_id(holder, sizeof holder);
    bool got = false;
    struct db_conn *c = db_acquire(env->db);
    enum err e = sync_lease_claim(c, conn, SETTLE_AMOUNTS_LEASE, holder, now,
                                  SETTLE_AMOUNTS_LEASE_TTL_S, &got, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    if (!got)
        return err_set(eb, ERR_CONFLICT, "lease_held",
                       "another process is refreshing the expected amounts of %s", conn);
    e = settle_amounts_refresh(env, conn, SETTLE_AMOUNTS_PER_RUN, SETTLE_AMOUNTS_MAX_AGE_S, false,
                               now, out, eb);
    char error[240];
    snprintf(error, sizeof error, "%s", e == ERR_OK ? out->last_error : errbuf_message(eb, e));
    struct errbuf eb2 = {{0}, {0}};
    enum err e2 = amounts_state_put(env->db, conn, now, e == ERR_OK, out, error, &eb2);
    c = db_acquire(env->db);
    enum err e3 = sync_lease_release(c, conn, SETTLE_AMOUNTS_LEASE, holder, &eb2);
    db_release(c);
    if (e == ERR_OK && (e2 != ERR_OK || e3 != ERR_OK))
        return err_set(eb, ERR_DB, errbuf_code(&eb2, ERR_DB), "%s", errbuf_message(&eb2, ERR_DB));
    return e;
}

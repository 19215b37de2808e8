/*
 * An order's amounts from the v2 amount API (amounts.h).
 */
#include "settlement/amounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "temu/api.h"

enum err settle_order_amount_put(struct db_conn *c, const char *conn, const char *sn,
                                 const json_t *result, int64_t now, struct errbuf *eb)
{
    const json_t *map = json_object_get(result, "parentOrderMap");
    int64_t paid = 0, settle = 0;
    char cur[8] = "", scur[8] = "";
    /* Without what the buyer paid the row still records the answer (-1: not given), so the
     * refresh does not ask for the order again. */
    if (!temu_money_get(json_object_get(map, "customerPaid"), "customerPaidTotal", &paid, cur) ||
        cur[0] == '\0')
        paid = -1;
    if (!temu_money_get(json_object_get(map, "salesProceeds"), "estimatedSettlementTotal", &settle,
                        scur) ||
        (cur[0] != '\0' && strcmp(scur, cur) != 0))
        settle = 0;
    if (cur[0] == '\0')
        snprintf(cur, sizeof cur, "%s", scur);
    json_t *keep = json_pack("{s:O?, s:O?}", "parentOrderMap", map, "orderList",
                             json_object_get(result, "orderList"));
    char *data = keep ? json_dumps(keep, JSON_COMPACT) : NULL;
    json_decref(keep);
    if (data == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param p[] = {DB_P_TEXT(conn),  DB_P_TEXT(sn),   DB_P_INT(paid), DB_P_TEXT(cur),
                           DB_P_INT(settle), DB_P_TEXT(data), DB_P_INT(now)};
    enum err e = db_exec(c,
                         "INSERT INTO order_amounts (connection_id, parent_order_sn, paid_minor, "
                         "currency, settle_minor, data, fetched_at) VALUES ($1, $2, $3, $4, $5, "
                         "$6, $7) ON CONFLICT (connection_id, parent_order_sn) DO UPDATE SET "
                         "paid_minor = excluded.paid_minor, currency = excluded.currency, "
                         "settle_minor = excluded.settle_minor, data = excluded.data, fetched_at "
                         "= excluded.fetched_at",
                         p, 7, NULL, eb);
    free(data);
    return e;
}

static json_t *amount_row(const struct db_rows *r, size_t i)
{
    return json_pack("{s:I, s:s, s:I, s:I}", "paid_minor", (json_int_t)db_rows_int_or(r, i, 2, 0),
                     "currency", db_rows_get(r, i, 3), "settle_minor",
                     (json_int_t)db_rows_int_or(r, i, 4, 0), "fetched_at",
                     (json_int_t)db_rows_int_or(r, i, 5, 0));
}

enum err settle_order_amounts_get(struct db *db, const char *const *conns, const char *const *sns,
                                  size_t n, json_t **out, struct errbuf *eb)
{
    *out = json_object();
    if (*out == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (n == 0)
        return ERR_OK;
    if (n > SETTLE_AMOUNTS_BATCH)
        return err_set(eb, ERR_INVAL, NULL, "at most %d orders at once", SETTLE_AMOUNTS_BATCH);
    /* One (connection, order) pair per term: each is a lookup of the primary key on both
     * drivers (SQLite's multi-index OR, PostgreSQL's BitmapOr). */
    struct buf sql = {0};
    struct db_param p[2 * SETTLE_AMOUNTS_BATCH];
    enum err e = buf_puts(&sql, "SELECT connection_id, parent_order_sn, paid_minor, currency, "
                                "settle_minor, fetched_at FROM order_amounts WHERE ");
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        e = buf_printf(&sql, "%s(connection_id = $%zu AND parent_order_sn = $%zu)", i ? " OR " : "",
                       2 * i + 1, 2 * i + 2);
        p[2 * i] = DB_P_TEXT(conns[i]);
        p[2 * i + 1] = DB_P_TEXT(sns[i]);
    }
    struct db_rows *r = NULL;
    e = e == ERR_OK ? db_pool_query(db, sql.data, p, 2 * n, &r, eb)
                    : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        char key[256];
        snprintf(key, sizeof key, "%s %s", db_rows_get(r, i, 0), db_rows_get(r, i, 1));
        json_object_set_new(*out, key, amount_row(r, i));
    }
    db_rows_free(r);
    buf_free(&sql);
    return e;
}

enum err settle_order_amount_get(struct db *db, const char *conn, const char *sn, json_t **out,
                                 struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sn)};
    *out = NULL;
    enum err e = db_pool_query(db,
                               "SELECT connection_id, parent_order_sn, paid_minor, currency, "
                               "settle_minor, fetched_at, data FROM order_amounts WHERE "
                               "connection_id = $1 AND parent_order_sn = $2",
                               p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        *out = amount_row(r, 0);
        json_t *answer = json_loads(db_rows_get(r, 0, 6), 0, NULL);
        if (*out == NULL || json_object_set_new(*out, "answer", answer ? answer : json_object()))
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    db_rows_free(r);
    return e;
}

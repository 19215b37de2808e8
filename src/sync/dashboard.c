#include "sync/dashboard.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DAY_S        86400
#define DASH_CACHE_S 15 /* figures are at most this old */
#define DASH_CACHE_N 16 /* shops (and "all") kept */

/* The last figures per connection ("" for all shops): a dashboard under load runs its scans
 * once per DASH_CACHE_S instead of once per request. */
static struct {
    char key[80];
    int64_t at;
    json_t *doc;
} dash_cache[DASH_CACHE_N];
static pthread_mutex_t dash_lock = PTHREAD_MUTEX_INITIALIZER;

/* A copy of the cached figures of key computed within DASH_CACHE_S of now, or NULL. */
static json_t *dash_cached(const char *key, int64_t now)
{
    json_t *d = NULL;
    pthread_mutex_lock(&dash_lock);
    for (size_t i = 0; d == NULL && i < DASH_CACHE_N; i++) {
        if (dash_cache[i].doc != NULL && strcmp(dash_cache[i].key, key) == 0 &&
            now >= dash_cache[i].at && now - dash_cache[i].at < DASH_CACHE_S)
            d = json_deep_copy(dash_cache[i].doc);
    }
    pthread_mutex_unlock(&dash_lock);
    return d;
}

/* Keeps a copy of d as key's figures at now (replacing key's or the oldest entry). */
static void dash_keep(const char *key, int64_t now, const json_t *d)
{
    json_t *copy = json_deep_copy(d);
    if (copy == NULL || strlen(key) >= sizeof dash_cache[0].key) {
        json_decref(copy);
        return;
    }
    pthread_mutex_lock(&dash_lock);
    size_t slot = 0;
    for (size_t i = 0; i < DASH_CACHE_N; i++) {
        if (strcmp(dash_cache[i].key, key) == 0 || dash_cache[i].doc == NULL) {
            slot = i;
            break;
        }
        if (dash_cache[i].at < dash_cache[slot].at)
            slot = i;
    }
    json_decref(dash_cache[slot].doc);
    snprintf(dash_cache[slot].key, sizeof dash_cache[slot].key, "%s", key);
    dash_cache[slot].at = now;
    dash_cache[slot].doc = copy;
    pthread_mutex_unlock(&dash_lock);
}

/* Restricts to one connection when $1 is not NULL. */
#define DASH_CONN "(CAST($1 AS TEXT) IS NULL OR o.connection_id = CAST($1 AS TEXT))"

ERR_MUST_USE static enum err dash_shops(struct db *db, const char *conn, json_t *out,
                                        struct errbuf *eb)
{
    struct db_rows *r = NULL;
    json_t *list = json_array();
    enum err e = db_pool_query(db,
                               "SELECT id, region, mall_id, auth_mode FROM temu_connections "
                               "ORDER BY region, mall_id",
                               NULL, 0, &r, eb);
    bool found = conn == NULL;
    for (size_t i = 0; e == ERR_OK && list != NULL && i < db_rows_count(r); i++) {
        found = found || strcmp(db_rows_get(r, i, 0), conn) == 0;
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s}", "id", db_rows_get(r, i, 0),
                                              "region", db_rows_get(r, i, 1), "mall_id",
                                              (json_int_t)db_rows_int_or(r, i, 2, 0), "auth_mode",
                                              db_rows_get(r, i, 3)));
    }
    db_rows_free(r);
    if (e == ERR_OK && !found)
        e = err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such shop connection.");
    if (e == ERR_OK && (list == NULL || json_object_set(out, "shops", list) != 0))
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    json_decref(list);
    return e;
}

/* Orders per UTC day of order_time, the last SYNC_DASHBOARD_DAYS days up to now's. */
ERR_MUST_USE static enum err dash_days(struct db *db, const char *conn, int64_t now, json_t *out,
                                       struct errbuf *eb)
{
    int64_t today = now / DAY_S, first = today - (SYNC_DASHBOARD_DAYS - 1);
    int64_t counts[SYNC_DASHBOARD_DAYS] = {0};
    struct db_rows *r = NULL;
    struct db_param p[] = {conn ? DB_P_TEXT(conn) : DB_P_NULL, DB_P_INT(first * DAY_S)};
    enum err e =
        db_pool_query(db,
                      "SELECT o.order_time / 86400, COUNT(*) FROM temu_orders o WHERE " DASH_CONN
                      " AND o.order_time >= CAST($2 AS BIGINT) GROUP BY o.order_time / 86400",
                      p, 2, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        int64_t d = db_rows_int_or(r, i, 0, -1) - first;
        if (d >= 0 && d < SYNC_DASHBOARD_DAYS)
            counts[d] += db_rows_int_or(r, i, 1, 0);
    }
    db_rows_free(r);
    json_t *days = json_array();
    for (int i = 0; e == ERR_OK && days != NULL && i < SYNC_DASHBOARD_DAYS; i++)
        json_array_append_new(days,
                              json_pack("{s:I, s:I}", "day", (json_int_t)((first + i) * DAY_S),
                                        "orders", (json_int_t)counts[i]));
    if (e == ERR_OK && (days == NULL || json_object_set(out, "days", days) != 0))
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    json_decref(days);
    return e;
}

/* The orders' values (order_amounts: what the buyer paid, the estimated settlement) of the
 * chart's days, per currency, largest first. */
ERR_MUST_USE static enum err dash_money(struct db *db, const char *conn, int64_t now, json_t *out,
                                        struct errbuf *eb)
{
    int64_t first = (now / DAY_S - (SYNC_DASHBOARD_DAYS - 1)) * DAY_S;
    struct db_rows *r = NULL;
    struct db_param p[] = {conn ? DB_P_TEXT(conn) : DB_P_NULL, DB_P_INT(first)};
    enum err e = db_pool_query(
        db,
        "SELECT a.currency, SUM(a.paid_minor), SUM(a.settle_minor), COUNT(*) FROM temu_orders o "
        "JOIN order_amounts a ON a.connection_id = o.connection_id AND a.parent_order_sn = "
        "o.parent_order_sn WHERE " DASH_CONN " AND o.order_time >= CAST($2 AS BIGINT) AND "
        "a.paid_minor >= 0 GROUP BY a.currency ORDER BY SUM(a.paid_minor) DESC, a.currency",
        p, 2, &r, eb);
    json_t *list = json_array();
    for (size_t i = 0; e == ERR_OK && list != NULL && i < db_rows_count(r); i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:I, s:I, s:I}", "currency", db_rows_get(r, i, 0),
                                        "paid_minor", (json_int_t)db_rows_int_or(r, i, 1, 0),
                                        "settle_minor", (json_int_t)db_rows_int_or(r, i, 2, 0),
                                        "orders", (json_int_t)db_rows_int_or(r, i, 3, 0)));
    db_rows_free(r);
    if (e == ERR_OK && (list == NULL || json_object_set(out, "money", list) != 0))
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    json_decref(list);
    return e;
}

/* One row of integers from sql (params conn, now) into out's keys. */
ERR_MUST_USE static enum err dash_ints(struct db *db, const char *conn, int64_t now,
                                       const char *sql, const char *const *keys, size_t n,
                                       json_t *out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {conn ? DB_P_TEXT(conn) : DB_P_NULL, DB_P_INT(now)};
    enum err e = db_pool_query(db, sql, p, 2, &r, eb);
    for (size_t k = 0; e == ERR_OK && k < n; k++) {
        int64_t v = db_rows_count(r) > 0 ? db_rows_int_or(r, 0, k, 0) : 0;
        if (json_object_set_new(out, keys[k], json_integer(v)) != 0)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    db_rows_free(r);
    return e;
}

enum err sync_dashboard(struct db *db, const char *connection_id, int64_t now, json_t **out,
                        struct errbuf *eb)
{
    static const char *const k_orders[] = {"orders_total", "late"};
    static const char *const k_ship[] = {"shipped", "shipped_on_time"};
    static const char *const k_cases[] = {"open_cases"};
    const char *key = connection_id != NULL ? connection_id : "";
    *out = dash_cached(key, now);
    if (*out != NULL)
        return ERR_OK;
    json_t *d = json_object();
    if (d == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    enum err e = dash_shops(db, connection_id, d, eb);
    e = e ? e : dash_days(db, connection_id, now, d, eb);
    e = e ? e : dash_money(db, connection_id, now, d, eb);
    e = e ? e
          : dash_ints(
                db, connection_id, now,
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.status = 2 AND o.ship_by > 0 "
                "AND o.ship_by < CAST($2 AS BIGINT) THEN 1 ELSE 0 END), 0) FROM temu_orders o "
                "WHERE " DASH_CONN,
                k_orders, 2, d, eb);
    e = e ? e
          : dash_ints(
                db, connection_id, now,
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN h.t <= o.ship_by THEN 1 ELSE 0 "
                "END), 0) FROM temu_orders o JOIN (SELECT connection_id, parent_order_sn, "
                "MIN(update_time) AS t FROM temu_order_status_history WHERE status IN "
                "(4, 5, 41, 51) GROUP BY connection_id, parent_order_sn) h ON "
                "h.connection_id = o.connection_id AND h.parent_order_sn = "
                "o.parent_order_sn WHERE o.ship_by > 0 AND CAST($2 AS BIGINT) > 0 AND " DASH_CONN,
                k_ship, 2, d, eb);
    e = e ? e
          : dash_ints(db, connection_id, now,
                      "SELECT COUNT(*) FROM temu_aftersales o WHERE o.status NOT IN (5, 6, 7) "
                      "AND CAST($2 AS BIGINT) > 0 AND " DASH_CONN,
                      k_cases, 1, d, eb);
    if (e != ERR_OK) {
        json_decref(d);
        return e;
    }
    if (json_object_set_new(d, "computed_at", json_integer(now)) == 0)
        dash_keep(key, now, d);
    *out = d;
    return ERR_OK;
}

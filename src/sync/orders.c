/*
 * The orders stream's storage: one page of bg.order.list.v2.get pageItems upserted by
 * platform id with change detection (temu-open-platform.md §5.2), and the status history
 * (temu_order_status_history): a row when an order is first stored or its parent status
 * changes, written on the caller's connection, so in the transaction of the page and its
 * checkpoint; a page read again after a kill adds nothing twice.
 */
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"
#include "sync/sync.h"

/* An integer field that may come as a number or a digit string; 0 when absent or bad. */
static int64_t orders_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_string(v)) {
        int64_t x = 0;
        if (parse_int64(json_string_value(v), INT64_MIN, INT64_MAX, &x) == ERR_OK)
            return x;
    }
    return 0;
}

/* A platform id: a non-empty string of at most SYNC_SN_MAX bytes, else NULL. */
static const char *orders_sn(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (s == NULL || *s == '\0' || strlen(s) > SYNC_SN_MAX)
        return NULL;
    return s;
}

/* The names of the labels of a [{name, value}] list, as compact JSON text (caller frees). */
static char *orders_labels(const json_t *labels)
{
    json_t *names = json_array();
    size_t i;
    const json_t *l;
    json_array_foreach(labels, i, l)
    {
        const char *n = json_is_string(l) ? json_string_value(l)
                                          : json_string_value(json_object_get(l, "name"));
        const json_t *v = json_object_get(l, "value");
        if (n != NULL &&
            (v == NULL || json_is_true(v) || json_integer_value(v) != 0 || json_is_string(v)))
            json_array_append_new(names, json_string(n));
    }
    char *text = json_dumps(names, JSON_COMPACT);
    json_decref(names);
    return text;
}

static enum err orders_store_children(struct db_conn *c, const char *connection_id,
                                      const char *parent_sn, const json_t *list, bool replace,
                                      struct errbuf *eb)
{
    enum err e = ERR_OK;
    if (replace) {
        struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(parent_sn)};
        e = db_exec(
            c, "DELETE FROM temu_order_items WHERE connection_id = $1 AND parent_order_sn = $2", p,
            2, NULL, eb);
    }
    size_t i;
    const json_t *child;
    json_array_foreach(list, i, child)
    {
        const char *sn = orders_sn(child, "orderSn");
        if (e != ERR_OK)
            break;
        if (sn == NULL)
            continue;
        char *data = json_dumps(child, JSON_COMPACT | JSON_SORT_KEYS);
        if (data == NULL)
            return err_set(eb, ERR_NOMEM, NULL, "out of memory");
        struct db_param p[] = {DB_P_TEXT(connection_id),
                               DB_P_TEXT(sn),
                               DB_P_TEXT(parent_sn),
                               DB_P_INT(orders_int(child, "orderStatus")),
                               DB_P_INT(orders_int(child, "goodsId")),
                               DB_P_INT(orders_int(child, "skuId")),
                               DB_P_INT(orders_int(child, "quantity")),
                               DB_P_TEXT(data)};
        /* A child moved to another parent (never documented) is taken over, not duplicated. */
        e = db_exec(c,
                    "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, "
                    "status, goods_id, sku_id, quantity, data) VALUES ($1, $2, $3, $4, $5, $6, "
                    "$7, $8) ON CONFLICT (connection_id, order_sn) DO UPDATE SET "
                    "parent_order_sn = excluded.parent_order_sn, status = excluded.status, "
                    "goods_id = excluded.goods_id, sku_id = excluded.sku_id, "
                    "quantity = excluded.quantity, data = excluded.data",
                    p, 8, NULL, eb);
        free(data);
    }
    return e;
}

/* Records that sn was seen in status at the platform's update_time (once per pair). */
static enum err orders_note_status(struct db_conn *c, const char *connection_id, const char *sn,
                                   int64_t status, int64_t update_time, int64_t now,
                                   struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sn), DB_P_INT(status), DB_P_INT(now),
                           DB_P_INT(update_time)};
    return db_exec(c,
                   "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, "
                   "status, seen_at, update_time) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
                   "(connection_id, parent_order_sn, update_time, status) DO NOTHING",
                   p, 5, NULL, eb);
}

/* Stores one parent order; *kind gets 0 added, 1 updated, 2 unchanged. */
static enum err orders_store_one(struct db_conn *c, const char *connection_id, const json_t *item,
                                 const char *sn, int64_t now, int *kind, struct errbuf *eb)
{
    const json_t *map = json_object_get(item, "parentOrderMap");
    const json_t *list = json_object_get(item, "orderList");
    struct db_rows *rows = NULL;
    char *data = NULL, *labels = NULL;
    char hash[SECURE_HASH_HEX];
    enum err e;
    json_t *both = json_pack("{s:O, s:O?}", "parentOrderMap", map, "orderList", list);
    if (both == NULL || (data = json_dumps(both, JSON_COMPACT | JSON_SORT_KEYS)) == NULL ||
        (labels = orders_labels(json_object_get(map, "parentOrderLabel"))) == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    secure_hash_hex(data, hash);
    struct db_param k[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sn)};
    e = db_query(c,
                 "SELECT content_hash, status FROM temu_orders WHERE connection_id = $1 AND "
                 "parent_order_sn = $2",
                 k, 2, &rows, eb);
    if (e != ERR_OK)
        goto out;
    bool exists = db_rows_count(rows) == 1;
    if (exists && strcmp(db_rows_get(rows, 0, 0), hash) == 0) {
        *kind = 2;
        goto out;
    }
    int64_t status = orders_int(map, "parentOrderStatus");
    int64_t old_status = 0;
    if (exists)
        db_rows_int(rows, 0, 1, &old_status);
    struct db_param p[] = {DB_P_TEXT(connection_id),
                           DB_P_TEXT(sn),
                           DB_P_INT(status),
                           DB_P_INT(orders_int(map, "parentOrderTime")),
                           DB_P_INT(orders_int(map, "updateTime")),
                           DB_P_INT(orders_int(map, "expectShipLatestTime")),
                           DB_P_TEXT(labels),
                           DB_P_INT(orders_int(map, "regionId")),
                           DB_P_TEXT(hash),
                           DB_P_TEXT(data),
                           DB_P_INT(now)};
    if (exists)
        e = db_exec(c,
                    "UPDATE temu_orders SET status = $3, order_time = $4, update_time = $5, "
                    "ship_by = $6, labels = $7, region_id = $8, content_hash = $9, data = $10, "
                    "synced_at = $11 WHERE connection_id = $1 AND parent_order_sn = $2",
                    p, 11, NULL, eb);
    else
        e = db_exec(c,
                    "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
                    "update_time, ship_by, labels, region_id, content_hash, data, "
                    "first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                    "$10, $11, $11)",
                    p, 11, NULL, eb);
    if (e == ERR_OK)
        e = orders_store_children(c, connection_id, sn, list, exists, eb);
    if (e == ERR_OK && (!exists || old_status != status))
        e = orders_note_status(c, connection_id, sn, status, orders_int(map, "updateTime"), now,
                               eb);
    *kind = exists ? 1 : 0;
out:
    db_rows_free(rows);
    free(data);
    free(labels);
    json_decref(both);
    return e;
}

enum err sync_orders_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                                int64_t now, struct sync_counts *counts, struct errbuf *eb)
{
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        const json_t *map = json_object_get(item, "parentOrderMap");
        const char *sn = orders_sn(map, "parentOrderSn");
        int kind = 0;
        if (!json_is_object(map) || sn == NULL) {
            counts->failed++;
            continue;
        }
        enum err e = orders_store_one(c, connection_id, item, sn, now, &kind, eb);
        if (e != ERR_OK)
            return e;
        if (kind == 0)
            counts->added++;
        else if (kind == 1)
            counts->updated++;
        else
            counts->unchanged++;
    }
    return ERR_OK;
}

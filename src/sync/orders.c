/*
 * The orders stream's storage: one page of bg.order.list.v2.get pageItems upserted by
 * platform id with change detection (temu-open-platform.md §5.2), and the status history
 * (temu_order_status_history): a row when an order is first stored or its parent status
 * changes, written on the caller's connection, so in the transaction of the page and its
 * checkpoint; a page read again after a kill adds nothing twice.
 *
 * The order's JSON is stored once, in temu_orders.data ({parentOrderMap, orderList}, every
 * child whole, packed: sync_order_doc_pack); a temu_order_items row carries only the child's own
 * columns (status, ids, quantity, product name and spec), which the lists, the search and the
 * action center read.
 */
#include <stdlib.h>
#include <string.h>

#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/api.h"

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

/* A child's text field, "" when absent or not a string. */
static const char *orders_text(const json_t *child, const char *key)
{
    const char *s = json_string_value(json_object_get(child, key));
    return s != NULL ? s : "";
}

/* The sub-orders of a new or changed parent (an existing parent's are replaced). */
ERR_MUST_USE static enum err orders_store_children(struct db_conn *c, const char *connection_id,
                                                   const char *parent_sn, const json_t *list,
                                                   bool replace, struct errbuf *eb)
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
        const char *sn = sync_json_sn(child, "orderSn");
        if (e != ERR_OK)
            break;
        if (sn == NULL)
            continue;
        struct db_param p[] = {DB_P_TEXT(connection_id),
                               DB_P_TEXT(sn),
                               DB_P_TEXT(parent_sn),
                               DB_P_INT(json_get_int(child, "orderStatus")),
                               DB_P_INT(json_get_int(child, "goodsId")),
                               DB_P_INT(json_get_int(child, "skuId")),
                               DB_P_INT(json_get_int(child, "quantity")),
                               DB_P_TEXT(orders_text(child, "goodsName")),
                               DB_P_TEXT(orders_text(child, "spec"))};
        /* A child moved to another parent (never documented) is taken over, not duplicated. */
        e = db_exec(c,
                    "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, "
                    "status, goods_id, sku_id, quantity, goods_name, spec) VALUES ($1, $2, $3, "
                    "$4, $5, $6, $7, $8, $9) ON CONFLICT (connection_id, order_sn) DO UPDATE SET "
                    "parent_order_sn = excluded.parent_order_sn, status = excluded.status, "
                    "goods_id = excluded.goods_id, sku_id = excluded.sku_id, "
                    "quantity = excluded.quantity, goods_name = excluded.goods_name, "
                    "spec = excluded.spec",
                    p, 9, NULL, eb);
    }
    return e;
}

/* Records that sn was seen in status at the platform's update_time (once per pair). */
ERR_MUST_USE static enum err orders_note_status(struct db_conn *c, const char *connection_id,
                                                const char *sn, int64_t status, int64_t update_time,
                                                int64_t now, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sn), DB_P_INT(status), DB_P_INT(now),
                           DB_P_INT(update_time)};
    return db_exec(c,
                   "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, "
                   "status, seen_at, update_time) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
                   "(connection_id, parent_order_sn, update_time, status) DO NOTHING",
                   p, 5, NULL, eb);
}

/* One page of the current window: creation windows sorted by createTime, update windows by
 * updateTime, both descending (the platform's only order). */
enum err sync_orders_fetch_window(struct temu_client *c, const struct sync_window *w, int64_t page,
                                  struct temu_page *pg, struct temu_error *te)
{
    struct temu_order_list_req rq;
    memset(&rq, 0, sizeof rq);
    rq.page_number = page;
    rq.page_size = SYNC_ORDER_PAGE_SIZE;
    if (strcmp(w->kind, "backfill") == 0) {
        rq.create_after = w->lo;
        rq.create_before = w->hi;
        rq.sortby = "createTime";
    } else {
        rq.update_at_start = w->lo;
        rq.update_at_end = w->hi;
        rq.sortby = "updateTime";
    }
    return temu_api_order_list(c, &rq, pg, te);
}

static bool orders_key(const json_t *item, struct sync_key *out)
{
    const json_t *map = json_object_get(item, "parentOrderMap");
    out->sn = json_is_object(map) ? sync_json_sn(map, "parentOrderSn") : NULL;
    return out->sn != NULL;
}

/* The parent and its children are the content (the list's other keys are paging detail). */
static json_t *orders_content(const json_t *item, const struct sync_window *w)
{
    (void)w;
    return json_pack("{s:O, s:O?}", "parentOrderMap", json_object_get(item, "parentOrderMap"),
                     "orderList", json_object_get(item, "orderList"));
}

/* Upserts one parent order; when it is new or changed, its children and, on a new status, its
 * history. */
ERR_MUST_USE static enum err orders_write(struct db_conn *c, struct sync_item *it,
                                          struct errbuf *eb)
{
    const json_t *map = json_object_get(it->item, "parentOrderMap");
    const json_t *list = json_object_get(it->item, "orderList");
    size_t len = strlen(it->data);
    if (len > SYNC_ORDER_DOC_MAX)
        return err_set(eb, ERR_TOOBIG, "order_too_large",
                       "Order %s is %zu bytes of JSON, over the %d stored per order.", it->key.sn,
                       len, SYNC_ORDER_DOC_MAX);
    char *labels = orders_labels(json_object_get(map, "parentOrderLabel"));
    char *doc = sync_order_doc_pack(it->data, len);
    if (labels == NULL || doc == NULL) {
        free(labels);
        free(doc);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    int64_t status = json_get_int(map, "parentOrderStatus");
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_TEXT(it->key.sn),
                           DB_P_INT(status),
                           DB_P_INT(json_get_int(map, "parentOrderTime")),
                           DB_P_INT(json_get_int(map, "updateTime")),
                           DB_P_INT(json_get_int(map, "expectShipLatestTime")),
                           DB_P_TEXT(labels),
                           DB_P_INT(json_get_int(map, "regionId")),
                           DB_P_TEXT(it->hash),
                           DB_P_TEXT(doc),
                           DB_P_INT(it->now)};
    enum err e = sync_item_upsert(
        c, it,
        "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
        "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
        "synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT "
        "(connection_id, parent_order_sn) DO UPDATE SET status = excluded.status, order_time = "
        "excluded.order_time, update_time = excluded.update_time, ship_by = excluded.ship_by, "
        "labels = excluded.labels, region_id = excluded.region_id, content_hash = "
        "excluded.content_hash, data = excluded.data, synced_at = excluded.synced_at, "
        "sync_prev = temu_orders.status WHERE temu_orders.content_hash <> "
        "excluded.content_hash RETURNING sync_prev",
        p, 11, eb);
    free(labels);
    free(doc);
    if (e != ERR_OK || !it->changed)
        return e;
    if (e == ERR_OK)
        e = orders_store_children(c, it->connection_id, it->key.sn, list, it->exists, eb);
    if (e == ERR_OK && (!it->exists || it->old_watch != status))
        e = orders_note_status(c, it->connection_id, it->key.sn, status,
                               json_get_int(map, "updateTime"), it->now, eb);
    return e;
}

static const struct sync_part orders_parts[] = {{
    .walk = SYNC_WALK_WINDOWS,
    .page_size = SYNC_ORDER_PAGE_SIZE,
    .fetch = sync_orders_fetch_window,
    .table = "temu_orders",
    .key_column = "parent_order_sn",
    .key = orders_key,
    .content = orders_content,
    .write = orders_write,
}};

const struct sync_stream_def sync_orders_def = {orders_parts, 1};

enum err sync_orders_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                                int64_t now, struct sync_counts *counts, struct errbuf *eb)
{
    struct sync_window w = {"update", 0, 0};
    return sync_part_store_page(c, &orders_parts[0], connection_id, &w, items, NULL, now, counts,
                                eb);
}

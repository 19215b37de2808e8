/*
 * The shipments stream (issue 12): the parcels of shipped orders as a stream of the engine,
 * so they refresh on the scheduler's interval with a lease, a checkpoint per page and crash
 * safety like the other streams. Temu has no list of parcels: the part walks
 * bg.order.list.v2.get like the orders stream (creation windows back to `since`, then update
 * windows with overlap), and its prepare hook asks bg.logistics.shipment.v2.get for the
 * sub-orders of every shipped order (parent status 4, 41, 5, 51) that is new, changed since
 * its parcels were read, or had none. Tables (migration 29): temu_parcel_orders (one row per
 * parent order: status, parcels found or -1 when the read failed, content hash) and
 * temu_parcels (one row per package: number, carrier id and name, ship and promise times),
 * which the tracking refresh (src/tracking) follows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/secure.h"
#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/api.h"

#define PARCELS_CHILDREN_MAX 10 /* sub-orders of one order asked for their parcels */

static bool parcels_key(const json_t *item, struct sync_key *out)
{
    const json_t *map = json_object_get(item, "parentOrderMap");
    out->sn = json_is_object(map) ? sync_json_sn(map, "parentOrderSn") : NULL;
    return out->sn != NULL;
}

/* The parent and its children: a change of either asks for the parcels again. */
static json_t *parcels_content(const json_t *item, const struct sync_window *w)
{
    (void)w;
    return json_pack("{s:O, s:O?}", "parentOrderMap", json_object_get(item, "parentOrderMap"),
                     "orderList", json_object_get(item, "orderList"));
}

static bool parcels_shipped(int64_t status)
{
    return status == 4 || status == 41 || status == 5 || status == 51;
}

/* True when the order's parcels must be read: new, changed, or none found last time. */
static bool parcels_wanted(const struct sync_part *part, struct sync_prepare *p, const json_t *item,
                           const char *sn)
{
    char stored[SECURE_HASH_HEX] = "", hash[SECURE_HASH_HEX];
    struct db_rows *rows = NULL;
    struct errbuf ignore = {0};
    struct db_param k[] = {DB_P_TEXT(p->connection_id), DB_P_TEXT(sn)};
    int64_t parcels = 0;
    struct db_conn *c = db_acquire(p->db);
    if (db_query(c,
                 "SELECT content_hash, parcels FROM temu_parcel_orders WHERE connection_id = $1 "
                 "AND parent_order_sn = $2",
                 k, 2, &rows, &ignore) == ERR_OK &&
        db_rows_count(rows) == 1) {
        snprintf(stored, sizeof stored, "%s", db_rows_get(rows, 0, 0));
        parcels = db_rows_int_or(rows, 0, 1, 0);
    }
    db_rows_free(rows);
    db_release(c);
    json_t *content = part->content(item, NULL);
    char *data = content != NULL ? json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(content);
    if (data == NULL)
        return true;
    secure_hash_hex(data, hash);
    free(data);
    return strcmp(stored, hash) != 0 || parcels <= 0;
}

/* The parcels of one order's sub-orders as a JSON array (new), or NULL with te set. */
static json_t *parcels_read(struct temu_client *client, const char *parent, const json_t *list,
                            struct temu_error *te)
{
    json_t *out = json_array();
    for (size_t i = 0; out != NULL && i < json_array_size(list) && i < PARCELS_CHILDREN_MAX; i++) {
        const char *osn = sync_json_sn(json_array_get(list, i), "orderSn");
        struct temu_shipments s = {0};
        if (osn == NULL)
            continue;
        if (temu_api_shipment_get(client, parent, osn, &s, te) != ERR_OK) {
            temu_shipments_clear(&s);
            json_decref(out);
            return NULL;
        }
        for (size_t k = 0; k < s.count; k++) {
            const struct temu_shipment *sh = &s.items[k];
            json_array_append_new(
                out, json_pack("{s:s, s:s, s:s, s:I, s:s}", "order_sn", osn, "package_sn",
                               sh->package_sn, "tracking_number", sh->tracking_number, "carrier_id",
                               (json_int_t)sh->carrier_id, "carrier_name", sh->carrier_name));
        }
        temu_shipments_clear(&s);
    }
    return out;
}

/*
 * Reads the parcels of the page's shipped orders that need it (parcels_wanted). A failed read
 * is noted on the order (parcels -1) and repeated the next time the order is seen; a missing
 * permission stops the reads for the run (the orders are still stored).
 */
static void parcels_prepare(const struct sync_part *part, struct sync_prepare *p)
{
    size_t i;
    const json_t *item;
    json_array_foreach(p->items, i, item)
    {
        const json_t *map = json_object_get(item, "parentOrderMap");
        const char *sn = json_is_object(map) ? sync_json_sn(map, "parentOrderSn") : NULL;
        if (*p->off)
            break;
        if (sn == NULL || !parcels_shipped(json_get_int(map, "parentOrderStatus")) ||
            !parcels_wanted(part, p, item, sn))
            continue;
        struct temu_error te;
        temu_error_clear(&te);
        json_t *list = parcels_read(p->client, sn, json_object_get(item, "orderList"), &te);
        json_t *extra = NULL;
        if (list != NULL) {
            extra = json_pack("{s:o}", "parcels", list);
        } else {
            char why[TEMU_ERROR_MSG_MAX + 32];
            snprintf(why, sizeof why, "%lld %s", (long long)te.code, te.message);
            extra = json_pack("{s:s}", "error", why);
            *p->off = te.cls == TEMU_ERROR_AUTH || te.code == 3000021 || te.code == 3000027 ||
                      te.code == 7000022;
        }
        if (extra != NULL)
            json_object_set_new(p->extras, sn, extra);
    }
}

/* Replaces the parcels of one order with those read now. */
ERR_MUST_USE static enum err parcels_store(struct db_conn *c, const struct sync_item *it,
                                           const json_t *list, struct errbuf *eb)
{
    const json_t *map = json_object_get(it->item, "parentOrderMap");
    int64_t shipped = sync_time_seconds(json_get_int(map, "parentShippingTime"));
    int64_t promise = sync_time_seconds(json_get_int(map, "latestDeliveryTime"));
    struct db_param d[] = {DB_P_TEXT(it->connection_id), DB_P_TEXT(it->key.sn)};
    enum err e =
        db_exec(c, "DELETE FROM temu_parcels WHERE connection_id = $1 AND parent_order_sn = $2", d,
                2, NULL, eb);
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *pkg = json_string_value(json_object_get(x, "package_sn"));
        const char *number = json_string_value(json_object_get(x, "tracking_number"));
        if (e != ERR_OK)
            break;
        if (pkg == NULL || *pkg == '\0' || strlen(pkg) > SYNC_SN_MAX || number == NULL)
            continue;
        char *data = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS);
        struct db_param p[] = {DB_P_TEXT(it->connection_id),
                               DB_P_TEXT(pkg),
                               DB_P_TEXT(it->key.sn),
                               DB_P_TEXT(json_string_value(json_object_get(x, "order_sn"))),
                               DB_P_TEXT(number),
                               DB_P_INT(json_get_int(x, "carrier_id")),
                               DB_P_TEXT(json_string_value(json_object_get(x, "carrier_name"))),
                               DB_P_INT(shipped),
                               DB_P_INT(promise),
                               DB_P_TEXT(data != NULL ? data : "{}"),
                               DB_P_INT(it->now)};
        /* A package listed under two sub-orders is one parcel: the last one read wins. */
        e = db_exec(c,
                    "INSERT INTO temu_parcels (connection_id, package_sn, parent_order_sn, "
                    "order_sn, tracking_number, carrier_id, carrier_name, shipped_at, "
                    "promise_at, data, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                    "$10, $11) ON CONFLICT (connection_id, package_sn) DO UPDATE SET "
                    "parent_order_sn = excluded.parent_order_sn, order_sn = excluded.order_sn, "
                    "tracking_number = excluded.tracking_number, carrier_id = "
                    "excluded.carrier_id, carrier_name = excluded.carrier_name, shipped_at = "
                    "excluded.shipped_at, promise_at = excluded.promise_at, data = "
                    "excluded.data, synced_at = excluded.synced_at",
                    p, 11, NULL, eb);
        free(data);
    }
    return e;
}

/*
 * Writes one order: its row (status, parcels found, hash) and, when they were read, its
 * parcels. A shipped order whose parcels were not read keeps an empty hash, so it counts as
 * changed (and is read) the next time it is seen. The upsert writes nothing for an order whose
 * stored hash is its content's and whose parcels were not read again (sync_item_upsert).
 */
ERR_MUST_USE static enum err parcels_write(struct db_conn *c, struct sync_item *it,
                                           struct errbuf *eb)
{
    const json_t *map = json_object_get(it->item, "parentOrderMap");
    int64_t status = json_get_int(map, "parentOrderStatus");
    const json_t *list = json_object_get(it->extra, "parcels");
    bool read = json_is_array(list);
    bool unread = parcels_shipped(status) && !read;
    int64_t parcels = read ? (int64_t)json_array_size(list) : unread ? -1 : 0;
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_TEXT(it->key.sn),
                           DB_P_INT(status),
                           DB_P_INT(parcels),
                           DB_P_TEXT(unread ? "" : it->hash),
                           DB_P_TEXT(it->data),
                           DB_P_INT(it->now),
                           DB_P_TEXT(it->hash),
                           DB_P_INT(read ? 1 : 0)};
    enum err e = sync_item_upsert(
        c, it,
        "INSERT INTO temu_parcel_orders (connection_id, parent_order_sn, status, parcels, "
        "content_hash, data, first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
        "ON CONFLICT (connection_id, parent_order_sn) DO UPDATE SET status = excluded.status, "
        "parcels = CASE WHEN excluded.parcels < 0 AND temu_parcel_orders.parcels > 0 THEN "
        "temu_parcel_orders.parcels ELSE excluded.parcels END, content_hash = "
        "excluded.content_hash, data = excluded.data, synced_at = excluded.synced_at, sync_prev "
        "= temu_parcel_orders.status WHERE temu_parcel_orders.content_hash <> $8 OR $9 = 1 "
        "RETURNING sync_prev",
        p, 9, eb);
    if (e == ERR_OK && read)
        e = parcels_store(c, it, list, eb);
    return e;
}

static const struct sync_part parcels_parts[] = {{
    .walk = SYNC_WALK_WINDOWS,
    .page_size = SYNC_ORDER_PAGE_SIZE,
    .fetch = sync_orders_fetch_window,
    .table = "temu_parcel_orders",
    .key_column = "parent_order_sn",
    .key = parcels_key,
    .content = parcels_content,
    .write = parcels_write,
    .prepare = parcels_prepare,
}};

const struct sync_stream_def sync_parcels_def = {parcels_parts, 1};

/*
 * The products stream's storage and fetch: bg.local.goods.list.query pages, one goods status
 * bucket at a time (temu-open-platform.md §6.1), upserted by goodsId with their SKUs and change
 * detection by a content hash.
 */
#include <stdlib.h>
#include <string.h>

#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/api.h"

/* The disjoint goodsSearchType buckets, walked in this order (0 ends the list). */
static const int64_t products_bucket_list[] = {1, 4, 5, 6, 0};

int64_t sync_products_next_bucket(int64_t bucket)
{
    if (bucket == 0)
        return products_bucket_list[0];
    for (size_t i = 0; products_bucket_list[i] != 0; i++) {
        if (products_bucket_list[i] == bucket)
            return products_bucket_list[i + 1];
    }
    return 0;
}

enum err sync_products_fetch(struct temu_client *client, int64_t bucket, int64_t page,
                             struct temu_page *pg, struct temu_error *te)
{
    struct temu_goods_list_req rq;
    memset(&rq, 0, sizeof rq);
    rq.page_no = page;
    rq.page_size = SYNC_GOODS_PAGE_SIZE;
    rq.goods_search_type = bucket;
    return temu_api_goods_list(client, &rq, pg, te);
}

/* A string field of at most SYNC_SN_MAX * 4 bytes, else "" (names are short on Temu). */
static const char *products_text(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL && strlen(s) <= SYNC_SN_MAX * 4 ? s : "";
}

/* Replaces the SKUs of one product. */
ERR_MUST_USE static enum err products_store_skus(struct db_conn *c, const char *connection_id,
                                                 int64_t goods_id, const json_t *skus,
                                                 struct errbuf *eb)
{
    struct db_param d[] = {DB_P_TEXT(connection_id), DB_P_INT(goods_id)};
    enum err e =
        db_exec(c, "DELETE FROM temu_product_skus WHERE connection_id = $1 AND goods_id = $2", d, 2,
                NULL, eb);
    size_t i;
    const json_t *sku;
    json_array_foreach(skus, i, sku)
    {
        int64_t sku_id = json_get_int(sku, "skuId");
        if (e != ERR_OK)
            break;
        if (sku_id <= 0)
            continue;
        char *data = json_dumps(sku, JSON_COMPACT | JSON_SORT_KEYS);
        if (data == NULL)
            return err_set(eb, ERR_NOMEM, NULL, "out of memory");
        const char *sn = products_text(sku, "outSkuSn");
        struct db_param p[] = {DB_P_TEXT(connection_id),
                               DB_P_INT(sku_id),
                               DB_P_INT(goods_id),
                               DB_P_TEXT(*sn != '\0' ? sn : products_text(sku, "skuSn")),
                               DB_P_TEXT(products_text(sku, "specName")),
                               DB_P_TEXT(products_text(sku, "price")),
                               DB_P_INT(json_get_int(sku, "quantity")),
                               DB_P_TEXT(data)};
        /* A SKU moved to another product (never documented) is taken over, not duplicated. */
        e = db_exec(c,
                    "INSERT INTO temu_product_skus (connection_id, sku_id, goods_id, out_sku_sn, "
                    "spec_name, price, quantity, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    "ON CONFLICT (connection_id, sku_id) DO UPDATE SET goods_id = "
                    "excluded.goods_id, out_sku_sn = excluded.out_sku_sn, spec_name = "
                    "excluded.spec_name, price = excluded.price, quantity = excluded.quantity, "
                    "data = excluded.data",
                    p, 8, NULL, eb);
        free(data);
    }
    return e;
}

ERR_MUST_USE static enum err products_fetch_window(struct temu_client *c,
                                                   const struct sync_window *w, int64_t page,
                                                   struct temu_page *pg, struct temu_error *te)
{
    return sync_products_fetch(c, w->lo, page, pg, te);
}

static bool products_key(const json_t *item, struct sync_key *out)
{
    out->id = json_get_int(item, "goodsId");
    return out->id > 0;
}

/* The stored data carries its bucket, so the hash changes when the product moves. */
static json_t *products_content(const json_t *item, const struct sync_window *w)
{
    json_t *copy = json_deep_copy(item);
    if (copy != NULL && json_object_set_new(copy, "goodsSearchType", json_integer(w->lo)) != 0) {
        json_decref(copy);
        copy = NULL;
    }
    return copy;
}

/* Writes one new or changed product and replaces its SKUs. */
ERR_MUST_USE static enum err products_write(struct db_conn *c, const struct sync_item *it,
                                            struct errbuf *eb)
{
    const json_t *item = it->item;
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_INT(it->key.id),
                           DB_P_INT(it->win->lo),
                           DB_P_TEXT(products_text(item, "goodsName")),
                           DB_P_TEXT(products_text(item, "outGoodsSn")),
                           DB_P_INT(json_get_int(item, "catId")),
                           DB_P_TEXT(products_text(item, "price")),
                           DB_P_TEXT(products_text(item, "currency")),
                           DB_P_INT(json_get_int(item, "quantity")),
                           DB_P_TEXT(it->hash),
                           DB_P_TEXT(it->data),
                           DB_P_INT(it->now)};
    enum err e = db_exec(c,
                         "INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, "
                         "out_goods_sn, cat_id, price, currency, quantity, content_hash, data, "
                         "first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                         "$10, $11, $12, $12) ON CONFLICT (connection_id, goods_id) DO UPDATE SET "
                         "bucket = excluded.bucket, goods_name = excluded.goods_name, "
                         "out_goods_sn = excluded.out_goods_sn, cat_id = excluded.cat_id, "
                         "price = excluded.price, currency = excluded.currency, "
                         "quantity = excluded.quantity, content_hash = excluded.content_hash, "
                         "data = excluded.data, synced_at = excluded.synced_at",
                         p, 12, NULL, eb);
    if (e == ERR_OK)
        e = products_store_skus(c, it->connection_id, it->key.id,
                                json_object_get(item, "skuInfoList"), eb);
    return e;
}

/* Products have no usable update window (a price or stock change does not move
 * goodsStatusChangeTime), so each run walks every bucket once. */
static const struct sync_part products_parts[] = {{
    .kind = "bucket",
    .walk = SYNC_WALK_FULL,
    .page_size = SYNC_GOODS_PAGE_SIZE,
    .buckets = products_bucket_list,
    .fetch = products_fetch_window,
    .table = "temu_products",
    .key_column = "goods_id",
    .key_is_int = true,
    .key = products_key,
    .content = products_content,
    .write = products_write,
}};

const struct sync_stream_def sync_products_def = {products_parts, 1};

enum err sync_products_store_page(struct db_conn *c, const char *connection_id, int64_t bucket,
                                  const json_t *items, int64_t now, struct sync_counts *counts,
                                  struct errbuf *eb)
{
    struct sync_window w = {"bucket", bucket, bucket};
    return sync_part_store_page(c, &products_parts[0], connection_id, &w, items, NULL, now, counts,
                                eb);
}

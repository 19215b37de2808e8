/*
 * The products stream's storage and fetch: bg.local.goods.list.query pages, one goods status
 * bucket at a time (temu-open-platform.md §6.1), upserted by goodsId with their SKUs and change
 * detection by a content hash.
 */
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"
#include "sync/sync.h"
#include "temu/api.h"

/* The disjoint goodsSearchType buckets, walked in this order. */
static const int64_t products_buckets[] = {1, 4, 5, 6};

int64_t sync_products_next_bucket(int64_t bucket)
{
    size_t n = sizeof products_buckets / sizeof products_buckets[0];
    if (bucket == 0)
        return products_buckets[0];
    for (size_t i = 0; i + 1 < n; i++) {
        if (products_buckets[i] == bucket)
            return products_buckets[i + 1];
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

/* An integer field that may come as a number or a digit string; 0 when absent or bad. */
static int64_t products_int(const json_t *obj, const char *key)
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

/* A string field of at most SYNC_SN_MAX * 4 bytes, else "" (names are short on Temu). */
static const char *products_text(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL && strlen(s) <= SYNC_SN_MAX * 4 ? s : "";
}

/* Replaces the SKUs of one product. */
static enum err products_store_skus(struct db_conn *c, const char *connection_id, int64_t goods_id,
                                    const json_t *skus, struct errbuf *eb)
{
    struct db_param d[] = {DB_P_TEXT(connection_id), DB_P_INT(goods_id)};
    enum err e =
        db_exec(c, "DELETE FROM temu_product_skus WHERE connection_id = $1 AND goods_id = $2", d, 2,
                NULL, eb);
    size_t i;
    const json_t *sku;
    json_array_foreach(skus, i, sku)
    {
        int64_t sku_id = products_int(sku, "skuId");
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
                               DB_P_INT(products_int(sku, "quantity")),
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

/* Stores one product; *kind gets 0 added, 1 updated, 2 unchanged. */
static enum err products_store_one(struct db_conn *c, const char *connection_id, int64_t bucket,
                                   const json_t *item, int64_t goods_id, int64_t now, int *kind,
                                   struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    char *data = NULL;
    char hash[SECURE_HASH_HEX];
    enum err e = ERR_OK;
    json_t *copy = json_deep_copy(item);
    if (copy == NULL || json_object_set_new(copy, "goodsSearchType", json_integer(bucket)) != 0 ||
        (data = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    /* The stored data carries its bucket, so the hash changes when the product moves. */
    secure_hash_hex(data, hash);
    struct db_param k[] = {DB_P_TEXT(connection_id), DB_P_INT(goods_id)};
    e = db_query(c,
                 "SELECT content_hash FROM temu_products WHERE connection_id = $1 AND "
                 "goods_id = $2",
                 k, 2, &rows, eb);
    if (e != ERR_OK)
        goto out;
    bool exists = db_rows_count(rows) == 1;
    if (exists && strcmp(db_rows_get(rows, 0, 0), hash) == 0) {
        *kind = 2;
        goto out;
    }
    struct db_param p[] = {DB_P_TEXT(connection_id),
                           DB_P_INT(goods_id),
                           DB_P_INT(bucket),
                           DB_P_TEXT(products_text(item, "goodsName")),
                           DB_P_TEXT(products_text(item, "outGoodsSn")),
                           DB_P_INT(products_int(item, "catId")),
                           DB_P_TEXT(products_text(item, "price")),
                           DB_P_TEXT(products_text(item, "currency")),
                           DB_P_INT(products_int(item, "quantity")),
                           DB_P_TEXT(hash),
                           DB_P_TEXT(data),
                           DB_P_INT(now)};
    if (exists)
        e = db_exec(c,
                    "UPDATE temu_products SET bucket = $3, goods_name = $4, out_goods_sn = $5, "
                    "cat_id = $6, price = $7, currency = $8, quantity = $9, content_hash = $10, "
                    "data = $11, synced_at = $12 WHERE connection_id = $1 AND goods_id = $2",
                    p, 12, NULL, eb);
    else
        e = db_exec(c,
                    "INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, "
                    "out_goods_sn, cat_id, price, currency, quantity, content_hash, data, "
                    "first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                    "$11, $12, $12)",
                    p, 12, NULL, eb);
    if (e == ERR_OK)
        e = products_store_skus(c, connection_id, goods_id, json_object_get(item, "skuInfoList"),
                                eb);
    *kind = exists ? 1 : 0;
out:
    db_rows_free(rows);
    free(data);
    json_decref(copy);
    return e;
}

enum err sync_products_store_page(struct db_conn *c, const char *connection_id, int64_t bucket,
                                  const json_t *items, int64_t now, struct sync_counts *counts,
                                  struct errbuf *eb)
{
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        int64_t goods_id = products_int(item, "goodsId");
        int kind = 0;
        if (!json_is_object(item) || goods_id <= 0) {
            counts->failed++;
            continue;
        }
        enum err e = products_store_one(c, connection_id, bucket, item, goods_id, now, &kind, eb);
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

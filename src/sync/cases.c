/*
 * The buyer_cases stream: parent after-sales requests (bg.aftersales.parentaftersales.list.get,
 * temu-open-platform.md §8) by creation window (backfill) and update window with overlap
 * (incremental), upserted by parentAfterSalesSn with change detection; and the console's view
 * of buyer cases, which adds the buyer-initiated labels of synced orders. Temu has no
 * buyer-chat API, so these two are all a "buyer message" can be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/secure.h"
#include "sync/sync.h"
#include "temu/api.h"

/* Order labels (§5.1) that a buyer's action sets; each is a buyer case of its order. */
static const char *const cases_buyer_labels[] = {"pending_buyer_cancellation",
                                                 "pending_buyer_address_change"};

enum err sync_cases_fetch(struct temu_client *client, const char *kind, int64_t lo, int64_t hi,
                          int64_t page, struct temu_page *pg, struct temu_error *te)
{
    struct temu_aftersales_list_req rq;
    memset(&rq, 0, sizeof rq);
    rq.page_no = page;
    rq.page_size = SYNC_CASES_PAGE_SIZE;
    if (strcmp(kind, "backfill") == 0) {
        rq.create_at_start = lo;
        rq.create_at_end = hi;
    } else {
        rq.update_at_start = lo;
        rq.update_at_end = hi;
    }
    return temu_api_aftersales_list(client, &rq, pg, te);
}

/* An integer field that may come as a number or a digit string; 0 when absent or bad. */
static int64_t cases_int(const json_t *obj, const char *key)
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
static const char *cases_sn(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (s == NULL || *s == '\0' || strlen(s) > SYNC_SN_MAX)
        return NULL;
    return s;
}

/* Stores one case; *kind gets 0 added, 1 updated, 2 unchanged. */
static enum err cases_store_one(struct db_conn *c, const char *connection_id, const json_t *item,
                                const char *sn, int64_t now, int *kind, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    char hash[SECURE_HASH_HEX];
    enum err e = ERR_OK;
    char *data = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
    if (data == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    secure_hash_hex(data, hash);
    struct db_param k[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sn)};
    e = db_query(c,
                 "SELECT content_hash FROM temu_aftersales WHERE connection_id = $1 AND "
                 "parent_after_sales_sn = $2",
                 k, 2, &rows, eb);
    if (e != ERR_OK)
        goto out;
    bool exists = db_rows_count(rows) == 1;
    if (exists && strcmp(db_rows_get(rows, 0, 0), hash) == 0) {
        *kind = 2;
        goto out;
    }
    const char *order_sn = cases_sn(item, "parentOrderSn");
    struct db_param p[] = {DB_P_TEXT(connection_id),
                           DB_P_TEXT(sn),
                           DB_P_TEXT(order_sn != NULL ? order_sn : ""),
                           DB_P_INT(cases_int(item, "afterSalesStatusGroup")),
                           DB_P_INT(cases_int(item, "afterSalesStatus")),
                           DB_P_INT(cases_int(item, "afterSalesType")),
                           DB_P_INT(cases_int(item, "createAt")),
                           DB_P_INT(cases_int(item, "updateAt")),
                           DB_P_TEXT(hash),
                           DB_P_TEXT(data),
                           DB_P_INT(now)};
    if (exists)
        e = db_exec(c,
                    "UPDATE temu_aftersales SET parent_order_sn = $3, status_group = $4, "
                    "status = $5, case_type = $6, create_at = $7, update_at = $8, "
                    "content_hash = $9, data = $10, synced_at = $11 WHERE connection_id = $1 AND "
                    "parent_after_sales_sn = $2",
                    p, 11, NULL, eb);
    else
        e = db_exec(c,
                    "INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, "
                    "parent_order_sn, status_group, status, case_type, create_at, update_at, "
                    "content_hash, data, first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, "
                    "$6, $7, $8, $9, $10, $11, $11)",
                    p, 11, NULL, eb);
    *kind = exists ? 1 : 0;
out:
    db_rows_free(rows);
    free(data);
    return e;
}

enum err sync_cases_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                               int64_t now, struct sync_counts *counts, struct errbuf *eb)
{
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *sn = cases_sn(item, "parentAfterSalesSn");
        int kind = 0;
        if (!json_is_object(item) || sn == NULL) {
            counts->failed++;
            continue;
        }
        enum err e = cases_store_one(c, connection_id, item, sn, now, &kind, eb);
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

/* ---- the console's view ----------------------------------------------------------------- */

/* Appends the after-sales rows matching f to list. */
static enum err cases_list_aftersales(struct db_conn *c, const struct sync_cases_filter *f,
                                      int64_t limit, json_t *list, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {f->connection_id ? DB_P_TEXT(f->connection_id) : DB_P_NULL,
                           f->parent_order_sn ? DB_P_TEXT(f->parent_order_sn) : DB_P_NULL,
                           DB_P_INT(limit)};
    enum err e = db_query(
        c,
        "SELECT connection_id, parent_after_sales_sn, parent_order_sn, status_group, status, "
        "case_type, create_at, update_at, data FROM temu_aftersales WHERE "
        "(CAST($1 AS TEXT) IS NULL OR connection_id = CAST($1 AS TEXT)) AND "
        "(CAST($2 AS TEXT) IS NULL OR parent_order_sn = CAST($2 AS TEXT)) "
        "ORDER BY update_at DESC, parent_after_sales_sn LIMIT $3",
        p, 3, &rows, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        int64_t v[5] = {0};
        for (size_t k = 0; k < 5; k++)
            db_rows_int(rows, i, 3 + k, &v[k]);
        json_t *data = json_loads(db_rows_get(rows, i, 8), 0, NULL);
        json_t *row = json_pack(
            "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "kind", "after_sales",
            "connection_id", db_rows_get(rows, i, 0), "id", db_rows_get(rows, i, 1),
            "parent_order_sn", db_rows_get(rows, i, 2), "status_group", (json_int_t)v[0], "status",
            (json_int_t)v[1], "type", (json_int_t)v[2], "created_at", (json_int_t)v[3],
            "updated_at", (json_int_t)v[4], "data", data != NULL ? data : json_null());
        if (row == NULL || json_array_append_new(list, row) != 0)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    db_rows_free(rows);
    return e;
}

/* Appends one row per buyer label of the orders matching f to list. */
static enum err cases_list_labels(struct db_conn *c, const struct sync_cases_filter *f,
                                  int64_t limit, json_t *list, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    char like[2][80];
    for (size_t i = 0; i < 2; i++)
        snprintf(like[i], sizeof like[i], "%%\"%s\"%%", cases_buyer_labels[i]);
    struct db_param p[] = {f->connection_id ? DB_P_TEXT(f->connection_id) : DB_P_NULL,
                           f->parent_order_sn ? DB_P_TEXT(f->parent_order_sn) : DB_P_NULL,
                           DB_P_INT(limit), DB_P_TEXT(like[0]), DB_P_TEXT(like[1])};
    /* labels is the JSON array of label names the orders stream stores. */
    enum err e = db_query(c,
                          "SELECT connection_id, parent_order_sn, status, update_time, labels "
                          "FROM temu_orders WHERE "
                          "(CAST($1 AS TEXT) IS NULL OR connection_id = CAST($1 AS TEXT)) AND "
                          "(CAST($2 AS TEXT) IS NULL OR parent_order_sn = CAST($2 AS TEXT)) AND "
                          "(labels LIKE $4 OR labels LIKE $5) "
                          "ORDER BY update_time DESC, parent_order_sn LIMIT $3",
                          p, 5, &rows, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        int64_t status = 0, updated = 0;
        db_rows_int(rows, i, 2, &status);
        db_rows_int(rows, i, 3, &updated);
        json_t *labels = json_loads(db_rows_get(rows, i, 4), 0, NULL);
        for (size_t l = 0; e == ERR_OK && l < 2; l++) {
            bool has = false;
            size_t k;
            const json_t *name;
            json_array_foreach(labels, k, name)
            {
                has |= json_is_string(name) &&
                       strcmp(json_string_value(name), cases_buyer_labels[l]) == 0;
            }
            if (!has)
                continue;
            char id[SYNC_SN_MAX + 64];
            snprintf(id, sizeof id, "%s:%s", db_rows_get(rows, i, 1), cases_buyer_labels[l]);
            json_t *row =
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "kind", "order_label",
                          "connection_id", db_rows_get(rows, i, 0), "id", id, "parent_order_sn",
                          db_rows_get(rows, i, 1), "label", cases_buyer_labels[l], "order_status",
                          (json_int_t)status, "updated_at", (json_int_t)updated);
            if (row == NULL || json_array_append_new(list, row) != 0)
                e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        }
        json_decref(labels);
    }
    db_rows_free(rows);
    return e;
}

/* Newest update first across both kinds. */
static int cases_cmp(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    json_int_t ux = json_integer_value(json_object_get(x, "updated_at"));
    json_int_t uy = json_integer_value(json_object_get(y, "updated_at"));
    if (ux != uy)
        return ux < uy ? 1 : -1;
    return strcmp(json_string_value(json_object_get(x, "id")),
                  json_string_value(json_object_get(y, "id")));
}

enum err sync_cases_list(struct db *db, const struct sync_cases_filter *f, json_t **out,
                         struct errbuf *eb)
{
    json_t *list = NULL, *sorted = NULL, *doc = NULL;
    const json_t **items = NULL;
    int64_t limit = f->limit == 0 ? SYNC_CASES_LIST_MAX : f->limit;
    enum err e = ERR_OK;
    *out = NULL;
    if (limit < 1 || limit > SYNC_CASES_LIST_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be 1..%d", SYNC_CASES_LIST_MAX);
    if (f->kind != NULL && strcmp(f->kind, "after_sales") != 0 &&
        strcmp(f->kind, "order_label") != 0)
        return err_set(eb, ERR_INVAL, "bad_kind", "kind must be after_sales or order_label.");
    list = json_array();
    sorted = json_array();
    if (list == NULL || sorted == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    struct db_conn *c = db_acquire(db);
    if (f->kind == NULL || strcmp(f->kind, "after_sales") == 0)
        e = cases_list_aftersales(c, f, limit, list, eb);
    if (e == ERR_OK && (f->kind == NULL || strcmp(f->kind, "order_label") == 0))
        e = cases_list_labels(c, f, limit, list, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    size_t n = json_array_size(list);
    items = calloc(n + 1, sizeof *items);
    if (items == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = json_array_get(list, i);
    qsort(items, n, sizeof *items, cases_cmp);
    for (size_t i = 0; i < n && i < (size_t)limit; i++)
        json_array_append(sorted, (json_t *)items[i]);
    doc = json_pack("{s:O, s:s}", "cases", sorted, "note",
                    "Temu offers no buyer-chat API; buyer cases are after-sales requests and "
                    "buyer-initiated order labels.");
    if (doc == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    *out = doc;
out:
    free(items);
    json_decref(sorted);
    json_decref(list);
    return e;
}

/*
 * Read-only queries for the console data pages and the JSON lists (see sync/query.h).
 */
#include "sync/query.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/parse.h"
#include "connect/connect.h"
#include "sync/query_int.h"

#define QUERY_STATUS_MAX 99
#define QUERY_TIME_MAX   4102444800LL /* 2100-01-01: a bound on deadlines people type */
#define QUERY_LIKE_BYTES (2 * LIMIT_QUERY_SEARCH_BYTES + 8)

/* A Temu code and the name the API and pages use for it. */
struct query_code_name {
    int64_t code;
    const char *name;
};

static const char *query_name_of(const struct query_code_name *t, size_t n, int64_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code)
            return t[i].name;
    }
    return "unknown";
}

const char *query_order_status_name(int64_t status)
{
    static const struct query_code_name names[] = {
        {1, "pending"},   {2, "un_shipping"},        {3, "canceled"},           {4, "shipped"},
        {5, "receipted"}, {41, "partially_shipped"}, {51, "partially_received"}};
    return query_name_of(names, sizeof names / sizeof names[0], status);
}

static bool query_present(const char *s)
{
    return s != NULL && *s != '\0';
}

/* The search text and the page arguments every list reads alike (unchanged when absent). */
ERR_MUST_USE static enum err query_search_paging_read(const char *q, const char *page,
                                                      const char *limit, const char **q_out,
                                                      int64_t *page_out, int64_t *limit_out,
                                                      struct errbuf *eb)
{
    if (query_present(q)) {
        if (strlen(q) > LIMIT_QUERY_SEARCH_BYTES)
            return err_set(eb, ERR_INVAL, "bad_search", "q must be at most %d bytes.",
                           LIMIT_QUERY_SEARCH_BYTES);
        *q_out = q;
    }
    if (query_present(page) && parse_int64(page, 1, LIMIT_QUERY_PAGE_MAX, page_out) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_page", "page must be an integer from 1 to %d.",
                       LIMIT_QUERY_PAGE_MAX);
    if (query_present(limit) &&
        parse_int64(limit, 1, LIMIT_QUERY_PAGE_SIZE_MAX, limit_out) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be an integer from 1 to %d.",
                       LIMIT_QUERY_PAGE_SIZE_MAX);
    return ERR_OK;
}

/* Unix seconds, or YYYY-MM-DD as midnight UTC; false when neither. */
static bool query_parse_time(const char *s, int64_t *out)
{
    if (parse_int64(s, 1, QUERY_TIME_MAX, out) == ERR_OK)
        return true;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    char part[5];
    int64_t y, m, d;
    memcpy(part, s, 4);
    part[4] = '\0';
    if (parse_int64(part, 1970, 2099, &y) != ERR_OK)
        return false;
    memcpy(part, s + 5, 2);
    part[2] = '\0';
    if (parse_int64(part, 1, 12, &m) != ERR_OK)
        return false;
    memcpy(part, s + 8, 2);
    if (parse_int64(part, 1, 31, &d) != ERR_OK)
        return false;
    struct tm tm = {0};
    tm.tm_year = (int)y - 1900;
    tm.tm_mon = (int)m - 1;
    tm.tm_mday = (int)d;
    time_t t = timegm(&tm);
    if (t <= 0 || tm.tm_mday != (int)d) /* timegm normalizes 2026-02-31; refuse it */
        return false;
    *out = (int64_t)t;
    return true;
}

/* "%<s escaped>%" (or "%\"<s>\"%" when quoted) into out, lower-cased; LIKE escape is '\'. */
static void query_like(const char *s, bool quoted, char *out, size_t len)
{
    size_t n = 0;
    out[n++] = '%';
    if (quoted)
        out[n++] = '"';
    for (; *s != '\0' && n + 5 < len; s++) {
        char ch = *s;
        if (ch == '%' || ch == '_' || ch == '\\')
            out[n++] = '\\';
        out[n++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    if (quoted)
        out[n++] = '"';
    out[n++] = '%';
    out[n] = '\0';
}

enum err query_orders_filter_parse(const struct query_orders_args *a, struct query_orders_filter *f,
                                   struct errbuf *eb)
{
    memset(f, 0, sizeof *f);
    f->status = -1;
    f->page = 1;
    f->limit = QUERY_PAGE_SIZE_DEFAULT;
    if (query_present(a->connection_id)) {
        if (strlen(a->connection_id) > CONNECT_ID_LEN)
            return err_set(eb, ERR_INVAL, "bad_connection", "connection_id is too long.");
        f->connection_id = a->connection_id;
    }
    if (query_present(a->status) &&
        parse_int64(a->status, 0, QUERY_STATUS_MAX, &f->status) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_status", "status must be an integer from 0 to %d.",
                       QUERY_STATUS_MAX);
    if (f->status == 0)
        f->status = -1; /* 0 is the platform's "all" */
    if (query_present(a->label)) {
        size_t n = strlen(a->label);
        if (n > LIMIT_QUERY_LABEL_BYTES ||
            strspn(a->label, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
            return err_set(eb, ERR_INVAL, "bad_label",
                           "label must be a label name such as past_due (a-z, 0-9, _).");
        f->label = a->label;
    }
    if (query_present(a->ship_before) && !query_parse_time(a->ship_before, &f->ship_before))
        return err_set(eb, ERR_INVAL, "bad_ship_before",
                       "ship_before must be a date YYYY-MM-DD or Unix seconds.");
    if (query_present(a->ship_after) && !query_parse_time(a->ship_after, &f->ship_after))
        return err_set(eb, ERR_INVAL, "bad_ship_after",
                       "ship_after must be a date YYYY-MM-DD or Unix seconds.");
    enum err e = query_search_paging_read(a->q, a->page, a->limit, &f->q, &f->page, &f->limit, eb);
    if (e != ERR_OK)
        return e;
    if (query_present(a->cursor))
        return query_orders_cursor_parse(a->cursor, f, eb);
    return ERR_OK;
}

static int64_t query_int(const struct db_rows *r, size_t row, size_t col)
{
    int64_t v = 0;
    v = db_rows_int_or(r, row, col, v);
    return v;
}

/* The labels column (compact JSON array text) as a new array; [] when unreadable. */
static json_t *query_labels(const char *text)
{
    if (text != NULL && strcmp(text, "[]") == 0) /* most orders: no parse */
        return json_array();
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    return a;
}

/* An order row (columns as in the list query) as a new object. */
json_t *query_order_json(const struct db_rows *r, size_t i)
{
    int64_t status = query_int(r, i, 2);
    return json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:o, s:I, s:I}", "connection_id",
                     db_rows_get(r, i, 0), "parent_order_sn", db_rows_get(r, i, 1), "status",
                     (json_int_t)status, "status_name", query_order_status_name(status),
                     "order_time", (json_int_t)query_int(r, i, 3), "update_time",
                     (json_int_t)query_int(r, i, 4), "ship_by", (json_int_t)query_int(r, i, 5),
                     "labels", query_labels(db_rows_get(r, i, 6)), "region_id",
                     (json_int_t)query_int(r, i, 7), "items", (json_int_t)query_int(r, i, 8));
}

/* Column col of row i as an integer: its text when canonical, else query_int()'s value. */
static void query_write_int(struct jsonw *w, const struct db_rows *r, size_t i, size_t col)
{
    if (!jsonw_int_text(w, db_rows_get(r, i, col)))
        jsonw_int(w, query_int(r, i, col));
}

void query_order_write(struct jsonw *w, const struct db_rows *r, size_t i)
{
    int64_t status = query_int(r, i, 2);
    const char *labels = db_rows_get(r, i, 6);
    jsonw_obj_begin(w);
    jsonw_key(w, "connection_id");
    jsonw_str(w, db_rows_get(r, i, 0));
    jsonw_key(w, "parent_order_sn");
    jsonw_str(w, db_rows_get(r, i, 1));
    jsonw_key(w, "status");
    jsonw_int(w, status);
    jsonw_key(w, "status_name");
    jsonw_str(w, query_order_status_name(status));
    jsonw_key(w, "order_time");
    query_write_int(w, r, i, 3);
    jsonw_key(w, "update_time");
    query_write_int(w, r, i, 4);
    jsonw_key(w, "ship_by");
    query_write_int(w, r, i, 5);
    jsonw_key(w, "labels");
    if (labels != NULL && strcmp(labels, "[]") == 0) { /* most orders: no parse */
        jsonw_arr_begin(w);
        jsonw_arr_end(w);
    } else {
        json_t *a = query_labels(labels);
        jsonw_value(w, a);
        json_decref(a);
    }
    jsonw_key(w, "region_id");
    query_write_int(w, r, i, 7);
    jsonw_key(w, "items");
    query_write_int(w, r, i, 8);
    jsonw_obj_end(w);
}

/* A sub-order row {order_sn, status, goods_id, sku_id, quantity, goods_name, spec} as a new
 * object. */
static json_t *query_item_json(const struct db_rows *r, size_t i)
{
    int64_t status = query_int(r, i, 1);
    return json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s}", "order_sn", db_rows_get(r, i, 0),
                     "status", (json_int_t)status, "status_name", query_order_status_name(status),
                     "goods_id", (json_int_t)query_int(r, i, 2), "sku_id",
                     (json_int_t)query_int(r, i, 3), "quantity", (json_int_t)query_int(r, i, 4),
                     "goods_name", db_rows_get(r, i, 5), "spec", db_rows_get(r, i, 6));
}

/* The rows of one order's child table: $1 connection, $2 parent order, $3 the row limit. */
ERR_MUST_USE static enum err query_order_rows(struct db_conn *c, const char *connection_id,
                                              const char *sn, int64_t limit, const char *sql,
                                              struct db_rows **out, struct errbuf *eb)
{
    struct db_param k[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sn), DB_P_INT(limit)};
    return db_query(c, sql, k, 3, out, eb);
}

enum err query_order_get(struct db *db, const char *connection_id, const char *sn, json_t **out,
                         struct errbuf *eb)
{
    struct db_rows *rows = NULL, *items = NULL, *hist = NULL;
    json_t *order = NULL, *list = NULL, *history = NULL;
    *out = NULL;
    if (sn == NULL || *sn == '\0' || strlen(sn) > LIMIT_QUERY_SEARCH_BYTES)
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No such order.");
    struct db_param p[] = {connection_id ? DB_P_TEXT(connection_id) : DB_P_NULL, DB_P_TEXT(sn)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        db_query(c,
                 "SELECT o.connection_id, o.parent_order_sn, o.status, o.order_time, "
                 "o.update_time, o.ship_by, o.labels, o.region_id, (SELECT COUNT(*) FROM "
                 "temu_order_items i WHERE i.connection_id = o.connection_id AND "
                 "i.parent_order_sn = o.parent_order_sn), o.first_synced_at, o.synced_at "
                 "FROM temu_orders o WHERE (CAST($1 AS TEXT) IS NULL OR o.connection_id = "
                 "CAST($1 AS TEXT)) AND o.parent_order_sn = $2 ORDER BY o.connection_id LIMIT 1",
                 p, 2, &rows, eb);
    if (e == ERR_OK && db_rows_count(rows) == 0)
        e = err_set(eb, ERR_NOTFOUND, "order_not_found", "No such order.");
    if (e == ERR_OK)
        e = query_order_rows(
            c, db_rows_get(rows, 0, 0), sn, LIMIT_QUERY_ITEMS_MAX,
            "SELECT order_sn, status, goods_id, sku_id, quantity, goods_name, spec FROM "
            "temu_order_items WHERE connection_id = $1 AND parent_order_sn = $2 "
            "ORDER BY order_sn LIMIT CAST($3 AS BIGINT)",
            &items, eb);
    /* The newest LIMIT_QUERY_HISTORY_MAX entries, read newest first, shown oldest first. */
    if (e == ERR_OK)
        e = query_order_rows(c, db_rows_get(rows, 0, 0), sn, LIMIT_QUERY_HISTORY_MAX,
                             "SELECT status, update_time, seen_at FROM temu_order_status_history "
                             "WHERE connection_id = $1 AND parent_order_sn = $2 ORDER BY "
                             "update_time DESC, seen_at DESC, status DESC LIMIT CAST($3 AS BIGINT)",
                             &hist, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    order = query_order_json(rows, 0);
    list = json_array();
    history = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(items); i++)
        json_array_append_new(list, query_item_json(items, i));
    for (size_t i = db_rows_count(hist); history != NULL && i > 0; i--) {
        int64_t status = query_int(hist, i - 1, 0);
        json_array_append_new(history,
                              json_pack("{s:I, s:s, s:I, s:I}", "status", (json_int_t)status,
                                        "status_name", query_order_status_name(status),
                                        "update_time", (json_int_t)query_int(hist, i - 1, 1),
                                        "seen_at", (json_int_t)query_int(hist, i - 1, 2)));
    }
    if (order == NULL || list == NULL || history == NULL ||
        json_object_set_new(order, "first_synced_at", json_integer(query_int(rows, 0, 9))) != 0 ||
        json_object_set_new(order, "synced_at", json_integer(query_int(rows, 0, 10))) != 0 ||
        json_object_set(order, "items", list) != 0 ||
        json_object_set(order, "status_history", history) != 0) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    *out = order;
    order = NULL;
out:
    json_decref(order);
    json_decref(list);
    json_decref(history);
    db_rows_free(rows);
    db_rows_free(items);
    db_rows_free(hist);
    return e;
}

enum err query_stream_states(struct db *db, const char *stream, json_t **out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    *out = NULL;
    struct db_param p[] = {stream ? DB_P_TEXT(stream) : DB_P_NULL,
                           DB_P_INT(LIMIT_QUERY_STATES_MAX)};
    enum err e =
        db_pool_query(db,
                      "SELECT connection_id, stream, watermark, backfill_done, "
                      "last_success_at, last_run_at, consecutive_failures, paused, warning "
                      "FROM sync_state WHERE (CAST($1 AS TEXT) IS NULL OR stream = "
                      "CAST($1 AS TEXT)) ORDER BY connection_id, stream LIMIT CAST($2 AS "
                      "BIGINT)",
                      p, 2, &rows, eb);
    if (e != ERR_OK)
        goto out;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        json_t *row = json_pack(
            "{s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:b, s:s}", "connection_id",
            db_rows_get(rows, i, 0), "stream", db_rows_get(rows, i, 1), "watermark",
            (json_int_t)query_int(rows, i, 2), "backfill_done", query_int(rows, i, 3) != 0,
            "last_success_at", (json_int_t)query_int(rows, i, 4), "last_run_at",
            (json_int_t)query_int(rows, i, 5), "consecutive_failures",
            (json_int_t)query_int(rows, i, 6), "paused", query_int(rows, i, 7) != 0, "warning",
            db_rows_get(rows, i, 8) ? db_rows_get(rows, i, 8) : "");
        json_list_push(&list, row);
    }
    e = json_list_out(list, out, eb);
out:
    db_rows_free(rows);
    return e;
}

/* ---- products ---------------------------------------------------------------------------- */

/* The filter of the products list: $1 connection, $2 bucket, $3 search pattern (lower-cased,
 * escaped by query_like()) over the name, the seller's goods number and the goods id. */
#define QUERY_PRODUCTS_WHERE                                                                       \
    " WHERE (CAST($1 AS TEXT) IS NULL OR p.connection_id = CAST($1 AS TEXT))"                      \
    " AND (CAST($2 AS BIGINT) = 0 OR p.bucket = CAST($2 AS BIGINT))"                               \
    " AND (CAST($3 AS TEXT) IS NULL OR lower(p.goods_name) LIKE CAST($3 AS TEXT) ESCAPE '\\'"      \
    " OR lower(p.out_goods_sn) LIKE CAST($3 AS TEXT) ESCAPE '\\'"                                  \
    " OR CAST(p.goods_id AS TEXT) LIKE CAST($3 AS TEXT) ESCAPE '\\')"

/* One page of the filtered products: $4 limit, $5 offset. */
#define QUERY_PRODUCTS_PAGE                                                                        \
    " FROM temu_products p" QUERY_PRODUCTS_WHERE " ORDER BY p.goods_id DESC, p.connection_id"      \
    " LIMIT CAST($4 AS BIGINT) OFFSET CAST($5 AS BIGINT)"

const char *query_product_bucket_name(int64_t bucket)
{
    static const struct query_code_name names[] = {
        {1, "on_off_sale"}, {4, "not_published"}, {5, "draft"}, {6, "deleted"}};
    return query_name_of(names, sizeof names / sizeof names[0], bucket);
}

enum err query_products_filter_parse(const struct query_products_args *a,
                                     struct query_products_filter *f, struct errbuf *eb)
{
    memset(f, 0, sizeof *f);
    f->page = 1;
    f->limit = QUERY_PAGE_SIZE_DEFAULT;
    if (query_present(a->connection_id)) {
        if (strlen(a->connection_id) > CONNECT_ID_LEN)
            return err_set(eb, ERR_INVAL, "bad_connection", "connection_id is too long.");
        f->connection_id = a->connection_id;
    }
    if (query_present(a->bucket) && (parse_int64(a->bucket, 1, 6, &f->bucket) != ERR_OK ||
                                     strcmp(query_product_bucket_name(f->bucket), "unknown") == 0))
        return err_set(eb, ERR_INVAL, "bad_bucket",
                       "bucket must be 1 (on or off sale), 4 (not published), 5 (draft) or 6 "
                       "(deleted).");
    return query_search_paging_read(a->q, a->page, a->limit, &f->q, &f->page, &f->limit, eb);
}

/* A text column, "" when NULL. */
static const char *query_text(const struct db_rows *r, size_t row, size_t col)
{
    const char *s = db_rows_get(r, row, col);
    return s ? s : "";
}

/* A product row (columns as in the list query) as a new object with an empty skus array. */
static json_t *query_product_json(const struct db_rows *r, size_t i)
{
    int64_t bucket = query_int(r, i, 2);
    return json_pack(
        "{s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:[]}", "connection_id",
        query_text(r, i, 0), "goods_id", (json_int_t)query_int(r, i, 1), "bucket",
        (json_int_t)bucket, "bucket_name", query_product_bucket_name(bucket), "goods_name",
        query_text(r, i, 3), "out_goods_sn", query_text(r, i, 4), "cat_id",
        (json_int_t)query_int(r, i, 5), "price", query_text(r, i, 6), "currency",
        query_text(r, i, 7), "quantity", (json_int_t)query_int(r, i, 8), "first_synced_at",
        (json_int_t)query_int(r, i, 9), "synced_at", (json_int_t)query_int(r, i, 10), "skus");
}

/* Appends the first max SKU rows {connection_id, goods_id, sku_id, out_sku_sn, spec_name,
 * price, quantity} to the skus of their products in list. Both come in page order, so the
 * search starts at the previous row's product; a row whose product is not in list (the page
 * moved between the two reads, which take no lock) is left out. */
ERR_MUST_USE static enum err query_attach_skus(json_t *list, const struct db_rows *skus, size_t max,
                                               struct errbuf *eb)
{
    size_t k = 0, n = json_array_size(list);
    for (size_t i = 0; i < db_rows_count(skus) && i < max && n > 0; i++) {
        const char *conn = query_text(skus, i, 0);
        int64_t goods = query_int(skus, i, 1);
        size_t tries = 0;
        for (; tries < n; tries++, k = (k + 1) % n) {
            const json_t *p = json_array_get(list, k);
            if (json_integer_value(json_object_get(p, "goods_id")) == goods &&
                strcmp(json_string_value(json_object_get(p, "connection_id")), conn) == 0)
                break;
        }
        if (tries == n)
            continue;
        json_t *sku = json_pack(
            "{s:I, s:s, s:s, s:s, s:I}", "sku_id", (json_int_t)query_int(skus, i, 2), "out_sku_sn",
            query_text(skus, i, 3), "spec_name", query_text(skus, i, 4), "price",
            query_text(skus, i, 5), "quantity", (json_int_t)query_int(skus, i, 6));
        if (json_array_append_new(json_object_get(json_array_get(list, k), "skus"), sku) != 0)
            return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    return ERR_OK;
}

enum err query_products_list(struct db *db, const struct query_products_filter *f, json_t **out,
                             struct errbuf *eb)
{
    struct db_rows *rows = NULL, *count = NULL, *skus = NULL;
    json_t *list = NULL;
    char q[QUERY_LIKE_BYTES];
    *out = NULL;
    if (f->page < 1 || f->page > LIMIT_QUERY_PAGE_MAX || f->limit < 1 ||
        f->limit > LIMIT_QUERY_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "bad_page", "page or limit out of range.");
    if (f->q)
        query_like(f->q, false, q, sizeof q);
    struct db_param p[] = {f->connection_id ? DB_P_TEXT(f->connection_id) : DB_P_NULL,
                           DB_P_INT(f->bucket),
                           f->q ? DB_P_TEXT(q) : DB_P_NULL,
                           DB_P_INT(f->limit),
                           DB_P_INT((f->page - 1) * f->limit),
                           DB_P_INT(LIMIT_QUERY_SKUS_MAX + 1)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        db_query(c, "SELECT COUNT(*) FROM temu_products p" QUERY_PRODUCTS_WHERE, p, 3, &count, eb);
    e = e ? e
          : db_query(c,
                     "SELECT p.connection_id, p.goods_id, p.bucket, p.goods_name, "
                     "p.out_goods_sn, p.cat_id, p.price, p.currency, p.quantity, "
                     "p.first_synced_at, p.synced_at" QUERY_PRODUCTS_PAGE,
                     p, 5, &rows, eb);
    e = e ? e
          : db_query(c,
                     "SELECT s.connection_id, s.goods_id, s.sku_id, s.out_sku_sn, s.spec_name, "
                     "s.price, s.quantity FROM temu_product_skus s JOIN (SELECT p.connection_id, "
                     "p.goods_id" QUERY_PRODUCTS_PAGE ") g ON g.connection_id = s.connection_id "
                     "AND g.goods_id = s.goods_id ORDER BY s.goods_id DESC, s.connection_id, "
                     "s.sku_id LIMIT CAST($6 AS BIGINT)",
                     p, 6, &skus, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    bool truncated = db_rows_count(skus) > LIMIT_QUERY_SKUS_MAX;
    list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        if (json_array_append_new(list, query_product_json(rows, i)) != 0)
            break;
    }
    if (list == NULL || json_array_size(list) != db_rows_count(rows)) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    /* The extra row only tells that SKUs were left out; it is not shown. */
    e = query_attach_skus(list, skus, LIMIT_QUERY_SKUS_MAX, eb);
    if (e != ERR_OK)
        goto out;
    int64_t total = query_int(count, 0, 0);
    *out = json_pack("{s:O, s:I, s:I, s:I, s:I, s:b}", "products", list, "total", (json_int_t)total,
                     "page", (json_int_t)f->page, "limit", (json_int_t)f->limit, "pages",
                     (json_int_t)((total + f->limit - 1) / f->limit), "skus_truncated", truncated);
    if (*out == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
out:
    json_decref(list);
    db_rows_free(rows);
    db_rows_free(count);
    db_rows_free(skus);
    return e;
}

void query_orders_args_read(query_arg_fn get, const void *ctx, struct query_orders_args *a)
{
    a->connection_id = get(ctx, "connection_id");
    a->status = get(ctx, "status");
    a->label = get(ctx, "label");
    a->ship_before = get(ctx, "ship_before");
    a->ship_after = get(ctx, "ship_after");
    a->q = get(ctx, "q");
    a->page = get(ctx, "page");
    a->limit = get(ctx, "limit");
    a->cursor = get(ctx, "cursor");
}

void query_products_args_read(query_arg_fn get, const void *ctx, struct query_products_args *a)
{
    a->connection_id = get(ctx, "connection_id");
    a->bucket = get(ctx, "bucket");
    a->q = get(ctx, "q");
    a->page = get(ctx, "page");
    a->limit = get(ctx, "limit");
}

enum err query_order_locate(struct db *db, const char *connection_id, const char *sn, char *conn,
                            int64_t *region_id, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {connection_id ? DB_P_TEXT(connection_id) : DB_P_NULL, DB_P_TEXT(sn)};
    enum err e = db_pool_query(db,
                               "SELECT connection_id, region_id FROM temu_orders WHERE (CAST($1 AS "
                               "TEXT) IS NULL OR connection_id = CAST($1 AS TEXT)) AND "
                               "parent_order_sn = $2 ORDER BY connection_id LIMIT 1",
                               p, 2, &rows, eb);
    if (e != ERR_OK)
        return e;
    const char *id = db_rows_count(rows) == 1 ? db_rows_get(rows, 0, 0) : NULL;
    if (id == NULL || strlen(id) > CONNECT_ID_LEN) {
        e = err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    } else {
        memcpy(conn, id, strlen(id) + 1);
        if (region_id != NULL)
            *region_id = db_rows_int_or(rows, 0, 1, *region_id);
    }
    db_rows_free(rows);
    return e;
}

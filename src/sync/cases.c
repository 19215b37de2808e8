/*
 * The buyer_cases stream as a table of its specifics (stream.h), in two parts: parent
 * after-sales requests (bg.aftersales.parentaftersales.list.get, temu-open-platform.md §8) by
 * creation window (backfill) and update window with overlap (incremental), keyed by
 * parentAfterSalesSn, each new or changed one with its detail
 * (temu.aftersales.parentaftersales.detail.get: reason, refund summary, the buyer's comment);
 * then the buyers' cancellation requests (bg.aftersales.cancel.list.get), walked whole each
 * run because that list has no time filter. And the console's view of buyer cases, which adds
 * the buyer-initiated labels of synced orders. Temu has no buyer-chat API, so these are all a
 * "buyer message" can be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/api.h"

/* Order labels (§5.1) that a buyer's action sets; each is a buyer case of its order. */
static const char *const cases_buyer_labels[] = {"pending_buyer_cancellation",
                                                 "pending_buyer_address_change"};

/* ---- after-sales requests: the WINDOWS part --------------------------------------------- */

ERR_MUST_USE static enum err cases_fetch(struct temu_client *c, const struct sync_window *w,
                                         int64_t page, struct temu_page *pg, struct temu_error *te)
{
    struct temu_aftersales_list_req rq;
    memset(&rq, 0, sizeof rq);
    rq.page_no = page;
    rq.page_size = SYNC_CASES_PAGE_SIZE;
    if (strcmp(w->kind, "backfill") == 0) {
        rq.create_at_start = w->lo;
        rq.create_at_end = w->hi;
    } else {
        rq.update_at_start = w->lo;
        rq.update_at_end = w->hi;
    }
    return temu_api_aftersales_list(c, &rq, pg, te);
}

static bool cases_key(const json_t *item, struct sync_key *out)
{
    out->sn = sync_json_sn(item, "parentAfterSalesSn");
    return out->sn != NULL;
}

/*
 * True when te says only that this API is out of reach: the gateway has no such type
 * (3000003), or the app or the seller lacks its permission (3000021, 3000027, 3000032,
 * 7000022). The after-sales list itself is never skipped on these; only what enriches it.
 */
static bool cases_permission_missing(const struct temu_error *te)
{
    return te->code == 3000003 || te->code == 3000021 || te->code == 3000027 ||
           te->code == 3000032 || te->code == 7000022;
}

/*
 * The detail (reason, refund summary, the buyer's comment) of every case on the page that is
 * new, or whose updateAt differs from the one its stored detail was read at. A failed detail
 * is noted on the case and read again the next time the case is seen; a missing permission
 * stops the detail reads for the run (the list is still stored).
 */
static void cases_prepare(const struct sync_part *part, struct sync_prepare *p)
{
    size_t i;
    const json_t *item;
    json_array_foreach(p->items, i, item)
    {
        struct db_rows *rows = NULL;
        struct errbuf ignore = {0};
        struct temu_aftersales_detail d;
        struct temu_error te;
        const char *sn = sync_json_sn(item, "parentAfterSalesSn");
        const char *order = sync_json_sn(item, "parentOrderSn");
        int64_t at = sync_time_seconds(json_get_int(item, "updateAt")), have = -1;
        if (*p->off)
            break;
        if (sn == NULL || order == NULL)
            continue;
        struct db_param k[] = {DB_P_TEXT(p->connection_id), DB_P_TEXT(sn)};
        /* Held only for the lookup: the call below draws on the request budget, which needs
         * a connection of its own (the CLI's pool has one). */
        struct db_conn *c = db_acquire(p->db);
        if (db_query(c,
                     "SELECT detail_update_at FROM temu_aftersales WHERE connection_id = $1 AND "
                     "parent_after_sales_sn = $2",
                     k, 2, &rows, &ignore) == ERR_OK &&
            db_rows_count(rows) == 1)
            have = db_rows_int_or(rows, 0, 0, have);
        db_rows_free(rows);
        db_release(c);
        if (have == at)
            continue;
        temu_error_clear(&te);
        json_t *extra = NULL;
        if (temu_api_aftersales_detail(p->client, order, sn, &d, &te) == ERR_OK) {
            extra = json_pack("{s:O}", "detail", d.result);
        } else {
            char why[TEMU_ERROR_MSG_MAX + 32];
            snprintf(why, sizeof why, "%lld %s", (long long)te.code, te.message);
            extra = json_pack("{s:s}", "error", why);
            *p->off = cases_permission_missing(&te);
        }
        temu_aftersales_detail_clear(&d);
        if (extra != NULL)
            json_object_set_new(p->extras, sn, extra);
    }
    (void)part;
}

/* Stores what the detail adds: reason, refund summary, the buyer's comment; or why it failed. */
ERR_MUST_USE static enum err cases_write_detail(struct db_conn *c, const struct sync_item *it,
                                                struct errbuf *eb)
{
    const json_t *result = json_object_get(it->extra, "detail");
    const char *error = json_string_value(json_object_get(it->extra, "error"));
    struct db_param k[] = {DB_P_TEXT(it->connection_id), DB_P_TEXT(it->key.sn),
                           DB_P_TEXT(error != NULL ? error : "")};
    if (result == NULL)
        return db_exec(c,
                       "UPDATE temu_aftersales SET detail_error = $3 WHERE connection_id = $1 AND "
                       "parent_after_sales_sn = $2",
                       k, 3, NULL, eb);
    /* The typed reading of the detail, from the stored answer. */
    const json_t *lines = json_object_get(result, "afterSalesList");
    const json_t *first = json_array_get(lines, 0);
    const char *comment = "";
    size_t i;
    const json_t *line;
    json_array_foreach(lines, i, line)
    {
        const char *t = json_string_value(json_object_get(line, "buyerComment"));
        if (*comment == '\0' && t != NULL)
            comment = t;
    }
    const char *desc = json_string_value(json_object_get(first, "afterSalesReasonDesc"));
    char *detail = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
    const json_t *sum = json_object_get(result, "refundSummary");
    char *summary = json_is_object(sum) ? json_dumps(sum, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    enum err e = ERR_OK;
    if (detail == NULL || (json_is_object(sum) && summary == NULL)) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_TEXT(it->key.sn),
                           DB_P_INT(json_get_int(first, "afterSalesReasonCode")),
                           DB_P_TEXT(desc != NULL ? desc : ""),
                           DB_P_TEXT(comment),
                           DB_P_TEXT(summary != NULL ? summary : ""),
                           DB_P_TEXT(detail),
                           DB_P_INT(sync_time_seconds(json_get_int(it->item, "updateAt")))};
    e = db_exec(
        c,
        "UPDATE temu_aftersales SET reason_code = $3, reason_desc = $4, buyer_comment = $5, "
        "refund_summary = $6, detail = $7, detail_update_at = $8, detail_error = '' "
        "WHERE connection_id = $1 AND parent_after_sales_sn = $2",
        p, 8, NULL, eb);
out:
    free(detail);
    free(summary);
    return e;
}

/* Writes one new or changed case (status: parentAfterSalesStatus), then its detail if read. */
ERR_MUST_USE static enum err cases_write(struct db_conn *c, const struct sync_item *it,
                                         struct errbuf *eb)
{
    const json_t *item = it->item;
    const char *order_sn = sync_json_sn(item, "parentOrderSn");
    enum err e = ERR_OK;
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_TEXT(it->key.sn),
                           DB_P_TEXT(order_sn != NULL ? order_sn : ""),
                           DB_P_INT(json_get_int(item, "afterSalesStatusGroup")),
                           DB_P_INT(json_get_int(item, "parentAfterSalesStatus")),
                           DB_P_INT(json_get_int(item, "afterSalesType")),
                           DB_P_INT(sync_time_seconds(json_get_int(item, "createAt"))),
                           DB_P_INT(sync_time_seconds(json_get_int(item, "updateAt"))),
                           DB_P_TEXT(it->hash),
                           DB_P_TEXT(it->data),
                           DB_P_INT(it->now)};
    if (it->changed)
        e = db_exec(c,
                    "INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, "
                    "parent_order_sn, status_group, status, case_type, create_at, update_at, "
                    "content_hash, data, first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, "
                    "$6, $7, $8, $9, $10, $11, $11) ON CONFLICT (connection_id, "
                    "parent_after_sales_sn) DO UPDATE SET parent_order_sn = "
                    "excluded.parent_order_sn, status_group = excluded.status_group, status = "
                    "excluded.status, case_type = excluded.case_type, create_at = "
                    "excluded.create_at, update_at = excluded.update_at, content_hash = "
                    "excluded.content_hash, data = excluded.data, synced_at = excluded.synced_at",
                    p, 11, NULL, eb);
    if (e == ERR_OK && it->extra != NULL)
        e = cases_write_detail(c, it, eb);
    return e;
}

/* ---- cancellations: a FULL part ------------------------------------------------------- */

ERR_MUST_USE static enum err cancels_fetch(struct temu_client *c, const struct sync_window *w,
                                           int64_t page, struct temu_page *pg,
                                           struct temu_error *te)
{
    struct temu_aftersales_list_req rq;
    memset(&rq, 0, sizeof rq);
    rq.page_no = page;
    rq.page_size = SYNC_CASES_PAGE_SIZE;
    (void)w;
    return temu_api_aftersales_cancel_list(c, &rq, pg, te);
}

/* Writes one new or changed cancellation request. */
ERR_MUST_USE static enum err cancels_write(struct db_conn *c, const struct sync_item *it,
                                           struct errbuf *eb)
{
    const json_t *first = json_array_get(json_object_get(it->item, "afterSalesInfoList"), 0);
    const char *order_sn = sync_json_sn(first, "parentOrderSn");
    struct db_param p[] = {DB_P_TEXT(it->connection_id),
                           DB_P_TEXT(it->key.sn),
                           DB_P_TEXT(order_sn != NULL ? order_sn : ""),
                           DB_P_INT(json_get_int(it->item, "parentAfterSalesStatus")),
                           DB_P_INT(sync_time_seconds(json_get_int(first, "createAtMillis"))),
                           DB_P_TEXT(it->hash),
                           DB_P_TEXT(it->data),
                           DB_P_INT(it->now)};
    return db_exec(c,
                   "INSERT INTO temu_cancellations (connection_id, parent_after_sales_sn, "
                   "parent_order_sn, status, create_at, content_hash, data, first_synced_at, "
                   "synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT "
                   "(connection_id, parent_after_sales_sn) DO UPDATE SET parent_order_sn = "
                   "excluded.parent_order_sn, status = excluded.status, create_at = "
                   "excluded.create_at, content_hash = excluded.content_hash, data = "
                   "excluded.data, synced_at = excluded.synced_at",
                   p, 8, NULL, eb);
}

/* The cancel list has no time filter, so it is walked whole each run (one pseudo-bucket). */
static const int64_t cancels_buckets[] = {1, 0};

static const struct sync_part cases_parts[] = {
    {
        .walk = SYNC_WALK_WINDOWS,
        .page_size = SYNC_CASES_PAGE_SIZE,
        .fetch = cases_fetch,
        .table = "temu_aftersales",
        .key_column = "parent_after_sales_sn",
        .key = cases_key,
        .write = cases_write,
        .prepare = cases_prepare,
    },
    {
        .kind = "cancel",
        .walk = SYNC_WALK_FULL,
        .page_size = SYNC_CASES_PAGE_SIZE,
        .buckets = cancels_buckets,
        .fetch = cancels_fetch,
        .skippable = cases_permission_missing,
        .table = "temu_cancellations",
        .key_column = "parent_after_sales_sn",
        .key = cases_key,
        .write = cancels_write,
    },
};

const struct sync_stream_def sync_cases_def = {cases_parts, 2};

enum err sync_cases_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                               const json_t *details, int64_t now, struct sync_counts *counts,
                               struct errbuf *eb)
{
    struct sync_window w = {"update", 0, 0};
    return sync_part_store_page(c, &cases_parts[0], connection_id, &w, items, details, now, counts,
                                eb);
}

enum err sync_cancels_store_page(struct db_conn *c, const char *connection_id, const json_t *items,
                                 int64_t now, struct sync_counts *counts, struct errbuf *eb)
{
    struct sync_window w = {"cancel", 1, 1};
    return sync_part_store_page(c, &cases_parts[1], connection_id, &w, items, NULL, now, counts,
                                eb);
}

/* ---- the console's view ----------------------------------------------------------------- */

/* A stored JSON text as a value (null when empty or not JSON). */
static json_t *cases_json_or_null(const char *text)
{
    json_t *v = *text != '\0' ? json_loads(text, 0, NULL) : NULL;
    return v != NULL ? v : json_null();
}

/* The filter of both case tables: $1 connection, $2 parent order (NULL: any), $3 limit. */
#define CASES_WHERE                                                                                \
    " WHERE (CAST($1 AS TEXT) IS NULL OR connection_id = CAST($1 AS TEXT)) AND "                   \
    "(CAST($2 AS TEXT) IS NULL OR parent_order_sn = CAST($2 AS TEXT)) "

/* Runs sql (filtered by f, CASES_WHERE) and appends build's row for each result to list. */
ERR_MUST_USE static enum err
cases_append_rows(struct db_conn *c, const struct sync_cases_filter *f, int64_t limit,
                  const char *sql, json_t *(*build)(const struct db_rows *rows, size_t i),
                  json_t *list, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {f->connection_id ? DB_P_TEXT(f->connection_id) : DB_P_NULL,
                           f->parent_order_sn ? DB_P_TEXT(f->parent_order_sn) : DB_P_NULL,
                           DB_P_INT(limit)};
    enum err e = db_query(c, sql, p, 3, &rows, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        json_t *row = build(rows, i);
        if (row == NULL || json_array_append_new(list, row) != 0)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    db_rows_free(rows);
    return e;
}

/* An after-sales row with what its detail added. */
static json_t *cases_aftersales_row(const struct db_rows *rows, size_t i)
{
    int64_t v[6] = {0};
    for (size_t k = 0; k < 6; k++)
        v[k] = db_rows_int_or(rows, i, 3 + k, v[k]);
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:{s:I, s:s, s:s, s:o, s:s}}", "kind",
        "after_sales", "connection_id", db_rows_get(rows, i, 0), "id", db_rows_get(rows, i, 1),
        "parent_order_sn", db_rows_get(rows, i, 2), "status_group", (json_int_t)v[0], "status",
        (json_int_t)v[1], "type", (json_int_t)v[2], "created_at", (json_int_t)v[3], "updated_at",
        (json_int_t)v[4], "data", cases_json_or_null(db_rows_get(rows, i, 9)), "detail",
        "reason_code", (json_int_t)v[5], "reason_desc", db_rows_get(rows, i, 10), "buyer_comment",
        db_rows_get(rows, i, 11), "refund_summary", cases_json_or_null(db_rows_get(rows, i, 12)),
        "error", db_rows_get(rows, i, 13));
}

/* A cancellation request's row (its time is the request's). */
static json_t *cases_cancel_row(const struct db_rows *rows, size_t i)
{
    int64_t status = 0, at = 0;
    status = db_rows_int_or(rows, i, 3, status);
    at = db_rows_int_or(rows, i, 4, at);
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "kind", "cancellation",
                     "connection_id", db_rows_get(rows, i, 0), "id", db_rows_get(rows, i, 1),
                     "parent_order_sn", db_rows_get(rows, i, 2), "status", (json_int_t)status,
                     "created_at", (json_int_t)at, "updated_at", (json_int_t)at, "data",
                     cases_json_or_null(db_rows_get(rows, i, 5)));
}

/* Appends the after-sales rows matching f to list. */
ERR_MUST_USE static enum err cases_list_aftersales(struct db_conn *c,
                                                   const struct sync_cases_filter *f, int64_t limit,
                                                   json_t *list, struct errbuf *eb)
{
    return cases_append_rows(
        c, f, limit,
        "SELECT connection_id, parent_after_sales_sn, parent_order_sn, status_group, status, "
        "case_type, create_at, update_at, reason_code, data, reason_desc, buyer_comment, "
        "refund_summary, detail_error FROM temu_aftersales" CASES_WHERE
        "ORDER BY update_at DESC, parent_after_sales_sn LIMIT $3",
        cases_aftersales_row, list, eb);
}

/* Appends the cancellation requests matching f to list. */
ERR_MUST_USE static enum err cases_list_cancels(struct db_conn *c,
                                                const struct sync_cases_filter *f, int64_t limit,
                                                json_t *list, struct errbuf *eb)
{
    return cases_append_rows(c, f, limit,
                             "SELECT connection_id, parent_after_sales_sn, parent_order_sn, "
                             "status, create_at, data FROM temu_cancellations" CASES_WHERE
                             "ORDER BY create_at DESC, parent_after_sales_sn LIMIT $3",
                             cases_cancel_row, list, eb);
}

/* Appends one row per buyer label of the orders matching f to list. */
ERR_MUST_USE static enum err cases_list_labels(struct db_conn *c, const struct sync_cases_filter *f,
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
        status = db_rows_int_or(rows, i, 2, status);
        updated = db_rows_int_or(rows, i, 3, updated);
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
        strcmp(f->kind, "order_label") != 0 && strcmp(f->kind, "cancellation") != 0)
        return err_set(eb, ERR_INVAL, "bad_kind",
                       "kind must be after_sales, cancellation or order_label.");
    list = json_array();
    sorted = json_array();
    if (list == NULL || sorted == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    struct db_conn *c = db_acquire(db);
    if (f->kind == NULL || strcmp(f->kind, "after_sales") == 0)
        e = cases_list_aftersales(c, f, limit, list, eb);
    if (e == ERR_OK && (f->kind == NULL || strcmp(f->kind, "cancellation") == 0))
        e = cases_list_cancels(c, f, limit, list, eb);
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
                    "Temu offers no buyer-chat API; buyer cases are after-sales requests, "
                    "cancellation requests and buyer-initiated order labels.");
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

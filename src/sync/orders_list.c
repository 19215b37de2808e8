/*
 * The orders list (see sync/query.h, query_orders_list): flat in the shop's size (issue 17).
 *
 * Only the filters given are in the SQL, and each one is served by an index that also holds the
 * list's sort (update_time DESC, parent_order_sn DESC, connection_id DESC; migration 21):
 * temu_orders_recent, _update (per connection), _status (a connection with a status reads it
 * and skips the other connections' rows: a shop has few), and temu_order_labels for a label
 * (kept by triggers). A search or a ship-by deadline is a set of at most
 * LIMIT_QUERY_MATCH_MAX orders read from its own index (order number prefix, sub-order number
 * prefix, goods id, SKU id, the full-text index of product names; ship_by), sorted after.
 *
 * Pages are keyset: the cursor is the sort key of the last row shown, and the next page is
 * (update_time, parent_order_sn[, connection_id]) < cursor. Page numbers (OFFSET) are accepted
 * only while the rows skipped are fewer than LIMIT_QUERY_OFFSET_MAX or the total is known to
 * end before them. The total is counted up to LIMIT_QUERY_COUNT_MAX rows on the same index;
 * past that (or when a match set is full) it is a lower bound with total_exact false.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "connect/connect.h"
#include "sync/query.h"
#include "sync/query_int.h"

#define OL_SQL_BYTES 4096
#define OL_PARAMS    24

/* A statement being built: text, parameters numbered in order. */
struct ol_sql {
    char text[OL_SQL_BYTES];
    size_t len;
    struct db_param p[OL_PARAMS];
    size_t np;
    bool full; /* it did not fit (a programming error: the buffers are sized for the worst case) */
};

static void ol_add(struct ol_sql *s, const char *text)
{
    size_t n = strlen(text);
    if (s->full || s->len + n >= sizeof s->text) {
        s->full = true;
        return;
    }
    memcpy(s->text + s->len, text, n + 1);
    s->len += n;
}

/* Appends CAST($n AS type) for parameter p. */
static void ol_arg(struct ol_sql *s, struct db_param p, const char *type)
{
    char ref[48];
    if (s->np >= OL_PARAMS) {
        s->full = true;
        return;
    }
    s->p[s->np++] = p;
    snprintf(ref, sizeof ref, "CAST($%zu AS %s)", s->np, type);
    ol_add(s, ref);
}

/* The order-number prefix of a search: q upper-cased in lo, and hi the first string after
 * every string starting with lo (lo with its last byte plus one). */
struct ol_prefix {
    char lo[LIMIT_QUERY_SEARCH_BYTES + 1], hi[LIMIT_QUERY_SEARCH_BYTES + 1];
    char fts[2 * LIMIT_QUERY_SEARCH_BYTES + 8]; /* q as one FTS5 phrase: "..." */
    int64_t id;                                 /* q as a goods or SKU id, 0 when not digits */
    const char *words;                          /* q as typed (PostgreSQL's phrase) */
};

static void ol_prefix_make(const char *q, struct ol_prefix *px)
{
    size_t n = strnlen(q, LIMIT_QUERY_SEARCH_BYTES), k = 0;
    if (n == 0) { /* never: an empty q is no search; keep the strings valid anyway */
        q = "?";
        n = 1;
    }
    for (size_t i = 0; i < n; i++)
        px->lo[i] = (q[i] >= 'a' && q[i] <= 'z') ? (char)(q[i] - 'a' + 'A') : q[i];
    px->lo[n] = '\0';
    memcpy(px->hi, px->lo, n + 1);
    px->hi[n - 1] = (char)((unsigned char)px->hi[n - 1] + 1);
    px->fts[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (q[i] == '"')
            px->fts[k++] = '"';
        px->fts[k++] = q[i];
    }
    px->fts[k++] = '"';
    px->fts[k] = '\0';
    px->id = 0;
    px->words = q;
    if (strspn(q, "0123456789") == n && parse_int64(q, 1, INT64_MAX, &px->id) != ERR_OK)
        px->id = 0;
}

/* Each branch of the search set is bounded on its own, so that no branch reads more than
 * LIMIT_QUERY_MATCH_MAX rows: " UNION SELECT * FROM (" branch " LIMIT n) bN". */
#define OL_BOUND " LIMIT " QUERY_STR(LIMIT_QUERY_MATCH_MAX) ") b"
#define OL_ITEM_BRANCH(n)                                                                          \
    OL_BOUND #n " UNION SELECT * FROM (SELECT o.connection_id, o.parent_order_sn, o.update_time"   \
                " FROM temu_order_items i JOIN temu_orders o ON o.connection_id ="                 \
                " i.connection_id AND o.parent_order_sn = i.parent_order_sn WHERE "

/* The search's match set m(connection_id, parent_order_sn, update_time) of at most
 * LIMIT_QUERY_MATCH_MAX orders whose number or a sub-order's number starts with q, whose goods or
 * SKU id is q, or whose product name holds q as words. */
static void ol_search_set(struct ol_sql *s, const struct ol_prefix *px, bool pg)
{
    ol_add(s, "(SELECT connection_id, parent_order_sn, update_time FROM (SELECT * FROM (SELECT "
              "connection_id, parent_order_sn, update_time FROM temu_orders WHERE "
              "parent_order_sn >= ");
    ol_arg(s, DB_P_TEXT(px->lo), "TEXT");
    ol_add(s, " AND parent_order_sn < ");
    ol_arg(s, DB_P_TEXT(px->hi), "TEXT");
    ol_add(s, " ORDER BY parent_order_sn" OL_ITEM_BRANCH(1) "i.order_sn >= ");
    ol_arg(s, DB_P_TEXT(px->lo), "TEXT");
    ol_add(s, " AND i.order_sn < ");
    ol_arg(s, DB_P_TEXT(px->hi), "TEXT");
    ol_add(s, " ORDER BY i.order_sn");
    if (px->id > 0) {
        ol_add(s, OL_ITEM_BRANCH(2) "i.goods_id = ");
        ol_arg(s, DB_P_INT(px->id), "BIGINT");
        ol_add(s, OL_ITEM_BRANCH(3) "i.sku_id = ");
        ol_arg(s, DB_P_INT(px->id), "BIGINT");
    }
    if (pg) {
        ol_add(s, OL_ITEM_BRANCH(4) "to_tsvector('simple', i.goods_name) @@ "
                                    "phraseto_tsquery('simple', ");
        ol_arg(s, DB_P_TEXT(px->words), "TEXT");
    } else {
        ol_add(s, OL_ITEM_BRANCH(4) "i.rowid IN (SELECT rowid FROM temu_order_items_fts WHERE "
                                    "temu_order_items_fts MATCH ");
        ol_arg(s, DB_P_TEXT(px->fts), "TEXT");
    }
    ol_add(s, ")" OL_BOUND "5) u LIMIT " QUERY_STR(LIMIT_QUERY_MATCH_MAX) ") m");
}

/* The deadline's set m: at most LIMIT_QUERY_MATCH_MAX orders in the ship-by range (those nearest
 * its bound), read from the covering index temu_orders_ship. */
static void ol_ship_set(struct ol_sql *s, const struct query_orders_filter *f)
{
    ol_add(s, "(SELECT connection_id, parent_order_sn, update_time FROM temu_orders WHERE ");
    if (f->ship_before) {
        ol_add(s, "ship_by > 0 AND ship_by < ");
        ol_arg(s, DB_P_INT(f->ship_before), "BIGINT");
    }
    if (f->ship_after) {
        ol_add(s, f->ship_before ? " AND ship_by >= " : "ship_by >= ");
        ol_arg(s, DB_P_INT(f->ship_after), "BIGINT");
    }
    /* The matches nearest the bound, in the index's order (a planner guessing that any 500
     * rows come soon would otherwise scan the table). */
    ol_add(s, f->ship_before ? " ORDER BY ship_by DESC" : " ORDER BY ship_by");
    ol_add(s, " LIMIT " QUERY_STR(LIMIT_QUERY_MATCH_MAX) ") m");
}

/* What a list statement is made of. */
struct ol_plan {
    const struct query_orders_filter *f;
    const struct ol_prefix *px; /* NULL: no search */
    bool pg;
    /* The source of the sort keys: o (temu_orders), l (temu_order_labels) or m (a set). */
    char k;
};

static char ol_source(const struct query_orders_filter *f)
{
    if (f->q)
        return 'm';
    if (f->label)
        return 'l';
    return f->ship_before || f->ship_after ? 'm' : 'o';
}

/* One condition: " WHERE " first, " AND " after. */
static void ol_cond(struct ol_sql *s, bool *first, const char *text)
{
    ol_add(s, *first ? " WHERE " : " AND ");
    ol_add(s, text);
    *first = false;
}

/* The cursor's bound on the source k: (update_time, parent_order_sn[, connection_id]) < (...). */
static void ol_cursor_cond(struct ol_sql *s, bool *first, const struct ol_plan *pl)
{
    const struct query_orders_filter *f = pl->f;
    char cols[96];
    snprintf(cols, sizeof cols, "(%c.update_time, %c.parent_order_sn%s%c%s) < (", pl->k, pl->k,
             f->connection_id ? "" : ", ", f->connection_id ? ' ' : pl->k,
             f->connection_id ? "" : ".connection_id");
    ol_cond(s, first, cols);
    ol_arg(s, DB_P_INT(f->cursor_time), "BIGINT");
    ol_add(s, ", ");
    ol_arg(s, DB_P_TEXT(f->cursor_sn), "TEXT");
    if (!f->connection_id) {
        ol_add(s, ", ");
        ol_arg(s, DB_P_TEXT(f->cursor_conn), "TEXT");
    }
    ol_add(s, ")");
}

/* FROM and WHERE of the list, with the cursor's bound when cursor. temu_orders is joined to a
 * label or set source only when a filter needs its columns. */
static void ol_from_where(struct ol_sql *s, const struct ol_plan *pl, bool cursor)
{
    const struct query_orders_filter *f = pl->f;
    bool ship_inline = (f->ship_before || f->ship_after) && (f->q || f->label);
    bool first = true;
    if (pl->k == 'o')
        ol_add(s, " FROM temu_orders o");
    else if (pl->k == 'l')
        ol_add(s, " FROM temu_order_labels l");
    else
        ol_add(s, " FROM ");
    if (pl->k == 'm' && f->q)
        ol_search_set(s, pl->px, pl->pg);
    else if (pl->k == 'm')
        ol_ship_set(s, f);
    if (pl->k != 'o' && (f->status >= 0 || ship_inline)) {
        char join[160];
        snprintf(join, sizeof join,
                 " JOIN temu_orders o ON o.connection_id = %c.connection_id AND "
                 "o.parent_order_sn = %c.parent_order_sn",
                 pl->k, pl->k);
        ol_add(s, join);
    }
    if (f->label && pl->k == 'l') {
        ol_cond(s, &first, "l.label = ");
        ol_arg(s, DB_P_TEXT(f->label), "TEXT");
    } else if (f->label) { /* a search with a label: the label's row of each match */
        ol_cond(s, &first,
                "EXISTS (SELECT 1 FROM temu_order_labels l WHERE l.connection_id = "
                "m.connection_id AND l.parent_order_sn = m.parent_order_sn AND "
                "l.label = ");
        ol_arg(s, DB_P_TEXT(f->label), "TEXT");
        ol_add(s, ")");
    }
    if (f->connection_id) {
        char col[32];
        snprintf(col, sizeof col, "%c.connection_id = ", pl->k);
        ol_cond(s, &first, col);
        ol_arg(s, DB_P_TEXT(f->connection_id), "TEXT");
    }
    if (f->status >= 0) {
        ol_cond(s, &first, "o.status = ");
        ol_arg(s, DB_P_INT(f->status), "BIGINT");
    }
    if (f->ship_before && (pl->k == 'o' || ship_inline)) {
        ol_cond(s, &first, "o.ship_by > 0 AND o.ship_by < ");
        ol_arg(s, DB_P_INT(f->ship_before), "BIGINT");
    }
    if (f->ship_after && (pl->k == 'o' || ship_inline)) {
        ol_cond(s, &first, "o.ship_by >= ");
        ol_arg(s, DB_P_INT(f->ship_after), "BIGINT");
    }
    if (cursor && f->cursor_set)
        ol_cursor_cond(s, &first, pl);
}

/* Counts the filtered orders up to LIMIT_QUERY_COUNT_MAX + 1 (the cursor plays no part). */
ERR_MUST_USE static enum err ol_count(struct db_conn *c, const struct ol_plan *pl, int64_t *total,
                                      struct errbuf *eb)
{
    struct ol_sql s = {0};
    struct db_rows *r = NULL;
    char order[128];
    ol_add(&s, "SELECT COUNT(*) FROM (SELECT 1");
    ol_from_where(&s, pl, false);
    /* In the list's order, so that the count reads the list's index (PostgreSQL's generic plan
     * would otherwise guess that a table scan finds the first 1001 rows soon). */
    snprintf(order, sizeof order,
             " ORDER BY %c.update_time DESC, %c.parent_order_sn DESC, %c.connection_id DESC", pl->k,
             pl->k, pl->k);
    ol_add(&s, order);
    ol_add(&s, " LIMIT " QUERY_STR(LIMIT_QUERY_COUNT_MAX) " + 1) t");
    if (s.full)
        return err_set(eb, ERR_INTERNAL, NULL, "orders count statement too long");
    enum err e = db_query(c, s.text, s.p, s.np, &r, eb);
    if (e == ERR_OK)
        e = db_rows_int(r, 0, 0, total);
    db_rows_free(r);
    return e;
}

/* Whether the match set of a search or deadline is full (it holds LIMIT_QUERY_MATCH_MAX orders,
 * so more may match): the total is then a lower bound whatever the other filters leave. */
ERR_MUST_USE static enum err ol_set_full(struct db_conn *c, const struct ol_plan *pl, bool *full,
                                         struct errbuf *eb)
{
    struct ol_sql s = {0};
    struct db_rows *r = NULL;
    int64_t n = 0;
    ol_add(&s, "SELECT COUNT(*) FROM ");
    if (pl->f->q)
        ol_search_set(&s, pl->px, pl->pg);
    else
        ol_ship_set(&s, pl->f);
    if (s.full)
        return err_set(eb, ERR_INTERNAL, NULL, "orders set statement too long");
    enum err e = db_query(c, s.text, s.p, s.np, &r, eb);
    if (e == ERR_OK)
        e = db_rows_int(r, 0, 0, &n);
    db_rows_free(r);
    *full = n >= LIMIT_QUERY_MATCH_MAX;
    return e;
}

/* The columns of a page's row, the sub-orders counted per row. */
#define OL_PAGE_COLUMNS                                                                            \
    "SELECT o.connection_id, o.parent_order_sn, o.status, o.order_time, o.update_time, "           \
    "o.ship_by, o.labels, o.region_id, (SELECT COUNT(*) FROM temu_order_items i WHERE "            \
    "i.connection_id = o.connection_id AND i.parent_order_sn = o.parent_order_sn)"

/* One page of rows: limit + 1 (the extra row tells that there is a next page). The page's keys
 * are chosen first, on the index alone; only those rows are read and their sub-orders counted.
 * SQLite reading temu_orders itself needs no such step: it walks the sort's index and reads a
 * row only for the rows it returns (a deferred seek, OFFSET included), so there the page is one
 * plain SELECT, without the derived table's materialization and second sort (half the cost). */
ERR_MUST_USE static enum err ol_page(struct db_conn *c, const struct ol_plan *pl,
                                     struct db_rows **rows, struct errbuf *eb)
{
    const struct query_orders_filter *f = pl->f;
    struct ol_sql s = {0};
    char head[160];
    bool plain = !pl->pg && pl->k == 'o';
    if (plain) {
        ol_add(&s, OL_PAGE_COLUMNS);
    } else {
        ol_add(&s, OL_PAGE_COLUMNS " FROM (SELECT ");
        snprintf(head, sizeof head,
                 "%c.update_time AS u, %c.parent_order_sn AS s, %c.connection_id AS c", pl->k,
                 pl->k, pl->k);
        ol_add(&s, head);
    }
    ol_from_where(&s, pl, true);
    /* LIMIT and OFFSET as literals (checked integers): PostgreSQL's generic plan of a prepared
     * statement does not know a parameter's LIMIT and would sort the whole match instead of
     * reading the index in order. */
    char lim[64];
    if (!f->cursor_set && f->page > 1)
        snprintf(lim, sizeof lim, " LIMIT %lld OFFSET %lld", (long long)f->limit + 1,
                 (long long)((f->page - 1) * f->limit));
    else
        snprintf(lim, sizeof lim, " LIMIT %lld", (long long)f->limit + 1);
    ol_add(&s, plain ? " ORDER BY o.update_time DESC, o.parent_order_sn DESC, o.connection_id DESC"
                     : " ORDER BY u DESC, s DESC, c DESC");
    ol_add(&s, lim);
    if (!plain)
        ol_add(&s, ") p JOIN temu_orders o ON o.connection_id = p.c AND o.parent_order_sn = p.s "
                   "ORDER BY p.u DESC, p.s DESC, p.c DESC");
    if (s.full)
        return err_set(eb, ERR_INTERNAL, NULL, "orders list statement too long");
    return db_query(c, s.text, s.p, s.np, rows, eb);
}

/* The cursor after row i into buf: t<update_time>.<hex connection>.<hex order number>; false
 * when the row cannot make one. */
static bool ol_cursor_text(const struct db_rows *r, size_t i, char buf[QUERY_CURSOR_BYTES + 1])
{
    const char *conn = db_rows_get(r, i, 0), *sn = db_rows_get(r, i, 1);
    if (conn == NULL || sn == NULL || strlen(conn) > CONNECT_ID_LEN ||
        strlen(sn) > LIMIT_QUERY_SEARCH_BYTES)
        return false;
    int n = snprintf(buf, QUERY_CURSOR_BYTES + 1, "t%lld.", (long long)db_rows_int_or(r, i, 4, 0));
    size_t k = (size_t)n;
    static const char hexd[] = "0123456789abcdef";
    for (const char *p = conn; *p; p++) {
        buf[k++] = hexd[(unsigned char)*p >> 4];
        buf[k++] = hexd[(unsigned char)*p & 15];
    }
    buf[k++] = '.';
    for (const char *p = sn; *p; p++) {
        buf[k++] = hexd[(unsigned char)*p >> 4];
        buf[k++] = hexd[(unsigned char)*p & 15];
    }
    buf[k] = '\0';
    return true;
}

/* What one list request read: the page's rows (at most limit + 1), the total (capped) and
 * whether it is exact. */
struct ol_result {
    struct db_rows *rows;
    int64_t total;
    bool exact;
};

/* The answer's paging fields; 0 (or false) where the answer has null. */
struct ol_paging {
    size_t shown;      /* orders in the answer */
    int64_t page;      /* this page's number; 0 when reached by cursor */
    int64_t pages;     /* -1: unknown (the total is a lower bound) */
    int64_t next_page; /* 0: none, or too far for a page number */
    bool cursor;       /* next_cursor after the last order shown */
    char next[QUERY_CURSOR_BYTES + 1];
};

static void ol_paging_of(const struct query_orders_filter *f, const struct ol_result *res,
                         struct ol_paging *pg)
{
    size_t n = db_rows_count(res->rows);
    bool more = n > (size_t)f->limit;
    pg->shown = more ? (size_t)f->limit : n;
    pg->page = f->cursor_set ? 0 : f->page;
    bool next_cheap = pg->page > 0 && pg->page < LIMIT_QUERY_PAGE_MAX &&
                      pg->page * f->limit < LIMIT_QUERY_OFFSET_MAX;
    pg->pages = res->exact ? (res->total + f->limit - 1) / f->limit : -1;
    pg->next_page = more && next_cheap ? pg->page + 1 : 0;
    pg->cursor = more && pg->shown > 0 && ol_cursor_text(res->rows, pg->shown - 1, pg->next);
}

/* The answer as a jansson object: {orders, total, total_exact, page, limit, pages, next_page,
 * next_cursor}. */
static json_t *ol_answer(const struct query_orders_filter *f, const struct ol_result *res)
{
    struct ol_paging pg;
    ol_paging_of(f, res, &pg);
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < pg.shown; i++) {
        if (json_array_append_new(list, query_order_json(res->rows, i)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    if (list == NULL)
        return NULL;
    return json_pack("{s:o, s:I, s:b, s:o, s:I, s:o, s:o, s:o}", "orders", list, "total",
                     (json_int_t)res->total, "total_exact", res->exact, "page",
                     pg.page > 0 ? json_integer(pg.page) : json_null(), "limit",
                     (json_int_t)f->limit, "pages",
                     pg.pages >= 0 ? json_integer(pg.pages) : json_null(), "next_page",
                     pg.next_page > 0 ? json_integer(pg.next_page) : json_null(), "next_cursor",
                     pg.cursor ? json_string(pg.next) : json_null());
}

/* An optional integer: null when absent. */
static void ol_write_opt(struct jsonw *w, const char *key, bool present, int64_t v)
{
    jsonw_key(w, key);
    if (present)
        jsonw_int(w, v);
    else
        jsonw_null(w);
}

/* The same answer written into w. */
static void ol_answer_write(const struct query_orders_filter *f, const struct ol_result *res,
                            struct jsonw *w)
{
    struct ol_paging pg;
    ol_paging_of(f, res, &pg);
    jsonw_obj_begin(w);
    jsonw_key(w, "orders");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < pg.shown; i++)
        query_order_write(w, res->rows, i);
    jsonw_arr_end(w);
    jsonw_key(w, "total");
    jsonw_int(w, res->total);
    jsonw_key(w, "total_exact");
    jsonw_bool(w, res->exact);
    ol_write_opt(w, "page", pg.page > 0, pg.page);
    jsonw_key(w, "limit");
    jsonw_int(w, f->limit);
    ol_write_opt(w, "pages", pg.pages >= 0, pg.pages);
    ol_write_opt(w, "next_page", pg.next_page > 0, pg.next_page);
    jsonw_key(w, "next_cursor");
    jsonw_str(w, pg.cursor ? pg.next : NULL);
    jsonw_obj_end(w);
}

/* PostgreSQL: a search's statements are prepared once (store/stmt_cache.c) but planned anew
 * for their parameters each time by default, which costs ten times more than running them
 * (4 ms for the union of its branches). Their plans do not depend on the values (each branch
 * has its index, the set is bounded), so within this read-only transaction the generic plan of
 * each prepared statement is used. Not for the other shapes: a generic plan does not know the
 * LIMIT and would sort the whole table instead of reading the index in order. */
ERR_MUST_USE static enum err ol_generic_plans(struct db_conn *c, struct errbuf *eb)
{
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = db_exec(c, "SET LOCAL plan_cache_mode = force_generic_plan", NULL, 0, NULL, eb);
    if (e != ERR_OK)
        db_rollback(c);
    return e;
}

/* Runs the list's statements: the count, the match set's fill, the page. */
ERR_MUST_USE static enum err ol_fetch(struct db *db, const struct query_orders_filter *f,
                                      struct ol_result *res, struct errbuf *eb)
{
    struct ol_prefix px = {0};
    int64_t counted = 0;
    memset(res, 0, sizeof *res);
    if (f->page < 1 || f->page > LIMIT_QUERY_PAGE_MAX || f->limit < 1 ||
        f->limit > LIMIT_QUERY_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "bad_page", "page or limit out of range.");
    if (f->q)
        ol_prefix_make(f->q, &px);
    const struct ol_plan pl = {
        .f = f, .px = f->q ? &px : NULL, .pg = db_kind(db) == DB_KIND_POSTGRES, .k = ol_source(f)};
    struct db_conn *c = db_acquire(db);
    bool generic = pl.pg && f->q != NULL;
    enum err e = generic ? ol_generic_plans(c, eb) : ERR_OK;
    e = e ? e : ol_count(c, &pl, &counted, eb);
    int64_t skip = f->cursor_set ? 0 : (f->page - 1) * f->limit;
    /* Counted past the cap, or a match set that filled up: total is then a lower bound. */
    bool full = false;
    if (e == ERR_OK && pl.k == 'm')
        e = ol_set_full(c, &pl, &full, eb);
    res->exact = counted <= LIMIT_QUERY_COUNT_MAX && !full;
    res->total = counted < LIMIT_QUERY_COUNT_MAX ? counted : LIMIT_QUERY_COUNT_MAX;
    if (e == ERR_OK && skip >= LIMIT_QUERY_OFFSET_MAX && !res->exact)
        e = err_set(eb, ERR_INVAL, "bad_page",
                    "Page numbers reach the first %d orders of a list this long; follow "
                    "next_cursor for the pages after them.",
                    LIMIT_QUERY_OFFSET_MAX);
    if (e == ERR_OK && skip < counted)
        e = ol_page(c, &pl, &res->rows, eb);
    if (generic)
        db_rollback(c); /* read-only: ends the transaction and its SET LOCAL */
    db_release(c);
    return e;
}

enum err query_orders_list(struct db *db, const struct query_orders_filter *f, json_t **out,
                           struct errbuf *eb)
{
    struct ol_result res;
    *out = NULL;
    enum err e = ol_fetch(db, f, &res, eb);
    if (e == ERR_OK && (*out = ol_answer(f, &res)) == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    db_rows_free(res.rows);
    return e;
}

enum err query_orders_list_write(struct db *db, const struct query_orders_filter *f,
                                 struct jsonw *w, struct errbuf *eb)
{
    struct ol_result res;
    enum err e = ol_fetch(db, f, &res, eb);
    if (e == ERR_OK) {
        ol_answer_write(f, &res, w);
        e = jsonw_finish(w);
        if (e == ERR_PARSE) /* stored text that is not UTF-8: ours to fix, not the caller's */
            e = err_set(eb, ERR_INTERNAL, NULL, "an order's stored text is not UTF-8");
        else if (e != ERR_OK)
            e = err_set(eb, e, NULL, "the orders list could not be written");
    }
    db_rows_free(res.rows);
    return e;
}

/* One hex-encoded field of a cursor into out (at most max bytes); false when malformed. */
static bool ol_unhex(const char *s, size_t n, char *out, size_t max)
{
    if (n == 0 || n % 2 != 0 || n / 2 > max)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int v = 0;
        for (size_t j = i; j < i + 2; j++) {
            char ch = s[j];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        if (v < 0x20 || v == 0x7f)
            return false;
        out[i / 2] = (char)v;
    }
    out[n / 2] = '\0';
    return true;
}

enum err query_orders_cursor_parse(const char *cursor, struct query_orders_filter *f,
                                   struct errbuf *eb)
{
    const char *a = strchr(cursor, '.'), *b = a ? strchr(a + 1, '.') : NULL;
    char num[24];
    if (strlen(cursor) > QUERY_CURSOR_BYTES || cursor[0] != 't' || a == NULL || b == NULL ||
        (size_t)(a - cursor - 1) >= sizeof num)
        goto bad;
    memcpy(num, cursor + 1, (size_t)(a - cursor - 1));
    num[a - cursor - 1] = '\0';
    if (parse_int64(num, 0, INT64_MAX, &f->cursor_time) != ERR_OK ||
        !ol_unhex(a + 1, (size_t)(b - a - 1), f->cursor_conn, CONNECT_ID_LEN) ||
        !ol_unhex(b + 1, strlen(b + 1), f->cursor_sn, LIMIT_QUERY_SEARCH_BYTES))
        goto bad;
    f->cursor_set = true;
    return ERR_OK;
bad:
    return err_set(eb, ERR_INVAL, "bad_cursor",
                   "cursor must be a next_cursor value from a previous page of this list.");
}

/*
 * Read-only settlement queries (query.h).
 */
#include "settlement/query.h"

#include <string.h>

#include "settlement/import.h"
#include "settlement/reconcile.h"

/* Rows of r as objects: names[i] is column i, kinds[i] 'i' integer, 's' text, 'j' JSON. */
static json_t *settle_rows_json(const struct db_rows *r, const char *const *names,
                                const char *kinds)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < db_rows_count(r); i++) {
        json_t *o = json_object();
        for (size_t c = 0; o != NULL && names[c] != NULL; c++) {
            json_t *v;
            if (db_rows_is_null(r, i, c))
                v = json_null();
            else if (kinds[c] == 'i')
                v = json_integer(db_rows_int_or(r, i, c, 0));
            else if (kinds[c] == 'j')
                v = json_loads(db_rows_get(r, i, c), 0, NULL);
            else
                v = json_string(db_rows_get(r, i, c));
            json_object_set_new(o, names[c], v ? v : json_null());
        }
        json_array_append_new(a, o);
    }
    return a;
}

ERR_MUST_USE static enum err settle_select(struct db *db, const char *sql, const struct db_param *p,
                                           size_t n, const char *key, const char *const *names,
                                           const char *kinds, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_pool_query(db, sql, p, n, &r, eb);
    json_t *a = e == ERR_OK ? settle_rows_json(r, names, kinds) : NULL;
    db_rows_free(r);
    if (e == ERR_OK && a == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK)
        *out = json_pack("{s:o}", key, a);
    return e == ERR_OK && *out == NULL ? err_set(eb, ERR_NOMEM, NULL, "out of memory") : e;
}

static int64_t settle_limit(int64_t n)
{
    return n <= 0 ? SETTLE_QUERY_DEFAULT : n > SETTLE_QUERY_MAX ? SETTLE_QUERY_MAX : n;
}

enum err settle_query_imports(struct db *db, int64_t limit, json_t **out, struct errbuf *eb)
{
    static const char *const names[] = {"file_sha256", "file_name",   "profile", "source",
                                        "kind",        "lines",       "skipped", "totals",
                                        "imported_at", "imported_by", NULL};
    struct db_param p[] = {DB_P_INT(settle_limit(limit))};
    return settle_select(db,
                         "SELECT file_sha256, file_name, profile, source, kind, lines, skipped, "
                         "totals, imported_at, imported_by FROM settlement_imports ORDER BY "
                         "imported_at DESC, file_sha256 LIMIT $1",
                         p, 1, "imports", names, "sssssiijis", out, eb);
}

static const char *const settle_line_names[] = {
    "file_sha256", "sheet",     "row",       "source",   "line_id", "posted_at", "type_raw",
    "type",        "order_ref", "net_minor", "currency", "status",  "reference", NULL};

enum err settle_query_lines(struct db *db, const struct settle_lines_filter *f, json_t **out,
                            struct errbuf *eb)
{
    const char *order = f->order ? f->order : "";
    const char *bare = strncmp(order, "PO-", 3) == 0 ? order + 3 : order;
    struct db_param p[] = {f->file ? DB_P_TEXT(f->file) : DB_P_NULL,
                           f->order ? DB_P_TEXT(order) : DB_P_NULL,
                           DB_P_TEXT(bare),
                           f->type ? DB_P_TEXT(f->type) : DB_P_NULL,
                           DB_P_INT(settle_limit(f->limit)),
                           DB_P_INT(f->offset > 0 ? f->offset : 0)};
    return settle_select(
        db,
        "SELECT i.file_sha256, l.sheet, l.row_number, i.source, " SETTLE_LINE_ID_SQL
        ", l.posted_at, "
        "l.type_raw, l.type, l.order_ref, l.net_minor, l.currency, l.status, l.reference FROM "
        "settlement_lines l JOIN settlement_imports i ON i.file_no = l.id / " SETTLE_FILE_KEY_SQL
        " WHERE (CAST($1 AS TEXT) IS NULL OR i.file_sha256 = $1) AND (CAST($2 AS TEXT) IS NULL OR "
        "l.order_ref IN ($2, $3, 'PO-' || $3)) AND (CAST($4 AS TEXT) IS NULL OR l.type = $4) "
        "ORDER BY l.id LIMIT $5 OFFSET $6",
        p, 6, "lines", settle_line_names, "ssississsisss", out, eb);
}

enum err settle_query_amount_streams(struct db *db, json_t **out, struct errbuf *eb)
{
    static const char *const names[] = {"connection_id", "last_run_at", "last_ok_at",
                                        "asked",         "stored",      "moved",
                                        "failed",        "last_error",  NULL};
    struct db_param p[] = {DB_P_INT(SETTLE_QUERY_MAX)};
    return settle_select(db,
                         "SELECT connection_id, last_run_at, last_ok_at, asked, stored, moved, "
                         "failed, last_error FROM settlement_amount_state ORDER BY connection_id "
                         "LIMIT $1",
                         p, 1, "streams", names, "siiiiiis", out, eb);
}

enum err settle_query_results(struct db *db, int layer, const char *status, int64_t limit,
                              json_t **out, struct errbuf *eb)
{
    static const char *const names[] = {"layer",  "ref",          "seq",      "status",    "rule",
                                        "reason", "amount_minor", "currency", "other_ref", NULL};
    struct db_param p[] = {DB_P_INT(layer), status ? DB_P_TEXT(status) : DB_P_NULL,
                           DB_P_INT(settle_limit(limit))};
    return settle_select(
        db,
        "SELECT layer, ref, seq, status, rule, reason, amount_minor, currency, "
        "other_ref FROM settlement_results WHERE ($1 = 0 OR layer = $1) AND (CAST($2 AS TEXT) "
        "IS NULL OR status = $2 OR (status = 'reason' AND ref IN (SELECT ref "
        "FROM settlement_results WHERE status = $2))) ORDER BY layer, ref, seq "
        "LIMIT $3",
        p, 3, "results", names, "isissssis", out, eb);
}

/* expected: the order_amounts row with its expected settlement date, or null. */
static json_t *settle_expected_json(const struct db_rows *r)
{
    if (db_rows_count(r) == 0)
        return json_null();
    struct settle_order_times t = {db_rows_int_or(r, 0, 2, 0), db_rows_int_or(r, 0, 3, 0),
                                   db_rows_int_or(r, 0, 4, 0) != 0};
    return json_pack("{s:I, s:s, s:I, s:I, s:b, s:I}", "amount_minor",
                     (json_int_t)db_rows_int_or(r, 0, 0, 0), "currency", db_rows_get(r, 0, 1),
                     "pickup_at", (json_int_t)t.pickup_at, "delivered_at",
                     (json_int_t)t.delivered_at, "after_sales_open", t.after_sales_open,
                     "expected_settlement_at", (json_int_t)settle_expected_date(&t));
}

enum err settle_query_order(struct db *db, const char *sn, json_t **out, struct errbuf *eb)
{
    static const char *const hist[] = {"amount_minor", "currency", "seen_at", NULL};
    static const char *const res[] = {"status", "rule", "reason", "amount_minor", "currency", NULL};
    const char *bare = strncmp(sn, "PO-", 3) == 0 ? sn + 3 : sn;
    struct db_param p[] = {DB_P_TEXT(sn), DB_P_TEXT(bare)};
    struct db_conn *c = db_acquire(db);
    struct db_rows *a = NULL, *b = NULL, *d = NULL;
    enum err e = db_query(c,
                          "SELECT amount_minor, currency, pickup_at, delivered_at, "
                          "after_sales_open FROM settlement_expected WHERE order_sn IN ($1, $2, "
                          "'PO-' || $2) LIMIT 1",
                          p, 2, &a, eb);
    e = e ? e
          : db_query(c,
                     "SELECT amount_minor, currency, seen_at FROM settlement_expected_history "
                     "WHERE order_sn IN ($1, $2, 'PO-' || $2) ORDER BY seen_at",
                     p, 2, &b, eb);
    e = e ? e
          : db_query(c,
                     "SELECT status, rule, reason, amount_minor, currency FROM "
                     "settlement_results WHERE layer = 1 AND ref IN ($1, $2, 'PO-' || $2) ORDER "
                     "BY seq",
                     p, 2, &d, eb);
    db_release(c);
    json_t *lines = NULL;
    struct settle_lines_filter f = {.order = sn, .limit = SETTLE_QUERY_MAX};
    e = e ? e : settle_query_lines(db, &f, &lines, eb);
    if (e == ERR_OK) {
        int64_t settled = 0;
        size_t i;
        json_t *l;
        json_array_foreach(json_object_get(lines, "lines"), i, l) settled +=
            (int64_t)json_integer_value(json_object_get(l, "net_minor"));
        *out = json_pack(
            "{s:s, s:o, s:o, s:I, s:O, s:o}", "order_sn", sn, "expected", settle_expected_json(a),
            "history", settle_rows_json(b, hist, "isi"), "settled_minor", (json_int_t)settled,
            "lines", json_object_get(lines, "lines"), "results", settle_rows_json(d, res, "sssis"));
        if (*out == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    json_decref(lines);
    db_rows_free(a);
    db_rows_free(b);
    db_rows_free(d);
    return e;
}

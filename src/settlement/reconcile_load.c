/*
 * What the reconciliation reads (expected orders, lines, order times) and writes (results,
 * report); reconcile_private.h.
 */
#include <stdlib.h>
#include <string.h>

#include "settlement/import.h"
#include "settlement/line.h"
#include "settlement/reconcile_private.h"
#include "sync/sync.h"
#include "tracking/tracking.h"

#define REC_PAGE 50000 /* rows per query (under LIMIT_DB_ROWS) */

const char *rec_key(const char *ref)
{
    return strncmp(ref, "PO-", 3) == 0 ? ref + 3 : ref;
}

static int rec_order_cmp(const void *a, const void *b)
{
    return strcmp(((const struct rec_order *)a)->key, ((const struct rec_order *)b)->key);
}

int64_t settle_expected_date(const struct settle_order_times *t)
{
    if (t->after_sales_open)
        return 0;
    if (t->delivered_at > 0)
        return t->delivered_at + 86400;
    if (t->pickup_at > 0)
        return t->pickup_at + 45 * 86400;
    return 0;
}

/* The synced Temu order's parentShippingTime (seconds, or milliseconds above 10^11). */
ERR_MUST_USE static enum err rec_temu_pickup(struct db_conn *c, const char *sn, int64_t *out,
                                             struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(sn)};
    enum err e = db_query(c, "SELECT data FROM temu_orders WHERE parent_order_sn = $1 LIMIT 1", p,
                          1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        json_t *j = sync_order_doc_load(db_rows_get(r, 0, 0));
        json_t *v = json_object_get(json_object_get(j, "parentOrderMap"), "parentShippingTime");
        int64_t t = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
        *out = t > INT64_C(100000000000) ? t / 1000 : t;
        json_decref(j);
    }
    db_rows_free(r);
    return e;
}

enum err settle_order_times_get(struct db_conn *c, const char *sn, struct settle_order_times *t,
                                struct errbuf *eb)
{
    memset(t, 0, sizeof *t);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(sn), DB_P_TEXT(rec_key(sn))};
    enum err e = db_query(c,
                          "SELECT pickup_at, delivered_at, after_sales_open FROM "
                          "settlement_expected WHERE order_sn = $1",
                          p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        t->pickup_at = db_rows_int_or(r, 0, 0, 0);
        t->delivered_at = db_rows_int_or(r, 0, 1, 0);
        t->after_sales_open = db_rows_int_or(r, 0, 2, 0) != 0;
    }
    db_rows_free(r);
    r = NULL;
    /* The carrier's scans of the order's parcels win over the file and the Temu order. */
    int64_t pickup = 0, delivered = 0;
    e = e ? e : tracking_order_times(c, sn, &pickup, &delivered, eb);
    if (e == ERR_OK && delivered > 0)
        t->delivered_at = delivered;
    if (e == ERR_OK && pickup > 0)
        t->pickup_at = pickup;
    if (e == ERR_OK && t->pickup_at == 0 && t->delivered_at == 0)
        e = rec_temu_pickup(c, sn, &t->pickup_at, eb);
    if (e == ERR_OK && !t->after_sales_open) {
        e = db_query(c,
                     "SELECT COUNT(*) FROM temu_aftersales WHERE parent_order_sn IN ($1, $2) AND "
                     "status IN (1, 8, 10)",
                     p, 2, &r, eb);
        t->after_sales_open = e == ERR_OK && db_rows_int_or(r, 0, 0, 0) > 0;
        db_rows_free(r);
    }
    return e;
}

static int rec_key_cmp(const void *key, const void *o)
{
    return strcmp(key, ((const struct rec_order *)o)->key);
}

/* Orders with an open Temu after-sales case (applied, return waybill review, return applied)
 * are held, whatever the order amounts file says. */
ERR_MUST_USE static enum err rec_load_holds(struct db_conn *c, struct rec_data *d,
                                            struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT DISTINCT parent_order_sn FROM temu_aftersales WHERE status IN "
                          "(1, 8, 10)",
                          NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        struct rec_order *o = bsearch(rec_key(db_rows_get(r, i, 0)), d->orders, d->norders,
                                      sizeof *d->orders, rec_key_cmp);
        if (o != NULL)
            o->t.after_sales_open = true;
    }
    db_rows_free(r);
    return e;
}

/*
 * The times of every order not held by its file, as settle_order_times_get() gives them, in
 * bulk: the tracking domain is asked only for orders it has parcels of (one query finds
 * them), the synced Temu order only for orders without any time; the after-sales holds follow
 * in rec_load_holds().
 */
ERR_MUST_USE static enum err rec_load_times(struct db_conn *c, struct rec_data *d,
                                            struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e =
        db_query(c, "SELECT DISTINCT parent_order_sn FROM tracking_shipments", NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        struct rec_order *o = bsearch(rec_key(db_rows_get(r, i, 0)), d->orders, d->norders,
                                      sizeof *d->orders, rec_key_cmp);
        if (o != NULL)
            o->tracked = true;
    }
    db_rows_free(r);
    for (size_t i = 0; e == ERR_OK && i < d->norders; i++) {
        struct rec_order *o = &d->orders[i];
        if (o->t.after_sales_open)
            continue;
        int64_t pickup = 0, delivered = 0;
        if (o->tracked)
            e = tracking_order_times(c, o->sn, &pickup, &delivered, eb);
        if (e == ERR_OK && delivered > 0)
            o->t.delivered_at = delivered;
        if (e == ERR_OK && pickup > 0)
            o->t.pickup_at = pickup;
        if (e == ERR_OK && o->t.pickup_at == 0 && o->t.delivered_at == 0)
            e = rec_temu_pickup(c, o->sn, &o->t.pickup_at, eb);
    }
    return e;
}

ERR_MUST_USE static enum err rec_load_orders(struct db_conn *c, struct rec_data *d,
                                             struct errbuf *eb)
{
    for (int64_t off = 0;; off += REC_PAGE) {
        struct db_rows *r = NULL;
        struct db_param p[] = {DB_P_INT(REC_PAGE), DB_P_INT(off)};
        enum err e = db_query(c,
                              "SELECT order_sn, amount_minor, currency, pickup_at, delivered_at, "
                              "after_sales_open FROM settlement_expected ORDER BY order_sn "
                              "LIMIT $1 OFFSET $2",
                              p, 2, &r, eb);
        size_t n = e == ERR_OK ? db_rows_count(r) : 0;
        struct rec_order *grown =
            n ? realloc(d->orders, (d->norders + n) * sizeof *d->orders) : d->orders;
        if (e == ERR_OK && n && grown == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        if (grown != NULL)
            d->orders = grown;
        for (size_t i = 0; e == ERR_OK && i < n; i++) {
            struct rec_order *o = &d->orders[d->norders];
            memset(o, 0, sizeof *o);
            o->sn = strdup(db_rows_get(r, i, 0));
            if (o->sn == NULL) {
                e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
                break;
            }
            o->key = (char *)rec_key(o->sn);
            o->amount = db_rows_int_or(r, i, 1, 0);
            settle_copy(o->currency, sizeof o->currency, db_rows_get(r, i, 2));
            o->t.pickup_at = db_rows_int_or(r, i, 3, 0);
            o->t.delivered_at = db_rows_int_or(r, i, 4, 0);
            o->t.after_sales_open = db_rows_int_or(r, i, 5, 0) != 0;
            d->norders++;
        }
        db_rows_free(r);
        if (e != ERR_OK)
            return e;
        if (n < REC_PAGE)
            break;
    }
    if (d->norders > 1)
        qsort(d->orders, d->norders, sizeof *d->orders, rec_order_cmp);
    enum err e = rec_load_times(c, d, eb);
    return e ? e : rec_load_holds(c, d, eb);
}

ERR_MUST_USE static enum err rec_line_fill(struct rec_line *l, const struct db_rows *r, size_t i)
{
    memset(l, 0, sizeof *l);
    l->id = strdup(db_rows_get(r, i, 0));
    l->order_ref = strdup(db_rows_get(r, i, 1));
    l->type = strdup(db_rows_get(r, i, 2));
    l->status = strdup(db_rows_get(r, i, 6));
    l->source = strdup(db_rows_get(r, i, 7));
    l->file = strdup(db_rows_get(r, i, 9));
    l->sheet = strdup(db_rows_get(r, i, 10));
    if (!l->id || !l->order_ref || !l->type || !l->status || !l->source || !l->file || !l->sheet)
        return ERR_NOMEM;
    l->key = (char *)rec_key(l->order_ref);
    l->net = db_rows_int_or(r, i, 3, 0);
    settle_copy(l->currency, sizeof l->currency, db_rows_get(r, i, 4));
    l->posted_at = db_rows_int_or(r, i, 5, 0);
    l->has_balance = !db_rows_is_null(r, i, 8);
    l->balance = db_rows_int_or(r, i, 8, 0);
    l->row = db_rows_int_or(r, i, 11, 0);
    return ERR_OK;
}

/* The statement lines in provenance order, then the payout provider's SETTLED settlements
 * (src/settlement/payout.h, the Airwallex API import) as credits for layer 4. */
static const char *const rec_line_queries[] = {
    "SELECT " SETTLE_LINE_ID_SQL
    ", l.order_ref, l.type, l.net_minor, l.currency, l.posted_at, l.status, "
    "i.source, l.balance_after_minor, i.file_sha256, l.sheet, l.row_number FROM settlement_lines "
    "l JOIN settlement_imports i ON i.file_no = l.id / " SETTLE_FILE_KEY_SQL " ORDER BY l.id "
    "LIMIT $1 OFFSET $2",
    "SELECT 'payout:' || provider || ':' || provider_id, '', 'credit', amount_minor, currency, "
    "settled_at, status, provider, NULL, 'payout:' || provider, feed, 0 FROM payout_credits "
    "WHERE feed = 'settlements' AND status = 'SETTLED' ORDER BY settled_at, provider_id LIMIT $1 "
    "OFFSET $2",
};

ERR_MUST_USE static enum err rec_load_lines(struct db_conn *c, struct rec_data *d, const char *sql,
                                            struct errbuf *eb)
{
    for (int64_t off = 0;; off += REC_PAGE) {
        struct db_rows *r = NULL;
        struct db_param p[] = {DB_P_INT(REC_PAGE), DB_P_INT(off)};
        enum err e = db_query(c, sql, p, 2, &r, eb);
        size_t n = e == ERR_OK ? db_rows_count(r) : 0;
        struct rec_line *grown =
            n ? realloc(d->lines, (d->nlines + n) * sizeof *d->lines) : d->lines;
        if (e == ERR_OK && n && grown == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        if (grown != NULL)
            d->lines = grown;
        for (size_t i = 0; e == ERR_OK && i < n; i++) {
            if (rec_line_fill(&d->lines[d->nlines++], r, i) != ERR_OK)
                e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        }
        db_rows_free(r);
        if (e != ERR_OK)
            return e;
        if (n < REC_PAGE)
            break;
    }
    return ERR_OK;
}

enum err rec_load(struct db_conn *c, struct rec_data *d, struct errbuf *eb)
{
    memset(d, 0, sizeof *d);
    enum err e = rec_load_orders(c, d, eb);
    for (size_t i = 0; e == ERR_OK && i < sizeof rec_line_queries / sizeof rec_line_queries[0]; i++)
        e = rec_load_lines(c, d, rec_line_queries[i], eb);
    return e;
}

void rec_data_free(struct rec_data *d)
{
    for (size_t i = 0; i < d->norders; i++)
        free(d->orders[i].sn);
    for (size_t i = 0; i < d->nlines; i++) {
        struct rec_line *l = &d->lines[i];
        free(l->id);
        free(l->order_ref);
        free(l->type);
        free(l->status);
        free(l->source);
        free(l->file);
        free(l->sheet);
    }
    free(d->orders);
    free(d->lines);
    memset(d, 0, sizeof *d);
}

enum err rec_store_begin(struct db_conn *c, struct errbuf *eb)
{
    return db_exec(c, "DELETE FROM settlement_results", NULL, 0, NULL, eb);
}

enum err rec_store(struct db_conn *c, const struct rec_result *r, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(r->layer),
                           DB_P_TEXT(r->ref),
                           DB_P_INT(r->seq),
                           DB_P_TEXT(r->status),
                           DB_P_TEXT(r->rule),
                           DB_P_TEXT(r->reason ? r->reason : ""),
                           DB_P_INT(r->amount),
                           DB_P_TEXT(r->currency ? r->currency : ""),
                           DB_P_TEXT(r->other ? r->other : "")};
    return db_exec(c,
                   "INSERT INTO settlement_results (layer, ref, seq, status, rule, reason, "
                   "amount_minor, currency, other_ref) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                   p, 9, NULL, eb);
}

enum err rec_store_report(struct db_conn *c, int64_t now, const json_t *report, struct errbuf *eb)
{
    char *text = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param p[] = {DB_P_INT(now), DB_P_TEXT(text)};
    enum err e = db_exec(c,
                         "INSERT INTO settlement_runs (id, ran_at, report) VALUES (1, $1, $2) ON "
                         "CONFLICT (id) DO UPDATE SET ran_at = excluded.ran_at, report = "
                         "excluded.report",
                         p, 2, NULL, eb);
    free(text);
    return e;
}

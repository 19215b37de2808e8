/*
 * The four reconciliation layers (reconcile.h) over what reconcile_load.c reads.
 */
#include "settlement/reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/line.h"
#include "settlement/reconcile_private.h"

struct rec_ctx {
    struct rec_data d;
    struct settle_report *rep;
    struct db_conn *c;
    int64_t now;
    struct rec_line **order_lines; /* lines with an order number, sorted for grouping */
    size_t nol;
};

static void rec_reason(struct settle_report *rep, const char *code, const char *currency,
                       int64_t amount)
{
    for (size_t i = 0; i < rep->nreasons; i++) {
        struct settle_reason *r = &rep->reasons[i];
        if (strcmp(r->code, code) == 0 && strcmp(r->currency, currency) == 0) {
            r->count++;
            r->amount_minor += amount;
            return;
        }
    }
    if (rep->nreasons < SETTLE_REASONS_MAX) {
        struct settle_reason *r = &rep->reasons[rep->nreasons++];
        settle_copy(r->code, sizeof r->code, code);
        settle_copy(r->currency, sizeof r->currency, currency);
        r->count = 1;
        r->amount_minor = amount;
    }
}

static bool rec_is_order_line(const struct rec_line *l)
{
    return strcmp(l->type, "withdrawal") != 0 && strcmp(l->type, "credit") != 0 &&
           strcmp(l->type, "debit") != 0;
}

/* Key order, then the fields that make two lines the same booking, then provenance. */
static int rec_line_cmp(const void *a, const void *b)
{
    const struct rec_line *x = *(struct rec_line *const *)a, *y = *(struct rec_line *const *)b;
    int c = strcmp(x->key, y->key);
    c = c ? c : strcmp(x->type, y->type);
    c = c ? c : strcmp(x->currency, y->currency);
    c = c ? c : (x->net > y->net) - (x->net < y->net);
    c = c ? c : (x->posted_at > y->posted_at) - (x->posted_at < y->posted_at);
    return c ? c : (x < y ? -1 : x > y);
}

static bool rec_same_booking(const struct rec_line *x, const struct rec_line *y)
{
    return strcmp(x->key, y->key) == 0 && strcmp(x->type, y->type) == 0 &&
           strcmp(x->currency, y->currency) == 0 && x->net == y->net &&
           x->posted_at == y->posted_at;
}

static int rec_order_key_cmp(const void *key, const void *o)
{
    return strcmp(key, ((const struct rec_order *)o)->key);
}

static struct rec_order *rec_find(struct rec_ctx *x, const char *key)
{
    return bsearch(key, x->d.orders, x->d.norders, sizeof *x->d.orders, rec_order_key_cmp);
}

/* Duplicates (the same booking in another row or file) are marked and counted. */
static void rec_duplicates(struct rec_ctx *x)
{
    for (size_t i = 1; i < x->nol; i++) {
        struct rec_line *a = x->order_lines[i - 1], *b = x->order_lines[i];
        if (rec_same_booking(a, b) && a->key[0] != '\0') {
            b->duplicate = true;
            x->rep->lines_duplicate++;
            rec_reason(x->rep, "duplicate", b->currency, b->net);
        }
    }
}

/* The reasons of a partial order's lines; the residue sale − expected is rounding or
 * unexplained. */
ERR_MUST_USE static enum err rec_partial(struct rec_ctx *x, struct rec_order *o,
                                         struct rec_line **g, size_t n, int64_t *seq,
                                         struct errbuf *eb)
{
    int64_t sale = 0, refunds = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i]->duplicate)
            continue;
        if (strcmp(g[i]->type, "sale") == 0)
            sale += g[i]->net;
        else if (strcmp(g[i]->type, "refund") == 0)
            refunds += g[i]->net;
    }
    enum err e = ERR_OK;
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        if (g[i]->duplicate || strcmp(g[i]->type, "sale") == 0)
            continue;
        const char *code = settle_reason_of_type(g[i]->type);
        if (strcmp(g[i]->type, "refund") == 0 && sale != 0 && refunds == -sale)
            code = "refund_full";
        if (strcmp(g[i]->currency, o->currency) != 0)
            code = "fx";
        rec_reason(x->rep, code, g[i]->currency, g[i]->net);
        struct rec_result r = {1,        o->sn,  "reason", "line_type", code, g[i]->currency,
                               g[i]->id, ++*seq, g[i]->net};
        e = rec_store(x->c, &r, eb);
    }
    int64_t residue = sale - o->amount;
    if (e == ERR_OK && residue != 0) {
        const char *code = residue >= -SETTLE_TOLERANCE_MINOR && residue <= SETTLE_TOLERANCE_MINOR
                               ? "rounding"
                               : "unexplained";
        rec_reason(x->rep, code, o->currency, residue);
        struct rec_result r = {1,  o->sn,  "reason", "sale_minus_expected", code, o->currency,
                               "", ++*seq, residue};
        e = rec_store(x->c, &r, eb);
    }
    return e;
}

/* One order's group of lines (n may be 0): matched, partial, missing or not yet due. */
ERR_MUST_USE static enum err rec_order(struct rec_ctx *x, struct rec_order *o, struct rec_line **g,
                                       size_t n, struct errbuf *eb)
{
    int64_t sum = 0, seq = 0;
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        if (!g[i]->duplicate && strcmp(g[i]->currency, o->currency) == 0)
            sum += g[i]->net;
        live += !g[i]->duplicate;
    }
    o->seen = true;
    o->settled = sum;
    struct rec_result r = {1, o->sn, "", "", "", o->currency, "", 0, sum - o->amount};
    if (live == 0) {
        int64_t due = settle_expected_date(&o->t);
        const char *code = o->t.after_sales_open ? "hold_after_sales" : "timing";
        if (due > 0 && x->now >= due) {
            x->rep->missing++;
            r.status = "missing", r.rule = "past_expected_settlement_date";
        } else {
            x->rep->pending++;
            rec_reason(x->rep, code, o->currency, o->amount);
            r.status = "pending", r.rule = code;
        }
        return rec_store(x->c, &r, eb);
    }
    int64_t delta = sum - o->amount;
    if (delta >= -SETTLE_TOLERANCE_MINOR && delta <= SETTLE_TOLERANCE_MINOR) {
        x->rep->matched++;
        r.status = "matched", r.rule = "order_sum_within_tolerance";
        if (delta != 0)
            rec_reason(x->rep, "rounding", o->currency, delta);
        return rec_store(x->c, &r, eb);
    }
    x->rep->partial++;
    r.status = "partial", r.rule = "order_sum_explained_by_reasons";
    enum err e = rec_store(x->c, &r, eb);
    return e ? e : rec_partial(x, o, g, n, &seq, eb);
}

/* Lines of an order number no expected order has: unexpected. */
ERR_MUST_USE static enum err rec_unknown(struct rec_ctx *x, struct rec_line **g, size_t n,
                                         struct errbuf *eb)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!g[i]->duplicate) {
            sum += g[i]->net;
            x->rep->lines_unknown++;
        }
    }
    x->rep->unexpected++;
    struct rec_result r = {
        1, g[0]->order_ref, "unexpected", "no_expected_order", "", g[0]->currency, "", 0, sum};
    return rec_store(x->c, &r, eb);
}

/* Layer 1: lines grouped by order key against the expected orders. */
ERR_MUST_USE static enum err rec_layer_orders(struct rec_ctx *x, struct errbuf *eb)
{
    rec_duplicates(x);
    enum err e = ERR_OK;
    size_t i = 0;
    while (e == ERR_OK && i < x->nol) {
        size_t j = i;
        while (j < x->nol && strcmp(x->order_lines[j]->key, x->order_lines[i]->key) == 0)
            j++;
        if (x->order_lines[i]->key[0] == '\0') {
            for (size_t k = i; k < j; k++) {
                struct rec_line *l = x->order_lines[k];
                /* Account lines (no order): known adjustments count under their reason;
                 * sales and untyped statement lines explain no order's variance. */
                if (!l->duplicate && strcmp(l->type, "sale") != 0 &&
                    strncmp(l->type, "other_", 6) != 0)
                    rec_reason(x->rep, settle_reason_of_type(l->type), l->currency, l->net);
            }
        } else {
            struct rec_order *o = rec_find(x, x->order_lines[i]->key);
            e = o ? rec_order(x, o, &x->order_lines[i], j - i, eb)
                  : rec_unknown(x, &x->order_lines[i], j - i, eb);
        }
        i = j;
    }
    for (size_t k = 0; e == ERR_OK && k < x->d.norders; k++) {
        if (!x->d.orders[k].seen)
            e = rec_order(x, &x->d.orders[k], NULL, 0, eb);
    }
    return e;
}

/* Layer 2: a line's balance_after minus the previous one of its file is the line's amount. */
static void rec_layer_wallet(struct rec_ctx *x)
{
    const struct rec_line *prev = NULL;
    for (size_t i = 0; i < x->d.nlines; i++) {
        const struct rec_line *l = &x->d.lines[i];
        if (!l->has_balance)
            continue;
        if (prev != NULL && strcmp(prev->file, l->file) == 0 &&
            strcmp(prev->currency, l->currency) == 0) {
            x->rep->balance_checked++;
            int64_t residue = l->balance - prev->balance - l->net;
            if (residue != 0) {
                x->rep->balance_breaks++;
                rec_reason(x->rep, "unexplained_balance_delta", l->currency, residue);
            }
        }
        prev = l;
    }
}

/* The unused credit for withdrawal w within its window: exact, or within the fx share. */
static struct rec_line *rec_credit_for(struct rec_ctx *x, const struct rec_line *w, bool fx)
{
    int64_t end = settle_add_working_days(w->posted_at, SETTLE_CREDIT_WINDOW);
    int64_t amount = w->net < 0 ? -w->net : w->net;
    for (size_t i = 0; i < x->d.nlines; i++) {
        struct rec_line *k = &x->d.lines[i];
        if (k->used || strcmp(k->type, "credit") != 0 || k->posted_at < w->posted_at ||
            k->posted_at > end || strcmp(k->currency, w->currency) != 0)
            continue;
        int64_t diff = k->net - amount;
        if (!fx && diff == 0)
            return k;
        if (fx && (diff < 0 ? -diff : diff) * 100 <= amount * SETTLE_FX_PERCENT)
            return k;
    }
    return NULL;
}

/* Layers 3 and 4: completed withdrawals to provider or bank credits. */
ERR_MUST_USE static enum err rec_layer_payouts(struct rec_ctx *x, struct errbuf *eb)
{
    enum err e = ERR_OK;
    for (int pass = 0; e == ERR_OK && pass < 3; pass++) {
        for (size_t i = 0; e == ERR_OK && i < x->d.nlines; i++) {
            struct rec_line *w = &x->d.lines[i];
            if (w->used || strcmp(w->type, "withdrawal") != 0)
                continue;
            if (strcmp(w->status, "completed") != 0) {
                if (pass == 0 && strcmp(w->status, "failed") != 0) {
                    x->rep->wd_in_transit++;
                    struct rec_result r = {3,     w->id,       "in_transit", "withdrawal_status",
                                           "",    w->currency, "",           0,
                                           w->net};
                    e = rec_store(x->c, &r, eb);
                }
                continue;
            }
            struct rec_line *k = pass < 2 ? rec_credit_for(x, w, pass == 1) : NULL;
            if (pass < 2 && k == NULL)
                continue;
            w->used = true;
            struct rec_result r = {4,  w->id, "unmatched", "no_credit_in_window", "", w->currency,
                                   "", 0,     w->net};
            if (k != NULL) {
                k->used = true;
                r.status = pass == 0 ? "matched" : "fx";
                r.rule = pass == 0 ? "amount_currency_window" : "currency_window_fx_share";
                r.other = k->id;
                r.amount = k->net - (w->net < 0 ? -w->net : w->net);
                if (pass == 1)
                    rec_reason(x->rep, "fx", k->currency, r.amount);
                x->rep->wd_matched++;
                *(pass == 0 ? &x->rep->cr_matched : &x->rep->cr_fx) += 1;
            } else {
                x->rep->wd_unmatched++;
            }
            e = rec_store(x->c, &r, eb);
        }
    }
    for (size_t i = 0; e == ERR_OK && i < x->d.nlines; i++) {
        struct rec_line *k = &x->d.lines[i];
        if (!k->used && strcmp(k->type, "credit") == 0) {
            x->rep->cr_unmatched++;
            struct rec_result r = {4,           k->id, "unmatched", "no_withdrawal", "",
                                   k->currency, "",    0,           k->net};
            e = rec_store(x->c, &r, eb);
        }
    }
    return e;
}

ERR_MUST_USE static enum err rec_run(struct rec_ctx *x, struct errbuf *eb)
{
    x->order_lines = calloc(x->d.nlines ? x->d.nlines : 1, sizeof *x->order_lines);
    if (x->order_lines == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < x->d.nlines; i++) {
        if (rec_is_order_line(&x->d.lines[i]))
            x->order_lines[x->nol++] = &x->d.lines[i];
    }
    x->rep->lines_total = (int64_t)x->nol;
    qsort(x->order_lines, x->nol, sizeof *x->order_lines, rec_line_cmp);
    enum err e = rec_store_begin(x->c, eb);
    e = e ? e : rec_layer_orders(x, eb);
    if (e == ERR_OK)
        rec_layer_wallet(x);
    e = e ? e : rec_layer_payouts(x, eb);
    json_t *j = e == ERR_OK ? settle_report_json(x->rep) : NULL;
    if (e == ERR_OK && j == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    e = e ? e : rec_store_report(x->c, x->now, j, eb);
    json_decref(j);
    free(x->order_lines);
    return e;
}

enum err settle_reconcile(struct db *db, int64_t now, struct settle_report *out, struct errbuf *eb)
{
    struct settle_report rep;
    memset(&rep, 0, sizeof rep);
    struct rec_ctx x = {.rep = &rep, .now = now};
    x.c = db_acquire(db);
    enum err e = db_begin(x.c, eb);
    e = e ? e : rec_load(x.c, &x.d, eb);
    e = e ? e : rec_run(&x, eb);
    e = e ? e : db_commit(x.c, eb);
    if (e != ERR_OK)
        err_discard(db_rollback(x.c));
    db_release(x.c);
    rec_data_free(&x.d);
    if (e == ERR_OK && out != NULL)
        *out = rep;
    return e;
}

/* reasons{code: {count, amount_minor, currency}}; a code in a second currency is "code/CUR". */
static json_t *rec_reasons_json(const struct settle_report *r)
{
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < r->nreasons; i++) {
        const struct settle_reason *x = &r->reasons[i];
        char key[48];
        snprintf(key, sizeof key, "%s", x->code);
        if (json_object_get(o, key) != NULL)
            snprintf(key, sizeof key, "%s/%s", x->code, x->currency);
        json_object_set_new(o, key,
                            json_pack("{s:I, s:I, s:s}", "count", (json_int_t)x->count,
                                      "amount_minor", (json_int_t)x->amount_minor, "currency",
                                      x->currency));
    }
    return o;
}

json_t *settle_report_json(const struct settle_report *r)
{
    return json_pack("{s:{s:I, s:I, s:I, s:I}, s:o, s:{s:I, s:I, s:I}, s:{s:I, s:I}, "
                     "s:{s:I, s:I, s:I}}",
                     "orders", "matched", (json_int_t)r->matched, "partial", (json_int_t)r->partial,
                     "missing", (json_int_t)r->missing, "unexpected", (json_int_t)r->unexpected,
                     "reasons", rec_reasons_json(r), "lines", "total", (json_int_t)r->lines_total,
                     "duplicate", (json_int_t)r->lines_duplicate, "unknown_order",
                     (json_int_t)r->lines_unknown, "withdrawals", "matched",
                     (json_int_t)r->wd_matched, "unmatched", (json_int_t)r->wd_unmatched, "credits",
                     "matched", (json_int_t)r->cr_matched, "fx", (json_int_t)r->cr_fx, "unmatched",
                     (json_int_t)r->cr_unmatched);
}

enum err settle_report_load(struct db *db, json_t **out, int64_t *ran_at, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    enum err e =
        db_query(c, "SELECT ran_at, report FROM settlement_runs WHERE id = 1", NULL, 0, &r, eb);
    db_release(c);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "not_reconciled",
                    "no reconciliation has run yet: run aicos settlement reconcile");
    if (e == ERR_OK) {
        if (ran_at != NULL)
            *ran_at = db_rows_int_or(r, 0, 0, 0);
        *out = json_loads(db_rows_get(r, 0, 1), 0, NULL);
        if (*out == NULL)
            e = err_set(eb, ERR_INTERNAL, NULL, "the stored report is not JSON");
    }
    db_rows_free(r);
    return e;
}

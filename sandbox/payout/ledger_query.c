/* The API answers of the ledger: the settlements list and one settlement, balance history. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_impl.h"

/* A bounded non-negative integer parameter; dflt when absent. */
static bool query_int(const char *s, long long lo, long long hi, long long dflt, long long *out)
{
    if (s == NULL) {
        *out = dflt;
        return true;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Settled as the clock reads now: a credit due later is still PENDING (its estimate). */
static bool query_settled(const struct po_settlement *s)
{
    return s->settled && s->settled_at <= (int64_t)time(NULL);
}

static void query_settlement_json(struct sbuf *b, const struct po_settlement *s)
{
    char t[32];
    sbuf_puts(b, "{\"id\":");
    ledger_json_str(b, s->id);
    sbuf_puts(b, ",\"amount\":");
    ledger_json_amount(b, s->amount);
    sbuf_puts(b, ",\"fee\":");
    ledger_json_amount(b, s->fee);
    sbuf_printf(b, ",\"currency\":\"%s\",\"status\":\"%s\"", s->currency,
                query_settled(s) ? "SETTLED" : "PENDING");
    ledger_format_time(s->created_at, t, sizeof t);
    sbuf_printf(b, ",\"created_at\":\"%s\"", t);
    if (query_settled(s)) {
        ledger_format_time(s->settled_at, t, sizeof t);
        sbuf_printf(b, ",\"settled_at\":\"%s\"", t);
    } else {
        sbuf_puts(b, ",\"settled_at\":null");
    }
    ledger_format_time(s->estimated_at, t, sizeof t);
    sbuf_printf(b, ",\"estimated_settled_at\":\"%s\"}", t);
}

/* The time a settlement is filtered and ordered by: settled_at, or the estimate when pending. */
static int64_t query_when(const struct po_settlement *s)
{
    return query_settled(s) ? s->settled_at : s->estimated_at;
}

static const struct po_settlement *query_sort_base;

static int query_cmp(const void *a, const void *b)
{
    const struct po_settlement *x = &query_sort_base[*(const size_t *)a],
                               *y = &query_sort_base[*(const size_t *)b];
    int64_t tx = query_when(x), ty = query_when(y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Checks the required settlements parameters; 0 when fine, else the 400 with its body. */
static int query_settlement_args(const struct ledger_args *a, int64_t *from, int64_t *to,
                                 long long *num, long long *size, struct sbuf *out)
{
    if (a->currency == NULL || strlen(a->currency) != 3 ||
        strspn(a->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
        ledger_error(out, "validation_error", "currency",
                     a->currency == NULL ? "currency must be provided"
                                         : "currency must be an ISO 4217 code");
        return 400;
    }
    if (a->status == NULL ||
        (strcmp(a->status, "PENDING") != 0 && strcmp(a->status, "SETTLED") != 0)) {
        ledger_error(out, "validation_error", "status", "status must be PENDING or SETTLED");
        return 400;
    }
    if (!ledger_parse_time(a->from, from)) {
        ledger_error(out, "validation_error", "from_settled_at",
                     a->from == NULL ? "from_settled_at must be provided"
                                     : "from_settled_at must be an ISO 8601 date or time");
        return 400;
    }
    if (!ledger_parse_time(a->to, to) || *to < *from) {
        ledger_error(out, "validation_error", "to_settled_at",
                     a->to == NULL ? "to_settled_at must be provided"
                                   : "to_settled_at must be an ISO 8601 time after the start");
        return 400;
    }
    if (strlen(a->to) == 10)
        *to += 86399; /* a date is inclusive of its whole day */
    if (!query_int(a->page_num, 0, 1000000, 0, num)) {
        ledger_error(out, "validation_error", "page_num", "page_num must be 0 or more");
        return 400;
    }
    if (!query_int(a->page_size, 1, PO_PAGE_SIZE_MAX, PO_PAGE_SIZE_DEF, size)) {
        ledger_error(out, "validation_error", "page_size", "page_size must be 1 to 1000");
        return 400;
    }
    return 0;
}

int ledger_settlements(struct ledger *l, const struct ledger_args *a, struct sbuf *out)
{
    int64_t from, to;
    long long num, size;
    int st = query_settlement_args(a, &from, &to, &num, &size, out);
    if (st != 0)
        return st;
    bool settled = strcmp(a->status, "SETTLED") == 0;
    pthread_mutex_lock(&l->lock);
    size_t *idx = malloc((l->ns + 1) * sizeof *idx), n = 0;
    for (size_t i = 0; idx != NULL && i < l->ns; i++) {
        const struct po_settlement *s = &l->s[i];
        if (query_settled(s) == settled && strcmp(s->currency, a->currency) == 0 &&
            query_when(s) >= from && query_when(s) <= to)
            idx[n++] = i;
    }
    query_sort_base = l->s;
    if (idx != NULL)
        qsort(idx, n, sizeof *idx, query_cmp);
    size_t first = (size_t)num * (size_t)size, last = first + (size_t)size;
    sbuf_puts(out, "{\"items\":[");
    for (size_t k = first; idx != NULL && k < n && k < last; k++) {
        if (k > first)
            sbuf_puts(out, ",");
        query_settlement_json(out, &l->s[idx[k]]);
    }
    sbuf_printf(out, "],\"has_more\":%s}", last < n ? "true" : "false");
    pthread_mutex_unlock(&l->lock);
    bool oom = idx == NULL;
    free(idx);
    if (oom)
        out->failed = true;
    return 200;
}

int ledger_settlement(struct ledger *l, const char *id, struct sbuf *out)
{
    int st = 404;
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->ns && st == 404; i++) {
        if (strcmp(l->s[i].id, id) == 0) {
            query_settlement_json(out, &l->s[i]);
            st = 200;
        }
    }
    pthread_mutex_unlock(&l->lock);
    if (st == 404)
        ledger_error(out, "resource_not_found", NULL, "The settlement does not exist");
    return st;
}

static void query_history_json(struct sbuf *b, const struct po_history *h)
{
    char t[32];
    sbuf_puts(b, "{\"id\":");
    ledger_json_str(b, h->id);
    sbuf_puts(b, ",\"amount\":");
    ledger_json_amount(b, h->amount);
    sbuf_puts(b, ",\"balance\":");
    ledger_json_amount(b, h->balance);
    sbuf_puts(b, ",\"fee\":");
    ledger_json_amount(b, h->fee);
    ledger_format_time(h->created_at, t, sizeof t);
    sbuf_printf(b, ",\"currency\":\"%s\",\"created_at\":\"%s\",\"transaction_type\":\"%s\"",
                h->currency, t, h->type);
    sbuf_printf(b, ",\"source_type\":\"%s\",\"source\":", h->source_type);
    ledger_json_str(b, h->source);
    sbuf_puts(b, ",\"description\":");
    ledger_json_str(b, h->description);
    if (h->rate[0] != '\0')
        sbuf_printf(b, ",\"client_rate\":%s", h->rate);
    sbuf_puts(b, "}");
}

/* The history cursor: "0" or absent is the start, else "p" and the next item's index. */
static bool query_cursor(const char *page, size_t *start)
{
    long long v = 0;
    if (page == NULL || strcmp(page, "0") == 0 || page[0] == '\0') {
        *start = 0;
        return true;
    }
    if (page[0] != 'p' || !query_int(page + 1, 1, PO_HISTORY_MAX, 0, &v))
        return false;
    *start = (size_t)v;
    return true;
}

int ledger_history(struct ledger *l, const struct ledger_args *a, struct sbuf *out)
{
    int64_t from, to;
    long long size;
    size_t start;
    if (!ledger_parse_time(a->from, &from) || !ledger_parse_time(a->to, &to) || to < from) {
        ledger_error(out, "validation_error",
                     a->from == NULL || !ledger_parse_time(a->from, &from) ? "from_post_at"
                                                                           : "to_post_at",
                     "from_post_at and to_post_at must be ISO 8601 times, start first");
        return 400;
    }
    if (to - from > PO_WINDOW_MAX_S) {
        ledger_error(out, "time_range_exceed", "to_post_at",
                     "The time range must not be longer than 7 days");
        return 400;
    }
    if (!query_int(a->page_size, 1, PO_PAGE_SIZE_MAX, PO_PAGE_SIZE_DEF, &size) ||
        !query_cursor(a->page, &start)) {
        ledger_error(out, "validation_error", a->page_size != NULL ? "page_size" : "page",
                     "page must be 0 or a page_after value, page_size 1 to 1000");
        return 400;
    }
    int64_t now = (int64_t)time(NULL); /* what has not happened yet is not in the history */
    pthread_mutex_lock(&l->lock);
    sbuf_puts(out, "{\"items\":[");
    size_t shown = 0, i = start, prev = start;
    for (; i < l->nh && shown < (size_t)size; i++) {
        const struct po_history *h = &l->h[i];
        if (h->created_at < from || h->created_at > to || h->created_at > now ||
            (a->currency != NULL && strcmp(a->currency, h->currency) != 0))
            continue;
        sbuf_puts(out, shown++ ? "," : "");
        query_history_json(out, h);
    }
    bool more = false;
    for (size_t k = i; k < l->nh && !more; k++)
        more = l->h[k].created_at >= from && l->h[k].created_at <= to &&
               l->h[k].created_at <= now &&
               (a->currency == NULL || strcmp(a->currency, l->h[k].currency) == 0);
    pthread_mutex_unlock(&l->lock);
    sbuf_puts(out, "],\"page_after\":");
    if (more)
        sbuf_printf(out, "\"p%zu\"", i);
    else
        sbuf_puts(out, "null");
    sbuf_puts(out, ",\"page_before\":");
    if (prev > 0)
        sbuf_printf(out, "\"p%zu\"", prev);
    else
        sbuf_puts(out, "null");
    sbuf_puts(out, "}");
    return 200;
}

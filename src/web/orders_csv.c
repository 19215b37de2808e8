/*
 * GET /orders/export.csv: the orders of the /orders filters as CSV (RFC 4180, CRLF), newest
 * update first, at most ORDERS_CSV_MAX rows, read page by page through query_orders_list (no
 * SQL here). Times are ISO 8601 UTC; a cell that a spreadsheet would run as a formula (leading
 * = + - @) is written as '… inside quotes.
 */
#include "web/orders_page.h"

#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "sync/query.h"
#include "web/page.h"
#include "web/status.h"
#include "web/widget.h"

#define ORDERS_CSV_MAX 2000 /* rows of one export */

/* Appends one cell and its separator (',' or CRLF after the last). */
ERR_MUST_USE static enum err csv_cell(struct buf *b, const char *v, bool last)
{
    bool formula = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@';
    enum err e = ERR_OK;
    if (formula || strpbrk(v, ",\"\r\n") != NULL) {
        e = buf_puts(b, formula ? "\"'" : "\"");
        for (const char *s = v; e == ERR_OK && *s; s++)
            e = *s == '"' ? buf_puts(b, "\"\"") : buf_append(b, s, 1);
        e = e ? e : buf_puts(b, "\"");
    } else {
        e = buf_puts(b, v);
    }
    return e ? e : buf_puts(b, last ? "\r\n" : ",");
}

ERR_MUST_USE static enum err csv_time(struct buf *b, int64_t t)
{
    char s[32] = "";
    time_t tt = (time_t)t;
    struct tm tm;
    if (t > 0 && gmtime_r(&tt, &tm) != NULL)
        strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return csv_cell(b, s, false);
}

ERR_MUST_USE static enum err csv_row(struct buf *b, const json_t *o)
{
    const char *code = widget_json_str(o, "status_name");
    const struct web_status *w = web_status_find(code);
    char labels[512] = "", n[24];
    size_t i, used = 0;
    const json_t *l;
    json_array_foreach(json_object_get(o, "labels"), i, l)
    {
        const char *s = json_string_value(l);
        size_t len = s != NULL ? strlen(s) : 0;
        if (len == 0 || used + len + 2 > sizeof labels)
            continue;
        if (used > 0)
            labels[used++] = ';';
        memcpy(labels + used, s, len + 1);
        used += len;
    }
    snprintf(n, sizeof n, "%lld", (long long)widget_json_int(o, "items"));
    enum err e = csv_cell(b, widget_json_str(o, "connection_id"), false);
    e = e ? e : csv_cell(b, widget_json_str(o, "parent_order_sn"), false);
    e = e ? e : csv_cell(b, code, false);
    e = e ? e : csv_cell(b, w != NULL ? w->en : code, false);
    e = e ? e : csv_cell(b, labels, false);
    e = e ? e : csv_time(b, widget_json_int(o, "ship_by"));
    e = e ? e : csv_time(b, widget_json_int(o, "order_time"));
    e = e ? e : csv_time(b, widget_json_int(o, "update_time"));
    return e ? e : csv_cell(b, n, true);
}

enum err page_orders_csv(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_orders_args a;
    struct query_orders_filter f;
    struct buf b = {0};
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err e = query_orders_filter_parse(&a, &f, eb);
    if (e != ERR_OK)
        return e;
    f.limit = LIMIT_QUERY_PAGE_SIZE_MAX;
    e = buf_puts(&b, "connection_id,parent_order_sn,status,status_en,labels,ship_by,order_time,"
                     "update_time,items\r\n");
    int64_t rows = 0, pages = 1;
    for (f.page = 1; e == ERR_OK && f.page <= pages && rows < ORDERS_CSV_MAX; f.page++) {
        json_t *doc = NULL;
        size_t i;
        const json_t *o;
        e = query_orders_list(app->db, &f, &doc, eb);
        pages = widget_json_int(doc, "pages");
        json_array_foreach(json_object_get(doc, "orders"), i, o)
        {
            if (e == ERR_OK && rows < ORDERS_CSV_MAX) {
                e = csv_row(&b, o);
                rows++;
            }
        }
        json_decref(doc);
    }
    if (e == ERR_OK)
        e = http_resp_text(resp, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
    if (e == ERR_OK)
        e = http_resp_header(resp, "Content-Disposition", "attachment; filename=\"orders.csv\"");
    buf_free(&b);
    return e;
}

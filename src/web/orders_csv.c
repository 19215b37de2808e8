/*
 * GET /orders/export.csv: the orders of the /orders filters as CSV through src/export (RFC
 * 4180, CRLF; a cell a spreadsheet would run as a formula gets a leading apostrophe), sent by
 * web/download.h, newest update first, at most ORDERS_CSV_MAX rows, read page by page through
 * query_orders_list (no SQL here). Times are ISO 8601 UTC.
 */
#include "web/orders_page.h"

#include <string.h>

#include "base/limits.h"
#include "sync/query.h"
#include "web/download.h"
#include "web/page.h"
#include "web/status.h"
#include "web/widget.h"

#define ORDERS_CSV_MAX 2000 /* rows of one export */

static void csv_row(struct export *x, const json_t *o)
{
    const char *code = widget_json_str(o, "status_name");
    const struct web_status *w = web_status_find(code);
    char labels[512] = "";
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
    export_cell_text(x, widget_json_str(o, "connection_id"));
    export_cell_text(x, widget_json_str(o, "parent_order_sn"));
    export_cell_text(x, code);
    export_cell_text(x, w != NULL ? w->en : code);
    export_cell_text(x, labels);
    export_cell_utc(x, widget_json_int(o, "ship_by"));
    export_cell_utc(x, widget_json_int(o, "order_time"));
    export_cell_utc(x, widget_json_int(o, "update_time"));
    export_cell_int(x, widget_json_int(o, "items"));
    export_row_end(x);
}

/* Writes the table of f's orders to out. */
ERR_MUST_USE static enum err csv_write(const struct app *app, struct query_orders_filter *f,
                                       FILE *out, struct errbuf *eb)
{
    static const char *const heads[] = {"connection_id", "parent_order_sn", "status",
                                        "status_en",     "labels",          "ship_by",
                                        "order_time",    "update_time",     "items"};
    struct export_options o;
    struct export *x = NULL;
    export_options_init(&o, EXPORT_CSV);
    enum err e = export_open_table(&o, out, heads, sizeof heads / sizeof heads[0], &x, eb);
    if (e != ERR_OK)
        return e;
    int64_t rows = 0, pages = 1;
    for (f->page = 1; e == ERR_OK && f->page <= pages && rows < ORDERS_CSV_MAX; f->page++) {
        json_t *doc = NULL;
        size_t i;
        const json_t *row;
        e = query_orders_list(app->db, f, &doc, eb);
        pages = widget_json_int(doc, "pages");
        json_array_foreach(json_object_get(doc, "orders"), i, row)
        {
            if (rows++ < ORDERS_CSV_MAX)
                csv_row(x, row);
        }
        json_decref(doc);
    }
    if (e != ERR_OK) {
        export_free(x);
        return e;
    }
    return export_finish(x, eb);
}

enum err page_orders_csv(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct query_orders_args a;
    struct query_orders_filter f;
    struct web_download d;
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err e = query_orders_filter_parse(&a, &f, eb);
    if (e != ERR_OK)
        return e;
    f.limit = LIMIT_QUERY_PAGE_SIZE_MAX;
    e = web_download_begin(&d, eb);
    if (e != ERR_OK)
        return e;
    e = csv_write(req->app, &f, d.out, eb);
    return web_download_end(&d, e, EXPORT_CSV, "orders", resp, eb);
}

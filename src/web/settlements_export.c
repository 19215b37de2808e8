/*
 * GET /settlements/lines/export.csv and .xlsx: the settlement lines of the /settlements/lines
 * filters (file, type) through src/export (a cell a spreadsheet would run as a formula is
 * neutralized; amounts are decimal cells, so they stay numbers in XLSX), sent by
 * web/download.h, in provenance order, at most SETTLE_EXPORT_MAX rows, read page by page
 * through settle_query_lines (no SQL here). Times are ISO 8601 UTC.
 */
#include "web/settlements_page.h"

#include <string.h>

#include "base/money.h"
#include "settlement/query.h"
#include "web/download.h"
#include "web/page.h"
#include "web/widget.h"

#define SETTLE_EXPORT_MAX 20000 /* rows of one export */

/* The amount as a decimal cell ("-15.90"), or an empty cell for an unknown currency. */
static void lines_amount(struct export *x, int64_t minor, const char *currency)
{
    struct money m = {.minor = minor};
    char s[MONEY_FORMAT_MAX];
    snprintf(m.currency, sizeof m.currency, "%s", currency);
    if (money_format(&m, MONEY_STYLE_PLAIN, s, sizeof s) != ERR_OK) {
        export_cell_text(x, NULL);
        return;
    }
    char *space = strchr(s, ' ');
    if (space != NULL)
        *space = '\0';
    export_cell_decimal(x, s);
}

static void lines_row(struct export *x, const json_t *l)
{
    export_cell_text(x, widget_json_str(l, "file_sha256"));
    export_cell_text(x, widget_json_str(l, "sheet"));
    export_cell_int(x, widget_json_int(l, "row"));
    export_cell_utc(x, widget_json_int(l, "posted_at"));
    export_cell_text(x, widget_json_str(l, "type"));
    export_cell_text(x, widget_json_str(l, "type_raw"));
    export_cell_text(x, widget_json_str(l, "order_ref"));
    lines_amount(x, widget_json_int(l, "net_minor"), widget_json_str(l, "currency"));
    export_cell_text(x, widget_json_str(l, "currency"));
    export_cell_text(x, widget_json_str(l, "status"));
    export_cell_text(x, widget_json_str(l, "reference"));
    export_row_end(x);
}

/* Writes the table of f's lines to out in format. */
ERR_MUST_USE static enum err lines_write(const struct app *app, struct settle_lines_filter *f,
                                         enum export_format format, FILE *out, struct errbuf *eb)
{
    static const char *const heads[] = {"file_sha256", "sheet",    "row",       "posted_at",
                                        "type",        "type_raw", "order_ref", "net",
                                        "currency",    "status",   "reference"};
    struct export_options o;
    struct export *x = NULL;
    export_options_init(&o, format);
    enum err e = export_open_table(&o, out, heads, sizeof heads / sizeof heads[0], &x, eb);
    if (e != ERR_OK)
        return e;
    size_t got = SETTLE_QUERY_MAX;
    for (f->offset = 0; e == ERR_OK && got == SETTLE_QUERY_MAX && f->offset < SETTLE_EXPORT_MAX;
         f->offset += SETTLE_QUERY_MAX) {
        json_t *doc = NULL;
        size_t i;
        const json_t *row;
        e = settle_query_lines(app->db, f, &doc, eb);
        const json_t *lines = json_object_get(doc, "lines");
        got = json_array_size(lines);
        json_array_foreach(lines, i, row) lines_row(x, row);
        json_decref(doc);
    }
    if (e != ERR_OK) {
        export_free(x);
        return e;
    }
    return export_finish(x, eb);
}

ERR_MUST_USE static enum err lines_download(struct http_req *req, struct http_resp *resp,
                                            enum export_format format, struct errbuf *eb)
{
    const char *file = http_req_query(req, "file"), *type = http_req_query(req, "type");
    struct settle_lines_filter f = {file && *file ? file : NULL, NULL, type && *type ? type : NULL,
                                    SETTLE_QUERY_MAX, 0};
    struct web_download d;
    enum err e = web_download_begin(&d, eb);
    if (e != ERR_OK)
        return e;
    e = lines_write(req->app, &f, format, d.out, eb);
    return web_download_end(&d, e, format, "settlement-lines", resp, eb);
}

enum err page_settlement_lines_csv(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return lines_download(req, resp, EXPORT_CSV, eb);
}

enum err page_settlement_lines_xlsx(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return lines_download(req, resp, EXPORT_XLSX, eb);
}

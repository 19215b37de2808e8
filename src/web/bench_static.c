/*
 * The console benchmark's static answers (bench_static.h).
 */
#include "web/bench_static.h"

#include <string.h>

extern const unsigned char web_bench_dashboard_html[];
extern const size_t web_bench_dashboard_html_len;
extern const unsigned char web_bench_orders_html[];
extern const size_t web_bench_orders_html_len;

enum err page_bench_static(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *name = http_req_param(req, "name");
    const unsigned char *data = NULL;
    size_t len = 0;
    if (name != NULL && strcmp(name, "dashboard.html") == 0) {
        data = web_bench_dashboard_html;
        len = web_bench_dashboard_html_len;
    } else if (name != NULL && strcmp(name, "orders.html") == 0) {
        data = web_bench_orders_html;
        len = web_bench_orders_html_len;
    } else {
        return err_set(eb, ERR_NOTFOUND, "not_found", "No such static file.");
    }
    buf_reset(&resp->body);
    resp->status = 200;
    resp->content_type = "text/html; charset=utf-8";
    return buf_append(&resp->body, data, len);
}

/*
 * The orders list page (issue 7, "Console"): synced orders with filters (status, label,
 * ship-by window, order number) and bounded paging. Data comes from src/sync/query.h; no SQL
 * here. Server-rendered, bilingual, every value escaped (web/html.h).
 */
#include "web/orders_page.h"

#include <string.h>

#include "sync/query.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

static void orders_filters(struct html *h, const struct query_orders_args *a)
{
    static const struct widget_option statuses[] = {
        {"1", "pending"},
        {"2", "un_shipping"},
        {"3", "canceled"},
        {"4", "shipped"},
        {"5", "receipted"},
        {"41", "partially_shipped"},
        {"51", "partially_received"},
    };
    const struct widget_input inputs[] = {
        {"标签 / Label", "text", "label", a->label, "past_due, soon_to_be_overdue …"},
        {"最晚发货从 / Ship by from", "date", "ship_after", a->ship_after, ""},
        {"最晚发货早于 / Ship by before", "date", "ship_before", a->ship_before, ""},
        {"订单号、商品、SKU / Order, product, SKU", "search", "q", a->q, "PO-…, goods id, name"},
    };
    const struct widget_filter f = {
        .action = "/orders",
        .id = "order-filters",
        .select = "status",
        .options = statuses,
        .noptions = sizeof statuses / sizeof statuses[0],
        .selected = a->status,
        .inputs = inputs,
        .ninputs = sizeof inputs / sizeof inputs[0],
        .limit = a->limit,
    };
    widget_filter_form(h, &f);
}

static void orders_row(struct html *h, const json_t *o)
{
    html_raw(h, "<tr><td>");
    widget_order_link(h, widget_json_str(o, "parent_order_sn"),
                      widget_json_str(o, "connection_id"));
    html_raw(h, "</td><td>");
    widget_status(h, widget_json_str(o, "status_name"));
    html_raw(h, "</td><td>");
    widget_labels(h, json_object_get(o, "labels"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(o, "ship_by"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(o, "order_time"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(o, "update_time"));
    html_raw(h, "</td><td>");
    html_int(h, widget_json_int(o, "items"));
    html_raw(h, "</td></tr>");
}

static void orders_table(struct html *h, const struct query_orders_args *a, const json_t *doc,
                         bool filtered)
{
    static const char *const heads[] = {
        "订单号 / Order", "状态 / Status",  "标签 / Labels",  "最晚发货 / Ship by",
        "下单 / Ordered", "更新 / Updated", "子订单 / Items", NULL,
    };
    const json_t *orders = json_object_get(doc, "orders");
    const struct widget_arg args[] = {
        {"connection_id", a->connection_id},
        {"status", a->status},
        {"label", a->label},
        {"ship_after", a->ship_after},
        {"ship_before", a->ship_before},
        {"q", a->q},
        {"limit", a->limit},
    };
    const struct widget_pager pager = {
        .path = "/orders",
        .args = args,
        .nargs = sizeof args / sizeof args[0],
        .page = widget_json_int(doc, "page"),
        .pages = widget_json_int(doc, "pages"),
        .total = widget_json_int(doc, "total"),
        .noun_zh = "条",
        .noun_en = "orders",
        .keyset = true,
        .total_estimated = !json_is_true(json_object_get(doc, "total_exact")),
        .next_page = widget_json_int(doc, "next_page"),
        .next_cursor = json_string_value(json_object_get(doc, "next_cursor")),
    };
    html_raw(h, "<section class=\"card\" id=\"orders\">");
    if (json_array_size(orders) == 0 && (filtered || pager.page > 1)) {
        widget_empty_msg(h, "orders-empty", MSG_P_ORDERS_PAGE_6);
    } else if (json_array_size(orders) == 0) {
        html_raw(h, "<div class=\"empty\" id=\"orders-empty\">尚未同步任何订单 / No orders have "
                    "been synced yet. 在<a href=\"/sync\">同步</a>页查看运行记录 / See the "
                    "<a href=\"/sync\">Sync</a> page.</div>");
    } else {
        size_t i;
        const json_t *o;
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(orders, i, o) orders_row(h, o);
        widget_table_end(h);
    }
    widget_pager(h, &pager);
    html_raw(h, "<p><a class=\"button secondary\" id=\"orders-csv\" href=\"/orders/export.csv?");
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        if (args[i].value == NULL || *args[i].value == '\0' || strcmp(args[i].name, "limit") == 0)
            continue;
        html_attr(h, args[i].name);
        html_raw(h, "=");
        html_url(h, args[i].value);
        html_raw(h, "&amp;");
    }
    html_raw(h, "\">");
    widget_pair(h, "导出 CSV", "Export CSV");
    html_raw(h, "</a></p></section>");
}

enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_orders_args a;
    struct query_orders_filter f;
    struct errbuf why = {0};
    json_t *doc = NULL;
    struct html h;
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err bad = query_orders_filter_parse(&a, &f, &why);
    enum err e = ERR_OK;
    if (bad == ERR_OK && (e = query_orders_list(app->db, &f, &doc, eb)) != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "订单 / Orders", "orders", req->auth);
    widget_page_head_msg(&h, "订单 / Orders", MSG_P_ORDERS_PAGE_7);
    if (bad != ERR_OK)
        widget_notice(&h, "error", errbuf_message(&why, bad));
    orders_filters(&h, &a);
    if (bad == ERR_OK) {
        bool filtered =
            f.status >= 0 || f.label || f.ship_before || f.ship_after || f.q || f.connection_id;
        orders_table(&h, &a, doc, filtered);
    }
    e = web_page_end(&h, resp, bad ? http_status_for_err(bad) : 200);
out:
    json_decref(doc);
    return e;
}

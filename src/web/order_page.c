/*
 * One order's page: its fields, its sub-orders and the status history the sync recorded
 * (oldest first). Data comes from query_order_get() (src/sync/query.h); no SQL here.
 */
#include "web/order_page.h"

#include "sync/query.h"
#include "sync/sync.h"
#include "web/cases_page.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/settlements_page.h"
#include "web/shipment_form.h"
#include "web/shipments_page.h"
#include "web/widget.h"

static void order_kv_time(struct html *h, const char *label, int64_t t)
{
    html_tpl(h, "<dt>{}</dt><dd>", label);
    widget_time(h, t);
    html_raw(h, "</dd>");
}

static void order_items(struct html *h, const json_t *items)
{
    static const char *const heads[] = {
        "子订单号 / Sub-order", "商品 / Goods",  "规格 / Spec", "商品 ID / Goods ID", "SKU ID",
        "数量 / Qty",           "状态 / Status", NULL,
    };
    size_t i;
    const json_t *it;
    html_raw(h, "<section class=\"card\" id=\"items\"><h2>子订单 / Sub-orders</h2>");
    if (json_array_size(items) == 0) {
        widget_empty_msg(h, NULL, MSG_P_ORDER_PAGE_3);
        html_raw(h, "</section>");
        return;
    }
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(items, i, it)
    {
        html_tpl(h, "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>",
                 widget_json_str(it, "order_sn"), widget_json_str(it, "goods_name"),
                 widget_json_str(it, "spec"));
        html_int(h, widget_json_int(it, "goods_id"));
        html_raw(h, "</td><td>");
        html_int(h, widget_json_int(it, "sku_id"));
        html_raw(h, "</td><td>");
        html_int(h, widget_json_int(it, "quantity"));
        html_raw(h, "</td><td>");
        widget_status(h, widget_json_str(it, "status_name"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* The statuses the sync saw the order in, oldest first (query_order_get's status_history). */
static void order_history(struct html *h, const json_t *history)
{
    static const char *const heads[] = {"状态 / Status", "平台更新 / Updated (updateTime)",
                                        "同步发现 / Seen by sync", NULL};
    size_t i;
    const json_t *e;
    html_raw(h, "<section class=\"card\" id=\"status-history\"><h2>状态历史 / Status history</h2>");
    if (json_array_size(history) == 0) {
        widget_empty_msg(h, "history-empty", MSG_P_ORDER_PAGE_4);
        html_raw(h, "</section>");
        return;
    }
    html_raw(h, "<p class=\"muted\">同步首次保存订单及每次状态变化时各记一条。/ One entry when "
                "the sync first stored the order and one for each status change it saw.</p>");
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(history, i, e)
    {
        html_raw(h, "<tr class=\"history-entry\"><td>");
        widget_status(h, widget_json_str(e, "status_name"));
        html_raw(h, " <span class=\"muted\">(");
        html_int(h, widget_json_int(e, "status"));
        html_raw(h, ")</span></td><td>");
        widget_time(h, widget_json_int(e, "update_time"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(e, "seen_at"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

static void order_fields(struct html *h, const json_t *o)
{
    html_tpl(h,
             "<p><a href=\"/orders\">← 返回订单列表 / Back to orders</a></p><section "
             "class=\"card\" id=\"order\"><dl class=\"kv\"><dt>订单号 / Order</dt><dd "
             "class=\"mono\">{}</dd><dt>连接 / Connection</dt><dd class=\"mono\">{}</dd><dt>状态 / "
             "Status</dt><dd>",
             widget_json_str(o, "parent_order_sn"), widget_json_str(o, "connection_id"));
    widget_status(h, widget_json_str(o, "status_name"));
    html_raw(h, " <span class=\"muted\">(");
    html_int(h, widget_json_int(o, "status"));
    html_raw(h, ")</span></dd><dt>标签 / Labels</dt><dd>");
    widget_labels(h, json_object_get(o, "labels"));
    html_raw(h, "</dd>");
    order_kv_time(h, "下单 / Ordered", widget_json_int(o, "order_time"));
    order_kv_time(h, "最晚发货 / Ship by", widget_json_int(o, "ship_by"));
    order_kv_time(h, "平台更新 / Updated (updateTime)", widget_json_int(o, "update_time"));
    order_kv_time(h, "首次同步 / First synced", widget_json_int(o, "first_synced_at"));
    order_kv_time(h, "最近同步 / Last synced", widget_json_int(o, "synced_at"));
    html_raw(h, "</dl></section>");
}

/* The buyer cases of this order (after-sales, cancellations, labels); a placeholder when they
 * cannot be read (the rest of the page stands). */
static void order_cases(struct html *h, const struct app *app, const json_t *o)
{
    const struct sync_cases_filter f = {
        .connection_id = widget_json_str(o, "connection_id"),
        .parent_order_sn = widget_json_str(o, "parent_order_sn"),
        .limit = 50,
    };
    json_t *doc = NULL;
    html_raw(h, "<section class=\"card\" id=\"order-cases\"><h2>买家请求 / Buyer cases</h2>");
    if (sync_cases_list(app->db, &f, &doc, NULL) == ERR_OK)
        web_cases_table(h, doc, MSG_O_NO_CASES);
    else
        widget_empty_msg(h, NULL, MSG_O_CASES_UNREADABLE);
    html_raw(h, "</section>");
    json_decref(doc);
}

enum err page_order_detail(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *sn = http_req_param(req, "sn");
    const char *conn = http_req_query(req, "connection_id");
    struct html h;
    json_t *o = NULL;
    enum err e = query_order_get(app->db, conn != NULL && *conn != '\0' ? conn : NULL, sn, &o, eb);
    if (e == ERR_NOTFOUND) {
        web_page_begin(&h, resp, "订单 / Order", "orders", req->auth);
        widget_page_head(&h, "订单 / Order", sn ? sn : "");
        widget_notice_msg(&h, "error", MSG_P_ORDER_PAGE_5);
        html_raw(&h, "<p><a href=\"/orders\">← 返回订单列表 / Back to orders</a></p>");
        e = web_page_end(&h, resp, 404);
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "订单 / Order", "orders", req->auth);
    widget_page_head(&h, "订单 / Order", widget_json_str(o, "parent_order_sn"));
    order_fields(&h, o);
    order_items(&h, json_object_get(o, "items"));
    web_order_shipment_section(req, &h, o);
    web_order_parcels(req, &h, o);
    web_settlement_order_section(req, &h, widget_json_str(o, "parent_order_sn"));
    order_history(&h, json_object_get(o, "status_history"));
    order_cases(&h, app, o);
    e = web_page_end(&h, resp, 200);
out:
    json_decref(o);
    return e;
}

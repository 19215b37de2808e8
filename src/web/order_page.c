/*
 * One order's page: its shop, status and labels as words, its money (what the buyer paid and
 * the estimated settlement, from Temu's amount API: settlement/amounts.h), its sub-orders with
 * unit prices, shipment forms and parcels, settlement lines, the status history the sync
 * recorded (oldest first) and its buyer cases. Reads through the domains; no SQL here.
 */
#include "web/order_page.h"

#include <string.h>

#include "settlement/amounts.h"
#include "sync/query.h"
#include "sync/sync.h"
#include "web/cases_page.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/settlements_page.h"
#include "web/shops.h"
#include "web/shipment_form.h"
#include "web/shipments_page.h"
#include "web/widget.h"

static void order_kv_time(struct html *h, const char *label, int64_t t)
{
    html_tpl(h, "<dt>{}</dt><dd>", label);
    widget_time(h, t);
    html_raw(h, "</dd>");
}

/* The unit price (tax included) of sub-order sn in the amounts answer, or -1. */
static int64_t order_unit_price(const json_t *amount, const char *sn, const char **cur)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(json_object_get(amount, "answer"), "orderList"), i, it)
    {
        const json_t *m = json_object_get(it, "unitRetailPriceTaxIncl");
        if (strcmp(widget_json_str(it, "orderSn"), sn) == 0 &&
            json_is_integer(json_object_get(m, "amount"))) {
            *cur = widget_json_str(m, "currency");
            return widget_json_int(m, "amount");
        }
    }
    return -1;
}

static void order_items(struct html *h, const json_t *items, const json_t *amount)
{
    static const char *const heads[] = {
        "子订单号 / Sub-order", "商品 / Goods",  "规格 / Spec",
        "商品 ID / Goods ID",   "SKU ID",        "数量 / Qty",
        "单价 / Price",         "状态 / Status", NULL,
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
        html_raw(h, "</td><td class=\"num\">");
        const char *cur = "";
        int64_t unit = order_unit_price(amount, widget_json_str(it, "order_sn"), &cur);
        if (unit >= 0)
            widget_money_minor(h, unit, cur);
        else
            html_raw(h, "—");
        html_raw(h, "</td><td>");
        widget_order_status(h, widget_json_int(it, "status"));
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
        widget_order_status(h, widget_json_int(e, "status"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(e, "update_time"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(e, "seen_at"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* A money row of the amounts answer's parentOrderMap.<group>.<key>, when present. */
static void order_money_row(struct html *h, const json_t *map, const char *group, const char *key,
                            const char *zh, const char *en)
{
    const json_t *m = json_object_get(json_object_get(map, group), key);
    if (!json_is_integer(json_object_get(m, "amount")))
        return;
    html_tpl(h, "<dt title=\"{}.{}\">", group, key);
    widget_pair(h, zh, en);
    html_raw(h, "</dt><dd>");
    widget_money_minor(h, widget_json_int(m, "amount"), widget_json_str(m, "currency"));
    html_raw(h, "</dd>");
}

/* What the buyer paid and what the seller is expected to get, from Temu's amount API. */
static void order_money(struct html *h, const json_t *amount)
{
    html_raw(h, "<section class=\"card\" id=\"order-money\"><h2>金额 / Money</h2>");
    if (amount == NULL) {
        widget_empty_msg(h, "money-empty", MSG_O_MONEY_NONE);
        html_raw(h, "</section>");
        return;
    }
    const json_t *map = json_object_get(json_object_get(amount, "answer"), "parentOrderMap");
    html_raw(h, "<dl class=\"kv\">");
    order_money_row(h, map, "customerPaid", "customerPaidTotal", "买家实付", "Buyer paid");
    order_money_row(h, map, "customerPaid", "retailPriceTotalTaxIncl", "商品(含税)",
                    "Goods (tax incl.)");
    order_money_row(h, map, "customerPaid", "shippingTotalTaxIncl", "运费(含税)",
                    "Shipping (tax incl.)");
    order_money_row(h, map, "customerPaid", "productRefundsTotal", "退款", "Refunds");
    order_money_row(h, map, "salesProceeds", "basePriceTotal", "申报价合计", "Base price total");
    order_money_row(h, map, "salesProceeds", "estimatedDeduction", "预计扣款",
                    "Estimated deduction");
    order_money_row(h, map, "salesProceeds", "estimatedSettlementTotal", "预计结算",
                    "Estimated settlement");
    html_raw(h, "<dt>");
    widget_msg(h, MSG_O_MONEY_FETCHED);
    html_raw(h, "</dt><dd>");
    widget_time(h, widget_json_int(amount, "fetched_at"));
    html_raw(h, "</dd></dl></section>");
}

static void order_fields(struct html *h, const json_t *o, const json_t *shops)
{
    html_tpl(h,
             "<p><a href=\"/orders\">← 返回订单列表 / Back to orders</a></p><section "
             "class=\"card\" id=\"order\"><dl class=\"kv\"><dt>订单号 / Order</dt><dd "
             "class=\"mono\">{}</dd><dt>店铺 / Shop</dt><dd>",
             widget_json_str(o, "parent_order_sn"));
    web_shop_cell(h, shops, widget_json_str(o, "connection_id"));
    html_raw(h, "</dd><dt>状态 / Status</dt><dd>");
    widget_order_status(h, widget_json_int(o, "status"));
    html_raw(h, "</dd><dt>标签 / Labels</dt><dd>");
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
    json_t *shops = web_shops_load(req), *amount = NULL;
    if (settle_order_amount_get(app->db, widget_json_str(o, "connection_id"),
                                widget_json_str(o, "parent_order_sn"), &amount, NULL) != ERR_OK)
        amount = NULL; /* the page stands without its money */
    web_page_begin(&h, resp, "订单 / Order", "orders", req->auth);
    widget_page_head(&h, "订单 / Order", widget_json_str(o, "parent_order_sn"));
    order_fields(&h, o, shops);
    order_money(&h, amount);
    order_items(&h, json_object_get(o, "items"), amount);
    json_decref(shops);
    json_decref(amount);
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

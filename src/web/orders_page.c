/*
 * The orders list page (issue 7, "Console"): synced orders with filters (status, label,
 * ship-by window, order number) and bounded paging. Data comes from src/sync/query.h; no SQL
 * here. Server-rendered, bilingual, every value escaped (web/html.h).
 */
#include "web/orders_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/settlement.h"
#include "settlement/amounts.h"
#include "sync/query.h"
#include "sync/settings.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/shops.h"
#include "web/widget.h"

static void orders_filters(struct html *h, const struct query_orders_args *a)
{
    static const struct widget_option statuses[] = {
        {"1", "order_status_1"},   {"2", "order_status_2"}, {"3", "order_status_3"},
        {"4", "order_status_4"},   {"5", "order_status_5"}, {"41", "order_status_41"},
        {"51", "order_status_51"},
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
        .connection_id = a->connection_id,
    };
    widget_filter_form(h, &f);
}

/* What a page of orders needs beside the list: the shops, the orders' amounts, the
 * "due soon" window and now. */
struct orders_view {
    const json_t *shops, *amounts;
    int64_t soon_s, now;
};

/* The ship-by deadline, with "past due" / "due soon" for an order still to ship. */
static void orders_ship_by(struct html *h, const struct orders_view *v, const json_t *o)
{
    int64_t by = widget_json_int(o, "ship_by"), st = widget_json_int(o, "status");
    widget_time(h, by);
    if (by <= 0 || (st != 1 && st != 2 && st != 41))
        return;
    if (by < v->now)
        html_raw(h, " <span class=\"pill failed\" title=\"ship_by\">");
    else if (by - v->now <= v->soon_s)
        html_raw(h, " <span class=\"pill warning\" title=\"ship_soon_h\">");
    else
        return;
    widget_pair(h, by < v->now ? "已超时" : "即将到期", by < v->now ? "overdue" : "due soon");
    html_raw(h, "</span>");
}

/* What the buyer paid (temu.order.amount.v2.query), "—" when not fetched. */
static void orders_value(struct html *h, const struct orders_view *v, const json_t *o)
{
    char key[256];
    snprintf(key, sizeof key, "%s %s", widget_json_str(o, "connection_id"),
             widget_json_str(o, "parent_order_sn"));
    const json_t *a = json_object_get(v->amounts, key);
    if (a == NULL || widget_json_int(a, "paid_minor") < 0) {
        html_raw(h, "<span class=\"muted\" title=\"temu.order.amount.v2.query\">—</span>");
        return;
    }
    widget_money_minor(h, widget_json_int(a, "paid_minor"), widget_json_str(a, "currency"));
}

static void orders_row(struct html *h, const struct orders_view *v, const json_t *o)
{
    html_raw(h, "<tr><td>");
    widget_order_link(h, widget_json_str(o, "parent_order_sn"),
                      widget_json_str(o, "connection_id"));
    html_raw(h, "</td><td>");
    web_shop_cell(h, v->shops, widget_json_str(o, "connection_id"));
    html_raw(h, "</td><td>");
    widget_order_status(h, widget_json_int(o, "status"));
    html_raw(h, "</td><td>");
    widget_labels(h, json_object_get(o, "labels"));
    html_raw(h, "</td><td class=\"num\">");
    orders_value(h, v, o);
    html_raw(h, "</td><td>");
    orders_ship_by(h, v, o);
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(o, "update_time"));
    html_raw(h, "</td><td class=\"num\">");
    html_int(h, widget_json_int(o, "items"));
    html_raw(h, "</td></tr>");
}

static void orders_table(struct html *h, const struct query_orders_args *a, const json_t *doc,
                         bool filtered, const struct orders_view *v)
{
    static const char *const heads[] = {
        "订单号 / Order", "店铺 / Shop",    "状态 / Status",
        "标签 / Labels",  "金额 / Value",   "最晚发货 / Ship by",
        "更新 / Updated", "子订单 / Items", NULL,
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
        json_array_foreach(orders, i, o) orders_row(h, v, o);
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

json_t *web_orders_amounts(const struct app *app, const json_t *doc)
{
    const char *conns[SETTLE_AMOUNTS_BATCH], *sns[SETTLE_AMOUNTS_BATCH];
    size_t n = 0, i;
    const json_t *o;
    json_t *out = NULL;
    json_array_foreach(json_object_get(doc, "orders"), i, o)
    {
        if (n < SETTLE_AMOUNTS_BATCH) {
            conns[n] = widget_json_str(o, "connection_id");
            sns[n++] = widget_json_str(o, "parent_order_sn");
        }
    }
    if (settle_order_amounts_get(app->db, conns, sns, n, &out, NULL) != ERR_OK) {
        json_decref(out);
        out = json_object();
    }
    return out;
}

/* The operator's button that reads the listed shop's order amounts from Temu. */
static void orders_amounts_form(struct http_req *req, struct html *h,
                                const struct query_orders_args *a)
{
    if (!web_can(req, ROLE_OPERATOR))
        return;
    const struct widget_arg fields[] = {{"connection_id", a->connection_id}};
    html_raw(h, "<div class=\"card\" id=\"order-amounts\"><p class=\"muted\">");
    widget_msg(h, MSG_O_AMOUNTS_LEAD);
    html_raw(h, "</p>");
    widget_post_button(h, "/orders/amounts", req->auth, fields, 1, "secondary",
                       web_text(req, MSG_O_AMOUNTS_BUTTON));
    html_raw(h, "</div>");
}

enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_orders_args a;
    struct query_orders_filter f;
    struct errbuf why = {0};
    struct sync_settings set;
    json_t *doc = NULL, *shops = web_shops_load(req), *amounts = NULL;
    struct html h;
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err bad = query_orders_filter_parse(&a, &f, &why);
    enum err e = sync_settings_get(app->db, app->cfg, &set, eb);
    if (e == ERR_OK && bad == ERR_OK && (e = query_orders_list(app->db, &f, &doc, eb)) != ERR_OK)
        goto out;
    if (e != ERR_OK)
        goto out;
    amounts = web_orders_amounts(app, doc);
    const struct orders_view v = {shops, amounts, set.value[SYNC_SET_SHIP_SOON_H] * 3600,
                                  (int64_t)time(NULL)};
    web_page_begin(&h, resp, "订单 / Orders", "orders", req->auth);
    widget_page_head_msg(&h, "订单 / Orders", MSG_P_ORDERS_PAGE_7);
    if (bad != ERR_OK)
        widget_notice(&h, "error", errbuf_message(&why, bad));
    web_shop_switcher(&h, shops, a.connection_id, "/orders");
    orders_filters(&h, &a);
    if (bad == ERR_OK) {
        bool filtered =
            f.status >= 0 || f.label || f.ship_before || f.ship_after || f.q || f.connection_id;
        orders_table(&h, &a, doc, filtered, &v);
    }
    orders_amounts_form(req, &h, &a);
    e = web_page_end(&h, resp, bad ? http_status_for_err(bad) : 200);
out:
    json_decref(doc);
    json_decref(shops);
    json_decref(amounts);
    return e;
}

enum err page_orders_amounts(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = web_actor(req);
    const char *conn = http_req_form(req, "connection_id");
    struct settle_amounts_result r;
    struct errbuf why = {0};
    enum err e = app_settlement_amounts(req->app, &who, conn && *conn ? conn : NULL,
                                        SETTLE_AMOUNTS_BATCH, true, &r, &why);
    if (e != ERR_OK && !web_form_redirects(req, e)) {
        *eb = why;
        return e;
    }
    if (e != ERR_OK)
        return web_redirect_notice(req, resp, "/orders", "error", web_error_text(req, &why, e));
    char asked[24], stored[24], failed[24];
    snprintf(asked, sizeof asked, "%lld", (long long)r.asked);
    snprintf(stored, sizeof stored, "%lld", (long long)r.stored);
    snprintf(failed, sizeof failed, "%lld", (long long)r.failed);
    const char *text = web_textf(req, MSG_N_AMOUNTS_READ, asked, stored, failed);
    return web_redirect_notice(req, resp, "/orders", r.failed > 0 ? "error" : "ok", text);
}

/*
 * The Shipments pages: tracked parcels, one parcel's timeline, an order's parcels. See
 * shipments_page.h.
 */
#include "web/shipments_page.h"

#include <string.h>

#include "tracking/tracking.h"
#include "web/console.h"
#include "web/page.h"
#include "web/widget.h"

/* Both languages of a normalized status (its pill carries the code as its class). */
static const char *ship_status_label(const char *code)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"registered", "已登记 / Registered"},
        {"not_found", "查无信息 / Not found"},
        {"info_received", "已揽收信息 / Info received"},
        {"in_transit", "运输中 / In transit"},
        {"customs", "清关中 / Customs"},
        {"out_for_delivery", "派送中 / Out for delivery"},
        {"ready_for_pickup", "待自提 / Ready for pickup"},
        {"failed_attempt", "投递失败 / Failed attempt"},
        {"delivered", "已签收 / Delivered"},
        {"returning", "退回中 / Returning"},
        {"returned", "已退回 / Returned"},
        {"exception", "异常 / Exception"},
        {"expired", "已过期 / Expired"},
    };
    for (size_t i = 0; code != NULL && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].code, code) == 0)
            return labels[i].label;
    return code != NULL ? code : "";
}

static const char *ship_flag_label(const char *flag)
{
    if (strcmp(flag, "stalled") == 0)
        return "停滞 / Stalled";
    if (strcmp(flag, "delayed") == 0)
        return "延误 / Delayed";
    return "疑似丢失 / Lost suspect";
}

static void ship_flags(struct html *h, const json_t *flags)
{
    size_t i;
    const json_t *f;
    if (json_array_size(flags) == 0) {
        html_raw(h, "<span class=\"muted\">—</span>");
        return;
    }
    json_array_foreach(flags, i, f)
    {
        const char *flag = widget_json_str(f, "flag");
        widget_pill(h, "warning", ship_flag_label(flag));
        html_tpl(h, " <span class=\"mono flag-reason\">{}</span> ", widget_json_str(f, "reason"));
    }
}

static void ship_row(struct html *h, const json_t *s)
{
    html_raw(h, "<tr class=\"shipment\"><td class=\"mono\"><a href=\"/shipments/");
    html_attr(h, widget_json_str(s, "id"));
    html_tpl(h, "\">{}</a></td><td>", widget_json_str(s, "tracking_number"));
    if (*widget_json_str(s, "parent_order_sn") != '\0')
        widget_order_link(h, widget_json_str(s, "parent_order_sn"),
                          widget_json_str(s, "connection_id"));
    else
        html_raw(h, "<span class=\"muted\">—</span>");
    html_tpl(h, "</td><td>{}</td><td>{}</td><td>", widget_json_str(s, "carrier_name"),
             widget_json_str(s, "lane"));
    widget_pill(h, widget_json_str(s, "status"), ship_status_label(widget_json_str(s, "status")));
    html_tpl(h, " <span class=\"muted mono\">{}</span></td><td>",
             widget_json_str(s, "raw_sub_status"));
    ship_flags(h, json_object_get(s, "flags"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(s, "last_event_at"));
    html_raw(h, "</td></tr>");
}

static void ship_table(struct html *h, const json_t *list)
{
    static const char *const heads[] = {"运单号 / Tracking number",
                                        "订单 / Order",
                                        "承运商 / Carrier",
                                        "线路 / Lane",
                                        "状态 / Status",
                                        "标记 / Flags",
                                        "最近扫描 / Last scan",
                                        NULL};
    size_t i;
    const json_t *s;
    widget_table_begin(h, "shipment-list", NULL, heads);
    json_array_foreach(list, i, s) ship_row(h, s);
    widget_table_end(h);
}

static void ship_select(struct html *h, const char *name, const char *label,
                        const char *const *values, const char *cur)
{
    html_tpl(h, "<label>{} <select name=\"", label);
    html_attr(h, name);
    html_raw(h, "\"><option value=\"\">全部 / All</option>");
    for (size_t i = 0; values[i] != NULL; i++) {
        html_raw(h, "<option value=\"");
        html_attr(h, values[i]);
        html_raw(h, cur != NULL && strcmp(cur, values[i]) == 0 ? "\" selected>" : "\">");
        html_txt(h, values[i]);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></label> ");
}

static void ship_filters(struct html *h, const struct tracking_filter *f)
{
    static const char *const statuses[] = {
        "registered",       "not_found",        "info_received",  "in_transit", "customs",
        "out_for_delivery", "ready_for_pickup", "failed_attempt", "delivered",  "returning",
        "returned",         "exception",        "expired",        NULL};
    static const char *const flags[] = {"any", "stalled", "delayed", "lost_suspect", NULL};
    static const char *const lanes[] = {"domestic", "express", "line", "postal", NULL};
    html_raw(h, "<form method=\"get\" action=\"/shipments\" class=\"filters\" "
                "id=\"shipment-filters\">");
    ship_select(h, "status", "状态 / Status", statuses, f->status);
    ship_select(h, "flag", "标记 / Flag", flags, f->flag);
    ship_select(h, "lane", "线路 / Lane", lanes, f->lane);
    html_raw(h, "<label>承运商 / Carrier <input type=\"text\" name=\"carrier\" value=\"");
    html_attr(h, f->carrier != NULL ? f->carrier : "");
    html_raw(h, "\"></label> <label>店铺 / Shop <input type=\"text\" name=\"shop\" value=\"");
    html_attr(h, f->connection_id != NULL ? f->connection_id : "");
    html_raw(h, "\"></label> <button type=\"submit\">筛选 / Filter</button></form>");
}

/* A line naming how many open parcels have a carrier no mapping names, with the way to fix it. */
static void ship_unmapped(struct html *h, const struct app *app)
{
    struct connect_env env;
    struct tracking_summary t;
    struct errbuf ignore = {0};
    app_connect_env(app, &env);
    if (tracking_summary_get(&env, &t, &ignore) != ERR_OK || t.unmapped == 0)
        return;
    html_raw(h, "<p class=\"muted\" id=\"carriers-unmapped\">");
    html_int(h, t.unmapped);
    html_raw(h, " ");
    widget_pair(h, "个在途包裹的承运商没有映射(由 17TRACK 自动识别)。",
                "open parcels have a carrier no mapping names (left to 17TRACK's auto-detection).");
    html_raw(h, " <a href=\"/settings/tracking#carriers\">承运商映射 / Carrier mapping</a></p>");
}

enum err page_shipments(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct tracking_filter f;
    struct errbuf why = {0};
    json_t *doc = NULL;
    struct html h;
    enum err bad = tracking_filter_read(http_req_query_arg, req, &f, &why);
    enum err e = ERR_OK;
    if (bad == ERR_OK && (e = tracking_shipments_list(app->db, &f, &doc, eb)) != ERR_OK)
        return e;
    web_page_begin(&h, resp, "包裹 / Shipments", "shipments", req->auth);
    widget_page_head(&h, "包裹追踪 / Shipments",
                     "已发货订单的包裹、统一状态与延误标记。/ Parcels of shipped orders, their "
                     "normalized status and the reason of each flag.");
    if (bad != ERR_OK)
        widget_notice(&h, "error", errbuf_message(&why, bad));
    ship_unmapped(&h, app);
    ship_filters(&h, &f);
    html_raw(&h, "<section class=\"card\" id=\"shipments\">");
    if (bad == ERR_OK && json_array_size(json_object_get(doc, "shipments")) == 0)
        widget_empty(&h, "shipments-empty",
                     "没有符合条件的包裹 / No parcels match: choose a provider in Settings > "
                     "Carrier tracking (/settings/tracking), then wait for a refresh.");
    else if (bad == ERR_OK)
        ship_table(&h, json_object_get(doc, "shipments"));
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, bad ? http_status_for_err(bad) : 200);
    json_decref(doc);
    return e;
}

static void ship_kv_time(struct html *h, const char *label, int64_t t)
{
    html_tpl(h, "<dt>{}</dt><dd>", label);
    widget_time(h, t);
    html_raw(h, "</dd>");
}

static void ship_timeline(struct html *h, const json_t *events)
{
    static const char *const heads[] = {"时间 / Time", "状态 / Status", "描述 / Description",
                                        "地点 / Location", NULL};
    size_t i;
    const json_t *ev;
    html_raw(h, "<section class=\"card\" id=\"timeline\"><h2>轨迹 / Timeline</h2>");
    if (json_array_size(events) == 0) {
        widget_empty(h, "timeline-empty", "尚无扫描记录 / No scans yet.");
    } else {
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(events, i, ev)
        {
            html_raw(h, "<tr class=\"event\"><td>");
            widget_time(h, widget_json_int(ev, "at"));
            html_raw(h, "</td><td>");
            widget_pill(h, widget_json_str(ev, "status"),
                        ship_status_label(widget_json_str(ev, "status")));
            html_tpl(h, " <span class=\"muted mono\">{}</span></td><td>{}</td><td>{}</td></tr>",
                     widget_json_str(ev, "raw_status"), widget_json_str(ev, "description"),
                     widget_json_str(ev, "location"));
        }
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

enum err page_shipment(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *s = NULL;
    struct html h;
    enum err e = tracking_shipment_get(app->db, http_req_param(req, "id"), &s, eb);
    if (e != ERR_OK)
        return e;
    web_page_begin(&h, resp, "包裹 / Shipment", "shipments", req->auth);
    widget_page_head(&h, "包裹 / Shipment", widget_json_str(s, "tracking_number"));
    html_tpl(&h,
             "<p><a href=\"/shipments\">← 返回包裹列表 / Back to shipments</a></p><section "
             "class=\"card\" id=\"shipment\"><dl class=\"kv\"><dt>承运商 / Carrier</dt><dd>{}</dd>"
             "<dt>线路 / Lane</dt><dd>{}</dd><dt>服务商 / Provider</dt><dd>{}</dd><dt>状态 / "
             "Status</dt><dd>",
             widget_json_str(s, "carrier_name"), widget_json_str(s, "lane"),
             widget_json_str(s, "provider"));
    widget_pill(&h, widget_json_str(s, "status"), ship_status_label(widget_json_str(s, "status")));
    html_tpl(&h, " <span class=\"mono muted\">{} / {}</span></dd><dt>标记 / Flags</dt><dd>",
             widget_json_str(s, "raw_status"), widget_json_str(s, "raw_sub_status"));
    ship_flags(&h, json_object_get(s, "flags"));
    html_raw(&h, "</dd>");
    ship_kv_time(&h, "发货 / Shipped", widget_json_int(s, "shipped_at"));
    ship_kv_time(&h, "承诺送达 / Promised by", widget_json_int(s, "promise_at"));
    ship_kv_time(&h, "揽收 / Picked up", widget_json_int(s, "picked_up_at"));
    ship_kv_time(&h, "签收 / Delivered", widget_json_int(s, "delivered_at"));
    ship_kv_time(&h, "最近刷新 / Refreshed", widget_json_int(s, "refreshed_at"));
    html_raw(&h, "</dl></section>");
    ship_timeline(&h, json_object_get(s, "events"));
    e = web_page_end(&h, resp, 200);
    json_decref(s);
    return e;
}

void web_order_parcels(struct http_req *req, struct html *h, const json_t *o)
{
    const struct app *app = req->app;
    struct tracking_filter f = {.connection_id = widget_json_str(o, "connection_id"),
                                .parent_order_sn = widget_json_str(o, "parent_order_sn"),
                                .limit = 50};
    struct errbuf eb = {0};
    json_t *doc = NULL;
    html_raw(h, "<section class=\"card\" id=\"parcels\"><h2>包裹 / Parcels</h2>");
    if (tracking_shipments_list(app->db, &f, &doc, &eb) != ERR_OK)
        widget_notice(h, "error", errbuf_message(&eb, ERR_DB));
    else if (json_array_size(json_object_get(doc, "shipments")) == 0)
        widget_empty(h, "parcels-empty", "尚未追踪包裹 / No parcel of this order is tracked yet.");
    else
        ship_table(h, json_object_get(doc, "shipments"));
    html_raw(h, "</section>");
    json_decref(doc);
}

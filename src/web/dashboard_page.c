#include "web/dashboard_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sync/dashboard.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/shops.h"
#include "web/widget.h"

#define CHART_W   700 /* the chart's viewBox */
#define CHART_H   180
#define CHART_TOP 16
#define CHART_BOT 24 /* room for the day labels */

static void dash_stat(struct html *h, const char *id, const char *zh, const char *en, int64_t v)
{
    html_tpl(h, "<div class=\"stat\" id=\"{}\"><div class=\"k\">", id);
    widget_pair(h, zh, en);
    html_raw(h, "</div><div class=\"v\">");
    html_int(h, v);
    html_raw(h, "</div></div>");
}

static void dash_stats(struct html *h, const json_t *d)
{
    int64_t shipped = widget_json_int(d, "shipped"), ok = widget_json_int(d, "shipped_on_time");
    html_raw(h, "<div class=\"grid grid-4\">");
    dash_stat(h, "dash-orders", "订单", "Orders", widget_json_int(d, "orders_total"));
    dash_stat(h, "dash-late", "逾期未发货", "Late parcels", widget_json_int(d, "late"));
    dash_stat(h, "dash-cases", "未结买家请求", "Open buyer cases",
              widget_json_int(d, "open_cases"));
    html_raw(h, "<div class=\"stat\" id=\"dash-on-time\"><div class=\"k\">");
    widget_pair(h, "准时发货", "Shipped on time");
    html_raw(h, "</div><div class=\"v\"><small>");
    if (shipped == 0) {
        widget_msg(h, MSG_W_NONE);
    } else {
        char pct[16], a[24], b[24];
        snprintf(pct, sizeof pct, "%lld", (long long)(ok * 100 / shipped));
        snprintf(a, sizeof a, "%lld", (long long)ok);
        snprintf(b, sizeof b, "%lld", (long long)shipped);
        widget_msgf(h, MSG_D_ON_TIME, pct, a, b);
    }
    html_raw(h, "</small></div></div></div>");
}

/* One bar: x, height (in viewBox units), its day and count in the tooltip and label. */
static void dash_bar(struct html *h, int x, int w, int bh, int64_t day, int64_t n, bool label)
{
    char when[16], count[24];
    time_t t = (time_t)day;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%m-%d", &tm) == 0)
        snprintf(when, sizeof when, "?");
    snprintf(count, sizeof count, "%lld", (long long)n);
    html_raw(h, "<g class=\"bar\"><rect x=\"");
    html_int(h, x);
    html_raw(h, "\" y=\"");
    html_int(h, CHART_H - CHART_BOT - bh);
    html_raw(h, "\" width=\"");
    html_int(h, w);
    html_raw(h, "\" height=\"");
    html_int(h, bh);
    html_tpl(h, "\"><title>{}: {}</title></rect>", when, count);
    if (label) {
        html_raw(h, "<text x=\"");
        html_int(h, x + w / 2);
        html_raw(h, "\" y=\"");
        html_int(h, CHART_H - 6);
        html_tpl(h, "\" text-anchor=\"middle\">{}</text>", when);
    }
    if (n > 0) {
        html_raw(h, "<text x=\"");
        html_int(h, x + w / 2);
        html_raw(h, "\" y=\"");
        html_int(h, CHART_H - CHART_BOT - bh - 3);
        html_tpl(h, "\" text-anchor=\"middle\">{}</text>", count);
    }
    html_raw(h, "</g>");
}

/* Orders per day as an inline SVG bar chart, the numbers also in a table for screen readers. */
static void dash_chart(struct html *h, const json_t *days)
{
    size_t n = json_array_size(days), i;
    const json_t *d;
    int64_t max = 0;
    json_array_foreach(days, i, d)
    {
        if (widget_json_int(d, "orders") > max)
            max = widget_json_int(d, "orders");
    }
    html_raw(h, "<section class=\"card\" id=\"orders-chart\"><h2>每日订单 / Orders per day</h2>");
    html_raw(h, "<svg class=\"chart\" viewBox=\"0 0 700 180\" role=\"img\" "
                "aria-labelledby=\"oc-t\"><title id=\"oc-t\">");
    widget_pair(h, "最近 14 天每日订单数", "Orders per day, last 14 days");
    html_raw(h, "</title>");
    int slot = n > 0 ? CHART_W / (int)n : CHART_W, avail = CHART_H - CHART_TOP - CHART_BOT;
    json_array_foreach(days, i, d)
    {
        int64_t v = widget_json_int(d, "orders");
        int bh = max > 0 ? (int)(v * avail / max) : 0;
        dash_bar(h, (int)i * slot + 4, slot - 8, bh, widget_json_int(d, "day"), v, i % 2 == 0);
    }
    html_raw(h, "</svg>");
    if (max == 0) {
        html_raw(h, "<p class=\"muted\" id=\"orders-chart-empty\">");
        widget_msg(h, MSG_D_NO_ORDERS);
        html_raw(h, "</p>");
    }
    html_raw(h, "</section>");
}

/* The 14 days' order values per currency; where settled money is compared with expected. */
static void dash_money(struct html *h, const json_t *money)
{
    static const char *const heads[] = {"币种 / Currency", "有金额的订单 / Orders with a value",
                                        "买家实付 / Buyer paid", "预计结算 / Estimated settlement",
                                        NULL};
    size_t i;
    const json_t *m;
    html_raw(h, "<section class=\"card\" id=\"money\"><h2>金额 / Money</h2>");
    if (json_array_size(money) == 0) {
        widget_empty_msg(h, "money-empty", MSG_D_MONEY_NONE);
    } else {
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(money, i, m)
        {
            const char *cur = widget_json_str(m, "currency");
            html_tpl(h, "<tr><td>{}</td><td class=\"num\">", cur);
            html_int(h, widget_json_int(m, "orders"));
            html_raw(h, "</td><td class=\"num\">");
            widget_money_minor(h, widget_json_int(m, "paid_minor"), cur);
            html_raw(h, "</td><td class=\"num\">");
            widget_money_minor(h, widget_json_int(m, "settle_minor"), cur);
            html_raw(h, "</td></tr>");
        }
        widget_table_end(h);
    }
    html_raw(h, "<p class=\"muted\">");
    widget_msg(h, MSG_D_SETTLED_NONE);
    html_raw(h, " <a href=\"/settlements\">");
    widget_pair(h, "结算", "Settlements");
    html_raw(h, "</a></p></section>");
}

enum err page_dashboard(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *conn = http_req_query(req, "connection_id");
    if (conn != NULL && *conn == '\0')
        conn = NULL;
    json_t *d = NULL;
    enum err e = sync_dashboard(app->db, conn, (int64_t)time(NULL), &d, eb);
    if (e != ERR_OK)
        return e;
    struct html h;
    web_page_begin(&h, resp, "店铺看板 / Shop dashboard", "dashboard", req->auth);
    widget_page_head_msg(&h, "店铺看板 / Shop dashboard", MSG_D_LEAD);
    json_t *shops = web_shops_load(req);
    web_shop_switcher(&h, shops, conn, "/dashboard");
    json_decref(shops);
    html_raw(&h, "<p class=\"muted\" id=\"dash-as-of\">");
    widget_pair(&h, "数据时间", "Figures as of");
    html_raw(&h, ": ");
    widget_time_ago(&h, widget_json_int(d, "computed_at"), (int64_t)time(NULL));
    html_raw(&h, "</p>");
    dash_stats(&h, d);
    dash_chart(&h, json_object_get(d, "days"));
    dash_money(&h, json_object_get(d, "money"));
    e = web_page_end(&h, resp, 200);
    json_decref(d);
    return e;
}

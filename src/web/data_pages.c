/*
 * The console data pages (issue 7, "Console"): orders with filters and paging, one order
 * with its sub-orders, the sync runs and per-stream state with retry and resume forms, and
 * the products and buyer-cases pages. Server-rendered, bilingual labels, no script or inline
 * style (CSP default-src 'self'), every value escaped; every action is a plain form carrying
 * the CSRF token. Data comes from src/sync/query.h and src/sync/sync.h; no SQL here. The order
 * detail shows the status history the sync recorded; the products page lists products with
 * their SKUs once the products stream has succeeded.
 */
#include "web/data_pages.h"

#include <stdio.h>
#include <string.h>

#include "app/sync.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "sync/query.h"
#include "sync/sync.h"
#include "web/console.h"
#include "web/html.h"
#include "web/page.h"

#define DP_RUNS_SHOWN  50  /* runs on the /sync page */
#define DP_CASES_SHOWN 100 /* buyer cases on the /cases page */

/* A page's fixed notice (never text from the URL). */
struct dp_notice {
    const char *kind; /* "ok", "error", "info" or NULL for none */
    const char *text;
};

static const struct auth_principal *dp_who(const struct http_req *req)
{
    return req->auth;
}

static bool dp_can(const struct http_req *req, enum auth_role need)
{
    const struct auth_principal *p = dp_who(req);
    return p != NULL && p->role >= need;
}

static const char *dp_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int64_t dp_int(const json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

/* Percent-encodes s for a URL path segment or query value. */
static enum err dp_url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum err e = ERR_OK;
    for (; e == ERR_OK && *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            char one = (char)ch;
            e = buf_append(b, &one, 1);
        } else {
            char three[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            e = buf_append(b, three, 3);
        }
    }
    return e;
}

static enum err dp_pill(struct buf *b, const char *cls, const char *text)
{
    enum err e = buf_puts(b, "<span class=\"pill ");
    e = e ? e : html_escape(b, cls);
    e = e ? e : buf_puts(b, "\">");
    e = e ? e : html_escape(b, text);
    return e ? e : buf_puts(b, "</span>");
}

/* The bilingual label of an order status name. */
static const char *dp_status_label(const char *name)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"pending", "待处理 / pending"},
        {"un_shipping", "待发货 / to ship"},
        {"canceled", "已取消 / canceled"},
        {"shipped", "已发货 / shipped"},
        {"receipted", "已签收 / received"},
        {"partially_shipped", "部分发货 / partially shipped"},
        {"partially_received", "部分签收 / partially received"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (strcmp(labels[i].code, name) == 0)
            return labels[i].label;
    }
    return "未知 / unknown";
}

static enum err dp_begin(struct http_req *req, struct buf *b, const char *title, const char *active,
                         const char *lead, const struct dp_notice *n)
{
    buf_reset(b);
    enum err e = web_layout_begin(b, title, active, dp_who(req));
    e = e ? e : buf_puts(b, "<div class=\"page-head\"><h1>");
    e = e ? e : html_escape(b, title);
    e = e ? e : buf_puts(b, "</h1><p>");
    e = e ? e : html_escape(b, lead);
    e = e ? e : buf_puts(b, "</p></div>");
    if (e == ERR_OK && n != NULL && n->kind != NULL) {
        e = buf_printf(b, "<div class=\"notice %s\" id=\"notice\" role=\"status\">", n->kind);
        e = e ? e : html_escape(b, n->text);
        e = e ? e : buf_puts(b, "</div>");
    }
    return e;
}

static enum err dp_end(struct buf *b, struct http_resp *resp, int status)
{
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    return web_layout_end(b);
}

/* ---- orders ------------------------------------------------------------------------------ */

/* Appends name=value& (value percent-encoded) when value is present. */
static enum err dp_href_arg(struct buf *b, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return ERR_OK;
    enum err e = buf_printf(b, "%s=", name);
    e = e ? e : dp_url_encode(b, value);
    return e ? e : buf_puts(b, "&amp;");
}

/* The /orders link for page with the current filters. */
static enum err dp_orders_href(struct buf *b, const struct query_orders_args *a, int64_t page)
{
    enum err e = buf_puts(b, "/orders?");
    e = e ? e : dp_href_arg(b, "connection_id", a->connection_id);
    e = e ? e : dp_href_arg(b, "status", a->status);
    e = e ? e : dp_href_arg(b, "label", a->label);
    e = e ? e : dp_href_arg(b, "ship_after", a->ship_after);
    e = e ? e : dp_href_arg(b, "ship_before", a->ship_before);
    e = e ? e : dp_href_arg(b, "q", a->q);
    e = e ? e : dp_href_arg(b, "limit", a->limit);
    return e ? e : buf_printf(b, "page=%lld", (long long)page);
}

static enum err dp_input(struct buf *b, const char *label, const char *type, const char *name,
                         const char *value, const char *placeholder)
{
    enum err e = buf_printf(b, "<label>%s<input type=\"%s\" name=\"%s\" id=\"f-%s\" value=\"",
                            label, type, name, name);
    e = e ? e : html_escape(b, value ? value : "");
    e = e ? e : buf_printf(b, "\" placeholder=\"%s\"></label>", placeholder);
    return e;
}

static enum err dp_orders_filters(struct buf *b, const struct query_orders_args *a)
{
    static const struct {
        const char *value, *name;
    } statuses[] = {{"1", "pending"},
                    {"2", "un_shipping"},
                    {"3", "canceled"},
                    {"4", "shipped"},
                    {"5", "receipted"},
                    {"41", "partially_shipped"},
                    {"51", "partially_received"}};
    enum err e = buf_puts(b, "<form class=\"filters card\" method=\"get\" action=\"/orders\" "
                             "id=\"order-filters\"><label>状态 / Status<select name=\"status\" "
                             "id=\"f-status\"><option value=\"\">全部 / all</option>");
    for (size_t i = 0; e == ERR_OK && i < sizeof statuses / sizeof statuses[0]; i++)
        e = buf_printf(b, "<option value=\"%s\"%s>%s</option>", statuses[i].value,
                       a->status != NULL && strcmp(a->status, statuses[i].value) == 0 ? " selected"
                                                                                      : "",
                       dp_status_label(statuses[i].name));
    e = e ? e : buf_puts(b, "</select></label>");
    e = e ? e
          : dp_input(b, "标签 / Label", "text", "label", a->label,
                     "past_due, soon_to_be_overdue …");
    e = e ? e : dp_input(b, "最晚发货从 / Ship by from", "date", "ship_after", a->ship_after, "");
    e = e ? e
          : dp_input(b, "最晚发货早于 / Ship by before", "date", "ship_before", a->ship_before, "");
    e = e ? e : dp_input(b, "订单号 / Order number", "search", "q", a->q, "PO-…");
    if (e == ERR_OK && a->limit != NULL && *a->limit != '\0') {
        e = buf_puts(b, "<input type=\"hidden\" name=\"limit\" value=\"");
        e = e ? e : html_escape(b, a->limit);
        e = e ? e : buf_puts(b, "\">");
    }
    return e ? e
             : buf_puts(b, "<div class=\"actions\"><button type=\"submit\">筛选 / Filter</button> "
                           "<a class=\"button secondary\" href=\"/orders\">清除 / Clear</a></div>"
                           "</form>");
}

static enum err dp_labels(struct buf *b, const json_t *labels)
{
    size_t i;
    const json_t *l;
    enum err e = ERR_OK;
    if (json_array_size(labels) == 0)
        return buf_puts(b, "<span class=\"muted\">—</span>");
    json_array_foreach(labels, i, l)
    {
        e = e ? e : dp_pill(b, "label", json_string_value(l) ? json_string_value(l) : "");
        e = e ? e : buf_puts(b, " ");
    }
    return e;
}

static enum err dp_order_link(struct buf *b, const json_t *o)
{
    enum err e = buf_puts(b, "<a class=\"mono\" href=\"/orders/");
    e = e ? e : dp_url_encode(b, dp_str(o, "parent_order_sn"));
    e = e ? e : buf_puts(b, "?connection_id=");
    e = e ? e : dp_url_encode(b, dp_str(o, "connection_id"));
    e = e ? e : buf_puts(b, "\">");
    e = e ? e : html_escape(b, dp_str(o, "parent_order_sn"));
    return e ? e : buf_puts(b, "</a>");
}

static enum err dp_orders_table(struct buf *b, const struct query_orders_args *a, const json_t *doc,
                                bool filtered)
{
    const json_t *orders = json_object_get(doc, "orders");
    int64_t total = dp_int(doc, "total"), page = dp_int(doc, "page"), pages = dp_int(doc, "pages");
    enum err e = buf_puts(b, "<section class=\"card\" id=\"orders\">");
    if (json_array_size(orders) == 0) {
        e = e ? e
              : buf_puts(b, filtered || page > 1
                                ? "<div class=\"empty\" id=\"orders-empty\">没有符合条件的订单 / "
                                  "No orders match these filters.</div>"
                                : "<div class=\"empty\" id=\"orders-empty\">尚未同步任何订单 / "
                                  "No orders have been synced yet. 在<a href=\"/sync\">同步</a>页"
                                  "查看运行记录 / See the <a href=\"/sync\">Sync</a> page.</div>");
    } else {
        e = e ? e
              : buf_puts(b, "<table><thead><tr><th>订单号 / Order</th><th>状态 / Status</th>"
                            "<th>标签 / Labels</th><th>最晚发货 / Ship by</th><th>下单 / "
                            "Ordered</th><th>更新 / Updated</th><th>子订单 / Items</th></tr>"
                            "</thead><tbody>");
        size_t i;
        const json_t *o;
        json_array_foreach(orders, i, o)
        {
            e = e ? e : buf_puts(b, "<tr><td>");
            e = e ? e : dp_order_link(b, o);
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e
                  : dp_pill(b, dp_str(o, "status_name"), dp_status_label(dp_str(o, "status_name")));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : dp_labels(b, json_object_get(o, "labels"));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : web_time(b, dp_int(o, "ship_by"));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : web_time(b, dp_int(o, "order_time"));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : web_time(b, dp_int(o, "update_time"));
            e = e ? e : buf_printf(b, "</td><td>%lld</td></tr>", (long long)dp_int(o, "items"));
        }
        e = e ? e : buf_puts(b, "</tbody></table>");
    }
    e = e ? e
          : buf_printf(b,
                       "<nav class=\"pager\" aria-label=\"分页 / Pages\"><span id=\"pager-info\">"
                       "第 %lld / %lld 页 · 共 %lld 条 / Page %lld of %lld · %lld orders</span>",
                       (long long)page, (long long)(pages > 0 ? pages : 1), (long long)total,
                       (long long)page, (long long)(pages > 0 ? pages : 1), (long long)total);
    if (e == ERR_OK && page > 1) {
        e = buf_puts(b, " <a rel=\"prev\" href=\"");
        e = e ? e : dp_orders_href(b, a, page - 1);
        e = e ? e : buf_puts(b, "\">← 上一页 / Previous</a>");
    }
    if (e == ERR_OK && page < pages && page < LIMIT_QUERY_PAGE_MAX) {
        e = buf_puts(b, " <a rel=\"next\" href=\"");
        e = e ? e : dp_orders_href(b, a, page + 1);
        e = e ? e : buf_puts(b, "\">下一页 / Next →</a>");
    }
    return e ? e : buf_puts(b, "</nav></section>");
}

enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_orders_args a;
    struct query_orders_filter f;
    struct errbuf why = {0};
    json_t *doc = NULL;
    struct buf *b = &resp->body;
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err bad = query_orders_filter_parse(&a, &f, &why);
    enum err e = ERR_OK;
    if (bad == ERR_OK && (e = query_orders_list(app->db, &f, &doc, eb)) != ERR_OK)
        goto out;
    struct dp_notice n = {bad ? "error" : NULL, bad ? errbuf_message(&why, bad) : NULL};
    e = dp_begin(req, b, "订单 / Orders", "orders",
                 "已同步的 Temu 订单,按更新时间倒序。/ Synced Temu orders, newest update first.",
                 &n);
    e = e ? e : dp_orders_filters(b, &a);
    if (bad == ERR_OK) {
        bool filtered =
            f.status >= 0 || f.label || f.ship_before || f.ship_after || f.q || f.connection_id;
        e = e ? e : dp_orders_table(b, &a, doc, filtered);
    }
    e = e ? e : dp_end(b, resp, bad ? http_status_for_err(bad) : 200);
out:
    json_decref(doc);
    return e;
}

static enum err dp_kv_time(struct buf *b, const char *label, int64_t t)
{
    enum err e = buf_printf(b, "<dt>%s</dt><dd>", label);
    e = e ? e : web_time(b, t);
    return e ? e : buf_puts(b, "</dd>");
}

static enum err dp_order_items(struct buf *b, const json_t *items)
{
    enum err e = buf_puts(b, "<section class=\"card\" id=\"items\"><h2>子订单 / Sub-orders</h2>");
    if (json_array_size(items) == 0)
        return e ? e
                 : buf_puts(b, "<div class=\"empty\">没有子订单 / No sub-orders stored.</div>"
                               "</section>");
    e = e ? e
          : buf_puts(b, "<table><thead><tr><th>子订单号 / Sub-order</th><th>商品 / Goods</th>"
                        "<th>规格 / Spec</th><th>商品 ID / Goods ID</th><th>SKU ID</th><th>数量 "
                        "/ Qty</th><th>状态 / Status</th></tr></thead><tbody>");
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        e = e ? e : buf_puts(b, "<tr><td class=\"mono\">");
        e = e ? e : html_escape(b, dp_str(it, "order_sn"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(it, "goods_name"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(it, "spec"));
        e = e ? e
              : buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
                           (long long)dp_int(it, "goods_id"), (long long)dp_int(it, "sku_id"),
                           (long long)dp_int(it, "quantity"));
        e = e ? e
              : dp_pill(b, dp_str(it, "status_name"), dp_status_label(dp_str(it, "status_name")));
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table></section>");
}

/* The statuses the sync saw the order in, oldest first (query_order_get's status_history). */
static enum err dp_order_history(struct buf *b, const json_t *history)
{
    enum err e = buf_puts(b, "<section class=\"card\" id=\"status-history\"><h2>状态历史 / "
                             "Status history</h2>");
    if (json_array_size(history) == 0)
        return e ? e
                 : buf_puts(b, "<div class=\"empty\" id=\"history-empty\">尚无状态记录 / No "
                               "status has been recorded for this order yet.</div></section>");
    e = e ? e
          : buf_puts(b, "<p class=\"muted\">同步首次保存订单及每次状态变化时各记一条。/ One "
                        "entry when the sync first stored the order and one for each status "
                        "change it saw.</p><table><thead><tr><th>状态 / Status</th><th>平台更新 / "
                        "Updated (updateTime)</th><th>同步发现 / Seen by sync</th></tr></thead>"
                        "<tbody>");
    size_t i;
    const json_t *h;
    json_array_foreach(history, i, h)
    {
        e = e ? e : buf_puts(b, "<tr class=\"history-entry\"><td>");
        e = e ? e : dp_pill(b, dp_str(h, "status_name"), dp_status_label(dp_str(h, "status_name")));
        e = e ? e
              : buf_printf(b, " <span class=\"muted\">(%lld)</span></td><td>",
                           (long long)dp_int(h, "status"));
        e = e ? e : web_time(b, dp_int(h, "update_time"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, dp_int(h, "seen_at"));
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table></section>");
}

enum err page_order_detail(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *sn = http_req_param(req, "sn");
    const char *conn = http_req_query(req, "connection_id");
    struct buf *b = &resp->body;
    json_t *o = NULL;
    enum err e = query_order_get(app->db, conn != NULL && *conn != '\0' ? conn : NULL, sn, &o, eb);
    if (e == ERR_NOTFOUND) {
        struct dp_notice n = {"error", "未找到该订单 / No such order has been synced."};
        e = dp_begin(req, b, "订单 / Order", "orders", sn ? sn : "", &n);
        e = e ? e : buf_puts(b, "<p><a href=\"/orders\">← 返回订单列表 / Back to orders</a></p>");
        e = e ? e : dp_end(b, resp, 404);
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    e = dp_begin(req, b, "订单 / Order", "orders", dp_str(o, "parent_order_sn"), NULL);
    e = e ? e
          : buf_puts(b, "<p><a href=\"/orders\">← 返回订单列表 / Back to orders</a></p>"
                        "<section class=\"card\" id=\"order\"><dl class=\"kv\"><dt>订单号 / "
                        "Order</dt><dd class=\"mono\">");
    e = e ? e : html_escape(b, dp_str(o, "parent_order_sn"));
    e = e ? e : buf_puts(b, "</dd><dt>连接 / Connection</dt><dd class=\"mono\">");
    e = e ? e : html_escape(b, dp_str(o, "connection_id"));
    e = e ? e : buf_puts(b, "</dd><dt>状态 / Status</dt><dd>");
    e = e ? e : dp_pill(b, dp_str(o, "status_name"), dp_status_label(dp_str(o, "status_name")));
    e = e ? e
          : buf_printf(b, " <span class=\"muted\">(%lld)</span>", (long long)dp_int(o, "status"));
    e = e ? e : buf_puts(b, "</dd><dt>标签 / Labels</dt><dd>");
    e = e ? e : dp_labels(b, json_object_get(o, "labels"));
    e = e ? e : buf_puts(b, "</dd>");
    e = e ? e : dp_kv_time(b, "下单 / Ordered", dp_int(o, "order_time"));
    e = e ? e : dp_kv_time(b, "最晚发货 / Ship by", dp_int(o, "ship_by"));
    e = e ? e : dp_kv_time(b, "平台更新 / Updated (updateTime)", dp_int(o, "update_time"));
    e = e ? e : dp_kv_time(b, "首次同步 / First synced", dp_int(o, "first_synced_at"));
    e = e ? e : dp_kv_time(b, "最近同步 / Last synced", dp_int(o, "synced_at"));
    e = e ? e : buf_puts(b, "</dl></section>");
    e = e ? e : dp_order_items(b, json_object_get(o, "items"));
    e = e ? e : dp_order_history(b, json_object_get(o, "status_history"));
    e = e ? e : dp_end(b, resp, 200);
out:
    json_decref(o);
    return e;
}

/* ---- sync -------------------------------------------------------------------------------- */

/* A POST form with one button carrying connection_id and stream. */
static enum err dp_stream_form(struct http_req *req, struct buf *b, const char *action,
                               const char *conn, const char *stream, const char *label)
{
    enum err e = buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"%s\">", action);
    e = e ? e : web_csrf_field(b, dp_who(req));
    e = e ? e : buf_puts(b, "<input type=\"hidden\" name=\"connection_id\" value=\"");
    e = e ? e : html_escape(b, conn);
    e = e ? e : buf_puts(b, "\"><input type=\"hidden\" name=\"stream\" value=\"");
    e = e ? e : html_escape(b, stream);
    return e ? e
             : buf_printf(b, "\"><button class=\"small\" type=\"submit\">%s</button></form>",
                          label);
}

static enum err dp_states(struct http_req *req, struct buf *b, const json_t *states)
{
    enum err e = buf_puts(b, "<section class=\"card\" id=\"streams\"><h2>同步流状态 / Stream "
                             "state</h2>");
    if (json_array_size(states) == 0)
        return e ? e
                 : buf_puts(b, "<div class=\"empty\">还没有任何同步流运行过 / No stream has run "
                               "yet.</div></section>");
    e = e ? e
          : buf_puts(b, "<table><thead><tr><th>连接 / Connection</th><th>流 / Stream</th><th>"
                        "水位 / Watermark</th><th>回填 / Backfill</th><th>最近成功 / Last "
                        "success</th><th>连续失败 / Failures</th><th>状态 / State</th><th>操作 / "
                        "Actions</th></tr></thead><tbody>");
    size_t i;
    const json_t *s;
    json_array_foreach(states, i, s)
    {
        bool paused = json_is_true(json_object_get(s, "paused"));
        e = e ? e : buf_puts(b, "<tr><td class=\"mono\">");
        e = e ? e : html_escape(b, dp_str(s, "connection_id"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(s, "stream"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, dp_int(s, "watermark"));
        e = e ? e
              : buf_puts(b, json_is_true(json_object_get(s, "backfill_done"))
                                ? "</td><td>完成 / done</td><td>"
                                : "</td><td>进行中 / in progress</td><td>");
        e = e ? e : web_time(b, dp_int(s, "last_success_at"));
        e = e ? e
              : buf_printf(b, "</td><td>%lld</td><td>",
                           (long long)dp_int(s, "consecutive_failures"));
        e = e        ? e
            : paused ? dp_pill(b, "paused", "暂停 / paused")
                     : dp_pill(b, "active", "正常 / active");
        if (e == ERR_OK && *dp_str(s, "warning") != '\0') {
            e = buf_puts(b, " <span class=\"muted\">");
            e = e ? e : html_escape(b, dp_str(s, "warning"));
            e = e ? e : buf_puts(b, "</span>");
        }
        e = e ? e : buf_puts(b, "</td><td>");
        if (e == ERR_OK && dp_can(req, ROLE_OPERATOR) && !paused)
            e = dp_stream_form(req, b, "/sync/retry", dp_str(s, "connection_id"),
                               dp_str(s, "stream"), "立即同步 / Sync now");
        if (e == ERR_OK && dp_can(req, ROLE_OPS) && paused)
            e = dp_stream_form(req, b, "/sync/resume", dp_str(s, "connection_id"),
                               dp_str(s, "stream"), "恢复 / Resume");
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table></section>");
}

static enum err dp_runs(struct http_req *req, struct buf *b, const json_t *runs)
{
    enum err e = buf_puts(b, "<section class=\"card\" id=\"runs\"><h2>同步记录 / Sync runs</h2>");
    if (json_array_size(runs) == 0)
        return e ? e
                 : buf_puts(b, "<div class=\"empty\">还没有同步记录 / No sync has run yet.</div>"
                               "</section>");
    e = e ? e
          : buf_puts(b, "<table><thead><tr><th>流 / Stream</th><th>连接 / Connection</th><th>"
                        "触发 / Trigger</th><th>开始 / Started</th><th>结束 / Finished</th><th>"
                        "页 / Pages</th><th>新增·更新·未变·失败 / Added·updated·unchanged·"
                        "failed</th><th>结果 / Outcome</th><th>错误 / Error</th><th></th></tr>"
                        "</thead><tbody>");
    size_t i;
    const json_t *r;
    json_array_foreach(runs, i, r)
    {
        const json_t *c = json_object_get(r, "counts"), *err = json_object_get(r, "error");
        const char *outcome = dp_str(r, "outcome");
        e = e ? e : buf_puts(b, "<tr><td>");
        e = e ? e : html_escape(b, dp_str(r, "stream"));
        e = e ? e : buf_puts(b, "</td><td class=\"mono\">");
        e = e ? e : html_escape(b, dp_str(r, "connection_id"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(r, "trigger"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, dp_int(r, "started_at"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, dp_int(r, "finished_at"));
        e = e ? e
              : buf_printf(b, "</td><td>%lld</td><td>%lld · %lld · %lld · %lld</td><td>",
                           (long long)dp_int(r, "pages"), (long long)dp_int(c, "added"),
                           (long long)dp_int(c, "updated"), (long long)dp_int(c, "unchanged"),
                           (long long)dp_int(c, "failed"));
        e = e ? e : dp_pill(b, strcmp(outcome, "success") == 0 ? "pass" : "failed", outcome);
        e = e ? e : buf_puts(b, "</td><td>");
        if (e == ERR_OK && json_is_object(err)) {
            e = buf_puts(b, "<code>");
            e = e ? e : html_escape(b, dp_str(err, "class"));
            e = e ? e : buf_printf(b, " %lld</code> ", (long long)dp_int(err, "code"));
            e = e ? e : html_escape(b, dp_str(err, "message"));
        }
        e = e ? e : buf_puts(b, "</td><td>");
        if (e == ERR_OK && dp_can(req, ROLE_OPERATOR) && strcmp(outcome, "success") != 0 &&
            strcmp(outcome, "running") != 0)
            e = dp_stream_form(req, b, "/sync/retry", dp_str(r, "connection_id"),
                               dp_str(r, "stream"), "重试 / Retry");
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table></section>");
}

static enum err dp_sync_render(struct http_req *req, struct http_resp *resp, int status,
                               const struct dp_notice *n, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *runs = NULL, *states = NULL;
    struct buf *b = &resp->body;
    enum err e = sync_runs_list(app->db, NULL, NULL, DP_RUNS_SHOWN, &runs, eb);
    e = e ? e : query_stream_states(app->db, NULL, &states, eb);
    if (e != ERR_OK)
        goto out;
    e = dp_begin(req, b, "同步 / Sync", "sync",
                 "每个店铺每个数据流的同步状态和运行记录。/ Each shop's streams: state and run "
                 "history, with their errors.",
                 n);
    e = e ? e : dp_states(req, b, states);
    e = e ? e : dp_runs(req, b, runs);
    e = e ? e : dp_end(b, resp, status);
out:
    json_decref(runs);
    json_decref(states);
    return e;
}

enum err page_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const struct {
        const char *code, *kind, *text;
    } notices[] = {
        {"run_ok", "ok", "同步完成 / The sync run finished successfully."},
        {"resumed", "ok", "同步流已恢复 / The stream was resumed."},
    };
    struct dp_notice n = {NULL, NULL};
    const char *q = http_req_query(req, "notice");
    for (size_t i = 0; q != NULL && i < sizeof notices / sizeof notices[0]; i++) {
        if (strcmp(q, notices[i].code) == 0)
            n = (struct dp_notice){notices[i].kind, notices[i].text};
    }
    return dp_sync_render(req, resp, 200, &n, eb);
}

/* Renders /sync with an error banner for a failed form post (5xx other than upstream stay
 * errors). */
static enum err dp_sync_error(struct http_req *req, struct http_resp *resp, enum err e,
                              const char *message, struct errbuf *why, struct errbuf *eb)
{
    if (http_status_for_err(e) >= 500 && e != ERR_UPSTREAM && e != ERR_UNAVAILABLE) {
        *eb = *why;
        return e;
    }
    struct dp_notice n = {"error", message};
    return dp_sync_render(req, resp, http_status_for_err(e), &n, eb);
}

/* The form's connection and stream; ERR_INVAL naming what is missing. */
static enum err dp_stream_fields(struct http_req *req, const char **conn, enum sync_stream *s,
                                 struct errbuf *eb)
{
    *conn = http_req_form(req, "connection_id");
    const char *stream = http_req_form(req, "stream");
    if (*conn == NULL || **conn == '\0' || strlen(*conn) > CONNECT_ID_LEN)
        return err_set(eb, ERR_INVAL, "bad_connection", "connection_id is required.");
    if (stream == NULL || !sync_stream_parse(stream, s))
        return err_set(eb, ERR_INVAL, "bad_stream", "stream is not a known stream.");
    return ERR_OK;
}

enum err page_sync_retry(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct sync_run_opts o;
    struct sync_run_result r;
    struct errbuf why = {0};
    memset(&o, 0, sizeof o);
    enum err e = dp_stream_fields(req, &o.connection_id, &o.stream, &why);
    if (e != ERR_OK)
        return dp_sync_error(req, resp, e, errbuf_message(&why, e), &why, eb);
    o.trigger = "api";
    struct app_actor who = web_actor(req);
    e = app_sync_run(req->app, &who, &o, &r, &why);
    if (e == ERR_OK)
        return http_resp_redirect(resp, "/sync?notice=run_ok");
    char msg[SYNC_ERROR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "同步失败 / The sync run failed: %s",
             r.run_id[0] != '\0' && r.message[0] != '\0' ? r.message : errbuf_message(&why, e));
    return dp_sync_error(req, resp, e, msg, &why, eb);
}

enum err page_sync_resume(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *conn = NULL;
    enum sync_stream s;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = dp_stream_fields(req, &conn, &s, &why);
    if (e == ERR_OK)
        e = app_sync_resume(app, &who, conn, s, &why);
    else if (conn != NULL && *conn != '\0') /* a bad stream is audited as the try it was */
        app_audit(app, &who, "sync.resume", conn, "failure", errbuf_code(&why, e));
    if (e == ERR_OK)
        return http_resp_redirect(resp, "/sync?notice=resumed");
    return dp_sync_error(req, resp, e, errbuf_message(&why, e), &why, eb);
}

/* ---- products and buyer cases ------------------------------------------------------------ */

/* What the stream's state says: per connection, its last success. */
static enum err dp_stream_status(struct buf *b, const json_t *states, const char *stream)
{
    enum err e = ERR_OK;
    if (json_array_size(states) == 0)
        return buf_printf(b,
                          "<p class=\"muted\" id=\"stream-%s\">同步流 <code>%s</code> 尚未"
                          "运行 / The <code>%s</code> stream has not run yet.</p>",
                          stream, stream, stream);
    size_t i;
    const json_t *s;
    json_array_foreach(states, i, s)
    {
        e = e ? e : buf_printf(b, "<p class=\"muted\">连接 / Connection <code>");
        e = e ? e : html_escape(b, dp_str(s, "connection_id"));
        e = e ? e : buf_printf(b, "</code> · <code>%s</code> 最近成功 / last success: ", stream);
        e = e ? e : web_time(b, dp_int(s, "last_success_at"));
        e = e ? e : buf_puts(b, "</p>");
    }
    return e;
}

/* True when some connection's stream has succeeded at least once. */
static bool dp_stream_synced(const json_t *states)
{
    size_t i;
    const json_t *s;
    json_array_foreach(states, i, s)
    {
        if (dp_int(s, "last_success_at") > 0)
            return true;
    }
    return false;
}

/* The bilingual label of a goods status bucket name. */
static const char *dp_bucket_label(const char *name)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"on_off_sale", "在售或已下架 / on or off sale"},
        {"not_published", "未发布 / not published"},
        {"draft", "草稿 / draft"},
        {"deleted", "已删除 / deleted"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (strcmp(labels[i].code, name) == 0)
            return labels[i].label;
    }
    return "未知 / unknown";
}

/* The /products link for page with the current filters. */
static enum err dp_products_href(struct buf *b, const struct query_products_args *a, int64_t page)
{
    enum err e = buf_puts(b, "/products?");
    e = e ? e : dp_href_arg(b, "connection_id", a->connection_id);
    e = e ? e : dp_href_arg(b, "bucket", a->bucket);
    e = e ? e : dp_href_arg(b, "q", a->q);
    e = e ? e : dp_href_arg(b, "limit", a->limit);
    return e ? e : buf_printf(b, "page=%lld", (long long)page);
}

static enum err dp_products_filters(struct buf *b, const struct query_products_args *a)
{
    static const struct {
        const char *value, *name;
    } buckets[] = {{"1", "on_off_sale"}, {"4", "not_published"}, {"5", "draft"}, {"6", "deleted"}};
    enum err e = buf_puts(b, "<form class=\"filters card\" method=\"get\" action=\"/products\" "
                             "id=\"product-filters\"><label>状态 / Status<select name=\"bucket\" "
                             "id=\"f-bucket\"><option value=\"\">全部 / all</option>");
    for (size_t i = 0; e == ERR_OK && i < sizeof buckets / sizeof buckets[0]; i++)
        e = buf_printf(b, "<option value=\"%s\"%s>%s</option>", buckets[i].value,
                       a->bucket != NULL && strcmp(a->bucket, buckets[i].value) == 0 ? " selected"
                                                                                     : "",
                       dp_bucket_label(buckets[i].name));
    e = e ? e : buf_puts(b, "</select></label>");
    e = e ? e : dp_input(b, "名称或编号 / Name or number", "search", "q", a->q, "goods id, SKU-…");
    if (e == ERR_OK && a->limit != NULL && *a->limit != '\0') {
        e = buf_puts(b, "<input type=\"hidden\" name=\"limit\" value=\"");
        e = e ? e : html_escape(b, a->limit);
        e = e ? e : buf_puts(b, "\">");
    }
    return e ? e
             : buf_puts(b, "<div class=\"actions\"><button type=\"submit\">筛选 / Filter</button> "
                           "<a class=\"button secondary\" href=\"/products\">清除 / Clear</a></div>"
                           "</form>");
}

/* The SKUs of one product as a nested list in its row. */
static enum err dp_product_skus(struct buf *b, const json_t *skus)
{
    if (json_array_size(skus) == 0)
        return buf_puts(b, "<span class=\"muted\">—</span>");
    enum err e = buf_puts(b, "<table class=\"skus\"><thead><tr><th>SKU ID</th><th>货号 / SKU "
                             "number</th><th>规格 / Spec</th><th>价格 / Price</th><th>库存 / "
                             "Stock</th></tr></thead><tbody>");
    size_t i;
    const json_t *k;
    json_array_foreach(skus, i, k)
    {
        e = e ? e
              : buf_printf(b, "<tr class=\"sku\"><td class=\"mono\">%lld</td><td class=\"mono\">",
                           (long long)dp_int(k, "sku_id"));
        e = e ? e : html_escape(b, dp_str(k, "out_sku_sn"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(k, "spec_name"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, dp_str(k, "price"));
        e = e ? e : buf_printf(b, "</td><td>%lld</td></tr>", (long long)dp_int(k, "quantity"));
    }
    return e ? e : buf_puts(b, "</tbody></table>");
}

static enum err dp_products_table(struct buf *b, const struct query_products_args *a,
                                  const json_t *doc, bool filtered)
{
    const json_t *products = json_object_get(doc, "products");
    int64_t total = dp_int(doc, "total"), page = dp_int(doc, "page"), pages = dp_int(doc, "pages");
    enum err e = ERR_OK;
    if (json_array_size(products) == 0) {
        e = buf_puts(b, filtered || page > 1
                            ? "<div class=\"empty\" id=\"products-empty\">没有符合条件的商品 / "
                              "No products match these filters.</div>"
                            : "<div class=\"empty\" id=\"products-empty\">商品流已同步,店铺没有"
                              "商品 / The products stream has synced: the shop has no products."
                              "</div>");
    } else {
        e = buf_puts(b, "<table id=\"product-list\"><thead><tr><th>商品 ID / Goods ID</th><th>"
                        "名称 / Name</th><th>商品编号 / Goods number</th><th>状态 / Status</th>"
                        "<th>价格 / Price</th><th>库存 / Stock</th><th>SKU</th><th>同步 / "
                        "Synced</th></tr></thead><tbody>");
        size_t i;
        const json_t *p;
        json_array_foreach(products, i, p)
        {
            e = e ? e
                  : buf_printf(b, "<tr class=\"product\"><td class=\"mono\">%lld</td><td>",
                               (long long)dp_int(p, "goods_id"));
            e = e ? e : html_escape(b, dp_str(p, "goods_name"));
            e = e ? e : buf_puts(b, "</td><td class=\"mono\">");
            e = e ? e : html_escape(b, dp_str(p, "out_goods_sn"));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e
                  : dp_pill(b, dp_str(p, "bucket_name"), dp_bucket_label(dp_str(p, "bucket_name")));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : html_escape(b, dp_str(p, "price"));
            e = e ? e : buf_puts(b, " ");
            e = e ? e : html_escape(b, dp_str(p, "currency"));
            e = e ? e : buf_printf(b, "</td><td>%lld</td><td>", (long long)dp_int(p, "quantity"));
            e = e ? e : dp_product_skus(b, json_object_get(p, "skus"));
            e = e ? e : buf_puts(b, "</td><td>");
            e = e ? e : web_time(b, dp_int(p, "synced_at"));
            e = e ? e : buf_puts(b, "</td></tr>");
        }
        e = e ? e : buf_puts(b, "</tbody></table>");
        if (e == ERR_OK && json_is_true(json_object_get(doc, "skus_truncated")))
            e = buf_puts(b, "<p class=\"muted\" id=\"skus-truncated\">本页 SKU 过多,部分未显示;"
                            "请缩小每页数量。/ This page has too many SKUs to show them all; "
                            "choose a smaller page size.</p>");
    }
    e = e ? e
          : buf_printf(b,
                       "<nav class=\"pager\" aria-label=\"分页 / Pages\"><span id=\"pager-info\">"
                       "第 %lld / %lld 页 · 共 %lld 个 / Page %lld of %lld · %lld products</span>",
                       (long long)page, (long long)(pages > 0 ? pages : 1), (long long)total,
                       (long long)page, (long long)(pages > 0 ? pages : 1), (long long)total);
    if (e == ERR_OK && page > 1) {
        e = buf_puts(b, " <a rel=\"prev\" href=\"");
        e = e ? e : dp_products_href(b, a, page - 1);
        e = e ? e : buf_puts(b, "\">← 上一页 / Previous</a>");
    }
    if (e == ERR_OK && page < pages && page < LIMIT_QUERY_PAGE_MAX) {
        e = buf_puts(b, " <a rel=\"next\" href=\"");
        e = e ? e : dp_products_href(b, a, page + 1);
        e = e ? e : buf_puts(b, "\">下一页 / Next →</a>");
    }
    return e ? e : buf_puts(b, "</nav>");
}

enum err page_products(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_products_args a;
    struct query_products_filter f;
    struct errbuf why = {0};
    json_t *states = NULL, *doc = NULL;
    struct buf *b = &resp->body;
    query_products_args_read(http_req_query_arg, req, &a);
    enum err bad = query_products_filter_parse(&a, &f, &why);
    enum err e = query_stream_states(app->db, "products", &states, eb);
    if (e != ERR_OK)
        goto out;
    /* Until the stream has succeeded once the stored rows are a partial walk at best: the page
     * says so and lists nothing rather than show a shop's catalogue half-read. */
    bool synced = dp_stream_synced(states);
    if (bad == ERR_OK && synced && (e = query_products_list(app->db, &f, &doc, eb)) != ERR_OK)
        goto out;
    struct dp_notice n = {bad ? "error" : NULL, bad ? errbuf_message(&why, bad) : NULL};
    e = dp_begin(req, b, "商品 / Products", "products",
                 "店铺商品及其 SKU(bg.local.goods.list.query)。/ The shop's products with their "
                 "SKUs (bg.local.goods.list.query).",
                 &n);
    e = e ? e : dp_products_filters(b, &a);
    e = e ? e : buf_puts(b, "<section class=\"card\" id=\"products\">");
    if (!synced)
        e = e ? e
              : buf_puts(b, "<div class=\"empty\" id=\"products-empty\">商品流尚未同步,这里"
                            "没有商品数据。/ The products stream is not synced yet: no product "
                            "data is shown here, and this page shows none rather than guess."
                            "</div>");
    else if (bad == ERR_OK)
        e = e ? e : dp_products_table(b, &a, doc, f.bucket != 0 || f.q || f.connection_id);
    e = e ? e : dp_stream_status(b, states, "products");
    e = e ? e : buf_puts(b, "<p><a href=\"/sync\">同步状态 / Sync state →</a></p></section>");
    e = e ? e : dp_end(b, resp, bad ? http_status_for_err(bad) : 200);
out:
    json_decref(states);
    json_decref(doc);
    return e;
}

/* The cases table from sync_cases_list's {"cases": [...]}. */
static enum err dp_cases_table(struct buf *b, const json_t *doc)
{
    const json_t *cases = json_object_get(doc, "cases");
    if (json_array_size(cases) == 0)
        return buf_puts(
            b, "<div class=\"empty\" id=\"cases-empty\">尚无买家请求:尚未同步到任何售后请求,"
               "已同步的订单也没有买家发起的标签。/ No buyer cases are stored: "
               "no after-sales request has been synced and no synced order carries "
               "a buyer-initiated label.</div>");
    enum err e = buf_puts(b, "<table><thead><tr><th>类型 / Kind</th><th>请求 / Case</th><th>"
                             "订单 / Order</th><th>状态 / Status</th><th>更新 / Updated</th>"
                             "</tr></thead><tbody>");
    size_t i;
    const json_t *c;
    json_array_foreach(cases, i, c)
    {
        bool label = strcmp(dp_str(c, "kind"), "order_label") == 0;
        e = e ? e
              : buf_puts(b, label ? "<tr><td>订单标签 / Order label</td><td class=\"mono\">"
                                  : "<tr><td>售后 / After-sales</td><td class=\"mono\">");
        e = e ? e : html_escape(b, dp_str(c, "id"));
        e = e ? e : buf_puts(b, "</td><td><a class=\"mono\" href=\"/orders/");
        e = e ? e : dp_url_encode(b, dp_str(c, "parent_order_sn"));
        e = e ? e : buf_puts(b, "?connection_id=");
        e = e ? e : dp_url_encode(b, dp_str(c, "connection_id"));
        e = e ? e : buf_puts(b, "\">");
        e = e ? e : html_escape(b, dp_str(c, "parent_order_sn"));
        e = e ? e : buf_puts(b, "</a></td><td>");
        if (label)
            e = e ? e : dp_pill(b, "label", dp_str(c, "label"));
        else
            e = e ? e
                  : buf_printf(b, "<code>group %lld · status %lld · type %lld</code>",
                               (long long)dp_int(c, "status_group"), (long long)dp_int(c, "status"),
                               (long long)dp_int(c, "type"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, dp_int(c, "updated_at"));
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table>");
}

enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const struct sync_cases_filter f = {.limit = DP_CASES_SHOWN};
    json_t *states = NULL, *doc = NULL;
    struct buf *b = &resp->body;
    enum err e = query_stream_states(app->db, "buyer_cases", &states, eb);
    e = e ? e : sync_cases_list(app->db, &f, &doc, eb);
    if (e != ERR_OK)
        goto out;
    e = dp_begin(req, b, "买家请求 / Buyer cases", "cases",
                 "买家发起的售后、取消和改地址请求,按更新时间倒序。/ Buyer-initiated "
                 "after-sales, cancellation and address-change requests, newest first.",
                 NULL);
    e = e ? e
          : buf_puts(b, "<div class=\"notice info\" id=\"no-chat-api\">Temu 不提供买家聊天接口。"
                        "本产品所说的“买家消息”就是 Temu 开放的买家发起的请求:售后(退货/退款)、"
                        "取消订单和修改地址请求。/ Temu offers no buyer-chat API. What this "
                        "product calls buyer messages are the buyer-initiated cases Temu does "
                        "expose: after-sales requests (returns / refunds), cancellation requests "
                        "and address-change requests.</div>");
    e = e ? e : buf_puts(b, "<section class=\"card\" id=\"cases\">");
    e = e ? e : dp_cases_table(b, doc);
    e = e ? e : dp_stream_status(b, states, "buyer_cases");
    e = e ? e : buf_puts(b, "</section>");
    e = e ? e : dp_end(b, resp, 200);
out:
    json_decref(states);
    json_decref(doc);
    return e;
}

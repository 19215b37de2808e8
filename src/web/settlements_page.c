/*
 * The settlement pages (issue 13): /settlements (upload form, imports with totals by type and
 * currency, the reconciliation summary and totals per reason, results by status),
 * /settlements/lines (the lines of a file, an order or a type), /settlements/orders/{sn} (an
 * order's expected and settled money), the forms POST /settlements/import (multipart, capped
 * by the server's body limit) and POST /settlements/reconcile, and the order page's
 * settlement section. Data come from src/settlement/query.h; no SQL here.
 */
#include "web/settlements_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/settlement.h"
#include "settlement/payout.h"
#include "settlement/query.h"
#include "web/console.h"
#include "web/page.h"
#include "web/widget.h"

/* "15.90 USD" from minor units (the raw number when the currency is unknown). */
static void settle_money(struct html *h, int64_t minor, const char *currency)
{
    struct money m = {minor, ""};
    snprintf(m.currency, sizeof m.currency, "%s", currency ? currency : "");
    char out[MONEY_FORMAT_MAX];
    if (money_format(&m, MONEY_STYLE_EN, out, sizeof out) == ERR_OK)
        html_txt(h, out);
    else
        html_txtf(h, "%lld %s", (long long)minor, m.currency);
}

static void settle_upload_form(struct html *h, const struct auth_principal *p)
{
    html_raw(h, "<section class=\"card\" id=\"upload\"><h2>导入对账单 / Import a statement</h2>"
                "<form method=\"post\" action=\"/settlements/import\" "
                "enctype=\"multipart/form-data\">");
    widget_csrf(h, p);
    html_raw(h,
             "<label>文件 / File <input type=\"file\" name=\"file\" required></label> "
             "<label>映射配置 / Profile <input type=\"text\" name=\"profile\" "
             "placeholder=\"temu_fund_detail\"></label> "
             "<label>控制总额 / Control total <input type=\"text\" name=\"control_total\" "
             "placeholder=\"1,234.50\"></label> "
             "<button type=\"submit\">导入 / Import</button></form>"
             "<p class=\"hint\">Temu FundDetail .xlsx、结算导出、提现记录或订单金额 CSV 自动识别;"
             "其他文件请选择映射配置。同一文件再次导入不会重复。/ Temu FundDetail workbooks and "
             "the settlement export, withdrawals and order amounts CSVs are recognized; other "
             "files need a profile. Importing the same file again changes nothing.</p>");
    const struct widget_arg none[] = {{"go", "1"}};
    widget_post_button(h, "/settlements/reconcile", p, none, 1, NULL, "对账 / Reconcile now");
    html_raw(h, "</section>");
}

static void settle_import_row(struct html *h, const json_t *im)
{
    html_raw(h, "<tr><td>");
    html_tpl(h, "<a href=\"/settlements/lines?file={}\">{}</a>", widget_json_str(im, "file_sha256"),
             widget_json_str(im, "file_name"));
    html_tpl(h, "</td><td>{}</td><td>{}</td><td>", widget_json_str(im, "profile"),
             widget_json_str(im, "kind"));
    html_int(h, widget_json_int(im, "lines"));
    html_raw(h, "</td><td>");
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(im, "totals"), i, t)
    {
        html_tpl(h, "<div>{} × ", widget_json_str(t, "type"));
        html_int(h, widget_json_int(t, "count"));
        html_raw(h, ": ");
        settle_money(h, widget_json_int(t, "amount_minor"), widget_json_str(t, "currency"));
        html_raw(h, "</div>");
    }
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(im, "imported_at"));
    html_raw(h, "</td></tr>");
}

static void settle_imports(struct html *h, const json_t *doc)
{
    static const char *const heads[] = {"文件 / File",
                                        "配置 / Profile",
                                        "类型 / Kind",
                                        "行数 / Lines",
                                        "按类型合计 / Totals by type",
                                        "导入时间 / Imported",
                                        NULL};
    const json_t *list = json_object_get(doc, "imports");
    html_raw(h, "<section class=\"card\" id=\"imports\"><h2>已导入 / Imports</h2>");
    if (json_array_size(list) == 0) {
        widget_empty(h, "imports-empty", "尚未导入对账单。/ No statement has been imported yet.");
    } else {
        widget_table_begin(h, NULL, NULL, heads);
        size_t i;
        const json_t *im;
        json_array_foreach(list, i, im) settle_import_row(h, im);
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

static void settle_count_link(struct html *h, const char *label, const json_t *o, const char *k)
{
    html_tpl(h, "<div><dt><a href=\"/settlements?status={}#results\">{}</a></dt><dd>", k, label);
    html_int(h, widget_json_int(o, k));
    html_raw(h, "</dd></div>");
}

static void settle_summary(struct html *h, const json_t *rep, int64_t ran_at)
{
    html_raw(h, "<section class=\"card\" id=\"reconciliation\"><h2>对账结果 / Reconciliation</h2>");
    if (rep == NULL) {
        widget_empty(h, "reconciliation-empty",
                     "尚未对账。/ No reconciliation has run yet: press Reconcile now.");
        html_raw(h, "</section>");
        return;
    }
    html_raw(h, "<p>对账时间 / Reconciled at ");
    widget_time(h, ran_at);
    html_raw(h, "</p><dl class=\"fields\">");
    const json_t *o = json_object_get(rep, "orders");
    settle_count_link(h, "一致 / Matched", o, "matched");
    settle_count_link(h, "部分 / Partial", o, "partial");
    settle_count_link(h, "缺失 / Missing", o, "missing");
    settle_count_link(h, "意外 / Unexpected", o, "unexpected");
    html_raw(h, "</dl>");
    static const char *const heads[] = {"原因 / Reason", "笔数 / Count", "金额 / Amount", NULL};
    const json_t *reasons = json_object_get(rep, "reasons");
    if (json_object_size(reasons) > 0) {
        widget_table_begin(h, "reasons", NULL, heads);
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)reasons, k, v)
        {
            html_tpl(h, "<tr><td><code>{}</code></td><td>", k);
            html_int(h, widget_json_int(v, "count"));
            html_raw(h, "</td><td>");
            settle_money(h, widget_json_int(v, "amount_minor"), widget_json_str(v, "currency"));
            html_raw(h, "</td></tr>");
        }
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

static void settle_results(struct html *h, const json_t *doc, const char *status)
{
    static const char *const heads[] = {"层 / Layer",  "对象 / Ref",    "状态 / Status",
                                        "规则 / Rule", "原因 / Reason", "金额 / Amount",
                                        NULL};
    html_tpl(h, "<section class=\"card\" id=\"results\"><h2>明细 / Results: {}</h2>", status);
    widget_table_begin(h, NULL, NULL, heads);
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(doc, "results"), i, r)
    {
        html_raw(h, "<tr><td>");
        html_int(h, widget_json_int(r, "layer"));
        if (widget_json_int(r, "layer") == 1)
            html_tpl(h, "</td><td><a href=\"/settlements/orders/{}\">{}</a>",
                     widget_json_str(r, "ref"), widget_json_str(r, "ref"));
        else
            html_tpl(h, "</td><td class=\"mono\">{}", widget_json_str(r, "ref"));
        html_tpl(h, "</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>",
                 widget_json_str(r, "status"), widget_json_str(r, "rule"),
                 widget_json_str(r, "reason"));
        settle_money(h, widget_json_int(r, "amount_minor"), widget_json_str(r, "currency"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* The expected-amounts stream of each shop (scheduled): when it ran and what it did. */
static void settle_amount_streams(struct html *h, const json_t *doc)
{
    static const char *const heads[] = {
        "店铺连接 / Connection", "上次运行 / Last run", "上次成功 / Last success",
        "询问 / Asked",          "保存 / Stored",       "变动 / Moved",
        "失败 / Failed",         "错误 / Last error",   NULL};
    const json_t *streams = json_object_get(doc, "streams");
    html_raw(h, "<section class=\"card\" id=\"amounts\"><h2>预计金额 / Expected amounts</h2>");
    if (json_array_size(streams) == 0) {
        widget_empty(h, "amounts-empty",
                     "尚未运行:每个店铺的预计金额按计划从 Temu 读取。/ Not run yet: each shop's "
                     "expected amounts are read from Temu on a schedule.");
        html_raw(h, "</section>");
        return;
    }
    widget_table_begin(h, "amount-streams", NULL, heads);
    size_t i;
    const json_t *r;
    json_array_foreach(streams, i, r)
    {
        static const char *const counts[] = {"asked", "stored", "moved", "failed"};
        html_tpl(h, "<tr><td class=\"mono\">{}</td><td>", widget_json_str(r, "connection_id"));
        widget_time(h, widget_json_int(r, "last_run_at"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(r, "last_ok_at"));
        for (size_t k = 0; k < 4; k++) {
            html_raw(h, "</td><td>");
            html_int(h, widget_json_int(r, counts[k]));
        }
        html_tpl(h, "</td><td>{}</td></tr>", widget_json_str(r, "last_error"));
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* The payout provider's scheduled API import: the credential and each feed's last runs. */
static void settle_payout(struct html *h, const json_t *doc)
{
    static const char *const heads[] = {"数据 / Feed", "上次运行 / Last run",
                                        "上次成功 / Last success", "错误 / Last error", NULL};
    html_raw(h, "<section class=\"card\" id=\"payout\"><h2>收款渠道 API / Payout provider "
                "API</h2><p>");
    if (!json_is_true(json_object_get(doc, "credential"))) {
        html_raw(h,
                 "未设置凭据:用 aicos settlement airwallex set-credential 保存。/ No credential: "
                 "store one with aicos settlement airwallex set-credential.</p></section>");
        return;
    }
    html_tpl(h, "{} · ", widget_json_str(doc, "provider"));
    html_int(h, widget_json_int(doc, "credits"));
    html_raw(h, " 笔入账 / credit(s) stored</p>");
    widget_table_begin(h, "payout-feeds", NULL, heads);
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(doc, "feeds"), i, f)
    {
        html_tpl(h, "<tr><td>{}</td><td>", widget_json_str(f, "feed"));
        widget_time(h, widget_json_int(f, "last_run_at"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(f, "last_ok_at"));
        html_tpl(h, "</td><td>{}</td></tr>", widget_json_str(f, "last_error"));
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

enum err page_settlements(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *status = http_req_query(req, "status");
    json_t *imports = NULL, *rep = NULL, *results = NULL, *streams = NULL, *payout = NULL;
    int64_t ran_at = 0;
    struct html h;
    enum err e = settle_query_imports(app->db, SETTLE_QUERY_DEFAULT, &imports, eb);
    if (e == ERR_OK) {
        e = settle_report_load(app->db, &rep, &ran_at, eb);
        e = e == ERR_NOTFOUND ? ERR_OK : e;
    }
    if (e == ERR_OK && status != NULL && *status != '\0')
        e = settle_query_results(app->db, 0, status, SETTLE_QUERY_MAX, &results, eb);
    if (e == ERR_OK)
        e = settle_query_amount_streams(app->db, &streams, eb);
    if (e == ERR_OK)
        e = payout_status(app->db, &payout, eb);
    if (e != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "结算对账 / Settlements", "settlements", req->auth);
    widget_page_head(&h, "结算对账 / Settlements",
                     "导入 Temu 与收款渠道的对账单,逐单核对到分。/ Import Temu and payout provider "
                     "statements and reconcile every order to the cent.");
    if (web_can(req, ROLE_OPERATOR))
        settle_upload_form(&h, req->auth);
    settle_summary(&h, rep, ran_at);
    if (results != NULL)
        settle_results(&h, results, status);
    settle_imports(&h, imports);
    settle_amount_streams(&h, streams);
    settle_payout(&h, payout);
    e = web_page_end(&h, resp, 200);
out:
    json_decref(payout);
    json_decref(streams);
    json_decref(imports);
    json_decref(rep);
    json_decref(results);
    return e;
}

static void settle_lines_table(struct html *h, const json_t *lines)
{
    static const char *const heads[] = {
        "表 / Sheet",   "行 / Row",      "时间 / Posted", "类型 / Type",
        "订单 / Order", "金额 / Amount", "状态 / Status", NULL};
    if (json_array_size(lines) == 0) {
        widget_empty(h, "lines-empty", "没有对账行。/ No settlement lines.");
        return;
    }
    widget_table_begin(h, "lines", NULL, heads);
    size_t i;
    const json_t *l;
    json_array_foreach(lines, i, l)
    {
        html_tpl(h, "<tr><td>{}</td><td>", widget_json_str(l, "sheet"));
        html_int(h, widget_json_int(l, "row"));
        html_raw(h, "</td><td>");
        widget_time(h, widget_json_int(l, "posted_at"));
        html_tpl(h, "</td><td>{}</td><td>", widget_json_str(l, "type"));
        html_tpl(h, "<a href=\"/settlements/orders/{}\">{}</a></td><td>",
                 widget_json_str(l, "order_ref"), widget_json_str(l, "order_ref"));
        settle_money(h, widget_json_int(l, "net_minor"), widget_json_str(l, "currency"));
        html_tpl(h, "</td><td>{}</td></tr>", widget_json_str(l, "status"));
    }
    widget_table_end(h);
}

/* The CSV and XLSX links of the lines shown (the same filters). */
static void settle_export_links(struct html *h, const char *file, const char *type)
{
    static const char *const kinds[][2] = {{"csv", "导出 CSV / Export CSV"},
                                           {"xlsx", "导出 XLSX / Export XLSX"}};
    for (size_t k = 0; k < 2; k++) {
        html_raw(h, k ? " · <a href=\"/settlements/lines/export."
                      : "<a href=\"/settlements/lines/export.");
        html_raw(h, kinds[k][0]);
        html_raw(h, "?");
        if (file != NULL) {
            html_raw(h, "file=");
            html_url(h, file);
            html_raw(h, "&amp;");
        }
        if (type != NULL) {
            html_raw(h, "type=");
            html_url(h, type);
        }
        html_raw(h, "\">");
        html_raw(h, kinds[k][1]);
        html_raw(h, "</a>");
    }
}

enum err page_settlement_lines(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *file = http_req_query(req, "file"), *type = http_req_query(req, "type");
    struct settle_lines_filter f = {file && *file ? file : NULL, NULL, type && *type ? type : NULL,
                                    SETTLE_QUERY_MAX, 0};
    json_t *doc = NULL;
    struct html h;
    enum err e = settle_query_lines(app->db, &f, &doc, eb);
    if (e != ERR_OK)
        return e;
    web_page_begin(&h, resp, "对账行 / Settlement lines", "settlements", req->auth);
    widget_page_head(&h, "对账行 / Settlement lines", f.file ? f.file : "");
    html_raw(&h, "<p><a href=\"/settlements\">← 结算对账 / Settlements</a> · ");
    settle_export_links(&h, f.file, f.type);
    html_raw(&h, "</p><section class=\"card\">");
    settle_lines_table(&h, json_object_get(doc, "lines"));
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, 200);
    json_decref(doc);
    return e;
}

/* Expected vs settled money of one order (also the order page's section). */
static void settle_order_money(struct html *h, const json_t *doc)
{
    const json_t *x = json_object_get(doc, "expected");
    html_raw(h, "<section class=\"card\" id=\"settlement\"><h2>结算 / Settlement</h2>"
                "<dl class=\"fields\"><div><dt>预计 / Expected</dt><dd>");
    const char *cur = json_is_object(x) ? widget_json_str(x, "currency") : "";
    if (json_is_object(x))
        settle_money(h, widget_json_int(x, "amount_minor"), cur);
    else
        html_raw(h, "—");
    size_t i;
    const json_t *r;
    const json_t *hist = json_object_get(doc, "history");
    if (json_array_size(hist) > 1) {
        /* Drift after the sale: every amount the order had, oldest first. */
        html_raw(h, "</dd></div><div><dt>预计金额变化 / Expected amount history</dt><dd>");
        json_array_foreach(hist, i, r)
        {
            html_raw(h, "<div>");
            widget_time(h, widget_json_int(r, "seen_at"));
            html_raw(h, " ");
            settle_money(h, widget_json_int(r, "amount_minor"), widget_json_str(r, "currency"));
            html_raw(h, "</div>");
        }
    }
    html_raw(h, "</dd></div><div><dt>已结算 / Settled</dt><dd>");
    const json_t *lines = json_object_get(doc, "lines");
    const char *lcur =
        json_array_size(lines) ? widget_json_str(json_array_get(lines, 0), "currency") : cur;
    settle_money(h, widget_json_int(doc, "settled_minor"), lcur[0] ? lcur : "USD");
    html_raw(h, "</dd></div><div><dt>预计结算日 / Expected settlement</dt><dd>");
    if (json_is_object(x) && widget_json_int(x, "expected_settlement_at") > 0)
        widget_time(h, widget_json_int(x, "expected_settlement_at"));
    else
        html_raw(h, json_is_object(x) && json_is_true(json_object_get(x, "after_sales_open"))
                        ? "售后处理中 / held: after-sales case open"
                        : "—");
    html_raw(h, "</dd></div><div><dt>对账 / Reconciliation</dt><dd>");
    json_array_foreach(json_object_get(doc, "results"), i, r)
    {
        html_tpl(h, "<div>{} {} ", widget_json_str(r, "status"), widget_json_str(r, "reason"));
        settle_money(h, widget_json_int(r, "amount_minor"), widget_json_str(r, "currency"));
        html_raw(h, "</div>");
    }
    html_raw(h, "</dd></div></dl>");
    settle_lines_table(h, lines);
    html_raw(h, "</section>");
}

enum err page_settlement_order(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *sn = http_req_param(req, "sn");
    json_t *doc = NULL;
    struct html h;
    enum err e = settle_query_order(app->db, sn, &doc, eb);
    if (e != ERR_OK)
        return e;
    web_page_begin(&h, resp, "订单结算 / Order settlement", "settlements", req->auth);
    widget_page_head(&h, "订单结算 / Order settlement", sn);
    html_tpl(&h,
             "<p><a href=\"/settlements\">← 结算对账 / Settlements</a> · "
             "<a href=\"/orders/{}\">订单 / Order</a></p>",
             sn);
    settle_order_money(&h, doc);
    e = web_page_end(&h, resp, 200);
    json_decref(doc);
    return e;
}

void web_settlement_order_section(const struct http_req *req, struct html *h, const char *sn)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    struct errbuf eb = {0};
    if (sn == NULL || settle_query_order(app->db, sn, &doc, &eb) != ERR_OK)
        return;
    if (json_is_object(json_object_get(doc, "expected")) ||
        json_array_size(json_object_get(doc, "lines")) > 0)
        settle_order_money(h, doc);
    json_decref(doc);
}

enum err page_settlements_import(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = web_actor(req);
    const char *profile = http_req_form(req, "profile");
    const char *control = http_req_form(req, "control_total");
    struct settle_import_result r;
    memset(&r, 0, sizeof r);
    enum err e = req->upload_data == NULL
                     ? err_set(eb, ERR_INVAL, "no_file", "选择一个文件 / Choose a file to import.")
                     : app_settlement_import(app, &who, req->upload_name, req->upload_data,
                                             req->upload_len, profile && *profile ? profile : NULL,
                                             control && *control ? control : NULL, &r, eb);
    char msg[300];
    if (e == ERR_OK)
        snprintf(msg, sizeof msg, "%s: %zu 行已导入 / %zu line(s) imported%s", req->upload_name,
                 r.lines, r.lines,
                 r.existed ? " (已导入过,未改变 / already imported, nothing changed)" : "");
    settle_import_result_clear(&r);
    if (e != ERR_OK && web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/settlements", "error", errbuf_message(eb, e));
    return e ? e : web_redirect_notice(req, resp, "/settlements", "ok", msg);
}

enum err page_settlements_reconcile(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = web_actor(req);
    struct settle_report rep;
    enum err e = app_settlement_reconcile(app, &who, (int64_t)time(NULL), &rep, eb);
    if (e != ERR_OK && web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/settlements", "error", errbuf_message(eb, e));
    return e ? e
             : web_redirect_notice(req, resp, "/settlements", "ok",
                                   "对账完成 / Reconciliation finished.");
}

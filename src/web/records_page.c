/* The audit log and secrets pages (web/records_page.h). Reads through src/auth/audit.h and
 * src/vault/vault.h; no SQL here, and no secret value ever reaches a page (masked only). */
#include "web/records_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "base/limits.h"
#include "base/parse.h"
#include "vault/vault.h"
#include "web/console.h"
#include "web/download.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

#define RECORDS_AUDIT_PAGE 100

/* A since/until value: a date (YYYY-MM-DD) or the start of an ISO timestamp, digits and the
 * separators of one only. */
static bool records_time_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 10 || n > 30)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '-' || c == ':' || c == 'T' || c == '.' || c == 'Z'))
            return false;
    }
    return s[4] == '-' && s[7] == '-';
}

/* An empty query argument counts as absent. */
static const char *records_arg(const struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

/* Reads the audit filters of the query; ERR_INVAL naming the bad one. */
ERR_MUST_USE static enum err records_filter(const struct http_req *req, struct audit_filter *f,
                                            struct errbuf *eb)
{
    memset(f, 0, sizeof *f);
    f->actor = records_arg(req, "actor");
    f->action = records_arg(req, "action");
    f->outcome = records_arg(req, "outcome");
    f->since = records_arg(req, "since");
    f->until = records_arg(req, "until");
    f->limit = RECORDS_AUDIT_PAGE;
    const char *before = records_arg(req, "before_id");
    if (f->outcome != NULL && strcmp(f->outcome, "success") != 0 &&
        strcmp(f->outcome, "failure") != 0 && strcmp(f->outcome, "denied") != 0)
        return err_set(eb, ERR_INVAL, "bad_query",
                       "结果只能是 success、failure 或 denied / outcome must be success, failure "
                       "or denied.");
    if ((f->since != NULL && !records_time_ok(f->since)) ||
        (f->until != NULL && !records_time_ok(f->until)))
        return err_set(eb, ERR_INVAL, "bad_query",
                       "时间须为 YYYY-MM-DD / since and until are dates (YYYY-MM-DD).");
    if ((f->actor != NULL && strlen(f->actor) > 128) ||
        (f->action != NULL && strlen(f->action) > 128))
        return err_set(eb, ERR_INVAL, "bad_query",
                       "筛选值过长 / actor and action have at most 128 characters.");
    if (before != NULL && parse_int64(before, 1, INT64_MAX, &f->before_id) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_query",
                       "before_id 须为正整数 / before_id must be a positive integer.");
    return ERR_OK;
}

static void records_audit_form(struct html *h, const struct audit_filter *f)
{
    static const struct widget_option outcomes[] = {
        {"success", "success"}, {"failure", "failure"}, {"denied", "denied"}};
    const struct widget_input inputs[] = {
        {"操作人 / Actor", "text", "actor", f->actor, "admin, token:ci …"},
        {"动作 / Action", "text", "action", f->action, "user. , token.create …"},
        {"从 / Since", "date", "since", f->since, ""},
        {"早于 / Until", "date", "until", f->until, ""},
    };
    const struct widget_filter wf = {
        .action = "/audit",
        .id = "audit-filters",
        .select = "outcome",
        .options = outcomes,
        .noptions = sizeof outcomes / sizeof outcomes[0],
        .selected = f->outcome,
        .inputs = inputs,
        .ninputs = sizeof inputs / sizeof inputs[0],
    };
    widget_filter_form(h, &wf);
}

/* The query string of the filters (for the export link and the older page), escaped. */
static void records_audit_args(struct html *h, const struct audit_filter *f)
{
    const struct widget_arg args[] = {{"actor", f->actor},
                                      {"action", f->action},
                                      {"outcome", f->outcome},
                                      {"since", f->since},
                                      {"until", f->until}};
    bool first = true;
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        if (args[i].value == NULL)
            continue;
        html_raw(h, first ? "?" : "&amp;");
        html_raw(h, args[i].name);
        html_raw(h, "=");
        html_url(h, args[i].value);
        first = false;
    }
}

static void records_audit_row(struct html *h, const json_t *a)
{
    html_raw(h, "<tr><td>");
    widget_time_iso(h, widget_json_str(a, "at"));
    html_raw(h, "</td><td>");
    html_txt(h, widget_json_str(a, "actor"));
    html_raw(h, " <span class=\"muted\">");
    html_txt(h, widget_json_str(a, "role"));
    html_raw(h, "</span></td><td><code>");
    html_txt(h, widget_json_str(a, "action"));
    html_raw(h, "</code></td><td>");
    html_txt(h, widget_json_str(a, "target"));
    html_raw(h, "</td><td>");
    widget_status(h, widget_json_str(a, "outcome"));
    html_raw(h, "</td><td>");
    html_txt(h, widget_json_str(a, "detail"));
    html_raw(h, "</td><td class=\"muted\">");
    html_txt(h, widget_json_str(a, "ip"));
    html_raw(h, "</td></tr>");
}

static void records_audit_table(struct html *h, const struct audit_filter *f, const json_t *list)
{
    static const char *const heads[] = {
        "时间 / Time",    "操作人 / Actor", "动作 / Action", "对象 / Target",
        "结果 / Outcome", "详情 / Detail",  "来源 / IP",     NULL};
    html_raw(h, "<section class=\"card\" id=\"audit\"><p><a class=\"button secondary\" "
                "id=\"audit-csv\" href=\"/audit/export.csv");
    records_audit_args(h, f);
    html_raw(h, "\">导出 CSV / Export CSV</a> <a class=\"button secondary\" id=\"audit-xlsx\" "
                "href=\"/audit/export.xlsx");
    records_audit_args(h, f);
    html_raw(h, "\">导出 XLSX / Export XLSX</a></p>");
    size_t n = json_array_size(list);
    if (n == 0) {
        widget_empty_msg(h, "audit-empty", MSG_P_RECORDS_PAGE_12);
    } else {
        size_t i;
        const json_t *a;
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(list, i, a) records_audit_row(h, a);
        widget_table_end(h);
    }
    if (n == (size_t)f->limit) { /* maybe more: the next page starts below the last id */
        char older[32];
        snprintf(older, sizeof older, "%lld",
                 (long long)widget_json_int(json_array_get(list, n - 1), "id"));
        html_raw(h, "<nav class=\"pager\"><a href=\"/audit");
        records_audit_args(h, f);
        html_raw(h, f->actor || f->action || f->outcome || f->since || f->until ? "&amp;" : "?");
        html_raw(h, "before_id=");
        html_url(h, older);
        html_raw(h, "\">更早 / Older →</a></nav>");
    }
    html_raw(h, "</section>");
}

enum err page_audit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct audit_filter f;
    struct errbuf why = {0};
    json_t *list = NULL;
    struct html h;
    enum err bad = records_filter(req, &f, &why);
    enum err e = ERR_OK;
    if (bad == ERR_OK && (e = audit_list(app->db, &f, &list, eb)) != ERR_OK)
        return e;
    web_page_begin(&h, resp, "审计日志 / Audit log", "audit", req->auth);
    widget_page_head_msg(&h, "审计日志 / Audit log", MSG_P_RECORDS_PAGE_14);
    if (bad != ERR_OK)
        widget_notice(&h, "error", errbuf_message(&why, bad));
    records_audit_form(&h, &f);
    if (bad == ERR_OK)
        records_audit_table(&h, &f, list);
    e = web_page_end(&h, resp, bad != ERR_OK ? http_status_for_err(bad) : 200);
    json_decref(list);
    return e;
}

/* The filtered audit log as a download in format (CSV or XLSX), named audit.<ext>. */
ERR_MUST_USE static enum err records_audit_download(struct http_req *req, struct http_resp *resp,
                                                    enum audit_format format, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct audit_filter f;
    enum err e = records_filter(req, &f, eb);
    struct web_download d;
    if (e == ERR_OK && (e = web_download_begin(&d, eb)) == ERR_OK) {
        e = audit_export(app->db, &f, format, d.out, eb);
        e = web_download_end(&d, e, format == AUDIT_XLSX ? EXPORT_XLSX : EXPORT_CSV, "audit", resp,
                             eb);
    }
    return e;
}

enum err page_audit_csv(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return records_audit_download(req, resp, AUDIT_CSV, eb);
}

enum err page_audit_xlsx(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return records_audit_download(req, resp, AUDIT_XLSX, eb);
}

static void records_keys(struct html *h, const json_t *status)
{
    static const char *const heads[] = {"密钥 / Key id", "状态 / State", "创建 / Created",
                                        "加密的机密 / Secrets sealed", NULL};
    const json_t *keys = json_object_get(status, "keys");
    bool rotating = false;
    size_t i;
    const json_t *k;
    json_array_foreach(keys, i, k)
    {
        if (strcmp(widget_json_str(k, "state"), "retiring") == 0 &&
            widget_json_int(k, "secrets") > 0)
            rotating = true;
    }
    html_raw(h, "<section class=\"card\" id=\"vault-keys\"><h2>密钥环 / Key ring</h2>"
                "<p id=\"rotation\">");
    if (rotating)
        html_raw(h, "轮换进行中:仍有机密由旧密钥加密,请再运行 <code>aicos vault rotate</code>。/ A "
                    "rotation is under way: some secrets are still sealed by a retiring key; run "
                    "<code>aicos vault rotate</code> again.");
    else
        html_raw(h, "没有待完成的轮换:所有机密都由当前密钥加密。/ No rotation pending: every "
                    "secret is sealed by the active key.");
    html_raw(h, "</p>");
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(keys, i, k)
    {
        html_raw(h, "<tr><td><code>");
        html_txt(h, widget_json_str(k, "id"));
        html_raw(h, "</code></td><td>");
        widget_status(h, widget_json_str(k, "state"));
        html_raw(h, "</td><td>");
        widget_time_iso(h, widget_json_str(k, "created_at"));
        html_raw(h, "</td><td>");
        html_int(h, widget_json_int(k, "secrets"));
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

static void records_secrets(struct html *h, const json_t *list)
{
    static const char *const heads[] = {"名称 / Name",   "值(已遮盖)/ Value (masked)",
                                        "密钥 / Key id", "更新 / Updated",
                                        "更新者 / By",   NULL};
    html_raw(h, "<section class=\"card\" id=\"secrets\"><h2>机密 / Secrets</h2>");
    if (json_array_size(list) == 0) {
        widget_empty_msg(h, "secrets-empty", MSG_P_RECORDS_PAGE_13);
    } else {
        size_t i;
        const json_t *s;
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(list, i, s)
        {
            html_raw(h, "<tr><td><code>");
            html_txt(h, widget_json_str(s, "name"));
            html_raw(h, "</code></td><td><code>");
            html_txt(h, widget_json_str(s, "masked"));
            html_raw(h, "</code></td><td><code>");
            html_txt(h, widget_json_str(s, "key_id"));
            html_raw(h, "</code></td><td>");
            widget_time_iso(h, widget_json_str(s, "updated_at"));
            html_raw(h, "</td><td>");
            html_txt(h, widget_json_str(s, "updated_by"));
            html_raw(h, "</td></tr>");
        }
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

enum err page_secrets(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *list = NULL, *status = NULL;
    struct html h;
    enum err e = ERR_OK;
    if (app->vault != NULL) {
        e = vault_list(app->vault, &list, eb);
        if (e == ERR_OK)
            e = vault_status(app->vault, &status, eb);
        if (e != ERR_OK)
            goto out;
    }
    web_page_begin(&h, resp, "机密 / Secrets", "secrets", req->auth);
    widget_page_head_msg(&h, "机密 / Secrets", MSG_P_RECORDS_PAGE_15);
    if (app->vault == NULL) {
        widget_notice_msg(&h, "info", MSG_P_RECORDS_PAGE_16);
    } else {
        records_secrets(&h, list);
        records_keys(&h, status);
    }
    e = web_page_end(&h, resp, 200);
out:
    json_decref(list);
    json_decref(status);
    return e;
}

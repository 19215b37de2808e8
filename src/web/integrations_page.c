/*
 * The Integrations page (平台集成) as drawn: the registry table, the connection progress card,
 * the deployment planner section and the workbench (integrations_workbench.c), the form
 * posts that render it, plus the Web callback bridge. Every action is a plain form with the
 * CSRF token; no JavaScript is needed.
 */
#include "web/integrations_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/temu.h"
#include "auth/principal.h"
#include "connect/connect.h"
#include "readiness/readiness.h"
#include "web/console.h"
#include "web/deploy_section.h"
#include "sync/query.h"
#include "web/integrations_now.h"
#include "web/integrations_workbench.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

/* ---- registry ---------------------------------------------------------------------------- */

static void page_registry_row(struct html *h, const json_t *row)
{
    const json_t *errs = json_object_get(row, "errors");
    const json_t *warn = json_object_get(row, "token_warning");
    html_tpl(h, "<tr data-key=\"{}\"><td><strong>{}</strong></td><td><code>{}</code></td><td>",
             widget_json_str(row, "key"), widget_json_str(row, "item"),
             widget_json_str(row, "owner"));
    widget_status(h, widget_json_str(row, "status"));
    if (warn != NULL) {
        char cls[16], days[24];
        snprintf(days, sizeof days, "%lld", (long long)widget_json_int(warn, "days_left"));
        snprintf(cls, sizeof cls, "w%s", widget_json_str(warn, "level"));
        html_tpl(h, " <span class=\"pill {}\">", cls);
        widget_msgf(h, MSG_I_TOKEN_DAYS, days);
        html_raw(h, "</span>");
    }
    html_tpl(h, "</td><td>{}</td><td>", widget_json_str(row, "risk"));
    widget_time_ago(h, widget_json_int(row, "last_success_at"), (int64_t)time(NULL));
    html_raw(h, "</td><td>");
    html_txtf(h, "%lld · %lld", (long long)widget_json_int(errs, "auth"),
              (long long)widget_json_int(errs, "sync"));
    html_tpl(h, "</td><td>{}</td></tr>", widget_json_str(row, "next_action"));
}

static void page_registry(struct html *h, const json_t *reg)
{
    static const char *const heads[] = {
        "事项 / Item",
        "负责人 / Owner",
        "状态 / Status",
        "风险 / Risk",
        "最近成功 / Last success",
        "错误 授权·同步 / Errors auth·sync",
        "下一步 / Next action",
        NULL,
    };
    size_t i;
    json_t *row;
    html_raw(h, "<section class=\"card\" id=\"registry\"><div class=\"card-head\"><div><h2>"
                "集成状态 / Integration status</h2><p>");
    widget_msg(h, MSG_I_REGISTRY_LEAD);
    html_raw(h, "</p></div></div>");
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(json_object_get(reg, "integrations"), i, row) page_registry_row(h, row);
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* ---- progress ---------------------------------------------------------------------------- */

static void page_progress_stats(struct html *h, const json_t *pr)
{
    const json_t *act = json_object_get(pr, "action_required");
    char pct[24];
    snprintf(pct, sizeof pct, "%lld", (long long)widget_json_int(pr, "percent"));
    const json_t *stage = json_object_get(pr, "stage");
    html_tpl(h,
             "<div class=\"grid grid-4\"><div class=\"stat\"><div class=\"k\">进度 / Progress"
             "</div><div class=\"v\" id=\"progress-percent\">{}%<small id=\"progress-fraction\">"
             "{}</small></div><progress max=\"100\" value=\"{}\">{}%</progress></div><div "
             "class=\"stat\"><div class=\"k\">当前阶段 / Stage</div><div class=\"v\" "
             "id=\"progress-stage\"><small>",
             pct, widget_json_str(pr, "fraction"), pct, pct);
    /* The stage as a word of the vocabulary (its code the tooltip); "connected" is one too. */
    widget_word(h, widget_json_str(stage, "code"));
    html_raw(h, "</small></div></div><div class=\"stat\"><div class=\"k\">需要你现在介入 / Must "
                "act now</div><div class=\"v\">");
    integrations_pair_text(h, widget_json_str(act, "label"));
    if (json_is_string(json_object_get(act, "role"))) {
        html_raw(h, "<small>");
        widget_word(h, widget_json_str(act, "role"));
        html_raw(h, "</small>");
    }
    html_raw(h, "</div></div><div class=\"stat\"><div class=\"k\">不需要 Temu 店铺登录密码 / No "
                "shop password</div><div class=\"v\">");
    integrations_pair_text(h, widget_json_str(json_object_get(pr, "safety"), "label"));
    html_raw(h, "</div></div></div>");
}

static void page_progress_blocker(struct html *h, const json_t *blk)
{
    if (!json_is_object(blk)) {
        html_raw(h, "<div class=\"blocker none\">当前阻断 / Current blocker: ");
        widget_msg(h, MSG_I_NO_BLOCKER);
        html_raw(h, "</div>");
        return;
    }
    html_raw(h, "<div class=\"blocker\" id=\"progress-blocker\"><div class=\"t\">当前阻断点 / "
                "Current blocker: ");
    integrations_pair_text(h, widget_json_str(blk, "label"));
    html_raw(h, " ");
    widget_status(h, widget_json_str(blk, "status"));
    html_raw(h, "</div><p>");
    integrations_step_text(h, widget_json_str(blk, "step"), widget_json_str(blk, "next_action"));
    html_tpl(h, "</p><p class=\"muted\" lang=\"en\">{}</p></div>", widget_json_str(blk, "message"));
}

static void page_progress_step(struct html *h, const json_t *s)
{
    const char *status = widget_json_str(s, "status");
    html_tpl(h, "<li class=\"{}\" data-step=\"{}\" data-status=\"{}\"><div><div class=\"t\">",
             status, widget_json_str(s, "key"), status);
    integrations_pair_text(h, widget_json_str(s, "label"));
    html_raw(h, " <span class=\"muted\">");
    widget_word(h, widget_json_str(s, "owner"));
    html_raw(h, "</span>");
    /* The domain's finding is precise (addresses, counts) and English: kept as the detail. */
    html_tpl(h, "</div><div class=\"r\" lang=\"en\">{}</div>", widget_json_str(s, "reason"));
    if (strcmp(status, "pass") != 0) {
        html_raw(h, "<div class=\"n\">");
        integrations_step_text(h, widget_json_str(s, "key"), widget_json_str(s, "next_action"));
        html_raw(h, "</div>");
    }
    html_raw(h, "</div><div></div><div>");
    widget_status(h, status);
    html_raw(h, "</div></li>");
}

static void page_progress(struct html *h, const json_t *pr)
{
    size_t i;
    json_t *s;
    html_raw(h, "<section class=\"card\" id=\"progress\"><div class=\"card-head\"><div><h2>"
                "Temu 正式账号连接进度 / Formal Temu connection progress</h2><p>");
    widget_msg(h, MSG_I_PROGRESS_LEAD);
    html_raw(h, "</p></div></div>");
    page_progress_stats(h, pr);
    page_progress_blocker(h, json_object_get(pr, "blocker"));
    html_raw(h, "<div class=\"grid grid-2\"><div><h3>步骤 / Steps</h3><ol class=\"steps\" "
                "id=\"progress-steps\">");
    json_array_foreach(json_object_get(pr, "steps"), i, s) page_progress_step(h, s);
    html_raw(h, "</ol></div><div><h3>下一步 / Next steps</h3><ul class=\"next\">");
    integrations_next_steps(h, pr);
    html_tpl(h, "</ul><p class=\"muted\">{}</p></div></div></section>",
             widget_json_str(json_object_get(pr, "safety"), "statement"));
}

/* The deployment planner section, collapsed to its summary (the runbook is /deploy), or a
 * placeholder when it cannot be read. */
static void page_deploy_section(struct html *h, const struct app *app)
{
    if (h->e != ERR_OK)
        return;
    html_raw(h, "<details class=\"card runbook\" id=\"runbook\"><summary>公网回调部署 / Public "
                "Callback Deployment</summary><p><a href=\"/deploy\">");
    widget_msg(h, MSG_I_DEPLOY_LINK);
    html_raw(h, " →</a></p>");
    size_t mark = h->b->len;
    if (web_deploy_section(h->b, app->cfg, app->db) != ERR_OK) {
        h->b->len = mark;
        h->b->data[mark] = '\0';
        html_raw(h, "<div class=\"placeholder\">");
        widget_msg(h, MSG_I_DEPLOY_UNREADABLE);
        html_raw(h, "</div>");
    }
    html_raw(h, "</details>");
}

ERR_MUST_USE static enum err page_render(struct http_req *req, struct http_resp *resp, int status,
                                         const struct page_extra *x, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *reg = NULL, *pr = NULL, *sessions = NULL, *conns = NULL, *orders = NULL;
    int64_t now = (int64_t)time(NULL);
    struct html h;
    struct app_actor who = web_actor(req);
    app_connect_env(app, &env);
    enum err e = readiness_page(&env, now, &reg, &pr, eb);
    e = e ? e
          : connect_session_list(&env, app_actor_is_admin(&who) ? NULL : who.name, now, &sessions,
                                 eb);
    e = e ? e : connect_connection_list(&env, now, &conns, eb);
    e = e ? e : query_stream_states(app->db, "orders", &orders, eb);
    if (e != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "平台集成 / Integrations", "integrations", req->auth);
    widget_page_head_msg(&h, "平台集成 / Integrations", MSG_I_LEAD);
    const struct integrations_now now_in = {
        .progress = pr,
        .conns = conns,
        .orders = orders,
        .production = app->cfg->env == CONFIG_ENV_PRODUCTION,
    };
    integrations_now(req, &h, &now_in);
    page_registry(&h, reg);
    page_progress(&h, pr);
    page_deploy_section(&h, app);
    integrations_workbench(req, &h, x, sessions, conns);
    e = web_page_end(&h, resp, status);
out:
    json_decref(reg);
    json_decref(pr);
    json_decref(sessions);
    json_decref(conns);
    json_decref(orders);
    return e;
}

/* The fixed notice the Temu callback (src/api, no session flash there) may ask for; the forms
 * of this page use the session's flash (web_redirect_notice). No text comes from the URL. */
static void page_notice_from_query(struct http_req *req, struct page_extra *x)
{
    static const struct web_notice notices[] = {{"connected", "ok", NULL}};
    const struct web_notice *n =
        web_notice_from_query(req, notices, sizeof notices / sizeof notices[0]);
    if (n != NULL) {
        x->notice_kind = n->kind;
        x->notice = web_text(req, MSG_N_CONNECTED);
    }
}

enum err page_integrations(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct page_extra x = {0};
    page_notice_from_query(req, &x);
    return page_render(req, resp, 200, &x, eb);
}

/* Renders the page with an error banner for a failed form post (5xx stay errors). */
ERR_MUST_USE static enum err page_form_error(struct http_req *req, struct http_resp *resp,
                                             enum err e, struct errbuf *why, struct errbuf *eb)
{
    if (!web_form_failure_shown(e)) {
        *eb = *why;
        return e;
    }
    if (web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/integrations", "error",
                                   web_error_text(req, why, e));
    struct page_extra x = {.notice_kind = "error", .notice = web_error_text(req, why, e)};
    return page_render(req, resp, http_status_for_err(e), &x, eb);
}

/* Form fields as a JSON object for the shared helpers (a few named fields only). */
static json_t *page_form_json(struct http_req *req)
{
    static const char *const names[] = {"region", "seller_type", "connection_id"};
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < sizeof names / sizeof names[0]; i++) {
        const char *v = http_req_form(req, names[i]);
        if (v != NULL)
            json_object_set_new(o, names[i], json_string(v));
    }
    return o;
}

ERR_MUST_USE static enum err page_start(struct http_req *req, struct http_resp *resp, json_t *body,
                                        enum connect_purpose purpose, struct errbuf *eb)
{
    struct connect_session_out s;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = body ? app_temu_session_start(req->app, &who, body, purpose, &s, &why) : ERR_NOMEM;
    json_decref(body);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    struct page_extra x = {.session = &s, .session_dev = purpose == CONNECT_PURPOSE_DEV};
    return page_render(req, resp, 200, &x, eb);
}

enum err page_temu_dev_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return page_start(req, resp, page_form_json(req), CONNECT_PURPOSE_DEV, eb);
}

enum err page_temu_reauthorize(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *body = page_form_json(req);
    const char *path = http_req_form(req, "path");
    bool dev = path != NULL && strcmp(path, "dev") == 0;
    if (body != NULL)
        json_object_set_new(body, "connection_id", json_string(http_req_param(req, "id")));
    return page_start(req, resp, body, dev ? CONNECT_PURPOSE_DEV : CONNECT_PURPOSE_PRODUCTION, eb);
}

enum err page_temu_launch_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *body = page_form_json(req), *doc = NULL;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = body ? app_temu_launch_run(req->app, &who, body, &doc, &why) : ERR_NOMEM;
    json_decref(body);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    struct page_extra x = {.launch = doc};
    struct connect_session_out s;
    const json_t *sj = json_object_get(doc, "session");
    if (json_is_object(sj)) {
        memset(&s, 0, sizeof s);
        snprintf(s.id, sizeof s.id, "%s", widget_json_str(sj, "id"));
        snprintf(s.url, sizeof s.url, "%s", widget_json_str(sj, "authorization_url"));
        snprintf(s.redirect_uri, sizeof s.redirect_uri, "%s", widget_json_str(sj, "redirect_uri"));
        s.expires_at = json_integer_value(json_object_get(sj, "expires_at"));
        x.session = &s;
    }
    e = page_render(req, resp, 200, &x, eb);
    json_decref(doc);
    return e;
}

enum err page_temu_manual_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_result r;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_temu_manual_run(req->app, &who, http_req_form(req, "region"),
                                     http_req_form(req, "access_token"),
                                     http_req_form(req, "connection_id"), &r, &why);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    return web_redirect_msg(req, resp, "/integrations", "ok", MSG_N_TOKEN_STORED);
}

enum err page_temu_session_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_temu_session_cancel(req->app, &who, http_req_param(req, "id"), &why);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    return web_redirect_msg(req, resp, "/integrations", "info", MSG_N_SESSION_CANCELLED);
}

enum err page_temu_connection_check(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_temu_check_run(req->app, &who, http_req_param(req, "id"), &doc, &why);
    json_decref(doc);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    return web_redirect_msg(req, resp, "/integrations", "ok", MSG_N_TOKEN_VALID);
}

/* ---- the Web callback bridge ------------------------------------------------------------- */

/* What the bridge says after a successful authorization. */
static void page_bridge_success(struct html *h, const struct connect_result *r)
{
    html_raw(h, "<h1>授权成功 / Authorization complete</h1>");
    widget_status(h, "connected");
    html_raw(h, "<dl class=\"kv\"><dt>店铺 / Shop (mallId)</dt><dd id=\"bridge-mall\">");
    html_int(h, r->mall_id);
    html_tpl(h, "</dd><dt>区域 / Region</dt><dd>{}</dd><dt>到期 / Expires</dt><dd>", r->region);
    widget_time(h, r->expires_at);
    html_raw(h, "</dd><dt>权限 / Scopes</dt><dd>");
    html_int(h, (int64_t)r->scopes);
    html_raw(h, "</dd></dl><p>");
    widget_msg(h, r->reauthorized ? MSG_N_REAUTHORIZED : MSG_N_STORED_ENCRYPTED);
    html_raw(h, "</p>");
}

enum err page_temu_callback_bridge(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_result r;
    struct errbuf why = {0};
    struct html h;
    (void)eb;
    struct app_actor who = web_actor(req);
    enum err e =
        app_temu_callback_run(req->app, &who, http_req_query(req, "code"),
                              http_req_query(req, "state"), http_req_query(req, "error"), &r, &why);
    web_page_begin_req(&h, resp, "Temu 授权 / Temu authorization", "integrations", req);
    html_raw(&h, "<section class=\"card bridge\" id=\"bridge\">");
    if (e == ERR_OK) {
        page_bridge_success(&h, &r);
    } else {
        html_raw(&h, "<h1>授权失败 / Authorization failed</h1>");
        widget_pill(&h, "failed", errbuf_code(&why, e));
        html_tpl(&h, "<p id=\"bridge-error\">{}</p><p class=\"muted\">",
                 web_error_text(req, &why, e));
        widget_msg(&h, MSG_NOTHING_STORED);
        html_raw(&h, "</p>");
    }
    html_raw(&h, "<p><a class=\"button\" href=\"/integrations\">返回平台集成 / Back to "
                 "Integrations</a></p></section>");
    return web_page_end(&h, resp, e == ERR_OK ? 200 : http_status_for_err(e));
}

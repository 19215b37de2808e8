/*
 * The Integrations page's workbench card: the launch packet and its result, the development
 * debug entry, the shop connections with expiry and their history, the authorization
 * sessions, and the manual token form. Every action is a plain form with the CSRF token.
 */
#include <stdio.h>
#include <string.h>

#include "web/page.h"
#include "temu/regions.h"
#include "web/console.h"
#include "web/integrations_workbench.h"
#include "web/msg.h"
#include "web/widget.h"

static void wb_session_result(struct html *h, const struct connect_session_out *s, bool dev)
{
    html_raw(h, "<div class=\"notice info result\" id=\"authorization-result\"><strong>授权链接"
                "已生成 / Authorization URL created</strong> ");
    if (dev)
        widget_pill(h, "dev", "开发调试 · 非正式路径 / dev · not the production path");
    html_tpl(h,
             "<div class=\"url-box\"><code>{}</code></div><a class=\"button\" "
             "id=\"authorization-url\" href=\"{}\">在 Seller Center 打开并批准 / Open in Seller "
             "Center and approve</a><p class=\"muted\">回调 / Callback: <code>{}</code> · 有效期至 "
             "/ valid until ",
             s->url, s->url, s->redirect_uri);
    widget_time(h, s->expires_at);
    html_raw(h, ". ");
    widget_msg(h, MSG_WB_SESSION_NOTE);
    html_raw(h, "</p></div>");
}

static void wb_launch_result(struct html *h, const json_t *launch)
{
    size_t i;
    json_t *bl;
    if (json_is_true(json_object_get(launch, "ready")))
        return; /* the session result is shown instead */
    html_raw(h, "<div class=\"notice error result\" id=\"launch-result\"><strong>启动包未就绪 / "
                "Launch packet not ready</strong>: ");
    widget_msg(h, MSG_WB_LAUNCH_CLOSED);
    html_raw(h, "<ul class=\"next\">");
    json_array_foreach(json_object_get(launch, "blockers"), i, bl)
    {
        /* The gate's next step from the catalog; the domain's sentence (precise, English) is
         * the detail, shown as it is to an English reader. */
        int next = web_msg_for_gate(widget_json_str(bl, "gate"));
        html_tpl(h, "<li data-gate=\"{}\">", widget_json_str(bl, "gate"));
        widget_status(h, widget_json_str(bl, "owner"));
        html_raw(h, " ");
        if (next >= 0 && h->lang != WEB_LANG_EN)
            widget_msg(h, next);
        else
            html_txt(h, widget_json_str(bl, "next_action"));
        html_tpl(h, " <span class=\"muted\" lang=\"en\">({})</span></li>",
                 widget_json_str(bl, "message"));
    }
    html_raw(h, "</ul></div>");
}

/* A one-button POST form to /integrations/temu/KIND/ID/VERB (path may carry "path"). */
static void wb_form(struct http_req *req, struct html *h, const char *kind, const char *id,
                    const char *verb, const struct widget_arg *field, const char *cls,
                    const char *label)
{
    char action[160];
    snprintf(action, sizeof action, "/integrations/temu/%s/%s/%s", kind, id, verb);
    widget_post_button(h, action, req->auth, field, field != NULL ? 1 : 0, cls, label);
}

static void wb_session_row(struct http_req *req, struct html *h, const json_t *s)
{
    bool dev = strcmp(widget_json_str(s, "purpose"), "dev") == 0;
    const char *id = widget_json_str(s, "id");
    html_raw(h, "<tr><td><code>");
    html_txtn(h, id, strlen(id) >= 8 ? 8 : 0);
    html_raw(h, "…</code></td><td>");
    html_raw(h, dev ? "<span class=\"pill dev\">" : "<span class=\"pill configured\">");
    widget_msg(h, dev ? MSG_WB_DEV : MSG_WB_PRODUCTION);
    html_raw(h, "</span>");
    html_tpl(h, "</td><td>{}</td><td>", widget_json_str(s, "created_by"));
    widget_time(h, widget_json_int(s, "created_at"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(s, "expires_at"));
    html_raw(h, "</td><td>");
    widget_status(h, widget_json_str(s, "state"));
    html_tpl(h, "</td><td>{}</td><td>", widget_json_str(s, "outcome"));
    if (strcmp(widget_json_str(s, "state"), "open") == 0 && web_can(req, ROLE_OPS))
        wb_form(req, h, "sessions", id, "cancel", NULL, "small secondary", "取消 / Cancel");
    html_raw(h, "</td></tr>");
}

static void wb_sessions(struct http_req *req, struct html *h, const json_t *sessions)
{
    static const char *const heads[] = {
        "会话 / Session",
        "路径 / Path",
        "创建者 / Created by",
        "创建 / Created",
        "过期 / Expires",
        "状态 / State",
        "结果 / Outcome",
        "",
        NULL,
    };
    size_t i;
    json_t *s;
    html_raw(h, "<h3>授权会话 / Authorization sessions</h3>");
    if (json_array_size(sessions) == 0) {
        widget_empty_msg(h, NULL, MSG_WB_NO_SESSIONS);
        return;
    }
    widget_table_begin(h, "sessions", NULL, heads);
    json_array_foreach(sessions, i, s) wb_session_row(req, h, s);
    widget_table_end(h);
}

static void wb_connection_history(struct html *h, const json_t *c)
{
    size_t k;
    json_t *e;
    html_raw(h, "<details><summary>授权历史 / History</summary><ul class=\"next\">");
    json_array_foreach(json_object_get(c, "history"), k, e)
    {
        html_raw(h, "<li>");
        widget_time(h, widget_json_int(e, "at"));
        html_tpl(h, " · {} · {} · <code>{}</code></li>", widget_json_str(e, "auth_mode"),
                 widget_json_str(e, "actor"), widget_json_str(e, "token"));
    }
    html_raw(h, "</ul></details>");
}

/* The connection's status, authorization and expiry cells. */
static void wb_connection_state(struct html *h, const json_t *c)
{
    const char *warn = widget_json_str(c, "expiry_warning");
    widget_status(h, widget_json_str(c, "status"));
    if (*widget_json_str(c, "status_reason"))
        html_tpl(h, "<div class=\"muted\">{}</div>", widget_json_str(c, "status_reason"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(c, "authorized_at"));
    html_tpl(h, "<div class=\"muted\">{}</div></td><td>", widget_json_str(c, "authorized_by"));
    widget_time(h, widget_json_int(c, "expires_at"));
    char days[24];
    snprintf(days, sizeof days, "%lld", (long long)widget_json_int(c, "days_left"));
    html_raw(h, "<div>");
    widget_msgf(h, MSG_WB_DAYS_LEFT, days);
    html_raw(h, " ");
    if (*warn) {
        char cls[16];
        snprintf(cls, sizeof cls, "w%s", warn);
        widget_pill(h, cls, warn);
    }
    html_raw(h, "</div>");
}

static void wb_connection_row(struct http_req *req, struct html *h, const json_t *c,
                              bool dev_allowed)
{
    const char *id = widget_json_str(c, "id");
    char mall[24];
    snprintf(mall, sizeof mall, "%lld", (long long)widget_json_int(c, "mall_id"));
    html_tpl(h,
             "<tr data-mall=\"{}\"><td><strong>{}</strong><div class=\"muted\">{} · {}</div></td>"
             "<td>{}</td><td>",
             mall, mall, widget_json_str(c, "seller_type"), widget_json_str(c, "auth_mode"),
             widget_json_str(c, "region"));
    wb_connection_state(h, c);
    html_tpl(h, "</td><td><code>{}</code></td><td>", widget_json_str(c, "token"));
    html_int(h, (int64_t)json_array_size(json_object_get(c, "scopes")));
    html_raw(h, "</td><td>");
    if (web_can(req, ROLE_OPS))
        wb_form(req, h, "connections", id, "check", NULL, "small secondary", "验证 / Verify");
    if (web_can(req, ROLE_SELLER_ADMIN)) {
        const struct widget_arg path = {"path", dev_allowed ? "dev" : "production"};
        wb_form(req, h, "connections", id, "reauthorize", &path, "small",
                dev_allowed ? "重新授权 / Re-authorize (dev)" : "重新授权 / Re-authorize");
    }
    wb_connection_history(h, c);
    html_raw(h, "</td></tr>");
}

static void wb_connections(struct http_req *req, struct html *h, const json_t *conns,
                           bool dev_allowed)
{
    static const char *const heads[] = {
        "店铺 / Shop (mallId)",
        "区域 / Region",
        "状态 / Status",
        "授权 / Authorized",
        "到期 / Expires",
        "令牌 / Token",
        "权限 / Scopes",
        "",
        NULL,
    };
    size_t i;
    json_t *c;
    html_raw(h, "<h3>店铺连接 / Shop connections</h3>");
    if (json_array_size(conns) == 0) {
        html_raw(h, "<p class=\"muted\" id=\"connections-empty\">");
        widget_msg(h, MSG_WB_NO_CONNECTIONS);
        html_raw(h, "</p>");
        return;
    }
    widget_table_begin(h, "connections", NULL, heads);
    json_array_foreach(conns, i, c) wb_connection_row(req, h, c, dev_allowed);
    widget_table_end(h);
}

static void wb_head(struct html *h, const struct config *cfg)
{
    char url[CONNECT_URL_MAX];
    connect_callback_url(cfg, url, sizeof url);
    html_tpl(
        h,
        "<section class=\"card\" id=\"workbench\"><div class=\"card-head\"><div><h2>集成"
        "工作台 / Integration workbench</h2><p>{}</p></div></div><dl class=\"kv\"><dt>授权入口 / "
        "Seller Center</dt><dd><code>{}</code></dd><dt>回调 / Callback URL</dt><dd><code "
        "id=\"callback-url\">{}</code> ({})</dd><dt>前端回调桥接 / Web callback bridge</dt>"
        "<dd><code>/integrations/temu/callback</code></dd></dl>",
        web_msg(h->lang, MSG_WB_LEAD),
        cfg->temu_auth_url[0] ? cfg->temu_auth_url
                              : "https://seller.temu.com/open-platform/client-manage",
        url, cfg->temu_callback_mode);
}

static void wb_launch(struct http_req *req, struct html *h)
{
    html_raw(h, "<div class=\"panel\" id=\"launch\"><h3>自动授权启动包 / Auto-authorization "
                "launch packet ");
    widget_pill(h, "configured", "正式路径 / production path");
    html_raw(h, "</h3><p><strong>");
    widget_msg(h, MSG_WB_LAUNCH_WAITS);
    html_raw(h, "</strong></p><p class=\"muted\">");
    widget_msg(h, MSG_WB_LAUNCH_NOTE);
    html_raw(h, "</p>");
    if (web_can(req, ROLE_SELLER_ADMIN)) {
        html_raw(h, "<form method=\"post\" action=\"/integrations/temu/launch\">");
        widget_csrf(h, req->auth);
        html_raw(h, "<button type=\"submit\">生成启动包 / Run launch packet</button></form>");
    } else {
        widget_empty_msg(h, NULL, MSG_WB_NEEDS_SELLER_ADMIN);
    }
    html_raw(h, "</div>");
}

static void wb_dev_entry(struct http_req *req, struct html *h, bool production)
{
    html_raw(h, "<div class=\"panel dev\" id=\"dev-entry\"><h3>开发调试入口 / Development debug "
                "entry ");
    widget_pill(h, "dev", "非正式首选 · 不是生产路径 / NOT the production path");
    html_raw(h, "</h3><p class=\"muted\">");
    widget_msg(h, MSG_WB_DEV_NOTE);
    html_raw(h, "</p>");
    if (production) {
        html_raw(h, "<p class=\"error\">");
        widget_msg(h, MSG_WB_DEV_REFUSED);
        html_raw(h, "</p>");
    } else if (web_can(req, ROLE_OPS)) {
        html_raw(h, "<form method=\"post\" action=\"/integrations/temu/dev\">");
        widget_csrf(h, req->auth);
        html_raw(h, "<button class=\"warn\" type=\"submit\" id=\"start-dev\">开始开发授权 / Start "
                    "dev authorization</button></form>");
    } else {
        widget_empty_msg(h, NULL, MSG_WB_NEEDS_OPS);
    }
    html_raw(h, "</div>");
}

static void wb_manual(struct http_req *req, struct html *h, const struct config *cfg)
{
    html_raw(h, "<div class=\"panel\" id=\"manual\"><h3>手动授权 / Manual token</h3><p "
                "class=\"muted\">");
    widget_msg(h, MSG_WB_MANUAL_NOTE);
    html_raw(h, "</p><form class=\"stack\" method=\"post\" action=\"/integrations/temu/manual\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<label for=\"m-region\">区域 / Region</label><select id=\"m-region\" "
                "name=\"region\">");
    for (int r = 0; r < TEMU_REGION__COUNT; r++) {
        const char *n = temu_region_name((enum temu_region)r);
        html_tpl(h,
                 strcmp(n, cfg->temu_region) == 0 ? "<option value=\"{}\" selected>{}</option>"
                                                  : "<option value=\"{}\">{}</option>",
                 n, n);
    }
    html_raw(h, "</select><label for=\"m-token\">access_token</label><input id=\"m-token\" "
                "name=\"access_token\" autocomplete=\"off\" spellcheck=\"false\" required><button "
                "type=\"submit\">验证并保存 / Verify and store</button></form></div>");
}

void integrations_workbench(struct http_req *req, struct html *h, const struct page_extra *x,
                            const json_t *sessions, const json_t *conns)
{
    const struct app *app = req->app;
    const struct config *cfg = app->cfg;
    bool production = cfg->env == CONFIG_ENV_PRODUCTION;
    wb_head(h, cfg);
    if (x->notice != NULL)
        widget_notice(h, x->notice_kind, x->notice);
    if (x->session != NULL)
        wb_session_result(h, x->session, x->session_dev);
    if (x->launch != NULL)
        wb_launch_result(h, x->launch);
    html_raw(h, "<div class=\"grid grid-2\">");
    wb_launch(req, h);
    wb_dev_entry(req, h, production);
    html_raw(h, "</div>");
    wb_connections(req, h, conns, !production);
    wb_sessions(req, h, sessions);
    if (web_can(req, ROLE_SELLER_ADMIN))
        wb_manual(req, h, cfg);
    html_raw(h, "<p class=\"muted\">");
    widget_msg(h, MSG_WB_VAULT_NOTE);
    html_raw(h, "</p></section>");
}

/*
 * The Integrations page (平台集成) as drawn: the registry table, the connection progress card,
 * the deployment planner section, and the workbench (launch packet, development debug entry,
 * sessions, connections with expiry, manual token form), plus the Web callback bridge. Every
 * action is a plain form with the CSRF token; no JavaScript is needed.
 */
#include "web/integrations_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/temu.h"
#include "auth/principal.h"
#include "base/json.h"
#include "connect/connect.h"
#include "readiness/readiness.h"
#include "web/console.h"
#include "web/deploy_section.h"
#include "web/html.h"
#include "web/page.h"

/* What a form post adds to the page it renders. */
struct page_extra {
    const char *notice_kind; /* "ok", "error", "info" or NULL */
    const char *notice;
    const struct connect_session_out *session; /* a session just created */
    bool session_dev;
    const json_t *launch; /* a launch packet result */
};

static const struct auth_principal *page_who(const struct http_req *req)
{
    return req->auth;
}

static bool page_can(const struct http_req *req, enum auth_role need)
{
    const struct auth_principal *p = page_who(req);
    return p != NULL && p->role >= need;
}

static enum err page_pill(struct buf *b, const char *cls, const char *text)
{
    enum err e = buf_puts(b, "<span class=\"pill ");
    e = e ? e : html_escape(b, cls);
    e = e ? e : buf_puts(b, "\">");
    e = e ? e : html_escape(b, text);
    return e ? e : buf_puts(b, "</span>");
}

static const char *page_status_label(const char *s)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"pass", "通过 / pass"},
        {"warning", "提醒 / warning"},
        {"blocked", "阻断 / blocked"},
        {"pending", "等待 / pending"},
        {"not_configured", "未配置 / not_configured"},
        {"configured", "已配置 / configured"},
        {"authorization_pending", "等待授权 / authorization_pending"},
        {"connected", "已连接 / connected"},
        {"authorized", "已授权 / authorized"},
        {"degraded", "降级 / degraded"},
        {"failed", "失败 / failed"},
        {"paused", "暂停 / paused"},
        {"active", "正常 / active"},
        {"open", "进行中 / open"},
        {"used", "已使用 / used"},
        {"expired", "已过期 / expired"},
        {"cancelled", "已取消 / cancelled"},
    };
    for (size_t i = 0; s != NULL && i < sizeof labels / sizeof labels[0]; i++) {
        if (strcmp(labels[i].code, s) == 0)
            return labels[i].label;
    }
    return s ? s : "";
}

static enum err page_status(struct buf *b, const char *status)
{
    return page_pill(b, status ? status : "", page_status_label(status));
}

static const char *page_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static enum err page_text(struct buf *b, const char *tag, const char *cls, const char *text)
{
    enum err e = buf_printf(b, "<%s class=\"%s\">", tag, cls);
    e = e ? e : html_escape(b, text);
    return e ? e : buf_printf(b, "</%s>", tag);
}

/* ---- registry ---------------------------------------------------------------------------- */

static enum err page_registry(struct buf *b, const json_t *reg)
{
    enum err e = buf_puts(
        b, "<section class=\"card\" id=\"registry\"><div class=\"card-head\"><div><h2>集成状态 / "
           "Integration status</h2><p>每个外部系统一行,状态由真实数据计算。/ One row per external "
           "system; statuses are computed from real state.</p></div></div><table><thead><tr>"
           "<th>事项 / Item</th><th>负责人 / Owner</th><th>状态 / Status</th><th>风险 / Risk</th>"
           "<th>最近成功 / Last success</th><th>错误 授权·同步 / Errors auth·sync</th>"
           "<th>下一步 / Next action</th></tr></thead><tbody>");
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(reg, "integrations"), i, row)
    {
        const json_t *errs = json_object_get(row, "errors");
        const json_t *warn = json_object_get(row, "token_warning");
        e = e ? e : buf_puts(b, "<tr data-key=\"");
        e = e ? e : html_escape(b, page_str(row, "key"));
        e = e ? e : buf_puts(b, "\"><td><strong>");
        e = e ? e : html_escape(b, page_str(row, "item"));
        e = e ? e : buf_puts(b, "</strong></td><td><code>");
        e = e ? e : html_escape(b, page_str(row, "owner"));
        e = e ? e : buf_puts(b, "</code></td><td>");
        e = e ? e : page_status(b, page_str(row, "status"));
        if (e == ERR_OK && warn != NULL) {
            char cls[16], text[64];
            snprintf(cls, sizeof cls, "w%s", page_str(warn, "level"));
            snprintf(text, sizeof text, "令牌 %lld 天 / token %lld d",
                     (long long)json_integer_value(json_object_get(warn, "days_left")),
                     (long long)json_integer_value(json_object_get(warn, "days_left")));
            e = buf_puts(b, " ");
            e = e ? e : page_pill(b, cls, text);
        }
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, page_str(row, "risk"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(row, "last_success_at")));
        e = e ? e
              : buf_printf(b, "</td><td>%lld · %lld</td><td>",
                           (long long)json_integer_value(json_object_get(errs, "auth")),
                           (long long)json_integer_value(json_object_get(errs, "sync")));
        e = e ? e : html_escape(b, page_str(row, "next_action"));
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table></section>");
}

/* ---- progress ---------------------------------------------------------------------------- */

static enum err page_progress(struct buf *b, const json_t *pr)
{
    const json_t *stage = json_object_get(pr, "stage");
    const json_t *act = json_object_get(pr, "action_required");
    const json_t *safety = json_object_get(pr, "safety");
    const json_t *blk = json_object_get(pr, "blocker");
    json_int_t pct = json_integer_value(json_object_get(pr, "percent"));
    enum err e = buf_puts(
        b,
        "<section class=\"card\" id=\"progress\"><div class=\"card-head\"><div><h2>Temu "
        "正式账号连接进度 / Formal Temu connection progress</h2><p>自动判断当前离连接正式账号还有"
        "多远,只有进入店铺管理员交接阶段才需要你介入。/ Computed from real state: how far the "
        "company is from a working production Temu connection.</p></div></div>"
        "<div class=\"grid grid-4\"><div class=\"stat\"><div class=\"k\">进度 / Progress</div>");
    e = e ? e
          : buf_printf(b,
                       "<div class=\"v\" id=\"progress-percent\">%lld%%<small id=\"progress-"
                       "fraction\">%s</small></div><progress max=\"100\" value=\"%lld\">%lld%%"
                       "</progress></div>",
                       (long long)pct, page_str(pr, "fraction"), (long long)pct, (long long)pct);
    e = e ? e
          : buf_puts(b, "<div class=\"stat\"><div class=\"k\">当前阶段 / Stage</div><div "
                        "class=\"v\" id=\"progress-stage\"><small>");
    e = e ? e : html_escape(b, page_str(stage, "label"));
    e = e ? e
          : buf_puts(b, "</small></div></div><div class=\"stat\"><div class=\"k\">需要你现在介入 "
                        "/ Must act now</div><div class=\"v\">");
    e = e ? e : html_escape(b, page_str(act, "label"));
    if (e == ERR_OK && json_is_string(json_object_get(act, "role"))) {
        e = buf_puts(b, "<small>");
        e = e ? e : html_escape(b, page_str(act, "role"));
        e = e ? e : buf_puts(b, "</small>");
    }
    e = e ? e
          : buf_puts(b, "</div></div><div class=\"stat\"><div class=\"k\">不需要 Temu "
                        "店铺登录密码 / No shop password</div><div class=\"v\">");
    e = e ? e : html_escape(b, page_str(safety, "label"));
    e = e ? e : buf_puts(b, "</div></div></div>");
    if (json_is_object(blk)) {
        e = e ? e
              : buf_puts(b, "<div class=\"blocker\" id=\"progress-blocker\"><div "
                            "class=\"t\">当前阻断点 / Current blocker: ");
        e = e ? e : html_escape(b, page_str(blk, "label"));
        e = e ? e : buf_puts(b, " ");
        e = e ? e : page_status(b, page_str(blk, "status"));
        e = e ? e : buf_puts(b, "</div><p>");
        e = e ? e : html_escape(b, page_str(blk, "message"));
        e = e ? e : buf_puts(b, "</p><p class=\"muted\">");
        e = e ? e : html_escape(b, page_str(blk, "next_action"));
        e = e ? e : buf_puts(b, "</p></div>");
    } else {
        e = e ? e
              : buf_puts(b, "<div class=\"blocker none\">当前阻断 / Current blocker: 无 / "
                            "none</div>");
    }
    e = e ? e
          : buf_puts(b, "<div class=\"grid grid-2\"><div><h3>步骤 / Steps</h3><ol "
                        "class=\"steps\" id=\"progress-steps\">");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(pr, "steps"), i, s)
    {
        e = e ? e : buf_puts(b, "<li class=\"");
        e = e ? e : html_escape(b, page_str(s, "status"));
        e = e ? e : buf_puts(b, "\" data-step=\"");
        e = e ? e : html_escape(b, page_str(s, "key"));
        e = e ? e : buf_puts(b, "\" data-status=\"");
        e = e ? e : html_escape(b, page_str(s, "status"));
        e = e ? e : buf_puts(b, "\"><div><div class=\"t\">");
        e = e ? e : html_escape(b, page_str(s, "label"));
        e = e ? e : buf_puts(b, " <code class=\"muted\">");
        e = e ? e : html_escape(b, page_str(s, "owner"));
        e = e ? e : buf_puts(b, "</code></div>");
        e = e ? e : page_text(b, "div", "r", page_str(s, "reason"));
        if (strcmp(page_str(s, "status"), "pass") != 0)
            e = e ? e : page_text(b, "div", "n", page_str(s, "next_action"));
        e = e ? e : buf_puts(b, "</div><div></div><div>");
        e = e ? e : page_status(b, page_str(s, "status"));
        e = e ? e : buf_puts(b, "</div></li>");
    }
    e = e ? e : buf_puts(b, "</ol></div><div><h3>下一步 / Next steps</h3><ul class=\"next\">");
    json_array_foreach(json_object_get(pr, "next_steps"), i, s)
    {
        e = e ? e : buf_puts(b, "<li><code>");
        e = e ? e : html_escape(b, page_str(s, "owner"));
        e = e ? e : buf_puts(b, "</code>: ");
        e = e ? e : html_escape(b, page_str(s, "action"));
        e = e ? e : buf_puts(b, "</li>");
    }
    e = e ? e : buf_puts(b, "</ul><p class=\"muted\">");
    e = e ? e : html_escape(b, page_str(safety, "statement"));
    return e ? e : buf_puts(b, "</p></div></div></section>");
}

/* ---- workbench --------------------------------------------------------------------------- */

static enum err page_session_result(struct buf *b, const struct connect_session_out *s, bool dev)
{
    enum err e = buf_puts(b, "<div class=\"notice info result\" id=\"authorization-result\">"
                             "<strong>授权链接已生成 / Authorization URL created</strong> ");
    if (dev)
        e = e ? e : page_pill(b, "dev", "开发调试 · 非正式路径 / dev · not the production path");
    e = e ? e : buf_puts(b, "<div class=\"url-box\"><code>");
    e = e ? e : html_escape(b, s->url);
    e = e ? e : buf_puts(b, "</code></div><a class=\"button\" id=\"authorization-url\" href=\"");
    e = e ? e : html_escape(b, s->url);
    e = e ? e
          : buf_puts(b, "\">在 Seller Center 打开并批准 / Open in Seller Center and approve</a>"
                        "<p class=\"muted\">回调 / Callback: <code>");
    e = e ? e : html_escape(b, s->redirect_uri);
    e = e ? e : buf_puts(b, "</code> · 有效期至 / valid until ");
    e = e ? e : web_time(b, s->expires_at);
    return e ? e
             : buf_puts(b,
                        " (15 min, single use). 这里不需要 Temu 店铺登录密码 / no shop password is "
                        "needed.</p></div>");
}

static enum err page_launch_result(struct buf *b, const json_t *launch)
{
    enum err e = ERR_OK;
    if (json_is_true(json_object_get(launch, "ready")))
        return ERR_OK; /* the session result is shown instead */
    e = buf_puts(b,
                 "<div class=\"notice error result\" id=\"launch-result\"><strong>启动包未就绪 "
                 "/ Launch packet not ready</strong>: 以下闸口未通过,未创建任何内容 / these gates "
                 "are closed and nothing was created.<ul class=\"next\">");
    size_t i;
    json_t *bl;
    json_array_foreach(json_object_get(launch, "blockers"), i, bl)
    {
        e = e ? e : buf_puts(b, "<li><code>");
        e = e ? e : html_escape(b, page_str(bl, "gate"));
        e = e ? e : buf_puts(b, "</code> (");
        e = e ? e : html_escape(b, page_str(bl, "owner"));
        e = e ? e : buf_puts(b, "): ");
        e = e ? e : html_escape(b, page_str(bl, "message"));
        e = e ? e : buf_puts(b, " <span class=\"muted\">→ ");
        e = e ? e : html_escape(b, page_str(bl, "next_action"));
        e = e ? e : buf_puts(b, "</span></li>");
    }
    return e ? e : buf_puts(b, "</ul></div>");
}

static enum err page_sessions(struct http_req *req, struct buf *b, const json_t *sessions)
{
    const struct auth_principal *p = page_who(req);
    enum err e = buf_puts(b, "<h3>授权会话 / Authorization sessions</h3>");
    if (json_array_size(sessions) == 0)
        return e ? e : buf_puts(b, "<p class=\"muted\">暂无 / none yet.</p>");
    e = e ? e
          : buf_puts(b, "<table id=\"sessions\"><thead><tr><th>会话 / Session</th><th>路径 / "
                        "Path</th><th>创建者 / Created by</th><th>创建 / Created</th><th>过期 / "
                        "Expires</th><th>状态 / State</th><th>结果 / Outcome</th><th></th></tr>"
                        "</thead><tbody>");
    size_t i;
    json_t *s;
    json_array_foreach(sessions, i, s)
    {
        bool dev = strcmp(page_str(s, "purpose"), "dev") == 0;
        e = e ? e : buf_puts(b, "<tr><td><code>");
        e = e ? e : buf_append(b, page_str(s, "id"), strlen(page_str(s, "id")) >= 8 ? 8 : 0);
        e = e ? e : buf_puts(b, "…</code></td><td>");
        e = e ? e
              : page_pill(b, dev ? "dev" : "configured",
                          dev ? "开发调试 / dev (not production)" : "正式 / production");
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, page_str(s, "created_by"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(s, "created_at")));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(s, "expires_at")));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : page_status(b, page_str(s, "state"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, page_str(s, "outcome"));
        e = e ? e : buf_puts(b, "</td><td>");
        if (strcmp(page_str(s, "state"), "open") == 0 && page_can(req, ROLE_OPS)) {
            e = e ? e
                  : buf_puts(b, "<form class=\"inline\" method=\"post\" action=\"/integrations/"
                                "temu/sessions/");
            e = e ? e : html_escape(b, page_str(s, "id"));
            e = e ? e : buf_puts(b, "/cancel\">");
            e = e ? e : web_csrf_field(b, p);
            e = e ? e
                  : buf_puts(b, "<button class=\"small secondary\" type=\"submit\">取消 / "
                                "Cancel</button></form>");
        }
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table>");
}

static enum err page_connections(struct http_req *req, struct buf *b, const json_t *conns,
                                 bool dev_allowed)
{
    const struct auth_principal *p = page_who(req);
    enum err e = buf_puts(b, "<h3>店铺连接 / Shop connections</h3>");
    if (json_array_size(conns) == 0)
        return e ? e
                 : buf_puts(b,
                            "<p class=\"muted\" id=\"connections-empty\">尚无已授权店铺 / no shop "
                            "has authorized the app yet.</p>");
    e = e ? e
          : buf_puts(b, "<table id=\"connections\"><thead><tr><th>店铺 / Shop (mallId)</th>"
                        "<th>区域 / Region</th><th>状态 / Status</th><th>授权 / Authorized"
                        "</th><th>到期 / Expires</th><th>令牌 / Token</th><th>权限 / Scopes"
                        "</th><th></th></tr></thead><tbody>");
    size_t i;
    json_t *c;
    json_array_foreach(conns, i, c)
    {
        const char *id = page_str(c, "id");
        const char *warn = page_str(c, "expiry_warning");
        e = e ? e
              : buf_printf(b,
                           "<tr data-mall=\"%lld\"><td><strong>%lld</strong><div "
                           "class=\"muted\">",
                           (long long)json_integer_value(json_object_get(c, "mall_id")),
                           (long long)json_integer_value(json_object_get(c, "mall_id")));
        e = e ? e : html_escape(b, page_str(c, "seller_type"));
        e = e ? e : buf_puts(b, " · ");
        e = e ? e : html_escape(b, page_str(c, "auth_mode"));
        e = e ? e : buf_puts(b, "</div></td><td>");
        e = e ? e : html_escape(b, page_str(c, "region"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : page_status(b, page_str(c, "status"));
        if (*page_str(c, "status_reason"))
            e = e ? e : page_text(b, "div", "muted", page_str(c, "status_reason"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(c, "authorized_at")));
        e = e ? e : buf_puts(b, "<div class=\"muted\">");
        e = e ? e : html_escape(b, page_str(c, "authorized_by"));
        e = e ? e : buf_puts(b, "</div></td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(c, "expires_at")));
        e = e ? e
              : buf_printf(b, "<div>%lld 天 / days ",
                           (long long)json_integer_value(json_object_get(c, "days_left")));
        if (*warn) {
            char cls[16];
            snprintf(cls, sizeof cls, "w%s", warn);
            e = e ? e : page_pill(b, cls, warn);
        }
        e = e ? e : buf_puts(b, "</div></td><td><code>");
        e = e ? e : html_escape(b, page_str(c, "token"));
        e = e ? e
              : buf_printf(b, "</code></td><td>%zu</td><td>",
                           json_array_size(json_object_get(c, "scopes")));
        if (page_can(req, ROLE_OPS)) {
            e = e ? e
                  : buf_puts(b, "<form class=\"inline\" method=\"post\" action=\"/integrations/"
                                "temu/connections/");
            e = e ? e : html_escape(b, id);
            e = e ? e : buf_puts(b, "/check\">");
            e = e ? e : web_csrf_field(b, p);
            e = e ? e
                  : buf_puts(b, "<button class=\"small secondary\" type=\"submit\">验证 / "
                                "Verify</button></form>");
        }
        if (page_can(req, ROLE_SELLER_ADMIN)) {
            e = e ? e
                  : buf_puts(b, "<form class=\"inline\" method=\"post\" action=\"/integrations/"
                                "temu/connections/");
            e = e ? e : html_escape(b, id);
            e = e ? e : buf_puts(b, "/reauthorize\">");
            e = e ? e : web_csrf_field(b, p);
            e = e ? e
                  : buf_printf(b,
                               "<input type=\"hidden\" name=\"path\" value=\"%s\"><button "
                               "class=\"small\" type=\"submit\">重新授权 / Re-authorize%s</button>"
                               "</form>",
                               dev_allowed ? "dev" : "production", dev_allowed ? " (dev)" : "");
        }
        e = e ? e
              : buf_puts(b, "<details><summary>授权历史 / History</summary><ul class=\"next\">");
        size_t k;
        json_t *h;
        json_array_foreach(json_object_get(c, "history"), k, h)
        {
            e = e ? e : buf_puts(b, "<li>");
            e = e ? e : web_time(b, json_integer_value(json_object_get(h, "at")));
            e = e ? e : buf_puts(b, " · ");
            e = e ? e : html_escape(b, page_str(h, "auth_mode"));
            e = e ? e : buf_puts(b, " · ");
            e = e ? e : html_escape(b, page_str(h, "actor"));
            e = e ? e : buf_puts(b, " · <code>");
            e = e ? e : html_escape(b, page_str(h, "token"));
            e = e ? e : buf_puts(b, "</code></li>");
        }
        e = e ? e : buf_puts(b, "</ul></details></td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table>");
}

static enum err page_workbench(struct http_req *req, struct buf *b, const struct page_extra *x,
                               const json_t *sessions, const json_t *conns)
{
    const struct app *app = req->app;
    const struct config *cfg = app->cfg;
    const struct auth_principal *p = page_who(req);
    bool production = cfg->env == CONFIG_ENV_PRODUCTION;
    char url[CONNECT_URL_MAX];
    connect_callback_url(cfg, url, sizeof url);
    enum err e = buf_puts(
        b,
        "<section class=\"card\" id=\"workbench\"><div class=\"card-head\"><div><h2>集成工作台 / "
        "Integration workbench</h2><p>Temu 自动连接:通过 Temu Open Platform 授权会话自动同步订单、"
        "商品和买家消息。/ Temu auto-connection: authorize through a Temu Open Platform "
        "session.</p></div></div><dl class=\"kv\"><dt>授权入口 / Seller Center</dt><dd><code>");
    e = e ? e
          : html_escape(b, cfg->temu_auth_url[0] ? cfg->temu_auth_url
                                                 : "https://seller.temu.com/open-platform/"
                                                   "client-manage");
    e = e ? e
          : buf_puts(b, "</code></dd><dt>回调 / Callback URL</dt><dd><code id=\"callback-url\">");
    e = e ? e : html_escape(b, url);
    e = e ? e : buf_puts(b, "</code> (");
    e = e ? e : html_escape(b, cfg->temu_callback_mode);
    e = e ? e
          : buf_puts(b, ")</dd><dt>前端回调桥接 / Web callback bridge</dt><dd><code>"
                        "/integrations/temu/callback</code></dd></dl>");
    if (e == ERR_OK && x->notice != NULL) {
        e = buf_printf(b, "<div class=\"notice %s\" id=\"notice\" role=\"status\">",
                       x->notice_kind ? x->notice_kind : "info");
        e = e ? e : html_escape(b, x->notice);
        e = e ? e : buf_puts(b, "</div>");
    }
    if (e == ERR_OK && x->session != NULL)
        e = page_session_result(b, x->session, x->session_dev);
    if (e == ERR_OK && x->launch != NULL)
        e = page_launch_result(b, x->launch);
    e = e ? e
          : buf_puts(b, "<div class=\"grid grid-2\"><div class=\"panel\" id=\"launch\"><h3>自动授权"
                        "启动包 / Auto-authorization launch packet ");
    e = e ? e : page_pill(b, "configured", "正式路径 / production path");
    e = e ? e
          : buf_puts(b, "</h3><p><strong>正式自动授权路径等待闸口通过</strong> / The production "
                        "path opens when every gate passes.</p><p class=\"muted\">正式账号接入优先"
                        "使用“自动授权启动包”。在公网回调、生产 env、App Key/App Secret 和安全闸口"
                        "通过前,这里只返回阻断项,不会要求 Temu 店铺登录密码。</p>");
    if (page_can(req, ROLE_SELLER_ADMIN)) {
        e = e ? e : buf_puts(b, "<form method=\"post\" action=\"/integrations/temu/launch\">");
        e = e ? e : web_csrf_field(b, p);
        e = e ? e
              : buf_puts(b, "<button type=\"submit\">生成启动包 / Run launch packet</button>"
                            "</form>");
    } else {
        e = e ? e : buf_puts(b, "<p class=\"muted\">需要 seller_admin / needs seller_admin.</p>");
    }
    e = e ? e
          : buf_puts(b, "</div><div class=\"panel dev\" id=\"dev-entry\"><h3>开发调试入口 / "
                        "Development debug entry ");
    e = e ? e : page_pill(b, "dev", "非正式首选 · 不是生产路径 / NOT the production path");
    e = e ? e
          : buf_puts(b, "</h3><p class=\"muted\">仅用于本地验证授权会话和签名同步(Temu 沙箱);"
                        "正式生产请先使用上方“自动授权启动包”和运行手册闸口。/ Only for local "
                        "validation against the Temu sandbox.</p>");
    if (production) {
        e = e ? e
              : buf_puts(b, "<p class=\"error\"><strong>已禁用 / Refused</strong>: "
                            "AICOS_ENV=production.</p>");
    } else if (page_can(req, ROLE_OPS)) {
        e = e ? e : buf_puts(b, "<form method=\"post\" action=\"/integrations/temu/dev\">");
        e = e ? e : web_csrf_field(b, p);
        e = e ? e
              : buf_puts(b, "<button class=\"warn\" type=\"submit\" id=\"start-dev\">开始开发授权 "
                            "/ Start dev authorization</button></form>");
    } else {
        e = e ? e : buf_puts(b, "<p class=\"muted\">需要 ops / needs ops.</p>");
    }
    e = e ? e : buf_puts(b, "</div></div>");
    e = e ? e : page_connections(req, b, conns, !production);
    e = e ? e : page_sessions(req, b, sessions);
    if (page_can(req, ROLE_SELLER_ADMIN)) {
        e = e ? e
              : buf_puts(b,
                         "<div class=\"panel\" id=\"manual\"><h3>手动授权 / Manual token</h3><p "
                         "class=\"muted\">在 Seller Center 手动授权后复制 access_token 粘贴到这里;"
                         "保存前会用 bg.open.accesstoken.info.get 验证。/ Paste the token Seller "
                         "Center shows after a manual authorization; it is verified before it is "
                         "stored.</p><form class=\"stack\" method=\"post\" action=\"/integrations/"
                         "temu/manual\">");
        e = e ? e : web_csrf_field(b, p);
        e = e ? e
              : buf_puts(b, "<label for=\"m-region\">区域 / Region</label><select "
                            "id=\"m-region\" name=\"region\">");
        for (int r = 0; e == ERR_OK && r < TEMU_REGION__COUNT; r++) {
            const char *n = temu_region_name((enum temu_region)r);
            e = buf_printf(b, "<option value=\"%s\"%s>%s</option>", n,
                           strcmp(n, cfg->temu_region) == 0 ? " selected" : "", n);
        }
        e = e ? e
              : buf_puts(b, "</select><label for=\"m-token\">access_token</label><input "
                            "id=\"m-token\" name=\"access_token\" autocomplete=\"off\" "
                            "spellcheck=\"false\" required><button type=\"submit\">验证并保存 / "
                            "Verify and store</button></form></div>");
    }
    return e ? e
             : buf_puts(b,
                        "<p class=\"muted\">这里不需要 Temu 登录密码。App Secret 和 Token 加密存入"
                        "密钥库(vault),页面和接口只显示掩码。/ No Temu login password is needed "
                        "here. App Secret and tokens are encrypted in the vault; pages and APIs "
                        "show masked values only.</p></section>");
}

static enum err page_render(struct http_req *req, struct http_resp *resp, int status,
                            const struct page_extra *x, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *reg = NULL, *pr = NULL, *sessions = NULL, *conns = NULL;
    int64_t now = (int64_t)time(NULL);
    struct buf *b = &resp->body;
    struct app_actor who = web_actor(req);
    app_connect_env(app, &env);
    enum err e = readiness_registry(&env, now, &reg, eb);
    e = e ? e : readiness_progress(&env, now, &pr, eb);
    e = e ? e
          : connect_session_list(&env, app_actor_is_admin(&who) ? NULL : who.name, now, &sessions,
                                 eb);
    e = e ? e : connect_connection_list(&env, now, &conns, eb);
    if (e != ERR_OK)
        goto out;
    buf_reset(b);
    e = web_layout_begin(b, "平台集成 / Integrations", "integrations", page_who(req));
    e = e ? e
          : buf_puts(b, "<div class=\"page-head\"><h1>平台集成 / Integrations</h1><p>Temu、物流、"
                        "支付和后续外部系统的接入状态。/ Connection status of Temu, logistics, "
                        "payments and future external systems.</p></div>");
    e = e ? e : page_registry(b, reg);
    e = e ? e : page_progress(b, pr);
    if (e == ERR_OK) {
        size_t mark = b->len;
        if (web_deploy_section(b, app->cfg, app->db) != ERR_OK) {
            b->len = mark;
            b->data[mark] = '\0';
            e = buf_puts(b, "<section class=\"card\"><h2>公网回调部署 / Public Callback "
                            "Deployment</h2><div class=\"placeholder\">部署计划暂不可用 / The "
                            "deployment planner section could not be read.</div></section>");
        }
    }
    e = e ? e : page_workbench(req, b, x, sessions, conns);
    e = e ? e : web_layout_end(b);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
out:
    json_decref(reg);
    json_decref(pr);
    json_decref(sessions);
    json_decref(conns);
    return e;
}

/* The fixed notices a redirect may ask for (no text is reflected from the URL). */
static void page_notice_from_query(struct http_req *req, struct page_extra *x)
{
    static const struct {
        const char *code, *kind, *text;
    } notices[] = {
        {"connected", "ok",
         "授权成功,店铺已连接 / Authorization complete: the shop is connected (token verified and "
         "stored encrypted)."},
        {"manual_connected", "ok",
         "令牌已验证并保存 / The pasted token was verified with info.get and stored."},
        {"cancelled", "info", "授权会话已取消 / The authorization session was cancelled."},
        {"verified", "ok", "令牌有效 / The token was verified with Temu just now."},
    };
    const char *q = http_req_query(req, "notice");
    for (size_t i = 0; q != NULL && i < sizeof notices / sizeof notices[0]; i++) {
        if (strcmp(q, notices[i].code) == 0) {
            x->notice_kind = notices[i].kind;
            x->notice = notices[i].text;
        }
    }
}

enum err page_integrations(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct page_extra x = {0};
    page_notice_from_query(req, &x);
    return page_render(req, resp, 200, &x, eb);
}

/* Renders the page with an error banner for a failed form post (5xx stay errors). */
static enum err page_form_error(struct http_req *req, struct http_resp *resp, enum err e,
                                struct errbuf *why, struct errbuf *eb)
{
    if (http_status_for_err(e) >= 500 && e != ERR_UPSTREAM && e != ERR_UNAVAILABLE) {
        *eb = *why;
        return e;
    }
    struct page_extra x = {.notice_kind = "error", .notice = errbuf_message(why, e)};
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

static enum err page_start(struct http_req *req, struct http_resp *resp, json_t *body,
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
        snprintf(s.id, sizeof s.id, "%s", page_str(sj, "id"));
        snprintf(s.url, sizeof s.url, "%s", page_str(sj, "authorization_url"));
        snprintf(s.redirect_uri, sizeof s.redirect_uri, "%s", page_str(sj, "redirect_uri"));
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
    return http_resp_redirect(resp, "/integrations?notice=manual_connected");
}

enum err page_temu_session_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_temu_session_cancel(req->app, &who, http_req_param(req, "id"), &why);
    if (e != ERR_OK)
        return page_form_error(req, resp, e, &why, eb);
    return http_resp_redirect(resp, "/integrations?notice=cancelled");
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
    return http_resp_redirect(resp, "/integrations?notice=verified");
}

/* ---- the Web callback bridge ------------------------------------------------------------- */

enum err page_temu_callback_bridge(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_result r;
    struct errbuf why = {0};
    (void)eb;
    struct app_actor who = web_actor(req);
    enum err e =
        app_temu_callback_run(req->app, &who, http_req_query(req, "code"),
                              http_req_query(req, "state"), http_req_query(req, "error"), &r, &why);
    struct buf *b = &resp->body;
    buf_reset(b);
    enum err w =
        web_layout_begin(b, "Temu 授权 / Temu authorization", "integrations", page_who(req));
    w = w ? w : buf_puts(b, "<section class=\"card bridge\" id=\"bridge\">");
    if (e == ERR_OK) {
        w = w ? w : buf_puts(b, "<h1>授权成功 / Authorization complete</h1>");
        w = w ? w : page_status(b, "connected");
        w = w ? w
              : buf_printf(b,
                           "<dl class=\"kv\"><dt>店铺 / Shop (mallId)</dt><dd id=\"bridge-mall\">"
                           "%lld</dd><dt>区域 / Region</dt><dd>%s</dd><dt>到期 / Expires</dt><dd>",
                           (long long)r.mall_id, r.region);
        w = w ? w : web_time(b, r.expires_at);
        w = w ? w
              : buf_printf(b, "</dd><dt>权限 / Scopes</dt><dd>%zu</dd></dl><p>%s</p>", r.scopes,
                           r.reauthorized
                               ? "同一连接已重新授权,历史已保留 / The same connection was "
                                 "re-authorized; its history is kept."
                               : "令牌已验证并加密保存 / The token was verified and "
                                 "stored encrypted.");
        resp->status = 200;
    } else {
        w = w ? w : buf_puts(b, "<h1>授权失败 / Authorization failed</h1>");
        w = w ? w : page_pill(b, "failed", errbuf_code(&why, e));
        w = w ? w : buf_puts(b, "<p id=\"bridge-error\">");
        w = w ? w : html_escape(b, errbuf_message(&why, e));
        w = w ? w : buf_puts(b, "</p><p class=\"muted\">未保存任何内容 / Nothing was stored.</p>");
        resp->status = http_status_for_err(e);
    }
    w = w ? w
          : buf_puts(b, "<p><a class=\"button\" href=\"/integrations\">返回平台集成 / Back to "
                        "Integrations</a></p></section>");
    w = w ? w : web_layout_end(b);
    resp->content_type = "text/html; charset=utf-8";
    return w;
}

/* The console frame and its stylesheet route. */
#include "web/console.h"

#include <string.h>

#include "app/signin.h"
#include "auth/sessions.h"
#include "base/arena.h"
#include "base/log.h"
#include "base/tz.h"
#include "web/assets.h"
#include "web/msg.h"
#include "web/widget.h"

/* Appends template text from start up to the next "{{", returning where it stopped. */
static const char *web_template_copy(struct html *h, const char *start)
{
    const char *mark = strstr(start, "{{");
    size_t n = mark ? (size_t)(mark - start) : strlen(start);
    html_rawn(h, start, n); /* the embedded template is trusted markup */
    return mark;
}

static void web_nav(struct html *h, const char *active)
{
    static const struct {
        const char *key, *href, *label;
    } items[] = {
        {"actions", "/", "今日待办 / Action center"},
        {"dashboard", "/dashboard", "看板 / Dashboard"},
        {"integrations", "/integrations", "平台集成 / Integrations"},
        {"deploy", "/deploy", "公网回调部署 / Deployment"},
        {"orders", "/orders", "订单 / Orders"},
        {"products", "/products", "商品 / Products"},
        {"shipments", "/shipments", "包裹 / Shipments"},
        {"cases", "/cases", "买家请求 / Buyer cases"},
        {"settlements", "/settlements", "结算 / Settlements"},
        {"sync", "/sync", "同步 / Sync"},
        {"users", "/users", "用户 / Users"},
        {"tokens", "/tokens", "令牌 / Tokens"},
        {"audit", "/audit", "审计 / Audit"},
        {"secrets", "/secrets", "机密 / Secrets"},
        {"api", "/api/v1/openapi.json", "API"},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        html_raw(h, "<a href=\"");
        html_attr(h, items[i].href);
        html_raw(h, active != NULL && strcmp(items[i].key, active) == 0 ? "\" class=\"active\">"
                                                                        : "\">");
        html_txt(h, items[i].label);
        html_raw(h, "</a>");
    }
}

/* The language switch: a form of two buttons posting to /settings/language (the current
 * language's button is marked pressed). */
static void web_lang_switch(struct html *h, const struct auth_principal *p)
{
    html_raw(h, "<form class=\"lang-switch\" method=\"post\" action=\"/settings/language\">");
    widget_csrf(h, p);
    html_raw(h, h->lang == WEB_LANG_ZH ? "<button name=\"lang\" value=\"zh\" aria-pressed=\"true\">"
                                       : "<button name=\"lang\" value=\"zh\">");
    html_raw(h, "中文</button>");
    html_raw(h, h->lang == WEB_LANG_EN
                    ? "<button name=\"lang\" value=\"en\" aria-pressed=\"true\" lang=\"en\">"
                    : "<button name=\"lang\" value=\"en\" lang=\"en\">");
    html_raw(h, "English</button></form>");
}

static void web_user(struct html *h, const struct auth_principal *p)
{
    if (p == NULL) {
        html_raw(h, "<a class=\"button secondary\" href=\"/login\">登录 / Sign in</a>");
        return;
    }
    html_raw(h, "<span>");
    html_txt(h, p->name);
    html_raw(h, " · ");
    widget_status_label(h, auth_role_name(p->role));
    html_raw(h, "</span>");
    if (p->via == AUTH_VIA_SESSION) {
        web_lang_switch(h, p);
        html_raw(h, "<a href=\"/settings\">");
        widget_pair(h, "设置", "Settings");
        html_raw(h, "</a>");
        html_raw(h, "<form method=\"post\" action=\"/logout\">");
        widget_csrf(h, p);
        html_raw(h, "<button type=\"submit\">退出 / Sign out</button></form>");
    }
}

void web_layout_begin(struct html *h, const char *title, const char *active,
                      const struct auth_principal *p)
{
    const char *t = (const char *)web_asset_layout_html;
    while (h->e == ERR_OK && (t = web_template_copy(h, t)) != NULL) {
        if (strncmp(t, "{{title}}", 9) == 0) {
            html_txt(h, title);
            t += 9;
        } else if (strncmp(t, "{{nav}}", 7) == 0) {
            web_nav(h, active);
            t += 7;
        } else if (strncmp(t, "{{lang}}", 8) == 0) {
            html_raw(h, h->lang == WEB_LANG_EN ? "en" : "zh-CN");
            t += 8;
        } else if (strncmp(t, "{{user}}", 8) == 0) {
            web_user(h, p);
            t += 8;
        } else if (strncmp(t, "{{content}}", 11) == 0) {
            return; /* the page writes its content now */
        } else {
            html_raw(h, "{{");
            t += 2;
        }
    }
}

void web_layout_end(struct html *h)
{
    const char *t = strstr((const char *)web_asset_layout_html, "{{content}}");
    if (t == NULL && h->e == ERR_OK)
        h->e = ERR_INTERNAL;
    else if (t != NULL)
        html_raw(h, t + 11);
}

bool web_can(const struct http_req *req, enum auth_role need)
{
    const struct auth_principal *p = req->auth;
    return p != NULL && p->role >= need;
}

bool web_form_failure_shown(enum err e)
{
    return http_status_for_err(e) < 500 || e == ERR_UPSTREAM || e == ERR_UNAVAILABLE;
}

const struct web_notice *web_notice_from_query(const struct http_req *req,
                                               const struct web_notice *table, size_t n)
{
    const char *q = http_req_query(req, "notice");
    for (size_t i = 0; q != NULL && i < n; i++) {
        if (strcmp(q, table[i].code) == 0)
            return &table[i];
    }
    return NULL;
}

static void web_page_layout(struct html *h, const char *title, const char *active,
                            const struct auth_principal *p);

enum web_lang web_lang_of(const struct auth_principal *p, const char *accept_language)
{
    enum web_lang l = WEB_LANG_BOTH;
    if (p != NULL && web_lang_parse(p->lang, &l) && l != WEB_LANG_BOTH)
        return l;
    return web_lang_from_accept(p != NULL ? p->accept_language : accept_language);
}

/* Starts h on resp's body for p in language lang and p's time zone (UTC when unknown). */
static void web_page_start(struct html *h, struct http_resp *resp, const struct auth_principal *p,
                           enum web_lang lang)
{
    buf_reset(&resp->body);
    html_init(h, &resp->body);
    h->lang = (int)lang;
    if (p != NULL && p->tz[0] != '\0' && tz_load(p->tz, &h->tz, NULL) != ERR_OK)
        h->tz = NULL; /* a zone removed from the database since: UTC */
}

void web_page_begin_req(struct html *h, struct http_resp *resp, const char *title,
                        const char *active, const struct http_req *req)
{
    const struct auth_principal *p = req->auth;
    web_page_start(h, resp, p, web_lang_of(p, http_req_header(req, "Accept-Language")));
    web_page_layout(h, title, active, p);
}

void web_page_begin(struct html *h, struct http_resp *resp, const char *title, const char *active,
                    const struct auth_principal *p)
{
    web_page_start(h, resp, p, web_lang_of(p, NULL));
    web_page_layout(h, title, active, p);
}

static void web_page_layout(struct html *h, const char *title, const char *active,
                            const struct auth_principal *p)
{
    web_layout_begin(h, title, active, p);
    if (p != NULL && p->flash[0] != '\0') {
        html_raw(h, "<div class=\"flash\" id=\"flash\">");
        widget_notice(h, p->flash_kind, p->flash);
        html_raw(h, "</div>");
    }
}

bool web_form_redirects(const struct http_req *req, enum err e)
{
    const struct auth_principal *p = req->auth;
    return web_form_failure_shown(e) && p != NULL && p->via == AUTH_VIA_SESSION;
}

enum err web_redirect_notice(struct http_req *req, struct http_resp *resp, const char *location,
                             const char *kind, const char *text)
{
    struct errbuf why = {0};
    enum err e =
        app_session_flash(req->app, http_req_cookie(req, AUTH_SESSION_COOKIE), kind, text, &why);
    if (e != ERR_OK) /* the action is done; only its notice is lost */
        log_kv(LOG_WARN, "web.flash_failed", "rid", req->rid, "error", err_code(e), NULL);
    return http_resp_redirect(resp, location);
}

const char *web_text(const struct http_req *req, int id)
{
    enum web_lang l = web_lang_of(req->auth, http_req_header(req, "Accept-Language"));
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m == NULL)
        return "";
    if (l != WEB_LANG_BOTH)
        return l == WEB_LANG_EN ? m->en : m->zh;
    const char *both = arena_printf(req->arena, "%s / %s", m->zh, m->en);
    return both != NULL ? both : m->en;
}

/* text with each "{}" replaced by the next of args (a missing one by ""), in the arena. */
static const char *web_fill(const struct http_req *req, const char *text, const char *const *args,
                            size_t nargs)
{
    size_t len = strlen(text) + 1, k = 0;
    for (size_t i = 0; i < nargs; i++)
        len += strlen(args[i] ? args[i] : "");
    char *out = arena_alloc(req->arena, len), *o = out;
    if (out == NULL)
        return text;
    for (const char *p = text; *p; p++) {
        if (p[0] == '{' && p[1] == '}') {
            const char *a = k < nargs && args[k] ? args[k] : "";
            size_t n = strlen(a);
            memcpy(o, a, n);
            o += n;
            k++;
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

const char *web_textf_n(const struct http_req *req, int id, const char *const *args, size_t nargs)
{
    enum web_lang l = web_lang_of(req->auth, http_req_header(req, "Accept-Language"));
    const struct web_msg *m = web_msg_at((unsigned)id);
    if (m == NULL)
        return "";
    if (l != WEB_LANG_BOTH)
        return web_fill(req, l == WEB_LANG_EN ? m->en : m->zh, args, nargs);
    const char *both = arena_printf(req->arena, "%s / %s", web_fill(req, m->zh, args, nargs),
                                    web_fill(req, m->en, args, nargs));
    return both != NULL ? both : m->en;
}

const char *web_error_text(const struct http_req *req, const struct errbuf *why, enum err e)
{
    int id = web_msg_for_code(errbuf_code(why, e));
    enum web_lang l = web_lang_of(req->auth, http_req_header(req, "Accept-Language"));
    if (id < 0 || l != WEB_LANG_ZH)
        return errbuf_message(why, e); /* the domain's own sentence is English and precise */
    return web_msg(WEB_LANG_ZH, (enum web_msg_id)id);
}

enum err web_redirect_msg(struct http_req *req, struct http_resp *resp, const char *location,
                          const char *kind, int id)
{
    return web_redirect_notice(req, resp, location, kind, web_text(req, id));
}

enum err web_page_end(struct html *h, struct http_resp *resp, int status)
{
    web_layout_end(h);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    return html_err(h);
}

enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    buf_reset(&resp->body);
    resp->status = 200;
    resp->content_type = "text/css; charset=utf-8";
    return buf_append(&resp->body, web_asset_console_css, web_asset_console_css_len);
}

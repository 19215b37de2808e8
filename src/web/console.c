/* The console frame and its stylesheet route. */
#include "web/console.h"

#include <string.h>

#include "app/signin.h"
#include "auth/sessions.h"
#include "base/log.h"
#include "web/assets.h"
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
        {"integrations", "/integrations", "平台集成 / Integrations"},
        {"deploy", "/deploy", "公网回调部署 / Deployment"},
        {"orders", "/orders", "订单 / Orders"},
        {"products", "/products", "商品 / Products"},
        {"shipments", "/shipments", "包裹 / Shipments"},
        {"cases", "/cases", "买家请求 / Buyer cases"},
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

static void web_user(struct html *h, const struct auth_principal *p)
{
    if (p == NULL) {
        html_raw(h, "<a class=\"button secondary\" href=\"/login\">登录 / Sign in</a>");
        return;
    }
    html_raw(h, "<span>");
    html_txt(h, p->name);
    html_raw(h, " · ");
    html_txt(h, auth_role_name(p->role));
    html_raw(h, "</span>");
    if (p->via == AUTH_VIA_SESSION) {
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

void web_page_begin(struct html *h, struct http_resp *resp, const char *title, const char *active,
                    const struct auth_principal *p)
{
    buf_reset(&resp->body);
    html_init(h, &resp->body);
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

/* The console frame and its stylesheet route. */
#include "web/console.h"

#include <string.h>
#include <time.h>

#include "web/assets.h"
#include "web/deploy_section.h"
#include "web/html.h"

/* Appends template text from start up to the next "{{", returning where it stopped. */
static const char *web_template_copy(struct buf *b, const char *start, enum err *e)
{
    const char *mark = strstr(start, "{{");
    size_t n = mark ? (size_t)(mark - start) : strlen(start);
    if (*e == ERR_OK)
        *e = buf_append(b, start, n);
    return mark;
}

enum err web_csrf_field(struct buf *b, const struct auth_principal *p)
{
    enum err e = buf_puts(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
    e = e ? e : html_escape(b, p != NULL && p->via == AUTH_VIA_SESSION ? p->csrf : "");
    return e ? e : buf_puts(b, "\">");
}

static enum err web_nav(struct buf *b, const char *active)
{
    static const struct {
        const char *key, *href, *label;
    } items[] = {
        {"integrations", "/integrations", "平台集成 / Integrations"},
        {"deploy", "/deploy", "公网回调部署 / Deployment"},
        {"orders", "/orders", "订单 / Orders"},
        {"products", "/products", "商品 / Products"},
        {"cases", "/cases", "买家请求 / Buyer cases"},
        {"sync", "/sync", "同步 / Sync"},
        {"api", "/api/v1/openapi.json", "API"},
    };
    enum err e = ERR_OK;
    for (size_t i = 0; e == ERR_OK && i < sizeof items / sizeof items[0]; i++)
        e = buf_printf(b, "<a href=\"%s\"%s>%s</a>", items[i].href,
                       active != NULL && strcmp(items[i].key, active) == 0 ? " class=\"active\""
                                                                           : "",
                       items[i].label);
    return e;
}

static enum err web_user(struct buf *b, const struct auth_principal *p)
{
    if (p == NULL)
        return buf_puts(b, "<a class=\"button secondary\" href=\"/login\">登录 / Sign in</a>");
    enum err e = buf_puts(b, "<span>");
    e = e ? e : html_escape(b, p->name);
    e = e ? e : buf_printf(b, " · %s</span>", auth_role_name(p->role));
    if (e == ERR_OK && p->via == AUTH_VIA_SESSION) {
        e = buf_puts(b, "<form method=\"post\" action=\"/logout\">");
        e = e ? e : web_csrf_field(b, p);
        e = e ? e : buf_puts(b, "<button type=\"submit\">退出 / Sign out</button></form>");
    }
    return e;
}

enum err web_layout_begin(struct buf *b, const char *title, const char *active,
                          const struct auth_principal *p)
{
    enum err e = ERR_OK;
    const char *t = (const char *)web_asset_layout_html;
    while (e == ERR_OK && (t = web_template_copy(b, t, &e)) != NULL) {
        if (strncmp(t, "{{title}}", 9) == 0) {
            e = html_escape(b, title);
            t += 9;
        } else if (strncmp(t, "{{nav}}", 7) == 0) {
            e = web_nav(b, active);
            t += 7;
        } else if (strncmp(t, "{{user}}", 8) == 0) {
            e = web_user(b, p);
            t += 8;
        } else if (strncmp(t, "{{content}}", 11) == 0) {
            return ERR_OK; /* the page writes its content now */
        } else {
            e = buf_append(b, t, 2);
            t += 2;
        }
    }
    return e;
}

enum err web_layout_end(struct buf *b)
{
    const char *t = strstr((const char *)web_asset_layout_html, "{{content}}");
    return t != NULL ? buf_puts(b, t + 11) : ERR_INTERNAL;
}

enum err web_time(struct buf *b, int64_t t)
{
    if (t <= 0)
        return buf_puts(b, "—");
    time_t tt = (time_t)t;
    struct tm tm;
    char s[40];
    if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        return buf_puts(b, "—");
    return buf_puts(b, s);
}

enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    struct buf *b = &resp->body;
    buf_reset(b);
    enum err e = buf_append(b, web_asset_console_css, web_asset_console_css_len);
    e = e ? e : buf_puts(b, "\n/* The deployment planner section. */\n");
    e = e ? e : buf_puts(b, web_deploy_section_css);
    resp->status = 200;
    resp->content_type = "text/css; charset=utf-8";
    return e;
}

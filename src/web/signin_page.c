/*
 * The sign-in page and sign-out. The sign-in use-case (throttle, session, audit) is
 * src/app/signin.h, shared with POST /api/v1/session.
 */
#include "web/signin_page.h"

#include "app/signin.h"
#include "auth/sessions.h"
#include "base/log.h"
#include "web/console.h"
#include "web/widget.h"
#include "web/page.h"

/* The form with a fresh pre-session token (login CSRF, app_login_token_new). */
ERR_MUST_USE static enum err page_login_render(struct http_req *req, struct http_resp *resp,
                                               int status, const char *error, const char *name)
{
    const struct app *app = req->app;
    char token[SECURE_TOKEN_LEN + 1];
    const char *cookie = NULL;
    enum err te = app_login_token_new(req->arena, app->cfg, token, &cookie);
    if (te == ERR_OK)
        te = http_resp_header(resp, "Set-Cookie", cookie);
    if (te != ERR_OK)
        return te;
    struct html h;
    web_page_begin_req(&h, resp, "登录 / Sign in", NULL, req);
    html_raw(&h, "<div class=\"page-head\"><h1>登录 / Sign in</h1><p>AI Commerce OS operator "
                 "console</p></div><form class=\"card stack signin\" method=\"post\" "
                 "action=\"/login\"><input type=\"hidden\" name=\"login_token\" value=\"");
    html_attr(&h, token);
    html_raw(&h, "\">");
    if (error != NULL)
        widget_alert(&h, error);
    html_raw(&h, "<label for=\"username\">用户名 / User name</label><input id=\"username\" "
                 "name=\"username\" autocomplete=\"username\" required value=\"");
    html_attr(&h, name ? name : "");
    html_raw(&h, "\"><label for=\"password\">密码 / Password</label><input id=\"password\" "
                 "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                 "required><p><button type=\"submit\">登录 / Sign in</button></p><p "
                 "class=\"sub\">Operator accounts are created with <code>aicos user add</code>. "
                 "The Temu shop login password is never needed here.</p></form>");
    return web_page_end(&h, resp, status);
}

enum err page_login(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    const struct auth_principal *p = req->auth;
    if (p != NULL && p->via == AUTH_VIA_SESSION)
        return http_resp_redirect(resp, "/");
    return page_login_render(req, resp, 200, NULL, NULL);
}

enum err page_login_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = web_actor(req);
    struct app_signin in;
    const char *name = http_req_form(req, "username");
    struct errbuf why = {0};
    /* Login CSRF: our Origin (when sent) and the form's token bound to its cookie. */
    enum err e = app_origin_check(app->cfg, http_req_header(req, "Origin"), &why);
    if (e == ERR_OK)
        e = app_login_token_check(http_req_form(req, "login_token"),
                                  http_req_cookie(req, APP_LOGIN_COOKIE), &why);
    if (e != ERR_OK) {
        log_kv(LOG_WARN, "auth.login_csrf_refused", "rid", req->rid, "ip", req->client_ip, "code",
               why.code, NULL);
        return page_login_render(req, resp, http_status_for_err(e), errbuf_message(&why, e), NULL);
    }
    e = app_signin(app, &who, name, http_req_form(req, "password"), &in, &why);
    /* The throttle's answer goes out even without its Retry-After hint. */
    if (e == ERR_LIMIT)
        err_discard(http_resp_header(resp, "Retry-After",
                                     arena_printf(req->arena, "%lld", (long long)in.retry_after)));
    if (e == ERR_OK)
        e = http_resp_header(
            resp, "Set-Cookie",
            app_session_cookie(req->arena, app->cfg, in.token, AUTH_SESSION_MAX_S));
    secure_wipe(in.token, sizeof in.token);
    if (e == ERR_OK)
        return http_resp_redirect(resp, "/");
    if (http_status_for_err(e) >= 500) {
        *eb = why;
        return e;
    }
    return page_login_render(req, resp, http_status_for_err(e), errbuf_message(&why, e), name);
}

enum err page_logout(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    const struct app *app = req->app;
    struct app_actor who = web_actor(req);
    app_signout(app, &who, http_req_cookie(req, AUTH_SESSION_COOKIE));
    enum err e =
        http_resp_header(resp, "Set-Cookie", app_session_cookie(req->arena, app->cfg, "", 0));
    return e != ERR_OK ? e : http_resp_redirect(resp, "/login");
}

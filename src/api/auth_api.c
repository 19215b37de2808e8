/*
 * Authentication and authorization for every route, sign-in and sign-out (JSON and HTML),
 * and the audit helper.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "base/json.h"
#include "auth/audit.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "base/log.h"
#include "web/console.h"
#include "web/html.h"

static struct auth_principal *api_principal(const struct http_req *req)
{
    return req->auth;
}

void api_audit(struct http_req *req, const char *action, const char *target, const char *outcome,
               const char *detail)
{
    struct app *app = req->app;
    const struct auth_principal *p = api_principal(req);
    struct audit_entry e = {
        .actor = p ? p->name : "anonymous",
        .role = p ? auth_role_name(p->role) : "none",
        .action = action,
        .target = target,
        .outcome = outcome,
        .ip = req->client_ip,
        .request_id = req->rid,
        .detail = detail,
    };
    struct errbuf eb = {0};
    if (audit_write(app->db, &e, &eb) != ERR_OK)
        log_kv(LOG_ERROR, "audit.write_failed", "rid", req->rid, "action", action, "detail", eb.msg,
               NULL);
}

/* The "Bearer <token>" credential, or NULL. */
static const char *api_bearer(const struct http_req *req)
{
    const char *h = http_req_header(req, "Authorization");
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

static bool api_is_safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0;
}

/* Identifies the caller (if any) and stores the principal in the request. */
static enum err api_identify(struct http_req *req, struct errbuf *eb)
{
    struct app *app = req->app;
    const char *bearer = api_bearer(req);
    const char *cookie = http_req_cookie(req, AUTH_SESSION_COOKIE);
    if (bearer == NULL && cookie == NULL)
        return ERR_OK;
    struct auth_principal *p = arena_alloc(req->arena, sizeof *p);
    if (p == NULL)
        return ERR_NOMEM;
    enum err e;
    if (bearer != NULL)
        e = auth_token_lookup(app->db, bearer, p, eb);
    else
        e = auth_session_lookup(app->db, cookie, (int64_t)time(NULL), p, eb);
    if (e == ERR_OK)
        req->auth = p;
    return e;
}

/* Cookie-authenticated writes must come from our own pages. */
static enum err api_check_origin(struct http_req *req, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *origin = http_req_header(req, "Origin");
    if (origin == NULL || strcmp(origin, app->cfg->web_origin) == 0 ||
        strcmp(origin, app->cfg->api_origin) == 0)
        return ERR_OK;
    return err_set(eb, ERR_FORBIDDEN, "origin_mismatch",
                   "This request comes from another site (Origin %.100s) and was refused.", origin);
}

enum err api_authorize(struct http_req *req, const struct route *route, enum http_auth_phase phase,
                       struct errbuf *eb)
{
    if (phase == HTTP_AUTH_HEADERS) {
        struct errbuf why = {0};
        enum err e = api_identify(req, &why);
        if (route->flags & ROUTE_PUBLIC)
            return e == ERR_OK || e == ERR_AUTH ? ERR_OK : e; /* a stale cookie is no reason
                                                                 to refuse a public page */
        if (e != ERR_OK) {
            if (e == ERR_AUTH)
                api_audit(req, "auth.rejected", route->pattern, "denied", why.msg);
            *eb = why;
            return e;
        }
        const struct auth_principal *p = api_principal(req);
        if (p == NULL)
            return err_set(eb, ERR_AUTH, "unauthenticated",
                           "Sign in (or send an API token) to use %s.", route->pattern);
        unsigned need = route->min_role ? route->min_role : ROLE_SELLER_ADMIN;
        if ((unsigned)p->role < need) {
            api_audit(req, "auth.forbidden", route->pattern, "denied", "role too low");
            return err_set(eb, ERR_FORBIDDEN, "forbidden",
                           "Your role (%s) cannot do this; it needs %s or higher.",
                           auth_role_name(p->role), auth_role_name((enum auth_role)need));
        }
        return ERR_OK;
    }
    /* HTTP_AUTH_BODY: CSRF on state-changing requests that rely on the session cookie. */
    const struct auth_principal *p = api_principal(req);
    if (p == NULL || p->via != AUTH_VIA_SESSION || api_is_safe_method(req->method))
        return ERR_OK;
    enum err e = api_check_origin(req, eb);
    if (e != ERR_OK)
        return e;
    const char *sent = http_req_header(req, "X-CSRF-Token");
    if (sent == NULL)
        sent = http_req_form(req, "csrf_token");
    if (sent == NULL || !secure_equal(sent, p->csrf)) {
        api_audit(req, "auth.csrf_failed", route->pattern, "denied", "missing or wrong token");
        return err_set(eb, ERR_FORBIDDEN, "csrf_failed",
                       "The CSRF token is missing or wrong: send the X-CSRF-Token header (or "
                       "the csrf_token form field) from your session.");
    }
    return ERR_OK;
}

/* The session cookie: HttpOnly, SameSite=Lax, Secure whenever the console is on HTTPS. */
static const char *api_session_cookie(struct http_req *req, const char *token, int max_age)
{
    const struct app *app = req->app;
    return arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                        AUTH_SESSION_COOKIE, token, max_age,
                        config_origin_is_https(app->cfg->web_origin) ? "; Secure" : "");
}

/*
 * Checks a sign-in, audits it, and on success creates the session and sets the cookie.
 * csrf receives the new CSRF token.
 */
static enum err api_sign_in(struct http_req *req, struct http_resp *resp, const char *name,
                            const char *password, struct auth_user *user, char *csrf,
                            struct errbuf *eb)
{
    struct app *app = req->app;
    int64_t now = (int64_t)time(NULL), retry = 0;
    if (name == NULL || password == NULL || *name == '\0' || *password == '\0')
        return err_set(eb, ERR_INVAL, "credentials_required", "Send a user name and a password.");
    if (strlen(name) > AUTH_NAME_MAX || strlen(password) > 1024)
        return err_set(eb, ERR_AUTH, "invalid_credentials", "Invalid user name or password.");
    enum err e = auth_login(app->db, name, password, now, user, &retry, eb);
    struct auth_principal *who = arena_alloc(req->arena, sizeof *who);
    if (who != NULL) {
        snprintf(who->name, sizeof who->name, "%s", name);
        who->role = e == ERR_OK ? user->role : ROLE_NONE;
        req->auth = who;
    }
    if (e != ERR_OK) {
        api_audit(req, "login", name, "failure", errbuf_code(eb, e));
        req->auth = NULL;
        if (e == ERR_LIMIT) {
            const char *secs = arena_printf(req->arena, "%lld", (long long)retry);
            http_resp_header(resp, "Retry-After", secs);
        }
        return e;
    }
    char token[SECURE_TOKEN_LEN + 1];
    e = auth_session_create(app->db, user, req->client_ip, now, token, csrf, eb);
    if (e == ERR_OK) {
        http_resp_header(resp, "Set-Cookie", api_session_cookie(req, token, AUTH_SESSION_MAX_S));
        api_audit(req, "login", name, "success", "signed in");
    }
    secure_wipe(token, sizeof token);
    if (who != NULL)
        who->via = AUTH_VIA_SESSION;
    return e;
}

enum err api_session_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct auth_user user;
    char csrf[SECURE_TOKEN_LEN + 1];
    enum err e = api_sign_in(req, resp, json_get_string(req->json, "username"),
                             json_get_string(req->json, "password"), &user, csrf, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201,
                          json_pack("{s:s, s:s, s:s, s:i}", "username", user.name, "role",
                                    auth_role_name(user.role), "csrf_token", csrf, "expires_in",
                                    AUTH_SESSION_MAX_S));
}

enum err api_session_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    const struct auth_principal *p = api_principal(req);
    json_t *doc = json_pack("{s:s, s:s, s:s}", "name", p->name, "role", auth_role_name(p->role),
                            "via", p->via == AUTH_VIA_TOKEN ? "token" : "session");
    if (doc != NULL && p->via == AUTH_VIA_SESSION)
        json_object_set_new(doc, "csrf_token", json_string(p->csrf));
    return http_resp_json(resp, 200, doc);
}

/* Ends the cookie's session (if any), clears the cookie, audits. */
static void api_sign_out(struct http_req *req, struct http_resp *resp)
{
    struct app *app = req->app;
    const char *cookie = http_req_cookie(req, AUTH_SESSION_COOKIE);
    if (cookie != NULL)
        auth_session_delete(app->db, cookie, NULL);
    http_resp_header(resp, "Set-Cookie", api_session_cookie(req, "", 0));
    api_audit(req, "logout", "", "success", "signed out");
}

enum err api_session_delete(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct auth_principal *p = api_principal(req);
    if (p->via != AUTH_VIA_SESSION)
        return err_set(eb, ERR_INVAL, "no_session",
                       "This request is signed with an API token, not a session.");
    api_sign_out(req, resp);
    return http_resp_json(resp, 200, json_pack("{s:b}", "signed_out", 1));
}

static enum err page_login_render(struct http_resp *resp, int status, const char *error,
                                  const char *name)
{
    struct buf *b = &resp->body;
    buf_reset(b);
    enum err e = web_layout_begin(b, "登录 / Sign in", NULL, NULL);
    e = e ? e
          : buf_puts(b,
                     "<div class=\"page-head\"><h1>登录 / Sign in</h1><p>AI Commerce OS "
                     "operator console</p></div><form class=\"card stack signin\" method=\"post\" "
                     "action=\"/login\">");
    if (e == ERR_OK && error != NULL) {
        e = buf_puts(b, "<p class=\"notice error\" role=\"alert\">");
        e = e ? e : html_escape(b, error);
        e = e ? e : buf_puts(b, "</p>");
    }
    e = e ? e
          : buf_puts(b, "<label for=\"username\">用户名 / User name</label>"
                        "<input id=\"username\" name=\"username\" autocomplete=\"username\" "
                        "required value=\"");
    e = e ? e : html_escape(b, name ? name : "");
    e = e ? e
          : buf_puts(b, "\"><label for=\"password\">密码 / Password</label>"
                        "<input id=\"password\" name=\"password\" type=\"password\" "
                        "autocomplete=\"current-password\" required>"
                        "<p><button type=\"submit\">登录 / Sign in</button></p>"
                        "<p class=\"sub\">Operator accounts are created with "
                        "<code>aicos user add</code>. The Temu shop login password is never "
                        "needed here.</p></form>");
    e = e ? e : web_layout_end(b);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    return e;
}

enum err page_login(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    if (api_principal(req) != NULL && api_principal(req)->via == AUTH_VIA_SESSION)
        return http_resp_redirect(resp, "/");
    return page_login_render(resp, 200, NULL, NULL);
}

enum err page_login_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct auth_user user;
    char csrf[SECURE_TOKEN_LEN + 1];
    const char *name = http_req_form(req, "username");
    struct errbuf why = {0};
    enum err e = api_sign_in(req, resp, name, http_req_form(req, "password"), &user, csrf, &why);
    (void)eb;
    if (e == ERR_OK)
        return http_resp_redirect(resp, "/");
    if (http_status_for_err(e) >= 500) {
        *eb = why;
        return e;
    }
    return page_login_render(resp, http_status_for_err(e), errbuf_message(&why, e), name);
}

enum err page_logout(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    api_sign_out(req, resp);
    return http_resp_redirect(resp, "/login");
}

enum err page_home(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    return http_resp_redirect(resp, "/integrations"); /* the console's main page */
}

/*
 * Authentication and authorization for every route (the server's auth hook) and the JSON
 * sign-in API. The sign-in use-case is src/app/signin.h, shared with the sign-in page.
 */
#include "api/auth_api.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "app/signin.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "base/json.h"

static struct auth_principal *api_principal(const struct http_req *req)
{
    return req->auth;
}

/* Audits for the request's actor. */
static void api_audit_req(struct http_req *req, const char *action, const char *target,
                          const char *outcome, const char *detail)
{
    struct app_actor who = api_actor(req);
    app_audit(req->app, &who, action, target, outcome, detail);
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

/*
 * A session's flash notice is for the next page it opens (a GET of a ROUTE_PAGE route): that
 * page keeps it in the principal and it is forgotten in the database, so it shows once. Any
 * other request (JSON, a form post, the stylesheet) leaves it waiting.
 */
static void api_flash_route(struct http_req *req, const struct route *route,
                            struct auth_principal *p)
{
    if (p->flash[0] == '\0')
        return;
    if ((route->flags & ROUTE_PAGE) && strcmp(req->method, "GET") == 0) {
        const struct app *app = req->app;
        struct errbuf why = {0};
        if (auth_session_flash_clear(app->db, http_req_cookie(req, AUTH_SESSION_COOKIE), &why) ==
            ERR_OK)
            return;
    }
    p->flash[0] = '\0';
    p->flash_kind[0] = '\0';
}

/* Identifies the caller (if any) and stores the principal in the request. */
ERR_MUST_USE static enum err api_identify(struct http_req *req, struct errbuf *eb)
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
    if (e == ERR_OK) {
        if (p->tz[0] == '\0')
            snprintf(p->tz, sizeof p->tz, "UTC");
        p->accept_language = http_req_header(req, "Accept-Language");
        req->auth = p;
    }
    return e;
}

/* Cookie-authenticated writes must come from our own pages. */
ERR_MUST_USE static enum err api_check_origin(struct http_req *req, struct errbuf *eb)
{
    const struct app *app = req->app;
    return app_origin_check(app->cfg, http_req_header(req, "Origin"), eb);
}

enum err api_authorize(struct http_req *req, const struct route *route, enum http_auth_phase phase,
                       struct errbuf *eb)
{
    if (phase == HTTP_AUTH_HEADERS) {
        struct errbuf why = {0};
        enum err e = api_identify(req, &why);
        if (e == ERR_OK && req->auth != NULL)
            api_flash_route(req, route, req->auth);
        if (route->flags & ROUTE_PUBLIC)
            return e == ERR_OK || e == ERR_AUTH ? ERR_OK : e; /* a stale cookie is no reason
                                                                 to refuse a public page */
        if (e != ERR_OK) {
            if (e == ERR_AUTH) { /* anonymous: counted, not one audit entry per request */
                struct app_actor who = api_actor(req);
                app_audit_refusal(req->app, &who, "auth.rejected", route->pattern);
            }
            *eb = why;
            return e;
        }
        const struct auth_principal *p = api_principal(req);
        if (p == NULL)
            return err_set(eb, ERR_AUTH, "unauthenticated",
                           "Sign in (or send an API token) to use %s.", route->pattern);
        unsigned need = route->min_role ? route->min_role : ROLE_SELLER_ADMIN;
        if ((unsigned)p->role < need) {
            api_audit_req(req, "auth.forbidden", route->pattern, "denied", "role too low");
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
        api_audit_req(req, "auth.csrf_failed", route->pattern, "denied", "missing or wrong token");
        return err_set(eb, ERR_FORBIDDEN, "csrf_failed",
                       "The CSRF token is missing or wrong: send the X-CSRF-Token header (or "
                       "the csrf_token form field) from your session.");
    }
    return ERR_OK;
}

/*
 * Signs in (src/app/signin.h) and on success sets the session cookie; a throttled attempt
 * gets Retry-After. out->csrf receives the new CSRF token.
 */
ERR_MUST_USE static enum err api_sign_in(struct http_req *req, struct http_resp *resp,
                                         const char *name, const char *password,
                                         struct app_signin *out, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = api_actor(req);
    enum err e = app_signin(app, &who, name, password, out, eb);
    /* The throttle's answer goes out even without its Retry-After hint. */
    if (e == ERR_LIMIT)
        err_discard(http_resp_header(
            resp, "Retry-After", arena_printf(req->arena, "%lld", (long long)out->retry_after)));
    if (e == ERR_OK)
        e = http_resp_header(
            resp, "Set-Cookie",
            app_session_cookie(req->arena, app->cfg, out->token, AUTH_SESSION_MAX_S));
    secure_wipe(out->token, sizeof out->token);
    return e;
}

enum err api_session_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_signin in;
    enum err e = api_check_origin(req, eb); /* no sign-in from a foreign page */
    if (e != ERR_OK)
        return e;
    e = api_sign_in(req, resp, json_get_string(req->json, "username"),
                    json_get_string(req->json, "password"), &in, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201,
                          json_pack("{s:s, s:s, s:s, s:i}", "username", in.user.name, "role",
                                    auth_role_name(in.user.role), "csrf_token", in.csrf,
                                    "expires_in", AUTH_SESSION_MAX_S));
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

enum err api_session_delete(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct auth_principal *p = api_principal(req);
    if (p->via != AUTH_VIA_SESSION)
        return err_set(eb, ERR_INVAL, "no_session",
                       "This request is signed with an API token, not a session.");
    struct app_actor who = api_actor(req);
    const struct app *app = req->app;
    app_signout(app, &who, http_req_cookie(req, AUTH_SESSION_COOKIE));
    enum err e =
        http_resp_header(resp, "Set-Cookie", app_session_cookie(req->arena, app->cfg, "", 0));
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:b}", "signed_out", 1));
}

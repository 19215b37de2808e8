/*
 * JSON handlers of the Temu authorization workbench, the connection progress and the
 * integration registry. Domain work is in src/connect and src/readiness; these handlers
 * parse, audit and answer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/principal.h"
#include "base/json.h"
#include "connect/connect.h"
#include "readiness/readiness.h"
#include "temu/regions.h"

void api_connect_env(struct http_req *req, struct connect_env *env)
{
    const struct app *app = req->app;
    env->cfg = app->cfg;
    env->db = app->db;
    env->vault = app->vault;
}

const char *api_actor_name(const struct http_req *req)
{
    const struct auth_principal *p = req->auth;
    return p != NULL ? p->name : "anonymous";
}

static bool api_is_admin(const struct http_req *req)
{
    const struct auth_principal *p = req->auth;
    return p != NULL && p->role >= ROLE_SELLER_ADMIN;
}

/* The region named in the body (default: AICOS_TEMU_REGION). */
static enum err api_body_region(struct http_req *req, const json_t *body, enum temu_region *out,
                                struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *name = json_get_string(body, "region");
    if (name == NULL || *name == '\0')
        name = app->cfg->temu_region;
    if (!temu_region_parse(name, out))
        return err_set(eb, ERR_INVAL, "bad_region",
                       "region must be one of us, eu, global, partner or cn.");
    return ERR_OK;
}

static json_t *api_session_json(const struct connect_session_out *s, const char *purpose)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s}", "id", s->id, "authorization_url",
                     s->url, "redirect_uri", s->redirect_uri, "expires_at",
                     (json_int_t)s->expires_at, "purpose", purpose, "production_path",
                     strcmp(purpose, "production") == 0, "note",
                     strcmp(purpose, "production") == 0
                         ? "Open the URL as a seller admin and approve the app in Temu Seller "
                           "Center. The shop login password is never needed."
                         : "Development debug entry: NOT the production path. For local "
                           "validation against the Temu sandbox only.");
}

enum err api_temu_session_start(struct http_req *req, const json_t *body,
                                enum connect_purpose purpose, struct connect_session_out *out,
                                struct errbuf *eb)
{
    struct connect_env env;
    struct connect_session_req rq = {.purpose = purpose, .actor = api_actor_name(req)};
    const char *action = purpose == CONNECT_PURPOSE_DEV ? "temu.authorization.dev"
                                                        : "temu.authorization.session.create";
    api_connect_env(req, &env);
    enum err e = api_refuse_password_fields(body, eb);
    if (e == ERR_OK)
        e = api_body_region(req, body, &rq.region, eb);
    if (e == ERR_OK &&
        !connect_seller_type_parse(json_get_string(body, "seller_type"), &rq.seller_type))
        e = err_set(eb, ERR_INVAL, "bad_seller_type", "seller_type must be local or cross_border.");
    const char *cid = json_get_string(body, "connection_id");
    rq.connection_id = cid != NULL && *cid != '\0' ? cid : NULL;
    if (e == ERR_OK)
        e = connect_session_create(&env, &rq, (int64_t)time(NULL), out, eb);
    if (e == ERR_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "session %s, region %s%s%s", out->id,
                 temu_region_name(rq.region), rq.connection_id ? ", re-authorizes " : "",
                 rq.connection_id ? rq.connection_id : "");
        api_audit(req, action, out->id, "success", detail);
    } else {
        api_audit(req, action, "", http_status_for_err(e) == 403 ? "denied" : "failure",
                  errbuf_code(eb, e));
    }
    return e;
}

enum err api_temu_sessions_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_session_out s;
    enum err e = api_temu_session_start(req, req->json, CONNECT_PURPOSE_PRODUCTION, &s, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201, api_session_json(&s, "production"));
}

enum err api_temu_dev_authorization(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_session_out s;
    enum err e = api_temu_session_start(req, req->json, CONNECT_PURPOSE_DEV, &s, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201, api_session_json(&s, "dev"));
}

enum err api_temu_sessions_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *list = NULL;
    api_connect_env(req, &env);
    enum err e = connect_session_list(&env, api_is_admin(req) ? NULL : api_actor_name(req),
                                      (int64_t)time(NULL), &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "sessions", list));
}

enum err api_temu_sessions_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    const char *id = http_req_param(req, "id");
    api_connect_env(req, &env);
    enum err e = connect_session_cancel(&env, id, api_actor_name(req), api_is_admin(req),
                                        (int64_t)time(NULL), eb);
    api_audit(req, "temu.authorization.session.cancel", id ? id : "",
              e == ERR_OK ? "success" : "failure", e == ERR_OK ? "cancelled" : errbuf_code(eb, e));
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:s, s:s}", "id", id, "state", "cancelled"));
}

enum err api_temu_callback_run(struct http_req *req, struct connect_result *out, struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    char detail[ERRBUF_MSG_MAX + 160];
    api_connect_env(req, &env);
    enum err e = connect_callback(&env, http_req_query(req, "code"), http_req_query(req, "state"),
                                  http_req_query(req, "error"), (int64_t)time(NULL), out, &te, eb);
    if (e == ERR_OK)
        snprintf(detail, sizeof detail,
                 "session %s of %s: shop %lld in %s authorized%s; %zu scope(s)", out->session_id,
                 out->created_by, (long long)out->mall_id, out->region,
                 out->reauthorized ? " again (history kept)" : "", out->scopes);
    else
        snprintf(detail, sizeof detail, "%s%s%s: %s", out->session_id[0] ? "session " : "",
                 out->session_id, out->session_id[0] ? "" : "no session", errbuf_message(eb, e));
    api_audit(req, "temu.authorization.callback", out->connection_id[0] ? out->connection_id : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err api_temu_callback(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_result r;
    enum err e = api_temu_callback_run(req, &r, eb);
    if (e != ERR_OK)
        return e;
    const char *accept = http_req_header(req, "Accept");
    if (accept != NULL && strstr(accept, "application/json") != NULL)
        return http_resp_json(resp, 200,
                              json_pack("{s:s, s:s, s:I, s:I, s:b, s:s}", "connection_id",
                                        r.connection_id, "region", r.region, "mall_id",
                                        (json_int_t)r.mall_id, "expires_at",
                                        (json_int_t)r.expires_at, "reauthorized", r.reauthorized,
                                        "console", "/integrations"));
    return http_resp_redirect(
        resp, arena_printf(req->arena, "%s/integrations?notice=connected", app->cfg->web_origin));
}

enum err api_temu_callback_diagnostics(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb)
{
    const struct app *app = req->app;
    (void)eb;
    return http_resp_json(resp, 200, connect_callback_diagnostics(app->cfg));
}

enum err api_temu_launch_run(struct http_req *req, const json_t *body, json_t **out,
                             struct errbuf *eb)
{
    struct connect_env env;
    enum temu_region region;
    json_t *blockers = NULL;
    api_connect_env(req, &env);
    enum err e = api_refuse_password_fields(body, eb);
    if (e == ERR_OK)
        e = api_body_region(req, body, &region, eb);
    if (e == ERR_OK)
        e = connect_launch_blockers(&env, region, &blockers, eb);
    if (e != ERR_OK)
        return e;
    if (json_array_size(blockers) > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu gate(s) closed", json_array_size(blockers));
        api_audit(req, "temu.launch_packet", "", "denied", detail);
        *out = json_pack("{s:b, s:o, s:s}", "ready", 0, "blockers", blockers, "note",
                         "Nothing was created. The shop login password is never needed.");
        return *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(blockers);
    struct connect_session_out s;
    e = api_temu_session_start(req, body, CONNECT_PURPOSE_PRODUCTION, &s, eb);
    if (e != ERR_OK)
        return e;
    *out = json_pack("{s:b, s:o, s:o}", "ready", 1, "blockers", json_array(), "session",
                     api_session_json(&s, "production"));
    return *out ? ERR_OK : ERR_NOMEM;
}

enum err api_temu_launch_packet(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    enum err e = api_temu_launch_run(req, req->json, &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, json_is_true(json_object_get(doc, "ready")) ? 201 : 200, doc);
}

enum err api_temu_connections_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *list = NULL;
    api_connect_env(req, &env);
    enum err e = connect_connection_list(&env, (int64_t)time(NULL), &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "connections", list));
}

enum err api_temu_manual_run(struct http_req *req, const char *region_name, const char *token,
                             const char *connection_id, struct connect_result *out,
                             struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    enum temu_region region;
    const struct app *app = req->app;
    api_connect_env(req, &env);
    if (region_name == NULL || *region_name == '\0')
        region_name = app->cfg->temu_region;
    enum err e = temu_region_parse(region_name, &region)
                     ? ERR_OK
                     : err_set(eb, ERR_INVAL, "bad_region",
                               "region must be one of us, eu, global, partner or cn.");
    if (e == ERR_OK)
        e = connect_manual(&env, region, token,
                           connection_id != NULL && *connection_id ? connection_id : NULL,
                           api_actor_name(req), (int64_t)time(NULL), out, &te, eb);
    char detail[ERRBUF_MSG_MAX + 64];
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "shop %lld in %s verified with info.get and stored%s",
                 (long long)out->mall_id, out->region,
                 out->reauthorized ? " (re-authorized, history kept)" : "");
    else
        snprintf(detail, sizeof detail, "%s", errbuf_message(eb, e));
    api_audit(req, "temu.authorization.manual", e == ERR_OK ? out->connection_id : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err api_temu_manual(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_result r;
    enum err e = api_refuse_password_fields(req->json, eb);
    if (e == ERR_OK)
        e = api_temu_manual_run(req, json_get_string(req->json, "region"),
                                json_get_string(req->json, "access_token"),
                                json_get_string(req->json, "connection_id"), &r, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201,
                          json_pack("{s:s, s:s, s:I, s:I, s:b}", "connection_id", r.connection_id,
                                    "region", r.region, "mall_id", (json_int_t)r.mall_id,
                                    "expires_at", (json_int_t)r.expires_at, "reauthorized",
                                    r.reauthorized));
}

enum err api_temu_check_run(struct http_req *req, const char *id, json_t **out, struct errbuf *eb)
{
    struct connect_env env;
    struct temu_error te;
    api_connect_env(req, &env);
    enum err e = connect_connection_check(&env, id, (int64_t)time(NULL), out, &te, eb);
    api_audit(req, "temu.connection.check", id ? id : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "token verified with info.get" : errbuf_message(eb, e));
    return e;
}

enum err api_temu_connection_check(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    enum err e = api_temu_check_run(req, http_req_param(req, "id"), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_temu_inspect(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    api_connect_env(req, &env);
    struct connect_inspect_req rq = {
        .type = json_get_string(req->json, "type"),
        .params = json_object_get(req->json, "params"),
        .connection_id = json_get_string(req->json, "connection_id"),
        .send = !json_is_false(json_object_get(req->json, "send")),
    };
    enum err e = api_refuse_password_fields(req->json, eb);
    if (e == ERR_OK)
        e = api_body_region(req, req->json, &rq.region, eb);
    if (e == ERR_OK)
        e = connect_inspect(&env, &rq, (int64_t)time(NULL), &doc, eb);
    api_audit(req, "temu.inspect", rq.type ? rq.type : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? (rq.send ? "signed and sent" : "signed, not sent")
                          : errbuf_code(eb, e));
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_temu_progress(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    api_connect_env(req, &env);
    enum err e = readiness_progress(&env, (int64_t)time(NULL), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_integrations_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    api_connect_env(req, &env);
    enum err e = readiness_registry(&env, (int64_t)time(NULL), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

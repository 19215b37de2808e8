/*
 * JSON handlers of the Temu authorization workbench, the connection progress and the
 * integration registry. Domain work is in src/connect and src/readiness, the audited
 * use-cases in src/app/temu.h; these handlers parse and answer.
 */
#include "api/integrations_api.h"

#include <string.h>
#include <time.h>

#include "api/api.h"
#include "app/temu.h"
#include "base/json.h"
#include "connect/connect.h"
#include "readiness/readiness.h"

static const struct app *api_app(const struct http_req *req)
{
    return req->app;
}

enum err api_temu_sessions_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_session_out s;
    struct app_actor who = api_actor(req);
    enum err e =
        app_temu_session_start(api_app(req), &who, req->json, CONNECT_PURPOSE_PRODUCTION, &s, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201, app_temu_session_json(&s, "production"));
}

enum err api_temu_dev_authorization(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_session_out s;
    struct app_actor who = api_actor(req);
    enum err e = app_temu_session_start(api_app(req), &who, req->json, CONNECT_PURPOSE_DEV, &s, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201, app_temu_session_json(&s, "dev"));
}

enum err api_temu_sessions_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *list = NULL;
    struct app_actor who = api_actor(req);
    app_connect_env(api_app(req), &env);
    enum err e = connect_session_list(&env, app_actor_is_admin(&who) ? NULL : who.name,
                                      (int64_t)time(NULL), &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "sessions", list));
}

enum err api_temu_sessions_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *id = http_req_param(req, "id");
    struct app_actor who = api_actor(req);
    enum err e = app_temu_session_cancel(api_app(req), &who, id, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:s, s:s}", "id", id, "state", "cancelled"));
}

enum err api_temu_callback(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_result r;
    struct app_actor who = api_actor(req);
    enum err e =
        app_temu_callback_run(app, &who, http_req_query(req, "code"), http_req_query(req, "state"),
                              http_req_query(req, "error"), &r, eb);
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

enum err api_temu_launch_packet(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_temu_launch_run(api_app(req), &who, req->json, &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, json_is_true(json_object_get(doc, "ready")) ? 201 : 200, doc);
}

enum err api_temu_connections_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *list = NULL;
    app_connect_env(api_app(req), &env);
    enum err e = connect_connection_list(&env, (int64_t)time(NULL), &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "connections", list));
}

enum err api_temu_manual(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_result r;
    struct app_actor who = api_actor(req);
    enum err e = app_refuse_password_fields(req->json, eb);
    if (e == ERR_OK)
        e = app_temu_manual_run(api_app(req), &who, json_get_string(req->json, "region"),
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

enum err api_temu_connection_check(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_temu_check_run(api_app(req), &who, http_req_param(req, "id"), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_temu_inspect(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_temu_inspect_run(api_app(req), &who, req->json, &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_temu_progress(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    app_connect_env(api_app(req), &env);
    enum err e = readiness_progress(&env, (int64_t)time(NULL), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

enum err api_integrations_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    app_connect_env(api_app(req), &env);
    enum err e = readiness_registry(&env, (int64_t)time(NULL), &doc, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, doc);
}

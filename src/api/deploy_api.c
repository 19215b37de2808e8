/*
 * The deployment planner over JSON (issue 6): the plan, the mainland China sign-off, the
 * re-runs of preflight / DNS / smoke, the Seller Center deployment packet. The logic is in
 * src/deploy/plan.h and the audited use-cases in src/app/deploy.h; these handlers parse and
 * answer. The /deploy page is src/web/deploy_page.c.
 */
#include "api/deploy_api.h"

#include <string.h>

#include "api/api.h"
#include "app/deploy.h"
#include "base/json.h"
#include "base/limits.h"
#include "deploy/plan.h"

enum err api_deploy_plan(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    json_t *plan = NULL;
    enum err e = deploy_plan_build(app->cfg, app->db, &plan, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, plan);
}

enum err api_deploy_mainland_sign_off(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb)
{
    json_t *so = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_deploy_sign_off(req->app, &who, req->json, &so, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 201, json_pack("{s:s, s:o}", "status", "approved", "sign_off", so));
}

enum err api_deploy_mainland_revoke(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *so = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_deploy_revoke(req->app, &who, req->json, &so, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200,
                          json_pack("{s:s, s:o}", "status", "review_required", "revoked", so));
}

ERR_MUST_USE static enum err api_deploy_rerun_answer(struct http_req *req, struct http_resp *resp,
                                                     const char *kind, const char *token,
                                                     struct errbuf *eb)
{
    json_t *result = NULL;
    struct app_actor who = api_actor(req);
    enum err e = app_deploy_check_run(req->app, &who, kind, token, &result, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, result);
}

enum err api_deploy_preflight_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_deploy_rerun_answer(req, resp, "preflight", NULL, eb);
}

enum err api_deploy_dns_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_deploy_rerun_answer(req, resp, "dns", NULL, eb);
}

enum err api_deploy_smoke_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *key;
    json_t *v;
    if (!json_is_object(req->json))
        return err_set(eb, ERR_INVAL, "bad_body", "The body must be a JSON object.");
    json_object_foreach(req->json, key, v)
    {
        if (strcmp(key, "token") != 0)
            return err_set(eb, ERR_INVAL, "unknown_field", "Unknown field \"%.40s\".", key);
    }
    json_t *t = json_object_get(req->json, "token");
    if (t != NULL && (!json_is_string(t) || json_string_length(t) == 0 ||
                      json_string_length(t) > LIMIT_DEPLOY_SMOKE_TOKEN_BYTES))
        return err_set(eb, ERR_INVAL, "bad_field",
                       "token must be an ops API token (1 to %d characters).",
                       LIMIT_DEPLOY_SMOKE_TOKEN_BYTES);
    return api_deploy_rerun_answer(req, resp, "smoke", json_string_value(t), eb);
}

enum err api_temu_deployment_packet(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    json_t *packet = NULL;
    enum err e = deploy_packet_build(app->cfg, app->vault, &packet, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, packet);
}

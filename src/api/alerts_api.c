/*
 * GET /api/v1/actions/settings (connection_id optional: that shop's thresholds, else every
 * shop's defaults), POST /api/v1/actions/settings {connection_id?, kind, name, value}; GET
 * /api/v1/notify/hooks (URLs masked, secrets never), POST /api/v1/notify/hooks {kind, url,
 * secret?, min_severity? (1..3, default 3), brief? (default false)}, POST
 * /api/v1/notify/hooks/{id}/test|enable|disable, DELETE /api/v1/notify/hooks/{id}.
 */
#include "api/alerts_api.h"

#include <string.h>

#include "api/api.h"
#include "app/alerts.h"
#include "actions/actions.h"

enum err api_alerts_settings(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *conn = http_req_query(req, "connection_id");
    json_t *doc = NULL;
    enum err e = actions_settings(app->db, conn != NULL ? conn : "", &doc, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:o}", "settings", doc));
}

/* The string member name of the body ("" when absent and optional); false when it is there
 * and not a string. */
static bool body_str(const json_t *body, const char *name, const char **out)
{
    const json_t *v = json_object_get(body, name);
    *out = json_is_string(v) ? json_string_value(v) : "";
    return v == NULL || json_is_null(v) || json_is_string(v);
}

enum err api_alerts_setting_set(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *conn, *kind, *name;
    const json_t *value = json_object_get(req->json, "value");
    if (!body_str(req->json, "connection_id", &conn) || !body_str(req->json, "kind", &kind) ||
        !body_str(req->json, "name", &name) || *kind == '\0' || *name == '\0')
        return err_set(eb, ERR_INVAL, "bad_setting",
                       "Give kind and name (strings), value (an integer) and optionally "
                       "connection_id.");
    if (!json_is_integer(value))
        return err_set(eb, ERR_INVAL, "bad_value", "value is an integer.");
    struct app_actor who = api_actor(req);
    enum err e = app_alert_setting_set(req->app, &who, conn, kind, name,
                                       (int64_t)json_integer_value(value), eb);
    return e ? e : api_alerts_settings(req, resp, eb);
}

enum err api_alerts_hooks(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *list = NULL;
    enum err e = notify_hooks_list(app->db, &list, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:o}", "hooks", list));
}

/* Answers the hook id as the list shows it. */
ERR_MUST_USE static enum err hook_answer(struct http_req *req, struct http_resp *resp,
                                         const char *id, int status, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *list = NULL;
    enum err e = notify_hooks_list(app->db, &list, eb);
    size_t i;
    json_t *h, *found = NULL;
    json_array_foreach(list, i, h)
    {
        if (e == ERR_OK && strcmp(json_string_value(json_object_get(h, "id")), id) == 0)
            found = json_incref(h);
    }
    json_decref(list);
    if (e == ERR_OK && found == NULL)
        e = err_set(eb, ERR_NOTFOUND, "hook_not_found", "No such notification hook.");
    return e ? e : http_resp_json(resp, status, found);
}

enum err api_alerts_hook_add(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct notify_hook_req r = {.min_severity = 3};
    const json_t *sev = json_object_get(req->json, "min_severity");
    const json_t *brief = json_object_get(req->json, "brief");
    if (!body_str(req->json, "kind", &r.kind) || !body_str(req->json, "url", &r.url) ||
        !body_str(req->json, "secret", &r.secret))
        return err_set(eb, ERR_INVAL, "bad_hook", "kind, url and secret are strings.");
    if (sev != NULL && !json_is_integer(sev))
        return err_set(eb, ERR_INVAL, "bad_severity", "min_severity is 1..3.");
    if (brief != NULL && !json_is_boolean(brief))
        return err_set(eb, ERR_INVAL, "bad_brief", "brief is true or false.");
    r.min_severity = sev != NULL ? (int64_t)json_integer_value(sev) : 3;
    r.brief = json_is_true(brief);
    struct app_actor who = api_actor(req);
    char id[32];
    enum err e = app_alert_hook_add(req->app, &who, &r, id, eb);
    return e ? e : hook_answer(req, resp, id, 201, eb);
}

enum err api_alerts_hook_test(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = api_actor(req);
    const char *id = http_req_param(req, "id");
    enum err e = app_alert_hook_test(req->app, &who, id, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:s, s:b}", "id", id, "delivered", 1));
}

ERR_MUST_USE static enum err hook_enable(struct http_req *req, struct http_resp *resp, bool on,
                                         struct errbuf *eb)
{
    struct app_actor who = api_actor(req);
    const char *id = http_req_param(req, "id");
    enum err e = app_alert_hook_enable(req->app, &who, id, on, eb);
    return e ? e : hook_answer(req, resp, id, 200, eb);
}

enum err api_alerts_hook_enable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return hook_enable(req, resp, true, eb);
}

enum err api_alerts_hook_disable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return hook_enable(req, resp, false, eb);
}

enum err api_alerts_hook_delete(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = api_actor(req);
    const char *id = http_req_param(req, "id");
    enum err e = app_alert_hook_delete(req->app, &who, id, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:s, s:b}", "id", id, "deleted", 1));
}

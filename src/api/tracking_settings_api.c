/*
 * Carrier tracking's configuration as JSON (issue 12): the audited use-cases of
 * app/tracking.h; bodies are checked strictly (unknown fields and wrong types refused, nothing
 * changed).
 */
#include "api/tracking_settings_api.h"

#include <string.h>

#include "api/api.h"
#include "app/tracking.h"
#include "base/parse.h"

enum err api_tracking_settings_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    json_t *doc = NULL;
    app_connect_env(req->app, &env);
    enum err e = tracking_settings_json(&env, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

/* A body member of type string, or absent; anything else refused. */
ERR_MUST_USE static enum err body_text(const json_t *body, const char *key, const char **out,
                                       struct errbuf *eb)
{
    const json_t *v = json_object_get(body, key);
    *out = NULL;
    if (v == NULL)
        return ERR_OK;
    if (!json_is_string(v))
        return err_set(eb, ERR_INVAL, "bad_field", "%s must be a string.", key);
    *out = json_string_value(v);
    return ERR_OK;
}

enum err api_tracking_settings_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const char *const allowed[] = {"provider", "url",          "key", "push_key",
                                          "enabled",  "rate_per_min", NULL};
    struct tracking_settings_change c = {.enabled = -1};
    const json_t *en = json_object_get(req->json, "enabled");
    const json_t *rate = json_object_get(req->json, "rate_per_min");
    enum err e = json_fields_only(req->json, allowed, eb);
    e = e ? e : body_text(req->json, "provider", &c.provider, eb);
    e = e ? e : body_text(req->json, "url", &c.url, eb);
    e = e ? e : body_text(req->json, "key", &c.key, eb);
    e = e ? e : body_text(req->json, "push_key", &c.push_key, eb);
    if (e == ERR_OK && en != NULL && !json_is_boolean(en))
        e = err_set(eb, ERR_INVAL, "bad_field", "enabled must be true or false.");
    if (e == ERR_OK && rate != NULL &&
        (!json_is_integer(rate) || json_integer_value(rate) < 1 ||
         json_integer_value(rate) > TRACKING_RATE_MAX))
        e = err_set(eb, ERR_INVAL, "bad_rate", "rate_per_min must be an integer from 1 to %d.",
                    TRACKING_RATE_MAX);
    if (e != ERR_OK)
        return e;
    c.enabled = en == NULL ? -1 : json_is_true(en) ? 1 : 0;
    c.rate_per_min = rate != NULL ? (int64_t)json_integer_value(rate) : 0;
    struct app_actor who = api_actor(req);
    e = app_tracking_settings(req->app, &who, &c, eb);
    return e ? e : api_tracking_settings_get(req, resp, eb);
}

enum err api_tracking_carriers_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = tracking_carriers_list(app->db, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_tracking_carriers_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const char *const allowed[] = {"temu_carrier_id", "name", "code", "lane", NULL};
    struct tracking_carrier_map m = {0};
    const json_t *id = json_object_get(req->json, "temu_carrier_id");
    const json_t *code = json_object_get(req->json, "code");
    enum err e = json_fields_only(req->json, allowed, eb);
    e = e ? e : body_text(req->json, "name", &m.name, eb);
    e = e ? e : body_text(req->json, "lane", &m.lane, eb);
    if (e == ERR_OK && ((id != NULL && !json_is_integer(id)) || !json_is_integer(code)))
        e = err_set(eb, ERR_INVAL, "bad_field",
                    "code (and temu_carrier_id when given) must be integers.");
    if (e != ERR_OK)
        return e;
    m.temu_carrier_id = id != NULL ? (int64_t)json_integer_value(id) : 0;
    m.code = (int64_t)json_integer_value(code);
    int64_t applied = 0;
    struct app_actor who = api_actor(req);
    e = app_tracking_carrier_set(req->app, &who, &m, &applied, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:I}", "applied", (json_int_t)applied));
}

enum err api_tracking_carriers_delete(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb)
{
    const char *id_s = http_req_query(req, "temu_carrier_id");
    int64_t id = 0;
    if (id_s != NULL && parse_int64(id_s, 1, TRACKING_CARRIER_CODE_MAX, &id) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_field", "temu_carrier_id must be a positive integer.");
    struct app_actor who = api_actor(req);
    enum err e = app_tracking_carrier_delete(req->app, &who, id, http_req_query(req, "name"), eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:b}", "deleted", 1));
}

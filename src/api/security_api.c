/* Operators, API tokens, the audit log, secrets and the Temu app credentials. */
#include "api/security_api.h"

#include <string.h>

#include "api/api.h"
#include "app/temu.h"
#include "auth/audit.h"
#include "auth/tokens.h"
#include "auth/users.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/parse.h"
#include "temu/regions.h"
#include "vault/vault.h"

enum err api_users_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    json_t *list = NULL;
    enum err e = auth_user_list(app->db, &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "users", list));
}

enum err api_tokens_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    json_t *list = NULL;
    enum err e = auth_token_list(app->db, &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "tokens", list));
}

/* Reads an optional integer query argument within bounds. */
ERR_MUST_USE static enum err api_query_int(struct http_req *req, const char *name, int64_t min,
                                           int64_t max, int64_t *out, struct errbuf *eb)
{
    const char *v = http_req_query(req, name);
    if (v == NULL)
        return ERR_OK;
    if (parse_int64(v, min, max, out) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_query", "%s must be an integer from %lld to %lld.", name,
                       (long long)min, (long long)max);
    return ERR_OK;
}

enum err api_audit_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    struct audit_filter f = {
        .actor = http_req_query(req, "actor"),
        .action = http_req_query(req, "action"),
        .outcome = http_req_query(req, "outcome"),
        .since = http_req_query(req, "since"),
        .until = http_req_query(req, "until"),
        .limit = 100,
    };
    enum err e = api_query_int(req, "limit", 1, LIMIT_PAGE_SIZE_MAX, &f.limit, eb);
    if (e == ERR_OK)
        e = api_query_int(req, "before_id", 1, INT64_MAX, &f.before_id, eb);
    if (e != ERR_OK)
        return e;
    if (f.outcome != NULL && strcmp(f.outcome, "success") != 0 &&
        strcmp(f.outcome, "failure") != 0 && strcmp(f.outcome, "denied") != 0)
        return err_set(eb, ERR_INVAL, "bad_query", "outcome must be success, failure or denied.");
    json_t *list = NULL;
    e = audit_list(app->db, &f, &list, eb);
    if (e != ERR_OK)
        return e;
    json_t *doc = json_pack("{s:o}", "entries", list);
    size_t n = json_array_size(list);
    if (doc != NULL && n == (size_t)f.limit) {
        json_t *last = json_array_get(list, n - 1);
        json_object_set(doc, "next_before_id", json_object_get(last, "id"));
    }
    return http_resp_json(resp, 200, doc);
}

enum err api_secrets_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    if (app->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No master key is configured, so no secrets can be stored or shown.");
    json_t *list = NULL, *status = NULL;
    enum err e = vault_list(app->vault, &list, eb);
    if (e == ERR_OK)
        e = vault_status(app->vault, &status, eb);
    if (e != ERR_OK) {
        json_decref(list);
        return e;
    }
    return http_resp_json(resp, 200, json_pack("{s:o, s:o}", "secrets", list, "vault", status));
}

enum err api_temu_credentials_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = api_actor(req);
    struct app_temu_credentials c;
    enum err e = app_temu_credentials_put(req->app, &who, req->json, &c, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200,
                          json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "region",
                                    temu_region_name(c.region), "app_key", "name", c.key_name,
                                    "masked", c.key_masked, "app_secret", "name", c.secret_name,
                                    "masked", c.secret_masked));
}

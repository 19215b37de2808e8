/* Operators, API tokens, the audit log, secrets and the Temu app credentials. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "base/json.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/tokens.h"
#include "base/limits.h"
#include "base/parse.h"
#include "temu/credentials.h"
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
static enum err api_query_int(struct http_req *req, const char *name, int64_t min, int64_t max,
                              int64_t *out, struct errbuf *eb)
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

/* True when a field name looks like a password field. */
static bool api_is_password_name(const char *name)
{
    static const char *const words[] = {"password", "passwd",   "passwort",
                                        "pwd",      "passcode", "密码"};
    char lower[64];
    size_t i = 0;
    for (; name[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        if (strstr(lower, words[w]) != NULL)
            return true;
    }
    return false;
}

enum err api_refuse_password_fields(const json_t *body, struct errbuf *eb)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (api_is_password_name(key))
            return err_set(eb, ERR_INVAL, "shop_password_not_needed",
                           "Field \"%.40s\" looks like a password. The Temu shop login password "
                           "is never needed: provide the App Key and App Secret from Temu "
                           "Seller Center / the partner portal, and authorize the app there.",
                           key);
        if (json_is_object(value)) {
            enum err e = api_refuse_password_fields(value, eb);
            if (e != ERR_OK)
                return e;
        }
    }
    return ERR_OK;
}

enum err api_temu_credentials_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    enum err e = api_refuse_password_fields(req->json, eb);
    if (e != ERR_OK) {
        api_audit(req, "temu.credentials.write", "", "denied", "password-like field refused");
        return e;
    }
    enum temu_region region;
    if (!temu_region_parse(json_get_string(req->json, "region"), &region))
        return err_set(eb, ERR_INVAL, "bad_region",
                       "region must be one of US, EU, GLOBAL, PARTNER or CN.");
    if (app->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No master key is configured, so the App Secret cannot be stored "
                       "encrypted; configure AICOS_MASTER_KEY_FILE first.");
    const struct auth_principal *p = req->auth;
    char mk[VAULT_MASKED_MAX], ms[VAULT_MASKED_MAX], key_name[48], secret_name[48];
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    e = temu_credentials_store(app->vault, region, json_get_string(req->json, "app_key"),
                               json_get_string(req->json, "app_secret"), p->name, mk, ms, eb);
    if (e == ERR_INVAL)
        return e;
    api_audit(req, "secret.write", secret_name, e == ERR_OK ? "success" : "failure",
              "Temu App Key and App Secret stored");
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200,
                          json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "region",
                                    temu_region_name(region), "app_key", "name", key_name, "masked",
                                    mk, "app_secret", "name", secret_name, "masked", ms));
}

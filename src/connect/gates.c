/* The callback URL, the launch gates and the callback diagnostics. */
#include "connect/gates.h"

#include <stdio.h>
#include <string.h>

#include "connect/client.h"
#include "deploy/inputs.h"
#include "deploy/record.h"

void connect_callback_url(const struct config *cfg, char *dst, size_t len)
{
    if (strcmp(cfg->temu_callback_mode, "web-bridge") == 0)
        snprintf(dst, len, "%s%s", cfg->web_origin, DEPLOY_CALLBACK_PATH_WEB);
    else
        snprintf(dst, len, "%s%s", cfg->api_origin, DEPLOY_CALLBACK_PATH_API);
}

/* The origin the callback URL lives on. */
static const char *connect_callback_origin(const struct config *cfg)
{
    return strcmp(cfg->temu_callback_mode, "web-bridge") == 0 ? cfg->web_origin : cfg->api_origin;
}

ERR_MUST_USE static enum err connect_blocker(json_t *list, const char *gate, const char *owner,
                                             const char *message, const char *next)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "gate", gate, "owner", owner, "message", message,
                          "next_action", next);
    return b != NULL && json_array_append_new(list, b) == 0 ? ERR_OK : ERR_NOMEM;
}

enum err connect_launch_blockers(const struct connect_env *env, enum temu_region region,
                                 json_t **out, struct errbuf *eb)
{
    const struct config *cfg = env->cfg;
    char msg[640], next[640];
    struct errbuf why = {0};
    struct deploy_origin o;
    json_t *list = json_array();
    enum err e = list != NULL ? ERR_OK : ERR_NOMEM;
    if (e == ERR_OK && !connect_credentials_present(env, region)) {
        snprintf(msg, sizeof msg, "The App Key and App Secret for region %s are not stored.",
                 temu_region_name(region));
        snprintf(next, sizeof next,
                 "Store them encrypted: aicos temu credentials set --region %s --app-key KEY "
                 "--app-secret-file FILE (from the Temu partner portal; never the shop "
                 "password).",
                 temu_region_name(region));
        e = connect_blocker(list, "app_credentials", "seller_admin", msg, next);
    }
    if (e == ERR_OK && deploy_origin_check("the callback origin", connect_callback_origin(cfg), &o,
                                           &why) != ERR_OK) {
        char url[CONNECT_URL_MAX];
        connect_callback_url(cfg, url, sizeof url);
        snprintf(msg, sizeof msg, "The callback %.300s is not a public HTTPS URL: %.280s", url,
                 why.msg);
        e = connect_blocker(list, "public_callback", "ops", msg,
                            "Deploy the public callback: aicos deploy init-env --api-origin "
                            "https://<api-host> --web-origin https://<web-host> ..., then serve "
                            "with those AICOS_API_ORIGIN / AICOS_WEB_ORIGIN values.");
    }
    if (e == ERR_OK && cfg->env != CONFIG_ENV_PRODUCTION)
        e = connect_blocker(list, "production_env", "ops",
                            "This server runs with AICOS_ENV=development.",
                            "Run the production stack with the generated infra/production.env "
                            "(it sets AICOS_ENV=production).");
    if (e == ERR_OK) {
        struct deploy_record_row pf;
        enum err re = deploy_record_latest(env->db, "preflight", &pf, eb);
        if (re != ERR_OK) {
            e = re;
        } else if (!pf.found) {
            e = connect_blocker(list, "preflight", "ops", "No deployment preflight is recorded.",
                                "Run: aicos deploy preflight (with AICOS_DATABASE_URL set so the "
                                "result is recorded).");
        } else if (pf.blockers > 0) {
            snprintf(msg, sizeof msg, "The latest preflight (%s) has %u blocker(s): %.400s",
                     pf.ran_at, pf.blockers, pf.first_blocker);
            e = connect_blocker(list, "preflight", "ops", msg,
                                "Fix the blockers, then run aicos deploy preflight again.");
        }
    }
    if (e == ERR_OK && env->vault == NULL)
        e = connect_blocker(list, "security", "ops", "No vault master key is configured.",
                            "Set AICOS_MASTER_KEY_FILE to a 0600 file holding the key.");
    if (e == ERR_OK &&
        (!config_origin_is_https(cfg->api_origin) || !config_origin_is_https(cfg->web_origin)))
        e = connect_blocker(list, "security", "ops",
                            "AICOS_API_ORIGIN and AICOS_WEB_ORIGIN must both be https:// origins.",
                            "Serve the API and the console behind Caddy on HTTPS and set both "
                            "origins to their https:// addresses.");
    if (e != ERR_OK) {
        json_decref(list);
        return e == ERR_NOMEM ? err_set(eb, e, NULL, "out of memory") : e;
    }
    *out = list;
    return ERR_OK;
}

json_t *connect_callback_diagnostics(const struct config *cfg)
{
    char url[CONNECT_URL_MAX], api_url[CONNECT_URL_MAX], web_url[CONNECT_URL_MAX];
    struct deploy_origin o;
    connect_callback_url(cfg, url, sizeof url);
    snprintf(api_url, sizeof api_url, "%s%s", cfg->api_origin, DEPLOY_CALLBACK_PATH_API);
    snprintf(web_url, sizeof web_url, "%s%s", cfg->web_origin, DEPLOY_CALLBACK_PATH_WEB);
    struct errbuf why = {0};
    bool public_ok = deploy_origin_check("the callback origin", connect_callback_origin(cfg), &o,
                                         &why) == ERR_OK;
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:{s:s, s:b, s:s, s:b}, s:b, s:s*, s:s, s:b}",
                     "live", 1, "callback_mode", cfg->temu_callback_mode, "callback_url", url,
                     "api_callback_url", api_url, "web_bridge_url", web_url, "origins",
                     "api_origin", cfg->api_origin, "api_https",
                     config_origin_is_https(cfg->api_origin), "web_origin", cfg->web_origin,
                     "web_https", config_origin_is_https(cfg->web_origin), "callback_public",
                     public_ok, "callback_problem", public_ok ? NULL : why.msg, "environment",
                     cfg->env == CONFIG_ENV_PRODUCTION ? "production" : "development",
                     "register_in_seller_center", public_ok);
}

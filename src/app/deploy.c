#include "app/deploy.h"

#include <stdio.h>

#include "base/limits.h"
#include "deploy/plan.h"

enum err app_deploy_sign_off(const struct app *app, const struct app_actor *who, const json_t *body,
                             json_t **out, struct errbuf *eb)
{
    enum err e = deploy_signoff_record(app->db, who->name, body, out, eb);
    if (e == ERR_OK) {
        char detail[LIMIT_DEPLOY_SIGNOFF_NAME_BYTES + 64];
        snprintf(detail, sizeof detail, "compliance sign-off recorded; cleared by %s",
                 json_get_string(*out, "cleared_by"));
        app_audit(app, who, "deploy.mainland.sign_off", DEPLOY_STRATEGY_MAINLAND, "success",
                  detail);
    } else if (e == ERR_CONFLICT) {
        app_audit(app, who, "deploy.mainland.sign_off", DEPLOY_STRATEGY_MAINLAND, "failure",
                  errbuf_code(eb, e));
    }
    return e;
}

enum err app_deploy_revoke(const struct app *app, const struct app_actor *who, const json_t *body,
                           json_t **out, struct errbuf *eb)
{
    enum err e = deploy_signoff_revoke(app->db, who->name, body, out, eb);
    if (e == ERR_OK) {
        char detail[LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES + 64];
        snprintf(detail, sizeof detail, "compliance sign-off revoked: %s",
                 json_get_string(*out, "revoke_reason"));
        app_audit(app, who, "deploy.mainland.revoke", DEPLOY_STRATEGY_MAINLAND, "success", detail);
    }
    return e;
}

enum err app_deploy_check_run(const struct app *app, const struct app_actor *who, const char *kind,
                              const char *token, json_t **out, struct errbuf *eb)
{
    enum err e = deploy_check_rerun(app->cfg, app->db, kind, token, out, eb);
    char action[64], detail[96];
    snprintf(action, sizeof action, "deploy.%s.run", kind);
    if (e == ERR_OK) {
        snprintf(detail, sizeof detail, "%lld blocker(s), %lld warning(s)",
                 (long long)json_integer_value(json_object_get(*out, "blockers")),
                 (long long)json_integer_value(json_object_get(*out, "warnings")));
        app_audit(app, who, action, kind, "success", detail);
    } else {
        app_audit(app, who, action, kind, "failure", errbuf_code(eb, e));
    }
    return e;
}

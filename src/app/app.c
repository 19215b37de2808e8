#include "app/app.h"

#include <ctype.h>
#include <string.h>

#include "auth/audit.h"
#include "base/log.h"

struct app_actor app_actor_of(const struct auth_principal *p, const char *request_id,
                              const char *ip)
{
    struct app_actor a = {
        .name = p != NULL ? p->name : "anonymous",
        .role = p != NULL ? p->role : ROLE_NONE,
        .request_id = request_id,
        .ip = ip,
    };
    return a;
}

bool app_actor_is_admin(const struct app_actor *who)
{
    return who->role >= ROLE_SELLER_ADMIN;
}

void app_audit(const struct app *app, const struct app_actor *who, const char *action,
               const char *target, const char *outcome, const char *detail)
{
    struct audit_entry e = {
        .actor = who->name,
        .role = auth_role_name(who->role),
        .action = action,
        .target = target,
        .outcome = outcome,
        .ip = who->ip,
        .request_id = who->request_id,
        .detail = detail,
    };
    struct errbuf eb = {0};
    if (audit_write(app->db, &e, &eb) != ERR_OK)
        log_kv(LOG_ERROR, "audit.write_failed", "rid", who->request_id, "action", action, "detail",
               eb.msg, NULL);
}

void app_audit_refusal(const struct app *app, const struct app_actor *who, const char *action,
                       const char *target)
{
    struct errbuf eb = {0};
    if (audit_refusal_count(app->db, who->ip, action, target, &eb) != ERR_OK)
        log_kv(LOG_ERROR, "audit.refusal_count_failed", "rid", who->request_id, "action", action,
               "detail", eb.msg, NULL);
}

void app_connect_env(const struct app *app, struct connect_env *env)
{
    env->cfg = app->cfg;
    env->db = app->db;
    env->vault = app->vault;
}

/* True when a field name looks like a password field. */
static bool app_is_password_name(const char *name)
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

enum err app_refuse_password_fields(const json_t *body, struct errbuf *eb)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (app_is_password_name(key))
            return err_set(eb, ERR_INVAL, "shop_password_not_needed",
                           "Field \"%.40s\" looks like a password. The Temu shop login password "
                           "is never needed: provide the App Key and App Secret from Temu "
                           "Seller Center / the partner portal, and authorize the app there.",
                           key);
        if (json_is_object(value)) {
            enum err e = app_refuse_password_fields(value, eb);
            if (e != ERR_OK)
                return e;
        }
    }
    return ERR_OK;
}

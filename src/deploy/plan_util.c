/* What the plan, sign-off, checks and packet files share (plan_util.h). */
#include "deploy/plan_util.h"

#include <stdio.h>
#include <string.h>

/* s, or fallback when s is NULL. */
const char *plan_or(const char *s, const char *fallback)
{
    return s != NULL ? s : fallback;
}

const char *plan_dir(const struct config *cfg)
{
    return cfg->deploy_dir[0] != '\0' ? cfg->deploy_dir : "infra";
}

enum deploy_callback_mode plan_mode(const struct config *cfg)
{
    enum deploy_callback_mode m = DEPLOY_CALLBACK_API;
    (void)deploy_callback_mode_parse(cfg->temu_callback_mode, &m);
    return m;
}

/* Adds a value to an object or array, turning a failed allocation into ERR_NOMEM. */
enum err plan_set(json_t *obj, const char *key, json_t *v)
{
    if (v == NULL)
        return ERR_NOMEM;
    return json_object_set_new(obj, key, v) == 0 ? ERR_OK : ERR_NOMEM;
}

enum err plan_push(json_t *arr, json_t *v)
{
    if (v == NULL)
        return ERR_NOMEM;
    return json_array_append_new(arr, v) == 0 ? ERR_OK : ERR_NOMEM;
}

bool plan_kind_valid(const char *kind)
{
    return kind != NULL && (strcmp(kind, "preflight") == 0 || strcmp(kind, "smoke") == 0 ||
                            strcmp(kind, "dns") == 0);
}

json_t *plan_reason(const char *reason)
{
    return reason != NULL ? json_string(reason) : json_null();
}

void plan_origins_read(const struct config *cfg, struct plan_origins *o)
{
    struct errbuf eb = {0};
    memset(o, 0, sizeof *o);
    o->api_parsed =
        deploy_origin_parse("AICOS_API_ORIGIN", cfg->api_origin, &o->api, NULL) == ERR_OK;
    o->web_parsed =
        deploy_origin_parse("AICOS_WEB_ORIGIN", cfg->web_origin, &o->web, NULL) == ERR_OK;
    struct deploy_origin tmp;
    o->fit = deploy_origin_check("AICOS_API_ORIGIN", cfg->api_origin, &tmp, &eb) == ERR_OK &&
             deploy_origin_check("AICOS_WEB_ORIGIN", cfg->web_origin, &tmp, &eb) == ERR_OK;
    if (!o->fit)
        snprintf(o->why, sizeof o->why, "%s", eb.msg);
    if (o->api_parsed && o->web_parsed)
        deploy_callback_url(plan_mode(cfg), &o->api, &o->web, o->callback_url,
                            sizeof o->callback_url);
}

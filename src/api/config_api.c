/* POST /api/v1/config/validate: lets the deployment tools check settings before using them. */
#include "api/config_api.h"

#include <string.h>

#include "api/api.h"
#include "base/json.h"
#include "temu/regions.h"

struct config_api_lookup {
    const json_t *settings;
};

static const char *config_api_get(const char *name, void *ctx)
{
    const struct config_api_lookup *l = ctx;
    return json_string_value(json_object_get(l->settings, name));
}

enum err api_config_validate(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *settings = json_object_get(req->json, "settings");
    if (!json_is_object(settings))
        return err_set(eb, ERR_INVAL, "settings_required",
                       "The body must be {\"settings\": {\"AICOS_...\": \"value\", ...}}.");
    const char *name;
    json_t *value;
    json_object_foreach(settings, name, value)
    {
        if (!config_is_known(name))
            return err_set(eb, ERR_INVAL, "unknown_setting", "%.64s is not a known setting.", name);
        if (!json_is_string(value))
            return err_set(eb, ERR_INVAL, "setting_not_string",
                           "%.64s: every value must be a string, as in an env file.", name);
    }
    struct config_api_lookup l = {settings};
    struct config cfg;
    enum err e = config_load_checked(&cfg, config_api_get, &l, temu_config_checks, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(
        resp, 200,
        json_pack("{s:b, s:I}", "valid", 1, "checked", (json_int_t)json_object_size(settings)));
}

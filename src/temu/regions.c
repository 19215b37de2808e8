#include "temu/regions.h"

#include <stddef.h>
#include <stdio.h>
#include <strings.h>

struct region_row {
    const char *name;
    const char *url;
};

static const struct region_row region_rows[TEMU_REGION__COUNT] = {
    [TEMU_REGION_US] = {"us", "https://openapi-b-us.temu.com/openapi/router"},
    [TEMU_REGION_EU] = {"eu", "https://openapi-b-eu.temu.com/openapi/router"},
    [TEMU_REGION_GLOBAL] = {"global", "https://openapi-b-global.temu.com/openapi/router"},
    [TEMU_REGION_PARTNER] = {"partner", "https://openapi-b-partner.temu.com/openapi/router"},
    [TEMU_REGION_CN] = {"cn", "https://openapi.kuajingmaihuo.com/openapi/router"},
};

bool temu_region_parse(const char *name, enum temu_region *out)
{
    if (name == NULL)
        return false;
    if (strcasecmp(name, "pa") == 0) {
        *out = TEMU_REGION_PARTNER;
        return true;
    }
    for (int i = 0; i < TEMU_REGION__COUNT; i++) {
        if (strcasecmp(name, region_rows[i].name) == 0) {
            *out = (enum temu_region)i;
            return true;
        }
    }
    return false;
}

const char *temu_region_name(enum temu_region r)
{
    return (unsigned)r < TEMU_REGION__COUNT ? region_rows[r].name : "";
}

const char *temu_region_url(enum temu_region r)
{
    return (unsigned)r < TEMU_REGION__COUNT ? region_rows[r].url : NULL;
}

const char *temu_gateway_url(enum temu_region r, const char *override)
{
    if (override != NULL && override[0] != '\0')
        return override;
    return temu_region_url(r);
}

/* AICOS_TEMU_REGION: any name temu_region_parse() accepts, stored as its canonical name. */
static bool temu_region_canon(const char *value, char *out, size_t n)
{
    enum temu_region region;
    if (!temu_region_parse(value, &region))
        return false;
    snprintf(out, n, "%s", temu_region_name(region));
    return true;
}

const struct config_check temu_config_checks[] = {
    {"AICOS_TEMU_REGION", temu_region_canon, "must be us, eu, global, partner or cn"},
    {NULL, NULL, NULL},
};

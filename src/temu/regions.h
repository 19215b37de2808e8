/*
 * Temu gateways (temu-open-platform.md §1.1): one router URL per region; the API is chosen
 * by the body field "type". App key, secret, token and gateway must belong to the same
 * region. AICOS_TEMU_GATEWAY_URL overrides the region's URL (the sandbox, a fixed-IP proxy).
 */
#ifndef AICOS_TEMU_REGIONS_H
#define AICOS_TEMU_REGIONS_H

#include <stdbool.h>

#include "base/config.h"

enum temu_region {
    TEMU_REGION_US = 0,  /* openapi-b-us.temu.com */
    TEMU_REGION_EU,      /* openapi-b-eu.temu.com */
    TEMU_REGION_GLOBAL,  /* openapi-b-global.temu.com (Mexico, Japan, ...) */
    TEMU_REGION_PARTNER, /* openapi-b-partner.temu.com (CN sellers' migrated "global" APIs) */
    TEMU_REGION_CN,      /* openapi.kuajingmaihuo.com (fully/semi-managed CN sellers) */
    TEMU_REGION__COUNT
};

/*
 * Parses a region name, case-insensitively: "us", "eu", "global", "partner" (or "pa"),
 * "cn". Returns false (out untouched) for anything else.
 */
bool temu_region_parse(const char *name, enum temu_region *out);

/* Canonical lowercase name ("us"); "" for an invalid value. */
const char *temu_region_name(enum temu_region r);

/* Production router URL of a region; NULL for an invalid value. */
const char *temu_region_url(enum temu_region r);

/*
 * The router URL to use: override when it is neither NULL nor empty, else the region's URL.
 * The returned string is static or override itself.
 */
const char *temu_gateway_url(enum temu_region r, const char *override);

/*
 * The checks of the configuration variables whose values this module defines
 * (AICOS_TEMU_REGION: a region name, stored canonical); pass them to config_load_checked().
 */
extern const struct config_check temu_config_checks[];

#endif

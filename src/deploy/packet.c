/* The Seller Center deployment packet. */
#include "deploy/packet.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "deploy/dns.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"
#include "deploy/plan.h"
#include "deploy/plan_util.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"
#include "deploy/templates.h"
#include "temu/credentials.h"
#include "temu/regions.h"
#include "vault/vault.h"

enum err deploy_packet_build(const struct config *cfg, struct vault *vault, json_t **out,
                             struct errbuf *eb)
{
    struct plan_origins o;
    json_t *regions = NULL, *names = NULL, *doc = NULL;
    enum err e = ERR_OK;
    *out = NULL;
    plan_origins_read(cfg, &o);
    regions = json_array();
    if (regions == NULL)
        return ERR_NOMEM;
    /* Regions whose App Key and App Secret are stored; only names are read, never values. */
    if (vault != NULL) {
        e = vault_list(vault, &names, eb);
        for (int r = 0; e == ERR_OK && r < TEMU_REGION__COUNT; r++) {
            char key[48], secret[48];
            bool has_key = false, has_secret = false;
            size_t i;
            json_t *v;
            temu_credentials_names((enum temu_region)r, key, secret, sizeof key);
            json_array_foreach(names, i, v)
            {
                const char *n = json_get_string(v, "name");
                has_key = has_key || (n != NULL && strcmp(n, key) == 0);
                has_secret = has_secret || (n != NULL && strcmp(n, secret) == 0);
            }
            if (has_key && has_secret)
                e = plan_push(regions,
                              json_pack("{s:s, s:s}", "region",
                                        temu_region_name((enum temu_region)r), "source", "vault"));
        }
    }
    if (e == ERR_OK && json_array_size(regions) == 0 && cfg->temu_app_key[0] != '\0' &&
        cfg->temu_app_secret_file[0] != '\0')
        e = plan_push(regions,
                      json_pack("{s:s, s:s}", "region", cfg->temu_region, "source", "config"));
    if (e != ERR_OK)
        goto out;
    doc = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:s, s:b, s:o, s:O, s:b}", "callback_mode",
                    deploy_callback_mode_name(plan_mode(cfg)), "callback_url", o.callback_url,
                    "api_origin", cfg->api_origin, "web_origin", cfg->web_origin, "redirect_uris",
                    o.callback_url, "seller_center_url", DEPLOY_SELLER_CENTER_URL,
                    "origins_production_ready", o.fit, "problem", plan_reason(o.fit ? NULL : o.why),
                    "app_credentials", regions, "credentials_configured",
                    json_array_size(regions) > 0);
    if (doc == NULL)
        e = ERR_NOMEM;
out:
    json_decref(names);
    json_decref(regions);
    if (e == ERR_OK)
        *out = doc;
    return e;
}

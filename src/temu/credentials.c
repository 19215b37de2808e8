#include "temu/credentials.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void temu_credentials_names(enum temu_region region, char *key_name, char *secret_name, size_t len)
{
    char lower[16];
    const char *name = temu_region_name(region);
    size_t i = 0;
    for (; name[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    snprintf(key_name, len, "temu/%s/app_key", lower);
    snprintf(secret_name, len, "temu/%s/app_secret", lower);
}

ERR_MUST_USE static enum err temu_credential_check(const char *field, const char *v, size_t min,
                                                   size_t max, struct errbuf *eb)
{
    if (v == NULL || *v == '\0')
        return err_set(eb, ERR_INVAL, "field_required", "%s is required.", field);
    size_t len = strlen(v);
    bool ok = len >= min && len <= max;
    for (size_t i = 0; ok && i < len; i++)
        ok = isalnum((unsigned char)v[i]) != 0;
    if (!ok)
        return err_set(eb, ERR_INVAL, "bad_credential",
                       "%s must be %zu to %zu letters and digits, as shown in the Temu partner "
                       "portal.",
                       field, min, max);
    return ERR_OK;
}

enum err temu_credentials_store(struct vault *v, enum temu_region region, const char *app_key,
                                const char *app_secret, const char *actor, char *masked_key,
                                char *masked_secret, struct errbuf *eb)
{
    enum err e = temu_credential_check("app_key", app_key, TEMU_APP_KEY_MIN, TEMU_APP_KEY_MAX, eb);
    if (e == ERR_OK)
        e = temu_credential_check("app_secret", app_secret, TEMU_APP_SECRET_MIN,
                                  TEMU_APP_SECRET_MAX, eb);
    if (e != ERR_OK)
        return e;
    char key_name[48], secret_name[48];
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    e = vault_put(v, key_name, app_key, strlen(app_key), actor, eb);
    if (e == ERR_OK)
        e = vault_put(v, secret_name, app_secret, strlen(app_secret), actor, eb);
    if (e == ERR_OK) {
        vault_mask(app_key, strlen(app_key), masked_key);
        vault_mask(app_secret, strlen(app_secret), masked_secret);
    }
    return e;
}

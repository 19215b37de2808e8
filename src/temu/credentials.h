/*
 * The Temu app credentials (App Key and App Secret) per region, kept in the vault as
 * temu/<region>/app_key and temu/<region>/app_secret. Both the API and the command line
 * store them through here, so the shape rules live in one place.
 */
#ifndef AICOS_TEMU_CREDENTIALS_H
#define AICOS_TEMU_CREDENTIALS_H

#include <stddef.h>

#include "base/err.h"
#include "temu/regions.h"
#include "vault/vault.h"

#define TEMU_APP_KEY_MIN    16
#define TEMU_APP_KEY_MAX    64
#define TEMU_APP_SECRET_MIN 16
#define TEMU_APP_SECRET_MAX 128

/* Vault names for a region's credentials (out holds at least 48 bytes each). */
void temu_credentials_names(enum temu_region region, char *key_name, char *secret_name, size_t len);

/*
 * Checks shapes (letters and digits within the bounds above) and stores both in the vault;
 * ERR_INVAL naming the field, or the vault's error. masked_key / masked_secret receive the
 * masked forms (VAULT_MASKED_MAX bytes each).
 */
ERR_MUST_USE enum err temu_credentials_store(struct vault *v, enum temu_region region,
                                             const char *app_key, const char *app_secret,
                                             const char *actor, char *masked_key,
                                             char *masked_secret, struct errbuf *eb);

#endif

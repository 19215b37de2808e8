/* The region's App Key and Secret, the Temu client signed with them, a connection's token. */
#include "connect/client.h"

#include <stdio.h>
#include <string.h>

#include "temu/client.h"
#include "temu/credentials.h"
#include "vault/vault.h"

bool connect_credentials_present(const struct connect_env *env, enum temu_region region)
{
    bool present[TEMU_REGION__COUNT];
    return connect_credentials_regions(env, present, NULL) == ERR_OK && present[region];
}

enum err connect_credentials_regions(const struct connect_env *env,
                                     bool present[TEMU_REGION__COUNT], struct errbuf *eb)
{
    char names[2 * TEMU_REGION__COUNT][48];
    const char *ptrs[2 * TEMU_REGION__COUNT];
    bool found[2 * TEMU_REGION__COUNT];
    for (int r = 0; r < TEMU_REGION__COUNT; r++)
        present[r] = false;
    if (env->vault == NULL)
        return ERR_OK;
    for (int r = 0; r < TEMU_REGION__COUNT; r++) {
        temu_credentials_names((enum temu_region)r, names[2 * r], names[2 * r + 1],
                               sizeof names[0]);
        ptrs[2 * r] = names[2 * r];
        ptrs[2 * r + 1] = names[2 * r + 1];
    }
    enum err e = vault_names_present(env->vault, ptrs, 2 * TEMU_REGION__COUNT, found, eb);
    for (int r = 0; e == ERR_OK && r < TEMU_REGION__COUNT; r++)
        present[r] = found[2 * r] && found[2 * r + 1];
    return e;
}

/* Loads the region's App Key (and Secret when secret is not NULL) from the vault. */
enum err connect_load_credentials(const struct connect_env *env, enum temu_region region,
                                  char **key, size_t *key_len, char **secret, size_t *secret_len,
                                  struct errbuf *eb)
{
    char key_name[48], secret_name[48];
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so no Temu credential or token can "
                       "be read or stored.");
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    enum err e = vault_get(env->vault, key_name, key, key_len, NULL);
    if (e == ERR_OK && secret != NULL)
        e = vault_get(env->vault, secret_name, secret, secret_len, NULL);
    if (e == ERR_NOTFOUND)
        return err_set(eb, ERR_CONFLICT, "credentials_missing",
                       "The App Key and App Secret for region %s are not stored: run `aicos temu "
                       "credentials set --region %s ...` first.",
                       temu_region_name(region), temu_region_name(region));
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "The Temu credentials could not be read from the vault.");
    return ERR_OK;
}

ERR_MUST_USE static enum err connect_client_open(const struct connect_env *env,
                                                 enum temu_region region, const char *token,
                                                 temu_wall_fn wall, void *wall_ctx,
                                                 struct temu_client **out, struct errbuf *eb)
{
    char *key = NULL, *secret = NULL;
    size_t key_len = 0, secret_len = 0;
    enum err e = connect_load_credentials(env, region, &key, &key_len, &secret, &secret_len, eb);
    if (e != ERR_OK)
        goto out;
    struct temu_client_options o;
    temu_client_options_init(&o);
    temu_client_options_from_config(&o, env->cfg);
    o.region = region;
    o.app_key = key;
    o.app_secret = secret;
    o.access_token = token;
    if (wall != NULL) {
        o.wall_clock = wall;
        o.clock_ctx = wall_ctx;
        o.max_retries = 0;
    }
    e = temu_client_new(&o, out, eb);
out:
    vault_secret_free(key, key_len);
    vault_secret_free(secret, secret_len);
    return e;
}

enum err connect_client_new(const struct connect_env *env, enum temu_region region,
                            const char *token, struct temu_client **out, struct errbuf *eb)
{
    return connect_client_open(env, region, token, NULL, NULL, out, eb);
}

enum err connect_client_new_at(const struct connect_env *env, enum temu_region region,
                               const char *token, temu_wall_fn wall, void *wall_ctx,
                               struct temu_client **out, struct errbuf *eb)
{
    return connect_client_open(env, region, token, wall, wall_ctx, out, eb);
}

enum err connect_token_get(const struct connect_env *env, const char *id, enum temu_region *region,
                           char **token, size_t *len, struct errbuf *eb)
{
    char cregion[16], secret[VAULT_NAME_MAX];
    int64_t mall = 0;
    struct db_conn *c = db_acquire(env->db);
    enum err e =
        connect_connection_get(c, id, cregion, sizeof cregion, &mall, secret, sizeof secret, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so the token cannot be read.");
    temu_region_parse(cregion, region);
    e = vault_get(env->vault, secret, token, len, NULL);
    if (e != ERR_OK)
        return err_set(eb, ERR_CONFLICT, "token_missing",
                       "The connection's token is not in the vault: re-authorize it.");
    return ERR_OK;
}

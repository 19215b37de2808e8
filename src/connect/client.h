/*
 * The region's App Key and App Secret in the vault, the Temu client signed with them, and a
 * connection's access token.
 */
#ifndef AICOS_CONNECT_CLIENT_H
#define AICOS_CONNECT_CLIENT_H

#include "connect/common.h"

struct temu_client;

/*
 * A Temu client for region signed with the App Key and Secret from the vault, sending token
 * (NULL for none). ERR_UNAVAILABLE vault_unavailable, ERR_CONFLICT credentials_missing, or
 * temu_client_new()'s error. The caller frees *out with temu_client_free().
 */
ERR_MUST_USE enum err connect_client_new(const struct connect_env *env, enum temu_region region,
                                         const char *token, struct temu_client **out,
                                         struct errbuf *eb);

/*
 * connect_client_new() whose request timestamps come from wall(wall_ctx) and that never
 * retries: the inspector uses it to show exactly the request it sends.
 */
ERR_MUST_USE enum err connect_client_new_at(const struct connect_env *env, enum temu_region region,
                                            const char *token, int64_t (*wall)(void *),
                                            void *wall_ctx, struct temu_client **out,
                                            struct errbuf *eb);

/*
 * The access token of connection id and its region. The caller releases *token with
 * vault_secret_free(*token, *len). ERR_NOTFOUND, ERR_UNAVAILABLE (no vault), ERR_CONFLICT
 * token_missing.
 */
ERR_MUST_USE enum err connect_token_get(const struct connect_env *env, const char *id,
                                        enum temu_region *region, char **token, size_t *len,
                                        struct errbuf *eb);

/* True when the region's App Key and App Secret are in the vault (nothing is decrypted). */
bool connect_credentials_present(const struct connect_env *env, enum temu_region region);

/* present[r]: region r's App Key and App Secret are both stored; one query, nothing decrypted.
 * All false without a vault. */
ERR_MUST_USE enum err connect_credentials_regions(const struct connect_env *env,
                                                  bool present[TEMU_REGION__COUNT],
                                                  struct errbuf *eb);

/*
 * For the connect modules: the region's App Key (and Secret when secret is not NULL) from the
 * vault; the caller frees them with vault_secret_free(). ERR_UNAVAILABLE vault_unavailable,
 * ERR_CONFLICT credentials_missing.
 */
ERR_MUST_USE enum err connect_load_credentials(const struct connect_env *env,
                                               enum temu_region region, char **key, size_t *key_len,
                                               char **secret, size_t *secret_len,
                                               struct errbuf *eb);

#endif

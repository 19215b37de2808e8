/*
 * API tokens for automation: "aicos_" + 43 random characters, shown once at creation and
 * stored only as a hash. Sent as "Authorization: Bearer <token>".
 */
#ifndef AICOS_AUTH_TOKENS_H
#define AICOS_AUTH_TOKENS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/principal.h"
#include "base/err.h"
#include "store/db.h"

#define AUTH_TOKEN_PREFIX "aicos_"
#define AUTH_TOKEN_LEN    (6 + SECURE_TOKEN_LEN)

/* Creates a token; out gets the clear token (AUTH_TOKEN_LEN + 1 bytes), *id its id. */
ERR_MUST_USE enum err auth_token_create(struct db *db, const char *name, enum auth_role role,
                                        const char *created_by, char *out, int64_t *id,
                                        struct errbuf *eb);

/* Finds a live (not revoked) token; ERR_AUTH when unknown or revoked. */
ERR_MUST_USE enum err auth_token_lookup(struct db *db, const char *token,
                                        struct auth_principal *out, struct errbuf *eb);

/* Revokes by id; ERR_NOTFOUND if no such live token. */
ERR_MUST_USE enum err auth_token_revoke(struct db *db, int64_t id, struct errbuf *eb);

/* All tokens (never their values): JSON array of {id, name, role, prefix, created_at, ...}. */
ERR_MUST_USE enum err auth_token_list(struct db *db, json_t **out, struct errbuf *eb);

#endif

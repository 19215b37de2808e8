/*
 * Storing an authorization (private to src/connect): the token goes into the vault as
 * temu/<region>/mall/<mallId>/access_token, then the connection is created or updated and its
 * history appended in one transaction; on failure nothing stays behind.
 */
#ifndef AICOS_CONNECT_GRANT_H
#define AICOS_CONNECT_GRANT_H

#include "connect/authorize.h"

struct temu_token_info;

struct connect_grant {
    enum temu_region region;
    const char *seller_type;
    const char *mode; /* callback, manual, dev */
    const char *actor;
    const char *session_id; /* or NULL */
    const char *token;
    const struct temu_token_info *info;
};

/* Stores g at time now into out (connection id, region, mall, expiry, scopes). */
ERR_MUST_USE enum err connect_store(const struct connect_env *env, const struct connect_grant *g,
                                    int64_t now, struct connect_result *out, struct errbuf *eb);

#endif

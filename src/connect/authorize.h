/*
 * Completing an authorization: the callback checks the state (exists, unexpired, not
 * cancelled, unused), consumes it atomically, exchanges the code with
 * bg.open.accesstoken.create, verifies the token with bg.open.accesstoken.info.get, then
 * stores it (grant.h). Manual mode verifies a pasted token and stores it the same way. Every
 * failure stores nothing (only the session's outcome is noted once its state was consumed).
 */
#ifndef AICOS_CONNECT_AUTHORIZE_H
#define AICOS_CONNECT_AUTHORIZE_H

#include "connect/common.h"

/* What a successful authorization produced. */
struct connect_result {
    char connection_id[CONNECT_ID_LEN + 1];
    char session_id[CONNECT_ID_LEN + 1]; /* "" for manual mode */
    char region[16];
    char created_by[CONNECT_ACTOR_MAX]; /* the session's creator (or the manual actor) */
    int64_t mall_id;
    int64_t expires_at;
    bool reauthorized; /* an existing connection was updated */
    size_t scopes;
};

/*
 * Handles the callback at time now. error_param is Temu's "error" argument (e.g.
 * access_denied) or NULL. Errors, each storing nothing: ERR_BADREQ state_missing,
 * code_missing, authorization_denied (which also ends the session: its state is consumed),
 * state_unknown, state_expired; ERR_CONFLICT state_used,
 * state_cancelled, different_shop, credentials_missing; ERR_UPSTREAM temu_exchange_failed,
 * temu_verify_failed (message carries the Temu code); ERR_UNAVAILABLE vault_unavailable.
 * terr (may be NULL) receives the Temu error when there was one.
 */
ERR_MUST_USE enum err connect_callback(const struct connect_env *env, const char *code,
                                       const char *state, const char *error_param, int64_t now,
                                       struct connect_result *out, struct temu_error *terr,
                                       struct errbuf *eb);

/*
 * Manual mode: verifies a pasted token with info.get, then stores it like the callback does.
 * connection_id (or NULL) must then name the same shop (ERR_CONFLICT different_shop).
 */
ERR_MUST_USE enum err connect_manual(const struct connect_env *env, enum temu_region region,
                                     const char *token, const char *connection_id,
                                     const char *actor, int64_t now, struct connect_result *out,
                                     struct temu_error *terr, struct errbuf *eb);

#endif

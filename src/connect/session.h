/*
 * Authorization sessions: a random single-use state (only its BLAKE2b hash is stored), valid
 * CONNECT_SESSION_TTL_S, recorded with the operator who created it, and the Seller Center
 * authorization URL built from it. Production sessions pass the launch gates (gates.h).
 */
#ifndef AICOS_CONNECT_SESSION_H
#define AICOS_CONNECT_SESSION_H

#include "connect/common.h"

struct connect_session_req {
    enum temu_region region;
    enum connect_seller_type seller_type;
    enum connect_purpose purpose;
    const char *connection_id; /* re-authorize this connection, or NULL */
    const char *actor;         /* who creates it (user name or token:<name>) */
};

struct connect_session_out {
    char id[CONNECT_ID_LEN + 1];
    char url[CONNECT_URL_MAX];          /* the Seller Center authorization URL (holds state) */
    char redirect_uri[CONNECT_URL_MAX]; /* the callback registered with it */
    int64_t expires_at;
};

/*
 * Creates a session at time now. Production sessions first check the launch gates and answer
 * ERR_CONFLICT ("gates_closed") when one is closed; dev sessions answer ERR_FORBIDDEN
 * ("dev_refused_in_production") under AICOS_ENV=production. Both need the region's App Key
 * and Secret in the vault (ERR_CONFLICT "credentials_missing"). ERR_NOTFOUND for an unknown
 * connection_id, ERR_INVAL for a seller type whose region has no callback authorization.
 */
ERR_MUST_USE enum err connect_session_create(const struct connect_env *env,
                                             const struct connect_session_req *rq, int64_t now,
                                             struct connect_session_out *out, struct errbuf *eb);

/*
 * Sessions newest first as a new JSON array of {id, region, seller_type, purpose,
 * connection_id, created_by, created_at, expires_at, state ("open", "expired", "used",
 * "cancelled"), outcome}. actor NULL lists everyone's; otherwise only actor's.
 */
ERR_MUST_USE enum err connect_session_list(const struct connect_env *env, const char *actor,
                                           int64_t now, json_t **out, struct errbuf *eb);

/*
 * Cancels an open session. Only its creator may, unless admin. ERR_NOTFOUND (also for
 * someone else's session when not admin), ERR_CONFLICT when it is no longer open.
 */
ERR_MUST_USE enum err connect_session_cancel(const struct connect_env *env, const char *id,
                                             const char *actor, bool admin, int64_t now,
                                             struct errbuf *eb);

/* Number of sessions that are open (unused, uncancelled, unexpired) at now. */
ERR_MUST_USE enum err connect_session_open_count(const struct connect_env *env, int64_t now,
                                                 int64_t *count, struct errbuf *eb);

/* For the connect modules: records a session's outcome (errors are ignored: best effort). */
void connect_session_outcome(const struct connect_env *env, const char *id, const char *outcome);

#endif

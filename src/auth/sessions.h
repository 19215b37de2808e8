/*
 * Sign-in sessions, stored in the database so several app processes share them. The cookie
 * carries a random token; the table keeps only its hash. Sessions end after
 * AUTH_SESSION_IDLE_S without use or AUTH_SESSION_MAX_S after sign-in, whichever is first.
 */
#ifndef AICOS_AUTH_SESSIONS_H
#define AICOS_AUTH_SESSIONS_H

#include <stdint.h>

#include "auth/principal.h"
#include "base/err.h"
#include "store/db.h"

#define AUTH_SESSION_COOKIE "aicos_session"
#define AUTH_SESSION_IDLE_S (2 * 60 * 60)
#define AUTH_SESSION_MAX_S  (12 * 60 * 60)
/* last_seen_at is written at most this often, to keep reads read-only. */
#define AUTH_SESSION_TOUCH_S 60

/*
 * Creates a session for user at time now. token gets the cookie value and csrf the CSRF
 * token (both SECURE_TOKEN_LEN + 1 bytes). Old expired sessions are swept on the way.
 */
ERR_MUST_USE enum err auth_session_create(struct db *db, const struct auth_user *user,
                                          const char *ip, int64_t now, char *token, char *csrf,
                                          struct errbuf *eb);

/*
 * Finds the live session for token at time now; ERR_AUTH when unknown, expired (it is then
 * deleted) or the user is disabled.
 */
ERR_MUST_USE enum err auth_session_lookup(struct db *db, const char *token, int64_t now,
                                          struct auth_principal *out, struct errbuf *eb);

/* Ends the session (no error if it did not exist). */
ERR_MUST_USE enum err auth_session_delete(struct db *db, const char *token, struct errbuf *eb);

#endif

/*
 * Operator accounts: creation, listing, role changes, password resets, disabling, and the
 * login check with its throttle (slower after repeated failures, then a lock).
 */
#ifndef AICOS_AUTH_USERS_H
#define AICOS_AUTH_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/roles.h"
#include "base/err.h"
#include "store/db.h"

#define AUTH_NAME_MAX 64

/* Login throttle: after this many failures each attempt waits 2^(n - SLOW) s (capped). */
#define AUTH_LOGIN_SLOW_AFTER  3
#define AUTH_LOGIN_DELAY_MAX_S 60
/* After this many consecutive failures the account is locked for AUTH_LOCK_S seconds. */
#define AUTH_LOGIN_LOCK_AFTER 10
#define AUTH_LOCK_S           (15 * 60)

struct auth_user {
    int64_t id;
    char name[AUTH_NAME_MAX + 1];
    enum auth_role role;
    bool disabled;
};

/* Checks a user name: 1..64 of [A-Za-z0-9._@-], starting with a letter or digit. */
ERR_MUST_USE enum err auth_user_name_check(const char *name, struct errbuf *eb);

/* Creates a user (password already checked by the caller). ERR_CONFLICT if the name exists. */
ERR_MUST_USE enum err auth_user_add(struct db *db, const char *name, enum auth_role role,
                                    const char *password, struct errbuf *eb);

/* All users, ordered by name: JSON array of {id, name, role, disabled, locked, created_at}. */
ERR_MUST_USE enum err auth_user_list(struct db *db, json_t **out, struct errbuf *eb);

/* Looks a user up by name; ERR_NOTFOUND if absent. */
ERR_MUST_USE enum err auth_user_get(struct db *db, const char *name, struct auth_user *out,
                                    struct errbuf *eb);

ERR_MUST_USE enum err auth_user_set_role(struct db *db, const char *name, enum auth_role role,
                                         struct errbuf *eb);

/* Sets a new password, clears the throttle and ends the user's sessions. */
ERR_MUST_USE enum err auth_user_set_password(struct db *db, const char *name, const char *password,
                                             struct errbuf *eb);

/* Sets the user's own console language ("", "zh" or "en") and time zone (tz database name;
 * the caller checks it exists). ERR_INVAL for another language, ERR_NOTFOUND for no user. */
ERR_MUST_USE enum err auth_user_set_prefs(struct db *db, const char *name, const char *lang,
                                          const char *tz, struct errbuf *eb);

/* Disables or enables; disabling also ends the user's sessions. */
ERR_MUST_USE enum err auth_user_set_disabled(struct db *db, const char *name, bool disabled,
                                             struct errbuf *eb);

/*
 * Checks a login attempt at time now (unix seconds). ERR_OK fills *user. A wrong name or
 * password is ERR_AUTH with one message for both; an attempt during the slow-down or lock is
 * ERR_LIMIT saying how long to wait (and *retry_after gets the seconds). Every failure is
 * counted against the account.
 */
ERR_MUST_USE enum err auth_login(struct db *db, const char *name, const char *password, int64_t now,
                                 struct auth_user *user, int64_t *retry_after, struct errbuf *eb);

#endif

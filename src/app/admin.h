/*
 * Team administration use-cases behind the console's Users and API tokens pages (and the same
 * audit actions `aicos user` / `aicos token` write): add a user with a generated password,
 * change a role, disable or enable, reset a password, create and revoke API tokens. Each takes
 * the actor and plain values, writes one audit entry (success or failure) and never sees HTTP.
 * The caller checks the least role (the route's); these refuse what no role may do.
 */
#ifndef AICOS_APP_ADMIN_H
#define AICOS_APP_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "base/err.h"

/* Adds user name with role (a role name) and a generated password written into password
 * (shown once; never stored in clear). Audited as user.add. */
ERR_MUST_USE enum err app_user_add(const struct app *app, const struct app_actor *who,
                                   const char *name, const char *role,
                                   char password[AUTH_GENERATED_LEN + 1], struct errbuf *eb);

/* Changes name's role (a role name); the actor cannot change their own. user.set_role. */
ERR_MUST_USE enum err app_user_set_role(const struct app *app, const struct app_actor *who,
                                        const char *name, const char *role, struct errbuf *eb);

/* Disables (ending the user's sessions) or enables name; the actor cannot disable themselves.
 * user.disable / user.enable. */
ERR_MUST_USE enum err app_user_set_disabled(const struct app *app, const struct app_actor *who,
                                            const char *name, bool disabled, struct errbuf *eb);

/* Sets a generated password for name (shown once), clears its throttle and ends its sessions;
 * not the actor's own (that would end the session it is shown in). user.reset_password. */
ERR_MUST_USE enum err app_user_reset_password(const struct app *app, const struct app_actor *who,
                                              const char *name,
                                              char password[AUTH_GENERATED_LEN + 1],
                                              struct errbuf *eb);

/* Sets the signed-in user's own console language ("", "zh", "en") and time zone (a zone of
 * the tz database). An API token has no preferences (ERR_INVAL). user.set_preferences. */
ERR_MUST_USE enum err app_user_set_prefs(const struct app *app, const struct app_actor *who,
                                         const char *lang, const char *tz, struct errbuf *eb);

/* Creates an API token named name with role (a role name); secret gets its value (shown once)
 * and *id its id. token.create. */
ERR_MUST_USE enum err app_token_create(const struct app *app, const struct app_actor *who,
                                       const char *name, const char *role,
                                       char secret[AUTH_TOKEN_LEN + 1], int64_t *id,
                                       struct errbuf *eb);

/* Revokes the live token id (decimal text). token.revoke. */
ERR_MUST_USE enum err app_token_revoke(const struct app *app, const struct app_actor *who,
                                       const char *id, struct errbuf *eb);

#endif

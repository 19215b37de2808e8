/*
 * Signing in and out, shared by the JSON API (POST/DELETE /api/v1/session) and the sign-in
 * page (POST /login, POST /logout): the login check with its throttle, the session, the
 * audit entries, and the session cookie's attributes.
 */
#ifndef AICOS_APP_SIGNIN_H
#define AICOS_APP_SIGNIN_H

#include <stdint.h>

#include "app/app.h"
#include "auth/users.h"
#include "base/arena.h"
#include "base/secure.h"

struct app_signin {
    struct auth_user user;
    char token[SECURE_TOKEN_LEN + 1]; /* the new session cookie's value (wipe after use) */
    char csrf[SECURE_TOKEN_LEN + 1];  /* the session's CSRF token */
    int64_t retry_after;              /* seconds, when the answer is ERR_LIMIT */
};

/*
 * Checks name and password (from who's IP), audits the attempt as name, and on success
 * creates the session. ERR_INVAL when a field is missing, ERR_AUTH for wrong credentials,
 * ERR_LIMIT while throttled (out->retry_after set).
 */
ERR_MUST_USE enum err app_signin(const struct app *app, const struct app_actor *who,
                                 const char *name, const char *password, struct app_signin *out,
                                 struct errbuf *eb);

/* Ends the session of cookie (NULL: none) and audits the sign-out. */
void app_signout(const struct app *app, const struct app_actor *who, const char *cookie);

/*
 * The Set-Cookie value for a session token (max_age 0 with token "" clears it): HttpOnly,
 * SameSite=Lax, Secure whenever the console is on HTTPS. Arena-owned; NULL on no memory.
 */
const char *app_session_cookie(struct arena *a, const struct config *cfg, const char *token,
                               int max_age);

/*
 * Login CSRF (issue 18): an origin header value (NULL: none sent) is acceptable for a sign-in
 * or a cookie write when absent or one of our two origins. ERR_FORBIDDEN origin_mismatch.
 */
ERR_MUST_USE enum err app_origin_check(const struct config *cfg, const char *origin,
                                       struct errbuf *eb);

/*
 * The sign-in form's pre-session token: a fresh random value into token, and in *cookie the
 * Set-Cookie for it (aicos_login, HttpOnly, SameSite=Strict, Path=/login, an hour).
 */
#define APP_LOGIN_COOKIE "aicos_login"
ERR_MUST_USE enum err app_login_token_new(struct arena *a, const struct config *cfg,
                                          char token[SECURE_TOKEN_LEN + 1], const char **cookie);

/* The posted form token must equal its cookie's value. ERR_FORBIDDEN login_csrf_failed. */
ERR_MUST_USE enum err app_login_token_check(const char *sent, const char *cookie,
                                            struct errbuf *eb);

#endif

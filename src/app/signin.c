#include "app/signin.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/sessions.h"

const char *app_session_cookie(struct arena *a, const struct config *cfg, const char *token,
                               int max_age)
{
    return arena_printf(a, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                        AUTH_SESSION_COOKIE, token, max_age,
                        config_origin_is_https(cfg->web_origin) ? "; Secure" : "");
}

enum err app_origin_check(const struct config *cfg, const char *origin, struct errbuf *eb)
{
    if (origin == NULL || strcmp(origin, cfg->web_origin) == 0 ||
        strcmp(origin, cfg->api_origin) == 0)
        return ERR_OK;
    return err_set(eb, ERR_FORBIDDEN, "origin_mismatch",
                   "This request comes from another site (Origin %.100s) and was refused.", origin);
}

#define APP_LOGIN_TTL_S 3600

enum err app_login_token_new(struct arena *a, const struct config *cfg,
                             char token[SECURE_TOKEN_LEN + 1], const char **cookie)
{
    secure_token(token);
    *cookie = arena_printf(a, "%s=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=%d%s",
                           APP_LOGIN_COOKIE, token, APP_LOGIN_TTL_S,
                           config_origin_is_https(cfg->web_origin) ? "; Secure" : "");
    return *cookie != NULL ? ERR_OK : ERR_NOMEM;
}

enum err app_login_token_check(const char *sent, const char *cookie, struct errbuf *eb)
{
    if (sent == NULL || cookie == NULL || strlen(sent) != SECURE_TOKEN_LEN ||
        !secure_equal(sent, cookie))
        return err_set(eb, ERR_FORBIDDEN, "login_csrf_failed",
                       "This sign-in form was not loaded from this console (or it expired); "
                       "sign in again on this page.");
    return ERR_OK;
}

enum err app_signin(const struct app *app, const struct app_actor *who, const char *name,
                    const char *password, struct app_signin *out, struct errbuf *eb)
{
    int64_t now = (int64_t)time(NULL);
    out->retry_after = 0;
    if (name == NULL || password == NULL || *name == '\0' || *password == '\0')
        return err_set(eb, ERR_INVAL, "credentials_required", "Send a user name and a password.");
    if (strlen(name) > AUTH_NAME_MAX || strlen(password) > 1024)
        return err_set(eb, ERR_AUTH, "invalid_credentials", "Invalid user name or password.");
    enum err e = auth_login(app->db, name, password, now, &out->user, &out->retry_after, eb);
    /* The entry names the account tried, with its role once the password matched. */
    char actor_name[AUTH_NAME_MAX + 8];
    snprintf(actor_name, sizeof actor_name, "%s", name);
    struct app_actor as = *who;
    as.name = actor_name;
    as.role = e == ERR_OK ? out->user.role : ROLE_NONE;
    if (e != ERR_OK) {
        app_audit(app, &as, "login", name, "failure", errbuf_code(eb, e));
        return e;
    }
    e = auth_session_create(app->db, &out->user, who->ip, now, out->token, out->csrf, eb);
    if (e == ERR_OK)
        app_audit(app, &as, "login", name, "success", "signed in");
    return e;
}

void app_signout(const struct app *app, const struct app_actor *who, const char *cookie)
{
    /* The browser's cookie is cleared either way; a session row that could not be deleted
     * is recorded as such and expires on its own. */
    if (cookie != NULL && auth_session_delete(app->db, cookie, NULL) != ERR_OK) {
        app_audit(app, who, "logout", "", "failure", "session could not be deleted");
        return;
    }
    app_audit(app, who, "logout", "", "success", "signed out");
}

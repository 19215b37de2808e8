/* Team administration use-cases (app/admin.h). */
#include "app/admin.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "base/parse.h"
#include "base/secure.h"
#include "base/tz.h"

/* Writes the audit entry of an administration change and passes e on. */
ERR_MUST_USE static enum err admin_done(const struct app *app, const struct app_actor *who,
                                        const char *action, const char *target, enum err e,
                                        const char *detail, const struct errbuf *eb)
{
    app_audit(app, who, action, target != NULL ? target : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? detail : errbuf_code(eb, e));
    return e;
}

ERR_MUST_USE static enum err admin_role(const char *text, enum auth_role *out, struct errbuf *eb)
{
    if (text == NULL || !auth_role_parse(text, out))
        return err_set(eb, ERR_INVAL, "bad_role", "The role must be one of %s.",
                       auth_role_choices());
    return ERR_OK;
}

ERR_MUST_USE static enum err admin_name(const char *name, struct errbuf *eb)
{
    if (name == NULL || *name == '\0')
        return err_set(eb, ERR_INVAL, "bad_name", "A user name is required.");
    return auth_user_name_check(name, eb);
}

/* Refuses a change of the actor's own account: a seller admin cannot lock themselves out, and
 * a reset would end the session its one-time password is shown in. */
ERR_MUST_USE static enum err admin_not_self(const struct app_actor *who, const char *name,
                                            struct errbuf *eb)
{
    if (who->name != NULL && strcmp(who->name, name) == 0)
        return err_set(eb, ERR_CONFLICT, "own_account",
                       "You cannot change your own role, disable yourself or reset your own "
                       "password here (it would end this session); ask another seller admin, or "
                       "use `aicos user`.");
    return ERR_OK;
}

enum err app_user_add(const struct app *app, const struct app_actor *who, const char *name,
                      const char *role, char password[AUTH_GENERATED_LEN + 1], struct errbuf *eb)
{
    enum auth_role r = ROLE_NONE;
    password[0] = '\0';
    enum err e = admin_name(name, eb);
    if (e == ERR_OK)
        e = admin_role(role, &r, eb);
    if (e == ERR_OK) {
        auth_password_generate(password);
        e = auth_user_add(app->db, name, r, password, eb);
        if (e != ERR_OK)
            secure_wipe(password, AUTH_GENERATED_LEN + 1);
    }
    return admin_done(app, who, "user.add", name, e, auth_role_name(r), eb);
}

enum err app_user_set_role(const struct app *app, const struct app_actor *who, const char *name,
                           const char *role, struct errbuf *eb)
{
    enum auth_role r = ROLE_NONE;
    enum err e = admin_name(name, eb);
    if (e == ERR_OK)
        e = admin_role(role, &r, eb);
    if (e == ERR_OK)
        e = admin_not_self(who, name, eb);
    if (e == ERR_OK)
        e = auth_user_set_role(app->db, name, r, eb);
    return admin_done(app, who, "user.set_role", name, e, auth_role_name(r), eb);
}

enum err app_user_set_prefs(const struct app *app, const struct app_actor *who, const char *lang,
                            const char *tz, struct errbuf *eb)
{
    const struct tz_zone *z = NULL;
    enum err e = ERR_OK;
    if (who->name == NULL || strncmp(who->name, "token:", 6) == 0 || who->role == ROLE_NONE)
        e = err_set(eb, ERR_INVAL, "no_preferences",
                    "An API token has no console preferences; sign in to set them.");
    if (e == ERR_OK)
        e = tz_load(tz != NULL ? tz : "", &z, eb);
    if (e == ERR_OK)
        e = auth_user_set_prefs(app->db, who->name, lang != NULL ? lang : "", tz, eb);
    char detail[96];
    snprintf(detail, sizeof detail, "lang=%s tz=%.63s", lang != NULL ? lang : "",
             tz != NULL ? tz : "");
    return admin_done(app, who, "user.set_preferences", who->name, e, detail, eb);
}

enum err app_user_set_disabled(const struct app *app, const struct app_actor *who, const char *name,
                               bool disabled, struct errbuf *eb)
{
    enum err e = admin_name(name, eb);
    if (e == ERR_OK && disabled)
        e = admin_not_self(who, name, eb);
    if (e == ERR_OK)
        e = auth_user_set_disabled(app->db, name, disabled, eb);
    return admin_done(app, who, disabled ? "user.disable" : "user.enable", name, e,
                      disabled ? "disabled" : "enabled", eb);
}

enum err app_user_reset_password(const struct app *app, const struct app_actor *who,
                                 const char *name, char password[AUTH_GENERATED_LEN + 1],
                                 struct errbuf *eb)
{
    password[0] = '\0';
    enum err e = admin_name(name, eb);
    if (e == ERR_OK)
        e = admin_not_self(who, name, eb);
    if (e == ERR_OK) {
        auth_password_generate(password);
        e = auth_user_set_password(app->db, name, password, eb);
        if (e != ERR_OK)
            secure_wipe(password, AUTH_GENERATED_LEN + 1);
    }
    return admin_done(app, who, "user.reset_password", name, e, "password reset", eb);
}

enum err app_token_create(const struct app *app, const struct app_actor *who, const char *name,
                          const char *role, char secret[AUTH_TOKEN_LEN + 1], int64_t *id,
                          struct errbuf *eb)
{
    enum auth_role r = ROLE_NONE;
    secret[0] = '\0';
    *id = 0;
    enum err e = ERR_OK;
    if (name == NULL || *name == '\0')
        e = err_set(eb, ERR_INVAL, "bad_token_name", "A token name is required.");
    if (e == ERR_OK)
        e = admin_role(role, &r, eb);
    if (e == ERR_OK)
        e = auth_token_create(app->db, name, r, who->name, secret, id, eb);
    return admin_done(app, who, "token.create", name, e, auth_role_name(r), eb);
}

enum err app_token_revoke(const struct app *app, const struct app_actor *who, const char *id,
                          struct errbuf *eb)
{
    int64_t n = 0;
    enum err e = ERR_OK;
    if (id == NULL || parse_int64(id, 1, INT64_MAX, &n) != ERR_OK)
        e = err_set(eb, ERR_INVAL, "bad_token_id", "The token id must be a positive integer.");
    if (e == ERR_OK)
        e = auth_token_revoke(app->db, n, eb);
    return admin_done(app, who, "token.revoke", id, e, "revoked", eb);
}

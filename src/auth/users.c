#include "auth/users.h"

#include <ctype.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "base/clock.h"
#include "base/secure.h"

enum err auth_user_name_check(const char *name, struct errbuf *eb)
{
    size_t len = strlen(name);
    if (len == 0 || len > AUTH_NAME_MAX || !isalnum((unsigned char)name[0]))
        return err_set(eb, ERR_INVAL, "bad_user_name",
                       "A user name has 1 to %d characters and starts with a letter or digit.",
                       AUTH_NAME_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(isalnum(c) || c == '.' || c == '_' || c == '@' || c == '-'))
            return err_set(eb, ERR_INVAL, "bad_user_name",
                           "A user name may only hold letters, digits and . _ @ -.");
    }
    return ERR_OK;
}

enum err auth_user_add(struct db *db, const char *name, enum auth_role role, const char *password,
                       struct errbuf *eb)
{
    enum err e = auth_user_name_check(name, eb);
    if (e != ERR_OK)
        return e;
    char hash[AUTH_HASH_MAX];
    e = auth_password_hash(password, hash);
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "Hashing the password failed.");
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(name), DB_P_TEXT(auth_role_name(role)), DB_P_TEXT(hash),
                           DB_P_TEXT(now)};
    e = db_pool_exec(db,
                     "INSERT INTO users (name, role, password_hash, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $4)",
                     p, 4, NULL, eb);
    if (e == ERR_CONFLICT)
        return err_set(eb, ERR_CONFLICT, "user_exists", "A user named %s already exists.", name);
    return e;
}

enum err auth_user_list(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_conn *c = db_acquire(db);
    int64_t now = (int64_t)time(NULL);
    struct db_param p[] = {DB_P_INT(now)};
    enum err e = db_query(c,
                          "SELECT id, name, role, disabled, CASE WHEN locked_until > $1 THEN 1 "
                          "ELSE 0 END, created_at FROM users ORDER BY name",
                          p, 1, &r, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; i < db_rows_count(r); i++) {
        int64_t id = db_rows_int_or(r, i, 0, 0), disabled = db_rows_int_or(r, i, 3, 1),
                locked = db_rows_int_or(r, i, 4, 1);
        json_array_append_new(list,
                              json_pack("{s:I, s:s, s:s, s:b, s:b, s:s}", "id", (json_int_t)id,
                                        "name", db_rows_get(r, i, 1), "role", db_rows_get(r, i, 2),
                                        "disabled", disabled != 0, "locked", locked != 0,
                                        "created_at", db_rows_get(r, i, 5)));
    }
    db_rows_free(r);
    *out = list;
    return ERR_OK;
}

enum err auth_user_get(struct db *db, const char *name, struct auth_user *out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        db_query(c, "SELECT id, name, role, disabled FROM users WHERE name = $1", p, 1, &r, eb);
    db_release(c);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "user_not_found", "There is no user named %.64s.", name);
    int64_t disabled = 0;
    if (e == ERR_OK)
        e = db_rows_ints(r, 0, 2, (size_t[]){0, 3}, (int64_t *const[]){&out->id, &disabled}, eb);
    if (e == ERR_OK) {
        snprintf(out->name, sizeof out->name, "%s", db_rows_get(r, 0, 1));
        if (!auth_role_parse(db_rows_get(r, 0, 2), &out->role))
            out->role = ROLE_NONE;
        out->disabled = disabled != 0;
    }
    db_rows_free(r);
    return e;
}

/* Runs an UPDATE on users by name; ERR_NOTFOUND when no row matched. */
ERR_MUST_USE static enum err auth_user_update(struct db_conn *c, const char *sql,
                                              struct db_param *p, size_t n, const char *name,
                                              struct errbuf *eb)
{
    int64_t changed = 0;
    enum err e = db_exec(c, sql, p, n, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "user_not_found", "There is no user named %.64s.", name);
    return e;
}

ERR_MUST_USE static enum err auth_user_end_sessions(struct db_conn *c, const char *name,
                                                    struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(name)};
    return db_exec(c,
                   "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = $1)",
                   p, 1, NULL, eb);
}

enum err auth_user_set_role(struct db *db, const char *name, enum auth_role role, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(auth_role_name(role)), DB_P_TEXT(now), DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    enum err e = auth_user_update(c, "UPDATE users SET role = $1, updated_at = $2 WHERE name = $3",
                                  p, 3, name, eb);
    db_release(c);
    return e;
}

enum err auth_user_set_prefs(struct db *db, const char *name, const char *lang, const char *tz,
                             struct errbuf *eb)
{
    if (lang == NULL ||
        (strcmp(lang, "") != 0 && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0))
        return err_set(eb, ERR_INVAL, "bad_language",
                       "The language is zh, en or empty (follow the browser).");
    if (tz == NULL || *tz == '\0' || strlen(tz) > 63)
        return err_set(eb, ERR_INVAL, "bad_time_zone",
                       "A time zone is a name such as UTC or Asia/Shanghai.");
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(lang), DB_P_TEXT(tz), DB_P_TEXT(now), DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    enum err e = auth_user_update(
        c, "UPDATE users SET lang = $1, tz = $2, updated_at = $3 WHERE name = $4", p, 4, name, eb);
    db_release(c);
    return e;
}

enum err auth_user_set_password(struct db *db, const char *name, const char *password,
                                struct errbuf *eb)
{
    char hash[AUTH_HASH_MAX];
    enum err e = auth_password_hash(password, hash);
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "Hashing the password failed.");
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(hash), DB_P_TEXT(now), DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    e = db_begin(c, eb);
    if (e == ERR_OK)
        e = auth_user_update(c,
                             "UPDATE users SET password_hash = $1, failed_logins = 0, "
                             "next_login_at = 0, locked_until = 0, updated_at = $2 "
                             "WHERE name = $3",
                             p, 3, name, eb);
    if (e == ERR_OK)
        e = auth_user_end_sessions(c, name, eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    db_release(c);
    return e;
}

enum err auth_user_set_disabled(struct db *db, const char *name, bool disabled, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_INT(disabled ? 1 : 0), DB_P_TEXT(now), DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = auth_user_update(c, "UPDATE users SET disabled = $1, updated_at = $2 WHERE name = $3",
                             p, 3, name, eb);
    if (e == ERR_OK && disabled)
        e = auth_user_end_sessions(c, name, eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    db_release(c);
    return e;
}

/* A fixed Argon2id hash to verify against when the user does not exist, so that unknown and
 * known names take the same time. */
static char auth_dummy[AUTH_HASH_MAX];
static pthread_once_t auth_dummy_once = PTHREAD_ONCE_INIT;

static void auth_dummy_init(void)
{
    char pw[AUTH_GENERATED_LEN + 1];
    auth_password_generate(pw);
    if (auth_password_hash(pw, auth_dummy) != ERR_OK)
        auth_dummy[0] = '\0';
}

static const char *auth_dummy_hash(void)
{
    pthread_once(&auth_dummy_once, auth_dummy_init);
    return auth_dummy;
}

/*
 * Counts one failed sign-in of user id. The increment is one atomic UPDATE … RETURNING, so
 * that parallel wrong guesses are all counted; the delay or lock that the new count calls
 * for is then written. Returns ERR_AUTH with the message the caller shows, or ERR_DB.
 */
ERR_MUST_USE static enum err auth_login_failed(struct db_conn *c, int64_t id, int64_t now,
                                               struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_INT(id)};
    enum err e = db_query(c,
                          "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 "
                          "RETURNING failed_logins",
                          p, 1, &r, eb);
    int64_t failed = 0;
    if (e == ERR_OK && (db_rows_count(r) != 1 || db_rows_int(r, 0, 0, &failed) != ERR_OK))
        e = err_set(eb, ERR_DB, "db_error", "The failed sign-in could not be counted.");
    db_rows_free(r);
    if (e != ERR_OK)
        return e;
    int64_t next = 0, lock = 0;
    if (failed >= AUTH_LOGIN_LOCK_AFTER) {
        lock = now + AUTH_LOCK_S;
    } else if (failed >= AUTH_LOGIN_SLOW_AFTER) {
        int64_t delay = (int64_t)1 << (failed - AUTH_LOGIN_SLOW_AFTER);
        next = now + (delay > AUTH_LOGIN_DELAY_MAX_S ? AUTH_LOGIN_DELAY_MAX_S : delay);
    }
    if (next > 0 || lock > 0) {
        /* A lock starts the count again; a delay only ever grows. */
        struct db_param u[] = {DB_P_INT(next), DB_P_INT(lock), DB_P_INT(id)};
        e = db_exec(c,
                    "UPDATE users SET next_login_at = CASE WHEN next_login_at > CAST($1 AS BIGINT) "
                    "THEN next_login_at ELSE CAST($1 AS BIGINT) END, locked_until = CASE WHEN "
                    "CAST($2 AS BIGINT) > 0 THEN CAST($2 AS BIGINT) ELSE locked_until END, "
                    "failed_logins = CASE WHEN CAST($2 AS BIGINT) > 0 THEN 0 ELSE failed_logins "
                    "END WHERE id = CAST($3 AS BIGINT)",
                    u, 3, NULL, eb);
        if (e != ERR_OK)
            return e;
    }
    if (lock > 0)
        return err_set(eb, ERR_AUTH, "account_locked_now",
                       "Invalid user name or password; the account is now locked for %d "
                       "minutes.",
                       AUTH_LOCK_S / 60);
    return err_set(eb, ERR_AUTH, "invalid_credentials", "Invalid user name or password.");
}

enum err auth_login(struct db *db, const char *name, const char *password, int64_t now,
                    struct auth_user *user, int64_t *retry_after, struct errbuf *eb)
{
    *retry_after = 0;
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT id, role, disabled, password_hash, failed_logins, next_login_at, "
                          "locked_until FROM users WHERE name = $1",
                          p, 1, &r, eb);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(r) == 0) {
        auth_password_verify(auth_dummy_hash(), password);
        e = err_set(eb, ERR_AUTH, "invalid_credentials", "Invalid user name or password.");
        goto out;
    }
    int64_t id = 0, disabled = 0, next_at = 0, locked_until = 0;
    e = db_rows_ints(r, 0, 4, (size_t[]){0, 2, 5, 6},
                     (int64_t *const[]){&id, &disabled, &next_at, &locked_until}, eb);
    if (e != ERR_OK)
        goto out;
    if (locked_until > now) {
        *retry_after = locked_until - now;
        e = err_set(eb, ERR_LIMIT, "account_locked",
                    "Too many failed sign-ins: this account is locked for %lld more seconds.",
                    (long long)*retry_after);
        goto out;
    }
    if (next_at > now) {
        *retry_after = next_at - now;
        e = err_set(eb, ERR_LIMIT, "login_throttled",
                    "Too many failed sign-ins: wait %lld seconds before trying again.",
                    (long long)*retry_after);
        goto out;
    }
    bool ok = auth_password_verify(db_rows_get(r, 0, 3), password);
    if (ok && disabled) {
        e = err_set(eb, ERR_AUTH, "account_disabled", "This account is disabled.");
        goto out;
    }
    if (!ok) {
        e = auth_login_failed(c, id, now, eb);
        goto out;
    }
    struct db_param u[] = {DB_P_INT(id)};
    e = db_exec(c,
                "UPDATE users SET failed_logins = 0, next_login_at = 0, locked_until = 0 "
                "WHERE id = $1",
                u, 1, NULL, eb);
    if (e == ERR_OK) {
        user->id = id;
        snprintf(user->name, sizeof user->name, "%s", name);
        auth_role_parse(db_rows_get(r, 0, 1), &user->role);
        user->disabled = false;
    }
out:
    db_release(c);
    db_rows_free(r);
    return e;
}

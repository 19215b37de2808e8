#include "auth/sessions.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"

enum err auth_session_create(struct db *db, const struct auth_user *user, const char *ip,
                             int64_t now, char *token, char *csrf, struct errbuf *eb)
{
    char hash[SECURE_HASH_HEX];
    secure_token(token);
    secure_token(csrf);
    secure_hash_hex(token, hash);
    struct db_param sweep[] = {DB_P_INT(now), DB_P_INT(now - AUTH_SESSION_IDLE_S)};
    struct db_param p[] = {DB_P_TEXT(hash),
                           DB_P_INT(user->id),
                           DB_P_TEXT(csrf),
                           DB_P_INT(now),
                           DB_P_INT(now + AUTH_SESSION_MAX_S),
                           DB_P_TEXT(ip ? ip : "")};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2",
                         sweep, 2, NULL, eb);
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, "
                    "last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $4, $4, $5, $6)",
                    p, 6, NULL, eb);
    db_release(c);
    secure_wipe(hash, sizeof hash);
    return e;
}

enum err auth_session_lookup(struct db *db, const char *token, int64_t now,
                             struct auth_principal *out, struct errbuf *eb)
{
    if (strlen(token) != SECURE_TOKEN_LEN)
        return err_set(eb, ERR_AUTH, "session_invalid", "The session is not valid; sign in.");
    char hash[SECURE_HASH_HEX];
    secure_hash_hex(token, hash);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(hash)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT s.user_id, u.name, u.role, u.disabled, s.csrf_token, "
                          "s.last_seen_at, s.expires_at FROM sessions s JOIN users u "
                          "ON u.id = s.user_id WHERE s.id_hash = $1",
                          p, 1, &r, eb);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(r) == 0) {
        e = err_set(eb, ERR_AUTH, "session_invalid", "The session is not valid; sign in.");
        goto out;
    }
    int64_t uid = 0, disabled = 0, last_seen = 0, expires = 0;
    e = db_rows_ints(r, 0, 4, (size_t[]){0, 3, 5, 6},
                     (int64_t *const[]){&uid, &disabled, &last_seen, &expires}, eb);
    if (e != ERR_OK)
        goto out;
    if (expires <= now || last_seen + AUTH_SESSION_IDLE_S <= now || disabled) {
        /* Refused either way; a row left behind is refused again and swept later. */
        if (db_exec(c, "DELETE FROM sessions WHERE id_hash = $1", p, 1, NULL, NULL) != ERR_OK)
            log_kv(LOG_WARN, "auth.session_delete_failed", NULL);
        e = err_set(eb, ERR_AUTH, "session_expired", "The session has expired; sign in again.");
        goto out;
    }
    if (now - last_seen >= AUTH_SESSION_TOUCH_S) {
        /* Best effort: a missed touch only makes the idle timeout count from an older use. */
        struct db_param t[] = {DB_P_INT(now), DB_P_TEXT(hash)};
        if (db_exec(c, "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", t, 2, NULL,
                    NULL) != ERR_OK)
            log_kv(LOG_WARN, "auth.session_touch_failed", NULL);
    }
    out->via = AUTH_VIA_SESSION;
    out->id = uid;
    snprintf(out->name, sizeof out->name, "%s", db_rows_get(r, 0, 1));
    if (!auth_role_parse(db_rows_get(r, 0, 2), &out->role))
        out->role = ROLE_NONE;
    snprintf(out->csrf, sizeof out->csrf, "%s", db_rows_get(r, 0, 4));
out:
    db_release(c);
    db_rows_free(r);
    secure_wipe(hash, sizeof hash);
    return e;
}

enum err auth_session_delete(struct db *db, const char *token, struct errbuf *eb)
{
    char hash[SECURE_HASH_HEX];
    secure_hash_hex(token, hash);
    struct db_param p[] = {DB_P_TEXT(hash)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, "DELETE FROM sessions WHERE id_hash = $1", p, 1, NULL, eb);
    db_release(c);
    return e;
}

#include "auth/sessions.h"

#include <sodium.h>
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

/*
 * A flash notice can carry a secret shown once (a generated password, a new API token), so it
 * is sealed under a key only the cookie gives: the database keeps the cookie's hash, never the
 * cookie, and so cannot read the notice. Stored as base64 of nonce || secretbox.
 */
#define SESSION_FLASH_SEALED                                                                       \
    (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + AUTH_FLASH_MAX)
#define SESSION_FLASH_B64                                                                          \
    (sodium_base64_ENCODED_LEN(SESSION_FLASH_SEALED, sodium_base64_VARIANT_ORIGINAL))

static void session_flash_key(const char *token, unsigned char key[crypto_secretbox_KEYBYTES])
{
    static const unsigned char context[] = "aicos session flash v1";
    crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)token, strlen(token),
                       context, sizeof context - 1);
}

/* Seals text (at most AUTH_FLASH_MAX bytes) into out (SESSION_FLASH_B64 bytes). */
static void session_flash_seal(const char *token, const char *text, size_t n, char *out)
{
    unsigned char key[crypto_secretbox_KEYBYTES], box[SESSION_FLASH_SEALED];
    session_flash_key(token, key);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, n, box,
                          key);
    size_t len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    sodium_bin2base64(out, SESSION_FLASH_B64, box, len, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(key, sizeof key);
}

/* Opens a sealed notice into text (AUTH_FLASH_MAX + 1 bytes); false when it does not open. */
static bool session_flash_open(const char *token, const char *sealed, char text[AUTH_FLASH_MAX + 1])
{
    unsigned char key[crypto_secretbox_KEYBYTES], box[SESSION_FLASH_SEALED];
    size_t len = 0;
    text[0] = '\0';
    if (sodium_base642bin(box, sizeof box, sealed, strlen(sealed), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return false;
    size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    session_flash_key(token, key);
    bool ok = crypto_secretbox_open_easy((unsigned char *)text, box + crypto_secretbox_NONCEBYTES,
                                         len - crypto_secretbox_NONCEBYTES, box, key) == 0;
    sodium_memzero(key, sizeof key);
    text[ok ? n : 0] = '\0';
    return ok;
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
    enum err e =
        db_query(c,
                 "SELECT s.user_id, u.name, u.role, u.disabled, s.csrf_token, "
                 "s.last_seen_at, s.expires_at, f.kind, f.message, u.lang, u.tz FROM sessions s "
                 "JOIN users u ON u.id = s.user_id "
                 "LEFT JOIN session_flash f ON f.id_hash = s.id_hash "
                 "WHERE s.id_hash = $1",
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
    snprintf(out->lang, sizeof out->lang, "%s", db_rows_get(r, 0, 9) ? db_rows_get(r, 0, 9) : "");
    snprintf(out->tz, sizeof out->tz, "%s", db_rows_get(r, 0, 10) ? db_rows_get(r, 0, 10) : "UTC");
    const char *fk = db_rows_get(r, 0, 7), *fm = db_rows_get(r, 0, 8);
    out->flash[0] = '\0';
    out->flash_kind[0] = '\0';
    if (fk != NULL && fm != NULL && session_flash_open(token, fm, out->flash))
        snprintf(out->flash_kind, sizeof out->flash_kind, "%s", fk);
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
    enum err e = db_pool_exec(db, "DELETE FROM sessions WHERE id_hash = $1", p, 1, NULL, eb);
    return e;
}

/* The length of s cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t session_utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

enum err auth_session_flash_put(struct db *db, const char *token, const char *kind,
                                const char *text, struct errbuf *eb)
{
    if (token == NULL || strlen(token) != SECURE_TOKEN_LEN)
        return ERR_OK; /* no session: nothing to keep */
    char hash[SECURE_HASH_HEX], msg[SESSION_FLASH_B64];
    secure_hash_hex(token, hash);
    session_flash_seal(token, text, session_utf8_cut(text, AUTH_FLASH_MAX), msg);
    const char *k =
        kind != NULL && (strcmp(kind, "ok") == 0 || strcmp(kind, "error") == 0) ? kind : "info";
    struct db_param p[] = {DB_P_TEXT(hash), DB_P_TEXT(k), DB_P_TEXT(msg)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        db_exec(c,
                "INSERT INTO session_flash (id_hash, kind, message) SELECT id_hash, $2, $3 "
                "FROM sessions WHERE id_hash = $1 ON CONFLICT (id_hash) DO UPDATE SET "
                "kind = excluded.kind, message = excluded.message",
                p, 3, NULL, eb);
    db_release(c);
    secure_wipe(hash, sizeof hash);
    return e;
}

enum err auth_session_flash_clear(struct db *db, const char *token, struct errbuf *eb)
{
    if (token == NULL || strlen(token) != SECURE_TOKEN_LEN)
        return ERR_OK;
    char hash[SECURE_HASH_HEX];
    secure_hash_hex(token, hash);
    struct db_param p[] = {DB_P_TEXT(hash)};
    enum err e = db_pool_exec(db, "DELETE FROM session_flash WHERE id_hash = $1", p, 1, NULL, eb);
    secure_wipe(hash, sizeof hash);
    return e;
}

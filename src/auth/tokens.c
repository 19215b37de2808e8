#include "auth/tokens.h"

#include <stdio.h>
#include <string.h>

#include "auth/users.h"
#include "base/log.h"
#include "base/clock.h"

enum err auth_token_create(struct db *db, const char *name, enum auth_role role,
                           const char *created_by, char *out, int64_t *id, struct errbuf *eb)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > AUTH_NAME_MAX)
        return err_set(eb, ERR_INVAL, "bad_token_name", "A token name has 1 to %d characters.",
                       AUTH_NAME_MAX);
    char random[SECURE_TOKEN_LEN + 1], hash[SECURE_HASH_HEX], prefix[16], now[CLOCK_ISO_LEN];
    secure_token(random);
    snprintf(out, AUTH_TOKEN_LEN + 1, "%s%s", AUTH_TOKEN_PREFIX, random);
    secure_hash_hex(out, hash);
    snprintf(prefix, sizeof prefix, "%.10s", out);
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(name), DB_P_TEXT(auth_role_name(role)),
                           DB_P_TEXT(hash), DB_P_TEXT(prefix),
                           DB_P_TEXT(now),  DB_P_TEXT(created_by)};
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(db,
                      "INSERT INTO api_tokens (name, role, token_hash, prefix, created_at, "
                      "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                      p, 6, &r, eb);
    if (e == ERR_OK)
        e = db_rows_int(r, 0, 0, id);
    db_rows_free(r);
    secure_wipe(random, sizeof random);
    if (e != ERR_OK)
        secure_wipe(out, AUTH_TOKEN_LEN + 1);
    return e;
}

enum err auth_token_lookup(struct db *db, const char *token, struct auth_principal *out,
                           struct errbuf *eb)
{
    if (strlen(token) != AUTH_TOKEN_LEN ||
        strncmp(token, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) != 0)
        return err_set(eb, ERR_AUTH, "token_invalid", "The API token is not valid.");
    char hash[SECURE_HASH_HEX];
    secure_hash_hex(token, hash);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(hash)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT id, name, role, last_used_at FROM api_tokens "
                          "WHERE token_hash = $1 AND revoked_at IS NULL",
                          p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_AUTH, "token_invalid", "The API token is not valid or was revoked.");
    if (e == ERR_OK)
        e = db_rows_ints(r, 0, 1, (size_t[]){0}, (int64_t *const[]){&out->id}, eb);
    if (e == ERR_OK) {
        out->via = AUTH_VIA_TOKEN;
        snprintf(out->name, sizeof out->name, "token:%.*s", AUTH_NAME_MAX, db_rows_get(r, 0, 1));
        if (!auth_role_parse(db_rows_get(r, 0, 2), &out->role))
            out->role = ROLE_NONE;
        out->csrf[0] = '\0';
        char now[CLOCK_ISO_LEN];
        clock_now_iso(now);
        const char *last = db_rows_get(r, 0, 3);
        /* Written at most once a minute (same minute prefix), to keep lookups cheap. */
        if (last == NULL || strncmp(last, now, 16) != 0) {
            /* Best effort: last use is shown to people, never used to decide access. */
            struct db_param u[] = {DB_P_TEXT(now), DB_P_INT(out->id)};
            if (db_exec(c, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", u, 2, NULL,
                        NULL) != ERR_OK)
                log_kv(LOG_WARN, "auth.token_touch_failed", NULL);
        }
    }
    db_release(c);
    db_rows_free(r);
    return e;
}

enum err auth_token_revoke(struct db *db, int64_t id, struct errbuf *eb)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_param p[] = {DB_P_TEXT(now), DB_P_INT(id)};
    int64_t changed = 0;
    enum err e =
        db_pool_exec(db,
                     "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS "
                     "NULL",
                     p, 2, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "token_not_found", "There is no live token with id %lld.",
                    (long long)id);
    return e;
}

enum err auth_token_list(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(db,
                      "SELECT id, name, role, prefix, created_at, created_by, last_used_at, "
                      "revoked_at FROM api_tokens ORDER BY id",
                      NULL, 0, &r, eb);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; i < db_rows_count(r); i++) {
        int64_t id = db_rows_int_or(r, i, 0, 0);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "name",
                              db_rows_get(r, i, 1), "role", db_rows_get(r, i, 2), "prefix",
                              db_rows_get(r, i, 3), "created_at", db_rows_get(r, i, 4),
                              "created_by", db_rows_get(r, i, 5));
        const char *last = db_rows_get(r, i, 6), *revoked = db_rows_get(r, i, 7);
        json_object_set_new(o, "last_used_at", last ? json_string(last) : json_null());
        json_object_set_new(o, "revoked_at", revoked ? json_string(revoked) : json_null());
        json_array_append_new(list, o);
    }
    db_rows_free(r);
    *out = list;
    return ERR_OK;
}

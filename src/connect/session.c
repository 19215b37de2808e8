/* Authorization sessions: create, list, cancel, count, outcome. */
#include "connect/session.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/secure.h"
#include "base/url.h"
#include "connect/client.h"
#include "connect/gates.h"
#include "vault/vault.h"

ERR_MUST_USE static enum err connect_auth_base(const struct config *cfg, enum temu_region region,
                                               enum connect_seller_type st, char *dst, size_t len,
                                               struct errbuf *eb)
{
    if (cfg->temu_auth_url[0] != '\0') {
        snprintf(dst, len, "%s", cfg->temu_auth_url);
        return ERR_OK;
    }
    if (st == CONNECT_SELLER_CROSS_BORDER)
        return err_set(eb, ERR_INVAL, "manual_authorization_only",
                       "Cross-border sellers authorize manually in Seller Center "
                       "(https://agentseller%s.temu.com/open-platform/system-manage/client-manage)"
                       ": copy the token there and use manual mode.",
                       region == TEMU_REGION_EU ? "-eu" : "");
    if (region == TEMU_REGION_US) {
        snprintf(dst, len, "https://seller.temu.com/open-platform/client-manage/authorization");
        return ERR_OK;
    }
    if (region == TEMU_REGION_EU) {
        snprintf(dst, len, "https://seller-eu.temu.com/open-platform/client-manage/authorization");
        return ERR_OK;
    }
    return err_set(eb, ERR_INVAL, "no_authorization_page",
                   "Temu documents no Seller Center callback page for region %s: set "
                   "AICOS_TEMU_AUTH_URL, or use manual mode.",
                   temu_region_name(region));
}

/* The purpose's gates: dev refused in production, production needs every launch gate open. */
ERR_MUST_USE static enum err connect_session_gates(const struct connect_env *env,
                                                   const struct connect_session_req *rq,
                                                   struct errbuf *eb)
{
    json_t *blockers = NULL;
    if (rq->purpose == CONNECT_PURPOSE_DEV && env->cfg->env == CONFIG_ENV_PRODUCTION)
        return err_set(eb, ERR_FORBIDDEN, "dev_refused_in_production",
                       "The development debug entry is not the production path and is refused "
                       "when AICOS_ENV=production: use the launch packet.");
    if (rq->purpose != CONNECT_PURPOSE_PRODUCTION)
        return ERR_OK;
    enum err e = connect_launch_blockers(env, rq->region, &blockers, eb);
    if (e != ERR_OK)
        return e;
    size_t n = json_array_size(blockers);
    const char *first =
        n ? json_string_value(json_object_get(json_array_get(blockers, 0), "message")) : "";
    if (n > 0)
        e = err_set(eb, ERR_CONFLICT, "gates_closed",
                    "%zu launch gate(s) are closed (first: %.300s); see the launch packet.", n,
                    first ? first : "");
    json_decref(blockers);
    return e;
}

/* A connection being re-authorized must exist and be in the session's region. */
ERR_MUST_USE static enum err
connect_session_target(struct db_conn *c, const struct connect_session_req *rq, struct errbuf *eb)
{
    char cregion[16];
    int64_t mall = 0;
    enum temu_region r;
    if (rq->connection_id == NULL)
        return ERR_OK;
    enum err e =
        connect_connection_get(c, rq->connection_id, cregion, sizeof cregion, &mall, NULL, 0, eb);
    if (e != ERR_OK)
        return e;
    if (!temu_region_parse(cregion, &r) || r != rq->region)
        return err_set(eb, ERR_INVAL, "region_mismatch",
                       "That connection is in region %s; re-authorize it in the same region.",
                       cregion);
    return ERR_OK;
}

/* base?appKey=..&redirect_uri=..&state=.. into out->url. */
ERR_MUST_USE static enum err connect_session_url(const char *base, const char *key,
                                                 const char *state, struct connect_session_out *out,
                                                 struct errbuf *eb)
{
    struct buf url = {.max = CONNECT_URL_MAX - 1};
    enum err e = buf_puts(&url, base);
    e = e ? e : buf_puts(&url, strchr(base, '?') ? "&appKey=" : "?appKey=");
    e = e ? e : url_encode(&url, key);
    e = e ? e : buf_puts(&url, "&redirect_uri=");
    e = e ? e : url_encode(&url, out->redirect_uri);
    e = e ? e : buf_puts(&url, "&state=");
    e = e ? e : url_encode(&url, state);
    if (e == ERR_OK)
        snprintf(out->url, sizeof out->url, "%s", url.data);
    buf_free(&url);
    if (e != ERR_OK)
        return err_set(eb, ERR_INVAL, "url_too_long", "The authorization URL would be too long.");
    return ERR_OK;
}

ERR_MUST_USE static enum err
connect_session_insert(struct db_conn *c, const struct connect_session_req *rq, const char *hash,
                       int64_t now, const struct connect_session_out *out, struct errbuf *eb)
{
    char region[16];
    connect_region_lower(rq->region, region, sizeof region);
    struct db_param p[] = {
        DB_P_TEXT(out->id),
        DB_P_TEXT(hash),
        DB_P_TEXT(region),
        DB_P_TEXT(connect_seller_type_name(rq->seller_type)),
        DB_P_TEXT(rq->purpose == CONNECT_PURPOSE_DEV ? "dev" : "production"),
        rq->connection_id ? DB_P_TEXT(rq->connection_id) : DB_P_NULL,
        DB_P_TEXT(out->redirect_uri),
        DB_P_TEXT(rq->actor),
        DB_P_INT(now),
        DB_P_INT(out->expires_at),
    };
    return db_exec(c,
                   "INSERT INTO temu_auth_sessions (id, state_hash, region, seller_type, purpose, "
                   "connection_id, redirect_uri, created_by, created_at, expires_at) VALUES ($1, "
                   "$2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   p, sizeof p / sizeof p[0], NULL, eb);
}

enum err connect_session_create(const struct connect_env *env, const struct connect_session_req *rq,
                                int64_t now, struct connect_session_out *out, struct errbuf *eb)
{
    char *key = NULL;
    size_t key_len = 0;
    struct db_conn *c = NULL;
    char base[LIMIT_TEMU_URL_BYTES], state[SECURE_TOKEN_LEN + 1], hash[SECURE_HASH_HEX];
    memset(out, 0, sizeof *out);
    state[0] = '\0';
    enum err e = connect_session_gates(env, rq, eb);
    e = e ? e : connect_auth_base(env->cfg, rq->region, rq->seller_type, base, sizeof base, eb);
    e = e ? e : connect_load_credentials(env, rq->region, &key, &key_len, NULL, NULL, eb);
    if (e != ERR_OK)
        return e;
    c = db_acquire(env->db);
    e = connect_session_target(c, rq, eb);
    if (e != ERR_OK)
        goto out;
    connect_random_id(out->id);
    secure_token(state);
    secure_hash_hex(state, hash);
    connect_callback_url(env->cfg, out->redirect_uri, sizeof out->redirect_uri);
    e = connect_session_url(base, key, state, out, eb);
    if (e != ERR_OK)
        goto out;
    out->expires_at = now + CONNECT_SESSION_TTL_S;
    e = connect_session_insert(c, rq, hash, now, out, eb);
out:
    db_release(c);
    secure_wipe(state, sizeof state);
    vault_secret_free(key, key_len);
    if (e != ERR_OK)
        memset(out, 0, sizeof *out);
    return e;
}

static const char *connect_session_state(const struct db_rows *r, size_t i, int64_t now)
{
    int64_t expires = 0;
    expires = db_rows_int_or(r, i, 9, 0);
    if (!db_rows_is_null(r, i, 10))
        return "used";
    if (!db_rows_is_null(r, i, 11))
        return "cancelled";
    return expires <= now ? "expired" : "open";
}

enum err connect_session_list(const struct connect_env *env, const char *actor, int64_t now,
                              json_t **out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(actor ? actor : "")};
    enum err e =
        db_pool_query(env->db,
                      "SELECT id, region, seller_type, purpose, connection_id, created_by, "
                      "created_at, outcome, result_connection_id, expires_at, used_at, "
                      "cancelled_at FROM temu_auth_sessions WHERE ($1 = '' OR created_by = $1) "
                      "ORDER BY created_at DESC, id LIMIT 50",
                      p, 1, &rows, eb);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        int64_t created = 0, expires = 0;
        created = db_rows_int_or(rows, i, 6, 0);
        expires = db_rows_int_or(rows, i, 9, 0);
        json_t *s =
            json_pack("{s:s, s:s, s:s, s:s, s:s*, s:s, s:I, s:I, s:s, s:s, s:s*, s:b}", "id",
                      db_rows_get(rows, i, 0), "region", db_rows_get(rows, i, 1), "seller_type",
                      db_rows_get(rows, i, 2), "purpose", db_rows_get(rows, i, 3), "connection_id",
                      db_rows_get(rows, i, 4), "created_by", db_rows_get(rows, i, 5), "created_at",
                      (json_int_t)created, "expires_at", (json_int_t)expires, "state",
                      connect_session_state(rows, i, now), "outcome", db_rows_get(rows, i, 7),
                      "result_connection_id", db_rows_get(rows, i, 8), "production_path",
                      strcmp(db_rows_get(rows, i, 3), "production") == 0);
        json_list_push(&list, s);
    }
    db_rows_free(rows);
    return json_list_out(list, out, eb);
}

enum err connect_session_cancel(const struct connect_env *env, const char *id, const char *actor,
                                bool admin, int64_t now, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    if (!connect_id_valid(id))
        return err_set(eb, ERR_NOTFOUND, "session_not_found", "No such authorization session.");
    struct db_conn *c = db_acquire(env->db);
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e = db_query(c,
                          "SELECT id, region, seller_type, purpose, connection_id, created_by, "
                          "created_at, outcome, result_connection_id, expires_at, used_at, "
                          "cancelled_at FROM temu_auth_sessions WHERE id = $1",
                          p, 1, &rows, eb);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(rows) == 0 || (!admin && strcmp(db_rows_get(rows, 0, 5), actor) != 0)) {
        e = err_set(eb, ERR_NOTFOUND, "session_not_found",
                    "No such authorization session of yours.");
        goto out;
    }
    const char *state = connect_session_state(rows, 0, now);
    if (strcmp(state, "open") != 0) {
        e = err_set(eb, ERR_CONFLICT, "session_not_open", "The session is already %s.", state);
        goto out;
    }
    int64_t changed = 0;
    struct db_param u[] = {DB_P_INT(now), DB_P_TEXT(id)};
    e = db_exec(c,
                "UPDATE temu_auth_sessions SET cancelled_at = $1, outcome = 'cancelled' WHERE id "
                "= $2 AND used_at IS NULL AND cancelled_at IS NULL",
                u, 2, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "session_not_open", "The session is no longer open.");
out:
    db_rows_free(rows);
    db_release(c);
    return e;
}

enum err connect_session_open_count(const struct connect_env *env, int64_t now, int64_t *count,
                                    struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_INT(now)};
    struct db_conn *c = db_acquire(env->db);
    enum err e = db_query(c,
                          "SELECT COUNT(*) FROM temu_auth_sessions WHERE used_at IS NULL AND "
                          "cancelled_at IS NULL AND expires_at > $1",
                          p, 1, &rows, eb);
    *count = 0;
    if (e == ERR_OK)
        e = db_rows_ints(rows, 0, 1, (size_t[]){0}, (int64_t *const[]){count}, eb);
    db_rows_free(rows);
    db_release(c);
    return e;
}

void connect_session_outcome(const struct connect_env *env, const char *id, const char *outcome)
{
    struct db_param p[] = {DB_P_TEXT(outcome), DB_P_TEXT(id)};
    struct db_conn *c = db_acquire(env->db);
    /* The outcome is shown to people; the session's state columns decide what it allows. */
    if (db_exec(c, "UPDATE temu_auth_sessions SET outcome = $1 WHERE id = $2", p, 2, NULL, NULL) !=
        ERR_OK)
        log_kv(LOG_WARN, "connect.session_outcome_failed", "outcome", outcome, NULL);
    db_release(c);
}

/* Storing an authorization: the token in the vault, the connection and its history. */
#include "connect/grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "temu/api.h"
#include "vault/vault.h"

/* Finds the connection of (region, mall) or names a new one; creates or updates its row. */
ERR_MUST_USE static enum err connect_store_row(struct db_conn *c, const struct connect_grant *g,
                                               const char *region, const char *scopes,
                                               const char *secret_name, int64_t now, bool *existed,
                                               struct connect_result *out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param q[] = {DB_P_TEXT(region), DB_P_INT(g->info->mall_id)};
    enum err e = db_query(c, "SELECT id FROM temu_connections WHERE region = $1 AND mall_id = $2",
                          q, 2, &rows, eb);
    if (e != ERR_OK)
        return e;
    *existed = db_rows_count(rows) > 0;
    if (*existed)
        snprintf(out->connection_id, sizeof out->connection_id, "%s", db_rows_get(rows, 0, 0));
    else
        connect_random_id(out->connection_id);
    db_rows_free(rows);
    struct db_param p[] = {
        DB_P_TEXT(out->connection_id),
        DB_P_TEXT(region),
        DB_P_INT(g->info->mall_id),
        DB_P_TEXT(g->seller_type),
        DB_P_INT(g->info->mall_type),
        DB_P_TEXT(scopes),
        DB_P_TEXT(g->mode),
        DB_P_TEXT(secret_name),
        DB_P_TEXT(g->actor),
        DB_P_INT(now),
        DB_P_INT(g->info->expired_time),
    };
    if (*existed)
        return db_exec(c,
                       "UPDATE temu_connections SET seller_type = $4, mall_type = $5, scopes_json "
                       "= $6, status = 'active', status_reason = '', auth_mode = $7, "
                       "token_secret = $8, authorized_by = $9, authorized_at = $10, expires_at = "
                       "$11, updated_at = $10 WHERE id = $1 AND region = $2 AND mall_id = $3",
                       p, sizeof p / sizeof p[0], NULL, eb);
    return db_exec(c,
                   "INSERT INTO temu_connections (id, region, mall_id, seller_type, mall_type, "
                   "scopes_json, status, auth_mode, token_secret, authorized_by, authorized_at, "
                   "expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                   "'active', $7, $8, $9, $10, $11, $10, $10)",
                   p, sizeof p / sizeof p[0], NULL, eb);
}

/* Appends the authorization to the connection's history and closes its session. */
ERR_MUST_USE static enum err connect_store_history(struct db_conn *c, const struct connect_grant *g,
                                                   const char *scopes, const char *masked,
                                                   int64_t now, const struct connect_result *out,
                                                   struct errbuf *eb)
{
    char hist[CONNECT_ID_LEN + 1];
    connect_random_id(hist);
    struct db_param h[] = {
        DB_P_TEXT(hist),
        DB_P_TEXT(out->connection_id),
        DB_P_INT(now),
        DB_P_TEXT(g->actor),
        DB_P_TEXT(g->mode),
        g->session_id ? DB_P_TEXT(g->session_id) : DB_P_NULL,
        DB_P_INT(g->info->mall_id),
        DB_P_TEXT(scopes),
        DB_P_INT(g->info->expired_time),
        DB_P_TEXT(masked),
    };
    enum err e = db_exec(c,
                         "INSERT INTO temu_authorizations (id, connection_id, at, actor, "
                         "auth_mode, session_id, mall_id, scopes_json, expires_at, token_masked) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                         h, sizeof h / sizeof h[0], NULL, eb);
    if (e == ERR_OK && g->session_id != NULL) {
        struct db_param s[] = {DB_P_TEXT(out->connection_id), DB_P_TEXT(g->session_id)};
        e = db_exec(c,
                    "UPDATE temu_auth_sessions SET outcome = 'connected', result_connection_id "
                    "= $1 WHERE id = $2",
                    s, 2, NULL, eb);
    }
    return e;
}

enum err connect_store(const struct connect_env *env, const struct connect_grant *g, int64_t now,
                       struct connect_result *out, struct errbuf *eb)
{
    char region[16], secret_name[VAULT_NAME_MAX], masked[VAULT_MASKED_MAX];
    struct db_conn *c = NULL;
    bool existed = false, in_tx = false;
    connect_region_lower(g->region, region, sizeof region);
    snprintf(secret_name, sizeof secret_name, "temu/%s/mall/%lld/access_token", region,
             (long long)g->info->mall_id);
    char *scopes =
        json_dumps(g->info->api_scope_list ? g->info->api_scope_list : json_array(), JSON_COMPACT);
    if (scopes == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    vault_mask(g->token, strlen(g->token), masked);
    enum err e = vault_put(env->vault, secret_name, g->token, strlen(g->token), g->actor, eb);
    if (e != ERR_OK)
        goto out;
    c = db_acquire(env->db);
    e = db_begin(c, eb);
    if (e != ERR_OK)
        goto out;
    in_tx = true;
    e = connect_store_row(c, g, region, scopes, secret_name, now, &existed, out, eb);
    e = e ? e : connect_store_history(c, g, scopes, masked, now, out, eb);
    if (e == ERR_OK) {
        e = db_commit(c, eb);
        in_tx = false;
    }
out:
    if (in_tx)
        db_rollback(c);
    if (e != ERR_OK && !existed && env->vault != NULL)
        if (vault_delete(env->vault, secret_name, NULL) != ERR_OK) /* nothing stays behind */
            log_kv(LOG_WARN, "connect.token_cleanup_failed", "secret", secret_name, NULL);
    if (e == ERR_OK) {
        snprintf(out->region, sizeof out->region, "%s", region);
        snprintf(out->created_by, sizeof out->created_by, "%s", g->actor);
        out->mall_id = g->info->mall_id;
        out->expires_at = g->info->expired_time;
        out->reauthorized = existed;
        out->scopes = json_array_size(g->info->api_scope_list);
    }
    db_release(c);
    free(scopes);
    return e;
}

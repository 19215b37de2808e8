/*
 * Temu connections, authorization sessions, the callback exchange, manual mode and the launch
 * gates. See connect.h for the rules; this file keeps SQL, the vault and the Temu client
 * together so that handlers only see results.
 */
#include "connect/connect.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/secure.h"
#include "deploy/inputs.h"
#include "deploy/record.h"
#include "temu/api.h"
#include "temu/client.h"
#include "temu/credentials.h"
#include "vault/vault.h"

#define CONNECT_STATE_MAX   128 /* a state longer than this was never ours */
#define CONNECT_HISTORY_MAX 20  /* authorizations listed per connection */

bool connect_seller_type_parse(const char *s, enum connect_seller_type *out)
{
    if (s == NULL || *s == '\0' || strcmp(s, "local") == 0) {
        *out = CONNECT_SELLER_LOCAL;
        return true;
    }
    if (strcmp(s, "cross_border") == 0) {
        *out = CONNECT_SELLER_CROSS_BORDER;
        return true;
    }
    return false;
}

const char *connect_seller_type_name(enum connect_seller_type t)
{
    return t == CONNECT_SELLER_CROSS_BORDER ? "cross_border" : "local";
}

static void connect_random_id(char out[CONNECT_ID_LEN + 1])
{
    unsigned char raw[CONNECT_ID_LEN / 2];
    if (sodium_init() < 0)
        abort(); /* libsodium cannot start: nothing secure can be done */
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, CONNECT_ID_LEN + 1, raw, sizeof raw);
}

static bool connect_id_valid(const char *id)
{
    if (id == NULL || strlen(id) != CONNECT_ID_LEN)
        return false;
    for (const char *p = id; *p; p++) {
        if (!isxdigit((unsigned char)*p))
            return false;
    }
    return true;
}

/* Appends s percent-encoded (RFC 3986 unreserved characters kept). */
static enum err connect_urlenc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum err e = ERR_OK;
    for (; *s && e == ERR_OK; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            e = buf_append(b, s, 1);
        } else {
            char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            e = buf_append(b, esc, 3);
        }
    }
    return e;
}

static void connect_region_lower(enum temu_region region, char *dst, size_t len)
{
    const char *name = temu_region_name(region);
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++)
        dst[i] = (char)tolower((unsigned char)name[i]);
    dst[i] = '\0';
}

/* ---- credentials and the client ---------------------------------------------------------- */

bool connect_credentials_present(const struct connect_env *env, enum temu_region region)
{
    if (env->vault == NULL)
        return false;
    char key_name[48], secret_name[48];
    char *v = NULL;
    size_t n = 0;
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    bool ok = vault_get(env->vault, key_name, &v, &n, NULL) == ERR_OK;
    vault_secret_free(v, n);
    v = NULL;
    ok = ok && vault_get(env->vault, secret_name, &v, &n, NULL) == ERR_OK;
    vault_secret_free(v, n);
    return ok;
}

/* Loads the region's App Key (and Secret when secret is not NULL) from the vault. */
static enum err connect_load_credentials(const struct connect_env *env, enum temu_region region,
                                         char **key, size_t *key_len, char **secret,
                                         size_t *secret_len, struct errbuf *eb)
{
    char key_name[48], secret_name[48];
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so no Temu credential or token can "
                       "be read or stored.");
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    enum err e = vault_get(env->vault, key_name, key, key_len, NULL);
    if (e == ERR_OK && secret != NULL)
        e = vault_get(env->vault, secret_name, secret, secret_len, NULL);
    if (e == ERR_NOTFOUND)
        return err_set(eb, ERR_CONFLICT, "credentials_missing",
                       "The App Key and App Secret for region %s are not stored: run `aicos temu "
                       "credentials set --region %s ...` first.",
                       temu_region_name(region), temu_region_name(region));
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "The Temu credentials could not be read from the vault.");
    return ERR_OK;
}

static enum err connect_client_open(const struct connect_env *env, enum temu_region region,
                                    const char *token, temu_wall_fn wall, void *wall_ctx,
                                    struct temu_client **out, struct errbuf *eb)
{
    char *key = NULL, *secret = NULL;
    size_t key_len = 0, secret_len = 0;
    enum err e = connect_load_credentials(env, region, &key, &key_len, &secret, &secret_len, eb);
    if (e != ERR_OK)
        goto out;
    struct temu_client_options o;
    temu_client_options_init(&o);
    temu_client_options_from_config(&o, env->cfg);
    o.region = region;
    o.app_key = key;
    o.app_secret = secret;
    o.access_token = token;
    if (wall != NULL) {
        o.wall_clock = wall;
        o.clock_ctx = wall_ctx;
        o.max_retries = 0;
    }
    e = temu_client_new(&o, out, eb);
out:
    vault_secret_free(key, key_len);
    vault_secret_free(secret, secret_len);
    return e;
}

enum err connect_client_new(const struct connect_env *env, enum temu_region region,
                            const char *token, struct temu_client **out, struct errbuf *eb)
{
    return connect_client_open(env, region, token, NULL, NULL, out, eb);
}

enum err connect_client_new_at(const struct connect_env *env, enum temu_region region,
                               const char *token, temu_wall_fn wall, void *wall_ctx,
                               struct temu_client **out, struct errbuf *eb)
{
    return connect_client_open(env, region, token, wall, wall_ctx, out, eb);
}

/* ---- callback URL, gates, diagnostics ---------------------------------------------------- */

void connect_callback_url(const struct config *cfg, char *dst, size_t len)
{
    if (strcmp(cfg->temu_callback_mode, "web-bridge") == 0)
        snprintf(dst, len, "%s%s", cfg->web_origin, DEPLOY_CALLBACK_PATH_WEB);
    else
        snprintf(dst, len, "%s%s", cfg->api_origin, DEPLOY_CALLBACK_PATH_API);
}

/* The origin the callback URL lives on. */
static const char *connect_callback_origin(const struct config *cfg)
{
    return strcmp(cfg->temu_callback_mode, "web-bridge") == 0 ? cfg->web_origin : cfg->api_origin;
}

static enum err connect_blocker(json_t *list, const char *gate, const char *owner,
                                const char *message, const char *next)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "gate", gate, "owner", owner, "message", message,
                          "next_action", next);
    return b != NULL && json_array_append_new(list, b) == 0 ? ERR_OK : ERR_NOMEM;
}

enum err connect_launch_blockers(const struct connect_env *env, enum temu_region region,
                                 json_t **out, struct errbuf *eb)
{
    const struct config *cfg = env->cfg;
    char msg[640], next[640];
    struct errbuf why = {0};
    struct deploy_origin o;
    json_t *list = json_array();
    enum err e = list != NULL ? ERR_OK : ERR_NOMEM;
    if (e == ERR_OK && !connect_credentials_present(env, region)) {
        snprintf(msg, sizeof msg, "The App Key and App Secret for region %s are not stored.",
                 temu_region_name(region));
        snprintf(next, sizeof next,
                 "Store them encrypted: aicos temu credentials set --region %s --app-key KEY "
                 "--app-secret-file FILE (from the Temu partner portal; never the shop "
                 "password).",
                 temu_region_name(region));
        e = connect_blocker(list, "app_credentials", "seller_admin", msg, next);
    }
    if (e == ERR_OK && deploy_origin_check("the callback origin", connect_callback_origin(cfg), &o,
                                           &why) != ERR_OK) {
        char url[CONNECT_URL_MAX];
        connect_callback_url(cfg, url, sizeof url);
        snprintf(msg, sizeof msg, "The callback %.300s is not a public HTTPS URL: %.280s", url,
                 why.msg);
        e = connect_blocker(list, "public_callback", "ops", msg,
                            "Deploy the public callback: aicos deploy init-env --api-origin "
                            "https://<api-host> --web-origin https://<web-host> ..., then serve "
                            "with those AICOS_API_ORIGIN / AICOS_WEB_ORIGIN values.");
    }
    if (e == ERR_OK && cfg->env != CONFIG_ENV_PRODUCTION)
        e = connect_blocker(list, "production_env", "ops",
                            "This server runs with AICOS_ENV=development.",
                            "Run the production stack with the generated infra/production.env "
                            "(it sets AICOS_ENV=production).");
    if (e == ERR_OK) {
        struct deploy_record_row pf;
        enum err re = deploy_record_latest(env->db, "preflight", &pf, eb);
        if (re != ERR_OK) {
            e = re;
        } else if (!pf.found) {
            e = connect_blocker(list, "preflight", "ops", "No deployment preflight is recorded.",
                                "Run: aicos deploy preflight (with AICOS_DATABASE_URL set so the "
                                "result is recorded).");
        } else if (pf.blockers > 0) {
            snprintf(msg, sizeof msg, "The latest preflight (%s) has %u blocker(s): %.400s",
                     pf.ran_at, pf.blockers, pf.first_blocker);
            e = connect_blocker(list, "preflight", "ops", msg,
                                "Fix the blockers, then run aicos deploy preflight again.");
        }
    }
    if (e == ERR_OK && env->vault == NULL)
        e = connect_blocker(list, "security", "ops", "No vault master key is configured.",
                            "Set AICOS_MASTER_KEY_FILE to a 0600 file holding the key.");
    if (e == ERR_OK &&
        (!config_origin_is_https(cfg->api_origin) || !config_origin_is_https(cfg->web_origin)))
        e = connect_blocker(list, "security", "ops",
                            "AICOS_API_ORIGIN and AICOS_WEB_ORIGIN must both be https:// origins.",
                            "Serve the API and the console behind Caddy on HTTPS and set both "
                            "origins to their https:// addresses.");
    if (e != ERR_OK) {
        json_decref(list);
        return e == ERR_NOMEM ? err_set(eb, e, NULL, "out of memory") : e;
    }
    *out = list;
    return ERR_OK;
}

json_t *connect_callback_diagnostics(const struct config *cfg)
{
    char url[CONNECT_URL_MAX], api_url[CONNECT_URL_MAX], web_url[CONNECT_URL_MAX];
    struct deploy_origin o;
    connect_callback_url(cfg, url, sizeof url);
    snprintf(api_url, sizeof api_url, "%s%s", cfg->api_origin, DEPLOY_CALLBACK_PATH_API);
    snprintf(web_url, sizeof web_url, "%s%s", cfg->web_origin, DEPLOY_CALLBACK_PATH_WEB);
    struct errbuf why = {0};
    bool public_ok = deploy_origin_check("the callback origin", connect_callback_origin(cfg), &o,
                                         &why) == ERR_OK;
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:{s:s, s:b, s:s, s:b}, s:b, s:s*, s:s, s:b}",
                     "live", 1, "callback_mode", cfg->temu_callback_mode, "callback_url", url,
                     "api_callback_url", api_url, "web_bridge_url", web_url, "origins",
                     "api_origin", cfg->api_origin, "api_https",
                     config_origin_is_https(cfg->api_origin), "web_origin", cfg->web_origin,
                     "web_https", config_origin_is_https(cfg->web_origin), "callback_public",
                     public_ok, "callback_problem", public_ok ? NULL : why.msg, "environment",
                     cfg->env == CONFIG_ENV_PRODUCTION ? "production" : "development",
                     "register_in_seller_center", public_ok);
}

/* ---- sessions ---------------------------------------------------------------------------- */

static enum err connect_auth_base(const struct config *cfg, enum temu_region region,
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

/* Region and mall of a connection; ERR_NOTFOUND when absent. */
static enum err connect_connection_get(struct db_conn *c, const char *id, char *region,
                                       size_t region_len, int64_t *mall, char *secret_name,
                                       size_t secret_len, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    if (!connect_id_valid(id))
        return err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such connection.");
    enum err e =
        db_query(c, "SELECT region, mall_id, token_secret FROM temu_connections WHERE id = $1", p,
                 1, &rows, eb);
    if (e == ERR_OK && db_rows_count(rows) == 0)
        e = err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such connection.");
    if (e == ERR_OK) {
        snprintf(region, region_len, "%s", db_rows_get(rows, 0, 0));
        db_rows_int(rows, 0, 1, mall);
        if (secret_name != NULL)
            snprintf(secret_name, secret_len, "%s", db_rows_get(rows, 0, 2));
    }
    db_rows_free(rows);
    return e;
}

enum err connect_session_create(const struct connect_env *env, const struct connect_session_req *rq,
                                int64_t now, struct connect_session_out *out, struct errbuf *eb)
{
    struct buf url = {.max = CONNECT_URL_MAX - 1};
    char *key = NULL;
    size_t key_len = 0;
    json_t *blockers = NULL;
    struct db_conn *c = NULL;
    char base[LIMIT_TEMU_URL_BYTES], state[SECURE_TOKEN_LEN + 1], hash[SECURE_HASH_HEX];
    char region[16];
    enum err e;
    memset(out, 0, sizeof *out);
    if (rq->purpose == CONNECT_PURPOSE_DEV && env->cfg->env == CONFIG_ENV_PRODUCTION)
        return err_set(eb, ERR_FORBIDDEN, "dev_refused_in_production",
                       "The development debug entry is not the production path and is refused "
                       "when AICOS_ENV=production: use the launch packet.");
    if (rq->purpose == CONNECT_PURPOSE_PRODUCTION) {
        e = connect_launch_blockers(env, rq->region, &blockers, eb);
        if (e != ERR_OK)
            return e;
        size_t n = json_array_size(blockers);
        const char *first =
            n ? json_string_value(json_object_get(json_array_get(blockers, 0), "message")) : "";
        if (n > 0)
            err_set(eb, ERR_CONFLICT, "gates_closed",
                    "%zu launch gate(s) are closed (first: %.300s); see the launch packet.", n,
                    first ? first : "");
        json_decref(blockers);
        if (n > 0)
            return ERR_CONFLICT;
    }
    e = connect_auth_base(env->cfg, rq->region, rq->seller_type, base, sizeof base, eb);
    if (e != ERR_OK)
        return e;
    e = connect_load_credentials(env, rq->region, &key, &key_len, NULL, NULL, eb);
    if (e != ERR_OK)
        return e;
    c = db_acquire(env->db);
    if (rq->connection_id != NULL) {
        char cregion[16];
        int64_t mall = 0;
        e = connect_connection_get(c, rq->connection_id, cregion, sizeof cregion, &mall, NULL, 0,
                                   eb);
        if (e != ERR_OK)
            goto out;
        enum temu_region r;
        if (!temu_region_parse(cregion, &r) || r != rq->region) {
            e = err_set(eb, ERR_INVAL, "region_mismatch",
                        "That connection is in region %s; re-authorize it in the same region.",
                        cregion);
            goto out;
        }
    }
    connect_random_id(out->id);
    secure_token(state);
    secure_hash_hex(state, hash);
    connect_callback_url(env->cfg, out->redirect_uri, sizeof out->redirect_uri);
    e = buf_puts(&url, base);
    e = e ? e : buf_puts(&url, strchr(base, '?') ? "&appKey=" : "?appKey=");
    e = e ? e : connect_urlenc(&url, key);
    e = e ? e : buf_puts(&url, "&redirect_uri=");
    e = e ? e : connect_urlenc(&url, out->redirect_uri);
    e = e ? e : buf_puts(&url, "&state=");
    e = e ? e : connect_urlenc(&url, state);
    if (e != ERR_OK) {
        e = err_set(eb, ERR_INVAL, "url_too_long", "The authorization URL would be too long.");
        goto out;
    }
    snprintf(out->url, sizeof out->url, "%s", url.data);
    out->expires_at = now + CONNECT_SESSION_TTL_S;
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
    e = db_exec(c,
                "INSERT INTO temu_auth_sessions (id, state_hash, region, seller_type, purpose, "
                "connection_id, redirect_uri, created_by, created_at, expires_at) VALUES ($1, $2, "
                "$3, $4, $5, $6, $7, $8, $9, $10)",
                p, sizeof p / sizeof p[0], NULL, eb);
out:
    if (c != NULL)
        db_release(c);
    secure_wipe(state, sizeof state);
    buf_free(&url);
    vault_secret_free(key, key_len);
    if (e != ERR_OK)
        memset(out, 0, sizeof *out);
    return e;
}

static const char *connect_session_state(const struct db_rows *r, size_t i, int64_t now)
{
    int64_t expires = 0;
    db_rows_int(r, i, 9, &expires);
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
    struct db_conn *c = db_acquire(env->db);
    enum err e = db_query(c,
                          "SELECT id, region, seller_type, purpose, connection_id, created_by, "
                          "created_at, outcome, result_connection_id, expires_at, used_at, "
                          "cancelled_at FROM temu_auth_sessions WHERE ($1 = '' OR created_by = $1) "
                          "ORDER BY created_at DESC, id LIMIT 50",
                          p, 1, &rows, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        int64_t created = 0, expires = 0;
        db_rows_int(rows, i, 6, &created);
        db_rows_int(rows, i, 9, &expires);
        json_t *s =
            json_pack("{s:s, s:s, s:s, s:s, s:s*, s:s, s:I, s:I, s:s, s:s, s:s*, s:b}", "id",
                      db_rows_get(rows, i, 0), "region", db_rows_get(rows, i, 1), "seller_type",
                      db_rows_get(rows, i, 2), "purpose", db_rows_get(rows, i, 3), "connection_id",
                      db_rows_get(rows, i, 4), "created_by", db_rows_get(rows, i, 5), "created_at",
                      (json_int_t)created, "expires_at", (json_int_t)expires, "state",
                      connect_session_state(rows, i, now), "outcome", db_rows_get(rows, i, 7),
                      "result_connection_id", db_rows_get(rows, i, 8), "production_path",
                      strcmp(db_rows_get(rows, i, 3), "production") == 0);
        if (s == NULL || json_array_append_new(list, s) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    db_rows_free(rows);
    if (list == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    *out = list;
    return ERR_OK;
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
        db_rows_int(rows, 0, 0, count);
    db_rows_free(rows);
    db_release(c);
    return e;
}

/* ---- storing an authorization ------------------------------------------------------------ */

struct connect_grant {
    enum temu_region region;
    const char *seller_type;
    const char *mode; /* callback, manual, dev */
    const char *actor;
    const char *session_id; /* or NULL */
    const char *token;
    const struct temu_token_info *info;
};

/* Stores the token in the vault, then the connection and its history in one transaction. */
static enum err connect_store(const struct connect_env *env, const struct connect_grant *g,
                              int64_t now, struct connect_result *out, struct errbuf *eb)
{
    char region[16], secret_name[VAULT_NAME_MAX], masked[VAULT_MASKED_MAX],
        hist[CONNECT_ID_LEN + 1];
    char *scopes = NULL;
    struct db_rows *rows = NULL;
    struct db_conn *c = NULL;
    bool existed = false, in_tx = false;
    enum err e;
    connect_region_lower(g->region, region, sizeof region);
    snprintf(secret_name, sizeof secret_name, "temu/%s/mall/%lld/access_token", region,
             (long long)g->info->mall_id);
    scopes =
        json_dumps(g->info->api_scope_list ? g->info->api_scope_list : json_array(), JSON_COMPACT);
    if (scopes == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    vault_mask(g->token, strlen(g->token), masked);
    e = vault_put(env->vault, secret_name, g->token, strlen(g->token), g->actor, eb);
    if (e != ERR_OK)
        goto out;
    c = db_acquire(env->db);
    e = db_begin(c, eb);
    if (e != ERR_OK)
        goto out;
    in_tx = true;
    struct db_param q[] = {DB_P_TEXT(region), DB_P_INT(g->info->mall_id)};
    e = db_query(c, "SELECT id FROM temu_connections WHERE region = $1 AND mall_id = $2", q, 2,
                 &rows, eb);
    if (e != ERR_OK)
        goto out;
    existed = db_rows_count(rows) > 0;
    if (existed)
        snprintf(out->connection_id, sizeof out->connection_id, "%s", db_rows_get(rows, 0, 0));
    else
        connect_random_id(out->connection_id);
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
    if (existed)
        e = db_exec(c,
                    "UPDATE temu_connections SET seller_type = $4, mall_type = $5, scopes_json = "
                    "$6, status = 'active', status_reason = '', auth_mode = $7, token_secret = "
                    "$8, authorized_by = $9, authorized_at = $10, expires_at = $11, updated_at = "
                    "$10 WHERE id = $1 AND region = $2 AND mall_id = $3",
                    p, sizeof p / sizeof p[0], NULL, eb);
    else
        e = db_exec(c,
                    "INSERT INTO temu_connections (id, region, mall_id, seller_type, mall_type, "
                    "scopes_json, status, auth_mode, token_secret, authorized_by, authorized_at, "
                    "expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                    "'active', $7, $8, $9, $10, $11, $10, $10)",
                    p, sizeof p / sizeof p[0], NULL, eb);
    if (e != ERR_OK)
        goto out;
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
    e = db_exec(c,
                "INSERT INTO temu_authorizations (id, connection_id, at, actor, auth_mode, "
                "session_id, mall_id, scopes_json, expires_at, token_masked) VALUES ($1, $2, $3, "
                "$4, $5, $6, $7, $8, $9, $10)",
                h, sizeof h / sizeof h[0], NULL, eb);
    if (e == ERR_OK && g->session_id != NULL) {
        struct db_param s[] = {DB_P_TEXT(out->connection_id), DB_P_TEXT(g->session_id)};
        e = db_exec(c,
                    "UPDATE temu_auth_sessions SET outcome = 'connected', result_connection_id "
                    "= $1 WHERE id = $2",
                    s, 2, NULL, eb);
    }
    if (e == ERR_OK) {
        e = db_commit(c, eb);
        in_tx = false;
    }
out:
    if (in_tx)
        db_rollback(c);
    if (e != ERR_OK && !existed && env->vault != NULL)
        vault_delete(env->vault, secret_name, NULL); /* nothing stays behind */
    if (e == ERR_OK) {
        snprintf(out->region, sizeof out->region, "%s", region);
        snprintf(out->created_by, sizeof out->created_by, "%s", g->actor);
        out->mall_id = g->info->mall_id;
        out->expires_at = g->info->expired_time;
        out->reauthorized = existed;
        out->scopes = json_array_size(g->info->api_scope_list);
    }
    db_rows_free(rows);
    if (c != NULL)
        db_release(c);
    free(scopes);
    return e;
}

static void connect_session_outcome(const struct connect_env *env, const char *id,
                                    const char *outcome)
{
    struct db_param p[] = {DB_P_TEXT(outcome), DB_P_TEXT(id)};
    struct db_conn *c = db_acquire(env->db);
    db_exec(c, "UPDATE temu_auth_sessions SET outcome = $1 WHERE id = $2", p, 2, NULL, NULL);
    db_release(c);
}

/* A Temu failure as the API error: ERR_UPSTREAM with Temu's code and message. */
static enum err connect_temu_failed(struct errbuf *eb, const char *code, const char *what,
                                    const struct temu_error *te)
{
    return err_set(eb, ERR_UPSTREAM, code,
                   "%s failed: Temu answered %lld (%s, %.160s). %.160s Nothing was stored.", what,
                   (long long)te->code, temu_error_class_name(te->cls), te->message,
                   te->hint ? te->hint : "");
}

/* Verifies token with info.get into info (a fresh struct). */
static enum err connect_verify(const struct connect_env *env, enum temu_region region,
                               const char *token, struct temu_token_info *info,
                               struct temu_error *te, struct errbuf *eb)
{
    struct temu_client *cl = NULL;
    enum err e = connect_client_new(env, region, token, &cl, eb);
    if (e != ERR_OK)
        return e;
    e = temu_api_accesstoken_info(cl, info, te);
    temu_client_free(cl);
    if (e != ERR_OK)
        return connect_temu_failed(eb, "temu_verify_failed", "Verifying the token (info.get)", te);
    if (info->mall_id <= 0)
        return err_set(eb, ERR_UPSTREAM, "temu_verify_failed",
                       "Temu's token information names no shop (mallId); nothing was stored.");
    return ERR_OK;
}

enum err connect_callback(const struct connect_env *env, const char *code, const char *state,
                          const char *error_param, int64_t now, struct connect_result *out,
                          struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    struct temu_token_info created, info;
    struct db_rows *rows = NULL;
    struct temu_client *cl = NULL;
    char hash[SECURE_HASH_HEX], sid[CONNECT_ID_LEN + 1] = "", actor[CONNECT_ACTOR_MAX] = "";
    char target[CONNECT_ID_LEN + 1] = "", seller_type[16] = "local", purpose[16] = "";
    enum temu_region region = TEMU_REGION_US;
    bool consumed = false;
    enum err e;
    memset(out, 0, sizeof *out);
    memset(&created, 0, sizeof created);
    memset(&info, 0, sizeof info);
    temu_error_clear(te);
    if (state == NULL || *state == '\0')
        return err_set(eb, ERR_BADREQ, "state_missing",
                       "The callback carries no state, so it cannot be matched to an "
                       "authorization session. Start again from /integrations.");
    if (strlen(state) > CONNECT_STATE_MAX)
        return err_set(eb, ERR_BADREQ, "state_unknown",
                       "The state matches no authorization session. Start again from "
                       "/integrations.");
    secure_hash_hex(state, hash);
    struct db_conn *c = db_acquire(env->db);
    struct db_param p[] = {DB_P_TEXT(hash)};
    e = db_query(c,
                 "SELECT id, region, seller_type, purpose, connection_id, created_by, expires_at, "
                 "used_at, cancelled_at FROM temu_auth_sessions WHERE state_hash = $1",
                 p, 1, &rows, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(rows) == 0) {
        e = err_set(eb, ERR_BADREQ, "state_unknown",
                    "The state matches no authorization session. Start again from "
                    "/integrations.");
        goto out;
    }
    int64_t expires = 0;
    db_rows_int(rows, 0, 6, &expires);
    snprintf(sid, sizeof sid, "%s", db_rows_get(rows, 0, 0));
    snprintf(seller_type, sizeof seller_type, "%s", db_rows_get(rows, 0, 2));
    snprintf(purpose, sizeof purpose, "%s", db_rows_get(rows, 0, 3));
    if (!db_rows_is_null(rows, 0, 4))
        snprintf(target, sizeof target, "%s", db_rows_get(rows, 0, 4));
    snprintf(actor, sizeof actor, "%s", db_rows_get(rows, 0, 5));
    snprintf(out->session_id, sizeof out->session_id, "%s", sid);
    snprintf(out->created_by, sizeof out->created_by, "%s", actor);
    temu_region_parse(db_rows_get(rows, 0, 1), &region);
    if (!db_rows_is_null(rows, 0, 7)) {
        e = err_set(eb, ERR_CONFLICT, "state_used",
                    "This authorization was already completed or attempted (the state is "
                    "single-use). Start a new one from /integrations.");
        goto out;
    }
    if (!db_rows_is_null(rows, 0, 8)) {
        e = err_set(eb, ERR_CONFLICT, "state_cancelled",
                    "This authorization session was cancelled. Start a new one from "
                    "/integrations.");
        goto out;
    }
    if (expires <= now) {
        e = err_set(eb, ERR_BADREQ, "state_expired",
                    "This authorization session expired (they last %d minutes). Start a new one "
                    "from /integrations.",
                    CONNECT_SESSION_TTL_S / 60);
        goto out;
    }
    if (error_param != NULL && *error_param != '\0') {
        /* A denial ends the session: its state is consumed, so a later approval with the
         * same state cannot connect. */
        struct db_param d[] = {DB_P_INT(now), DB_P_TEXT(sid)};
        c = db_acquire(env->db);
        e = db_exec(c,
                    "UPDATE temu_auth_sessions SET used_at = $1, outcome = 'denied' WHERE id = $2 "
                    "AND used_at IS NULL AND cancelled_at IS NULL",
                    d, 2, NULL, eb);
        db_release(c);
        if (e == ERR_OK)
            e = err_set(eb, ERR_BADREQ, "authorization_denied",
                        "Seller Center did not authorize the app (error=%.40s). Nothing was "
                        "stored, and this authorization session is closed; start a new one "
                        "from /integrations.",
                        error_param);
        goto out;
    }
    if (code == NULL || *code == '\0' || strlen(code) > LIMIT_TEMU_SECRET_BYTES) {
        e = err_set(eb, ERR_BADREQ, "code_missing",
                    "The callback carries no usable authorization code. Nothing was stored; "
                    "approve the app again in Seller Center.");
        goto out;
    }
    if (env->vault == NULL) {
        e = err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                    "No vault master key is configured, so the token cannot be stored.");
        goto out;
    }
    /* Consume the state atomically: of two concurrent callbacks only one goes on. */
    int64_t changed = 0;
    struct db_param u[] = {DB_P_INT(now), DB_P_TEXT(sid)};
    c = db_acquire(env->db);
    e = db_exec(c,
                "UPDATE temu_auth_sessions SET used_at = $1, outcome = 'exchanging' WHERE id = $2 "
                "AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > $1",
                u, 2, &changed, eb);
    db_release(c);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "state_used",
                    "This authorization was already completed or attempted (the state is "
                    "single-use). Start a new one from /integrations.");
    if (e != ERR_OK)
        goto out;
    consumed = true;
    e = connect_client_new(env, region, NULL, &cl, eb);
    if (e != ERR_OK)
        goto out;
    e = temu_api_accesstoken_create(cl, code, &created, te);
    if (e != ERR_OK) {
        e = connect_temu_failed(eb, "temu_exchange_failed",
                                "Exchanging the code (bg.open.accesstoken.create)", te);
        goto out;
    }
    e = connect_verify(env, region, created.access_token, &info, te, eb);
    if (e != ERR_OK)
        goto out;
    if (created.mall_id != 0 && created.mall_id != info.mall_id) {
        e = err_set(eb, ERR_UPSTREAM, "temu_verify_failed",
                    "The exchanged token belongs to shop %lld but verifies as shop %lld; nothing "
                    "was stored.",
                    (long long)created.mall_id, (long long)info.mall_id);
        goto out;
    }
    if (target[0] != '\0') {
        char cregion[16];
        int64_t mall = 0;
        c = db_acquire(env->db);
        e = connect_connection_get(c, target, cregion, sizeof cregion, &mall, NULL, 0, eb);
        db_release(c);
        if (e == ERR_OK && mall != info.mall_id)
            e = err_set(eb, ERR_CONFLICT, "different_shop",
                        "This re-authorization returned shop %lld, but the connection being "
                        "re-authorized is shop %lld. Nothing was stored: approve it with the "
                        "same shop.",
                        (long long)info.mall_id, (long long)mall);
        if (e != ERR_OK)
            goto out;
    }
    struct connect_grant g = {
        .region = region,
        .seller_type = seller_type,
        .mode = strcmp(purpose, "dev") == 0 ? "dev" : "callback",
        .actor = actor,
        .session_id = sid,
        .token = created.access_token,
        .info = &info,
    };
    e = connect_store(env, &g, now, out, eb);
out:
    if (e != ERR_OK && consumed) {
        char outcome[96];
        snprintf(outcome, sizeof outcome, "failed: %s", errbuf_code(eb, e));
        connect_session_outcome(env, sid, outcome);
    }
    temu_client_free(cl);
    temu_token_info_clear(&created);
    temu_token_info_clear(&info);
    db_rows_free(rows);
    return e;
}

enum err connect_manual(const struct connect_env *env, enum temu_region region, const char *token,
                        const char *connection_id, const char *actor, int64_t now,
                        struct connect_result *out, struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    struct temu_token_info info;
    memset(&info, 0, sizeof info);
    memset(out, 0, sizeof *out);
    temu_error_clear(te);
    size_t len = token ? strlen(token) : 0;
    bool ok = len >= 8 && len <= LIMIT_TEMU_SECRET_BYTES;
    for (size_t i = 0; ok && i < len; i++)
        ok = isalnum((unsigned char)token[i]) || token[i] == '-' || token[i] == '_';
    if (!ok)
        return err_set(eb, ERR_INVAL, "bad_access_token",
                       "access_token must be the 8 to %d letters and digits Seller Center shows "
                       "after a manual authorization.",
                       LIMIT_TEMU_SECRET_BYTES);
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so the token cannot be stored.");
    int64_t target_mall = 0;
    if (connection_id != NULL && *connection_id != '\0') {
        char cregion[16];
        struct db_conn *c = db_acquire(env->db);
        enum err e = connect_connection_get(c, connection_id, cregion, sizeof cregion, &target_mall,
                                            NULL, 0, eb);
        db_release(c);
        if (e != ERR_OK)
            return e;
    }
    enum err e = connect_verify(env, region, token, &info, te, eb);
    if (e == ERR_OK && target_mall != 0 && target_mall != info.mall_id)
        e = err_set(eb, ERR_CONFLICT, "different_shop",
                    "This token belongs to shop %lld, but the connection being re-authorized is "
                    "shop %lld. Nothing was stored.",
                    (long long)info.mall_id, (long long)target_mall);
    if (e == ERR_OK) {
        struct connect_grant g = {.region = region,
                                  .seller_type = "local",
                                  .mode = "manual",
                                  .actor = actor,
                                  .session_id = NULL,
                                  .token = token,
                                  .info = &info};
        e = connect_store(env, &g, now, out, eb);
    }
    temu_token_info_clear(&info);
    return e;
}

/* ---- connections and lifecycle ----------------------------------------------------------- */

int64_t connect_days_left(int64_t expires_at, int64_t now)
{
    int64_t d = expires_at - now;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

const char *connect_expiry_warning(int64_t days_left)
{
    if (days_left < 0)
        return "expired";
    if (days_left <= CONNECT_WARN_DAYS_1)
        return "1d";
    if (days_left <= CONNECT_WARN_DAYS_7)
        return "7d";
    if (days_left <= CONNECT_WARN_DAYS_30)
        return "30d";
    return NULL;
}

static json_t *connect_history(struct db_conn *c, const char *id)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(id), DB_P_INT(CONNECT_HISTORY_MAX)};
    json_t *list = json_array();
    if (list == NULL ||
        db_query(c,
                 "SELECT at, actor, auth_mode, session_id, mall_id, expires_at, token_masked FROM "
                 "temu_authorizations WHERE connection_id = $1 ORDER BY at DESC, id LIMIT $2",
                 p, 2, &rows, NULL) != ERR_OK) {
        json_decref(list);
        return NULL;
    }
    for (size_t i = 0; i < db_rows_count(rows); i++) {
        int64_t at = 0, mall = 0, exp = 0;
        db_rows_int(rows, i, 0, &at);
        db_rows_int(rows, i, 4, &mall);
        db_rows_int(rows, i, 5, &exp);
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s*, s:I, s:I, s:s}", "at", (json_int_t)at, "actor",
                            db_rows_get(rows, i, 1), "auth_mode", db_rows_get(rows, i, 2),
                            "session_id", db_rows_get(rows, i, 3), "mall_id", (json_int_t)mall,
                            "expires_at", (json_int_t)exp, "token", db_rows_get(rows, i, 6)));
    }
    db_rows_free(rows);
    return list;
}

enum err connect_connection_list(const struct connect_env *env, int64_t now, json_t **out,
                                 struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_conn *c = db_acquire(env->db);
    enum err e = db_query(c,
                          "SELECT id, region, mall_id, seller_type, scopes_json, status, "
                          "status_reason, auth_mode, authorized_by, authorized_at, expires_at, "
                          "last_success_at, auth_errors, sync_errors, token_secret FROM "
                          "temu_connections ORDER BY region, mall_id",
                          NULL, 0, &rows, eb);
    json_t *list = e == ERR_OK ? json_array() : NULL;
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        int64_t mall = 0, at = 0, exp = 0, last = 0, ae = 0, se = 0;
        db_rows_int(rows, i, 2, &mall);
        db_rows_int(rows, i, 9, &at);
        db_rows_int(rows, i, 10, &exp);
        db_rows_int(rows, i, 11, &last);
        db_rows_int(rows, i, 12, &ae);
        db_rows_int(rows, i, 13, &se);
        int64_t days = connect_days_left(exp, now);
        json_t *scopes = json_loads(db_rows_get(rows, i, 4), 0, NULL);
        json_t *hist = connect_history(c, db_rows_get(rows, i, 0));
        const char *masked = json_string_value(
            json_object_get(json_array_get(hist, 0), "token")); /* newest authorization's */
        json_t *row = json_pack(
            "{s:s, s:s, s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s*, s:o, s:{s:I, "
            "s:I}, s:s, s:o}",
            "id", db_rows_get(rows, i, 0), "region", db_rows_get(rows, i, 1), "mall_id",
            (json_int_t)mall, "seller_type", db_rows_get(rows, i, 3), "scopes",
            scopes ? scopes : json_array(), "status", db_rows_get(rows, i, 5), "status_reason",
            db_rows_get(rows, i, 6), "auth_mode", db_rows_get(rows, i, 7), "authorized_by",
            db_rows_get(rows, i, 8), "authorized_at", (json_int_t)at, "expires_at", (json_int_t)exp,
            "days_left", (json_int_t)days, "expiry_warning", connect_expiry_warning(days),
            "last_success_at", last ? json_integer(last) : json_null(), "errors", "auth",
            (json_int_t)ae, "sync", (json_int_t)se, "token", masked ? masked : "", "history",
            hist ? hist : json_array());
        if (row == NULL || json_array_append_new(list, row) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    db_rows_free(rows);
    db_release(c);
    if (e != ERR_OK)
        return e;
    if (list == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    *out = list;
    return ERR_OK;
}

enum err connect_note_call(const struct connect_env *env, const char *id,
                           const struct temu_error *te, int64_t now, struct errbuf *eb)
{
    char reason[CONNECT_REASON_MAX];
    struct db_conn *c = db_acquire(env->db);
    enum err e;
    if (te == NULL || te->cls == TEMU_ERROR_NONE) {
        struct db_param p[] = {DB_P_INT(now), DB_P_TEXT(id)};
        e = db_exec(c, "UPDATE temu_connections SET last_success_at = $1 WHERE id = $2", p, 2, NULL,
                    eb);
    } else if (te->cls == TEMU_ERROR_AUTH) {
        if (te->code == 3000034)
            snprintf(reason, sizeof reason, "%s", CONNECT_REPLACED_REASON);
        else
            snprintf(reason, sizeof reason, "Temu refused the token (%lld: %.120s): re-authorize",
                     (long long)te->code, te->message);
        struct db_param p[] = {DB_P_TEXT(reason), DB_P_INT(now), DB_P_TEXT(id)};
        e = db_exec(c,
                    "UPDATE temu_connections SET status = 'failed', status_reason = $1, "
                    "auth_errors = auth_errors + 1, updated_at = $2 WHERE id = $3",
                    p, 3, NULL, eb);
    } else {
        struct db_param p[] = {DB_P_INT(now), DB_P_TEXT(id)};
        e = db_exec(c,
                    "UPDATE temu_connections SET sync_errors = sync_errors + 1, updated_at = $1 "
                    "WHERE id = $2",
                    p, 2, NULL, eb);
    }
    db_release(c);
    return e;
}

/* Reads the token of connection id; the caller frees it with vault_secret_free(). */
static enum err connect_token_load(const struct connect_env *env, const char *id,
                                   enum temu_region *region, char **token, size_t *len,
                                   struct errbuf *eb)
{
    char cregion[16], secret[VAULT_NAME_MAX];
    int64_t mall = 0;
    struct db_conn *c = db_acquire(env->db);
    enum err e =
        connect_connection_get(c, id, cregion, sizeof cregion, &mall, secret, sizeof secret, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so the token cannot be read.");
    temu_region_parse(cregion, region);
    e = vault_get(env->vault, secret, token, len, NULL);
    if (e != ERR_OK)
        return err_set(eb, ERR_CONFLICT, "token_missing",
                       "The connection's token is not in the vault: re-authorize it.");
    return ERR_OK;
}

enum err connect_token_get(const struct connect_env *env, const char *id, enum temu_region *region,
                           char **token, size_t *len, struct errbuf *eb)
{
    return connect_token_load(env, id, region, token, len, eb);
}

enum err connect_connection_check(const struct connect_env *env, const char *id, int64_t now,
                                  json_t **out, struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    struct temu_token_info info;
    struct temu_client *cl = NULL;
    enum temu_region region = TEMU_REGION_US;
    char *token = NULL;
    size_t len = 0;
    memset(&info, 0, sizeof info);
    temu_error_clear(te);
    enum err e = connect_token_load(env, id, &region, &token, &len, eb);
    if (e == ERR_OK)
        e = connect_client_new(env, region, token, &cl, eb);
    if (e != ERR_OK)
        goto out;
    if (temu_api_accesstoken_info(cl, &info, te) != ERR_OK) {
        connect_note_call(env, id, te, now, NULL);
        e = err_set(eb, ERR_UPSTREAM,
                    te->cls == TEMU_ERROR_AUTH ? "temu_token_rejected" : "temu_call_failed",
                    "Temu answered %lld (%.160s)%s", (long long)te->code, te->message,
                    te->code == 3000034 ? ": " CONNECT_REPLACED_REASON "." : ".");
        goto out;
    }
    struct db_param p[] = {DB_P_INT(now), DB_P_INT(info.expired_time), DB_P_TEXT(id)};
    struct db_conn *c = db_acquire(env->db);
    e = db_exec(c,
                "UPDATE temu_connections SET status = 'active', status_reason = '', "
                "last_success_at = $1, expires_at = $2, updated_at = $1 WHERE id = $3",
                p, 3, NULL, eb);
    db_release(c);
    if (e == ERR_OK) {
        int64_t days = connect_days_left(info.expired_time, now);
        *out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s*}", "id", id, "status", "active", "mall_id",
                         (json_int_t)info.mall_id, "expires_at", (json_int_t)info.expired_time,
                         "days_left", (json_int_t)days, "expiry_warning",
                         connect_expiry_warning(days));
        if (*out == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
out:
    temu_token_info_clear(&info);
    temu_client_free(cl);
    vault_secret_free(token, len);
    return e;
}

enum err connect_summary_get(const struct connect_env *env, int64_t now,
                             struct connect_summary *out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    memset(out, 0, sizeof *out);
    struct db_conn *c = db_acquire(env->db);
    enum err e = db_query(c,
                          "SELECT status, expires_at, last_success_at, auth_errors, sync_errors, "
                          "status_reason FROM temu_connections",
                          NULL, 0, &rows, eb);
    db_release(c);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        int64_t exp = 0, last = 0, ae = 0, se = 0;
        db_rows_int(rows, i, 1, &exp);
        db_rows_int(rows, i, 2, &last);
        db_rows_int(rows, i, 3, &ae);
        db_rows_int(rows, i, 4, &se);
        out->auth_errors += ae;
        out->sync_errors += se;
        if (last > out->last_success_at)
            out->last_success_at = last;
        if (strcmp(db_rows_get(rows, i, 0), "active") == 0 && exp > now) {
            out->active++;
            if (out->soonest_expiry == 0 || exp < out->soonest_expiry)
                out->soonest_expiry = exp;
        } else {
            out->failed++;
            const char *why = db_rows_get(rows, i, 5);
            snprintf(out->failed_reason, sizeof out->failed_reason, "%s",
                     why && *why ? why : CONNECT_REPLACED_REASON);
        }
    }
    db_rows_free(rows);
    if (e == ERR_OK)
        e = connect_session_open_count(env, now, &out->open_sessions, eb);
    return e;
}

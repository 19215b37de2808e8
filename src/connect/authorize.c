/* The authorization callback and manual mode. */
#include "connect/authorize.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/secure.h"
#include "connect/client.h"
#include "connect/grant.h"
#include "connect/session.h"
#include "temu/api.h"
#include "temu/client.h"

#define CONNECT_STATE_MAX 128 /* a state longer than this was never ours */

/* A Temu failure as the API error: ERR_UPSTREAM with Temu's code and message. */
ERR_MUST_USE static enum err connect_temu_failed(struct errbuf *eb, const char *code,
                                                 const char *what, const struct temu_error *te)
{
    return err_set(eb, ERR_UPSTREAM, code,
                   "%s failed: Temu answered %lld (%s, %.160s). %.160s Nothing was stored.", what,
                   (long long)te->code, temu_error_class_name(te->cls), te->message,
                   te->hint ? te->hint : "");
}

/* Verifies token with info.get into info (a fresh struct). */
ERR_MUST_USE static enum err connect_verify(const struct connect_env *env, enum temu_region region,
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

/* The session a callback's state names, as read before it is consumed. */
struct connect_pending {
    char sid[CONNECT_ID_LEN + 1];
    char actor[CONNECT_ACTOR_MAX];
    char target[CONNECT_ID_LEN + 1]; /* connection being re-authorized, or "" */
    char seller_type[16];
    char purpose[16];
    enum temu_region region;
};

#define CONNECT_START_AGAIN "Start a new one from /integrations."

/* Reads the session of state into pd (and its id and creator into out). */
ERR_MUST_USE static enum err connect_pending_load(const struct connect_env *env, const char *state,
                                                  struct connect_pending *pd, int64_t *expires,
                                                  bool *used, bool *cancelled,
                                                  struct connect_result *out, struct errbuf *eb)
{
    char hash[SECURE_HASH_HEX];
    struct db_rows *rows = NULL;
    secure_hash_hex(state, hash);
    struct db_conn *c = db_acquire(env->db);
    struct db_param p[] = {DB_P_TEXT(hash)};
    enum err e =
        db_query(c,
                 "SELECT id, region, seller_type, purpose, connection_id, created_by, expires_at, "
                 "used_at, cancelled_at FROM temu_auth_sessions WHERE state_hash = $1",
                 p, 1, &rows, eb);
    db_release(c);
    if (e == ERR_OK && db_rows_count(rows) == 0)
        e = err_set(eb, ERR_BADREQ, "state_unknown",
                    "The state matches no authorization session. Start again from "
                    "/integrations.");
    if (e == ERR_OK) {
        *expires = db_rows_int_or(rows, 0, 6, 0);
        snprintf(pd->sid, sizeof pd->sid, "%s", db_rows_get(rows, 0, 0));
        snprintf(pd->seller_type, sizeof pd->seller_type, "%s", db_rows_get(rows, 0, 2));
        snprintf(pd->purpose, sizeof pd->purpose, "%s", db_rows_get(rows, 0, 3));
        if (!db_rows_is_null(rows, 0, 4))
            snprintf(pd->target, sizeof pd->target, "%s", db_rows_get(rows, 0, 4));
        snprintf(pd->actor, sizeof pd->actor, "%s", db_rows_get(rows, 0, 5));
        snprintf(out->session_id, sizeof out->session_id, "%s", pd->sid);
        snprintf(out->created_by, sizeof out->created_by, "%s", pd->actor);
        temu_region_parse(db_rows_get(rows, 0, 1), &pd->region);
        *used = !db_rows_is_null(rows, 0, 7);
        *cancelled = !db_rows_is_null(rows, 0, 8);
    }
    db_rows_free(rows);
    return e;
}

/* A denial ends the session: its state is consumed, so a later approval with the same state
 * cannot connect. */
ERR_MUST_USE static enum err connect_pending_deny(const struct connect_env *env, const char *sid,
                                                  const char *error_param, int64_t now,
                                                  struct errbuf *eb)
{
    struct db_param d[] = {DB_P_INT(now), DB_P_TEXT(sid)};
    enum err e =
        db_pool_exec(env->db,
                     "UPDATE temu_auth_sessions SET used_at = $1, outcome = 'denied' WHERE id "
                     "= $2 AND used_at IS NULL AND cancelled_at IS NULL",
                     d, 2, NULL, eb);
    if (e != ERR_OK)
        return e;
    return err_set(eb, ERR_BADREQ, "authorization_denied",
                   "Seller Center did not authorize the app (error=%.40s). Nothing was "
                   "stored, and this authorization session is closed; start a new one "
                   "from /integrations.",
                   error_param);
}

/* The checks before the state is consumed: session open, Temu agreed, a code, a vault. */
ERR_MUST_USE static enum err connect_pending_check(const struct connect_env *env, const char *code,
                                                   const char *state, const char *error_param,
                                                   int64_t now, struct connect_pending *pd,
                                                   struct connect_result *out, struct errbuf *eb)
{
    int64_t expires = 0;
    bool used = false, cancelled = false;
    if (state == NULL || *state == '\0')
        return err_set(eb, ERR_BADREQ, "state_missing",
                       "The callback carries no state, so it cannot be matched to an "
                       "authorization session. Start again from /integrations.");
    if (strlen(state) > CONNECT_STATE_MAX)
        return err_set(eb, ERR_BADREQ, "state_unknown",
                       "The state matches no authorization session. Start again from "
                       "/integrations.");
    enum err e = connect_pending_load(env, state, pd, &expires, &used, &cancelled, out, eb);
    if (e != ERR_OK)
        return e;
    if (used)
        return err_set(eb, ERR_CONFLICT, "state_used",
                       "This authorization was already completed or attempted (the state is "
                       "single-use). " CONNECT_START_AGAIN);
    if (cancelled)
        return err_set(eb, ERR_CONFLICT, "state_cancelled",
                       "This authorization session was cancelled. " CONNECT_START_AGAIN);
    if (expires <= now)
        return err_set(eb, ERR_BADREQ, "state_expired",
                       "This authorization session expired (they last %d minutes). "
                       "" CONNECT_START_AGAIN,
                       CONNECT_SESSION_TTL_S / 60);
    if (error_param != NULL && *error_param != '\0')
        return connect_pending_deny(env, pd->sid, error_param, now, eb);
    if (code == NULL || *code == '\0' || strlen(code) > LIMIT_TEMU_SECRET_BYTES)
        return err_set(eb, ERR_BADREQ, "code_missing",
                       "The callback carries no usable authorization code. Nothing was stored; "
                       "approve the app again in Seller Center.");
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so the token cannot be stored.");
    return ERR_OK;
}

/* Consumes the state atomically: of two concurrent callbacks only one goes on. */
ERR_MUST_USE static enum err connect_pending_consume(const struct connect_env *env, const char *sid,
                                                     int64_t now, struct errbuf *eb)
{
    int64_t changed = 0;
    struct db_param u[] = {DB_P_INT(now), DB_P_TEXT(sid)};
    enum err e = db_pool_exec(env->db,
                              "UPDATE temu_auth_sessions SET used_at = $1, outcome = 'exchanging' "
                              "WHERE id = $2 AND used_at IS NULL AND cancelled_at IS NULL AND "
                              "expires_at > $1",
                              u, 2, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "state_used",
                    "This authorization was already completed or attempted (the state is "
                    "single-use). " CONNECT_START_AGAIN);
    return e;
}

/* A re-authorization must return the shop of the connection it re-authorizes. */
ERR_MUST_USE static enum err connect_target_same_shop(const struct connect_env *env,
                                                      const char *target, int64_t mall_id,
                                                      struct errbuf *eb)
{
    char cregion[16];
    int64_t mall = 0;
    if (target[0] == '\0')
        return ERR_OK;
    struct db_conn *c = db_acquire(env->db);
    enum err e = connect_connection_get(c, target, cregion, sizeof cregion, &mall, NULL, 0, eb);
    db_release(c);
    if (e == ERR_OK && mall != mall_id)
        e = err_set(eb, ERR_CONFLICT, "different_shop",
                    "This re-authorization returned shop %lld, but the connection being "
                    "re-authorized is shop %lld. Nothing was stored: approve it with the "
                    "same shop.",
                    (long long)mall_id, (long long)mall);
    return e;
}

/* Exchanges code for a token (created) and verifies it (info). */
ERR_MUST_USE static enum err connect_exchange(const struct connect_env *env,
                                              const struct connect_pending *pd, const char *code,
                                              struct temu_token_info *created,
                                              struct temu_token_info *info, struct temu_error *te,
                                              struct errbuf *eb)
{
    struct temu_client *cl = NULL;
    enum err e = connect_client_new(env, pd->region, NULL, &cl, eb);
    if (e != ERR_OK)
        return e;
    e = temu_api_accesstoken_create(cl, code, created, te);
    temu_client_free(cl);
    if (e != ERR_OK)
        return connect_temu_failed(eb, "temu_exchange_failed",
                                   "Exchanging the code (bg.open.accesstoken.create)", te);
    e = connect_verify(env, pd->region, created->access_token, info, te, eb);
    if (e != ERR_OK)
        return e;
    if (created->mall_id != 0 && created->mall_id != info->mall_id)
        return err_set(eb, ERR_UPSTREAM, "temu_verify_failed",
                       "The exchanged token belongs to shop %lld but verifies as shop %lld; "
                       "nothing was stored.",
                       (long long)created->mall_id, (long long)info->mall_id);
    return connect_target_same_shop(env, pd->target, info->mall_id, eb);
}

enum err connect_callback(const struct connect_env *env, const char *code, const char *state,
                          const char *error_param, int64_t now, struct connect_result *out,
                          struct temu_error *terr, struct errbuf *eb)
{
    struct temu_error local;
    struct temu_error *te = terr ? terr : &local;
    struct temu_token_info created, info;
    struct connect_pending pd = {.seller_type = "local", .region = TEMU_REGION_US};
    memset(out, 0, sizeof *out);
    memset(&created, 0, sizeof created);
    memset(&info, 0, sizeof info);
    temu_error_clear(te);
    enum err e = connect_pending_check(env, code, state, error_param, now, &pd, out, eb);
    e = e ? e : connect_pending_consume(env, pd.sid, now, eb);
    if (e != ERR_OK)
        return e;
    e = connect_exchange(env, &pd, code, &created, &info, te, eb);
    if (e == ERR_OK) {
        struct connect_grant g = {
            .region = pd.region,
            .seller_type = pd.seller_type,
            .mode = strcmp(pd.purpose, "dev") == 0 ? "dev" : "callback",
            .actor = pd.actor,
            .session_id = pd.sid,
            .token = created.access_token,
            .info = &info,
        };
        e = connect_store(env, &g, now, out, eb);
    }
    if (e != ERR_OK) {
        char outcome[96];
        snprintf(outcome, sizeof outcome, "failed: %s", errbuf_code(eb, e));
        connect_session_outcome(env, pd.sid, outcome);
    }
    temu_token_info_clear(&created);
    temu_token_info_clear(&info);
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

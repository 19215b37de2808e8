/* Connections: the list with history, call outcomes, the token check, the summary. */
#include "connect/connections.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "connect/client.h"
#include "connect/session.h"
#include "temu/api.h"
#include "temu/client.h"
#include "vault/vault.h"

#define CONNECT_HISTORY_MAX 20 /* authorizations listed per connection */

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
        at = db_rows_int_or(rows, i, 0, 0);
        mall = db_rows_int_or(rows, i, 4, 0);
        exp = db_rows_int_or(rows, i, 5, 0);
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
        mall = db_rows_int_or(rows, i, 2, 0);
        at = db_rows_int_or(rows, i, 9, 0);
        exp = db_rows_int_or(rows, i, 10, 0);
        last = db_rows_int_or(rows, i, 11, 0);
        ae = db_rows_int_or(rows, i, 12, 0);
        se = db_rows_int_or(rows, i, 13, 0);
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
        json_list_push(&list, row);
    }
    db_rows_free(rows);
    db_release(c);
    if (e != ERR_OK)
        return e;
    return json_list_out(list, out, eb);
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

enum err connect_upstream_error(const struct connect_env *env, const char *id,
                                const struct temu_error *te, int64_t now, struct errbuf *eb)
{
    if (connect_note_call(env, id, te, now, NULL) != ERR_OK)
        log_kv(LOG_WARN, "connect.note_call_failed", "connection", id, NULL);
    const char *code = te->cls == TEMU_ERROR_AUTH        ? "temu_token_rejected"
                       : te->cls == TEMU_ERROR_RETRYABLE ? "temu_unavailable"
                                                         : "temu_call_failed";
    return err_set(eb, te->cls == TEMU_ERROR_RETRYABLE ? ERR_UNAVAILABLE : ERR_UPSTREAM, code,
                   "Temu answered %lld (%s: %.160s). %s", (long long)te->code,
                   temu_error_class_name(te->cls), te->message, te->hint ? te->hint : "");
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
    enum err e = connect_token_get(env, id, &region, &token, &len, eb);
    if (e == ERR_OK)
        e = connect_client_new(env, region, token, &cl, eb);
    if (e != ERR_OK)
        goto out;
    if (temu_api_accesstoken_info(cl, &info, te) != ERR_OK) {
        if (connect_note_call(env, id, te, now, NULL) != ERR_OK)
            log_kv(LOG_WARN, "connect.note_call_failed", "connection", id, NULL);
        e = err_set(eb, ERR_UPSTREAM,
                    te->cls == TEMU_ERROR_AUTH ? "temu_token_rejected" : "temu_call_failed",
                    "Temu answered %lld (%.160s)%s", (long long)te->code, te->message,
                    te->code == 3000034 ? ": " CONNECT_REPLACED_REASON "." : ".");
        goto out;
    }
    struct db_param p[] = {DB_P_INT(now), DB_P_INT(info.expired_time), DB_P_TEXT(id)};
    e = db_pool_exec(env->db,
                     "UPDATE temu_connections SET status = 'active', status_reason = '', "
                     "last_success_at = $1, expires_at = $2, updated_at = $1 WHERE id = $3",
                     p, 3, NULL, eb);
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
    enum err e =
        db_pool_query(env->db,
                      "SELECT status, expires_at, last_success_at, auth_errors, sync_errors, "
                      "status_reason FROM temu_connections",
                      NULL, 0, &rows, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        int64_t exp = 0, last = 0, ae = 0, se = 0;
        exp = db_rows_int_or(rows, i, 1, 0);
        last = db_rows_int_or(rows, i, 2, 0);
        ae = db_rows_int_or(rows, i, 3, 0);
        se = db_rows_int_or(rows, i, 4, 0);
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

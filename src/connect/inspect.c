/*
 * The signed request inspector: builds the exact request the client will send (the client's
 * clock is pinned to the inspector's timestamp and retries are off), shows its canonical
 * string and body with the App Secret and access token masked, the signature, and the
 * platform's answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/secure.h"
#include "connect/connect.h"
#include "temu/client.h"
#include "temu/credentials.h"
#include "temu/sign.h"
#include "vault/vault.h"

#define INSPECT_SKEW_WINDOW_S 300 /* the platform's timestamp window (§2.1) */

static int64_t inspect_wall(void *ctx)
{
    return *(const int64_t *)ctx;
}

/* The full parameter set as the client sends it, with token (may be "") and app key. */
static json_t *inspect_all(const json_t *params, const char *type, const char *app_key,
                           const char *token, int64_t ts)
{
    json_t *all = params != NULL ? json_copy((json_t *)params) : json_object();
    if (all == NULL || json_object_set_new(all, "type", json_string(type)) != 0 ||
        json_object_set_new(all, "app_key", json_string(app_key)) != 0 ||
        json_object_set_new(all, "data_type", json_string("JSON")) != 0 ||
        json_object_set_new(all, "timestamp", json_integer(ts)) != 0 ||
        (token[0] != '\0' && json_object_set_new(all, "access_token", json_string(token)) != 0)) {
        json_decref(all);
        return NULL;
    }
    return all;
}

/* The request's shape, and a vault to sign with. */
ERR_MUST_USE static enum err inspect_check(const struct connect_env *env,
                                           const struct connect_inspect_req *rq, struct errbuf *eb)
{
    if (rq->type == NULL || *rq->type == '\0' || strlen(rq->type) > 128)
        return err_set(eb, ERR_INVAL, "bad_type",
                       "type must name a Temu API, e.g. "
                       "bg.open.accesstoken.info.get.");
    if (rq->params != NULL && !json_is_object(rq->params))
        return err_set(eb, ERR_INVAL, "bad_params", "params must be a JSON object.");
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "No vault master key is configured, so nothing can be signed.");
    return ERR_OK;
}

/* Sends the request with the inspector's timestamp and adds the answer and skew to doc. */
ERR_MUST_USE static enum err inspect_send(const struct connect_env *env,
                                          const struct connect_inspect_req *rq,
                                          enum temu_region region, const char *token, int64_t ts,
                                          json_t *doc, struct errbuf *eb)
{
    struct temu_client *cl = NULL;
    struct temu_result res = {0};
    struct temu_error te;
    temu_error_clear(&te);
    enum err e = connect_client_new_at(env, region, token, inspect_wall, &ts, &cl, eb);
    if (e != ERR_OK)
        return e;
    enum err ce = temu_client_call(cl, rq->type, rq->params, &res, &te);
    int64_t answered = (int64_t)time(NULL);
    json_t *ans;
    if (ce == ERR_OK)
        ans = json_pack("{s:b, s:s, s:O}", "success", 1, "request_id", res.request_id, "result",
                        res.result ? res.result : json_null());
    else
        ans = json_pack("{s:b, s:I, s:s, s:s, s:s, s:s, s:s, s:i}", "success", 0, "code",
                        (json_int_t)te.code, "message", te.message, "class",
                        temu_error_class_name(te.cls), "source", temu_error_source_name(te.source),
                        "hint", te.hint ? te.hint : "", "request_id", te.request_id, "http_status",
                        te.http_status);
    json_object_set_new(doc, "answer", ans ? ans : json_null());
    json_t *skew = json_object_get(doc, "timestamp");
    json_object_set_new(skew, "answered_at", json_integer(answered));
    json_object_set_new(skew, "skew_s", json_integer(answered - ts));
    json_object_set_new(skew, "verdict",
                        json_string(te.code == 3000011 || te.code == 3000012
                                        ? "outside the platform's window: fix the clock"
                                        : "within the platform's window"));
    if (rq->connection_id != NULL && *rq->connection_id != '\0' && te.source != TEMU_SOURCE_LOCAL)
        if (connect_note_call(env, rq->connection_id, ce == ERR_OK ? NULL : &te, answered, NULL) !=
            ERR_OK)
            log_kv(LOG_WARN, "connect.note_call_failed", "connection", rq->connection_id, NULL);
    if (ce == ERR_INVAL)
        e = err_set(eb, ERR_INVAL, "bad_request", "%s", te.message);
    temu_result_clear(&res);
    temu_client_free(cl);
    return e;
}

enum err connect_inspect(const struct connect_env *env, const struct connect_inspect_req *rq,
                         int64_t now, json_t **out, struct errbuf *eb)
{
    struct buf concat = {.max = LIMIT_TEMU_REQUEST_BYTES},
               shown = {.max = LIMIT_TEMU_REQUEST_BYTES};
    char key_name[48], secret_name[48], sign[TEMU_SIGN_HEX_LEN + 1], masked_token[VAULT_MASKED_MAX];
    char *key = NULL, *secret = NULL, *token = NULL, *body = NULL;
    size_t key_len = 0, secret_len = 0, token_len = 0;
    json_t *all = NULL, *all_masked = NULL, *doc = NULL;
    enum temu_region region = rq->region;
    int64_t ts = now;
    enum err e = inspect_check(env, rq, eb);
    if (e != ERR_OK)
        return e;
    if (rq->connection_id != NULL && *rq->connection_id != '\0') {
        e = connect_token_get(env, rq->connection_id, &region, &token, &token_len, eb);
        if (e != ERR_OK)
            goto out;
    }
    temu_credentials_names(region, key_name, secret_name, sizeof key_name);
    if (vault_get(env->vault, key_name, &key, &key_len, NULL) != ERR_OK ||
        vault_get(env->vault, secret_name, &secret, &secret_len, NULL) != ERR_OK) {
        e = err_set(eb, ERR_CONFLICT, "credentials_missing",
                    "The App Key and App Secret for region %s are not stored.",
                    temu_region_name(region));
        goto out;
    }
    vault_mask(token ? token : "", token ? token_len : 0, masked_token);
    all = inspect_all(rq->params, rq->type, key, token ? token : "", ts);
    all_masked = inspect_all(rq->params, rq->type, key, token ? masked_token : "", ts);
    if (all == NULL || all_masked == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    e = temu_sign_canonicalize(all, &concat, eb);
    if (e == ERR_OK)
        e = temu_sign_digest(secret, secret_len, concat.data, concat.len, sign);
    if (e == ERR_OK)
        e = buf_puts(&shown, "<app_secret>");
    if (e == ERR_OK)
        e = temu_sign_canonicalize(all_masked, &shown, eb);
    if (e == ERR_OK)
        e = buf_puts(&shown, "<app_secret>");
    if (e != ERR_OK)
        goto out;
    json_object_set_new(all_masked, "sign", json_string(sign));
    body = json_dumps(all_masked, JSON_COMPACT | JSON_PRESERVE_ORDER);
    doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:i}}", "type", rq->type, "region",
                    temu_region_name(region), "canonical_string", shown.data, "signature", sign,
                    "algorithm",
                    "MD5(app_secret + sorted key+value pairs + app_secret), uppercase hex", "body",
                    body ? body : "", "timestamp", "value", (json_int_t)ts, "local_now",
                    (json_int_t)now, "window_s", INSPECT_SKEW_WINDOW_S);
    if (doc == NULL) {
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    if (rq->send) {
        e = inspect_send(env, rq, region, token, ts, doc, eb);
        if (e != ERR_OK)
            goto out;
    }
    *out = doc;
    doc = NULL;
    e = ERR_OK;
out:
    json_decref(doc);
    json_decref(all);
    json_decref(all_masked);
    free(body);
    if (concat.data != NULL)
        secure_wipe(concat.data, concat.len); /* it holds the token in clear */
    buf_free(&concat);
    buf_free(&shown);
    vault_secret_free(key, key_len);
    vault_secret_free(secret, secret_len);
    vault_secret_free(token, token_len);
    return e;
}

/* Outbound notifications: hooks, the outbox, the five formats and their signatures. */
#include "actions/notify.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/actions.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/secure.h"
#include "base/url.h"

#define NOTIFY_RESP_MAX (64 * 1024)
#define NOTIFY_TEXT_MAX 2000

static const char *const hook_kinds[] = {"generic", "wecom", "dingtalk", "feishu", "slack"};

static void notify_id(const char *prefix, char out[32])
{
    char tok[SECURE_TOKEN_LEN + 1];
    secure_token(tok);
    for (char *q = tok; *q; q++) /* lower case: ids name vault secrets */
        *q = *q == '-' || *q == '_' ? 'x' : *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
    snprintf(out, 32, "%s%.20s", prefix, tok);
}

static void secret_name(const char *hook, char out[64])
{
    snprintf(out, 64, "notify/%s", hook);
}

ERR_MUST_USE static enum err hook_check(const struct notify_hook_req *r, struct errbuf *eb)
{
    bool known = false;
    for (size_t i = 0; r->kind != NULL && i < sizeof hook_kinds / sizeof hook_kinds[0]; i++)
        known = known || strcmp(r->kind, hook_kinds[i]) == 0;
    if (!known)
        return err_set(eb, ERR_INVAL, "bad_kind",
                       "kind is generic, wecom, dingtalk, feishu or slack.");
    const char *u = r->url != NULL ? r->url : "";
    const char *rest = strncmp(u, "https://", 8) == 0  ? u + 8
                       : strncmp(u, "http://", 7) == 0 ? u + 7
                                                       : NULL;
    char origin[URL_ORIGIN_MAX];
    struct url_origin o;
    size_t host = rest != NULL ? strcspn(rest, "/?#") : 0;
    if (rest == NULL || strlen(u) > NOTIFY_URL_MAX || host == 0 ||
        (size_t)(rest - u) + host >= sizeof origin)
        return err_set(eb, ERR_INVAL, "bad_url", "url is an http(s) URL of at most %d bytes.",
                       NOTIFY_URL_MAX);
    snprintf(origin, sizeof origin, "%.*s", (int)((size_t)(rest - u) + host), u);
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return err_set(eb, ERR_INVAL, "bad_url", "url holds no spaces or control characters.");
    if (url_origin_parse(origin, &o) != URL_ORIGIN_OK)
        return err_set(eb, ERR_INVAL, "bad_url", "url's scheme, host or port is not valid.");
    bool has_secret = r->secret != NULL && r->secret[0] != '\0';
    if (strcmp(r->kind, "generic") == 0 && (!has_secret || strlen(r->secret) < 16))
        return err_set(eb, ERR_INVAL, "bad_secret",
                       "A generic hook needs a secret of at least 16 characters.");
    if (has_secret && (strcmp(r->kind, "wecom") == 0 || strcmp(r->kind, "slack") == 0))
        return err_set(eb, ERR_INVAL, "bad_secret",
                       "WeCom and Slack hooks carry their key in the URL; give no secret.");
    if (r->min_severity < 1 || r->min_severity > 3)
        return err_set(eb, ERR_INVAL, "bad_severity", "min_severity is 1..3.");
    return ERR_OK;
}

enum err notify_hook_add(struct db *db, struct vault *v, const struct notify_hook_req *r,
                         const char *actor, int64_t now, char id[32], struct errbuf *eb)
{
    char name[64];
    enum err e = hook_check(r, eb);
    bool has_secret = r->secret != NULL && r->secret[0] != '\0';
    if (e == ERR_OK && has_secret && v == NULL)
        e = err_set(eb, ERR_CONFIG, "vault_off", "A hook secret needs the vault (master key).");
    if (e != ERR_OK)
        return e;
    notify_id("nh_", id);
    secret_name(id, name);
    if (has_secret && (e = vault_put(v, name, r->secret, strlen(r->secret), actor, eb)) != ERR_OK)
        return e;
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(r->kind),
                           DB_P_TEXT(r->url),
                           DB_P_INT(r->min_severity),
                           DB_P_INT(r->brief ? 1 : 0),
                           DB_P_INT(has_secret ? 1 : 0),
                           DB_P_TEXT(actor),
                           DB_P_INT(now)};
    return db_pool_exec(db,
                        "INSERT INTO notify_hooks (id, kind, url, min_severity, brief, has_secret, "
                        "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        p, 8, NULL, eb);
}

void notify_url_mask(const char *url, char *out, size_t len)
{
    const char *rest = strstr(url, "://");
    size_t origin = rest != NULL ? (size_t)(rest + 3 - url) + strcspn(rest + 3, "/?#") : 0;
    size_t n = strlen(url);
    if (rest == NULL || n <= origin + 4)
        snprintf(out, len, "%.*s/…", (int)origin, url);
    else
        snprintf(out, len, "%.*s/…%s", (int)origin, url, url + n - 4);
}

enum err notify_hooks_list(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(db,
                      "SELECT id, kind, url, min_severity, brief, enabled, created_at FROM "
                      "notify_hooks ORDER BY created_at, id",
                      NULL, 0, &r, eb);
    json_t *a = json_array();
    char masked[NOTIFY_URL_MAX + 16];
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        notify_url_mask(db_rows_get(r, i, 2), masked, sizeof masked);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I, s:b, s:b, s:I}", "id",
                                           db_rows_get(r, i, 0), "kind", db_rows_get(r, i, 1),
                                           "url", masked, "min_severity",
                                           (json_int_t)db_rows_int_or(r, i, 3, 3), "brief",
                                           db_rows_int_or(r, i, 4, 0) != 0, "enabled",
                                           db_rows_int_or(r, i, 5, 0) != 0, "created_at",
                                           (json_int_t)db_rows_int_or(r, i, 6, 0)));
    }
    db_rows_free(r);
    *out = a;
    return e;
}

enum err notify_hook_delete(struct db *db, struct vault *v, const char *id, struct errbuf *eb)
{
    int64_t changed = 0;
    char name[64];
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, eb);
    e = e ? e : db_exec(c, "DELETE FROM notify_outbox WHERE hook_id = $1", p, 1, NULL, eb);
    e = e ? e : db_exec(c, "DELETE FROM notify_hooks WHERE id = $1", p, 1, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "hook_not_found", "No such notification hook.");
    e = e ? e : db_commit(c, eb);
    if (e != ERR_OK)
        db_rollback(c);
    db_release(c);
    secret_name(id != NULL ? id : "", name);
    if (e == ERR_OK && v != NULL) {
        struct errbuf ignore = {{0}, {0}};
        enum err de = vault_delete(v, name, &ignore);
        if (de != ERR_OK && de != ERR_NOTFOUND)
            log_kv(LOG_WARN, "notify.secret_not_deleted", "hook", id, NULL);
    }
    return e;
}

enum err notify_hook_enable(struct db *db, const char *id, bool enabled, struct errbuf *eb)
{
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : ""), DB_P_INT(enabled ? 1 : 0)};
    enum err e =
        db_pool_exec(db, "UPDATE notify_hooks SET enabled = $2 WHERE id = $1", p, 2, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "hook_not_found", "No such notification hook.");
    return e;
}

/* Queues one event for hook (ignored when queued before: the outbox is unique). */
ERR_MUST_USE static enum err outbox_put(struct db_conn *c, const char *hook, const char *dedupe,
                                        json_t *event, int64_t now, struct errbuf *eb)
{
    char id[32];
    notify_id("nq_", id);
    json_object_set_new(event, "delivery", json_string(id));
    char *body = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(event);
    if (body == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(hook), DB_P_TEXT(dedupe), DB_P_TEXT(body),
                           DB_P_INT(now)};
    enum err e = db_exec(c,
                         "INSERT INTO notify_outbox (id, hook_id, dedupe, body, state, next_at, "
                         "created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT "
                         "(hook_id, dedupe) DO NOTHING",
                         p, 5, NULL, eb);
    free(body);
    return e;
}

ERR_MUST_USE static enum err enqueue_items(struct db *db, struct db_conn *c, int64_t now,
                                           struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT h.id, i.id FROM notify_hooks h JOIN action_items i ON "
                          "i.state = 'open' AND i.severity >= h.min_severity AND i.opened_at >= "
                          "h.created_at WHERE h.enabled = 1 AND NOT EXISTS (SELECT 1 FROM "
                          "notify_outbox o WHERE o.hook_id = h.id AND o.dedupe = 'item:' || i.id) "
                          "ORDER BY i.opened_at LIMIT 500",
                          NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        json_t *item = NULL;
        char dedupe[64];
        snprintf(dedupe, sizeof dedupe, "item:%s", db_rows_get(r, i, 1));
        e = actions_get(db, db_rows_get(r, i, 1), ROLE_SELLER_ADMIN, &item, eb);
        if (e == ERR_OK) {
            json_object_del(item, "history");
            e = outbox_put(c, db_rows_get(r, i, 0), dedupe,
                           json_pack("{s:s, s:I, s:o}", "event", "action.opened", "at",
                                     (json_int_t)now, "item", item),
                           now, eb);
        }
    }
    db_rows_free(r);
    return e;
}

ERR_MUST_USE static enum err enqueue_brief(struct db *db, struct db_conn *c, int64_t now,
                                           struct errbuf *eb)
{
    if ((now % 86400) / 3600 < NOTIFY_BRIEF_HOUR)
        return ERR_OK;
    char dedupe[40];
    snprintf(dedupe, sizeof dedupe, "brief:%lld", (long long)(now / 86400));
    struct db_param p[] = {DB_P_TEXT(dedupe)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT id FROM notify_hooks h WHERE enabled = 1 AND brief = 1 AND NOT "
                          "EXISTS (SELECT 1 FROM notify_outbox o WHERE o.hook_id = h.id AND "
                          "o.dedupe = $1)",
                          p, 1, &r, eb);
    json_t *brief = NULL;
    if (e == ERR_OK && db_rows_count(r) > 0)
        e = actions_brief(db, ROLE_SELLER_ADMIN, now, &brief, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        e = outbox_put(
            c, db_rows_get(r, i, 0), dedupe,
            json_pack("{s:s, s:I, s:O}", "event", "brief", "at", (json_int_t)now, "brief", brief),
            now, eb);
    json_decref(brief);
    db_rows_free(r);
    return e;
}

enum err notify_enqueue(struct db *db, int64_t now, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = enqueue_items(db, c, now, eb);
    e = e ? e : enqueue_brief(db, c, now, eb);
    db_release(c);
    return e;
}

/* ---- formats ---------------------------------------------------------------------------- */

/* The event as one bilingual text line (bots). */
static void event_text(const json_t *ev, char *out, size_t len)
{
    const json_t *it = json_object_get(ev, "item");
    if (strcmp(json_string_value(json_object_get(ev, "event")), "brief") == 0) {
        const json_t *b = json_object_get(ev, "brief");
        snprintf(out, len, "每日简报 / Daily brief\n%s\n%s",
                 json_string_value(json_object_get(b, "zh")),
                 json_string_value(json_object_get(b, "en")));
        return;
    }
    const json_t *m = json_object_get(it, "money_at_risk");
    snprintf(out, len, "待办 / Action: %s · %s %s · %s%s%s",
             json_string_value(json_object_get(it, "title")),
             json_string_value(json_object_get(json_object_get(it, "object"), "type")),
             json_string_value(json_object_get(json_object_get(it, "object"), "key")),
             json_string_value(json_object_get(it, "next_action")), json_is_object(m) ? " · " : "",
             json_is_object(m) ? json_string_value(json_object_get(m, "text")) : "");
}

/* base64 of HMAC-SHA256(key, msg) into out. */
static void hmac_b64(const char *key, const char *msg, char *out, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, len, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
}

struct request {
    struct buf url;
    char *body;
    struct curl_slist *headers;
};

/* The generic format: the event itself, signed over "timestamp.body". */
ERR_MUST_USE static enum err format_generic(const char *body, const char *secret, int64_t now,
                                            const json_t *ev, struct request *rq)
{
    char ts[24], hdr[200], hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    snprintf(ts, sizeof ts, "%lld", (long long)now);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    rq->body = strdup(body);
    snprintf(hdr, sizeof hdr, "X-Aicos-Signature: sha256=%s", hex);
    rq->headers = curl_slist_append(rq->headers, hdr);
    snprintf(hdr, sizeof hdr, "X-Aicos-Timestamp: %s", ts);
    rq->headers = curl_slist_append(rq->headers, hdr);
    snprintf(hdr, sizeof hdr, "X-Aicos-Event: %s", json_string_value(json_object_get(ev, "event")));
    rq->headers = curl_slist_append(rq->headers, hdr);
    snprintf(hdr, sizeof hdr, "X-Aicos-Delivery: %s",
             json_string_value(json_object_get(ev, "delivery")));
    rq->headers = curl_slist_append(rq->headers, hdr);
    return rq->body != NULL ? ERR_OK : ERR_NOMEM;
}

/* DingTalk: timestamp (ms) and sign = base64(HMAC-SHA256(secret, ts "\n" secret)) in the URL. */
ERR_MUST_USE static enum err dingtalk_sign(struct request *rq, const char *secret, int64_t now)
{
    char ms[24], msg[600], sign[64];
    snprintf(ms, sizeof ms, "%lld", (long long)now * 1000);
    snprintf(msg, sizeof msg, "%s\n%s", ms, secret);
    hmac_b64(secret, msg, sign, sizeof sign);
    enum err e =
        buf_printf(&rq->url, "%stimestamp=%s&sign=", strchr(rq->url.data, '?') ? "&" : "?", ms);
    return e ? e : url_encode(&rq->url, sign);
}

ERR_MUST_USE static enum err format_bot(const char *kind, const char *secret, int64_t now,
                                        const json_t *ev, struct request *rq)
{
    char text[NOTIFY_TEXT_MAX];
    json_t *msg = NULL;
    event_text(ev, text, sizeof text);
    enum err e = ERR_OK;
    if (strcmp(kind, "wecom") == 0) {
        msg = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content", text);
    } else if (strcmp(kind, "dingtalk") == 0) {
        msg = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content", text);
        if (secret != NULL)
            e = dingtalk_sign(rq, secret, now);
    } else if (strcmp(kind, "feishu") == 0) {
        msg = json_pack("{s:s, s:{s:s}}", "msg_type", "text", "content", "text", text);
        if (secret != NULL && msg != NULL) {
            /* Feishu: sign = base64(HMAC-SHA256(key = timestamp "\n" secret, empty message)). */
            char ts[24], key[600], sign[64];
            snprintf(ts, sizeof ts, "%lld", (long long)now);
            snprintf(key, sizeof key, "%s\n%s", ts, secret);
            hmac_b64(key, "", sign, sizeof sign);
            json_object_set_new(msg, "timestamp", json_string(ts));
            json_object_set_new(msg, "sign", json_string(sign));
        }
    } else {
        msg = json_pack("{s:s}", "text", text);
    }
    rq->body = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;
    json_decref(msg);
    return e ? e : rq->body != NULL ? ERR_OK : ERR_NOMEM;
}

/* ---- delivery --------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    return buf_append(b, p, size * n) == ERR_OK ? size * n : 0;
}

/* POSTs rq; true when the receiver accepted it (2xx, and a bot's errcode/code 0). */
static bool post(const char *kind, struct request *rq, char *why, size_t len)
{
    struct buf resp = {.max = NOTIFY_RESP_MAX};
    long status = 0;
    CURL *h = curl_easy_init();
    if (h == NULL) {
        snprintf(why, len, "curl init failed");
        return false;
    }
    rq->headers = curl_slist_append(rq->headers, "Content-Type: application/json");
    rq->headers = curl_slist_append(rq->headers, "Expect:"); /* no 100-continue round trip */
    curl_easy_setopt(h, CURLOPT_URL, rq->url.data);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, rq->headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    bool ok = rc == CURLE_OK && status >= 200 && status < 300;
    if (ok && strcmp(kind, "generic") != 0 && strcmp(kind, "slack") != 0) {
        json_t *j = json_loads(resp.data != NULL ? resp.data : "", 0, NULL);
        const json_t *code = json_object_get(j, strcmp(kind, "feishu") == 0 ? "code" : "errcode");
        ok = code == NULL || json_integer_value(code) == 0;
        if (!ok)
            snprintf(why, len, "receiver code %lld", (long long)json_integer_value(code));
        json_decref(j);
    } else if (!ok && rc != CURLE_OK) {
        snprintf(why, len, "%s", curl_easy_strerror(rc));
    } else if (!ok) {
        snprintf(why, len, "HTTP %ld", status);
    }
    free(resp.data);
    return ok;
}

/* Builds and sends one claimed event of hook (kind, url); why gets the failure. */
static bool deliver_one(struct vault *v, const char *hook, const char *kind, const char *url,
                        const char *body, int64_t now, char *why, size_t len)
{
    char name[64];
    char *secret = NULL;
    size_t slen = 0;
    struct request rq = {.url = {.max = NOTIFY_URL_MAX + 200}};
    struct errbuf eb = {{0}, {0}};
    json_t *ev = json_loads(body, 0, NULL);
    secret_name(hook, name);
    enum err e = buf_puts(&rq.url, url);
    if (e == ERR_OK && v != NULL) {
        e = vault_get(v, name, &secret, &slen, &eb);
        e = e == ERR_NOTFOUND ? ERR_OK : e;
    }
    if (e == ERR_OK && strcmp(kind, "generic") == 0)
        e = secret != NULL ? format_generic(body, secret, now, ev, &rq)
                           : err_set(&eb, ERR_CONFIG, NULL, "the hook's secret is not readable");
    else if (e == ERR_OK)
        e = format_bot(kind, secret, now, ev, &rq);
    bool ok = e == ERR_OK && post(kind, &rq, why, len);
    if (e != ERR_OK)
        snprintf(why, len, "%s", errbuf_message(&eb, e));
    vault_secret_free(secret, slen);
    json_decref(ev);
    free(rq.url.data);
    free(rq.body);
    curl_slist_free_all(rq.headers);
    return ok;
}

enum err notify_hook_test(struct db *db, struct vault *v, const char *id, int64_t now,
                          struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    struct db_rows *r = NULL;
    char why[200] = "";
    enum err e =
        db_pool_query(db, "SELECT kind, url FROM notify_hooks WHERE id = $1", p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "hook_not_found", "No such notification hook.");
    char delivery[96];
    snprintf(delivery, sizeof delivery, "test:%.40s:%lld", id != NULL ? id : "", (long long)now);
    json_t *ev =
        json_pack("{s:s, s:s, s:I, s:{s:s, s:{s:s, s:s}, s:s, s:n}}", "event", "test", "delivery",
                  delivery, "at", (json_int_t)now, "item", "title", "测试通知 / Test notification",
                  "object", "type", "hook", "key", id != NULL ? id : "", "next_action",
                  "Nothing to do: the hook works.", "money_at_risk");
    char *body = ev != NULL ? json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (e == ERR_OK && body == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK &&
        !deliver_one(v, id, db_rows_get(r, 0, 0), db_rows_get(r, 0, 1), body, now, why, sizeof why))
        e = err_set(eb, ERR_UPSTREAM, "hook_test_failed", "The test notification failed: %s.", why);
    free(body);
    json_decref(ev);
    db_rows_free(r);
    return e;
}

/* Claims row i of r (moves next_at ahead as a lease); false when another process did. */
ERR_MUST_USE static enum err claim(struct db_conn *c, const struct db_rows *r, size_t i,
                                   int64_t now, bool *mine, struct errbuf *eb)
{
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(db_rows_get(r, i, 0)), DB_P_INT(db_rows_int_or(r, i, 3, 0)),
                           DB_P_INT(now + NOTIFY_LEASE_S)};
    enum err e = db_exec(c,
                         "UPDATE notify_outbox SET next_at = $3 WHERE id = $1 AND state = "
                         "'pending' AND next_at = $2",
                         p, 3, &changed, eb);
    *mine = e == ERR_OK && changed == 1;
    return e;
}

/* Records the outcome: sent, or a retry after 30 s × 2^attempts (max 1 h), or failed. */
ERR_MUST_USE static enum err settle(struct db_conn *c, const char *id, int64_t attempts, bool ok,
                                    const char *why, int64_t now, struct errbuf *eb)
{
    int64_t backoff = 30;
    for (int64_t k = 0; k < attempts && backoff < 3600; k++)
        backoff *= 2;
    if (backoff > 3600)
        backoff = 3600;
    const char *state = ok ? "sent" : attempts + 1 >= NOTIFY_ATTEMPTS_MAX ? "failed" : "pending";
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(state), DB_P_INT(now + backoff), DB_P_INT(now),
                           DB_P_TEXT(ok ? "" : why)};
    return db_exec(c,
                   "UPDATE notify_outbox SET state = $2, attempts = attempts + 1, next_at = $3, "
                   "sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE 0 END, last_error = $5 WHERE "
                   "id = $1",
                   p, 5, NULL, eb);
}

enum err notify_deliver(struct db *db, struct vault *v, int64_t now, int *sent, int *failed,
                        struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(now)};
    struct db_rows *r = NULL;
    struct db_conn *c = db_acquire(db);
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT o.id, o.hook_id, o.body, o.next_at, o.attempts, h.kind, h.url FROM "
             "notify_outbox o JOIN notify_hooks h ON h.id = o.hook_id WHERE o.state = 'pending' "
             "AND o.next_at <= $1 AND h.enabled = 1 ORDER BY o.next_at, o.id LIMIT %d",
             NOTIFY_BATCH);
    enum err e = db_query(c, sql, p, 1, &r, eb);
    *sent = *failed = 0;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        bool mine = false;
        char why[200] = "";
        e = claim(c, r, i, now, &mine, eb);
        if (e != ERR_OK || !mine)
            continue;
        bool ok = deliver_one(v, db_rows_get(r, i, 1), db_rows_get(r, i, 5), db_rows_get(r, i, 6),
                              db_rows_get(r, i, 2), now, why, sizeof why);
        e = settle(c, db_rows_get(r, i, 0), db_rows_int_or(r, i, 4, 0), ok, why, now, eb);
        if (ok)
            (*sent)++;
        else
            (*failed)++;
        if (!ok)
            log_kv(LOG_WARN, "notify.failed", "delivery", db_rows_get(r, i, 0), "error", why, NULL);
    }
    db_rows_free(r);
    db_release(c);
    return e;
}

enum err notify_outbox_list(struct db *db, int64_t limit, json_t **out, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(limit)};
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(db,
                      "SELECT id, hook_id, dedupe, state, attempts, next_at, sent_at, "
                      "last_error FROM notify_outbox ORDER BY created_at DESC, id LIMIT $1",
                      p, 1, &r, eb);
    json_t *a = json_array();
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(
            a,
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", db_rows_get(r, i, 0),
                      "hook_id", db_rows_get(r, i, 1), "dedupe", db_rows_get(r, i, 2), "state",
                      db_rows_get(r, i, 3), "attempts", (json_int_t)db_rows_int_or(r, i, 4, 0),
                      "next_at", (json_int_t)db_rows_int_or(r, i, 5, 0), "sent_at",
                      (json_int_t)db_rows_int_or(r, i, 6, 0), "last_error", db_rows_get(r, i, 7)));
    db_rows_free(r);
    *out = a;
    return e;
}

void notify_tick(void *ctx, struct db *db, int64_t now)
{
    struct errbuf eb = {{0}, {0}};
    int sent = 0, failed = 0;
    enum err e = notify_enqueue(db, now, &eb);
    e = e ? e : notify_deliver(db, ctx, now, &sent, &failed, &eb);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "notify.tick_failed", "error", errbuf_message(&eb, e), NULL);
}

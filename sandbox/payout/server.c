#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../sbuf.h"
#include "../sbx_http.h"
#include "../vclock.h"

#define PO_API        "/api/v1"
#define PO_TOKENS_MAX 256
#define PO_TOKEN_LEN  64
#define PO_BODY_MAX   (64u * 1024u)
#define PO_CONN_MAX   256
#define PO_CONN_TO_S  30
#define PO_ANSWER_MAX (16u * 1024u * 1024u)

struct po_token {
    char value[PO_TOKEN_LEN + 1];
    time_t expires;
};

struct server {
    struct MHD_Daemon *daemon;
    struct server_deps d;
    pthread_mutex_t lock; /* guards everything below */
    struct po_token tokens[PO_TOKENS_MAX];
    size_t next_token;
    long long throttle;     /* the next n API requests answer 429 */
    long long expire_after; /* > 0: every token expires after this many more data calls */
    time_t rate_second;     /* the second the rate counter counts */
    int rate_count;
    long long logins, requests, refused;
};

static enum MHD_Result server_send(struct MHD_Connection *c, unsigned status, const char *ctype,
                                   char *body, size_t len, const char *retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (retry_after != NULL)
        MHD_add_response_header(r, "Retry-After", retry_after);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Sends the buffer's JSON (or a 500 when building it failed). */
static enum MHD_Result server_json(struct MHD_Connection *c, unsigned status, struct sbuf *b)
{
    size_t len = b->len;
    char *data = sbuf_steal(b);
    if (data == NULL) {
        data = strdup("{\"code\":\"internal_error\",\"message\":\"out of memory\"}");
        return data != NULL ? server_send(c, 500, "application/json", data, strlen(data), NULL)
                            : MHD_NO;
    }
    return server_send(c, status, "application/json", data, len, NULL);
}

static enum MHD_Result server_error(struct MHD_Connection *c, unsigned status, const char *code,
                                    const char *message)
{
    struct sbuf b;
    sbuf_init(&b, 4096);
    ledger_error(&b, code, NULL, message);
    return server_json(c, status, &b);
}

static bool server_loopback(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL || ci->client_addr->sa_family != AF_INET)
        return false;
    const struct sockaddr_in *in = (const struct sockaddr_in *)ci->client_addr;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
}

/* ---- the API ----------------------------------------------------------------------------- */

/* The throttle and the rate limit: true when the request may go on. */
static bool server_admit(struct server *s)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&s->lock);
    s->requests++;
    bool ok = true;
    if (s->throttle > 0) {
        s->throttle--;
        ok = false;
    } else if (s->d.rate > 0) {
        if (now != s->rate_second) {
            s->rate_second = now;
            s->rate_count = 0;
        }
        ok = ++s->rate_count <= s->d.rate;
    }
    if (!ok)
        s->refused++;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static enum MHD_Result server_login(struct server *s, struct MHD_Connection *c)
{
    const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-client-id");
    const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-api-key");
    if (id == NULL || key == NULL)
        return server_error(c, 400, "field_required", "x-client-id and x-api-key are required");
    if (strcmp(id, s->d.client_id) != 0 || strcmp(key, s->d.api_key) != 0)
        return server_error(c, 401, "credentials_invalid", "Invalid client id or API key");
    unsigned char raw[PO_TOKEN_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    pthread_mutex_lock(&s->lock);
    struct po_token *t = &s->tokens[s->next_token++ % PO_TOKENS_MAX];
    sodium_bin2hex(t->value, sizeof t->value, raw, sizeof raw);
    t->expires = time(NULL) + (time_t)s->d.token_ttl;
    char value[PO_TOKEN_LEN + 1], at[32];
    memcpy(value, t->value, sizeof value);
    ledger_format_time((int64_t)t->expires, at, sizeof at);
    s->logins++;
    pthread_mutex_unlock(&s->lock);
    struct sbuf b;
    sbuf_init(&b, 4096);
    sbuf_printf(&b, "{\"token\":\"%s\",\"expires_at\":\"%s\"}", value, at);
    return server_json(c, 201, &b);
}

/* 0 when the bearer token is live, else 401 with why in *code. */
static int server_token(struct server *s, struct MHD_Connection *c, const char **code)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    *code = "unauthorized";
    if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
        return 401;
    const char *tok = h + 7;
    int st = 401;
    time_t now = time(NULL);
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < PO_TOKENS_MAX && st == 401; i++) {
        if (s->tokens[i].value[0] != '\0' && strcmp(s->tokens[i].value, tok) == 0) {
            if (s->tokens[i].expires > now)
                st = 0;
            else
                *code = "credentials_expired";
            break;
        }
    }
    if (st == 0 && s->expire_after > 0 && --s->expire_after == 0) {
        for (size_t i = 0; i < PO_TOKENS_MAX; i++) /* this call is the last one they carry */
            s->tokens[i].expires = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* Applies the fault rules; true when a fault answered (or dropped) the request. */
static bool server_fault(struct server *s, struct MHD_Connection *c, enum MHD_Result *ret)
{
    struct fault_action fa;
    fault_pick(s->d.fault, &fa);
    vclock_sleep_ms(fa.latency_ms);
    char *b = NULL;
    if (fa.kind == FAULT_RESET) {
        *ret = MHD_NO;
        return true;
    }
    if (fa.kind == FAULT_HTTP || fa.kind == FAULT_SYSTEM) {
        b = strdup("{\"code\":\"internal_error\",\"message\":\"Service unavailable\"}");
        *ret = b != NULL ? server_send(c, fa.kind == FAULT_HTTP ? (unsigned)fa.http_status : 500,
                                       "application/json", b, strlen(b), NULL)
                         : MHD_NO;
        return true;
    }
    if (fa.kind == FAULT_MALFORMED || fa.kind == FAULT_TRUNCATED || fa.kind == FAULT_NULL) {
        const char *text = fa.kind == FAULT_MALFORMED ? "{\"items\":[<html>"
                           : fa.kind == FAULT_NULL    ? "null"
                                                      : "{\"items\":[{\"id\":\"stl_";
        b = strdup(text);
        *ret = b != NULL ? server_send(c, 200, "application/json", b, strlen(b), NULL) : MHD_NO;
        return true;
    }
    return false;
}

static enum MHD_Result server_api(struct server *s, struct MHD_Connection *c, const char *path,
                                  const char *method)
{
    if (!server_admit(s)) {
        char *b = strdup("{\"code\":\"too_many_requests\",\"message\":\"Too many requests\"}");
        return b != NULL ? server_send(c, 429, "application/json", b, strlen(b), "1") : MHD_NO;
    }
    enum MHD_Result ret;
    if (server_fault(s, c, &ret))
        return ret;
    if (strcmp(path, "/authentication/login") == 0)
        return strcmp(method, "POST") == 0 ? server_login(s, c)
                                           : server_error(c, 405, "method_not_allowed", "Use POST");
    if (strcmp(method, "GET") != 0)
        return server_error(c, 405, "method_not_allowed", "Use GET");
    const char *code;
    if (server_token(s, c, &code) != 0)
        return server_error(c, 401, code,
                            strcmp(code, "credentials_expired") == 0
                                ? "The access token has expired"
                                : "The access token is missing or invalid");
#define ARG(n) MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, n)
    struct sbuf b;
    sbuf_init(&b, PO_ANSWER_MAX);
    int st = 404;
    static const char list[] = "/pa/financial/settlements";
    if (strcmp(path, list) == 0) {
        struct ledger_args a = {ARG("currency"),
                                ARG("status"),
                                ARG("from_settled_at"),
                                ARG("to_settled_at"),
                                ARG("page_num"),
                                ARG("page_size"),
                                NULL};
        st = ledger_settlements(s->d.ledger, &a, &b);
    } else if (strncmp(path, list, strlen(list)) == 0 && path[strlen(list)] == '/' &&
               strchr(path + strlen(list) + 1, '/') == NULL) {
        st = ledger_settlement(s->d.ledger, path + strlen(list) + 1, &b);
    } else if (strcmp(path, "/balances/history") == 0) {
        struct ledger_args a = {ARG("currency"),   ARG("status"), ARG("from_post_at"),
                                ARG("to_post_at"), NULL,          ARG("page_size"),
                                ARG("page")};
        st = ledger_history(s->d.ledger, &a, &b);
    } else {
        ledger_error(&b, "not_found", NULL, "The requested endpoint does not exist");
    }
#undef ARG
    return server_json(c, (unsigned)st, &b);
}

/* ---- admin API --------------------------------------------------------------------------- */

/* POST /_sandbox/credits {"currency","amount":"5200.00","fee"?,"reference","created_at",
 * "settled_at"?,"rate"?}: one more credit with chosen values. */
static enum MHD_Result server_admin_credit(struct server *s, struct MHD_Connection *c, json_t *in)
{
    struct ledger_credit cr;
    memset(&cr, 0, sizeof cr);
    const char *cur = json_string_value(json_object_get(in, "currency"));
    const char *amount = json_string_value(json_object_get(in, "amount"));
    const char *fee = json_string_value(json_object_get(in, "fee"));
    const char *ref = json_string_value(json_object_get(in, "reference"));
    const char *rate = json_string_value(json_object_get(in, "rate"));
    long long whole = 0, cents = 0, fw = 0, fc = 0;
    int n = 0;
    bool ok = cur != NULL &&
              (strcmp(cur, "USD") == 0 || strcmp(cur, "EUR") == 0 || strcmp(cur, "CNY") == 0) &&
              amount != NULL && sscanf(amount, "%lld.%2lld%n", &whole, &cents, &n) == 2 &&
              amount[n] == '\0' && whole >= 0 && strlen(amount) >= 4 &&
              amount[strlen(amount) - 3] == '.' &&
              (fee == NULL || (sscanf(fee, "%lld.%2lld", &fw, &fc) == 2 && fw >= 0)) &&
              ref != NULL && strlen(ref) < PO_TEXT_MAX &&
              json_is_integer(json_object_get(in, "created_at")) &&
              (rate == NULL || strlen(rate) < PO_RATE_MAX);
    if (!ok)
        return server_error(c, 400, "validation_error",
                            "want {currency USD|EUR|CNY, amount \"0.00\", fee?, reference, "
                            "created_at, settled_at?, rate?}");
    snprintf(cr.currency, sizeof cr.currency, "%s", cur);
    cr.amount_minor = whole * 100 + cents;
    cr.fee_minor = fw * 100 + fc;
    cr.created_at = json_integer_value(json_object_get(in, "created_at"));
    cr.settled_at = json_integer_value(json_object_get(in, "settled_at"));
    snprintf(cr.reference, sizeof cr.reference, "%s", ref);
    snprintf(cr.rate, sizeof cr.rate, "%s", rate != NULL ? rate : "");
    char id[PO_ID_MAX];
    if (!ledger_add(s->d.ledger, &cr, id))
        return server_error(c, 507, "ledger_full", "The ledger is full");
    struct sbuf b;
    sbuf_init(&b, 4096);
    sbuf_printf(&b, "{\"id\":\"%s\"}", id);
    return server_json(c, 200, &b);
}

static enum MHD_Result server_admin_stats(struct server *s, struct MHD_Connection *c)
{
    struct sbuf b;
    sbuf_init(&b, 4096);
    pthread_mutex_lock(&s->lock);
    sbuf_printf(&b,
                "{\"logins\":%lld,\"requests\":%lld,\"refused\":%lld,\"throttle\":%lld,"
                "\"expire_after\":%lld}",
                s->logins, s->requests, s->refused, s->throttle, s->expire_after);
    pthread_mutex_unlock(&s->lock);
    return server_json(c, 200, &b);
}

static enum MHD_Result server_admin_post(struct server *s, struct MHD_Connection *c,
                                         const char *path, json_t *in)
{
    char err[256] = "";
    if (strcmp(path, "/credits") == 0)
        return server_admin_credit(s, c, in);
    if (strcmp(path, "/tokens/expire") == 0) { /* now, or {"after": n} data calls */
        json_t *n = json_object_get(in, "after");
        if (n != NULL && (!json_is_integer(n) || json_integer_value(n) < 1))
            return server_error(c, 400, "validation_error", "want {} or {\"after\": n >= 1}");
        pthread_mutex_lock(&s->lock);
        s->expire_after = n != NULL ? json_integer_value(n) : 0;
        for (size_t i = 0; i < PO_TOKENS_MAX && n == NULL; i++)
            s->tokens[i].expires = 0;
        pthread_mutex_unlock(&s->lock);
        return server_admin_stats(s, c);
    }
    if (strcmp(path, "/throttle") == 0) {
        json_t *n = json_object_get(in, "count");
        if (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > 1000000)
            return server_error(c, 400, "validation_error", "want {\"count\": 0..1000000}");
        pthread_mutex_lock(&s->lock);
        s->throttle = json_integer_value(n);
        pthread_mutex_unlock(&s->lock);
        return server_admin_stats(s, c);
    }
    if (strcmp(path, "/faults") == 0) {
        const char *kind = json_string_value(json_object_get(in, "kind"));
        json_t *pv = json_object_get(in, "probability");
        int param = (int)json_integer_value(json_object_get(in, "latency_ms")) +
                    (int)json_integer_value(json_object_get(in, "status"));
        if (kind == NULL || !fault_add(s->d.fault, kind, pv != NULL ? json_number_value(pv) : 1.0,
                                       (int)json_integer_value(json_object_get(in, "count")), param,
                                       err, sizeof err))
            return server_error(c, 400, "validation_error", err[0] ? err : "want {\"kind\", ...}");
        json_t *rules = fault_json(s->d.fault);
        char *b = rules != NULL ? json_dumps(rules, JSON_COMPACT) : NULL;
        json_decref(rules);
        return b != NULL ? server_send(c, 200, "application/json", b, strlen(b), NULL) : MHD_NO;
    }
    return server_error(c, 404, "not_found", "no such admin route");
}

static enum MHD_Result server_admin(struct server *s, struct MHD_Connection *c, const char *url,
                                    const char *method, struct sbx_conn *sc)
{
    if (!server_loopback(c))
        return server_error(c, 403, "forbidden", "the admin API answers loopback peers only");
    const char *path = url + strlen("/_sandbox");
    struct sbuf b;
    if (strcmp(method, "GET") == 0) {
        sbuf_init(&b, 4096);
        if (strcmp(path, "/health") == 0) {
            sbuf_puts(&b, "{\"status\":\"ok\"}");
            return server_json(c, 200, &b);
        }
        if (strcmp(path, "/ledger") == 0) {
            ledger_summary(s->d.ledger, &b);
            return server_json(c, 200, &b);
        }
        sbuf_free(&b);
        if (strcmp(path, "/stats") == 0)
            return server_admin_stats(s, c);
        return server_error(c, 404, "not_found", "no such admin route");
    }
    if (strcmp(method, "DELETE") == 0 && strcmp(path, "/faults") == 0) {
        json_t *cur = fault_json(s->d.fault);
        uint64_t seed = (uint64_t)json_integer_value(json_object_get(cur, "seed"));
        json_decref(cur);
        fault_reset(s->d.fault, seed);
        return server_admin_stats(s, c);
    }
    if (strcmp(method, "POST") != 0)
        return server_error(c, 405, "method_not_allowed", "admin routes take GET or POST");
    json_t *in =
        sc->body.len == 0 ? json_object() : json_loadb(sc->body.data, sc->body.len, 0, NULL);
    enum MHD_Result ret = json_is_object(in) ? server_admin_post(s, c, path, in)
                                             : server_error(c, 400, "validation_error",
                                                            "the body must be a JSON object");
    json_decref(in);
    return ret;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static enum MHD_Result server_access(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version,
                                     const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    enum MHD_Result ret;
    if (sbx_http_upload(con_cls, PO_BODY_MAX, upload_data, upload_size, &ret))
        return ret;
    struct sbx_conn *sc = *con_cls;
    if (sc->body.failed)
        return server_error(c, 413, "request_too_large", "request body too large");
    if (strncmp(url, PO_API "/", strlen(PO_API) + 1) == 0)
        return server_api(s, c, url + strlen(PO_API), method);
    if (strncmp(url, "/_sandbox/", 10) == 0)
        return server_admin(s, c, url, method, sc);
    return server_error(c, 404, "not_found", "The requested endpoint does not exist");
}

struct server *server_start(const char *host, unsigned port, const struct server_deps *deps,
                            char *err, size_t errlen)
{
    struct server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->d = *deps;
    pthread_mutex_init(&s->lock, NULL);
    s->daemon = sbx_http_start(host, port, server_access, s, (unsigned)PO_CONN_MAX,
                               (unsigned)PO_CONN_TO_S, err, errlen);
    if (s->daemon == NULL) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    return s;
}

void server_stop(struct server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../sbuf.h"
#include "../sbx_http.h"
#include "../vclock.h"
#include "api.h"
#include "carrier.h"
#include "scenario.h"

#define SERVER_PREFIX "/track/v2.2/"

struct server {
    struct MHD_Daemon *daemon;
    struct server_deps d;
    pthread_mutex_t lock; /* guards the settings below */
    bool http401;
    char allow[TK_ALLOW_IP_MAX][INET6_ADDRSTRLEN];
    size_t nallow;
    /* Counters for the client's limits (GET /_sandbox/stats), guarded by lock. */
    int64_t calls, refused_429, max_items, register_accepted, register_duplicates;
};

/* Counts one answered call: its items and, for register, what was accepted or a repeat. */
static void server_count(struct server *s, const char *name, const struct sbuf *body,
                         const json_t *out)
{
    json_t *in = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
    int64_t items = json_is_array(in) ? (int64_t)json_array_size(in) : 0, acc = 0, dup = 0;
    json_decref(in);
    const json_t *data = json_object_get(out, "data");
    if (strcmp(name, "register") == 0) {
        size_t i;
        const json_t *it;
        acc = (int64_t)json_array_size(json_object_get(data, "accepted"));
        json_array_foreach(json_object_get(data, "rejected"), i, it) dup +=
            json_integer_value(json_object_get(json_object_get(it, "error"), "code")) == -18019901;
    }
    pthread_mutex_lock(&s->lock);
    s->calls++;
    if (items > s->max_items)
        s->max_items = items;
    s->register_accepted += acc;
    s->register_duplicates += dup;
    pthread_mutex_unlock(&s->lock);
}

static json_t *server_stats_json(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I}", "calls", (json_int_t)s->calls, "refused_429",
                          (json_int_t)s->refused_429, "max_items", (json_int_t)s->max_items,
                          "register_accepted", (json_int_t)s->register_accepted,
                          "register_duplicates", (json_int_t)s->register_duplicates);
    pthread_mutex_unlock(&s->lock);
    return j;
}

static enum MHD_Result server_send(struct MHD_Connection *c, unsigned status, const char *ctype,
                                   char *body, const char *allow)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (allow != NULL)
        MHD_add_response_header(r, "Allow", allow);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Sends doc (stolen) as JSON. */
static enum MHD_Result server_json(struct MHD_Connection *c, unsigned status, json_t *doc)
{
    char *b = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (b != NULL)
        return server_send(c, status, "application/json", b, NULL);
    b = strdup("{\"code\":-18010003}"); /* out of memory */
    return b != NULL ? server_send(c, 500, "application/json", b, NULL) : MHD_NO;
}

static enum MHD_Result server_admin_error(struct MHD_Connection *c, unsigned status,
                                          const char *msg)
{
    return server_json(c, status, json_pack("{s:{s:s}}", "error", "message", msg));
}

static bool server_peer(struct MHD_Connection *c, char *ip, size_t len, bool *loopback)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    ip[0] = '\0';
    *loopback = false;
    if (ci == NULL || ci->client_addr == NULL || ci->client_addr->sa_family != AF_INET)
        return false;
    const struct sockaddr_in *in = (const struct sockaddr_in *)ci->client_addr;
    inet_ntop(AF_INET, &in->sin_addr, ip, (socklen_t)len);
    *loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    return true;
}

/* ---- the 17TRACK API --------------------------------------------------------------------- */

static enum MHD_Result server_api(struct server *s, struct MHD_Connection *c, const char *name,
                                  struct sbx_conn *sc)
{
    char ip[INET6_ADDRSTRLEN];
    bool loopback;
    server_peer(c, ip, sizeof ip, &loopback);
    pthread_mutex_lock(&s->lock);
    bool allowed = s->nallow == 0, http401 = s->http401;
    for (size_t i = 0; i < s->nallow && !allowed; i++)
        allowed = strcmp(s->allow[i], ip) == 0;
    pthread_mutex_unlock(&s->lock);
    if (!allowed)
        return server_json(c, 401, api_error(-18010001, NULL));
    const char *token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "17token");
    bool key_ok = false;
    for (size_t i = 0; token != NULL && i < s->d.nkeys && !key_ok; i++)
        key_ok = strcmp(s->d.keys[i], token) == 0;
    if (!key_ok)
        return server_json(c, http401 ? 401 : 200, api_error(-18010002, NULL));
    if (!rate_take(s->d.rate, token)) {
        pthread_mutex_lock(&s->lock);
        s->refused_429++;
        pthread_mutex_unlock(&s->lock);
        return server_json(c, 429, api_error(429, NULL));
    }
    struct fault_action fa;
    fault_pick(s->d.fault, &fa);
    vclock_sleep_ms(fa.latency_ms);
    if (fa.kind == FAULT_RESET)
        return MHD_NO;
    if (fa.kind == FAULT_HTTP) {
        char text[64];
        snprintf(text, sizeof text, "upstream error %d\n", fa.http_status);
        char *b = strdup(text);
        return b != NULL ? server_send(c, (unsigned)fa.http_status, "text/plain", b, NULL) : MHD_NO;
    }
    if (fa.kind == FAULT_SYSTEM)
        return server_json(c, 200, api_error(-18010003, NULL));
    if (fa.kind == FAULT_MALFORMED) {
        char *b = strdup("{\"code\":0,\"data\":<html>");
        return b != NULL ? server_send(c, 200, "application/json", b, NULL) : MHD_NO;
    }
    json_t *out = api_handle(s->d.registry, name, sc->body.data ? sc->body.data : "", sc->body.len);
    registry_tick(s->d.registry);
    server_count(s, name, &sc->body, out);
    if (fa.kind == FAULT_TRUNCATED) {
        /* The call took effect; the answer stops halfway (a complete HTTP message whose JSON
         * ends mid-document). */
        char *b = out != NULL ? json_dumps(out, JSON_COMPACT) : NULL;
        json_decref(out);
        if (b == NULL)
            return MHD_NO;
        b[strlen(b) / 2] = '\0';
        return server_send(c, 200, "application/json", b, NULL);
    }
    return server_json(c, 200, out);
}

/* ---- admin API --------------------------------------------------------------------------- */

static json_t *server_clock_json(void)
{
    char s[32];
    scenario_format_utc(vclock_now(), s, sizeof s);
    return json_pack("{s:I, s:s, s:I}", "now", (json_int_t)vclock_now(), "now_utc", s, "shift",
                     (json_int_t)vclock_shift());
}

static json_t *server_auth_json(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    json_t *allow = json_array();
    for (size_t i = 0; i < s->nallow; i++)
        json_array_append_new(allow, json_string(s->allow[i]));
    json_t *o = json_pack("{s:s, s:o}", "mode", s->http401 ? "http401" : "code", "allow_ip", allow);
    pthread_mutex_unlock(&s->lock);
    return o;
}

/* POST /_sandbox/auth {"mode":"http401"|"code", "allow_ip":[...]} */
static enum MHD_Result server_admin_auth(struct server *s, struct MHD_Connection *c, json_t *in)
{
    const char *mode = json_string_value(json_object_get(in, "mode"));
    json_t *allow = json_object_get(in, "allow_ip");
    if (mode != NULL && strcmp(mode, "http401") != 0 && strcmp(mode, "code") != 0)
        return server_admin_error(c, 400, "mode must be http401 or code");
    if (allow != NULL && (!json_is_array(allow) || json_array_size(allow) > TK_ALLOW_IP_MAX))
        return server_admin_error(c, 400, "allow_ip must be an array of up to 16 IPv4 addresses");
    size_t i;
    json_t *v;
    struct in_addr a;
    json_array_foreach(allow, i, v) if (
        !json_is_string(v) ||
        inet_pton(AF_INET, json_string_value(v), &a) !=
            1) return server_admin_error(c, 400,
                                         "allow_ip must be an array of up to 16 IPv4 addresses");
    pthread_mutex_lock(&s->lock);
    if (mode != NULL)
        s->http401 = strcmp(mode, "http401") == 0;
    if (allow != NULL) {
        s->nallow = 0;
        json_array_foreach(allow, i, v)
            snprintf(s->allow[s->nallow++], sizeof s->allow[0], "%s", json_string_value(v));
    }
    pthread_mutex_unlock(&s->lock);
    return server_json(c, 200, server_auth_json(s));
}

/* POST /_sandbox/clock: shift or advance the virtual clock. */
static enum MHD_Result server_admin_clock(struct server *s, struct MHD_Connection *c, json_t *in)
{
    json_t *shift = json_object_get(in, "shift"), *adv = json_object_get(in, "advance");
    if ((shift != NULL && !json_is_integer(shift)) || (adv != NULL && !json_is_integer(adv)) ||
        (adv != NULL &&
         (json_integer_value(adv) < 0 || json_integer_value(adv) > TK_CLOCK_ADVANCE_MAX)))
        return server_admin_error(c, 400, "want {\"advance\":0..315360000} or {\"shift\":s}");
    if (shift != NULL)
        vclock_set_shift(json_integer_value(shift));
    else if (adv != NULL)
        vclock_advance(json_integer_value(adv));
    registry_tick(s->d.registry);
    push_kick(s->d.push);
    return server_json(c, 200, server_clock_json());
}

/* POST /_sandbox/scenario: force a scenario on a number. */
static enum MHD_Result server_admin_scenario(struct server *s, struct MHD_Connection *c, json_t *in)
{
    const char *number = json_string_value(json_object_get(in, "number"));
    int id = scenario_by_name(json_string_value(json_object_get(in, "scenario")));
    if (number == NULL || strlen(number) > TK_NUMBER_MAX || id < 0)
        return server_admin_error(c, 400,
                                  "want {\"number\", \"scenario\"} with a scenario "
                                  "named in GET /_sandbox/scenarios");
    char up[TK_NUMBER_MAX + 1];
    size_t i = 0;
    for (; number[i]; i++)
        up[i] = (char)(number[i] >= 'a' && number[i] <= 'z' ? number[i] - 32 : number[i]);
    up[i] = '\0';
    if (!registry_force(s->d.registry, up, id))
        return server_admin_error(c, 507, "too many forced scenarios");
    return server_json(
        c, 200,
        json_pack("{s:s, s:s}", "number", up, "scenario", scenario_name((enum scenario_id)id)));
}

/* POST /_sandbox/quota: set the quota counters. */
static enum MHD_Result server_admin_quota(struct server *s, struct MHD_Connection *c, json_t *in)
{
    json_t *t = json_object_get(in, "total"), *d = json_object_get(in, "max_track_daily"),
           *u = json_object_get(in, "used");
    if ((t != NULL && (!json_is_integer(t) || json_integer_value(t) < 0)) ||
        (d != NULL && (!json_is_integer(d) || json_integer_value(d) < 0)) ||
        (u != NULL && (!json_is_integer(u) || json_integer_value(u) < 0)))
        return server_admin_error(c, 400, "total, max_track_daily and used are integers >= 0");
    registry_quota_set(s->d.registry, t ? json_integer_value(t) : -1,
                       d ? json_integer_value(d) : -1, u ? json_integer_value(u) : -1);
    return server_json(c, 200, registry_quota_json(s->d.registry));
}

static enum MHD_Result server_admin_post(struct server *s, struct MHD_Connection *c,
                                         const char *path, json_t *in)
{
    char err[256] = "";
    if (strcmp(path, "/clock") == 0)
        return server_admin_clock(s, c, in);
    if (strcmp(path, "/scenario") == 0)
        return server_admin_scenario(s, c, in);
    if (strcmp(path, "/quota") == 0)
        return server_admin_quota(s, c, in);
    if (strcmp(path, "/ratelimit") == 0) {
        json_t *l = json_object_get(in, "limit");
        if (!json_is_integer(l) || json_integer_value(l) < 0 || json_integer_value(l) > TK_RATE_MAX)
            return server_admin_error(c, 400, "limit must be 0 (off) to 1000 per second");
        rate_set(s->d.rate, (int)json_integer_value(l));
        return server_json(c, 200, json_pack("{s:i}", "limit", rate_get(s->d.rate)));
    }
    if (strcmp(path, "/auth") == 0)
        return server_admin_auth(s, c, in);
    if (strcmp(path, "/webhook") == 0) {
        json_t *url = json_object_get(in, "url"), *dup = json_object_get(in, "duplicate"),
               *ooo = json_object_get(in, "out_of_order");
        if ((url != NULL && !json_is_string(url)) || (dup != NULL && !json_is_boolean(dup)) ||
            (ooo != NULL && !json_is_boolean(ooo)))
            return server_admin_error(c, 400,
                                      "want {\"url\":s, \"duplicate\":b, "
                                      "\"out_of_order\":b}");
        if (!push_configure(s->d.push, json_string_value(url), dup ? json_is_true(dup) : -1,
                            ooo ? json_is_true(ooo) : -1, err, sizeof err))
            return server_admin_error(c, 400, err);
        return server_json(c, 200, push_json(s->d.push));
    }
    if (strcmp(path, "/carriers") == 0) {
        if (!carrier_rule_add(json_string_value(json_object_get(in, "pattern")),
                              (int)json_integer_value(json_object_get(in, "carrier")),
                              (int)json_integer_value(json_object_get(in, "origin")), err,
                              sizeof err))
            return server_admin_error(c, 400, err);
        return server_json(c, 200, carrier_json());
    }
    if (strcmp(path, "/faults") == 0) {
        const char *kind = json_string_value(json_object_get(in, "kind"));
        json_t *pv = json_object_get(in, "probability");
        int param = (int)json_integer_value(json_object_get(in, "latency_ms")) +
                    (int)json_integer_value(json_object_get(in, "status"));
        if (kind == NULL || !fault_add(s->d.fault, kind, pv != NULL ? json_number_value(pv) : 1.0,
                                       (int)json_integer_value(json_object_get(in, "count")), param,
                                       err, sizeof err))
            return server_admin_error(c, 400, err[0] ? err : "want {\"kind\", ...}");
        return server_json(c, 200, fault_json(s->d.fault));
    }
    return server_admin_error(c, 404, "no such admin route");
}

static enum MHD_Result server_admin(struct server *s, struct MHD_Connection *c, const char *url,
                                    const char *method, struct sbx_conn *sc)
{
    char ip[INET6_ADDRSTRLEN];
    bool loopback;
    if (!server_peer(c, ip, sizeof ip, &loopback) || !loopback)
        return server_admin_error(c, 403, "the admin API answers loopback peers only");
    const char *path = url + strlen("/_sandbox");
    if (strcmp(method, "GET") == 0) {
        if (strcmp(path, "/health") == 0)
            return server_json(c, 200, json_pack("{s:s}", "status", "ok"));
        if (strcmp(path, "/clock") == 0)
            return server_json(c, 200, server_clock_json());
        if (strcmp(path, "/scenarios") == 0)
            return server_json(c, 200, scenario_catalog_json());
        if (strcmp(path, "/truth") == 0) {
            const char *n = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "number");
            json_t *t = registry_truth(s->d.registry, n);
            return t != NULL ? server_json(c, 200, t)
                             : server_admin_error(c, 404, "number not registered");
        }
        if (strcmp(path, "/quota") == 0)
            return server_json(c, 200, registry_quota_json(s->d.registry));
        if (strcmp(path, "/ratelimit") == 0)
            return server_json(c, 200, json_pack("{s:i}", "limit", rate_get(s->d.rate)));
        if (strcmp(path, "/auth") == 0)
            return server_json(c, 200, server_auth_json(s));
        if (strcmp(path, "/webhook") == 0)
            return server_json(c, 200, push_json(s->d.push));
        if (strcmp(path, "/carriers") == 0)
            return server_json(c, 200, carrier_json());
        if (strcmp(path, "/stats") == 0)
            return server_json(c, 200, server_stats_json(s));
        if (strcmp(path, "/faults") == 0)
            return server_json(c, 200, fault_json(s->d.fault));
        return server_admin_error(c, 404, "no such admin route");
    }
    if (strcmp(method, "DELETE") == 0 && strcmp(path, "/faults") == 0) {
        json_t *cur = fault_json(s->d.fault);
        uint64_t seed = (uint64_t)json_integer_value(json_object_get(cur, "seed"));
        json_decref(cur);
        fault_reset(s->d.fault, seed);
        return server_json(c, 200, fault_json(s->d.fault));
    }
    if (strcmp(method, "POST") != 0)
        return server_admin_error(c, 405, "admin routes take GET or POST");
    json_t *in =
        sc->body.len == 0 ? json_object() : json_loadb(sc->body.data, sc->body.len, 0, NULL);
    enum MHD_Result ret = json_is_object(in)
                              ? server_admin_post(s, c, path, in)
                              : server_admin_error(c, 400, "the body must be a JSON object");
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
    if (sbx_http_upload(con_cls, TK_BODY_MAX, upload_data, upload_size, &ret))
        return ret;
    struct sbx_conn *sc = *con_cls;
    if (sc->body.failed) {
        char *b = strdup("request body too large\n");
        return b != NULL ? server_send(c, 413, "text/plain", b, NULL) : MHD_NO;
    }
    if (strncmp(url, SERVER_PREFIX, strlen(SERVER_PREFIX)) == 0 &&
        api_known(url + strlen(SERVER_PREFIX))) {
        if (strcmp(method, "POST") != 0) {
            char *b = strdup("method not allowed\n");
            return b != NULL ? server_send(c, 405, "text/plain", b, "POST") : MHD_NO;
        }
        return server_api(s, c, url + strlen(SERVER_PREFIX), sc);
    }
    if (strncmp(url, "/_sandbox/", 10) == 0)
        return server_admin(s, c, url, method, sc);
    char *b = strdup("not found\n");
    return b != NULL ? server_send(c, 404, "text/plain", b, NULL) : MHD_NO;
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
    s->http401 = deps->auth_http401;
    pthread_mutex_init(&s->lock, NULL);
    s->daemon = sbx_http_start(host, port, server_access, s, (unsigned)TK_CONN_MAX,
                               (unsigned)TK_CONN_TIMEOUT_S, err, errlen);
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

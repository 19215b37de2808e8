#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/parse.h"

#define SERVER_NO_ROUTE    SIZE_MAX
#define SERVER_RID_MAX     64
#define SERVER_PROXIES_MAX 16
#define SERVER_IP_MAX      INET6_ADDRSTRLEN
#define SERVER_WARN_EVERY  (10ull * 1000000000ull) /* a repeated warning at most every 10 s */

/* An address prefix: family, 16 bytes (IPv4 in the first 4) and the prefix length. */
struct server_net {
    int family;
    unsigned char addr[16];
    unsigned bits;
};

/* A client with requests in flight (one slot per real client address). */
struct server_client {
    char ip[SERVER_IP_MAX];
    unsigned n;
};

/* A warning logged at most once per SERVER_WARN_EVERY, with how many were held back. */
struct server_warn {
    _Atomic uint64_t last_ns;
    _Atomic long held;
};

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_opts opts;
    unsigned port;
    _Atomic long in_flight;
    struct server_net proxies[SERVER_PROXIES_MAX];
    size_t nproxies;
    unsigned per_client;
    pthread_mutex_t clients_lock;
    struct server_client clients[LIMIT_HTTP_MAX_CONNS];
    struct server_warn warn_mhd, warn_client;
};

/* One request's state, from the URI callback to the completion callback. */
struct http_ctx {
    struct http_server *srv;
    struct http_req req;
    struct http_resp resp;
    struct buf body;
    size_t uri_len;         /* of the raw request target, for the length check */
    int64_t content_length; /* -1: none (chunked or no body) */
    size_t route;
    uint64_t start_ns;
    bool started;
    bool too_big;
    bool queued;
    bool counted; /* holds a slot in srv->clients under req.client_ip */
};

/* The largest body any route takes: body_max, or upload_max when that is larger. */
static size_t server_body_cap(const struct http_server *srv)
{
    return srv->opts.upload_max > srv->opts.body_max ? srv->opts.upload_max : srv->opts.body_max;
}

/* True when this warning may be logged now; *held gets how many were held back since. */
static bool server_warn_due(struct server_warn *w, long *held)
{
    uint64_t now = clock_mono_ns(), last = atomic_load(&w->last_ns);
    if (last != 0 && now - last < SERVER_WARN_EVERY) {
        atomic_fetch_add(&w->held, 1);
        return false;
    }
    if (!atomic_compare_exchange_strong(&w->last_ns, &last, now)) {
        atomic_fetch_add(&w->held, 1);
        return false;
    }
    *held = atomic_exchange(&w->held, 0);
    return true;
}

static void server_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct http_server *srv = cls;
    long held = 0;
    if (srv != NULL && !server_warn_due(&srv->warn_mhd, &held))
        return; /* a flood (e.g. the connection limit) logs once per interval */
    char msg[512], n[24];
    snprintf(n, sizeof n, "%ld", held);
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    while (len > 0 && msg[len - 1] == '\n')
        msg[--len] = '\0';
    log_kv(LOG_WARN, "http.mhd", "message", msg, "held_back", n, NULL);
}

static void *server_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    struct http_server *srv = cls;
    struct http_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return NULL;
    ctx->req.arena = arena_new(LIMIT_HTTP_ARENA_BYTES);
    if (ctx->req.arena == NULL) {
        free(ctx);
        return NULL;
    }
    ctx->srv = srv;
    ctx->route = SERVER_NO_ROUTE;
    ctx->start_ns = clock_mono_ns();
    ctx->uri_len = strlen(uri);
    ctx->body.max = server_body_cap(srv);
    ctx->content_length = -1;
    atomic_fetch_add(&srv->in_flight, 1);
    return ctx;
}

static void server_client_release(struct http_server *srv, const char *ip);

static void server_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                                enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct http_server *srv = cls;
    struct http_ctx *ctx = *con_cls;
    if (ctx == NULL)
        return;
    if (ctx->counted)
        server_client_release(srv, ctx->req.client_ip);
    json_decref(ctx->req.json);
    buf_free(&ctx->body);
    buf_free(&ctx->resp.body);
    arena_free(ctx->req.arena);
    free(ctx);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static bool server_rid_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SERVER_RID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static const char *server_make_rid(struct http_ctx *ctx, struct MHD_Connection *conn)
{
    const char *given = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
    if (given != NULL && server_rid_valid(given))
        return arena_strdup(ctx->req.arena, given);
    /* 16 hex digits, unique per process: a per-thread random seed (one getrandom() per thread)
     * and a counter, mixed by splitmix64 (a bijection, so no two counts of a thread collide).
     * Correlation ids, not secrets: no system call and no printf per request. */
    static _Thread_local uint64_t seed, count;
    if (seed == 0 && (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed || seed == 0))
        seed = clock_mono_ns() | 1;
    uint64_t z = seed + ++count * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    static const char hexd[] = "0123456789abcdef";
    char *rid = arena_alloc(ctx->req.arena, 17);
    if (rid == NULL)
        return NULL;
    for (int i = 15; i >= 0; i--, z >>= 4)
        rid[i] = hexd[z & 15];
    rid[16] = '\0';
    return rid;
}

/* Parses "a.b.c.d", "x::y", optionally "/bits", into n; false when it is not one. */
static bool server_net_parse(const char *s, size_t len, struct server_net *n)
{
    char text[SERVER_IP_MAX + 8];
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    char *slash = strchr(text, '/');
    int64_t bits = -1;
    if (slash != NULL) {
        *slash = '\0';
        if (parse_int64(slash + 1, 0, 128, &bits) != ERR_OK)
            return false;
    }
    memset(n, 0, sizeof *n);
    if (inet_pton(AF_INET, text, n->addr) == 1) {
        n->family = AF_INET;
        n->bits = bits < 0 ? 32 : (unsigned)bits;
        return n->bits <= 32;
    }
    if (inet_pton(AF_INET6, text, n->addr) == 1) {
        n->family = AF_INET6;
        n->bits = bits < 0 ? 128 : (unsigned)bits;
        return true;
    }
    return false;
}

static bool server_net_contains(const struct server_net *net, const struct server_net *ip)
{
    if (net->family != ip->family)
        return false;
    unsigned full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, ip->addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (ip->addr[full] & mask);
}

/* Fills nets from the comma-separated list; ERR_CONFIG naming a bad entry. */
ERR_MUST_USE static enum err server_proxies_parse(const char *list, struct server_net *nets,
                                                  size_t *count, struct errbuf *eb)
{
    *count = 0;
    const char *p = list != NULL ? list : "";
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == 0)
            break;
        if (*count >= SERVER_PROXIES_MAX)
            return err_set(eb, ERR_CONFIG, "bad_configuration",
                           "AICOS_TRUSTED_PROXIES: at most %d entries.", SERVER_PROXIES_MAX);
        if (!server_net_parse(p, len, &nets[*count]))
            return err_set(eb, ERR_CONFIG, "bad_configuration",
                           "AICOS_TRUSTED_PROXIES: \"%.*s\" is not an IP address or CIDR prefix.",
                           (int)(len > 64 ? 64 : len), p);
        (*count)++;
        p += len;
    }
    return ERR_OK;
}

enum err http_server_check_proxies(const char *list, struct errbuf *eb)
{
    struct server_net nets[SERVER_PROXIES_MAX];
    size_t n;
    return server_proxies_parse(list, nets, &n, eb);
}

static bool server_is_proxy(const struct http_server *srv, const char *ip, size_t len)
{
    struct server_net a;
    if (!server_net_parse(ip, len, &a) || a.bits != (a.family == AF_INET ? 32u : 128u))
        return false;
    for (size_t i = 0; i < srv->nproxies; i++)
        if (server_net_contains(&srv->proxies[i], &a))
            return true;
    return false;
}

/*
 * The real client: the peer address, unless the peer is a trusted proxy; then the rightmost
 * X-Forwarded-For entry that is not itself a trusted proxy (entries further left were written
 * by the client and prove nothing).
 */
static const char *server_client_ip(struct http_ctx *ctx, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[SERVER_IP_MAX] = "unknown";
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip,
                      sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                      sizeof ip);
    }
    const struct http_server *srv = ctx->srv;
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (xff == NULL || srv->nproxies == 0 || !server_is_proxy(srv, ip, strlen(ip)))
        return arena_strdup(ctx->req.arena, ip);
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && xff[a] == ' ')
            a++;
        while (b > a && xff[b - 1] == ' ')
            b--;
        struct server_net one;
        if (!server_net_parse(xff + a, b - a, &one) || memchr(xff + a, '/', b - a) != NULL)
            break; /* not an address: keep the last trusted hop */
        snprintf(ip, sizeof ip, "%.*s", (int)(b - a), xff + a);
        if (!server_is_proxy(srv, xff + a, b - a))
            break;
        end = start > 0 ? start - 1 : 0;
    }
    return arena_strdup(ctx->req.arena, ip);
}

/* Takes a slot for ip; false when that client already has per_client requests in flight. */
static bool server_client_acquire(struct http_server *srv, const char *ip)
{
    bool ok = true;
    pthread_mutex_lock(&srv->clients_lock);
    struct server_client *free_slot = NULL, *mine = NULL;
    for (size_t i = 0; i < LIMIT_HTTP_MAX_CONNS && mine == NULL; i++) {
        struct server_client *c = &srv->clients[i];
        if (c->n == 0 && free_slot == NULL)
            free_slot = c;
        else if (c->n > 0 && strcmp(c->ip, ip) == 0)
            mine = c;
    }
    if (mine == NULL && free_slot != NULL) {
        mine = free_slot;
        snprintf(mine->ip, sizeof mine->ip, "%s", ip);
    }
    if (mine != NULL && mine->n >= srv->per_client)
        ok = false;
    else if (mine != NULL)
        mine->n++;
    pthread_mutex_unlock(&srv->clients_lock);
    return ok;
}

static void server_client_release(struct http_server *srv, const char *ip)
{
    pthread_mutex_lock(&srv->clients_lock);
    for (size_t i = 0; i < LIMIT_HTTP_MAX_CONNS; i++) {
        struct server_client *c = &srv->clients[i];
        if (c->n > 0 && strcmp(c->ip, ip) == 0) {
            c->n--;
            break;
        }
    }
    pthread_mutex_unlock(&srv->clients_lock);
}

struct server_header_stats {
    unsigned content_length;
    unsigned transfer_encoding;
    unsigned host;
    bool nul;        /* a NUL byte inside a header name or value */
    bool te_unknown; /* a Transfer-Encoding other than exactly "chunked" */
    size_t bytes;
    const char *content_length_value;
};

static enum MHD_Result server_count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                           size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct server_header_stats *st = cls;
    st->bytes += key_size + value_size + 4;
    if (strlen(key) != key_size || (value != NULL && strlen(value) != value_size))
        st->nul = true;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        st->content_length++;
        st->content_length_value = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        st->transfer_encoding++;
        /* Only "chunked" is framed by libmicrohttpd; anything else ("chunked, identity",
         * "xchunked") would leave the body's length unknown and the request hanging. */
        if (value == NULL || strcasecmp(value, "chunked") != 0)
            st->te_unknown = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
        st->host++;
    }
    return MHD_YES;
}

/* True when the Content-Type is type (parameters such as charset=utf-8 allowed). */
static bool server_is_type(const char *ct, const char *type)
{
    if (ct == NULL)
        return false;
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0)
        return false;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static void server_add_standard_headers(struct MHD_Response *r, const struct http_ctx *ctx)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            ctx->resp.content_type ? ctx->resp.content_type : "application/json");
    if (ctx->req.rid != NULL)
        MHD_add_response_header(r, "X-Request-Id", ctx->req.rid);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    /* same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on the
     * console's own form posts, and the Origin check (api_check_origin) refuses them. */
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    for (unsigned i = 0; i < ctx->resp.nheaders; i++)
        MHD_add_response_header(r, ctx->resp.headers[i].name, ctx->resp.headers[i].value);
}

static enum MHD_Result server_queue(struct http_ctx *ctx, struct MHD_Connection *conn)
{
    if (ctx->resp.status == 0)
        ctx->resp.status = 200;
    const char *ct = ctx->resp.content_type;
    if (ctx->resp.status >= 400 && ctx->srv->opts.error_page != NULL &&
        (ct == NULL || strcmp(ct, "application/json") == 0))
        ctx->srv->opts.error_page(
            &ctx->req, ctx->route == SERVER_NO_ROUTE ? NULL : &ctx->srv->opts.routes[ctx->route],
            &ctx->resp);
    /* The body lives in ctx until server_on_completed, after the response is sent: no copy. */
    struct MHD_Response *r = MHD_create_response_from_buffer(
        ctx->resp.body.len, ctx->resp.body.data ? ctx->resp.body.data : (char *)"",
        MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    server_add_standard_headers(r, ctx);
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)ctx->resp.status, r);
    MHD_destroy_response(r);
    ctx->queued = true;

    uint64_t dur = clock_mono_ns() - ctx->start_ns;
    metrics_observe(ctx->srv->opts.metrics, ctx->route, ctx->resp.status, dur);
    enum log_level lvl = ctx->resp.status >= 500 ? LOG_ERROR : LOG_INFO;
    if (log_enabled(lvl)) {
        char status[8], ms[32], bytes[24];
        snprintf(status, sizeof status, "%d", ctx->resp.status);
        snprintf(ms, sizeof ms, "%.3f", (double)dur / 1e6);
        snprintf(bytes, sizeof bytes, "%zu", ctx->resp.body.len);
        const char *route =
            ctx->route == SERVER_NO_ROUTE ? "unmatched" : ctx->srv->opts.routes[ctx->route].pattern;
        log_kv(lvl, "http.request", "rid", ctx->req.rid, "ip", ctx->req.client_ip, "method",
               ctx->req.method, "path", ctx->req.path, "route", route, "status", status, "ms", ms,
               "bytes", bytes, NULL);
    }
    return ok;
}

static enum MHD_Result server_fail(struct http_ctx *ctx, struct MHD_Connection *conn, enum err e,
                                   const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static enum MHD_Result server_fail(struct http_ctx *ctx, struct MHD_Connection *conn, enum err e,
                                   const char *code, const char *fmt, ...)
{
    struct errbuf eb;
    snprintf(eb.code, sizeof eb.code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(eb.msg, sizeof eb.msg, fmt, ap);
    va_end(ap);
    http_resp_error(&ctx->resp, e, &eb);
    return server_queue(ctx, conn);
}

/* Same as server_fail, with an explicit status that enum err does not express (414, 431). */
static enum MHD_Result server_fail_status(struct http_ctx *ctx, struct MHD_Connection *conn,
                                          int status, const char *code, const char *message)
{
    buf_reset(&ctx->resp.body);
    /* Out of memory leaves the body empty; the status still says what happened. */
    err_discard(json_error_body(&ctx->resp.body, code, message));
    ctx->resp.status = status;
    ctx->resp.content_type = "application/json";
    return server_queue(ctx, conn);
}

/* Answers a refusal from the auth hook: pages send anonymous callers to the sign-in page. */
static enum MHD_Result server_refuse(struct http_ctx *ctx, struct MHD_Connection *conn,
                                     const struct route *route, enum err e, const struct errbuf *eb)
{
    if (e == ERR_AUTH && (route->flags & ROUTE_PAGE)) {
        ctx->resp.nheaders = 0;
        if (http_resp_redirect(&ctx->resp, "/login") == ERR_OK)
            return server_queue(ctx, conn);
    }
    http_resp_error(&ctx->resp, e, eb);
    return server_queue(ctx, conn);
}

/*
 * The checks on the request line and headers: URL and header sizes, NUL bytes, Host, framing
 * (Transfer-Encoding, Content-Length) and the declared body size. On a refusal *refused is set
 * and the result is the queued refusal's.
 */
static enum MHD_Result server_check_headers(struct http_ctx *ctx, struct MHD_Connection *conn,
                                            const char *version, bool *refused)
{
    struct http_server *srv = ctx->srv;
    *refused = true;
    if (ctx->uri_len > LIMIT_HTTP_URL_BYTES)
        return server_fail_status(ctx, conn, 414, "uri_too_long",
                                  "The request URL is longer than the limit of 2048 bytes.");

    struct server_header_stats st = {0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, server_count_header, &st);
    if (st.bytes > LIMIT_HTTP_HEADER_BYTES)
        return server_fail_status(ctx, conn, 431, "headers_too_large",
                                  "The request headers are larger than the limit of 16384 bytes.");
    if (st.nul)
        return server_fail(ctx, conn, ERR_BADREQ, "bad_header",
                           "A request header contains a NUL byte.");
    if (st.host != 1 && version != NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
        return server_fail(ctx, conn, ERR_BADREQ, st.host == 0 ? "host_missing" : "duplicate_host",
                           "An HTTP/1.1 request must carry exactly one Host header.");
    if (st.transfer_encoding > 1 || st.te_unknown)
        return server_fail(ctx, conn, ERR_BADREQ, "unsupported_transfer_encoding",
                           "The only Transfer-Encoding accepted is a single \"chunked\".");
    if (st.content_length > 1)
        return server_fail(ctx, conn, ERR_BADREQ, "duplicate_content_length",
                           "The request has more than one Content-Length header.");
    if (st.content_length > 0 && st.transfer_encoding > 0)
        return server_fail(ctx, conn, ERR_BADREQ, "content_length_with_transfer_encoding",
                           "The request has both Content-Length and Transfer-Encoding.");
    if (st.content_length == 1) {
        int64_t cl;
        if (parse_int64(st.content_length_value, 0, INT64_MAX, &cl) != ERR_OK)
            return server_fail(ctx, conn, ERR_BADREQ, "bad_content_length",
                               "The Content-Length header is not a non-negative integer.");
        /* Against the larger limit here; the route's own follows once it is known. */
        if ((uint64_t)cl > server_body_cap(srv))
            return server_fail(ctx, conn, ERR_TOOBIG, "body_too_large",
                               "The request body is larger than the limit of %zu bytes.",
                               server_body_cap(srv));
        ctx->content_length = cl;
    }
    *refused = false;
    return MHD_YES;
}

/*
 * Routing, header authentication and the body's media type. On a refusal *refused is set and
 * the result is the queued refusal's.
 */
static enum MHD_Result server_check_route(struct http_ctx *ctx, struct MHD_Connection *conn,
                                          bool *refused)
{
    struct http_server *srv = ctx->srv;
    *refused = true;
    char allow[128];
    size_t idx;
    enum router_result rr = router_match(srv->opts.routes, srv->opts.nroutes, ctx->req.method,
                                         ctx->req.path, &ctx->req, &idx, allow, sizeof allow);
    if (rr == ROUTER_NO_PATH)
        return server_fail(ctx, conn, ERR_NOTFOUND, "unknown_route",
                           "No route matches %.200s %.200s.", ctx->req.method, ctx->req.path);
    if (rr == ROUTER_NO_METHOD) {
        /* The 405 names the allowed methods in its body too, if the header cannot be added. */
        err_discard(http_resp_header(&ctx->resp, "Allow", arena_strdup(ctx->req.arena, allow)));
        return server_fail(ctx, conn, ERR_METHOD, "method_not_allowed",
                           "%.16s is not allowed on %.200s; allowed: %s.", ctx->req.method,
                           ctx->req.path, allow);
    }
    ctx->route = idx;
    const struct route *route = &srv->opts.routes[idx];
    if (srv->opts.auth != NULL) {
        struct errbuf eb = {0};
        enum err e = srv->opts.auth(&ctx->req, route, HTTP_AUTH_HEADERS, &eb);
        if (e != ERR_OK)
            return server_refuse(ctx, conn, route, e, &eb);
    }
    const char *ct =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if ((route->flags & ROUTE_JSON_BODY) && !server_is_type(ct, "application/json"))
        return server_fail(ctx, conn, ERR_MEDIA, "unsupported_media_type",
                           "This route takes a JSON body: send Content-Type: "
                           "application/json.");
    const char *form = (route->flags & ROUTE_FORM_BODY)        ? "application/x-www-form-urlencoded"
                       : (route->flags & ROUTE_MULTIPART_BODY) ? "multipart/form-data"
                                                               : NULL;
    if (form != NULL && !server_is_type(ct, form))
        return server_fail(ctx, conn, ERR_MEDIA, "unsupported_media_type",
                           "This route takes a form: send Content-Type: %s.", form);
    /* An upload form takes files up to upload_max; every other body stays under body_max. */
    ctx->body.max = (route->flags & ROUTE_MULTIPART_BODY) && srv->opts.upload_max > 0
                        ? srv->opts.upload_max
                        : srv->opts.body_max;
    if (ctx->content_length >= 0 && (uint64_t)ctx->content_length > ctx->body.max)
        return server_fail(ctx, conn, ERR_TOOBIG, "body_too_large",
                           "The request body is larger than the limit of %zu bytes.",
                           ctx->body.max);
    *refused = false;
    return MHD_YES;
}

/*
 * First call for a request: headers are in, the body is not. Everything that can be refused
 * without reading the body is refused here, so an oversized upload is never read.
 */
static enum MHD_Result server_begin(struct http_ctx *ctx, struct MHD_Connection *conn,
                                    const char *url, const char *method, const char *version)
{
    struct http_server *srv = ctx->srv;
    ctx->req.conn = conn;
    ctx->req.app = srv->opts.app;
    ctx->req.rid = server_make_rid(ctx, conn);
    ctx->req.client_ip = server_client_ip(ctx, conn);
    ctx->req.method = arena_strdup(ctx->req.arena, strcmp(method, "HEAD") == 0 ? "GET" : method);
    ctx->req.path = arena_strndup(ctx->req.arena, url, strnlen(url, LIMIT_HTTP_URL_BYTES));
    if (ctx->req.rid == NULL || ctx->req.client_ip == NULL || ctx->req.method == NULL ||
        ctx->req.path == NULL)
        return MHD_NO;

    /* Per real client, not per socket: behind a proxy every socket has the proxy's address. */
    if (!server_client_acquire(srv, ctx->req.client_ip)) {
        long held = 0;
        if (server_warn_due(&srv->warn_client, &held)) {
            char n[24];
            snprintf(n, sizeof n, "%ld", held);
            log_kv(LOG_WARN, "http.client_limit", "ip", ctx->req.client_ip, "held_back", n, NULL);
        }
        /* The 503 goes out even if the header table is full. */
        err_discard(http_resp_header(&ctx->resp, "Retry-After", "1"));
        return server_fail(ctx, conn, ERR_UNAVAILABLE, "too_many_requests_in_flight",
                           "This client has %u requests in flight already; retry in a second.",
                           srv->per_client);
    }
    ctx->counted = true;

    bool refused;
    enum MHD_Result r = server_check_headers(ctx, conn, version, &refused);
    if (refused)
        return r;
    return server_check_route(ctx, conn, &refused);
}

/* Last call: the whole body is in. Parse it if the route wants JSON, then run the handler. */
static enum MHD_Result server_dispatch(struct http_ctx *ctx, struct MHD_Connection *conn)
{
    const struct route *route = &ctx->srv->opts.routes[ctx->route];
    if (ctx->too_big)
        return server_fail(ctx, conn, ERR_TOOBIG, "body_too_large",
                           "The request body is larger than the limit of %zu bytes.",
                           ctx->body.max);
    ctx->req.body = ctx->body.data;
    ctx->req.body_len = ctx->body.len;
    struct errbuf eb = {0};
    enum err e = ERR_OK;
    const char *body = ctx->body.data ? ctx->body.data : "", *ct = NULL;
    if (route->flags & ROUTE_JSON_BODY)
        e = json_parse_strict(body, ctx->body.len, LIMIT_JSON_DEPTH, &ctx->req.json, &eb);
    else if (route->flags & ROUTE_FORM_BODY)
        e = http_req_parse_form(&ctx->req, body, ctx->body.len, &eb);
    else if ((route->flags & ROUTE_MULTIPART_BODY) &&
             (ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type")) != NULL)
        e = http_req_parse_multipart(&ctx->req, ct, body, ctx->body.len, &eb);
    if (e == ERR_OK && ctx->srv->opts.auth != NULL) {
        e = ctx->srv->opts.auth(&ctx->req, route, HTTP_AUTH_BODY, &eb);
        if (e != ERR_OK)
            return server_refuse(ctx, conn, route, e, &eb);
    }
    if (e == ERR_OK) {
        ctx->resp.status = 200;
        e = route->handler(&ctx->req, &ctx->resp, &eb);
    }
    if (e != ERR_OK) {
        if (http_status_for_err(e) >= 500)
            log_kv(LOG_ERROR, "http.handler_failed", "rid", ctx->req.rid, "error", err_code(e),
                   "detail", eb.msg, NULL);
        /* Headers the handler set stay (Retry-After, Allow); the body becomes the error. */
        http_resp_error(&ctx->resp, e, &eb);
    }
    return server_queue(ctx, conn);
}

static enum MHD_Result server_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                         const char *method, const char *version,
                                         const char *upload_data, size_t *upload_data_size,
                                         void **con_cls)
{
    (void)cls;
    struct http_ctx *ctx = *con_cls;
    if (ctx == NULL)
        return MHD_NO; /* out of memory in the URI callback */
    if (!ctx->started) {
        ctx->started = true;
        return server_begin(ctx, conn, url, method, version);
    }
    if (ctx->queued) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!ctx->too_big && buf_append(&ctx->body, upload_data, *upload_data_size) != ERR_OK)
            ctx->too_big = true; /* keep draining; answer 413 at the end */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return server_dispatch(ctx, conn);
}

enum err http_server_start(const struct http_server_opts *opts, struct http_server **out,
                           struct errbuf *eb)
{
    *out = NULL;
    for (size_t i = 0; i < opts->nroutes; i++) {
        if (!router_pattern_valid(opts->routes[i].pattern))
            return err_set(eb, ERR_INTERNAL, "bad_route", "Route pattern %s is malformed.",
                           opts->routes[i].pattern);
    }
    struct http_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return ERR_NOMEM;
    s->opts = *opts;
    s->per_client = opts->per_client ? opts->per_client : LIMIT_HTTP_PER_IP_CONNS;
    struct sockaddr_storage ss;
    enum err e = server_proxies_parse(opts->trusted_proxies, s->proxies, &s->nproxies, eb);
    if (e == ERR_OK)
        e = http_server_resolve(opts->host, opts->port, &ss, eb);
    if (e != ERR_OK) {
        free(s);
        return e;
    }
    pthread_mutex_init(&s->clients_lock, NULL);
    /* libmicrohttpd's own per-address limit closes sockets without a word; it stays only as a
     * coarse guard for direct clients (off behind a proxy, whose address all clients share).
     * The real limit is per client and answers 503 (server_client_acquire). */
    unsigned per_ip = s->nproxies > 0 ? 0 : (unsigned)LIMIT_HTTP_PER_IP_SOCKETS;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, server_on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        server_mhd_log, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opts->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)LIMIT_HTTP_CONN_TIMEOUT_S, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIMIT_HTTP_MAX_CONNS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HTTP_CONN_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, server_on_uri, s, MHD_OPTION_NOTIFY_COMPLETED,
        server_on_completed, s, MHD_OPTION_END);
    if (s->daemon == NULL) {
        pthread_mutex_destroy(&s->clients_lock);
        free(s);
        return err_set(eb, ERR_IO, "listen_failed",
                       "Cannot listen on %s:%u (address in use, or not allowed).", opts->host,
                       opts->port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di != NULL ? di->port : opts->port;
    *out = s;
    return ERR_OK;
}

unsigned http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s)
{
    if (s == NULL)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    uint64_t deadline = clock_mono_ns() + (uint64_t)LIMIT_HTTP_SHUTDOWN_WAIT_S * 1000000000u;
    while (atomic_load(&s->in_flight) > 0 && clock_mono_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    long left = atomic_load(&s->in_flight);
    if (left > 0) {
        char n[24];
        snprintf(n, sizeof n, "%ld", left);
        log_kv(LOG_WARN, "http.shutdown_timeout", "in_flight", n, NULL);
    }
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->clients_lock);
    free(s);
}

/*
 * The HTTP server: libmicrohttpd with an internal epoll thread pool, request limits,
 * routing, JSON body handling, the error format, access logs and metrics.
 */
#ifndef AICOS_HTTP_SERVER_H
#define AICOS_HTTP_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/err.h"
#include "http/metrics.h"
#include "http/router.h"

struct http_server;

enum http_auth_phase {
    HTTP_AUTH_HEADERS, /* after routing, before the body is read: identity and role */
    HTTP_AUTH_BODY,    /* after the body is parsed: checks that need it (CSRF form fields) */
};

/*
 * The authorization hook, called twice for every routed request. It may set req->auth.
 * Returning an error refuses the request with the mapped status; on ROUTE_PAGE routes an
 * ERR_AUTH becomes a redirect to /login.
 */
typedef enum err (*http_auth_fn)(struct http_req *req, const struct route *route,
                                 enum http_auth_phase phase, struct errbuf *eb);

/*
 * The error-page hook: called for every answer with a status of 400 or more whose body is the
 * JSON error ({"error":{"code","message"}}), with the matched route (NULL when none matched or
 * the request was refused before routing). It may replace the body and content type (a console
 * page for a browser); the status and the headers set so far (Allow, Retry-After) stay.
 */
typedef void (*http_error_page_fn)(const struct http_req *req, const struct route *route,
                                   struct http_resp *resp);

struct http_server_opts {
    const char *host;           /* numeric address or name to bind */
    unsigned port;              /* 0 picks a free port; see http_server_port() */
    unsigned threads;           /* worker threads in the pool */
    size_t body_max;            /* largest accepted body */
    size_t upload_max;          /* largest body of a ROUTE_MULTIPART_BODY route (0: body_max) */
    const struct route *routes; /* borrowed; must outlive the server */
    size_t nroutes;
    void *app;                     /* handed to handlers as req->app */
    struct metrics *metrics;       /* optional; borrowed */
    http_auth_fn auth;             /* optional; NULL lets every request through */
    http_error_page_fn error_page; /* optional; NULL keeps every error JSON */
    /* Comma-separated proxy addresses or CIDR prefixes whose X-Forwarded-For names the
     * client ("" trusts no one: the peer address is the client). */
    const char *trusted_proxies;
    unsigned per_client; /* requests one client may have in flight (0: LIMIT_HTTP_PER_IP_CONNS) */
};

/* Checks a trusted-proxy list as http_server_start() reads it (ERR_CONFIG naming the entry). */
ERR_MUST_USE enum err http_server_check_proxies(const char *list, struct errbuf *eb);

/* Binds and starts serving. *out is owned by the caller: http_server_stop() it. */
ERR_MUST_USE enum err http_server_start(const struct http_server_opts *opts,
                                        struct http_server **out, struct errbuf *eb);

/* The bound port (useful after asking for port 0). */
unsigned http_server_port(const struct http_server *s);

/*
 * Graceful stop: stops accepting, lets in-flight requests finish (up to
 * LIMIT_HTTP_SHUTDOWN_WAIT_S), then stops the threads and frees the server. NULL is a no-op.
 */
void http_server_stop(struct http_server *s);

/* host (a numeric address or a name) resolved with port into *ss; ERR_CONFIG when it does
 * not resolve. */
ERR_MUST_USE enum err http_server_resolve(const char *host, unsigned port,
                                          struct sockaddr_storage *ss, struct errbuf *eb);

#endif

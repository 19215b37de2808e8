/*
 * The router: a table of routes (method, path pattern, handler, flags, documentation).
 * Patterns are literal segments and {name} parameters, e.g. /api/v1/things/{id}; the same
 * syntax OpenAPI uses, so the OpenAPI document is generated from the table.
 */
#ifndef AICOS_HTTP_ROUTER_H
#define AICOS_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

enum route_flag {
    ROUTE_JSON_BODY = 1u << 0,      /* body must be application/json; parsed into req->json */
    ROUTE_PUBLIC = 1u << 1,         /* no sign-in required */
    ROUTE_INTERNAL = 1u << 2,       /* not listed in the OpenAPI document */
    ROUTE_FORM_BODY = 1u << 3,      /* body must be application/x-www-form-urlencoded */
    ROUTE_PAGE = 1u << 4,           /* an HTML page: unauthenticated callers are sent to /login */
    ROUTE_MULTIPART_BODY = 1u << 7, /* body must be multipart/form-data (an upload form) */
};

/* A handler fills resp and returns ERR_OK, or returns an error (detail in eb). */
typedef enum err (*route_handler)(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

struct route {
    const char *method;  /* GET, POST, PUT, PATCH, DELETE */
    const char *pattern; /* /literal/{param}/... */
    route_handler handler;
    unsigned flags;
    const char *summary;       /* one line for the OpenAPI document */
    const char *tag;           /* OpenAPI tag */
    const char *response_type; /* media type of the success answer */
    unsigned min_role; /* least role allowed (auth/roles.h); ignored on ROUTE_PUBLIC routes */
};

enum router_result { ROUTER_FOUND = 0, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/*
 * Finds the route for method and path. On ROUTER_FOUND, *index is the route and req's
 * params are set (strings in req->arena). On ROUTER_NO_METHOD, allow (if not NULL) receives
 * the comma-separated methods the path does accept.
 */
enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                const char *path, struct http_req *req, size_t *index, char *allow,
                                size_t allow_len);

/* True if the pattern is well formed (leading '/', non-empty {names}, within limits). */
int router_pattern_valid(const char *pattern);

#endif

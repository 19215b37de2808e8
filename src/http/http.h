/*
 * What a handler sees: the request (with its per-request arena) and the response it fills.
 * Handlers never touch libmicrohttpd; they use these helpers.
 */
#ifndef AICOS_HTTP_HTTP_H
#define AICOS_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jsonw.h"
#include "base/limits.h"

struct http_req {
    struct arena *arena; /* owns every string below; freed when the request completes */
    const char *method;  /* "GET", ...; HEAD is reported as GET */
    const char *path;    /* decoded path without the query string */
    const char *rid;     /* request id, also sent as X-Request-Id */
    const char *client_ip;
    const char *body; /* NUL-terminated; NULL when there was none */
    size_t body_len;
    json_t *json; /* parsed body on JSON routes; borrowed, freed by the server */
    const char *param_names[LIMIT_HTTP_PATH_PARAMS];
    const char *param_values[LIMIT_HTTP_PATH_PARAMS];
    unsigned nparams;
    void *app;               /* the application context given to the server */
    void *auth;              /* who is calling, set by the server's auth hook (arena-owned) */
    const char **form_names; /* parsed form fields on ROUTE_FORM_BODY routes */
    const char **form_values;
    unsigned nform;
    /* The first file part of a ROUTE_MULTIPART_BODY request (data points into body). */
    const char *upload_field, *upload_name, *upload_data;
    size_t upload_len;
    void *conn; /* private to the server */
};

struct http_header {
    const char *name; /* arena or static strings */
    const char *value;
};

struct http_resp {
    int status;               /* 200 unless set */
    const char *content_type; /* static string; "application/json" unless set */
    struct buf body;
    struct http_header headers[LIMIT_HTTP_RESPONSE_HEADERS];
    unsigned nheaders;
};

/* Value of path parameter {name}, or NULL. */
const char *http_req_param(const struct http_req *req, const char *name);

/* Value of query argument name, or NULL. The string lives as long as the request. */
const char *http_req_query(const struct http_req *req, const char *name);

/* http_req_query() as a lookup callback: ctx is the request. */
const char *http_req_query_arg(const void *ctx, const char *name);

/* Value of request header name (case-insensitive), or NULL. */
const char *http_req_header(const struct http_req *req, const char *name);

/* Value of cookie name, or NULL. */
const char *http_req_cookie(const struct http_req *req, const char *name);

/* Value of form field name on a ROUTE_FORM_BODY route, or NULL. */
const char *http_req_form(const struct http_req *req, const char *name);

/*
 * Parses an application/x-www-form-urlencoded body into req's form fields (arena memory).
 * ERR_PARSE on bad percent-escapes, ERR_TOOBIG past LIMIT_FORM_FIELDS fields.
 */
ERR_MUST_USE enum err http_req_parse_form(struct http_req *req, const char *body, size_t len,
                                          struct errbuf *eb);

/*
 * Parses a multipart/form-data body (content_type carries the boundary): text parts into
 * req's form fields, the first file part into req->upload_*. ERR_PARSE when malformed or
 * truncated, ERR_TOOBIG past LIMIT_FORM_FIELDS text fields.
 */
ERR_MUST_USE enum err http_req_parse_multipart(struct http_req *req, const char *content_type,
                                               const char *body, size_t len, struct errbuf *eb);

/* Serializes v (reference stolen, may be NULL for ERR_NOMEM) as the JSON body. */
ERR_MUST_USE enum err http_resp_json(struct http_resp *resp, int status, json_t *v);

/*
 * Starts a JSON body written straight into resp->body (base/jsonw.h): empties the body and
 * points w at it. The handler writes one value, and http_resp_json_end() checks it.
 */
void http_resp_json_begin(struct http_resp *resp, struct jsonw *w);

/* Ends the body started by http_resp_json_begin(): w's first error, or the status set. */
ERR_MUST_USE enum err http_resp_json_end(struct http_resp *resp, int status, struct jsonw *w);

/* Sets a plain body with the given static content type. */
ERR_MUST_USE enum err http_resp_text(struct http_resp *resp, int status, const char *content_type,
                                     const char *text, size_t len);

/* Adds a response header; name and value must outlive the request (arena or static). */
ERR_MUST_USE enum err http_resp_header(struct http_resp *resp, const char *name, const char *value);

/* Sends a 303 redirect to location (arena or static string). */
ERR_MUST_USE enum err http_resp_redirect(struct http_resp *resp, const char *location);

/* The one mapping from internal errors to HTTP statuses. */
int http_status_for_err(enum err e);

/* Fills resp with the standard error body {"error":{"code","message"}} for e and eb. */
void http_resp_error(struct http_resp *resp, enum err e, const struct errbuf *eb);

#endif

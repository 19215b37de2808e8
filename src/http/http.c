#include "http/http.h"

#include <microhttpd.h>
#include <string.h>

#include "base/json.h"
#include "base/url.h"

const char *http_req_param(const struct http_req *req, const char *name)
{
    for (unsigned i = 0; i < req->nparams; i++) {
        if (strcmp(req->param_names[i], name) == 0)
            return req->param_values[i];
    }
    return NULL;
}

const char *http_req_query(const struct http_req *req, const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_header(const struct http_req *req, const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_cookie(const struct http_req *req, const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_req_form(const struct http_req *req, const char *name)
{
    for (unsigned i = 0; i < req->nform; i++) {
        if (strcmp(req->form_names[i], name) == 0)
            return req->form_values[i];
    }
    return NULL;
}

/* Decodes one form component ('+' is a space) into arena memory; NULL on a bad escape. */
static char *http_form_decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (out == NULL ||
        url_decode(s, n, URL_DECODE_PLUS | URL_DECODE_NO_NUL, out, n + 1, NULL) != ERR_OK)
        return NULL; /* truncated, not hex, or an embedded NUL */
    return out;
}

enum err http_req_parse_form(struct http_req *req, const char *body, size_t len, struct errbuf *eb)
{
    req->nform = 0;
    req->form_names = arena_alloc(req->arena, LIMIT_FORM_FIELDS * sizeof(char *));
    req->form_values = arena_alloc(req->arena, LIMIT_FORM_FIELDS * sizeof(char *));
    if (req->form_names == NULL || req->form_values == NULL)
        return ERR_NOMEM;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            if (req->nform >= LIMIT_FORM_FIELDS)
                return err_set(eb, ERR_TOOBIG, "too_many_fields",
                               "The form has more than %d fields.", LIMIT_FORM_FIELDS);
            const char *eq = memchr(body + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
            char *k = http_form_decode(req->arena, body + i, klen);
            char *v = eq ? http_form_decode(req->arena, eq + 1, (size_t)(body + end - eq - 1))
                         : arena_strdup(req->arena, "");
            if (k == NULL || v == NULL)
                return err_set(eb, ERR_PARSE, "malformed_form",
                               "The form body has a malformed %%-escape.");
            if (!json_utf8_valid(k) || !json_utf8_valid(v))
                return err_set(eb, ERR_PARSE, "invalid_utf8",
                               "The form body is not valid UTF-8 once decoded.");
            req->form_names[req->nform] = k;
            req->form_values[req->nform] = v;
            req->nform++;
        }
        i = end + 1;
    }
    return ERR_OK;
}

enum err http_resp_redirect(struct http_resp *resp, const char *location)
{
    buf_reset(&resp->body);
    resp->status = 303;
    resp->content_type = "text/plain; charset=utf-8";
    return http_resp_header(resp, "Location", location);
}

enum err http_resp_json(struct http_resp *resp, int status, json_t *v)
{
    if (v == NULL)
        return ERR_NOMEM;
    buf_reset(&resp->body);
    enum err e = json_dump_to_buf(v, &resp->body);
    json_decref(v);
    if (e != ERR_OK)
        return e;
    resp->status = status;
    resp->content_type = "application/json";
    return ERR_OK;
}

void http_resp_json_begin(struct http_resp *resp, struct jsonw *w)
{
    buf_reset(&resp->body);
    jsonw_init(w, &resp->body);
}

enum err http_resp_json_end(struct http_resp *resp, int status, struct jsonw *w)
{
    enum err e = jsonw_finish(w);
    if (e != ERR_OK)
        return e;
    resp->status = status;
    resp->content_type = "application/json";
    return ERR_OK;
}

enum err http_resp_text(struct http_resp *resp, int status, const char *content_type,
                        const char *text, size_t len)
{
    buf_reset(&resp->body);
    enum err e = buf_append(&resp->body, text, len);
    if (e != ERR_OK)
        return e;
    resp->status = status;
    resp->content_type = content_type;
    return ERR_OK;
}

enum err http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
    if (resp->nheaders >= LIMIT_HTTP_RESPONSE_HEADERS)
        return ERR_TOOBIG;
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = value;
    resp->nheaders++;
    return ERR_OK;
}

int http_status_for_err(enum err e)
{
    switch (e) {
    case ERR_OK:
        return 200;
    case ERR_PARSE:
    case ERR_BADREQ:
        return 400;
    case ERR_AUTH:
        return 401;
    case ERR_FORBIDDEN:
        return 403;
    case ERR_NOTFOUND:
        return 404;
    case ERR_METHOD:
        return 405;
    case ERR_CONFLICT:
        return 409;
    case ERR_TOOBIG:
        return 413;
    case ERR_MEDIA:
        return 415;
    case ERR_INVAL:
    case ERR_CONFIG:
        return 422;
    case ERR_LIMIT:
        return 429;
    case ERR_UPSTREAM:
        return 502;
    case ERR_UNAVAILABLE:
    case ERR_SCHEMA:
        return 503;
    case ERR_NOMEM:
    case ERR_DB:
    case ERR_IO:
    case ERR_INTERNAL:
    case ERR__COUNT:
        break;
    }
    return 500;
}

void http_resp_error(struct http_resp *resp, enum err e, const struct errbuf *eb)
{
    int status = http_status_for_err(e);
    const char *code = errbuf_code(eb, e);
    const char *message = errbuf_message(eb, e);
    /* Internal details (SQL, file paths) stay in the log, not in the answer. */
    if (status == 500) {
        code = err_code(e);
        message = err_message(e);
    }
    buf_reset(&resp->body);
    if (json_error_body(&resp->body, code, message) != ERR_OK) {
        /* Out of memory: a constant body into the emptied buffer is all that can still be
         * tried, and the 500 goes out with or without it. */
        buf_reset(&resp->body);
        err_discard(buf_puts(&resp->body, "{\"error\":{\"code\":\"internal_error\","
                                          "\"message\":\"An internal error occurred.\"}}"));
        status = 500;
    }
    resp->status = status;
    resp->content_type = "application/json";
}

const char *http_req_query_arg(const void *ctx, const char *name)
{
    return http_req_query(ctx, name);
}

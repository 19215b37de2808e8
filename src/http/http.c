#include "http/http.h"

#include <microhttpd.h>
#include <string.h>

#include "base/json.h"

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
        buf_reset(&resp->body);
        buf_puts(&resp->body, "{\"error\":{\"code\":\"internal_error\","
                              "\"message\":\"An internal error occurred.\"}}");
        status = 500;
    }
    resp->status = status;
    resp->content_type = "application/json";
}

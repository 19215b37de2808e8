/*
 * Fuzz target: multipart/form-data bodies (http_req_parse_multipart, as the server calls it
 * on ROUTE_MULTIPART_BODY routes such as the statement upload), with the boundary "b0undary".
 * Any bytes give ERR_OK, ERR_PARSE or ERR_TOOBIG with a message; on ERR_OK there are at most
 * LIMIT_FORM_FIELDS text fields, none longer than the body, and the upload (if any) lies
 * inside the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req req = {0};
    struct errbuf eb = {0};
    req.arena = arena_new(1u << 22);
    if (req.arena == NULL)
        abort();
    const char *body = (const char *)data;
    enum err e =
        http_req_parse_multipart(&req, "multipart/form-data; boundary=b0undary", body, size, &eb);
    if (e != ERR_OK) {
        if ((e != ERR_PARSE && e != ERR_TOOBIG) || eb.msg[0] == '\0')
            abort();
        goto out;
    }
    if (req.nform > LIMIT_FORM_FIELDS)
        abort();
    for (unsigned i = 0; i < req.nform; i++) {
        if (strlen(req.form_names[i]) > size || strlen(req.form_values[i]) > size)
            abort();
    }
    if (req.upload_data != NULL &&
        (req.upload_data < body || req.upload_data + req.upload_len > body + size ||
         req.upload_name == NULL || req.upload_field == NULL))
        abort();
out:
    arena_free(req.arena);
    return 0;
}

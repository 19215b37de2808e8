/*
 * Fuzz target: application/x-www-form-urlencoded bodies (http_req_parse_form, as the server
 * calls it on ROUTE_FORM_BODY routes). Any bytes give ERR_OK, ERR_PARSE or ERR_TOOBIG; on
 * ERR_OK there are at most LIMIT_FORM_FIELDS fields, each no longer than the body, lookups
 * find the first field of a name, and the fields encoded again parse back to the same list.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Appends s percent-encoded (every byte but unreserved ones). */
static void encode(struct buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            if (buf_append(b, s, 1) != ERR_OK)
                abort();
        } else if (buf_printf(b, "%%%02X", c) != ERR_OK) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req req = {0}, again = {0};
    struct errbuf eb = {0};
    struct buf b = {0};
    req.arena = arena_new(1u << 22);
    again.arena = arena_new(1u << 22);
    if (req.arena == NULL || again.arena == NULL)
        abort();
    enum err e = http_req_parse_form(&req, (const char *)data, size, &eb);
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
        const char *first = http_req_form(&req, req.form_names[i]);
        for (unsigned j = 0; j < req.nform; j++) {
            if (strcmp(req.form_names[j], req.form_names[i]) == 0) {
                if (first != req.form_values[j])
                    abort();
                break;
            }
        }
        if (i > 0 && buf_puts(&b, "&") != ERR_OK)
            abort();
        encode(&b, req.form_names[i]);
        if (buf_puts(&b, "=") != ERR_OK)
            abort();
        encode(&b, req.form_values[i]);
    }
    if (req.nform == 0)
        goto out;
    if (http_req_parse_form(&again, b.data, b.len, &eb) != ERR_OK || again.nform != req.nform)
        abort();
    for (unsigned i = 0; i < req.nform; i++) {
        if (strcmp(again.form_names[i], req.form_names[i]) != 0 ||
            strcmp(again.form_values[i], req.form_values[i]) != 0)
            abort();
    }
out:
    buf_free(&b);
    arena_free(req.arena);
    arena_free(again.arena);
    return 0;
}

/*
 * multipart/form-data bodies (RFC 7578) for upload forms: text parts become form fields,
 * the first part with a filename becomes the request's upload. Parts point into the body
 * (which lives as long as the request); names and text values are arena copies.
 */
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "http/http.h"

/* The boundary parameter of a multipart/form-data content type, quoted or not. */
static bool mp_boundary(struct arena *a, const char *ct, char **out)
{
    const char *b = ct ? strstr(ct, "boundary=") : NULL;
    if (b == NULL)
        return false;
    b += 9;
    size_t n;
    if (*b == '"') {
        const char *end = strchr(++b, '"');
        if (end == NULL)
            return false;
        n = (size_t)(end - b);
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n > 70)
        return false;
    *out = arena_printf(a, "\r\n--%.*s", (int)n, b);
    return *out != NULL;
}

/* The value of attr="..." in a Content-Disposition header block, or NULL. */
static char *mp_attr(struct arena *a, const char *hdr, size_t len, const char *attr)
{
    char key[24];
    size_t kl = (size_t)snprintf(key, sizeof key, "%s=\"", attr);
    for (const char *p = hdr; p + kl <= hdr + len; p++) {
        if ((p == hdr || p[-1] == ' ' || p[-1] == ';') && memcmp(p, key, kl) == 0) {
            const char *v = p + kl, *end = memchr(v, '"', (size_t)(hdr + len - v));
            return end ? arena_strndup(a, v, (size_t)(end - v)) : NULL;
        }
    }
    return NULL;
}

ERR_MUST_USE static enum err mp_part(struct http_req *req, const char *part, size_t len,
                                     struct errbuf *eb)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 4 <= len && sep == NULL; i++) {
        if (memcmp(part + i, "\r\n\r\n", 4) == 0)
            sep = part + i;
    }
    if (sep == NULL)
        return err_set(eb, ERR_PARSE, "malformed_multipart", "A form part has no header end.");
    size_t hl = (size_t)(sep - part);
    char *name = mp_attr(req->arena, part, hl, "name");
    char *file = mp_attr(req->arena, part, hl, "filename");
    const char *data = sep + 4;
    size_t dl = len - hl - 4;
    if (name == NULL)
        return err_set(eb, ERR_PARSE, "malformed_multipart", "A form part has no name.");
    if (file != NULL) {
        if (req->upload_data == NULL) {
            req->upload_field = name, req->upload_name = file;
            req->upload_data = data, req->upload_len = dl;
        }
        return ERR_OK;
    }
    if (req->nform >= LIMIT_FORM_FIELDS)
        return err_set(eb, ERR_TOOBIG, "too_many_fields", "The form has more than %d fields.",
                       LIMIT_FORM_FIELDS);
    char *v = arena_strndup(req->arena, data, dl);
    if (v == NULL)
        return ERR_NOMEM;
    if (!json_utf8_valid(v) || !json_utf8_valid(name))
        return err_set(eb, ERR_PARSE, "invalid_utf8", "A form field is not valid UTF-8.");
    req->form_names[req->nform] = name;
    req->form_values[req->nform] = v;
    req->nform++;
    return ERR_OK;
}

enum err http_req_parse_multipart(struct http_req *req, const char *content_type, const char *body,
                                  size_t len, struct errbuf *eb)
{
    char *delim = NULL;
    req->nform = 0;
    req->form_names = arena_alloc(req->arena, LIMIT_FORM_FIELDS * sizeof(char *));
    req->form_values = arena_alloc(req->arena, LIMIT_FORM_FIELDS * sizeof(char *));
    if (req->form_names == NULL || req->form_values == NULL)
        return ERR_NOMEM;
    if (!mp_boundary(req->arena, content_type, &delim))
        return err_set(eb, ERR_PARSE, "malformed_multipart",
                       "The multipart body has no usable boundary.");
    size_t dl = strlen(delim);
    /* The first delimiter has no CRLF before it. */
    if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
        return err_set(eb, ERR_PARSE, "malformed_multipart",
                       "The body does not start with "
                       "its boundary.");
    const char *p = body + dl - 2, *end = body + len;
    while (p + 2 <= end && memcmp(p, "--", 2) != 0) {
        if (p + 2 > end || memcmp(p, "\r\n", 2) != 0)
            return err_set(eb, ERR_PARSE, "malformed_multipart", "A boundary line is malformed.");
        p += 2;
        const char *next = memmem(p, (size_t)(end - p), delim, dl);
        if (next == NULL)
            return err_set(eb, ERR_PARSE, "malformed_multipart",
                           "The multipart body is truncated (no closing boundary).");
        enum err e = mp_part(req, p, (size_t)(next - p), eb);
        if (e != ERR_OK)
            return e;
        p = next + dl;
    }
    if (p + 2 > end)
        return err_set(eb, ERR_PARSE, "malformed_multipart", "The multipart body is truncated.");
    return ERR_OK;
}

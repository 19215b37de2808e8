#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/parse.h"

/* Deepest nesting of arrays/objects in the text, stopping early past limit. */
static int json_scan_depth(const char *data, size_t len, int limit)
{
    int depth = 0, max = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                max = depth;
                if (max > limit)
                    return max;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

enum err json_parse_strict(const char *data, size_t len, int max_depth, json_t **out,
                           struct errbuf *eb)
{
    *out = NULL;
    if (len == 0)
        return err_set(eb, ERR_PARSE, "malformed_json",
                       "The request body is empty; expected JSON.");
    if (json_scan_depth(data, len, max_depth) > max_depth)
        return err_set(eb, ERR_PARSE, "json_too_deep",
                       "The JSON nests deeper than the limit of %d levels.", max_depth);
    json_error_t jerr;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (v == NULL) {
        const char *code = "malformed_json";
        if (json_error_code(&jerr) == json_error_invalid_utf8)
            code = "invalid_utf8";
        else if (json_error_code(&jerr) == json_error_duplicate_key)
            code = "duplicate_key";
        return err_set(eb, ERR_PARSE, code, "The JSON is invalid at line %d, column %d: %s.",
                       jerr.line, jerr.column, jerr.text);
    }
    *out = v;
    return ERR_OK;
}

static int json_buf_writer(const char *data, size_t size, void *ctx)
{
    return buf_append(ctx, data, size) == ERR_OK ? 0 : -1;
}

enum err json_dump_to_buf(const json_t *v, struct buf *b)
{
    if (json_dump_callback(v, json_buf_writer, b, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        return ERR_NOMEM;
    return ERR_OK;
}

size_t json_utf8_seq(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool json_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = json_utf8_seq((const char *)p);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

char *json_utf8_sanitize(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len * 3 + 1); /* each bad byte becomes 3 bytes at most */
    if (out == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        size_t n = json_utf8_seq((const char *)p);
        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = '\0';
    return out;
}

enum err json_error_body(struct buf *b, const char *code, const char *message)
{
    char *c = json_utf8_sanitize(code);
    char *m = json_utf8_sanitize(message);
    json_t *doc = NULL;
    if (c != NULL && m != NULL)
        doc = json_pack("{s:{s:s, s:s}}", "error", "code", c, "message", m);
    free(c);
    free(m);
    if (doc == NULL)
        return ERR_NOMEM;
    enum err e = json_dump_to_buf(doc, b);
    json_decref(doc);
    return e;
}

int64_t json_get_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    int64_t n = 0;
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_string(v) && parse_int64(json_string_value(v), INT64_MIN, INT64_MAX, &n) == ERR_OK)
        return n;
    return 0;
}

const char *json_get_string(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum err json_fields_only(const json_t *body, const char *const *allowed, struct errbuf *eb)
{
    const char *key;
    json_t *v;
    if (!json_is_object(body))
        return err_set(eb, ERR_INVAL, "bad_body", "The body must be a JSON object.");
    json_object_foreach((json_t *)body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL; i++)
            ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok)
            return err_set(eb, ERR_INVAL, "unknown_field", "Unknown field \"%.40s\".", key);
    }
    return ERR_OK;
}

void json_list_push(json_t **list, json_t *item)
{
    if (item == NULL || json_array_append_new(*list, item) != 0) {
        json_decref(*list);
        *list = NULL;
    }
}

enum err json_list_out(json_t *list, json_t **out, struct errbuf *eb)
{
    if (list == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    *out = list;
    return ERR_OK;
}

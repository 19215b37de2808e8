#include "base/json.h"

#include <string.h>

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

enum err json_error_body(struct buf *b, const char *code, const char *message)
{
    json_t *doc = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    if (doc == NULL)
        return ERR_NOMEM;
    enum err e = json_dump_to_buf(doc, b);
    json_decref(doc);
    return e;
}

const char *json_get_string(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

#include "base/jsonw.h"

#include <stdint.h>
#include <string.h>

#include "base/json.h"
#include "base/parse.h"

void jsonw_init(struct jsonw *w, struct buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
}

static void jsonw_put(struct jsonw *w, const char *s, size_t n)
{
    if (w->err == ERR_OK)
        w->err = buf_append(w->b, s, n);
}

/* Room for n more bytes: where to write them, or NULL (the error kept). */
static char *jsonw_room(struct jsonw *w, size_t n)
{
    if (w->err == ERR_OK)
        w->err = buf_reserve(w->b, n);
    return w->err == ERR_OK ? w->b->data + w->b->len : NULL;
}

/* The bytes written since jsonw_room() end at end. */
static void jsonw_wrote(struct jsonw *w, char *end)
{
    w->b->len = (size_t)(end - w->b->data);
    *end = '\0';
}

/* Before a value: the comma after an earlier element (none after a key). */
static bool jsonw_value_start(struct jsonw *w)
{
    if (w->err != ERR_OK)
        return false;
    if (w->after_key) {
        w->after_key = false;
        return true;
    }
    if (w->filled[w->depth] && w->depth == 0)
        w->err = ERR_INTERNAL; /* one value per writer */
    else if (w->filled[w->depth])
        jsonw_put(w, ",", 1);
    w->filled[w->depth] = true;
    return w->err == ERR_OK;
}

static void jsonw_open(struct jsonw *w, const char *bracket)
{
    if (!jsonw_value_start(w))
        return;
    if (w->depth >= JSONW_DEPTH_MAX) {
        w->err = ERR_INTERNAL;
        return;
    }
    jsonw_put(w, bracket, 1);
    w->filled[++w->depth] = false;
}

static void jsonw_close(struct jsonw *w, const char *bracket)
{
    if (w->err != ERR_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->err = ERR_INTERNAL;
        return;
    }
    w->depth--;
    jsonw_put(w, bracket, 1);
}

void jsonw_obj_begin(struct jsonw *w)
{
    jsonw_open(w, "{");
}

void jsonw_obj_end(struct jsonw *w)
{
    jsonw_close(w, "}");
}

void jsonw_arr_begin(struct jsonw *w)
{
    jsonw_open(w, "[");
}

void jsonw_arr_end(struct jsonw *w)
{
    jsonw_close(w, "]");
}

/* The escape of an ASCII byte that needs one, as jansson writes it, at o; the end. */
static char *jsonw_escape(unsigned char c, char *o)
{
    static const char hex[] = "0123456789ABCDEF";
    char two = c == '"'    ? '"'
               : c == '\\' ? '\\'
               : c == '\b' ? 'b'
               : c == '\f' ? 'f'
               : c == '\n' ? 'n'
               : c == '\r' ? 'r'
               : c == '\t' ? 't'
                           : 0;
    *o++ = '\\';
    if (two != 0) {
        *o++ = two;
        return o;
    }
    memcpy(o, "u00", 3);
    o[3] = hex[c >> 4];
    o[4] = hex[c & 15];
    return o + 5;
}

/* The bytes s takes quoted (without the quotes): its length plus its escapes; 0 with ERR_PARSE
 * kept when s is not UTF-8. *plain tells whether no byte needs an escape. */
static size_t jsonw_quoted_len(struct jsonw *w, const char *s, bool *plain)
{
    size_t n = 0;
    *plain = true;
    for (const char *p = s; *p != '\0';) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            const char *q = p + 1; /* the run of plain ASCII, most strings whole */
            while ((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x80 && *q != '"' && *q != '\\')
                q++;
            n += (size_t)(q - p);
            p = q;
        } else if (c < 0x80) {
            bool two = c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
                       c == '\t';
            n += two ? 2 : 6;
            *plain = false;
            p++;
        } else {
            size_t k = json_utf8_seq(p);
            if (k == 0) {
                w->err = ERR_PARSE;
                return 0;
            }
            n += k;
            p += k;
        }
    }
    return n;
}

/* s as a quoted string after the byte lead (',' or 0 for none) and before the byte tail (':' or
 * 0), written directly into the buffer after one reservation of its exact size. */
static void jsonw_quoted(struct jsonw *w, char lead, const char *s, char tail)
{
    bool plain;
    size_t n = jsonw_quoted_len(w, s, &plain);
    if (w->err == ERR_OK && n >= SIZE_MAX - 4)
        w->err = ERR_TOOBIG;
    char *o = jsonw_room(w, n + 4);
    if (o == NULL)
        return;
    if (lead != 0)
        *o++ = lead;
    *o++ = '"';
    if (plain) { /* nearly every string: one copy */
        memcpy(o, s, n);
        o += n;
    } else {
        for (const char *p = s; *p != '\0'; p++) {
            unsigned char c = (unsigned char)*p;
            if ((c >= 0x20 && c != '"' && c != '\\') || c >= 0x80)
                *o++ = *p; /* UTF-8 was checked: its bytes go as they are */
            else
                o = jsonw_escape(c, o);
        }
    }
    *o++ = '"';
    if (tail != 0)
        *o++ = tail;
    jsonw_wrote(w, o);
}

void jsonw_key(struct jsonw *w, const char *key)
{
    if (w->err != ERR_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->err = ERR_INTERNAL;
        return;
    }
    jsonw_quoted(w, w->filled[w->depth] ? ',' : 0, key, ':');
    w->filled[w->depth] = true;
    w->after_key = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
    if (s == NULL) {
        jsonw_null(w);
        return;
    }
    if (jsonw_value_start(w))
        jsonw_quoted(w, 0, s, 0);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
    char digits[PARSE_INT64_DIGITS];
    const char *p = parse_int64_text(v, digits);
    if (jsonw_value_start(w))
        jsonw_put(w, p, (size_t)(digits + sizeof digits - p));
}

bool jsonw_int_text(struct jsonw *w, const char *s)
{
    if (s == NULL)
        return false;
    size_t sign = s[0] == '-' ? 1 : 0, n = strspn(s + sign, "0123456789");
    if (n == 0 || n > 18 || s[sign + n] != '\0' || (s[sign] == '0' && (n > 1 || sign)))
        return false;
    if (jsonw_value_start(w))
        jsonw_put(w, s, sign + n);
    return true;
}

void jsonw_bool(struct jsonw *w, bool v)
{
    if (jsonw_value_start(w))
        jsonw_put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
    if (jsonw_value_start(w))
        jsonw_put(w, "null", 4);
}

void jsonw_value(struct jsonw *w, const json_t *v)
{
    if (v == NULL) {
        jsonw_null(w);
        return;
    }
    if (jsonw_value_start(w))
        w->err = json_dump_to_buf(v, w->b);
}

enum err jsonw_finish(struct jsonw *w)
{
    if (w->err == ERR_OK && (w->depth != 0 || w->after_key))
        w->err = ERR_INTERNAL;
    return w->err;
}

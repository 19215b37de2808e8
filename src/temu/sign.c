#include "temu/sign.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

#define SIGN_KEY_MAX 64

/* One top-level parameter: its key and the text that is both signed and sent. */
struct sign_entry {
    const char *key;
    const json_t *value;
    char *owned;      /* compact JSON of a nested value or digits of an integer (malloc'd) */
    const char *text; /* valueString: owned, or the raw bytes of a string value */
    size_t len;
};

struct sign_set {
    struct sign_entry entries[LIMIT_TEMU_PARAMS];
    size_t count;
};

static pthread_once_t sign_md5_once = PTHREAD_ONCE_INIT;
static EVP_MD *sign_md5;

static void sign_md5_fetch(void)
{
    /* Fetched once: an implicit fetch on every EVP_DigestInit_ex() costs a lock and a lookup. */
    sign_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
}

static bool sign_key_valid(const char *key, size_t len)
{
    if (len == 0 || len > SIGN_KEY_MAX || strlen(key) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* Refuses real numbers anywhere inside v and nesting past the JSON depth limit. */
ERR_MUST_USE static enum err sign_check_nested(const json_t *v, int depth, const char *key,
                                               struct errbuf *eb)
{
    if (depth > LIMIT_JSON_DEPTH)
        return err_set(eb, ERR_INVAL, "temu_param_too_deep",
                       "Parameter %s nests deeper than %d levels.", key, LIMIT_JSON_DEPTH);
    if (json_is_real(v))
        return err_set(eb, ERR_INVAL, "temu_param_real",
                       "Parameter %s holds a floating-point number, which has no canonical "
                       "signing form; send it as a string or an integer.",
                       key);
    if (json_is_object(v)) {
        const char *k;
        json_t *member;
        json_object_foreach((json_t *)v, k, member)
        {
            enum err e = sign_check_nested(member, depth + 1, key, eb);
            if (e != ERR_OK)
                return e;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *member;
        json_array_foreach(v, i, member)
        {
            enum err e = sign_check_nested(member, depth + 1, key, eb);
            if (e != ERR_OK)
                return e;
        }
    }
    return ERR_OK;
}

static bool sign_is_omitted(const json_t *v)
{
    return json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0);
}

/* Fills e->text/e->len (and e->owned) with the valueString of e->value. */
ERR_MUST_USE static enum err sign_value_text(struct sign_entry *e, struct errbuf *eb)
{
    const json_t *v = e->value;
    switch (json_typeof(v)) {
    case JSON_STRING:
        e->text = json_string_value(v);
        e->len = json_string_length(v);
        if (memchr(e->text, '\0', e->len) != NULL)
            return err_set(eb, ERR_INVAL, "temu_param_nul",
                           "Parameter %s contains a NUL character.", e->key);
        return ERR_OK;
    case JSON_INTEGER: {
        char digits[32];
        int n = snprintf(digits, sizeof digits, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        e->owned = malloc((size_t)n + 1);
        if (e->owned == NULL)
            return ERR_NOMEM;
        memcpy(e->owned, digits, (size_t)n + 1);
        e->text = e->owned;
        e->len = (size_t)n;
        return ERR_OK;
    }
    case JSON_TRUE:
        e->text = "true";
        e->len = 4;
        return ERR_OK;
    case JSON_FALSE:
        e->text = "false";
        e->len = 5;
        return ERR_OK;
    case JSON_OBJECT:
    case JSON_ARRAY: {
        enum err err = sign_check_nested(v, 1, e->key, eb);
        if (err != ERR_OK)
            return err;
        /* The one serialization of this value; the body reuses these exact bytes. */
        e->owned = json_dumps(v, JSON_COMPACT);
        if (e->owned == NULL)
            return ERR_NOMEM;
        e->text = e->owned;
        e->len = strlen(e->owned);
        return ERR_OK;
    }
    case JSON_REAL:
        return sign_check_nested(v, 1, e->key, eb);
    case JSON_NULL:
        break;
    }
    return err_set(eb, ERR_INTERNAL, NULL, "Parameter %s has an unexpected JSON type.", e->key);
}

static int sign_entry_cmp(const void *a, const void *b)
{
    const struct sign_entry *x = a, *y = b;
    /* strcmp compares as unsigned char: the byte-wise ASCII order of §2.2. */
    return strcmp(x->key, y->key);
}

static void sign_set_clear(struct sign_set *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->entries[i].owned);
    s->count = 0;
}

/* Collects, validates and sorts the parameters of params. */
ERR_MUST_USE static enum err sign_set_build(struct sign_set *s, const json_t *params,
                                            struct errbuf *eb)
{
    s->count = 0;
    if (!json_is_object(params))
        return err_set(eb, ERR_INVAL, "temu_params_not_object",
                       "Temu parameters must be a JSON object.");
    enum err e = ERR_OK;
    void *it = json_object_iter((json_t *)params);
    for (; it != NULL; it = json_object_iter_next((json_t *)params, it)) {
        const char *key = json_object_iter_key(it);
        size_t klen = json_object_iter_key_len(it);
        const json_t *v = json_object_iter_value(it);
        if (!sign_key_valid(key, klen)) {
            e = err_set(eb, ERR_INVAL, "temu_param_key",
                        "Parameter names must be 1 to %d characters of letters, digits, '_', "
                        "'.' or '-'.",
                        SIGN_KEY_MAX);
            goto out;
        }
        if (strcmp(key, "sign") == 0 || sign_is_omitted(v))
            continue;
        if (s->count == LIMIT_TEMU_PARAMS) {
            e = err_set(eb, ERR_INVAL, "temu_too_many_params",
                        "A Temu call takes at most %d parameters.", LIMIT_TEMU_PARAMS);
            goto out;
        }
        struct sign_entry *en = &s->entries[s->count++];
        memset(en, 0, sizeof *en);
        en->key = key;
        en->value = v;
        e = sign_value_text(en, eb);
        if (e != ERR_OK)
            goto out;
    }
    qsort(s->entries, s->count, sizeof s->entries[0], sign_entry_cmp);
out:
    if (e != ERR_OK)
        sign_set_clear(s);
    return e;
}

ERR_MUST_USE static enum err sign_set_concat(const struct sign_set *s, struct buf *concat)
{
    for (size_t i = 0; i < s->count; i++) {
        enum err e = buf_puts(concat, s->entries[i].key);
        if (e == ERR_OK)
            e = buf_append(concat, s->entries[i].text, s->entries[i].len);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

enum err temu_sign_canonicalize(const json_t *params, struct buf *concat, struct errbuf *eb)
{
    struct sign_set *s = malloc(sizeof *s);
    if (s == NULL)
        return ERR_NOMEM;
    enum err e = sign_set_build(s, params, eb);
    if (e != ERR_OK)
        goto out;
    e = sign_set_concat(s, concat);
    if (e == ERR_TOOBIG)
        e = err_set(eb, e, "temu_request_too_big", "The signed parameters exceed the size limit.");
    sign_set_clear(s);
out:
    free(s);
    return e;
}

/* MD5 over secret + each key/valueString pair + secret, without materializing the string. */
ERR_MUST_USE static enum err sign_digest_set(const char *secret, size_t secret_len,
                                             const struct sign_set *s, const char *concat,
                                             size_t concat_len, char out[TEMU_SIGN_HEX_LEN + 1])
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    enum err e = ERR_INTERNAL;
    pthread_once(&sign_md5_once, sign_md5_fetch);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (sign_md5 == NULL || ctx == NULL)
        goto out;
    if (EVP_DigestInit_ex(ctx, sign_md5, NULL) != 1 ||
        EVP_DigestUpdate(ctx, secret, secret_len) != 1)
        goto out;
    if (s != NULL) {
        for (size_t i = 0; i < s->count; i++) {
            if (EVP_DigestUpdate(ctx, s->entries[i].key, strlen(s->entries[i].key)) != 1 ||
                EVP_DigestUpdate(ctx, s->entries[i].text, s->entries[i].len) != 1)
                goto out;
        }
    } else if (EVP_DigestUpdate(ctx, concat, concat_len) != 1) {
        goto out;
    }
    if (EVP_DigestUpdate(ctx, secret, secret_len) != 1 ||
        EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != TEMU_SIGN_HEX_LEN / 2)
        goto out;
    for (unsigned i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0f];
    }
    out[TEMU_SIGN_HEX_LEN] = '\0';
    e = ERR_OK;
out:
    /* EVP_MD_CTX_free() cleanses the digest state, which has absorbed the secret. */
    EVP_MD_CTX_free(ctx);
    return e;
}

enum err temu_sign_digest(const char *secret, size_t secret_len, const char *concat,
                          size_t concat_len, char out[TEMU_SIGN_HEX_LEN + 1])
{
    return sign_digest_set(secret, secret_len, NULL, concat, concat_len, out);
}

/*
 * Appends s as a JSON string: quotes, backslashes and control characters escaped as jansson
 * escapes them, everything else (valid UTF-8, checked by jansson) copied raw.
 */
ERR_MUST_USE static enum err sign_append_json_string(struct buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    enum err e = buf_append(b, "\"", 1);
    size_t run = 0; /* start of the pending stretch that needs no escaping */
    for (size_t i = 0; e == ERR_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0f]};
        size_t esc_len = 6;
        const char *shortform = c == '"'    ? "\""
                                : c == '\\' ? "\\"
                                : c == '\b' ? "b"
                                : c == '\f' ? "f"
                                : c == '\n' ? "n"
                                : c == '\r' ? "r"
                                : c == '\t' ? "t"
                                            : NULL;
        if (shortform != NULL) {
            esc[1] = shortform[0];
            esc_len = 2;
        }
        e = buf_append(b, s + run, i - run);
        if (e == ERR_OK)
            e = buf_append(b, esc, esc_len);
        run = i + 1;
    }
    if (e == ERR_OK)
        e = buf_append(b, s + run, len - run);
    if (e == ERR_OK)
        e = buf_append(b, "\"", 1);
    return e;
}

ERR_MUST_USE static enum err sign_body_write(const struct sign_set *s, const char *sign,
                                             struct buf *body)
{
    enum err e = buf_puts(body, "{");
    for (size_t i = 0; e == ERR_OK && i < s->count; i++) {
        const struct sign_entry *en = &s->entries[i];
        /* Keys are [A-Za-z0-9_.-] only, so they need no escaping. */
        e = i > 0 ? buf_append(body, ",\"", 2) : buf_append(body, "\"", 1);
        if (e == ERR_OK)
            e = buf_puts(body, en->key);
        if (e == ERR_OK)
            e = buf_append(body, "\":", 2);
        if (e != ERR_OK)
            break;
        if (json_is_string(en->value)) /* the JSON-escaped form of the raw text signed */
            e = sign_append_json_string(body, en->text, en->len);
        else
            e = buf_append(body, en->text, en->len);
    }
    if (e == ERR_OK)
        e = buf_printf(body, "%s\"sign\":\"%s\"}", s->count > 0 ? "," : "", sign);
    return e;
}

enum err temu_sign_body(const json_t *params, const char *secret, size_t secret_len,
                        struct buf *body, char sign_out[TEMU_SIGN_HEX_LEN + 1], struct errbuf *eb)
{
    char sign[TEMU_SIGN_HEX_LEN + 1];
    struct sign_set *s = malloc(sizeof *s);
    if (s == NULL)
        return ERR_NOMEM;
    s->count = 0;
    enum err e = sign_set_build(s, params, eb);
    if (e != ERR_OK)
        goto out;
    e = sign_digest_set(secret, secret_len, s, NULL, 0, sign);
    if (e != ERR_OK) {
        e = err_set(eb, e, "temu_md5_unavailable", "MD5 is not available from OpenSSL.");
        goto out;
    }
    e = sign_body_write(s, sign, body);
    if (e == ERR_TOOBIG)
        e = err_set(eb, e, "temu_request_too_big", "The request body exceeds %d bytes.",
                    LIMIT_TEMU_REQUEST_BYTES);
    if (e == ERR_OK && sign_out != NULL)
        memcpy(sign_out, sign, sizeof sign);
out:
    sign_set_clear(s);
    free(s);
    return e;
}

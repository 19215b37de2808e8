#include "canon.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbx_limits.h"

struct canon_scan {
    const char *p;
    const char *end;
};

struct canon_entry {
    char *key;   /* decoded UTF-8, malloc'd */
    char *value; /* value string as signed, malloc'd */
    size_t value_len;
    bool empty; /* null or "" */
};

static void canon_skip_ws(struct canon_scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int canon_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool canon_read_u4(struct canon_scan *s, uint32_t *v)
{
    if (s->end - s->p < 4)
        return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        int h = canon_hex(s->p[i]);
        if (h < 0)
            return false;
        x = x * 16 + (uint32_t)h;
    }
    s->p += 4;
    *v = x;
    return true;
}

static void canon_put_utf8(struct sbuf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sbuf_append(b, u, n);
}

/*
 * Scans a string starting at the opening quote. decoded (may be NULL) receives the decoded
 * text; raw_start (may be NULL) receives where the quoted text starts.
 */
static bool canon_scan_string(struct canon_scan *s, struct sbuf *decoded, const char **raw_start)
{
    if (s->p >= s->end || *s->p != '"')
        return false;
    if (raw_start != NULL)
        *raw_start = s->p;
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c != '\\') {
            if (decoded != NULL)
                sbuf_append(decoded, s->p, 1);
            s->p++;
            continue;
        }
        s->p++;
        if (s->p >= s->end)
            return false;
        char e = *s->p++;
        char out = 0;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            out = e;
            break;
        case 'b':
            out = '\b';
            break;
        case 'f':
            out = '\f';
            break;
        case 'n':
            out = '\n';
            break;
        case 'r':
            out = '\r';
            break;
        case 't':
            out = '\t';
            break;
        case 'u': {
            uint32_t cp;
            if (!canon_read_u4(s, &cp))
                return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
                    return false;
                s->p += 2;
                if (!canon_read_u4(s, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return false;
            }
            if (decoded != NULL)
                canon_put_utf8(decoded, cp);
            continue;
        }
        default:
            return false;
        }
        if (decoded != NULL)
            sbuf_append(decoded, &out, 1);
    }
    return false;
}

/* JSON-escapes s the way json.dumps(ensure_ascii=False) does, without the quotes. */
static void canon_put_escaped(struct sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            sbuf_puts(b, "\\\"");
            break;
        case '\\':
            sbuf_puts(b, "\\\\");
            break;
        case '\n':
            sbuf_puts(b, "\\n");
            break;
        case '\r':
            sbuf_puts(b, "\\r");
            break;
        case '\t':
            sbuf_puts(b, "\\t");
            break;
        case '\b':
            sbuf_puts(b, "\\b");
            break;
        case '\f':
            sbuf_puts(b, "\\f");
            break;
        default:
            if (c < 0x20)
                sbuf_printf(b, "\\u%04x", c);
            else
                sbuf_append(b, &s[i], 1);
        }
    }
}

static bool canon_scan_number(struct canon_scan *s, struct sbuf *out)
{
    const char *start = s->p;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    const char *digits = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    if (s->p == digits)
        return false;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        const char *frac = s->p;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
            s->p++;
        if (s->p == frac)
            return false;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        const char *exp = s->p;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
            s->p++;
        if (s->p == exp)
            return false;
    }
    sbuf_append(out, start, (size_t)(s->p - start));
    return true;
}

static bool canon_scan_literal(struct canon_scan *s, const char *word, struct sbuf *out)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return false;
    s->p += n;
    sbuf_append(out, word, n);
    return true;
}

/* Re-serializes one value compactly into out, in received key order. */
static bool canon_scan_value(struct canon_scan *s, int depth, bool verbatim, struct sbuf *out)
{
    if (depth > SBX_JSON_DEPTH_MAX)
        return false;
    canon_skip_ws(s);
    if (s->p >= s->end)
        return false;
    char c = *s->p;
    if (c == '"') {
        if (verbatim) {
            const char *start;
            if (!canon_scan_string(s, NULL, &start))
                return false;
            sbuf_append(out, start, (size_t)(s->p - start));
            return true;
        }
        struct sbuf d;
        sbuf_init(&d, SBX_BODY_MAX);
        bool ok = canon_scan_string(s, &d, NULL) && !d.failed;
        if (ok) {
            sbuf_puts(out, "\"");
            canon_put_escaped(out, d.data ? d.data : "", d.len);
            sbuf_puts(out, "\"");
        }
        sbuf_free(&d);
        return ok;
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        sbuf_append(out, &c, 1);
        s->p++;
        canon_skip_ws(s);
        if (s->p < s->end && *s->p == close) {
            s->p++;
            sbuf_append(out, &close, 1);
            return true;
        }
        /* Each iteration consumes at least one byte, so the body length bounds the loop. */
        for (;;) {
            if (c == '{') {
                canon_skip_ws(s);
                if (!canon_scan_value(s, depth + 1, verbatim, out))
                    return false;
                canon_skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                    return false;
                s->p++;
                sbuf_puts(out, ":");
            }
            if (!canon_scan_value(s, depth + 1, verbatim, out))
                return false;
            canon_skip_ws(s);
            if (s->p >= s->end)
                return false;
            if (*s->p == ',') {
                s->p++;
                sbuf_puts(out, ",");
                continue;
            }
            if (*s->p == close) {
                s->p++;
                sbuf_append(out, &close, 1);
                return true;
            }
            return false;
        }
    }
    if (c == 't')
        return canon_scan_literal(s, "true", out);
    if (c == 'f')
        return canon_scan_literal(s, "false", out);
    if (c == 'n')
        return canon_scan_literal(s, "null", out);
    return canon_scan_number(s, out);
}

static int canon_entry_cmp(const void *a, const void *b)
{
    const struct canon_entry *x = a, *y = b;
    return strcmp(x->key, y->key); /* strcmp compares as unsigned char: byte-wise ASCII order */
}

/* Scans one top-level member value into e according to the variant. */
static bool canon_scan_member(struct canon_scan *s, unsigned variant, struct canon_entry *e)
{
    struct sbuf v;
    sbuf_init(&v, SBX_BODY_MAX);
    bool ok = false;
    canon_skip_ws(s);
    if (s->p < s->end && *s->p == '"') {
        struct sbuf d;
        sbuf_init(&d, SBX_BODY_MAX);
        if (canon_scan_string(s, &d, NULL) && !d.failed) {
            if (variant & CANON_TOP_ESCAPED)
                canon_put_escaped(&v, d.data ? d.data : "", d.len);
            else
                sbuf_append(&v, d.data ? d.data : "", d.len);
            e->empty = d.len == 0;
            ok = true;
        }
        sbuf_free(&d);
    } else {
        ok = canon_scan_value(s, 1, (variant & CANON_NESTED_VERBATIM) != 0, &v);
        e->empty = ok && v.len == 4 && memcmp(v.data, "null", 4) == 0;
    }
    if (!ok || v.failed) {
        sbuf_free(&v);
        return false;
    }
    e->value_len = v.len;
    e->value = sbuf_steal(&v);
    return e->value != NULL;
}

bool canon_build(const char *body, size_t len, unsigned variant, struct sbuf *out)
{
    bool ok = false;
    size_t n = 0;
    struct canon_entry *entries = calloc(SBX_TOP_KEYS_MAX, sizeof *entries);
    struct canon_scan s = {body, body + len};
    if (entries == NULL || len > SBX_BODY_MAX)
        goto out;
    canon_skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        goto out;
    s.p++;
    canon_skip_ws(&s);
    bool empty_object = s.p < s.end && *s.p == '}';
    if (empty_object)
        s.p++;
    /* Each member consumes bytes and the count is capped, so the loop is bounded. */
    while (!empty_object) {
        if (n >= SBX_TOP_KEYS_MAX)
            goto out;
        struct canon_entry *e = &entries[n];
        struct sbuf k;
        sbuf_init(&k, SBX_KEY_MAX);
        canon_skip_ws(&s);
        bool kok = canon_scan_string(&s, &k, NULL) && !k.failed;
        e->key = kok ? sbuf_steal(&k) : NULL;
        sbuf_free(&k);
        if (e->key == NULL)
            goto out;
        n++;
        canon_skip_ws(&s);
        if (s.p >= s.end || *s.p != ':')
            goto out;
        s.p++;
        if (!canon_scan_member(&s, variant, e))
            goto out;
        canon_skip_ws(&s);
        if (s.p < s.end && *s.p == ',') {
            s.p++;
            continue;
        }
        if (s.p < s.end && *s.p == '}') {
            s.p++;
            break;
        }
        goto out;
    }
    canon_skip_ws(&s);
    if (s.p != s.end)
        goto out;
    qsort(entries, n, sizeof *entries, canon_entry_cmp);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(entries[i].key, "sign") == 0)
            continue;
        if ((variant & CANON_OMIT_EMPTY) && entries[i].empty)
            continue;
        sbuf_puts(out, entries[i].key);
        sbuf_append(out, entries[i].value, entries[i].value_len);
    }
    ok = !out->failed;
out:
    for (size_t i = 0; entries != NULL && i < n; i++) {
        free(entries[i].key);
        free(entries[i].value);
    }
    free(entries);
    return ok;
}

bool canon_sign(const char *secret, const char *canon, size_t canon_len, char out[33])
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    bool ok = false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        goto out;
    if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, secret, strlen(secret)) != 1 ||
        EVP_DigestUpdate(ctx, canon, canon_len) != 1 ||
        EVP_DigestUpdate(ctx, secret, strlen(secret)) != 1 ||
        EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 16)
        goto out;
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
    ok = true;
out:
    EVP_MD_CTX_free(ctx);
    return ok;
}

bool canon_verify(const char *body, size_t len, const char *secret, const char *sign)
{
    char want[33];
    if (strlen(sign) != 32)
        return false;
    for (int i = 0; i < 32; i++) {
        char c = sign[i];
        want[i] = (c >= 'a' && c <= 'f') ? (char)(c - 'a' + 'A') : c;
    }
    want[32] = '\0';
    bool match = false;
    /* Every variant is computed even after a match so the time taken does not depend on which
     * form matched. */
    for (unsigned v = 0; v < CANON_VARIANTS; v++) {
        struct sbuf b;
        sbuf_init(&b, SBX_CANON_MAX);
        char got[33];
        if (canon_build(body, len, v, &b) && canon_sign(secret, b.data ? b.data : "", b.len, got))
            match |= CRYPTO_memcmp(got, want, 32) == 0;
        sbuf_free(&b);
    }
    return match;
}

#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

static bool sbuf_reserve(struct sbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > b->max || b->len > b->max - extra) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void sbuf_append(struct sbuf *b, const void *p, size_t n)
{
    if (!sbuf_reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
    sbuf_append(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sbuf_append(b, small, (size_t)n);
        return;
    }
    if (!sbuf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sbuf_put_html(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            sbuf_puts(b, "&lt;");
            break;
        case '>':
            sbuf_puts(b, "&gt;");
            break;
        case '&':
            sbuf_puts(b, "&amp;");
            break;
        case '"':
            sbuf_puts(b, "&quot;");
            break;
        case '\'':
            sbuf_puts(b, "&#39;");
            break;
        default:
            sbuf_append(b, s, 1);
        }
    }
}

void sbuf_put_urlenc(struct sbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            sbuf_append(b, p, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sbuf_append(b, e, 3);
        }
    }
}

char *sbuf_steal(struct sbuf *b)
{
    if (b->failed) {
        sbuf_free(b);
        return NULL;
    }
    char *p = b->data;
    if (p == NULL)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void sbuf_free(struct sbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

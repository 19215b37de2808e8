#include "web/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/url.h"

#define HTML_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

void html_init(struct html *h, struct buf *b)
{
    h->b = b;
    h->e = ERR_OK;
    h->lang = 0;
    h->tz = NULL;
}

enum err html_err(const struct html *h)
{
    return h->e;
}

static void html_put(struct html *h, const char *s, size_t n)
{
    if (h->e == ERR_OK && n > 0)
        h->e = buf_append(h->b, s, n);
}

void html_raw(struct html *h, const char *markup)
{
    if (h->e == ERR_OK && markup != NULL)
        h->e = buf_puts(h->b, markup);
}

void html_rawn(struct html *h, const char *markup, size_t n)
{
    html_put(h, markup, n);
}

/* The entity for an ASCII byte that must be escaped, or NULL. */
static const char *html_entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '\0':
        return HTML_REPLACEMENT;
    default:
        return NULL;
    }
}

static bool html_cont(const unsigned char *s, size_t n, size_t i)
{
    return i < n && (s[i] & 0xC0) == 0x80;
}

/* The length of the valid UTF-8 sequence at s[0] (a byte >= 0x80), or 0 when invalid. */
static size_t html_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || len > n)
        return 0;
    /* The second byte's range excludes overlong forms, surrogates and code points past
     * U+10FFFF. */
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if (!html_cont(s, n, i))
            return 0;
    }
    return len;
}

void html_txtn(struct html *h, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* bytes of u before i that can be copied as they are */
    size_t i = 0;
    while (h->e == ERR_OK && i < n) {
        const char *ent = u[i] < 0x80 ? html_entity(u[i]) : NULL;
        size_t len = u[i] < 0x80 ? 1 : html_utf8_len(u + i, n - i);
        if (ent == NULL && len > 0) {
            i += len;
            continue;
        }
        html_put(h, s + run, i - run);
        html_put(h, ent != NULL ? ent : HTML_REPLACEMENT, ent != NULL ? strlen(ent) : 3);
        run = ++i;
    }
    html_put(h, s + run, i - run);
}

void html_txt(struct html *h, const char *s)
{
    if (s != NULL)
        html_txtn(h, s, strlen(s));
}

void html_attr(struct html *h, const char *s)
{
    html_txt(h, s); /* the same five entities keep a double- or single-quoted value closed */
}

void html_tpl_n(struct html *h, const char *markup, const char *const *args, size_t nargs)
{
    size_t used = 0;
    const char *slot;
    while (h->e == ERR_OK && (slot = strstr(markup, "{}")) != NULL) {
        if (used == nargs) {
            h->e = ERR_INTERNAL;
            return;
        }
        html_rawn(h, markup, (size_t)(slot - markup));
        html_txt(h, args[used++]);
        markup = slot + 2;
    }
    html_raw(h, markup);
    if (h->e == ERR_OK && used != nargs)
        h->e = ERR_INTERNAL;
}

void html_txt_slots_n(struct html *h, const char *text, const char *const *args, size_t nargs)
{
    size_t used = 0;
    const char *slot;
    while (h->e == ERR_OK && (slot = strstr(text, "{}")) != NULL) {
        html_txtn(h, text, (size_t)(slot - text));
        html_txt(h, used < nargs ? args[used] : NULL);
        used++;
        text = slot + 2;
    }
    html_txt(h, text);
}

void html_txtf(struct html *h, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    if (h->e != ERR_OK)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->e = ERR_INTERNAL;
        return;
    }
    if ((size_t)n < sizeof small) {
        html_txtn(h, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        h->e = ERR_NOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html_txtn(h, big, (size_t)n);
    free(big);
}

void html_int(struct html *h, int64_t v)
{
    char s[24];
    int n = snprintf(s, sizeof s, "%lld", (long long)v);
    html_put(h, s, (size_t)n);
}

void html_url(struct html *h, const char *s)
{
    if (h->e == ERR_OK && s != NULL)
        h->e = url_encode(h->b, s); /* base/url: unreserved characters only, safe in markup */
}

/*
 * The one way the console writes HTML (cgit's html/html_txt/html_attr style). A struct html
 * wraps the response buffer with a sticky error: after the first failure every later write
 * is skipped, so a page is a plain sequence of calls and one html_err() at the end.
 *
 * Only html_raw() writes bytes unescaped, and it is for markup that is a string literal of the
 * program, never data. Everything else escapes: & < > " ' become entities, a NUL byte or an
 * invalid UTF-8 sequence becomes U+FFFD, so no value can open a tag, end an attribute or
 * smuggle bytes a browser would guess about. Pages use no inline script or style: the
 * Content-Security-Policy is default-src 'self' and every rule lives in static/console.css.
 */
#ifndef AICOS_WEB_HTML_H
#define AICOS_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct tz_zone;

struct html {
    struct buf *b;
    enum err e; /* the first failure; ERR_OK while every write succeeded */
    /* Who reads it: the language (enum web_lang of web/msg.h; 0, both, by default) and the
     * time zone times are shown in (NULL: UTC). Set by web_page_begin(). */
    int lang;
    const struct tz_zone *tz;
};

/* Starts writing at the end of b (nothing is reset); both languages, UTC. */
void html_init(struct html *h, struct buf *b);

/* The first failure of any write so far (ERR_OK when none). */
ERR_MUST_USE enum err html_err(const struct html *h);

/* Appends trusted markup unescaped: string literals of the program only, never data. */
void html_raw(struct html *h, const char *markup);

/* Appends n bytes of trusted markup unescaped (an embedded template's text). */
void html_rawn(struct html *h, const char *markup, size_t n);

/* Appends text (element content), escaped; NULL writes nothing. */
void html_txt(struct html *h, const char *s);

/* Appends n bytes of text, escaped; embedded NUL bytes become U+FFFD. */
void html_txtn(struct html *h, const char *s, size_t n);

/* Appends an attribute value (inside double quotes), escaped; NULL writes nothing. */
void html_attr(struct html *h, const char *s);

/*
 * Appends markup (a program literal) with each "{}" replaced by the next argument escaped as
 * text: html_tpl(h, "<li><code>{}</code>: {}</li>", owner, action). The arguments are strings
 * (the compiler checks); NULL writes nothing; a count that does not match the slots is
 * ERR_INTERNAL.
 */
#define html_tpl(h, markup, ...)                                                                   \
    html_tpl_n((h), (markup), (const char *const[]){__VA_ARGS__},                                  \
               sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
void html_tpl_n(struct html *h, const char *markup, const char *const *args, size_t nargs);

/* Like html_tpl_n, but the text around the slots is escaped too (a catalog message). */
void html_txt_slots_n(struct html *h, const char *text, const char *const *args, size_t nargs);

/* Formats like printf, then appends the result escaped (every %s is data, never markup). */
void html_txtf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a decimal integer. */
void html_int(struct html *h, int64_t v);

/* Appends s percent-encoded for a URL path segment or query value (safe in an attribute). */
void html_url(struct html *h, const char *s);

#endif

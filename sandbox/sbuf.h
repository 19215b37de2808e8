/*
 * sbuf: a growable byte buffer with a ceiling. Appends after a failure (out of memory or over
 * the ceiling) are ignored and the buffer stays failed, so callers check once at the end.
 */
#ifndef SBX_SBUF_H
#define SBX_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
    char *data; /* NUL-terminated when not failed; owned by the buffer */
    size_t len;
    size_t cap;
    size_t max; /* ceiling on len */
    bool failed;
};

/* Starts an empty buffer that may grow to max bytes. */
void sbuf_init(struct sbuf *b, size_t max);

/* Appends n bytes. */
void sbuf_append(struct sbuf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
void sbuf_puts(struct sbuf *b, const char *s);

/* Appends formatted text (vsnprintf rules). */
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s with HTML special characters escaped. */
void sbuf_put_html(struct sbuf *b, const char *s);

/* Appends s percent-encoded for a URL query component. */
void sbuf_put_urlenc(struct sbuf *b, const char *s);

/* Hands the data to the caller (malloc'd, NUL-terminated) and resets the buffer; NULL if failed. */
char *sbuf_steal(struct sbuf *b);

/* Frees the data; the buffer may be reused after sbuf_init. */
void sbuf_free(struct sbuf *b);

#endif

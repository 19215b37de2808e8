/*
 * A growable byte buffer with a maximum size. Always NUL-terminated after data so it can
 * be used as a C string. The caller owns the struct; buf_free() releases its memory.
 */
#ifndef AICOS_BASE_BUF_H
#define AICOS_BASE_BUF_H

#include <stddef.h>

#include "base/err.h"

struct buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* refuse to grow len beyond this; 0 means the default of 16 MiB */
};

/*
 * Makes room for extra more bytes (and the NUL) without changing the contents: afterwards
 * data[len .. len + extra] may be written directly, and len moved up to len + extra (keeping
 * data[len] = NUL). ERR_TOOBIG when len + extra would pass the maximum, ERR_NOMEM.
 */
ERR_MUST_USE enum err buf_reserve(struct buf *b, size_t extra);

/* Appends n bytes; ERR_TOOBIG past the maximum (buffer unchanged), ERR_NOMEM. */
ERR_MUST_USE enum err buf_append(struct buf *b, const void *data, size_t n);

/* Appends a NUL-terminated string. */
ERR_MUST_USE enum err buf_puts(struct buf *b, const char *s);

/* Appends printf output. */
ERR_MUST_USE enum err buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Releases memory and zeroes the struct (max is kept); NULL is a no-op. */
void buf_free(struct buf *b);

/* Hands the data to the caller (free() it) and leaves b empty; never NULL unless ERR_NOMEM. */
char *buf_steal(struct buf *b);

#endif

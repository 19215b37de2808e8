/*
 * A bump allocator for data that lives exactly as long as one request or one command.
 * Everything allocated from an arena is freed at once by arena_free(); nothing in it
 * is freed individually. The arena grows in blocks up to a ceiling given at creation.
 */
#ifndef AICOS_BASE_ARENA_H
#define AICOS_BASE_ARENA_H

#include <stddef.h>

struct arena;

/* New arena that refuses to grow beyond max_bytes; NULL on allocation failure. */
struct arena *arena_new(size_t max_bytes);

/* Frees the arena and everything allocated from it; NULL is a no-op. */
void arena_free(struct arena *a);

/* Zeroed, 16-byte aligned memory owned by the arena; NULL when the ceiling is reached. */
void *arena_alloc(struct arena *a, size_t n);

/* Copy of n bytes of s plus a terminating NUL, owned by the arena; NULL on failure. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Copy of the NUL-terminated s, owned by the arena; NULL on failure or if s is NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into arena memory; NULL on failure. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif

#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (8 * 1024)
#define ARENA_ALIGN     16

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
    struct arena_block *head;
    size_t total;     /* bytes of all blocks' data */
    size_t max_bytes; /* ceiling on total */
    size_t handed;    /* bytes handed out */
};

struct arena *arena_new(size_t max_bytes)
{
    struct arena *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->max_bytes = max_bytes;
    return a;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (a == NULL || n > a->max_bytes || n > SIZE_MAX / 2)
        return NULL; /* the second bound keeps the rounding and block sizes from wrapping */
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    struct arena_block *b = a->head;
    if (b == NULL || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
        if (b != NULL && b->size * 2 > size)
            size = b->size * 2;
        if (size > a->max_bytes - a->total) {
            size = need;
            if (size > a->max_bytes - a->total)
                return NULL;
        }
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        a->total += size;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->handed += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (s == NULL || n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_used(const struct arena *a)
{
    return a == NULL ? 0 : a->handed;
}

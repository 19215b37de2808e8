#include "store/stmt_cache.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void stmt_cache_init(struct stmt_cache *sc, unsigned cap, void *handle, stmt_cache_drop_fn drop)
{
    memset(sc, 0, sizeof *sc);
    sc->cap = cap;
    sc->handle = handle;
    sc->drop = drop;
}

static void stmt_cache_drop_at(struct stmt_cache *sc, unsigned i, bool on_server)
{
    sc->drop(sc->handle, sc->entries[i].stmt, on_server);
    free(sc->entries[i].sql);
    sc->entries[i] = sc->entries[--sc->count];
}

void stmt_cache_clear(struct stmt_cache *sc, bool on_server)
{
    while (sc->count > 0)
        stmt_cache_drop_at(sc, sc->count - 1, on_server);
    free(sc->entries);
    sc->entries = NULL;
    sc->stats.cached = 0;
}

bool stmt_cache_cacheable(const struct stmt_cache *sc, const char *sql)
{
    static const char *const verbs[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"};
    if (sc->cap == 0)
        return false;
    while (isspace((unsigned char)*sql) || *sql == '(')
        sql++;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t n = strlen(verbs[i]);
        if (strncasecmp(sql, verbs[i], n) == 0 && !isalnum((unsigned char)sql[n]) && sql[n] != '_')
            return true;
    }
    return false;
}

/* FNV-1a over the SQL text, eight bytes a step (a multi-row INSERT is kilobytes long). */
static uint64_t stmt_cache_hash(const char *sql)
{
    size_t n = strlen(sql), i = 0;
    uint64_t h = 14695981039346656037ULL ^ n;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, sql + i, 8);
        h = (h ^ w) * 1099511628211ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)sql[i]) * 1099511628211ULL;
    return h;
}

void *stmt_cache_get(struct stmt_cache *sc, const char *sql, uint64_t *hash)
{
    *hash = stmt_cache_hash(sql);
    for (unsigned i = 0; i < sc->count; i++) {
        struct stmt_cache_entry *e = &sc->entries[i];
        if (e->hash != *hash || strcmp(e->sql, sql) != 0)
            continue;
        if (e->stale) {
            stmt_cache_drop_at(sc, i, true);
            sc->stats.cached = sc->count;
            break;
        }
        e->used = ++sc->tick;
        sc->stats.hits++;
        return e->stmt;
    }
    sc->stats.misses++;
    return NULL;
}

enum err stmt_cache_put(struct stmt_cache *sc, const char *sql, uint64_t hash, void *stmt)
{
    if (sc->entries == NULL) {
        sc->entries = calloc(sc->cap, sizeof *sc->entries);
        if (sc->entries == NULL)
            return ERR_NOMEM;
    }
    char *copy = strdup(sql);
    if (copy == NULL)
        return ERR_NOMEM;
    if (sc->count == sc->cap) {
        unsigned oldest = 0;
        for (unsigned i = 1; i < sc->count; i++)
            if (sc->entries[i].used < sc->entries[oldest].used)
                oldest = i;
        stmt_cache_drop_at(sc, oldest, true);
        sc->stats.evictions++;
    }
    sc->entries[sc->count++] =
        (struct stmt_cache_entry){.hash = hash, .sql = copy, .stmt = stmt, .used = ++sc->tick};
    sc->stats.cached = sc->count;
    return ERR_OK;
}

void stmt_cache_mark_stale(struct stmt_cache *sc, const void *stmt)
{
    for (unsigned i = 0; i < sc->count; i++)
        if (stmt == NULL || sc->entries[i].stmt == stmt)
            sc->entries[i].stale = true;
}

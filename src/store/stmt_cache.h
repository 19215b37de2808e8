/*
 * The prepared-statement cache of one pooled connection (private to src/store): a bounded
 * LRU of driver statements keyed by their SQL text. The driver owns what a statement is
 * (a sqlite3_stmt, a PostgreSQL statement name) and how it is dropped; the cache only finds,
 * counts and evicts. Not thread-safe: a connection is used by one thread at a time.
 */
#ifndef AICOS_STORE_STMT_CACHE_H
#define AICOS_STORE_STMT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* Drops one statement; on_server is false when the server already lost it (reconnect). */
typedef void (*stmt_cache_drop_fn)(void *handle, void *stmt, bool on_server);

struct stmt_cache_entry {
    uint64_t hash;
    char *sql;
    void *stmt;
    uint64_t used; /* the tick of its last use: the smallest is evicted first */
    bool stale;    /* dropped and prepared again at its next use */
};

struct stmt_cache {
    struct stmt_cache_entry *entries;
    unsigned cap, count;
    uint64_t tick;
    void *handle;
    stmt_cache_drop_fn drop;
    struct db_stmt_stats stats;
};

/* An empty cache of up to cap statements for the driver handle (cap 0: never caches). */
void stmt_cache_init(struct stmt_cache *sc, unsigned cap, void *handle, stmt_cache_drop_fn drop);

/* Drops every statement (on the server too when on_server) and frees the table. */
void stmt_cache_clear(struct stmt_cache *sc, bool on_server);

/*
 * True when sql may be cached: one data statement (SELECT, INSERT, UPDATE, DELETE, WITH,
 * VALUES). DDL, PRAGMA, SET and transaction control always take the uncached path.
 */
bool stmt_cache_cacheable(const struct stmt_cache *sc, const char *sql);

/*
 * The cached statement for sql, or NULL (a miss: prepare it and stmt_cache_put() it). A
 * stale entry is dropped here and counts as a miss. *hash gets the key for the put.
 */
void *stmt_cache_get(struct stmt_cache *sc, const char *sql, uint64_t *hash);

/*
 * Adds a freshly prepared statement, evicting the least recently used one when full.
 * ERR_NOMEM leaves the cache unchanged: the caller still owns stmt.
 */
ERR_MUST_USE enum err stmt_cache_put(struct stmt_cache *sc, const char *sql, uint64_t hash,
                                     void *stmt);

/* Marks one statement (or every statement when stmt is NULL) to be prepared again. */
void stmt_cache_mark_stale(struct stmt_cache *sc, const void *stmt);

#endif

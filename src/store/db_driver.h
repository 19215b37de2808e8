/*
 * The driver table behind db.h. Private to src/store: each driver fills one
 * struct db_driver and works on its own connection handle (void *).
 */
#ifndef AICOS_STORE_DB_DRIVER_H
#define AICOS_STORE_DB_DRIVER_H

#include "store/db.h"
#include "store/stmt_cache.h"

/* A block of cell text (db_rows_copy): cells are carved out of blocks, freed all at once. */
struct db_rows_block {
    struct db_rows_block *next;
    size_t used, size;
    char data[];
};

struct db_rows {
    size_t nrows, ncols, cap; /* cap: rows the cells array holds */
    char **cells;             /* nrows * ncols, NULL for SQL NULL; text in blocks */
    struct db_rows_block *blocks;
};

struct db_driver {
    const char *name;
    enum db_kind kind;
    /* Opens one connection for the part of the URL after the scheme prefix check. */
    enum err (*connect)(const char *url, void **handle, struct errbuf *eb);
    void (*disconnect)(void *handle);
    /* exec and query use and fill the connection's statement cache sc. */
    enum err (*exec)(void *handle, struct stmt_cache *sc, const char *sql,
                     const struct db_param *params, size_t n, int64_t *changed, struct errbuf *eb);
    enum err (*query)(void *handle, struct stmt_cache *sc, const char *sql,
                      const struct db_param *params, size_t n, struct db_rows **out,
                      struct errbuf *eb);
    /* Runs a script; a caller's script (not transaction control) may change the schema. */
    enum err (*exec_script)(void *handle, struct stmt_cache *sc, const char *sql, bool caller,
                            struct errbuf *eb);
    stmt_cache_drop_fn stmt_drop;
    const char *begin_sql;
    /* db_query_lazy(): run before the statement, after it, and after it failed. */
    const char *lazy_begin_sql, *lazy_commit_sql, *lazy_abort_sql;
    const char *table_exists_sql; /* one parameter: the table name */
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_postgres;

/* Builds a rows object with room for nrows x ncols cells; NULL on allocation failure. */
struct db_rows *db_rows_new(size_t nrows, size_t ncols);

/* Grows a rows object to nrows rows (for drivers that learn the count as they step). */
ERR_MUST_USE enum err db_rows_grow(struct db_rows *r, size_t nrows);

/* Sets cell (row, col) to a copy of the n bytes at s (NUL added), held by r. ERR_NOMEM. */
ERR_MUST_USE enum err db_rows_copy(struct db_rows *r, size_t row, size_t col, const char *s,
                                   size_t n);

#endif

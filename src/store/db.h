/*
 * The database layer: one interface, two drivers (SQLite and PostgreSQL) chosen by URL.
 *
 * A struct db is a small pool of connections. Take one with db_acquire(), give it back with
 * db_release(). Statements are always parameterized: placeholders are written $1, $2, ...
 * in both dialects. Query results are materialized as text (NULL-aware) in struct db_rows.
 *
 * Each pooled connection keeps its data statements (SELECT, INSERT, UPDATE, DELETE, WITH)
 * prepared, keyed by SQL text, in a bounded LRU (LIMIT_DB_STMT_CACHE): callers see nothing
 * but the saved compile time. DDL and scripts always run uncached.
 */
#ifndef AICOS_STORE_DB_H
#define AICOS_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct db_conn;
struct db_rows;

enum db_param_type { DB_NULL = 0, DB_TEXT, DB_INT };

struct db_param {
    enum db_param_type type;
    const char *text; /* DB_TEXT: NUL-terminated, borrowed for the call */
    int64_t i;        /* DB_INT */
};

#define DB_P_TEXT(s) ((struct db_param){.type = DB_TEXT, .text = (s)})
#define DB_P_INT(n)  ((struct db_param){.type = DB_INT, .i = (n)})
#define DB_P_NULL    ((struct db_param){.type = DB_NULL})

enum db_kind { DB_KIND_SQLITE, DB_KIND_POSTGRES };

/*
 * Opens a pool of pool_size connections (1..LIMIT_DB_POOL_MAX) to url, "sqlite:<path>" or
 * "postgres://...". For SQLite, the parent folder is created and WAL, foreign keys and the
 * busy timeout are set on every connection. *out is owned by the caller: db_close() it.
 */
ERR_MUST_USE enum err db_open(const char *url, unsigned pool_size, struct db **out,
                              struct errbuf *eb);

/* Closes every connection; waits for none (all must have been released). NULL is a no-op. */
void db_close(struct db *db);

/* Which driver this pool uses. */
enum db_kind db_kind(const struct db *db);

/* Driver name, "sqlite" or "postgres". */
const char *db_driver_name(const struct db *db);

/* Blocks until a connection is free and returns it; never NULL. */
struct db_conn *db_acquire(struct db *db);

/* Returns a connection to its pool. A connection left inside a transaction is rolled back. */
void db_release(struct db_conn *c);

/* Runs one parameterized statement that returns no rows; *changed gets affected rows. */
ERR_MUST_USE enum err db_exec(struct db_conn *c, const char *sql, const struct db_param *params,
                              size_t nparams, int64_t *changed, struct errbuf *eb);

/* Runs a parameterized query; *out owns the rows: db_rows_free() it. */
ERR_MUST_USE enum err db_query(struct db_conn *c, const char *sql, const struct db_param *params,
                               size_t nparams, struct db_rows **out, struct errbuf *eb);

/* db_exec() and db_query() on a connection taken from the pool for that one statement. */
ERR_MUST_USE enum err db_pool_exec(struct db *db, const char *sql, const struct db_param *params,
                                   size_t nparams, int64_t *changed, struct errbuf *eb);
ERR_MUST_USE enum err db_pool_query(struct db *db, const char *sql, const struct db_param *params,
                                    size_t nparams, struct db_rows **out, struct errbuf *eb);

/*
 * db_query() of one statement committed without waiting for the disk: other processes see
 * its effect at once, a process crash never loses it, a power failure or OS crash may (never
 * half of it). For state that is cheap to lose, such as the shared request budget. SQLite:
 * run under synchronous=NORMAL (WAL: no fsync at commit); PostgreSQL: in its own transaction
 * with SET LOCAL synchronous_commit = off. Inside an open transaction it is db_query().
 */
ERR_MUST_USE enum err db_query_lazy(struct db_conn *c, const char *sql,
                                    const struct db_param *params, size_t nparams,
                                    struct db_rows **out, struct errbuf *eb);

/* Runs several unparameterized statements (migration scripts only). */
ERR_MUST_USE enum err db_exec_script(struct db_conn *c, const char *sql, struct errbuf *eb);

/*
 * Transactions. db_begin() takes the write lock up front on SQLite (BEGIN IMMEDIATE) so
 * two writers never deadlock on upgrade.
 */
ERR_MUST_USE enum err db_begin(struct db_conn *c, struct errbuf *eb);
ERR_MUST_USE enum err db_commit(struct db_conn *c, struct errbuf *eb);
/*
 * Ends the transaction without its changes. Its result may be left unused: it runs on paths
 * that already carry an error, a failure is logged here, and db_release() resets the
 * connection's state either way.
 */
enum err db_rollback(struct db_conn *c);

/* Ends a transaction: commits when e is ERR_OK (the commit's result), else rolls back (e). */
ERR_MUST_USE enum err db_end(struct db_conn *c, enum err e, struct errbuf *eb);

/* What the statement cache of one connection did so far (tests and benchmarks). */
struct db_stmt_stats {
    uint64_t hits, misses, evictions;
    unsigned cached; /* statements held now */
};
void db_conn_stmt_stats(const struct db_conn *c, struct db_stmt_stats *out);

/*
 * Sets how many statements each connection keeps (default LIMIT_DB_STMT_CACHE), dropping
 * those held; 0 prepares every statement afresh (the path before the cache, kept for the
 * benchmark). Call only while no connection is taken.
 */
void db_set_stmt_cache(struct db *db, unsigned capacity);

/* Cheap liveness probe (SELECT 1). */
ERR_MUST_USE enum err db_ping(struct db_conn *c, struct errbuf *eb);

/* True when the table exists. */
ERR_MUST_USE enum err db_table_exists(struct db_conn *c, const char *table, bool *exists,
                                      struct errbuf *eb);

/* Result access. Row and column indexes are 0-based; out-of-range gives NULL. */
size_t db_rows_count(const struct db_rows *r);
size_t db_rows_columns(const struct db_rows *r);
const char *db_rows_get(const struct db_rows *r, size_t row, size_t col);
bool db_rows_is_null(const struct db_rows *r, size_t row, size_t col);
/* Parses a cell as an integer; ERR_INVAL if NULL or not an integer. */
ERR_MUST_USE enum err db_rows_int(const struct db_rows *r, size_t row, size_t col, int64_t *out);
/*
 * Reads n integer cells of one row: out[i] from column cols[i]. The first cell that is NULL
 * or not an integer fails the whole read with ERR_DB naming its column, for columns that the
 * schema declares NOT NULL (a failure there is a schema defect, never a value to guess).
 */
ERR_MUST_USE enum err db_rows_ints(const struct db_rows *r, size_t row, size_t n,
                                   const size_t *cols, int64_t *const *out, struct errbuf *eb);
/* The integer of a cell, or dflt when it is NULL or not an integer (nullable columns). */
int64_t db_rows_int_or(const struct db_rows *r, size_t row, size_t col, int64_t dflt);
void db_rows_free(struct db_rows *r);

#endif

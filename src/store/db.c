#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/parse.h"
#include "store/db_driver.h"

struct db_conn {
    struct db *db;
    void *handle;
    struct stmt_cache cache;
    bool in_tx;
    bool busy;
};

struct db {
    const struct db_driver *drv;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    unsigned size;
    struct db_conn conns[];
};

static const struct db_driver *db_driver_for(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return &db_driver_sqlite;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return &db_driver_postgres;
    return NULL;
}

enum err db_open(const char *url, unsigned pool_size, struct db **out, struct errbuf *eb)
{
    *out = NULL;
    if (url == NULL || strlen(url) >= LIMIT_DB_URL_BYTES)
        return err_set(eb, ERR_CONFIG, "bad_database_url",
                       "The database URL is missing or too long.");
    const struct db_driver *drv = db_driver_for(url);
    if (drv == NULL)
        return err_set(eb, ERR_CONFIG, "bad_database_url",
                       "The database URL must start with sqlite: or postgres://.");
    if (pool_size == 0 || pool_size > LIMIT_DB_POOL_MAX)
        return err_set(eb, ERR_CONFIG, "bad_pool_size", "The pool size must be 1 to %d.",
                       LIMIT_DB_POOL_MAX);
    struct db *db = calloc(1, sizeof *db + pool_size * sizeof(struct db_conn));
    if (db == NULL)
        return ERR_NOMEM;
    db->drv = drv;
    db->size = 0;
    pthread_mutex_init(&db->lock, NULL);
    pthread_cond_init(&db->freed, NULL);
    for (unsigned i = 0; i < pool_size; i++) {
        enum err e = drv->connect(url, &db->conns[i].handle, eb);
        if (e != ERR_OK) {
            db_close(db);
            return e;
        }
        db->conns[i].db = db;
        stmt_cache_init(&db->conns[i].cache, LIMIT_DB_STMT_CACHE, db->conns[i].handle,
                        drv->stmt_drop);
        db->size++;
    }
    *out = db;
    return ERR_OK;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (unsigned i = 0; i < db->size; i++) {
        stmt_cache_clear(&db->conns[i].cache, true);
        db->drv->disconnect(db->conns[i].handle);
    }
    pthread_cond_destroy(&db->freed);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

enum db_kind db_kind(const struct db *db)
{
    return db->drv->kind;
}

const char *db_driver_name(const struct db *db)
{
    return db->drv->name;
}

struct db_conn *db_acquire(struct db *db)
{
    pthread_mutex_lock(&db->lock);
    bool warned = false;
    for (;;) {
        for (unsigned i = 0; i < db->size; i++) {
            if (!db->conns[i].busy) {
                db->conns[i].busy = true;
                pthread_mutex_unlock(&db->lock);
                return &db->conns[i];
            }
        }
        /*
         * Waiting long means the pool is too small for the load, or a caller holds one
         * connection while asking for another: say so once, then keep waiting.
         */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += LIMIT_DB_ACQUIRE_WARN_S;
        if (pthread_cond_timedwait(&db->freed, &db->lock, &until) != 0 && !warned) {
            warned = true;
            char n[16], secs[16];
            snprintf(n, sizeof n, "%u", db->size);
            snprintf(secs, sizeof secs, "%d", LIMIT_DB_ACQUIRE_WARN_S);
            log_kv(LOG_WARN, "db.pool_exhausted", "connections", n, "waited_s", secs, NULL);
        }
    }
}

void db_release(struct db_conn *c)
{
    if (c == NULL)
        return;
    if (c->in_tx)
        db_rollback(c);
    struct db *db = c->db;
    pthread_mutex_lock(&db->lock);
    c->busy = false;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->lock);
}

enum err db_exec(struct db_conn *c, const char *sql, const struct db_param *params, size_t nparams,
                 int64_t *changed, struct errbuf *eb)
{
    int64_t dummy;
    return c->db->drv->exec(c->handle, &c->cache, sql, params, nparams, changed ? changed : &dummy,
                            eb);
}

enum err db_query(struct db_conn *c, const char *sql, const struct db_param *params, size_t nparams,
                  struct db_rows **out, struct errbuf *eb)
{
    *out = NULL;
    return c->db->drv->query(c->handle, &c->cache, sql, params, nparams, out, eb);
}

enum err db_pool_exec(struct db *db, const char *sql, const struct db_param *params, size_t nparams,
                      int64_t *changed, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, sql, params, nparams, changed, eb);
    db_release(c);
    return e;
}

enum err db_pool_query(struct db *db, const char *sql, const struct db_param *params,
                       size_t nparams, struct db_rows **out, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c, sql, params, nparams, out, eb);
    db_release(c);
    return e;
}

/* Transaction control and the lazy-commit wrappers: scripts that never change the schema. */
ERR_MUST_USE static enum err db_control(struct db_conn *c, const char *sql, struct errbuf *eb)
{
    return c->db->drv->exec_script(c->handle, &c->cache, sql, false, eb);
}

enum err db_query_lazy(struct db_conn *c, const char *sql, const struct db_param *params,
                       size_t nparams, struct db_rows **out, struct errbuf *eb)
{
    const struct db_driver *drv = c->db->drv;
    if (c->in_tx)
        return db_query(c, sql, params, nparams, out, eb);
    enum err e = db_control(c, drv->lazy_begin_sql, eb);
    if (e != ERR_OK)
        return e;
    e = db_query(c, sql, params, nparams, out, eb);
    if (e == ERR_OK) {
        e = db_control(c, drv->lazy_commit_sql, eb);
        if (e != ERR_OK) {
            db_rows_free(*out);
            *out = NULL;
        }
    }
    /* The statement's own error is the one reported; a failed abort is logged. */
    if (e != ERR_OK && db_control(c, drv->lazy_abort_sql, NULL) != ERR_OK)
        log_kv(LOG_WARN, "db.lazy_abort_failed", NULL);
    return e;
}

enum err db_exec_script(struct db_conn *c, const char *sql, struct errbuf *eb)
{
    return c->db->drv->exec_script(c->handle, &c->cache, sql, true, eb);
}

void db_conn_stmt_stats(const struct db_conn *c, struct db_stmt_stats *out)
{
    *out = c->cache.stats;
}

void db_set_stmt_cache(struct db *db, unsigned capacity)
{
    for (unsigned i = 0; i < db->size; i++) {
        struct db_conn *c = &db->conns[i];
        stmt_cache_clear(&c->cache, true);
        stmt_cache_init(&c->cache, capacity, c->handle, db->drv->stmt_drop);
    }
}

enum err db_begin(struct db_conn *c, struct errbuf *eb)
{
    if (c->in_tx)
        return err_set(eb, ERR_INTERNAL, "nested_transaction", "A transaction is already open.");
    enum err e = db_control(c, c->db->drv->begin_sql, eb);
    if (e == ERR_OK)
        c->in_tx = true;
    return e;
}

enum err db_commit(struct db_conn *c, struct errbuf *eb)
{
    enum err e = db_control(c, "COMMIT", eb);
    if (e != ERR_OK)
        db_rollback(c);
    c->in_tx = false;
    return e;
}

enum err db_end(struct db_conn *c, enum err e, struct errbuf *eb)
{
    if (e == ERR_OK)
        return db_commit(c, eb);
    db_rollback(c);
    return e;
}

enum err db_rollback(struct db_conn *c)
{
    c->in_tx = false;
    enum err e = db_control(c, "ROLLBACK", NULL);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "db.rollback_failed", "error", err_code(e), NULL);
    return e;
}

enum err db_ping(struct db_conn *c, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c, "SELECT 1", NULL, 0, &r, eb);
    db_rows_free(r);
    return e;
}

enum err db_table_exists(struct db_conn *c, const char *table, bool *exists, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p = DB_P_TEXT(table);
    enum err e = db_query(c, c->db->drv->table_exists_sql, &p, 1, &r, eb);
    if (e == ERR_OK)
        *exists = db_rows_count(r) > 0;
    db_rows_free(r);
    return e;
}

struct db_rows *db_rows_new(size_t nrows, size_t ncols)
{
    struct db_rows *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->ncols = ncols;
    if (db_rows_grow(r, nrows) != ERR_OK) {
        free(r);
        return NULL;
    }
    return r;
}

enum err db_rows_grow(struct db_rows *r, size_t nrows)
{
    if (nrows <= r->nrows)
        return ERR_OK;
    if (nrows > LIMIT_DB_ROWS)
        return ERR_TOOBIG;
    size_t width = r->ncols ? r->ncols : 1;
    if (nrows > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16; /* doubling: a row at a time stays linear */
        cap = cap < nrows ? nrows : cap;
        cap = cap > LIMIT_DB_ROWS ? LIMIT_DB_ROWS : cap;
        char **p = realloc(r->cells, cap * width * sizeof *p);
        if (p == NULL)
            return ERR_NOMEM;
        r->cells = p;
        r->cap = cap;
    }
    memset(r->cells + r->nrows * width, 0, (nrows - r->nrows) * width * sizeof *r->cells);
    r->nrows = nrows;
    return ERR_OK;
}

#define DB_ROWS_BLOCK 8192 /* bytes of cell text per block; a longer cell gets its own */

enum err db_rows_copy(struct db_rows *r, size_t row, size_t col, const char *s, size_t n)
{
    struct db_rows_block *b = r->blocks;
    if (b == NULL || b->size - b->used < n + 1) {
        size_t size = n + 1 > DB_ROWS_BLOCK ? n + 1 : DB_ROWS_BLOCK;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return ERR_NOMEM;
        b->used = 0;
        b->size = size;
        b->next = r->blocks;
        r->blocks = b;
    }
    char *out = b->data + b->used;
    memcpy(out, s, n);
    out[n] = '\0';
    b->used += n + 1;
    r->cells[row * r->ncols + col] = out;
    return ERR_OK;
}

size_t db_rows_count(const struct db_rows *r)
{
    return r == NULL ? 0 : r->nrows;
}

size_t db_rows_columns(const struct db_rows *r)
{
    return r == NULL ? 0 : r->ncols;
}

const char *db_rows_get(const struct db_rows *r, size_t row, size_t col)
{
    if (r == NULL || row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->cells[row * r->ncols + col];
}

bool db_rows_is_null(const struct db_rows *r, size_t row, size_t col)
{
    return db_rows_get(r, row, col) == NULL;
}

enum err db_rows_int(const struct db_rows *r, size_t row, size_t col, int64_t *out)
{
    const char *v = db_rows_get(r, row, col);
    if (v == NULL)
        return ERR_INVAL;
    return parse_int64(v, INT64_MIN, INT64_MAX, out);
}

enum err db_rows_ints(const struct db_rows *r, size_t row, size_t n, const size_t *cols,
                      int64_t *const *out, struct errbuf *eb)
{
    for (size_t i = 0; i < n; i++)
        if (db_rows_int(r, row, cols[i], out[i]) != ERR_OK)
            return err_set(eb, ERR_DB, "db_error",
                           "The database returned no integer in column %zu of row %zu.", cols[i],
                           row);
    return ERR_OK;
}

int64_t db_rows_int_or(const struct db_rows *r, size_t row, size_t col, int64_t dflt)
{
    int64_t v;
    return db_rows_int(r, row, col, &v) == ERR_OK ? v : dflt;
}

void db_rows_free(struct db_rows *r)
{
    if (r == NULL)
        return;
    while (r->blocks != NULL) {
        struct db_rows_block *next = r->blocks->next;
        free(r->blocks);
        r->blocks = next;
    }
    free(r->cells);
    free(r);
}

/* The SQLite driver: WAL, foreign keys on, busy timeout, synchronous=FULL. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/parse.h"
#include "store/db_driver.h"

/* Creates every missing folder above path (mode 0700). */
ERR_MUST_USE static enum err sqlite_make_parent(const char *path, struct errbuf *eb)
{
    char dir[LIMIT_DB_URL_BYTES];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return ERR_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return err_set(eb, ERR_IO, "database_path", "Cannot create folder %s: %s.", dir,
                           strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return err_set(eb, ERR_IO, "database_path", "Cannot create folder %s: %s.", dir,
                       strerror(errno));
    return ERR_OK;
}

ERR_MUST_USE static enum err sqlite_fail(sqlite3 *h, struct errbuf *eb, const char *what)
{
    int code = sqlite3_extended_errcode(h);
    const char *mcode = "database_error";
    enum err e = ERR_DB;
    if ((code & 0xff) == SQLITE_CONSTRAINT) {
        e = ERR_CONFLICT;
        mcode = "constraint_violation";
    } else if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
        e = ERR_UNAVAILABLE;
        mcode = "database_busy";
    }
    return err_set(eb, e, mcode, "SQLite %s failed: %s.", what, sqlite3_errmsg(h));
}

ERR_MUST_USE static enum err sqlite_connect(const char *url, void **handle, struct errbuf *eb)
{
    const char *path = url + strlen("sqlite:");
    *handle = NULL;
    enum err e = sqlite_make_parent(path, eb);
    if (e != ERR_OK)
        return e;
    /* A new database file is created owner-only, whatever the umask (SQLite gives its -wal
     * and -shm files the main file's mode). An existing file keeps its mode. */
    if (strcmp(path, ":memory:") != 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
        else if (errno != EEXIST)
            return err_set(eb, ERR_IO, "database_path", "Cannot create %s: %s.", path,
                           strerror(errno));
    }
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(
        path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        e = err_set(eb, ERR_DB, "database_open", "Cannot open SQLite database %s: %s.", path,
                    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return e;
    }
    sqlite3_busy_timeout(h, LIMIT_DB_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(h, 1);
    char setup[200];
    snprintf(setup, sizeof setup,
             "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
             "PRAGMA cache_size=-%d;",
             LIMIT_DB_SQLITE_CACHE_KIB);
    rc = sqlite3_exec(h, setup, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        e = sqlite_fail(h, eb, "set-up");
        sqlite3_close(h);
        return e;
    }
    *handle = h;
    return ERR_OK;
}

static void sqlite_disconnect(void *handle)
{
    sqlite3_close(handle);
}

static void sqlite_stmt_drop(void *handle, void *stmt, bool on_server)
{
    (void)handle;
    (void)on_server;
    sqlite3_finalize(stmt);
}

/*
 * sql with every "$k" parameter (outside literals, quoted names and comments) written "?k"
 * (same length): SQLite binds "?k" at index k, so binding needs no search by name, whose cost
 * grows with the square of the parameter count. NULL when out of memory.
 */
static char *sqlite_numbered(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, sql, n + 1);
    for (size_t i = 0; i < n; i++) {
        char q = out[i];
        if (q == '\'' || q == '"') {
            for (i++; i < n && out[i] != q; i++) {
            }
        } else if (q == '-' && out[i + 1] == '-') {
            for (; i < n && out[i] != '\n'; i++) {
            }
        } else if (q == '/' && out[i + 1] == '*') {
            for (i += 2; i + 1 < n && !(out[i] == '*' && out[i + 1] == '/'); i++) {
            }
            i++;
        } else if (q == '$' && out[i + 1] >= '0' && out[i + 1] <= '9') {
            out[i] = '?';
        }
    }
    return out;
}

/* Compiles sql, refusing anything after its first statement. */
ERR_MUST_USE static enum err sqlite_compile(sqlite3 *h, const char *sql, bool persistent,
                                            sqlite3_stmt **out, struct errbuf *eb)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    *out = NULL;
    char *text = sqlite_numbered(sql);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "Out of memory.");
    int rc =
        sqlite3_prepare_v3(h, text, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, &tail);
    if (rc != SQLITE_OK) {
        free(text);
        return sqlite_fail(h, eb, "prepare");
    }
    while (tail != NULL && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
        tail++;
    bool more = tail != NULL && *tail != '\0';
    free(text);
    if (more) {
        sqlite3_finalize(st);
        return err_set(eb, ERR_INTERNAL, "multiple_statements",
                       "A parameterized call must hold exactly one statement.");
    }
    *out = st;
    return ERR_OK;
}

/* Gives a statement back: a cached one is reset and unbound, any other finalized. */
static void sqlite_done(sqlite3_stmt *st, bool cached)
{
    if (!cached) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

ERR_MUST_USE static enum err sqlite_bind(sqlite3 *h, sqlite3_stmt *st,
                                         const struct db_param *params, size_t n, struct errbuf *eb)
{
    if ((size_t)sqlite3_bind_parameter_count(st) != n)
        return err_set(eb, ERR_INTERNAL, "parameter_count",
                       "The statement expects %d parameters, %zu given.",
                       sqlite3_bind_parameter_count(st), n);
    for (size_t i = 0; i < n; i++) {
        int idx = (int)i + 1; /* "$k" was compiled as "?k" (sqlite_numbered) */
        int rc = SQLITE_OK;
        switch (params[i].type) {
        case DB_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case DB_TEXT:
            /* The caller's text outlives the statement's use (unbound in sqlite_done). */
            rc = sqlite3_bind_text(st, idx, params[i].text, -1, SQLITE_STATIC);
            break;
        case DB_INT:
            rc = sqlite3_bind_int64(st, idx, params[i].i);
            break;
        }
        if (rc != SQLITE_OK)
            return sqlite_fail(h, eb, "bind");
    }
    return ERR_OK;
}

/*
 * The statement for sql with params bound: from the cache (compiled once, persistent) when
 * sc allows, else compiled for this call. *cached says which, for sqlite_done(). A cached
 * statement that the schema outdated is compiled again by sqlite3_step() (SQLITE_SCHEMA).
 */
ERR_MUST_USE static enum err sqlite_prepare(sqlite3 *h, struct stmt_cache *sc, const char *sql,
                                            const struct db_param *params, size_t n,
                                            sqlite3_stmt **out, bool *cached, struct errbuf *eb)
{
    sqlite3_stmt *st = NULL;
    enum err e = ERR_OK;
    uint64_t hash = 0;
    *out = NULL;
    *cached = stmt_cache_cacheable(sc, sql);
    if (*cached)
        st = stmt_cache_get(sc, sql, &hash);
    if (st == NULL) {
        e = sqlite_compile(h, sql, *cached, &st, eb);
        if (e != ERR_OK)
            return e;
        if (*cached && stmt_cache_put(sc, sql, hash, st) != ERR_OK)
            *cached = false; /* no room for the entry: use it once */
    }
    e = sqlite_bind(h, st, params, n, eb);
    if (e != ERR_OK) {
        sqlite_done(st, *cached);
        return e;
    }
    *out = st;
    return ERR_OK;
}

ERR_MUST_USE static enum err sqlite_exec(void *handle, struct stmt_cache *sc, const char *sql,
                                         const struct db_param *params, size_t n, int64_t *changed,
                                         struct errbuf *eb)
{
    sqlite3 *h = handle;
    sqlite3_stmt *st;
    bool cached;
    enum err e = sqlite_prepare(h, sc, sql, params, n, &st, &cached, eb);
    if (e != ERR_OK)
        return e;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        e = sqlite_fail(h, eb, "statement");
    else
        *changed = sqlite3_changes64(h);
    sqlite_done(st, cached);
    return e;
}

/* An integer cell as decimal text, as sqlite3_column_text() would give it ("%lld"), written
 * into the rows without the conversion buffer SQLite allocates for every such cell. */
ERR_MUST_USE static enum err sqlite_int_cell(struct db_rows *rows, size_t row, size_t col,
                                             sqlite3_int64 v)
{
    char digits[PARSE_INT64_DIGITS];
    const char *p = parse_int64_text((int64_t)v, digits);
    return db_rows_copy(rows, row, col, p, (size_t)(digits + sizeof digits - p));
}
ERR_MUST_USE static enum err sqlite_query(void *handle, struct stmt_cache *sc, const char *sql,
                                          const struct db_param *params, size_t n,
                                          struct db_rows **out, struct errbuf *eb)
{
    sqlite3 *h = handle;
    sqlite3_stmt *st;
    bool cached;
    enum err e = sqlite_prepare(h, sc, sql, params, n, &st, &cached, eb);
    if (e != ERR_OK)
        return e;
    /* The first step may compile the statement again (schema change): count columns after. */
    int rc = sqlite3_step(st);
    size_t ncols = (size_t)sqlite3_column_count(st);
    struct db_rows *rows = db_rows_new(0, ncols);
    if (rows == NULL) {
        sqlite_done(st, cached);
        return ERR_NOMEM;
    }
    size_t nrows = 0;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        e = db_rows_grow(rows, nrows + 1);
        if (e != ERR_OK)
            goto out;
        for (size_t c = 0; c < ncols; c++) {
            int type = sqlite3_column_type(st, (int)c);
            if (type == SQLITE_NULL)
                continue;
            if (type == SQLITE_INTEGER) { /* SQLite's own text of it, without its buffer */
                e = sqlite_int_cell(rows, nrows, c, sqlite3_column_int64(st, (int)c));
                if (e != ERR_OK)
                    goto out;
                continue;
            }
            const unsigned char *t = sqlite3_column_text(st, (int)c);
            if (t == NULL) {
                e = ERR_NOMEM;
                goto out;
            }
            e = db_rows_copy(rows, nrows, c, (const char *)t,
                             (size_t)sqlite3_column_bytes(st, (int)c));
            if (e != ERR_OK)
                goto out;
        }
        nrows++;
    }
    if (rc != SQLITE_DONE)
        e = sqlite_fail(h, eb, "query");
out:
    sqlite_done(st, cached);
    if (e != ERR_OK) {
        db_rows_free(rows);
        return e;
    }
    *out = rows;
    return ERR_OK;
}

/* Scripts never use the cache: SQLite compiles outdated cached statements again by itself. */
ERR_MUST_USE static enum err sqlite_exec_script(void *handle, struct stmt_cache *sc,
                                                const char *sql, bool caller, struct errbuf *eb)
{
    sqlite3 *h = handle;
    (void)sc;
    (void)caller;
    if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(h, eb, "script");
    return ERR_OK;
}

const struct db_driver db_driver_sqlite = {
    .name = "sqlite",
    .kind = DB_KIND_SQLITE,
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .exec_script = sqlite_exec_script,
    .stmt_drop = sqlite_stmt_drop,
    .begin_sql = "BEGIN IMMEDIATE",
    /* WAL under synchronous=NORMAL: the commit is not fsynced (the next checkpoint is). */
    .lazy_begin_sql = "PRAGMA synchronous=NORMAL",
    .lazy_commit_sql = "PRAGMA synchronous=FULL",
    .lazy_abort_sql = "PRAGMA synchronous=FULL",
    .table_exists_sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
};

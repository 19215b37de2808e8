/* The PostgreSQL driver, on libpq. Parameters go as text; results come back as text. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/parse.h"
#include "store/db_driver.h"

#define PG_MAX_PARAMS      64    /* on the stack */
#define PG_MAX_PARAMS_HEAP 16384 /* at all */

static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    if (log_enabled(LOG_DEBUG))
        log_kv(LOG_DEBUG, "db.notice", "message", message, NULL);
}

ERR_MUST_USE static enum err pg_fail(PGconn *h, PGresult *res, struct errbuf *eb, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(h);
    enum err e = ERR_DB;
    const char *code = "database_error";
    if (state != NULL && strncmp(state, "23", 2) == 0) {
        e = ERR_CONFLICT;
        code = "constraint_violation";
    } else if (state != NULL && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)) {
        e = ERR_UNAVAILABLE;
        code = "database_busy";
    } else if (PQstatus(h) != CONNECTION_OK) {
        e = ERR_UNAVAILABLE;
        code = "database_unreachable";
    }
    char clean[256];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "unknown error");
    size_t len = strlen(clean);
    while (len > 0 && (clean[len - 1] == '\n' || clean[len - 1] == ' '))
        clean[--len] = '\0';
    return err_set(eb, e, code, "PostgreSQL %s failed: %s.", what, clean);
}

ERR_MUST_USE static enum err pg_connect(const char *url, void **handle, struct errbuf *eb)
{
    *handle = NULL;
    PGconn *h = PQconnectdb(url);
    if (h == NULL)
        return ERR_NOMEM;
    if (PQstatus(h) != CONNECTION_OK) {
        /* The message may echo the host but never the password. */
        enum err e = pg_fail(h, NULL, eb, "connection");
        PQfinish(h);
        return e == ERR_DB ? ERR_UNAVAILABLE : e;
    }
    PQsetNoticeProcessor(h, pg_notice, NULL);
    PGresult *res = PQexec(h, "SET client_min_messages = warning");
    PQclear(res);
    *handle = h;
    return ERR_OK;
}

static void pg_disconnect(void *handle)
{
    PQfinish(handle);
}

/* A statement prepared on the server under a name unique to its connection. */
struct pg_stmt {
    char name[32];
};

static void pg_stmt_drop(void *handle, void *stmt, bool on_server)
{
    struct pg_stmt *ps = stmt;
    PGconn *h = handle;
    /* Never sent in a failed transaction: the cache is bypassed there (pg_run). */
    if (on_server && PQstatus(h) == CONNECTION_OK && PQtransactionStatus(h) != PQTRANS_INERROR) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", ps->name);
        PGresult *res = PQexec(h, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && log_enabled(LOG_DEBUG))
            log_kv(LOG_DEBUG, "db.deallocate_failed", "statement", ps->name, NULL);
        PQclear(res);
    }
    free(ps);
}

/*
 * A connection that dropped is reset once, so one database restart does not poison the pool;
 * the statements it had prepared died with the old session.
 */
static void pg_heal(PGconn *h, struct stmt_cache *sc)
{
    if (PQstatus(h) != CONNECTION_BAD)
        return;
    PQreset(h);
    stmt_cache_clear(sc, false);
}

/* True when res failed because a cached plan's result columns changed (DDL since PREPARE). */
static bool pg_plan_outdated(PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return state != NULL && strcmp(state, "0A000") == 0 && msg != NULL &&
           strstr(msg, "cached plan must not change result type") != NULL;
}

static bool pg_ok(PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/*
 * Prepares sql under a fresh name and caches it. A failed PREPARE inside a transaction
 * aborts it just as the statement itself would have, so nothing differs for the caller.
 */
ERR_MUST_USE static enum err pg_prepare(PGconn *h, struct stmt_cache *sc, const char *sql,
                                        uint64_t hash, struct pg_stmt **out, struct errbuf *eb)
{
    static unsigned long long pg_stmt_serial;
    struct pg_stmt *ps = calloc(1, sizeof *ps);
    *out = NULL;
    if (ps == NULL)
        return ERR_NOMEM;
    snprintf(ps->name, sizeof ps->name, "aicos_%llu",
             __atomic_add_fetch(&pg_stmt_serial, 1, __ATOMIC_RELAXED));
    PGresult *res = PQprepare(h, ps->name, sql, 0, NULL);
    if (!pg_ok(res)) {
        enum err e = pg_fail(h, res, eb, "prepare");
        PQclear(res);
        free(ps);
        return e;
    }
    PQclear(res);
    if (stmt_cache_put(sc, sql, hash, ps) != ERR_OK) {
        pg_stmt_drop(h, ps, true);
        return ERR_NOMEM;
    }
    *out = ps;
    return ERR_OK;
}

/*
 * Runs one cached statement: prepared on its first use, then executed by name. A plan whose
 * result type a schema change outdated is prepared again and run once more when no
 * transaction is open; inside one, the transaction is already aborted, so the error goes to
 * the caller and the statement is prepared again at its next use.
 */
ERR_MUST_USE static enum err pg_run_cached(PGconn *h, struct stmt_cache *sc, const char *sql,
                                           const char *const *values, size_t n, PGresult **out,
                                           struct errbuf *eb)
{
    uint64_t hash;
    struct pg_stmt *ps = stmt_cache_get(sc, sql, &hash);
    enum err e = ERR_OK;
    bool idle = PQtransactionStatus(h) == PQTRANS_IDLE;
    *out = NULL;
    for (int round = 0; round < 2; round++) {
        if (ps == NULL && (e = pg_prepare(h, sc, sql, hash, &ps, eb)) != ERR_OK)
            return e;
        PGresult *res = PQexecPrepared(h, ps->name, (int)n, values, NULL, NULL, 0);
        if (pg_ok(res)) {
            *out = res;
            return ERR_OK;
        }
        bool outdated = res != NULL && pg_plan_outdated(res);
        e = pg_fail(h, res, eb, "statement");
        PQclear(res);
        if (!outdated)
            return e;
        stmt_cache_mark_stale(sc, ps);
        if (!idle)
            return e;
        ps = stmt_cache_get(sc, sql, &hash); /* drops the stale entry: NULL */
    }
    return e;
}

/* Sends sql with values (n of them) and gives its result: prepared once when cacheable. */
ERR_MUST_USE static enum err pg_send(PGconn *h, struct stmt_cache *sc, const char *sql,
                                     const char *const *values, size_t n, PGresult **out,
                                     struct errbuf *eb)
{
    pg_heal(h, sc);
    /* In a failed transaction every statement fails: prepare nothing there. */
    if (stmt_cache_cacheable(sc, sql) && PQtransactionStatus(h) != PQTRANS_INERROR &&
        PQstatus(h) == CONNECTION_OK)
        return pg_run_cached(h, sc, sql, values, n, out, eb);
    PGresult *res = PQexecParams(h, sql, (int)n, NULL, values, NULL, NULL, 0);
    if (!pg_ok(res)) {
        enum err e = pg_fail(h, res, eb, "statement");
        PQclear(res);
        return e;
    }
    *out = res;
    return ERR_OK;
}

/* The parameters as text (integers written into ints), on the stack up to PG_MAX_PARAMS and
 * on the heap beyond (multi-row inserts), at most PG_MAX_PARAMS_HEAP. */
ERR_MUST_USE static enum err pg_run(PGconn *h, struct stmt_cache *sc, const char *sql,
                                    const struct db_param *params, size_t n, PGresult **out,
                                    struct errbuf *eb)
{
    const char *values_s[PG_MAX_PARAMS];
    char ints_s[PG_MAX_PARAMS][24];
    const char **values = values_s;
    char(*ints)[24] = ints_s;
    *out = NULL;
    if (n > PG_MAX_PARAMS_HEAP)
        return err_set(eb, ERR_INTERNAL, "parameter_count", "Too many parameters (%zu).", n);
    if (n > PG_MAX_PARAMS) {
        values = malloc(n * sizeof *values);
        ints = malloc(n * sizeof *ints);
        if (values == NULL || ints == NULL) {
            free(values);
            free(ints);
            return err_set(eb, ERR_NOMEM, NULL, "Out of memory.");
        }
    }
    for (size_t i = 0; i < n; i++) {
        switch (params[i].type) {
        case DB_NULL:
            values[i] = NULL;
            break;
        case DB_TEXT:
            values[i] = params[i].text;
            break;
        case DB_INT:
            snprintf(ints[i], sizeof ints[i], "%" PRId64, params[i].i);
            values[i] = ints[i];
            break;
        }
    }
    enum err e = pg_send(h, sc, sql, values, n, out, eb);
    if (values != values_s) {
        free(values);
        free(ints);
    }
    return e;
}

ERR_MUST_USE static enum err pg_exec(void *handle, struct stmt_cache *sc, const char *sql,
                                     const struct db_param *params, size_t n, int64_t *changed,
                                     struct errbuf *eb)
{
    PGresult *res;
    enum err e = pg_run(handle, sc, sql, params, n, &res, eb);
    if (e != ERR_OK)
        return e;
    const char *t = PQcmdTuples(res);
    if (t == NULL || parse_int64(t, 0, INT64_MAX, changed) != ERR_OK)
        *changed = 0; /* "" for statements that report no count */
    PQclear(res);
    return ERR_OK;
}

ERR_MUST_USE static enum err pg_query(void *handle, struct stmt_cache *sc, const char *sql,
                                      const struct db_param *params, size_t n, struct db_rows **out,
                                      struct errbuf *eb)
{
    PGresult *res;
    enum err e = pg_run(handle, sc, sql, params, n, &res, eb);
    if (e != ERR_OK)
        return e;
    size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);
    struct db_rows *rows = db_rows_new(0, ncols);
    if (rows == NULL || (e = db_rows_grow(rows, nrows)) != ERR_OK) {
        db_rows_free(rows);
        PQclear(res);
        return e != ERR_OK ? e : ERR_NOMEM;
    }
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++) {
            if (PQgetisnull(res, (int)r, (int)c))
                continue;
            if (db_rows_copy(rows, r, c, PQgetvalue(res, (int)r, (int)c),
                             (size_t)PQgetlength(res, (int)r, (int)c)) != ERR_OK) {
                db_rows_free(rows);
                PQclear(res);
                return ERR_NOMEM;
            }
        }
    }
    PQclear(res);
    *out = rows;
    return ERR_OK;
}

/*
 * A caller's script may change the schema: cached plans are then prepared again at their
 * next use rather than risk "cached plan must not change result type" inside a transaction.
 */
ERR_MUST_USE static enum err pg_exec_script(void *handle, struct stmt_cache *sc, const char *sql,
                                            bool caller, struct errbuf *eb)
{
    PGconn *h = handle;
    pg_heal(h, sc);
    if (caller)
        stmt_cache_mark_stale(sc, NULL);
    PGresult *res = PQexec(h, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    enum err e = ERR_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        e = pg_fail(h, res, eb, "script");
    PQclear(res);
    return e;
}

const struct db_driver db_driver_postgres = {
    .name = "postgres",
    .kind = DB_KIND_POSTGRES,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
    .query = pg_query,
    .exec_script = pg_exec_script,
    .stmt_drop = pg_stmt_drop,
    .begin_sql = "BEGIN",
    .lazy_begin_sql = "BEGIN; SET LOCAL synchronous_commit = off",
    .lazy_commit_sql = "COMMIT",
    .lazy_abort_sql = "ROLLBACK",
    .table_exists_sql = "SELECT 1 FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_name = $1",
};

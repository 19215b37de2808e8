/* The PostgreSQL driver, on libpq. Parameters go as text; results come back as text. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "store/db_driver.h"

#define PG_MAX_PARAMS 64

static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    if (log_enabled(LOG_DEBUG))
        log_kv(LOG_DEBUG, "db.notice", "message", message, NULL);
}

static enum err pg_fail(PGconn *h, PGresult *res, struct errbuf *eb, const char *what)
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

static enum err pg_connect(const char *url, void **handle, struct errbuf *eb)
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

/* A connection that dropped is reset once, so one database restart does not poison the pool. */
static void pg_heal(PGconn *h)
{
    if (PQstatus(h) == CONNECTION_BAD)
        PQreset(h);
}

static enum err pg_run(PGconn *h, const char *sql, const struct db_param *params, size_t n,
                       PGresult **out, struct errbuf *eb)
{
    const char *values[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    *out = NULL;
    if (n > PG_MAX_PARAMS)
        return err_set(eb, ERR_INTERNAL, "parameter_count", "Too many parameters (%zu).", n);
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
    pg_heal(h);
    PGresult *res = PQexecParams(h, sql, (int)n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        enum err e = pg_fail(h, res, eb, "statement");
        PQclear(res);
        return e;
    }
    *out = res;
    return ERR_OK;
}

static enum err pg_exec(void *handle, const char *sql, const struct db_param *params, size_t n,
                        int64_t *changed, struct errbuf *eb)
{
    PGresult *res;
    enum err e = pg_run(handle, sql, params, n, &res, eb);
    if (e != ERR_OK)
        return e;
    const char *t = PQcmdTuples(res);
    *changed = (t && *t) ? strtoll(t, NULL, 10) : 0;
    PQclear(res);
    return ERR_OK;
}

static enum err pg_query(void *handle, const char *sql, const struct db_param *params, size_t n,
                         struct db_rows **out, struct errbuf *eb)
{
    PGresult *res;
    enum err e = pg_run(handle, sql, params, n, &res, eb);
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
            char *copy = strdup(PQgetvalue(res, (int)r, (int)c));
            if (copy == NULL) {
                db_rows_free(rows);
                PQclear(res);
                return ERR_NOMEM;
            }
            rows->cells[r * ncols + c] = copy;
        }
    }
    PQclear(res);
    *out = rows;
    return ERR_OK;
}

static enum err pg_exec_script(void *handle, const char *sql, struct errbuf *eb)
{
    PGconn *h = handle;
    pg_heal(h);
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
    .begin_sql = "BEGIN",
    .table_exists_sql = "SELECT 1 FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_name = $1",
};

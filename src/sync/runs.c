/*
 * The sync engine's run history and health (see sync.h): listing runs, cancelling a running
 * one, resuming a paused stream, and the summary readiness shows.
 */
#include <stdio.h>
#include <string.h>

#include "sync/sync.h"

#include "base/json.h"

/* ---- history and summary ---------------------------------------------------------------- */

enum err sync_runs_list(struct db *db, const char *connection_id, const char *stream, int64_t limit,
                        json_t **out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    if (limit < 1 || limit > SYNC_RUNS_LIST_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be 1..%d", SYNC_RUNS_LIST_MAX);
    struct db_param p[] = {connection_id ? DB_P_TEXT(connection_id) : DB_P_NULL,
                           stream ? DB_P_TEXT(stream) : DB_P_NULL, DB_P_INT(limit)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(
        c,
        "SELECT id, connection_id, stream, trigger_kind, started_at, finished_at, outcome, pages, "
        "added, updated, unchanged, failed, error_class, error_code, error_message FROM sync_runs "
        "WHERE (CAST($1 AS TEXT) IS NULL OR connection_id = CAST($1 AS TEXT)) AND "
        "(CAST($2 AS TEXT) IS NULL OR stream = CAST($2 AS TEXT)) "
        "ORDER BY started_at DESC, id DESC LIMIT $3",
        p, 3, &rows, eb);
    db_release(c);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < db_rows_count(rows); i++) {
        int64_t v[9] = {0};
        const size_t cols[9] = {4, 5, 7, 8, 9, 10, 11, 13, 0};
        for (size_t k = 0; k < 8; k++)
            v[k] = db_rows_int_or(rows, i, cols[k], v[k]);
        json_t *error = json_null();
        if (*db_rows_get(rows, i, 12) != '\0' || *db_rows_get(rows, i, 14) != '\0')
            error = json_pack("{s:s, s:I, s:s}", "class", db_rows_get(rows, i, 12), "code",
                              (json_int_t)v[7], "message", db_rows_get(rows, i, 14));
        json_t *row =
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:I, s:{s:I, s:I, s:I, s:I}, s:o}", "id",
                      db_rows_get(rows, i, 0), "connection_id", db_rows_get(rows, i, 1), "stream",
                      db_rows_get(rows, i, 2), "trigger", db_rows_get(rows, i, 3), "started_at",
                      (json_int_t)v[0], "finished_at",
                      db_rows_is_null(rows, i, 5) ? json_null() : json_integer(v[1]), "outcome",
                      db_rows_get(rows, i, 6), "pages", (json_int_t)v[2], "counts", "added",
                      (json_int_t)v[3], "updated", (json_int_t)v[4], "unchanged", (json_int_t)v[5],
                      "failed", (json_int_t)v[6], "error", error ? error : json_null());
        json_list_push(&list, row);
    }
    db_rows_free(rows);
    return json_list_out(list, out, eb);
}

enum err sync_run_cancel(struct db *db, const char *run_id, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(run_id)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c,
                         "UPDATE sync_runs SET cancel_requested = 1 WHERE id = $1 AND "
                         "outcome = 'running'",
                         p, 1, &changed, eb);
    if (e == ERR_OK && changed == 0)
        e = db_query(c, "SELECT outcome FROM sync_runs WHERE id = $1", p, 1, &rows, eb);
    if (e == ERR_OK && changed == 0)
        e = db_rows_count(rows) == 0
                ? err_set(eb, ERR_NOTFOUND, "run_unknown", "No sync run has that id.")
                : err_set(eb, ERR_CONFLICT, "not_running", "That run has already finished (%s).",
                          db_rows_get(rows, 0, 0));
    db_rows_free(rows);
    db_release(c);
    return e;
}

enum err sync_resume(struct db *db, const char *connection_id, enum sync_stream stream,
                     struct errbuf *eb)
{
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(sync_stream_name(stream))};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c,
                         "UPDATE sync_state SET paused = 0, consecutive_failures = 0, warning = '' "
                         "WHERE connection_id = $1 AND stream = $2",
                         p, 2, &changed, eb);
    db_release(c);
    if (e == ERR_OK && changed == 0)
        e = err_set(eb, ERR_NOTFOUND, "stream_unknown", "That stream has never run.");
    return e;
}

enum err sync_summary_get(struct db *db, struct sync_summary *out, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    memset(out, 0, sizeof *out);
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT COALESCE(MAX(finished_at), 0), COUNT(*) FROM sync_runs WHERE "
                          "outcome = 'success'",
                          NULL, 0, &rows, eb);
    /* Aggregates with COALESCE: one row of two integers, anything else is a database fault. */
    if (e == ERR_OK)
        e = db_rows_ints(rows, 0, 2, (size_t[]){0, 1},
                         (int64_t *const[]){&out->last_success_at, &out->success_runs}, eb);
    db_rows_free(rows);
    rows = NULL;
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT COALESCE(SUM(paused), 0), COALESCE(SUM(CASE WHEN "
                     "consecutive_failures > 0 THEN 1 ELSE 0 END), 0) FROM sync_state",
                     NULL, 0, &rows, eb);
    if (e == ERR_OK)
        e = db_rows_ints(rows, 0, 2, (size_t[]){0, 1},
                         (int64_t *const[]){&out->paused, &out->failing}, eb);
    db_rows_free(rows);
    rows = NULL;
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT error_message FROM sync_runs WHERE outcome IN ('failed', 'auth') "
                     "ORDER BY started_at DESC LIMIT 1",
                     NULL, 0, &rows, eb);
    if (e == ERR_OK && db_rows_count(rows) == 1)
        snprintf(out->last_error, sizeof out->last_error, "%s", db_rows_get(rows, 0, 0));
    db_rows_free(rows);
    db_release(c);
    return e;
}

/*
 * Integration: two scheduler processes (`aicos worker`, and `aicos serve` with its scheduler
 * thread) against one database (SQLite or PostgreSQL) and
 * the real temu-sandbox with its rate limit at 20 requests/s per app. Two shops of one app
 * are connected, so both workers sync at the same time and draw on the same app budget. The
 * run history must never show two overlapping runs of one (connection, stream); with the
 * client's retries off, a single rate-limit answer (4000004) from the sandbox would fail a run,
 * so zero failed runs means the sandbox never saw the app above its limit. Also the cancel API
 * and a graceful SIGTERM of both workers.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"

#define APP_KEY    "workappkey00000000000000000000001"
#define APP_SECRET "workappsecret00000000000000000000000000001"
#define ORDERS     "1500" /* per shop */
#define SHOPS      2
#define WAIT_MS                                                                                    \
    60000 /* for both connections' runs (each page is also evaluated by the action center) */

static struct ts_app app;
static char conn_ids[SHOPS][64];

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    char *sandbox_args[] = {(char *)"--shops",      (char *)"2",      (char *)"--orders",
                            (char *)ORDERS,         (char *)"--seed", (char *)"78",
                            (char *)"--rate-limit", (char *)"20",     NULL};
    ts_app_prepare(
        &app, "syncworkers",
        "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
        "\",\"name\":\"Workers\",\"scopes\":[\"bg.order.list.v2.get\",\"bg.order.detail.v2.get\","
        "\"bg.local.goods.list.query\",\"bg.aftersales.parentaftersales.list.get\"]}]",
        sandbox_args);
    /* The server only answers the API here: the scheduler runs in the two workers. */
    char *env[] = {(char *)"AICOS_SYNC_WORKER=0", NULL};
    ts_app_serve(&app, env);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    /* One connection per sandbox shop, both with the same app. */
    json_t *truth = ts_sbx(&app, "GET", "/_sandbox/truth", NULL);
    json_t *shops = json_object_get(truth, "shops");
    assert_int_equal(json_array_size(shops), SHOPS);
    for (size_t i = 0; i < SHOPS; i++) {
        char body[512];
        json_int_t mall = json_integer_value(json_object_get(json_array_get(shops, i), "mallId"));
        snprintf(body, sizeof body, "{\"app_key\":\"" APP_KEY "\",\"mallId\":%lld}",
                 (long long)mall);
        ts_app_connect_shop(&app, body, conn_ids[i], sizeof conn_ids[i], NULL, 0);
    }
    assert_string_not_equal(conn_ids[0], conn_ids[1]);
    json_decref(truth);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static void test_cancel_api(void **state)
{
    (void)state;
    json_decref(ts_api(&app, "POST", "/api/v1/sync/runs/nosuchrun/cancel", NULL, 404));
}

/* Runs of (connection, outcome) in the history, counted from the API. */
static int runs_count(const char *conn, const char *outcome)
{
    char path[240];
    int n = 0;
    snprintf(path, sizeof path, "/api/v1/sync/runs?limit=500&connection_id=%s", conn);
    json_t *d = ts_api(&app, "GET", path, NULL, 200);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(d, "runs"), i, r)
    {
        n += strcmp(json_string_value(json_object_get(r, "outcome")), outcome) == 0;
    }
    json_decref(d);
    return n;
}

/* Retries off: a rate-limit answer from the sandbox would fail the run visibly. */
#define SCHED_ENV                                                                                  \
    (char *)"AICOS_SYNC_ORDERS_INTERVAL_S=2", (char *)"AICOS_SYNC_JITTER_S=1",                     \
        (char *)"AICOS_TEMU_RATE_LIMIT=20", (char *)"AICOS_TEMU_MAX_RETRIES=0"

static void start_worker(struct ts_proc *p)
{
    char *argv[] = {getenv("AICOS_BIN"), (char *)"worker", NULL};
    char *env[] = {app.env_db, app.env_key, app.env_gw, SCHED_ENV, NULL};
    ts_spawn(app.tmp, argv, env, p);
}

static void test_cli_usage(void **state)
{
    (void)state;
    char *out = NULL;
    char *help[] = {(char *)"worker", (char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(help, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "SIGTERM"));
    free(out);
    char *bad[] = {(char *)"worker", (char *)"--bogus", NULL};
    assert_int_equal(ts_aicos_run(bad, NULL, NULL, NULL), 2);
    char *serve_help[] = {(char *)"serve", (char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(serve_help, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "--no-worker"));
    free(out);
}

/* Checks the whole run history in the database: overlaps, failures, both workers. */
static void check_history(void)
{
    struct db *db = NULL;
    struct db_rows *rows = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(app.db_url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_query(c,
                              "SELECT connection_id, stream, started_at, finished_at, outcome, "
                              "holder, error_code, error_message FROM sync_runs ORDER BY "
                              "connection_id, stream, started_at, finished_at",
                              NULL, 0, &rows, &eb),
                     ERR_OK);
    size_t n = db_rows_count(rows);
    int successes = 0;
    char first_holder[128] = "";
    bool two_holders = false;
    for (size_t i = 0; i < n; i++) {
        const char *outcome = db_rows_get(rows, i, 4);
        /* NULL when the run had no upstream error. */
        int64_t code = db_rows_int_or(rows, i, 6, 0);
        if (code == 4000004 || strcmp(outcome, "failed") == 0 || strcmp(outcome, "auth") == 0 ||
            strcmp(outcome, "running") == 0 || strcmp(outcome, "abandoned") == 0)
            fail_msg("run %zu of %s: outcome %s code %lld: %s", i, db_rows_get(rows, i, 0), outcome,
                     (long long)code, db_rows_get(rows, i, 7));
        successes += strcmp(outcome, "success") == 0;
        /* The holder is "host:pid:random" (random per run): compare the processes. */
        char proc[128];
        const char *h = db_rows_get(rows, i, 5), *colon = strchr(h, ':');
        size_t plen = colon != NULL && strchr(colon + 1, ':') != NULL
                          ? (size_t)(strchr(colon + 1, ':') - h)
                          : strlen(h);
        snprintf(proc, sizeof proc, "%.*s", (int)plen, h);
        if (first_holder[0] == '\0')
            snprintf(first_holder, sizeof first_holder, "%s", proc);
        else if (strcmp(first_holder, proc) != 0)
            two_holders = true;
        if (i > 0 && strcmp(db_rows_get(rows, i, 0), db_rows_get(rows, i - 1, 0)) == 0 &&
            strcmp(db_rows_get(rows, i, 1), db_rows_get(rows, i - 1, 1)) == 0) {
            int64_t start = 0, prev_end = 0;
            assert_int_equal(db_rows_int(rows, i, 2, &start), ERR_OK);
            assert_int_equal(db_rows_int(rows, i - 1, 3, &prev_end), ERR_OK);
            if (start < prev_end)
                fail_msg("runs of %s overlap: one started at %lld before the previous ended at "
                         "%lld",
                         db_rows_get(rows, i, 0), (long long)start, (long long)prev_end);
        }
    }
    assert_true(successes >= 2 * SHOPS);
    assert_true(two_holders);
    db_rows_free(rows);
    db_release(c);
    db_close(db);
}

/* The outcome of run id from the history ("" when absent). */
static void run_outcome(const char *id, char *out, size_t len)
{
    json_t *d = ts_api(&app, "GET", "/api/v1/sync/runs?limit=500", NULL, 200);
    size_t i;
    json_t *r;
    out[0] = '\0';
    json_array_foreach(json_object_get(d, "runs"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
            snprintf(out, len, "%s", json_string_value(json_object_get(r, "outcome")));
    }
    json_decref(d);
}

/*
 * Waits for a running run that has stored pages (live progress in the history), then cancels
 * it through the API; the id goes to id ("" when it finished before the cancel arrived).
 */
static void cancel_a_running_run(char *id, size_t len)
{
    id[0] = '\0';
    for (int waited = 0; waited < 15000; waited += 100) {
        json_t *d = ts_api(&app, "GET", "/api/v1/sync/runs?limit=20", NULL, 200);
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(d, "runs"), i, r)
        {
            if (id[0] == '\0' &&
                strcmp(json_string_value(json_object_get(r, "outcome")), "running") == 0 &&
                json_integer_value(json_object_get(r, "pages")) > 0)
                snprintf(id, len, "%s", json_string_value(json_object_get(r, "id")));
        }
        json_decref(d);
        if (id[0] != '\0')
            break;
        ts_sleep_ms(100);
    }
    if (id[0] == '\0')
        fail_msg("no running run with stored pages was seen");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/sync/runs/%s/cancel", id);
    struct ts_http_resp r;
    assert_true(ts_http_ex(app.server.port, "POST", path, app.admin_hdr, NULL, NULL, &r));
    if (r.status == 409)
        id[0] = '\0';
    else
        assert_int_equal(r.status, 202);
    ts_http_free(&r);
}

static void test_two_workers(void **state)
{
    (void)state;
    struct ts_proc w[1];
    struct ts_server sched_server;
    char *env[] = {app.env_key, app.env_gw, (char *)"AICOS_SYNC_WORKER=1", SCHED_ENV, NULL};
    memset(&sched_server, 0, sizeof sched_server);
    char cancelled[64], outcome[32];
    start_worker(&w[0]);
    ts_server_start(&sched_server, app.db_url, env);
    cancel_a_running_run(cancelled, sizeof cancelled);
    bool done = false;
    for (int waited = 0; waited < WAIT_MS && !done; waited += 250) {
        ts_sleep_ms(250);
        done = true;
        for (size_t i = 0; i < SHOPS; i++)
            done = done && runs_count(conn_ids[i], "success") >= 3;
    }
    int rc = ts_stop(&w[0], SIGTERM, 15000);
    if (rc != 0) {
        char *err = ts_read_file(w[0].err_path);
        fail_msg("the worker exited %d: %s", rc, err);
    }
    assert_int_equal(ts_server_stop(&sched_server), 0);
    assert_true(done);
    if (cancelled[0] != '\0') {
        /* It stops after its current page, unless that page was its last. */
        run_outcome(cancelled, outcome, sizeof outcome);
        if (strcmp(outcome, "cancelled") != 0 && strcmp(outcome, "success") != 0)
            fail_msg("the cancelled run ended %s", outcome);
    }
    check_history();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_usage),
        cmocka_unit_test(test_cancel_api),
        cmocka_unit_test(test_two_workers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

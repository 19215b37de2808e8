/* The database layer, run against SQLite and (as test_db_pg) against PostgreSQL. */
#include "testsupport.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"

static struct db *open_fresh(const char *name, unsigned pool)
{
    char url[TS_PATH_MAX];
    ts_fresh_db_url(name, url, sizeof url);
    struct db *db = NULL;
    struct errbuf eb = {0};
    enum err e = db_open(url, pool, &db, &eb);
    if (e != ERR_OK)
        fail_msg("db_open(%s): %s", url, eb.msg);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_exec_script(c,
                                    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT "
                                    "NULL UNIQUE, qty BIGINT, note TEXT)",
                                    &eb),
                     ERR_OK);
    db_release(c);
    return db;
}

static int64_t count_items(struct db *db)
{
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "SELECT COUNT(*) FROM items", NULL, 0, &r, NULL), ERR_OK);
    int64_t n = -1;
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    db_rows_free(r);
    db_release(c);
    return n;
}

static void test_params_and_types(void **state)
{
    (void)state;
    struct db *db = open_fresh("params", 1);
    assert_string_equal(db_driver_name(db), ts_is_pg() ? "postgres" : "sqlite");
    struct db_conn *c = db_acquire(db);
    const char *evil = "x'); DROP TABLE items; --";
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT(evil), DB_P_INT(-9007199254740993LL), DB_P_NULL};
    int64_t changed = 0;
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name, qty, note) VALUES ($1, $2, $3, $4)",
                             p, 4, &changed, NULL),
                     ERR_OK);
    assert_int_equal(changed, 1);
    struct db_param p2[] = {DB_P_INT(2), DB_P_TEXT("店铺 ünïcode")};
    /* Placeholders used out of order and twice. */
    assert_int_equal(
        db_exec(c, "INSERT INTO items (name, id, note) VALUES ($2, $1, $2)", p2, 2, NULL, NULL),
        ERR_OK);
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(c, "SELECT id, name, qty, note FROM items ORDER BY id", NULL, 0, &r, NULL),
        ERR_OK);
    assert_int_equal(db_rows_count(r), 2);
    assert_int_equal(db_rows_columns(r), 4);
    assert_string_equal(db_rows_get(r, 0, 1), evil);
    int64_t qty = 0;
    assert_int_equal(db_rows_int(r, 0, 2, &qty), ERR_OK);
    assert_true(qty == -9007199254740993LL);
    assert_true(db_rows_is_null(r, 0, 3));
    assert_int_equal(db_rows_int(r, 0, 3, &qty), ERR_INVAL);
    assert_string_equal(db_rows_get(r, 1, 1), "店铺 ünïcode");
    assert_true(db_rows_is_null(r, 1, 2));
    assert_string_equal(db_rows_get(r, 1, 3), "店铺 ünïcode");
    assert_null(db_rows_get(r, 2, 0));
    assert_null(db_rows_get(r, 0, 4));
    db_rows_free(r);
    bool exists = false;
    assert_int_equal(db_table_exists(c, "items", &exists, NULL), ERR_OK);
    assert_true(exists);
    assert_int_equal(db_table_exists(c, "nothing_here", &exists, NULL), ERR_OK);
    assert_false(exists);
    db_release(c);
    db_close(db);
}

static void test_errors(void **state)
{
    (void)state;
    struct db *db = open_fresh("errors", 1);
    struct db_conn *c = db_acquire(db);
    struct errbuf eb = {0};
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT("dup")};
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, &eb),
                     ERR_OK);
    p[0] = DB_P_INT(2);
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, &eb),
                     ERR_CONFLICT);
    assert_string_equal(eb.code, "constraint_violation");
    assert_int_equal(db_exec(c, "INSERT INTO nowhere VALUES ($1)", p, 1, NULL, &eb), ERR_DB);
    assert_true(strlen(eb.msg) > 0);
    /* A wrong number of parameters is refused before anything runs. */
    assert_int_not_equal(
        db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 1, NULL, &eb), ERR_OK);
    db_release(c);
    assert_int_equal(count_items(db), 1);
    db_close(db);

    struct db *bad = NULL;
    assert_int_equal(db_open("mysql://x", 1, &bad, &eb), ERR_CONFIG);
    assert_null(bad);
    assert_int_equal(db_open("sqlite:/tmp/x.db", 0, &bad, &eb), ERR_CONFIG);
    if (ts_is_pg()) {
        unsigned port = ts_free_port();
        char url[128];
        snprintf(url, sizeof url, "postgres://nobody:secretpw@127.0.0.1:%u/none", port);
        assert_int_equal(db_open(url, 1, &bad, &eb), ERR_UNAVAILABLE);
        assert_false(ts_contains(eb.msg, "secretpw"));
    }
}

static void test_transactions(void **state)
{
    (void)state;
    struct db *db = open_fresh("tx", 2);
    struct db_conn *c = db_acquire(db);
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT("a")};
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_begin(c, NULL), ERR_INTERNAL); /* no nesting */
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL),
                     ERR_OK);
    assert_int_equal(db_rollback(c), ERR_OK);
    db_release(c);
    assert_int_equal(count_items(db), 0);

    c = db_acquire(db);
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL),
                     ERR_OK);
    assert_int_equal(db_commit(c, NULL), ERR_OK);
    db_release(c);
    assert_int_equal(count_items(db), 1);

    /* A connection released inside a transaction is rolled back, not committed. */
    c = db_acquire(db);
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    struct db_param p2[] = {DB_P_INT(2), DB_P_TEXT("b")};
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p2, 2, NULL, NULL),
                     ERR_OK);
    db_release(c);
    assert_int_equal(count_items(db), 1);
    db_close(db);
}

struct worker_arg {
    struct db *db;
    int base;
    int failures;
};

static void *insert_worker(void *arg)
{
    struct worker_arg *w = arg;
    for (int i = 0; i < 50; i++) {
        struct db_conn *c = db_acquire(w->db);
        char name[32];
        snprintf(name, sizeof name, "n%d", w->base + i);
        struct db_param p[] = {DB_P_INT(w->base + i), DB_P_TEXT(name)};
        enum err e = db_begin(c, NULL);
        if (e == ERR_OK)
            e = db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL);
        if (e == ERR_OK)
            e = db_commit(c, NULL);
        if (e != ERR_OK)
            w->failures++;
        db_release(c);
    }
    return NULL;
}

static void test_pool_concurrency(void **state)
{
    (void)state;
    struct db *db = open_fresh("pool", 3);
    pthread_t t[6];
    struct worker_arg args[6];
    for (int i = 0; i < 6; i++) {
        args[i] = (struct worker_arg){db, i * 1000, 0};
        assert_int_equal(pthread_create(&t[i], NULL, insert_worker, &args[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    assert_int_equal(count_items(db), 300);
    db_close(db);
}

static void test_sqlite_settings(void **state)
{
    (void)state;
    if (ts_is_pg())
        skip();
    char *dir = ts_tmpdir("sqlite-settings");
    char url[TS_PATH_MAX + 64];
    snprintf(url, sizeof url, "sqlite:%s/nested/deeper/aicos.db", dir);
    struct db *db = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "PRAGMA journal_mode", NULL, 0, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "wal");
    db_rows_free(r);
    assert_int_equal(db_query(c, "PRAGMA foreign_keys", NULL, 0, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "1");
    db_rows_free(r);
    assert_int_equal(db_query(c, "PRAGMA busy_timeout", NULL, 0, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "5000");
    db_rows_free(r);
    db_release(c);
    db_close(db);
    free(dir);
}

/* Issue 18: a new SQLite file (and its WAL) is owner-only under the usual umask 022. */
static void test_sqlite_file_mode(void **state)
{
    (void)state;
    if (ts_is_pg())
        skip();
    char *dir = ts_tmpdir("sqlite-mode"); /* an existing folder: aicos does not create it */
    char url[TS_PATH_MAX + 64], path[TS_PATH_MAX + 64];
    snprintf(url, sizeof url, "sqlite:%s/aicos.db", dir);
    mode_t old = umask(022);
    struct db *db = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(
        db_exec_script(c, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);", &eb), ERR_OK);
    db_release(c);
    struct stat st;
    snprintf(path, sizeof path, "%s/aicos.db", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/aicos.db-wal", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    db_close(db);
    umask(old);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_and_types), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_transactions),     cmocka_unit_test(test_pool_concurrency),
        cmocka_unit_test(test_sqlite_settings),  cmocka_unit_test(test_sqlite_file_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

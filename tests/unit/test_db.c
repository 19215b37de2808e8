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

static struct db_stmt_stats stats_of(struct db_conn *c)
{
    struct db_stmt_stats st;
    db_conn_stmt_stats(c, &st);
    return st;
}

/* The same query again (a cache hit) gives the same rows, with each call's own parameters. */
static void test_stmt_cache_hits(void **state)
{
    (void)state;
    struct db *db = open_fresh("stmt_hits", 1);
    struct db_conn *c = db_acquire(db);
    const char *ins = "INSERT INTO items (id, name, qty, note) VALUES ($1, $2, $3, $4)";
    struct db_stmt_stats s0 = stats_of(c);
    for (int i = 1; i <= 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "item%d", i);
        /* Odd rows bind a note, even rows NULL in the same slot: no binding leaks over. */
        struct db_param p[] = {DB_P_INT(i), DB_P_TEXT(name), DB_P_INT(i * 10),
                               i % 2 ? DB_P_TEXT("odd") : DB_P_NULL};
        assert_int_equal(db_exec(c, ins, p, 4, NULL, NULL), ERR_OK);
    }
    struct db_stmt_stats s1 = stats_of(c);
    assert_int_equal(s1.misses - s0.misses, 1);
    assert_int_equal(s1.hits - s0.hits, 4);
    const char *sel = "SELECT name, qty, note FROM items WHERE qty >= $1 ORDER BY id";
    for (int round = 0; round < 2; round++) {
        struct db_param p[] = {DB_P_INT(30)};
        struct db_rows *r = NULL;
        assert_int_equal(db_query(c, sel, p, 1, &r, NULL), ERR_OK);
        assert_int_equal(db_rows_count(r), 3);
        assert_string_equal(db_rows_get(r, 0, 0), "item3");
        assert_string_equal(db_rows_get(r, 0, 2), "odd");
        assert_true(db_rows_is_null(r, 1, 2));
        assert_string_equal(db_rows_get(r, 2, 1), "50");
        db_rows_free(r);
        /* Rebinding with another value changes the answer. */
        p[0] = DB_P_INT(50);
        assert_int_equal(db_query(c, sel, p, 1, &r, NULL), ERR_OK);
        assert_int_equal(db_rows_count(r), 1);
        assert_string_equal(db_rows_get(r, 0, 0), "item5");
        db_rows_free(r);
    }
    struct db_stmt_stats s2 = stats_of(c);
    assert_int_equal(s2.misses - s1.misses, 1);
    assert_int_equal(s2.hits - s1.hits, 3);
    /* DDL and scripts take the uncached path. */
    assert_int_equal(db_exec(c, "CREATE TABLE other (x INTEGER)", NULL, 0, NULL, NULL), ERR_OK);
    assert_int_equal(db_exec_script(c, "DROP TABLE other", NULL), ERR_OK);
    struct db_stmt_stats s3 = stats_of(c);
    assert_int_equal(s3.misses, s2.misses);
    assert_int_equal(s3.cached, 2);
    /* Without the cache (the old path) the answers are the same and nothing is kept. */
    db_release(c);
    db_set_stmt_cache(db, 0);
    c = db_acquire(db);
    struct db_param p[] = {DB_P_INT(30)};
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, sel, p, 1, &r, NULL), ERR_OK);
    assert_int_equal(db_rows_count(r), 3);
    db_rows_free(r);
    struct db_stmt_stats s4 = stats_of(c);
    assert_int_equal(s4.hits + s4.misses + s4.cached, 0);
    db_release(c);
    db_close(db);
}

/* A full cache evicts the statement used least recently. */
static void test_stmt_cache_lru(void **state)
{
    (void)state;
    struct db *db = open_fresh("stmt_lru", 1);
    db_set_stmt_cache(db, 2);
    struct db_conn *c = db_acquire(db);
    const char *a = "SELECT COUNT(*) FROM items", *b = "SELECT COUNT(*) + 1 FROM items",
               *d = "SELECT COUNT(*) + 2 FROM items";
    const char *order[] = {a, b, a, d, a, b};
    const uint64_t hits[] = {0, 0, 1, 1, 2, 2}, evictions[] = {0, 0, 0, 1, 1, 2};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        struct db_rows *r = NULL;
        assert_int_equal(db_query(c, order[i], NULL, 0, &r, NULL), ERR_OK);
        int64_t n = -1;
        assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
        assert_int_equal(n, order[i] == a ? 0 : order[i] == b ? 1 : 2);
        db_rows_free(r);
        struct db_stmt_stats st = stats_of(c);
        assert_int_equal(st.hits, hits[i]);
        assert_int_equal(st.evictions, evictions[i]);
        assert_true(st.cached <= 2);
    }
    db_release(c);
    db_close(db);
}

static size_t columns_of_star(struct db_conn *c, enum err *e)
{
    struct db_rows *r = NULL;
    *e = db_query(c, "SELECT * FROM items ORDER BY id", NULL, 0, &r, NULL);
    size_t n = db_rows_columns(r);
    db_rows_free(r);
    return n;
}

/* Cached statements follow schema changes, made on their own connection or on another. */
static void test_stmt_cache_schema_change(void **state)
{
    (void)state;
    struct db *db = open_fresh("stmt_schema", 2);
    struct db_conn *c1 = db_acquire(db), *c2 = db_acquire(db);
    enum err e;
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT("a")};
    assert_int_equal(db_exec(c1, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL),
                     ERR_OK);
    assert_int_equal(columns_of_star(c1, &e), 4);
    assert_int_equal(columns_of_star(c2, &e), 4);
    /* A migration on the same connection. */
    assert_int_equal(db_exec_script(c1, "ALTER TABLE items ADD COLUMN extra TEXT", NULL), ERR_OK);
    assert_int_equal(columns_of_star(c1, &e), 5);
    assert_int_equal(e, ERR_OK);
    /* Another connection (as another process would) re-prepares on its own. */
    assert_int_equal(columns_of_star(c2, &e), 5);
    assert_int_equal(e, ERR_OK);
    /* Inside a transaction: PostgreSQL has aborted it, the next use prepares again. */
    assert_int_equal(db_exec_script(c1, "ALTER TABLE items ADD COLUMN more TEXT", NULL), ERR_OK);
    assert_int_equal(db_begin(c2, NULL), ERR_OK);
    size_t n = columns_of_star(c2, &e);
    if (e == ERR_OK)
        assert_int_equal(n, 6);
    else
        assert_true(ts_is_pg());
    assert_int_equal(db_rollback(c2), ERR_OK);
    assert_int_equal(columns_of_star(c2, &e), 6);
    assert_int_equal(e, ERR_OK);
    db_release(c2);
    db_release(c1);
    db_close(db);
}

/* Errors inside a transaction, at prepare or at run, leave the connection and cache usable. */
static void test_stmt_cache_tx_error(void **state)
{
    (void)state;
    struct db *db = open_fresh("stmt_txerr", 1);
    struct db_conn *c = db_acquire(db);
    const char *ins = "INSERT INTO items (id, name) VALUES ($1, $2)";
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT("a")};
    struct errbuf eb = {0};
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_exec(c, ins, p, 2, NULL, NULL), ERR_OK);
    p[0] = DB_P_INT(2); /* same name: a constraint error at run time */
    assert_int_equal(db_exec(c, ins, p, 2, NULL, &eb), ERR_CONFLICT);
    assert_int_equal(db_rollback(c), ERR_OK);
    /* A statement that cannot be prepared, inside a transaction. */
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_exec(c, "INSERT INTO nowhere (id) VALUES ($1)", p, 1, NULL, &eb), ERR_DB);
    assert_int_equal(db_rollback(c), ERR_OK);
    struct db_stmt_stats s0 = stats_of(c);
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    p[1] = DB_P_TEXT("b");
    assert_int_equal(db_exec(c, ins, p, 2, NULL, &eb), ERR_OK);
    assert_int_equal(db_commit(c, NULL), ERR_OK);
    struct db_stmt_stats s1 = stats_of(c);
    assert_int_equal(s1.hits - s0.hits, 1);
    assert_int_equal(s1.misses, s0.misses);
    db_release(c);
    assert_int_equal(count_items(db), 1);
    db_close(db);
}

/* db_query_lazy: the effect is committed and visible to other connections at once. */
static void test_query_lazy(void **state)
{
    (void)state;
    struct db *db = open_fresh("lazy", 2);
    struct db_conn *c = db_acquire(db), *other = db_acquire(db);
    struct db_param p[] = {DB_P_INT(1), DB_P_TEXT("a")};
    assert_int_equal(
        db_exec(c, "INSERT INTO items (id, name, qty) VALUES ($1, $2, 0)", p, 2, NULL, NULL),
        ERR_OK);
    const char *bump = "UPDATE items SET qty = qty + $1 WHERE id = 1 RETURNING qty";
    struct db_param b[] = {DB_P_INT(5)};
    struct db_rows *r = NULL;
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(db_query_lazy(c, bump, b, 1, &r, NULL), ERR_OK);
        assert_string_equal(db_rows_get(r, 0, 0), i == 1 ? "5" : "10");
        db_rows_free(r);
    }
    assert_int_equal(db_query(other, "SELECT qty FROM items", NULL, 0, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "10");
    db_rows_free(r);
    /* A failing statement changes nothing and leaves the connection usable. */
    assert_int_not_equal(db_query_lazy(c, "UPDATE nowhere SET x = $1", b, 1, &r, NULL), ERR_OK);
    assert_null(r);
    if (!ts_is_pg()) {
        assert_int_equal(db_query(c, "PRAGMA synchronous", NULL, 0, &r, NULL), ERR_OK);
        assert_string_equal(db_rows_get(r, 0, 0), "2"); /* FULL again */
        db_rows_free(r);
    }
    /* Inside a transaction it is the caller's commit (here: none). */
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_query_lazy(c, bump, b, 1, &r, NULL), ERR_OK);
    db_rows_free(r);
    assert_int_equal(db_rollback(c), ERR_OK);
    assert_int_equal(db_query(other, "SELECT qty FROM items", NULL, 0, &r, NULL), ERR_OK);
    assert_string_equal(db_rows_get(r, 0, 0), "10");
    db_rows_free(r);
    db_release(other);
    db_release(c);
    db_close(db);
}

/* Several integer cells read at once fail as a whole on the first NULL; _or gives a default. */
static void test_rows_ints(void **state)
{
    (void)state;
    struct db *db = open_fresh("ints", 1);
    struct db_conn *c = db_acquire(db);
    struct errbuf eb = {0};
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "SELECT 7, 'x', -3, NULL", NULL, 0, &r, &eb), ERR_OK);
    int64_t a = 0, b = 0;
    assert_int_equal(db_rows_ints(r, 0, 2, (size_t[]){0, 2}, (int64_t *const[]){&a, &b}, &eb),
                     ERR_OK);
    assert_int_equal(a, 7);
    assert_int_equal(b, -3);
    assert_int_equal(db_rows_ints(r, 0, 2, (size_t[]){0, 3}, (int64_t *const[]){&a, &b}, &eb),
                     ERR_DB);
    assert_true(ts_contains(eb.msg, "column 3"));
    assert_int_equal(db_rows_ints(r, 0, 1, (size_t[]){1}, (int64_t *const[]){&a}, &eb), ERR_DB);
    assert_int_equal(db_rows_int_or(r, 0, 0, 5), 7);
    assert_int_equal(db_rows_int_or(r, 0, 3, 5), 5);
    assert_int_equal(db_rows_int_or(r, 0, 1, -1), -1);
    db_rows_free(r);
    db_release(c);
    db_close(db);
}

/* Inserts item id on this thread, through the pool. */
static void insert_item(struct db *db, int64_t id)
{
    char name[32];
    snprintf(name, sizeof name, "s%lld", (long long)id);
    struct db_param p[] = {DB_P_INT(id), DB_P_TEXT(name)};
    assert_int_equal(
        db_pool_exec(db, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL), ERR_OK);
}

static void *insert_elsewhere(void *arg)
{
    insert_item(arg, 2);
    return NULL;
}

/* A read scope: one pinned connection and one snapshot for this thread's reads, ended by any
 * write of this thread; nothing on PostgreSQL; the connection back in the pool at the end. */
static void test_read_scope(void **state)
{
    (void)state;
    struct db *db = open_fresh("scope", 3);
    insert_item(db, 1);
    struct db_conn *scope = db_read_scope_begin(db);
    if (ts_is_pg()) {
        assert_null(scope);
        db_read_scope_end(scope);
        db_close(db);
        return;
    }
    assert_non_null(scope);
    assert_null(db_read_scope_begin(db)); /* no nesting */
    struct db_conn *c1 = db_acquire(db), *c2 = db_acquire(db);
    assert_ptr_equal(c1, scope);
    assert_ptr_not_equal(c2, scope); /* held at the same time: another connection */
    db_release(c2);
    db_release(c1);
    assert_int_equal(count_items(db), 1); /* opens the snapshot */
    pthread_t t;                          /* another thread writes: not seen in the snapshot */
    assert_int_equal(pthread_create(&t, NULL, insert_elsewhere, db), 0);
    pthread_join(t, NULL);
    assert_int_equal(count_items(db), 1);
    insert_item(db, 3); /* this thread writes: the snapshot ends, later reads see both */
    assert_int_equal(count_items(db), 3);
    struct db_conn *c = db_acquire(db); /* a transaction on the pinned connection */
    struct db_param p[] = {DB_P_INT(4), DB_P_TEXT("s4")};
    assert_int_equal(count_items(db), 3); /* c is lent out: this read used another one */
    assert_int_equal(db_begin(c, NULL), ERR_OK);
    assert_int_equal(db_exec(c, "INSERT INTO items (id, name) VALUES ($1, $2)", p, 2, NULL, NULL),
                     ERR_OK);
    assert_int_equal(db_commit(c, NULL), ERR_OK);
    db_release(c);
    assert_int_equal(count_items(db), 4);
    db_read_scope_end(scope);
    struct db_conn *all[3]; /* every connection is back in the pool */
    for (int i = 0; i < 3; i++)
        all[i] = db_acquire(db);
    for (int i = 0; i < 3; i++)
        db_release(all[i]);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_and_types),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_pool_concurrency),
        cmocka_unit_test(test_sqlite_settings),
        cmocka_unit_test(test_sqlite_file_mode),
        cmocka_unit_test(test_stmt_cache_hits),
        cmocka_unit_test(test_stmt_cache_lru),
        cmocka_unit_test(test_stmt_cache_schema_change),
        cmocka_unit_test(test_stmt_cache_tx_error),
        cmocka_unit_test(test_query_lazy),
        cmocka_unit_test(test_rows_ints),
        cmocka_unit_test(test_read_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

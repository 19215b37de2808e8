/* Migrations, on SQLite and (as test_migrate_pg) on PostgreSQL. */
#include "testsupport.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/migrate.h"

static struct db *open_url(const char *url)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    if (db_open(url, 1, &db, &eb) != ERR_OK)
        fail_msg("db_open: %s", eb.msg);
    return db;
}

static void test_apply_idempotent(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("mig_apply", url, sizeof url);
    struct db *db = open_url(url);
    struct errbuf eb = {0};
    int current = -1, applied = -1;
    assert_int_equal(migrate_current(db, &current, &eb), ERR_OK);
    assert_int_equal(current, 0);
    assert_int_equal(migrate_check_current(db, NULL, &eb), ERR_SCHEMA);
    assert_string_equal(eb.code, "schema_behind");
    assert_int_equal(migrate_apply(db, &applied, &eb), ERR_OK);
    assert_int_equal(applied, (int)migrations_count);
    assert_int_equal(migrate_current(db, &current, &eb), ERR_OK);
    assert_int_equal(current, migrate_latest());
    int seen = -1;
    assert_int_equal(migrate_check_current(db, &seen, &eb), ERR_OK);
    assert_int_equal(seen, migrate_latest());
    assert_int_equal(migrate_apply(db, &applied, &eb), ERR_OK);
    assert_int_equal(applied, 0);
    /* Each migration is recorded once. */
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(c, "SELECT COUNT(*), MIN(version) FROM schema_migrations", NULL, 0, &r, NULL),
        ERR_OK);
    int64_t n = 0, min = 0;
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    assert_int_equal(db_rows_int(r, 0, 1, &min), ERR_OK);
    assert_int_equal(n, (int64_t)migrations_count);
    assert_int_equal(min, 1);
    db_rows_free(r);
    db_release(c);
    db_close(db);
}

static void test_versions_ordered(void **state)
{
    (void)state;
    for (unsigned i = 0; i < migrations_count; i++) {
        assert_int_equal(migrations[i].version, (int)i + 1);
        assert_non_null(migrations[i].name);
        assert_true(migrations[i].sql != NULL ||
                    (migrations[i].sql_sqlite != NULL && migrations[i].sql_postgres != NULL));
    }
}

static void test_newer_database_refused(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("mig_newer", url, sizeof url);
    struct db *db = open_url(url);
    struct errbuf eb = {0};
    assert_int_equal(migrate_apply(db, NULL, &eb), ERR_OK);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'future', "
             "'2030-01-01')",
             migrate_latest() + 5);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_exec_script(c, sql, &eb), ERR_OK);
    db_release(c);
    int applied = -1;
    assert_int_equal(migrate_apply(db, &applied, &eb), ERR_SCHEMA);
    assert_int_equal(applied, 0);
    assert_string_equal(eb.code, "schema_newer");
    char want[64];
    snprintf(want, sizeof want, "version %d", migrate_latest() + 5);
    assert_true(ts_contains(eb.msg, want));
    assert_int_equal(migrate_check_current(db, NULL, &eb), ERR_SCHEMA);
    assert_string_equal(eb.code, "schema_newer");
    db_close(db);
}

static void *migrate_thread(void *arg)
{
    const char *url = arg;
    struct db *db = NULL;
    struct errbuf eb = {0};
    intptr_t rc = 1;
    if (db_open(url, 1, &db, &eb) == ERR_OK && migrate_apply(db, NULL, &eb) == ERR_OK)
        rc = 0;
    db_close(db);
    return (void *)rc;
}

static void test_concurrent_migrators(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("mig_race", url, sizeof url);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, migrate_thread, url), 0);
    for (int i = 0; i < 4; i++) {
        void *rc = NULL;
        pthread_join(t[i], &rc);
        assert_int_equal((intptr_t)rc, 0);
    }
    struct db *db = open_url(url);
    assert_int_equal(migrate_check_current(db, NULL, NULL), ERR_OK);
    db_close(db);
}

/* Applies the migrations up to version last by hand, as an older program did. */
static void migrate_up_to(struct db *db, struct db_conn *c, int last)
{
    struct errbuf eb = {0};
    assert_int_equal(db_exec_script(c,
                                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                                    &eb),
                     ERR_OK);
    for (unsigned i = 0; i < migrations_count && migrations[i].version <= last; i++) {
        const struct migration *m = &migrations[i];
        const char *sql = m->sql != NULL                    ? m->sql
                          : db_kind(db) == DB_KIND_POSTGRES ? m->sql_postgres
                                                            : m->sql_sqlite;
        struct db_param p[] = {DB_P_INT(m->version), DB_P_TEXT(m->name)};
        assert_int_equal(db_begin(c, &eb), ERR_OK);
        assert_int_equal(db_exec_script(c, sql, &eb), ERR_OK);
        assert_int_equal(db_exec(c,
                                 "INSERT INTO schema_migrations (version, name, applied_at) "
                                 "VALUES ($1, $2, 'then')",
                                 p, 2, NULL, &eb),
                         ERR_OK);
        assert_int_equal(db_commit(c, &eb), ERR_OK);
    }
}

/* The first cell of sql's answer as text ("" when no row). */
static char *first_cell(struct db_conn *c, const char *sql)
{
    struct db_rows *r = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_query(c, sql, NULL, 0, &r, &eb), ERR_OK);
    char *v = strdup(db_rows_count(r) > 0 && db_rows_get(r, 0, 0) ? db_rows_get(r, 0, 0) : "");
    db_rows_free(r);
    return v;
}

static void assert_cell(struct db_conn *c, const char *sql, const char *want)
{
    char *got = first_cell(c, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", sql, got, want);
    free(got);
}

/* Version 26 converts stored sub-orders: product name and spec become columns, their JSON
 * goes (the parent keeps it), the name search follows the column. */
static void test_ingest_rows_converted(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("mig_ingest", url, sizeof url);
    struct db *db = open_url(url);
    struct db_conn *c = db_acquire(db);
    struct errbuf eb = {0};
    migrate_up_to(db, c, 24);
    assert_int_equal(
        db_exec_script(
            c,
            "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
            "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
            "synced_at) VALUES ('c1', 'PO-1', 2, 1, 1, 1, '[]', 211, 'h', '{}', 1, 1);"
            "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
            "goods_id, sku_id, quantity, data) VALUES ('c1', 'PO-1-1', 'PO-1', 2, 7, 8, 1, "
            "'{\"goodsName\":\"Blue Ceramic Mug\",\"spec\":\"M\"}'), ('c1', 'PO-1-2', 'PO-1', "
            "2, 7, 9, 1, '{\"goodsName\":5}');"
            "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, status, "
            "seen_at, update_time) VALUES ('c1', 'PO-1', 2, 5, 1), ('c1', 'PO-1', 4, 6, 2)",
            &eb),
        ERR_OK);
    db_release(c);
    int applied = -1;
    assert_int_equal(migrate_apply(db, &applied, &eb), ERR_OK);
    assert_int_equal(applied, (int)migrations_count - 24);
    c = db_acquire(db);
    assert_cell(c, "SELECT goods_name || '/' || spec FROM temu_order_items ORDER BY order_sn",
                "Blue Ceramic Mug/M");
    assert_cell(c,
                "SELECT goods_name || '/' || spec FROM temu_order_items WHERE order_sn = "
                "'PO-1-2'",
                "/");
    assert_cell(c, "SELECT COUNT(*) FROM temu_orders WHERE sync_prev IS NULL", "1");
    assert_cell(c, "SELECT SUM(status * seen_at) FROM temu_order_status_history", "34");
    struct db_rows *r = NULL;
    assert_int_not_equal(db_query(c, "SELECT data FROM temu_order_items", NULL, 0, &r, &eb),
                         ERR_OK);
    db_rows_free(r);
    bool pg = db_kind(db) == DB_KIND_POSTGRES;
    const char *find_mug = pg ? "SELECT COUNT(*) FROM temu_order_items WHERE to_tsvector('simple', "
                                "goods_name) @@ plainto_tsquery('simple', 'ceramic')"
                              : "SELECT COUNT(*) FROM temu_order_items_fts WHERE "
                                "temu_order_items_fts MATCH 'ceramic'";
    assert_cell(c, find_mug, "1");
    /* The rebuilt triggers follow a renamed product and a deleted line. */
    assert_int_equal(db_exec_script(c,
                                    "UPDATE temu_order_items SET goods_name = 'Red Kettle' WHERE "
                                    "order_sn = 'PO-1-1'",
                                    &eb),
                     ERR_OK);
    assert_cell(c, find_mug, "0");
    assert_int_equal(db_exec_script(c,
                                    "UPDATE temu_order_items SET goods_name = 'Ceramic Bowl' "
                                    "WHERE order_sn = 'PO-1-2'",
                                    &eb),
                     ERR_OK);
    assert_cell(c, find_mug, "1");
    assert_int_equal(
        db_exec_script(c, "DELETE FROM temu_order_items WHERE order_sn = 'PO-1-2'", &eb), ERR_OK);
    assert_cell(c, find_mug, "0");
    db_release(c);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions_ordered),       cmocka_unit_test(test_apply_idempotent),
        cmocka_unit_test(test_newer_database_refused), cmocka_unit_test(test_concurrent_migrators),
        cmocka_unit_test(test_ingest_rows_converted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

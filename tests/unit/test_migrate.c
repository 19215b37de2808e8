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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions_ordered),
        cmocka_unit_test(test_apply_idempotent),
        cmocka_unit_test(test_newer_database_refused),
        cmocka_unit_test(test_concurrent_migrators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

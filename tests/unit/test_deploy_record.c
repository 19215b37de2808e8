/*
 * Unit tests of deploy_record on SQLite and PostgreSQL: a result is stored with its counts
 * and findings JSON once the schema has deploy_checks; an unmigrated database is refused
 * with a message saying to migrate; unknown kinds are refused.
 */
#include "testsupport.h"

#include <stdio.h>
#include <string.h>

#include "deploy/record.h"
#include "store/migrate.h"

static void test_record_roundtrip(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("deploy_record", url, sizeof url);
    struct db *db = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(url, 1, &db, &eb), ERR_OK);
    struct deploy_findings f = {0};
    deploy_findings_add(&f, "env.permissions", DEPLOY_BLOCKER, "chmod 600 x", "mode 0644");
    deploy_findings_add(&f, "caddy.headers", DEPLOY_WARNING, "add", "no HSTS");

    assert_int_equal(deploy_record(db, "preflight", &f, &eb), ERR_SCHEMA);
    assert_true(ts_contains(eb.msg, "aicos migrate"));
    assert_int_equal(migrate_apply(db, NULL, &eb), ERR_OK);
    assert_int_equal(deploy_record(db, "preflight", &f, &eb), ERR_OK);
    assert_int_equal(deploy_record(db, "smoke", &f, &eb), ERR_OK);
    assert_int_equal(deploy_record(db, "deploy", &f, &eb), ERR_INVAL);

    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT("preflight")};
    assert_int_equal(db_query(c,
                              "SELECT blockers, warnings, findings_json, ran_at, id FROM "
                              "deploy_checks WHERE kind = $1",
                              p, 1, &r, &eb),
                     ERR_OK);
    assert_int_equal(db_rows_count(r), 1);
    int64_t n = 0;
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_rows_int(r, 0, 1, &n), ERR_OK);
    assert_int_equal(n, 1);
    json_t *j = json_loads(db_rows_get(r, 0, 2), 0, NULL);
    assert_non_null(j);
    json_t *first = json_array_get(json_object_get(j, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "env.permissions");
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "blocker");
    json_decref(j);
    assert_int_equal(strlen(db_rows_get(r, 0, 4)), 32);
    db_rows_free(r);
    r = NULL;
    assert_int_equal(db_query(c, "SELECT COUNT(*) FROM deploy_checks", NULL, 0, &r, &eb), ERR_OK);
    assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    assert_int_equal(n, 2);
    db_rows_free(r);
    db_release(c);
    deploy_findings_free(&f);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

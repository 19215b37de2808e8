/*
 * Integration: the aicos command line. Help and version, configuration errors that name the
 * variable, masked secrets, migrations (idempotent, newer schema refused) and readiness when
 * the schema is behind, on SQLite or PostgreSQL.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/migrate.h"

static void test_help_everywhere(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    char *a1[] = {(char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(a1, NULL, &out, &err), 0);
    assert_true(ts_contains(out, "usage: aicos"));
    const char *cmds[] = {"serve", "migrate", "config"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(ts_contains(out, cmds[i]));
        char *a[] = {(char *)cmds[i], (char *)"--help", NULL};
        char *o = NULL;
        assert_int_equal(ts_aicos_run(a, NULL, &o, NULL), 0);
        char want[64];
        snprintf(want, sizeof want, "usage: aicos %s", cmds[i]);
        assert_true(ts_contains(o, want));
        free(o);
    }
    free(out);
    free(err);
    char *a2[] = {(char *)"--version", NULL};
    assert_int_equal(ts_aicos_run(a2, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "aicos 0."));
    free(out);
    char *a3[] = {(char *)"frobnicate", NULL};
    assert_int_equal(ts_aicos_run(a3, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "unknown command frobnicate"));
    free(err);
    char *a4[] = {(char *)"serve", (char *)"--bogus", NULL};
    assert_int_equal(ts_aicos_run(a4, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--bogus"));
    free(err);
}

static void test_bad_configuration_named(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"AICOS_LISTEN", "AICOS_LISTEN=127.0.0.1"},
        {"AICOS_LISTEN", "AICOS_LISTEN=127.0.0.1:70000"},
        {"AICOS_DATABASE_URL", "AICOS_DATABASE_URL=mysql://x"},
        {"AICOS_LOG_LEVEL", "AICOS_LOG_LEVEL=loud"},
        {"AICOS_API_ORIGIN", "AICOS_API_ORIGIN=ftp://example.com"},
        {"AICOS_WEB_ORIGIN", "AICOS_WEB_ORIGIN=https://example.com/path"},
        {"AICOS_HTTP_THREADS", "AICOS_HTTP_THREADS=0"},
        {"AICOS_HTTP_THREADS", "AICOS_HTTP_THREADS=4x"},
        {"AICOS_HTTP_BODY_MAX_BYTES", "AICOS_HTTP_BODY_MAX_BYTES=99999999999"},
        {"AICOS_ENV", "AICOS_ENV=staging"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *env[] = {(char *)bad[i][1], NULL};
        char *a[] = {(char *)"serve", (char *)"--check-config", NULL};
        char *err = NULL;
        int rc = ts_aicos_run(a, env, NULL, &err);
        if (rc != 2 || !ts_contains(err, bad[i][0]))
            fail_msg("%s: exit %d, stderr %s", bad[i][1], rc, err);
        free(err);
    }
    char *good[] = {(char *)"AICOS_LISTEN=[::1]:0", (char *)"AICOS_ENV=production", NULL};
    char *a[] = {(char *)"serve", (char *)"--check-config", NULL};
    assert_int_equal(ts_aicos_run(a, good, NULL, NULL), 0);
}

static void test_config_masks_secrets(void **state)
{
    (void)state;
    char *env[] = {(char *)"AICOS_DATABASE_URL=postgres://aicos:hunter2-sekret@db:5432/aicos",
                   NULL};
    char *a[] = {(char *)"config", NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(a, env, &out, &err), 0);
    assert_false(ts_contains(out, "hunter2-sekret"));
    assert_false(ts_contains(err, "hunter2-sekret"));
    assert_true(ts_contains(out, "AICOS_DATABASE_URL=postgres://aicos:****@db:5432/aicos"));
    assert_true(ts_contains(out, "AICOS_LISTEN=127.0.0.1:8080"));
    free(out);
    free(err);
}

static void test_migrate_idempotent_and_newer_refused(void **state)
{
    (void)state;
    char url[TS_PATH_MAX], env_db[TS_PATH_MAX + 32];
    ts_fresh_db_url("cli_migrate", url, sizeof url);
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", url);
    char *env[] = {env_db, NULL};
    char *a[] = {(char *)"migrate", NULL};
    char *st[] = {(char *)"migrate", (char *)"--status", NULL};
    char *out = NULL;
    assert_int_equal(ts_aicos_run(st, env, &out, NULL), 1);
    assert_true(ts_contains(out, "behind"));
    free(out);
    assert_int_equal(ts_aicos_run(a, env, &out, NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "applied %u migration(s)", migrations_count);
    assert_true(ts_contains(out, want));
    free(out);
    assert_int_equal(ts_aicos_run(a, env, &out, NULL), 0);
    assert_true(ts_contains(out, "applied 0 migration(s)"));
    free(out);
    assert_int_equal(ts_aicos_run(st, env, &out, NULL), 0);
    free(out);

    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'x', 'y')",
             migrate_latest() + 1);
    ts_db_exec(url, sql);
    char *err = NULL;
    assert_int_equal(ts_aicos_run(a, env, NULL, &err), 1);
    assert_true(ts_contains(err, "newer"));
    free(err);
    /* serve refuses to start on it too, with the same clear message. */
    char listen[64];
    snprintf(listen, sizeof listen, "AICOS_LISTEN=127.0.0.1:%u", ts_free_port());
    char *env2[] = {env_db, listen, NULL};
    char *sv[] = {(char *)"serve", NULL};
    assert_int_equal(ts_aicos_run(sv, env2, NULL, &err), 1);
    assert_true(ts_contains(err, "newer than this program"));
    free(err);
}

static void test_readyz_when_schema_behind(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("cli_behind", url, sizeof url);
    /* --no-migrate on an empty database: alive, but not ready, saying why. */
    const char *bin = getenv("AICOS_BIN");
    struct ts_server s = {0};
    s.dir = ts_tmpdir("behind");
    s.port = ts_free_port();
    char listen[64], db[TS_PATH_MAX + 32];
    snprintf(listen, sizeof listen, "AICOS_LISTEN=127.0.0.1:%u", s.port);
    snprintf(db, sizeof db, "AICOS_DATABASE_URL=%s", url);
    char *env[] = {listen, db, NULL};
    char *argv[] = {(char *)bin, (char *)"serve", (char *)"--no-migrate", NULL};
    ts_spawn(s.dir, argv, env, &s.proc);
    struct ts_http_resp r = {0};
    int tries = 0;
    while (!ts_http(s.port, "GET", "/healthz", NULL, NULL, &r) && tries++ < 200) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(r.status, 200);
    ts_http_free(&r);
    assert_true(ts_http(s.port, "GET", "/readyz", NULL, NULL, &r));
    assert_int_equal(r.status, 503);
    assert_true(ts_contains(r.body, "\"code\":\"schema_behind\""));
    assert_true(ts_contains(r.body, "aicos migrate"));
    ts_http_free(&r);
    /* After `aicos migrate` from another process, the running server becomes ready. */
    char *a[] = {(char *)"migrate", NULL};
    char *menv[] = {db, NULL};
    assert_int_equal(ts_aicos_run(a, menv, NULL, NULL), 0);
    assert_true(ts_http(s.port, "GET", "/readyz", NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    ts_http_free(&r);
    assert_int_equal(ts_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_everywhere),
        cmocka_unit_test(test_bad_configuration_named),
        cmocka_unit_test(test_config_masks_secrets),
        cmocka_unit_test(test_migrate_idempotent_and_newer_refused),
        cmocka_unit_test(test_readyz_when_schema_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Integration: `aicos deploy` on the command line. Help everywhere, init-env refusals
 * (exit 2, a clear message, nothing written, no secret printed), a successful init-env,
 * preflight exit codes and JSON, results recorded in the database (SQLite or PostgreSQL),
 * bootstrap-test in both callback modes leaving nothing behind, dns and suggest-host.
 */
#include "testsupport.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"

#define GOOD_PW "Str0ng-Passw0rd-xyz"

static void test_help(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    char *top[] = {(char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(top, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "deploy"));
    free(out);
    const char *subs[] = {"init-env", "bootstrap-test", "preflight", "smoke",
                          "dns",      "suggest-host"};
    char *d[] = {(char *)"deploy", (char *)"--help", NULL};
    assert_int_equal(ts_aicos_run(d, NULL, &out, NULL), 0);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        assert_true(ts_contains(out, subs[i]));
        char *a[] = {(char *)"deploy", (char *)subs[i], (char *)"--help", NULL};
        char *o = NULL;
        assert_int_equal(ts_aicos_run(a, NULL, &o, NULL), 0);
        char want[64];
        snprintf(want, sizeof want, "usage: aicos deploy %s", subs[i]);
        if (!ts_contains(o, want))
            fail_msg("%s --help: %s", subs[i], o);
        free(o);
    }
    free(out);
    char *none[] = {(char *)"deploy", NULL};
    assert_int_equal(ts_aicos_run(none, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "usage: aicos deploy"));
    free(err);
    char *bad[] = {(char *)"deploy", (char *)"launch", NULL};
    assert_int_equal(ts_aicos_run(bad, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "unknown command launch"));
    free(err);
}

static bool infra_exists(const char *dir)
{
    char p[TS_PATH_MAX];
    snprintf(p, sizeof p, "%s/infra", dir);
    return access(p, F_OK) == 0;
}

static void init_env_refused(const char *dir, const char *api, const char *web, const char *email,
                             const char *pw, const char *extra, const char *says)
{
    char *a[16];
    size_t n = 0;
    a[n++] = (char *)"deploy";
    a[n++] = (char *)"init-env";
    a[n++] = (char *)"--api-origin";
    a[n++] = (char *)api;
    a[n++] = (char *)"--web-origin";
    a[n++] = (char *)web;
    a[n++] = (char *)"--acme-email";
    a[n++] = (char *)email;
    a[n++] = (char *)"--postgres-password";
    a[n++] = (char *)pw;
    a[n++] = (char *)"--out";
    a[n++] = (char *)dir;
    if (extra != NULL)
        a[n++] = (char *)extra;
    a[n] = NULL;
    char *out = NULL, *err = NULL;
    int rc = ts_aicos_run(a, NULL, &out, &err);
    if (rc != 2 || !ts_contains(err, says))
        fail_msg("api=%s web=%s email=%s: exit %d, stderr %s", api, web, email, rc, err);
    if (pw[0] != '\0' && (ts_contains(out, pw) || ts_contains(err, pw)))
        fail_msg("the password was printed");
    free(out);
    free(err);
}

static void test_init_env_refusals(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("cli-refuse");
    const char *api = "https://api.shop-example.com", *web = "https://console.shop-example.com";
    const char *mail = "ops@shop-example.com";
    init_env_refused(dir, "http://api.shop-example.com", web, mail, GOOD_PW, NULL, "https://");
    init_env_refused(dir, "https://localhost", web, mail, GOOD_PW, NULL, "localhost");
    init_env_refused(dir, api, "https://192.168.1.20", mail, GOOD_PW, NULL, "private");
    init_env_refused(dir, api, "https://[::1]", mail, GOOD_PW, NULL, "loopback");
    init_env_refused(dir, "https://169.254.1.1", web, mail, GOOD_PW, NULL, "link-local");
    init_env_refused(dir, api, "https://shop.local", mail, GOOD_PW, NULL, ".local");
    init_env_refused(dir, api, web, mail, "weakpassword", NULL, "upper-case letter");
    init_env_refused(dir, api, web, "ops@", GOOD_PW, NULL, "--acme-email");
    init_env_refused(dir, api, web, mail, GOOD_PW, "--callback-mode=bridge", "web-bridge");
    assert_false(infra_exists(dir));

    char *out = NULL, *err = NULL;
    char *missing[] = {(char *)"deploy", (char *)"init-env", (char *)"--api-origin", NULL};
    assert_int_equal(ts_aicos_run(missing, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--api-origin needs a value"));
    free(err);
    char *unknown[] = {(char *)"deploy", (char *)"init-env", (char *)"--bogus", NULL};
    assert_int_equal(ts_aicos_run(unknown, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--bogus"));
    free(err);

    /* Success, then a second run is refused without --force and changes nothing. */
    char *ok[] = {(char *)"deploy",
                  (char *)"init-env",
                  (char *)"--api-origin",
                  (char *)api,
                  (char *)"--web-origin",
                  (char *)web,
                  (char *)"--acme-email",
                  (char *)mail,
                  (char *)"--postgres-password",
                  (char *)GOOD_PW,
                  (char *)"--out",
                  dir,
                  NULL};
    assert_int_equal(ts_aicos_run(ok, NULL, &out, &err), 0);
    assert_true(ts_contains(out, "wrote"));
    assert_true(ts_contains(out, "/api/v1/integrations/temu/authorization/callback"));
    char envp[TS_PATH_MAX];
    snprintf(envp, sizeof envp, "%s/infra/production.env", dir);
    char *env = ts_read_file(envp);
    const char *key = strstr(env, "AICOS_MASTER_KEY=");
    assert_non_null(key);
    char keyval[64];
    snprintf(keyval, sizeof keyval, "%.44s", key + 17);
    assert_false(ts_contains(out, GOOD_PW) || ts_contains(err, GOOD_PW));
    assert_false(ts_contains(out, keyval) || ts_contains(err, keyval));
    struct stat st;
    assert_int_equal(stat(envp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(out);
    free(err);
    assert_int_equal(ts_aicos_run(ok, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--force"));
    free(err);
    char *env2 = ts_read_file(envp);
    assert_string_equal(env, env2);
    free(env);
    free(env2);

    /* The password may come from a file instead of the command line. */
    char *dir2 = ts_tmpdir("cli-pwfile");
    char pwfile[TS_PATH_MAX];
    snprintf(pwfile, sizeof pwfile, "%s/pw", dir2);
    FILE *fp = fopen(pwfile, "w");
    assert_non_null(fp);
    fputs(GOOD_PW "\n", fp);
    fclose(fp);
    char *viafile[] = {(char *)"deploy",
                       (char *)"init-env",
                       (char *)"--api-origin",
                       (char *)api,
                       (char *)"--web-origin",
                       (char *)web,
                       (char *)"--acme-email",
                       (char *)mail,
                       (char *)"--postgres-password-file",
                       pwfile,
                       (char *)"--out",
                       dir2,
                       NULL};
    assert_int_equal(ts_aicos_run(viafile, NULL, NULL, NULL), 0);
    snprintf(envp, sizeof envp, "%s/infra/production.env", dir2);
    env = ts_read_file(envp);
    assert_true(ts_contains(env, "AICOS_POSTGRES_PASSWORD=" GOOD_PW "\n"));
    free(env);
    free(dir2);
    free(dir);
}

static char *generated_infra(void)
{
    char *dir = ts_tmpdir("cli-preflight");
    char *a[] = {(char *)"deploy",
                 (char *)"init-env",
                 (char *)"--api-origin=https://api.shop-example.com",
                 (char *)"--web-origin=https://console.shop-example.com",
                 (char *)"--acme-email=ops@shop-example.com",
                 (char *)"--postgres-password=" GOOD_PW,
                 (char *)"--callback-mode=web-bridge",
                 (char *)"--out",
                 dir,
                 NULL};
    assert_int_equal(ts_aicos_run(a, NULL, NULL, NULL), 0);
    char *infra = malloc(TS_PATH_MAX);
    assert_non_null(infra);
    snprintf(infra, TS_PATH_MAX, "%s/infra", dir);
    free(dir);
    return infra;
}

static int64_t count_checks(const char *url, const char *kind)
{
    struct db *db = NULL;
    assert_int_equal(db_open(url, 1, &db, NULL), ERR_OK);
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(kind)};
    int64_t n = -1;
    if (db_query(c, "SELECT COUNT(*) FROM deploy_checks WHERE kind = $1", p, 1, &r, NULL) == ERR_OK)
        assert_int_equal(db_rows_int(r, 0, 0, &n), ERR_OK);
    db_rows_free(r);
    db_release(c);
    db_close(db);
    return n;
}

static void test_preflight_cli(void **state)
{
    (void)state;
    char *infra = generated_infra();
    char *out = NULL, *err = NULL;
    char *a[] = {(char *)"deploy", (char *)"preflight", (char *)"--dir", infra, NULL};
    assert_int_equal(ts_aicos_run(a, NULL, &out, &err), 0);
    assert_true(ts_contains(out, "preflight: 0 blocker(s)"));
    free(out);
    free(err);

    /* Recorded when AICOS_DATABASE_URL is set: not before migration, then yes. */
    char url[TS_PATH_MAX], dbenv[TS_PATH_MAX + 32];
    ts_fresh_db_url("deploy_cli", url, sizeof url);
    snprintf(dbenv, sizeof dbenv, "AICOS_DATABASE_URL=%s", url);
    char *env[] = {dbenv, NULL};
    assert_int_equal(ts_aicos_run(a, env, NULL, &err), 0);
    assert_true(ts_contains(err, "not recorded"));
    assert_true(ts_contains(err, "aicos migrate"));
    free(err);
    char *mig[] = {(char *)"migrate", NULL};
    assert_int_equal(ts_aicos_run(mig, env, NULL, NULL), 0);
    assert_int_equal(ts_aicos_run(a, env, NULL, &err), 0);
    assert_true(ts_contains(err, "result recorded"));
    free(err);
    assert_int_equal(count_checks(url, "preflight"), 1);

    /* A blocker: exit 1, in text and in JSON. */
    char envp[TS_PATH_MAX];
    snprintf(envp, sizeof envp, "%s/production.env", infra);
    assert_int_equal(chmod(envp, 0644), 0);
    assert_int_equal(ts_aicos_run(a, env, &out, NULL), 1);
    assert_true(ts_contains(out, "BLOCKER env.permissions"));
    assert_true(ts_contains(out, "fix: chmod 600"));
    assert_false(ts_contains(out, GOOD_PW));
    free(out);
    assert_int_equal(count_checks(url, "preflight"), 2);
    char *j[] = {(char *)"deploy",
                 (char *)"preflight",
                 (char *)"--dir",
                 infra,
                 (char *)"--json",
                 (char *)"--no-record",
                 NULL};
    assert_int_equal(ts_aicos_run(j, env, &out, NULL), 1);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "kind")), "preflight");
    assert_int_equal(json_integer_value(json_object_get(doc, "blockers")), 1);
    json_t *first = json_array_get(json_object_get(doc, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "env.permissions");
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "blocker");
    assert_non_null(json_string_value(json_object_get(first, "fix")));
    json_decref(doc);
    free(out);
    assert_int_equal(count_checks(url, "preflight"), 2);

    /* Could not run: exit 2. */
    char *none[] = {(char *)"deploy", (char *)"preflight", (char *)"--dir",
                    (char *)"/nonexistent/infra", NULL};
    assert_int_equal(ts_aicos_run(none, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "not a folder"));
    free(err);
    free(infra);
}

static void test_bootstrap_test(void **state)
{
    (void)state;
    char *tmp = ts_tmpdir("cli-bootstrap");
    char tmpenv[TS_PATH_MAX + 16];
    snprintf(tmpenv, sizeof tmpenv, "TMPDIR=%s", tmp);
    char *env[] = {tmpenv, NULL};
    const char *modes[] = {"api", "web-bridge"};
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL;
        char *a[] = {(char *)"deploy", (char *)"bootstrap-test", (char *)"--callback-mode",
                     (char *)modes[i], NULL};
        int rc = ts_aicos_run(a, env, &out, NULL);
        if (rc != 0 || !ts_contains(out, "PASS, zero blockers"))
            fail_msg("bootstrap-test %s: exit %d: %s", modes[i], rc, out);
        assert_true(ts_contains(out, i == 0 ? "/api/v1/integrations/temu/authorization/callback"
                                            : "/integrations/temu/callback"));
        free(out);
    }
    /* Nothing left in the temporary folder. */
    DIR *d = opendir(tmp);
    assert_non_null(d);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            fail_msg("bootstrap-test left %s/%s", tmp, e->d_name);
    }
    closedir(d);
    char *bad[] = {(char *)"deploy", (char *)"bootstrap-test", (char *)"--callback-mode=x", NULL};
    assert_int_equal(ts_aicos_run(bad, env, NULL, NULL), 2);
    free(tmp);
}

static void test_dns_and_suggest(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    char *local[] = {
        (char *)"deploy",     (char *)"dns",         (char *)"--api-host",  (char *)"localhost",
        (char *)"--web-host", (char *)"10.20.30.40", (char *)"--no-record", NULL};
    assert_int_equal(ts_aicos_run(local, NULL, &out, NULL), 1);
    assert_true(ts_contains(out, "API host localhost: NOT public"));
    assert_true(ts_contains(out, "(loopback)"));
    assert_true(ts_contains(out, "10.20.30.40 (private)"));
    assert_true(ts_contains(out, "BLOCKER dns.not_public"));
    free(out);

    char url[TS_PATH_MAX], dbenv[TS_PATH_MAX + 32];
    ts_fresh_db_url("deploy_dns", url, sizeof url);
    snprintf(dbenv, sizeof dbenv, "AICOS_DATABASE_URL=%s", url);
    char *env[] = {dbenv, NULL};
    char *mig[] = {(char *)"migrate", NULL};
    assert_int_equal(ts_aicos_run(mig, env, NULL, NULL), 0);
    char *pub[] = {(char *)"deploy",     (char *)"dns",
                   (char *)"--api-host", (char *)"8.8.8.8",
                   (char *)"--web-host", (char *)"2606:4700:4700::1111",
                   (char *)"--json",     NULL};
    assert_int_equal(ts_aicos_run(pub, env, &out, NULL), 0);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "blockers")), 0);
    json_decref(doc);
    free(out);
    assert_int_equal(count_checks(url, "dns"), 1);

    char *url_given[] = {(char *)"deploy",
                         (char *)"dns",
                         (char *)"--api-host",
                         (char *)"https://api.example.com",
                         (char *)"--web-host",
                         (char *)"x.example.com",
                         NULL};
    assert_int_equal(ts_aicos_run(url_given, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "host name"));
    free(err);
    char *half[] = {(char *)"deploy", (char *)"dns", (char *)"--api-host", (char *)"a.com", NULL};
    assert_int_equal(ts_aicos_run(half, NULL, NULL, NULL), 2);

    char *sug[] = {(char *)"deploy", (char *)"suggest-host", (char *)"--ip", (char *)"47.237.184.1",
                   NULL};
    assert_int_equal(ts_aicos_run(sug, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "47.237.184.1.sslip.io\n"));
    assert_true(ts_contains(out, "47-237-184-1.sslip.io"));
    assert_true(ts_contains(out, "https://47.237.184.1.sslip.io"));
    free(out);
    const char *refused[][2] = {{"10.0.0.1", "private"},
                                {"127.0.0.1", "loopback"},
                                {"169.254.3.4", "link-local"},
                                {"not-an-ip", "IPv4"}};
    for (size_t i = 0; i < 4; i++) {
        char *a[] = {(char *)"deploy", (char *)"suggest-host", (char *)"--ip",
                     (char *)refused[i][0], NULL};
        assert_int_equal(ts_aicos_run(a, NULL, NULL, &err), 2);
        if (!ts_contains(err, refused[i][1]))
            fail_msg("%s: %s", refused[i][0], err);
        free(err);
    }
}

static void test_smoke_usage(void **state)
{
    (void)state;
    char *err = NULL;
    char *http[] = {(char *)"deploy",
                    (char *)"smoke",
                    (char *)"--api-origin",
                    (char *)"http://api.example.com",
                    (char *)"--web-origin",
                    (char *)"https://web.example.com",
                    NULL};
    assert_int_equal(ts_aicos_run(http, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "https://"));
    free(err);
    char *half[] = {(char *)"deploy", (char *)"smoke", (char *)"--api-origin",
                    (char *)"https://api.example.com", NULL};
    assert_int_equal(ts_aicos_run(half, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--web-origin"));
    free(err);
    char *cacert[] = {(char *)"deploy",
                      (char *)"smoke",
                      (char *)"--api-origin",
                      (char *)"https://api.example.com",
                      (char *)"--web-origin",
                      (char *)"https://web.example.com",
                      (char *)"--cacert",
                      (char *)"/nonexistent.pem",
                      NULL};
    assert_int_equal(ts_aicos_run(cacert, NULL, NULL, &err), 2);
    assert_true(ts_contains(err, "--cacert"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_init_env_refusals),
        cmocka_unit_test(test_preflight_cli),
        cmocka_unit_test(test_bootstrap_test),
        cmocka_unit_test(test_dns_and_suggest),
        cmocka_unit_test(test_smoke_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of `aicos temu`: `temu sign` reproduces worked example 1 of temu-open-platform.md
 * §2.2 from standard input and from --body-file without printing the secret; bad input and
 * usage give a clear message and a non-zero exit; `temu call` refuses to run without
 * credentials and reports an unreachable gateway as a retryable transport error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testsupport.h"

#define EX_SECRET "c7e0a1a63542be4de3cb5488f9fba8149e8fc290"
#define EX_SIGN   "4CCF219942D4180C6DDA3CE36C1B838F"

/* argv and env entries are char *, string literals are const (-Wwrite-strings). */
#define A(s) ((char *)(s))

static const char example1[] =
    "{\"app_key\":\"f9d5cc9313893a20d5aa85c654e8f503\",\"data_type\":\"JSON\",\n"
    " \"access_token\":\"2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym\",\n"
    " \"sendRequestList\":[{\"orderSendInfoList\":[{\"quantity\":1,\"orderSn\":"
    "\"211-21905473070712792\",\"parentOrderSn\":\"PO-211-21905452099192792\",\"goodsId\":"
    "601099548666279,\"skuId\":17592352673534}],\"carrierId\":\"699272611\","
    "\"trackingNumber\":\"270324232756\"}],\n"
    " \"sendType\":0,\"sign\":\"" EX_SIGN "\",\"timestamp\":1711009072,"
    "\"type\":\"bg.logistics.shipment.confirm\"}\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0600);
}

struct files {
    char *dir;
    char secret[TS_PATH_MAX];
    char body[TS_PATH_MAX];
};

static void make_files(struct files *f)
{
    f->dir = ts_tmpdir("temu-cli");
    snprintf(f->secret, sizeof f->secret, "%s/secret", f->dir);
    snprintf(f->body, sizeof f->body, "%s/body.json", f->dir);
    write_file(f->secret, EX_SECRET "\n");
    write_file(f->body, example1);
}

static void check_example_output(const char *out)
{
    assert_true(ts_contains(out, "sign: " EX_SIGN "\n"));
    /* The access token is masked in the printed string (issue 18); the signature is over the
     * real one (EX_SIGN above). */
    assert_true(ts_contains(out, "canonical: ****access_token****ixym"
                                 "app_keyf9d5cc9313893a20d5aa85c654e8f503"));
    assert_false(ts_contains(out, "2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcn"));
    assert_true(ts_contains(out, "sendType0timestamp1711009072typebg.logistics.shipment.confirm"
                                 "****\n"));
    assert_false(ts_contains(out, EX_SECRET));
}

static void test_sign_body_file(void **state)
{
    (void)state;
    struct files f;
    make_files(&f);
    char *out = NULL, *err = NULL;
    char *args[] = {A("temu"), A("sign"), A("--secret-file"), f.secret, A("--body-file"),
                    f.body,    NULL};
    assert_int_equal(ts_aicos_run(args, NULL, &out, &err), 0);
    check_example_output(out);
    assert_false(ts_contains(err, EX_SECRET));
    free(out);
    free(err);
    free(f.dir);
}

static void test_sign_stdin(void **state)
{
    (void)state;
    struct files f;
    make_files(&f);
    char cmd[3 * TS_PATH_MAX];
    snprintf(cmd, sizeof cmd, "exec \"$AICOS_BIN\" temu sign --secret-file '%s' < '%s'", f.secret,
             f.body);
    char *argv[] = {A("/bin/sh"), A("-c"), cmd, NULL};
    struct ts_proc p;
    ts_spawn(f.dir, argv, NULL, &p);
    int rc = ts_wait(&p, 30000);
    if (rc < 0)
        ts_stop(&p, SIGKILL, 5000);
    assert_int_equal(rc, 0);
    char *out = ts_read_file(p.out_path);
    check_example_output(out);
    free(out);
    free(f.dir);
}

static void expect_usage(char **args, int status, const char *message)
{
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(args, NULL, &out, &err), status);
    if (!ts_contains(err, message))
        fail_msg("expected \"%s\" in stderr, got: %s", message, err);
    assert_false(ts_contains(out, EX_SECRET));
    assert_false(ts_contains(err, EX_SECRET));
    free(out);
    free(err);
}

static void test_sign_bad_input(void **state)
{
    (void)state;
    struct files f;
    make_files(&f);
    char bad[TS_PATH_MAX], real[TS_PATH_MAX], empty[TS_PATH_MAX];
    snprintf(bad, sizeof bad, "%s/bad.json", f.dir);
    snprintf(real, sizeof real, "%s/real.json", f.dir);
    snprintf(empty, sizeof empty, "%s/empty", f.dir);
    write_file(bad, "{\"type\":");
    write_file(real, "{\"price\":1.25}");
    write_file(empty, "\n");
    char *a1[] = {A("temu"), A("sign"), A("--body-file"), f.body, NULL};
    expect_usage(a1, 2, "--secret-file FILE is required");
    char *a2[] = {A("temu"), A("sign"), A("--secret-file"), f.secret, A("--body-file"), bad, NULL};
    expect_usage(a2, 2, "not valid JSON");
    char *a3[] = {A("temu"), A("sign"), A("--secret-file"), f.secret, A("--body-file"), real, NULL};
    expect_usage(a3, 2, "floating-point");
    char *a4[] = {A("temu"), A("sign"), A("--secret-file"), empty, A("--body-file"), f.body, NULL};
    expect_usage(a4, 2, "is empty");
    char *a5[] = {A("temu"), A("sign"), A("--secret-file"), A("/nonexistent/secret"), NULL};
    expect_usage(a5, 2, "cannot open");
    char *a6[] = {A("temu"), A("sign"), A("--bogus"), NULL};
    expect_usage(a6, 2, "unknown option --bogus");
    char *a7[] = {A("temu"), A("frobnicate"), NULL};
    expect_usage(a7, 2, "unknown subcommand frobnicate");
    char *a8[] = {A("temu"), NULL};
    expect_usage(a8, 2, "usage: aicos temu");
    /* An empty body on stdin (ts_aicos_run gives /dev/null). */
    char *a9[] = {A("temu"), A("sign"), A("--secret-file"), f.secret, NULL};
    expect_usage(a9, 2, "not valid JSON");
    free(f.dir);
}

static void test_help(void **state)
{
    (void)state;
    const char *subs[][3] = {
        {"temu", "--help", NULL}, {"temu", "sign", "--help"}, {"temu", "call", "--help"}};
    for (size_t i = 0; i < 3; i++) {
        char *args[4] = {(char *)subs[i][0], (char *)subs[i][1], (char *)subs[i][2], NULL};
        char *out = NULL;
        assert_int_equal(ts_aicos_run(args, NULL, &out, NULL), 0);
        assert_true(ts_contains(out, "usage: aicos temu"));
        free(out);
    }
}

static void test_call(void **state)
{
    (void)state;
    struct files f;
    make_files(&f);
    char *out = NULL, *err = NULL;
    char *a1[] = {A("temu"), A("call"), NULL};
    expect_usage(a1, 2, "--type TYPE is required");
    char *a2[] = {A("temu"), A("call"), A("--type"), A("bg.order.list.v2.get"), NULL};
    char *noenv[] = {A("AICOS_TEMU_APP_KEY="), A("AICOS_TEMU_APP_SECRET_FILE="), NULL};
    assert_int_equal(ts_aicos_run(a2, noenv, &out, &err), 2);
    assert_true(ts_contains(err, "AICOS_TEMU_APP_KEY"));
    free(out);
    free(err);
    char *a3[] = {A("temu"),     A("call"), A("--type"), A("bg.order.list.v2.get"),
                  A("--params"), A("[1]"),  NULL};
    char secret_env[TS_PATH_MAX + 40], url_env[128];
    snprintf(secret_env, sizeof secret_env, "AICOS_TEMU_APP_SECRET_FILE=%s", f.secret);
    snprintf(url_env, sizeof url_env, "AICOS_TEMU_GATEWAY_URL=http://127.0.0.1:%u/openapi/router",
             ts_free_port());
    char *env[] = {A("AICOS_TEMU_APP_KEY=KEY"),
                   secret_env,
                   url_env,
                   A("AICOS_TEMU_MAX_RETRIES=0"),
                   A("AICOS_ENV=development"),
                   A("AICOS_TEMU_ACCESS_TOKEN_FILE="),
                   NULL};
    assert_int_equal(ts_aicos_run(a3, env, &out, &err), 2);
    assert_true(ts_contains(err, "--params must be a JSON object"));
    free(out);
    free(err);
    /* Nothing listens there: a retryable transport error with a hint, exit 1. */
    char *a4[] = {A("temu"),     A("call"),
                  A("--type"),   A("bg.order.list.v2.get"),
                  A("--params"), A("{\"pageNumber\":1}"),
                  NULL};
    assert_int_equal(ts_aicos_run(a4, env, &out, &err), 1);
    assert_true(ts_contains(err, "retryable error (transport)"));
    assert_true(ts_contains(err, "hint:"));
    assert_false(ts_contains(err, EX_SECRET));
    free(out);
    free(err);
    char *a5[] = {A("temu"), A("call"), A("--type"), A("bad type"), NULL};
    assert_int_equal(ts_aicos_run(a5, env, &out, &err), 2);
    free(out);
    free(err);
    free(f.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_body_file), cmocka_unit_test(test_sign_stdin),
        cmocka_unit_test(test_sign_bad_input), cmocka_unit_test(test_help),
        cmocka_unit_test(test_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The subcommands' option parsing (getopt_long behind cli_getopt_next): unknown options and
 * stray operands are refused with "unknown option X", a missing value with "X needs a value"
 * (deploy) or "unknown option X" (the other commands), "--name=value" equals "--name value",
 * operands may stand between options, and each refusal exits 2 before anything runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testsupport.h"

#define A(s) ((char *)(s))

/* Runs aicos args, expecting exit status and message in standard error. */
static void expect_run(char **args, int status, const char *message)
{
    char *out = NULL, *err = NULL;
    char *env[] = {A("AICOS_DATABASE_URL=sqlite:///nonexistent-dir/never.db"), NULL};
    int rc = ts_aicos_run(args, env, &out, &err);
    if (rc != status || !ts_contains(err, message))
        fail_msg("%s %s: exit %d (want %d), stderr: %s", args[0], args[1] ? args[1] : "", rc,
                 status, err);
    free(out);
    free(err);
}

static void test_unknown_and_stray(void **state)
{
    (void)state;
    char *a1[] = {A("migrate"), A("--bogus"), NULL};
    expect_run(a1, 2, "aicos migrate: unknown option --bogus; see `aicos migrate --help`.");
    char *a2[] = {A("migrate"), A("extra"), NULL};
    expect_run(a2, 2, "aicos migrate: unknown option extra;");
    char *a3[] = {A("serve"), A("--no-migrate=1"), NULL};
    expect_run(a3, 2, "aicos serve: unknown option --no-migrate=1;");
    char *a4[] = {A("config"), A("x"), NULL};
    expect_run(a4, 2, "aicos config: unknown option x;");
    char *a5[] = {A("vault"), A("status"), A("extra"), NULL};
    expect_run(a5, 2, "aicos vault status: unknown option extra;");
    char *a6[] = {A("deploy"), A("preflight"), A("--dir"), A("/x"), A("stray"), NULL};
    expect_run(a6, 2, "aicos deploy preflight: unknown option stray;");
    char *a7[] = {A("sync"), A("run"), A("--limit"), A("5"), NULL};
    expect_run(a7, 2, "aicos sync: unknown option --limit;");
    char *a8[] = {A("audit"), A("export"), A("--format"), A("xml"), NULL};
    expect_run(a8, 2, "aicos audit export: bad option --format xml;");
}

static void test_missing_values(void **state)
{
    (void)state;
    char *a1[] = {A("deploy"), A("init-env"), A("--api-origin"), NULL};
    expect_run(a1, 2,
               "aicos deploy init-env: --api-origin needs a value; see `aicos deploy init-env "
               "--help`.");
    char *a2[] = {A("deploy"), A("dns"), A("--api-host=a.example"), A("--web-host"), NULL};
    expect_run(a2, 2, "aicos deploy dns: --web-host needs a value;");
    char *a3[] = {A("temu"), A("call"), A("--type"), NULL};
    expect_run(a3, 2, "aicos temu call: unknown option --type;");
    char *a4[] = {A("temu"), A("credentials"), A("set"), A("--region"), NULL};
    expect_run(a4, 2, "aicos temu credentials set: unknown option --region;");
}

static void test_equals_and_order(void **state)
{
    (void)state;
    /* --ip=value reaches the check (a private address is refused by it, not by parsing). */
    char *a1[] = {A("deploy"), A("suggest-host"), A("--ip=10.0.0.1"), NULL};
    expect_run(a1, 2, "aicos deploy suggest-host: ");
    char *a2[] = {A("deploy"), A("suggest-host"), A("--ip"), A("10.0.0.1"), NULL};
    expect_run(a2, 2, "aicos deploy suggest-host: ");
    char *out = NULL;
    char *a3[] = {A("deploy"), A("suggest-host"), A("--ip=8.8.8.8"), NULL};
    assert_int_equal(ts_aicos_run(a3, NULL, &out, NULL), 0);
    assert_true(ts_contains(out, "8.8.8.8.sslip.io"));
    free(out);
    /* The same options in another order, the value joined with '='. */
    char *a4[] = {A("deploy"),    A("dns"), A("--web-host=x"), A("--json"), A("--api-host"),
                  A("http://a/"), NULL};
    expect_run(a4, 2, "give a host name like api.example.com");
    /* The user name may follow the options. */
    char *a5[] = {A("user"), A("reset-password"), A("--bogus"), A("bob"), NULL};
    expect_run(a5, 2, "aicos user reset-password: unknown option --bogus;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_and_stray),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_equals_and_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

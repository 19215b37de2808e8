/*
 * Unit tests of the smoke test's own checks: the clock-skew rule from a Date header, the
 * certificate-lifetime rule, refused options, and a precise finding when nothing listens.
 */
#include "testsupport.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deploy/smoke.h"

static void http_date(time_t t, char *out, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void test_clock_skew(void **state)
{
    (void)state;
    time_t now = 1800000000;
    char date[64];
    struct deploy_findings f = {0};
    http_date(now + 100, date, sizeof date);
    deploy_smoke_check_clock("https://api.example.com", date, now, &f);
    assert_int_equal(f.count, 0);
    http_date(now + LIMIT_DEPLOY_CLOCK_SKEW_S, date, sizeof date);
    deploy_smoke_check_clock("https://api.example.com", date, now, &f);
    assert_int_equal(f.count, 0);
    http_date(now + LIMIT_DEPLOY_CLOCK_SKEW_S + 1, date, sizeof date);
    deploy_smoke_check_clock("https://api.example.com", date, now, &f);
    assert_true(deploy_findings_has(&f, "smoke.clock_skew", DEPLOY_BLOCKER));
    assert_true(ts_contains(f.items[0].message, "301 s ahead of"));
    deploy_findings_free(&f);
    http_date(now - 3600, date, sizeof date);
    deploy_smoke_check_clock("https://api.example.com", date, now, &f);
    assert_true(deploy_findings_has(&f, "smoke.clock_skew", DEPLOY_BLOCKER));
    assert_true(ts_contains(f.items[0].message, "3600 s behind"));
    deploy_findings_free(&f);
    deploy_smoke_check_clock("https://api.example.com", NULL, now, &f);
    assert_true(deploy_findings_has(&f, "smoke.clock_unknown", DEPLOY_WARNING));
    deploy_smoke_check_clock("https://api.example.com", "yesterday-ish", now, &f);
    assert_int_equal(f.warnings, 2);
    assert_int_equal(f.blockers, 0);
    deploy_findings_free(&f);
}

static void test_cert_expiry(void **state)
{
    (void)state;
    time_t now = 1800000000; /* 2027-01-15T08:00:00Z */
    struct deploy_findings f = {0};
    deploy_smoke_check_cert_expiry("api.example.com", "Jan 15 07:59:59 2027 GMT", now, &f);
    assert_true(deploy_findings_has(&f, "smoke.cert_expired", DEPLOY_BLOCKER));
    deploy_findings_free(&f);
    deploy_smoke_check_cert_expiry("api.example.com", "Jan 17 08:00:00 2027 GMT", now, &f);
    assert_true(deploy_findings_has(&f, "smoke.cert_expiring", DEPLOY_WARNING));
    assert_true(ts_contains(f.items[0].message, "48 hour(s)"));
    deploy_findings_free(&f);
    deploy_smoke_check_cert_expiry("api.example.com", "Apr  5 00:00:00 2027 GMT", now, &f);
    assert_int_equal(f.count, 0);
    deploy_smoke_check_cert_expiry("api.example.com", NULL, now, &f);
    deploy_smoke_check_cert_expiry("api.example.com", "garbage", now, &f);
    assert_int_equal(f.count, 0);
}

static void test_bad_options(void **state)
{
    (void)state;
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    struct deploy_smoke_opts o = {.api_origin = "http://api.example.com",
                                  .web_origin = "https://web.example.com"};
    assert_int_equal(deploy_smoke_run(&o, &f, &eb), ERR_INVAL);
    assert_true(ts_contains(eb.msg, "https://"));
    o.api_origin = "https://api.example.com/path";
    assert_int_equal(deploy_smoke_run(&o, &f, &eb), ERR_INVAL);
    o.api_origin = "https://api.example.com";
    o.resolve[0] = "api.example.com:443";
    o.nresolve = 1;
    assert_int_equal(deploy_smoke_run(&o, &f, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "bad_resolve");
    o.nresolve = 0;
    o.cacert = "/nonexistent/ca.pem";
    assert_int_equal(deploy_smoke_run(&o, &f, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "bad_cacert");
    assert_int_equal(f.count, 0);
}

static void test_nothing_listening(void **state)
{
    (void)state;
    unsigned port = ts_free_port();
    char api[128], web[128], r1[128], r2[128];
    snprintf(api, sizeof api, "https://api.aicos.test:%u", port);
    snprintf(web, sizeof web, "https://web.aicos.test:%u", port);
    snprintf(r1, sizeof r1, "api.aicos.test:%u:127.0.0.1", port);
    snprintf(r2, sizeof r2, "web.aicos.test:%u:127.0.0.1", port);
    struct deploy_smoke_opts o = {.api_origin = api, .web_origin = web, .nresolve = 2};
    o.resolve[0] = r1;
    o.resolve[1] = r2;
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    assert_int_equal(deploy_smoke_run(&o, &f, &eb), ERR_OK);
    assert_true(deploy_findings_has(&f, "smoke.connect", DEPLOY_BLOCKER));
    /* One finding per origin, not one per route. */
    assert_int_equal(f.blockers, 2);
    assert_true(ts_contains(f.items[0].message, "Nothing accepts HTTPS connections"));
    assert_true(ts_contains(f.items[0].message, api));
    deploy_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_skew),
        cmocka_unit_test(test_cert_expiry),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_nothing_listening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

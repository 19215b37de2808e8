/* Unit tests for base/parse: the checked integer parser and host:port splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include <string.h>

#include "base/parse.h"

/* Parses s expecting success and returns the value. */
static int64_t ok_int(const char *s, int64_t min, int64_t max)
{
    int64_t v = 0x5a5a5a5a;
    assert_int_equal(parse_int64(s, min, max, &v), ERR_OK);
    return v;
}

/* Expects refusal and checks the output was left untouched. */
static void bad_int(const char *s, int64_t min, int64_t max)
{
    int64_t v = 0x5a5a5a5a;
    enum err e = parse_int64(s, min, max, &v);
    if (e != ERR_INVAL)
        fail_msg("parse_int64(\"%s\") returned %d, expected ERR_INVAL", s ? s : "(null)", (int)e);
    assert_int_equal(v, 0x5a5a5a5a);
}

static void test_int_valid(void **state)
{
    (void)state;
    assert_int_equal(ok_int("0", 0, 10), 0);
    assert_int_equal(ok_int("7", 0, 10), 7);
    assert_int_equal(ok_int("10", 0, 10), 10);
    assert_int_equal(ok_int("007", 0, 10), 7);
    assert_int_equal(ok_int("-5", -10, 10), -5);
    assert_int_equal(ok_int("-10", -10, 10), -10);
    assert_int_equal(ok_int("65535", 1, 65535), 65535);
}

static void test_int_bounds(void **state)
{
    (void)state;
    bad_int("11", 0, 10);
    bad_int("-11", -10, 10);
    bad_int("0", 1, 10);
    bad_int("-1", 0, 10);
    bad_int("65536", 1, 65535);
    /* min == max accepts exactly one value. */
    assert_int_equal(ok_int("3", 3, 3), 3);
    bad_int("4", 3, 3);
}

static void test_int_extremes_and_overflow(void **state)
{
    (void)state;
    assert_true(ok_int("9223372036854775807", INT64_MIN, INT64_MAX) == INT64_MAX);
    assert_true(ok_int("-9223372036854775808", INT64_MIN, INT64_MAX) == INT64_MIN);
    bad_int("9223372036854775808", INT64_MIN, INT64_MAX);
    bad_int("-9223372036854775809", INT64_MIN, INT64_MAX);
    bad_int("99999999999999999999999999", INT64_MIN, INT64_MAX);
    bad_int("-99999999999999999999999999", INT64_MIN, INT64_MAX);
}

static void test_int_malformed(void **state)
{
    (void)state;
    bad_int(NULL, 0, 10);
    bad_int("", 0, 10);
    bad_int(" 5", 0, 10);
    bad_int("\t5", 0, 10);
    bad_int("5 ", 0, 10);
    bad_int("5\n", 0, 10);
    bad_int("5x", 0, 10);
    bad_int("x5", 0, 10);
    bad_int("0x10", 0, 100);
    bad_int("1e3", 0, 10000);
    bad_int("1.0", 0, 10);
    bad_int("-", -10, 10);
    bad_int("--5", -10, 10);
    bad_int("- 5", -10, 10);
    bad_int("+", 0, 10);
    bad_int("+5", 0, 10);
    bad_int("+5", -10, 10);
    bad_int("5-", -10, 10);
    bad_int("1 2", 0, 100);
}

/* A sign on an unsigned range is refused, even for the value zero. */
static void test_int_sign_on_unsigned_range(void **state)
{
    (void)state;
    bad_int("-0", 0, 10);
    bad_int("-0", 1, 65535);
    assert_int_equal(ok_int("-0", -1, 1), 0);
}

/* Splits s expecting success. */
static void ok_hp(const char *s, int allow_zero, const char *want_host, unsigned want_port)
{
    char host[64];
    unsigned port = 99999;
    enum err e = parse_host_port(s, host, sizeof host, &port, allow_zero);
    if (e != ERR_OK)
        fail_msg("parse_host_port(\"%s\") returned %d, expected ERR_OK", s, (int)e);
    assert_string_equal(host, want_host);
    assert_int_equal(port, want_port);
}

/* Expects refusal with the port left untouched. */
static void bad_hp(const char *s, int allow_zero)
{
    char host[64] = "untouched";
    unsigned port = 99999;
    enum err e = parse_host_port(s, host, sizeof host, &port, allow_zero);
    if (e != ERR_INVAL)
        fail_msg("parse_host_port(\"%s\") returned %d, expected ERR_INVAL", s ? s : "(null)",
                 (int)e);
    assert_int_equal(port, 99999);
    assert_string_equal(host, "untouched");
}

static void test_host_port_valid(void **state)
{
    (void)state;
    ok_hp("127.0.0.1:8080", 0, "127.0.0.1", 8080);
    ok_hp("0.0.0.0:1", 0, "0.0.0.0", 1);
    ok_hp("localhost:65535", 0, "localhost", 65535);
    ok_hp("db-1.internal.example.com:5432", 0, "db-1.internal.example.com", 5432);
    ok_hp("[::1]:80", 0, "::1", 80);
    ok_hp("[::]:443", 0, "::", 443);
    ok_hp("[2001:db8::1]:8443", 0, "2001:db8::1", 8443);
}

static void test_host_port_zero(void **state)
{
    (void)state;
    ok_hp("127.0.0.1:0", 1, "127.0.0.1", 0);
    ok_hp("[::1]:0", 1, "::1", 0);
    bad_hp("127.0.0.1:0", 0);
    bad_hp("[::1]:0", 0);
}

static void test_host_port_invalid(void **state)
{
    (void)state;
    bad_hp(NULL, 0);
    bad_hp("", 0);
    bad_hp("localhost", 0);
    bad_hp("localhost:", 0);
    bad_hp(":80", 0);
    bad_hp(":80", 1);
    bad_hp("[]:80", 0);
    bad_hp("host:65536", 0);
    bad_hp("host:65536", 1);
    bad_hp("host:99999999999999999999", 0);
    bad_hp("host:-1", 1);
    bad_hp("host:-0", 1);
    bad_hp("host:+80", 0);
    bad_hp("host: 80", 0);
    bad_hp("host:80 ", 0);
    bad_hp("host:80x", 0);
    bad_hp("host:0x50", 0);
    /* Bare IPv6 is ambiguous and needs brackets. */
    bad_hp("::1:80", 0);
    bad_hp("2001:db8::1:8443", 0);
    bad_hp("a:b:80", 0);
    /* Broken brackets. */
    bad_hp("[::1]", 0);
    bad_hp("[::1]80", 0);
    bad_hp("[::1:80", 0);
    bad_hp("[::1]:", 0);
    /* Characters that cannot appear in a host name or address. */
    bad_hp("my host:80", 0);
    bad_hp("user@host:80", 0);
    bad_hp("host/path:80", 0);
    bad_hp("[fe80::1%eth0]:80", 0);
}

/* The host must fit the caller's buffer, NUL included. */
static void test_host_port_buffer_size(void **state)
{
    (void)state;
    char host[5];
    unsigned port = 0;
    assert_int_equal(parse_host_port("abcd:1", host, sizeof host, &port, 0), ERR_OK);
    assert_string_equal(host, "abcd");
    assert_int_equal(port, 1);
    assert_int_equal(parse_host_port("abcde:1", host, sizeof host, &port, 0), ERR_INVAL);
    assert_int_equal(parse_host_port("[::1]:1", host, 3, &port, 0), ERR_INVAL);
    assert_int_equal(parse_host_port("a:1", host, 0, &port, 0), ERR_INVAL);
}

/* The decimal text of an int64 is printf's, and parses back to the same value. */
static void test_int_text(void **state)
{
    (void)state;
    static const int64_t vals[] = {0,
                                   1,
                                   -1,
                                   9,
                                   10,
                                   -10,
                                   1764547199,
                                   INT64_MAX,
                                   INT64_MIN,
                                   INT64_MIN + 1,
                                   1000000000000000000LL};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char out[PARSE_INT64_DIGITS], want[32], got[32];
        const char *p = parse_int64_text(vals[i], out);
        snprintf(got, sizeof got, "%.*s", (int)(out + sizeof out - p), p);
        snprintf(want, sizeof want, "%lld", (long long)vals[i]);
        assert_string_equal(got, want);
        int64_t back = 0;
        assert_int_equal(parse_int64(got, INT64_MIN, INT64_MAX, &back), ERR_OK);
        assert_true(back == vals[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_valid),         cmocka_unit_test(test_int_text),
        cmocka_unit_test(test_int_bounds),        cmocka_unit_test(test_int_extremes_and_overflow),
        cmocka_unit_test(test_int_malformed),     cmocka_unit_test(test_int_sign_on_unsigned_range),
        cmocka_unit_test(test_host_port_valid),   cmocka_unit_test(test_host_port_zero),
        cmocka_unit_test(test_host_port_invalid), cmocka_unit_test(test_host_port_buffer_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for base/money: ISO 4217 exponents, strict parsing, formatting, checked sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

static int64_t ok(const char *text, const char *cur, enum money_style style, unsigned flags)
{
    struct money m = {0, ""};
    bool absent = true;
    struct errbuf eb = {{0}, {0}};
    enum err e = money_parse(text, strlen(text), cur, style, flags, &m, &absent, &eb);
    if (e != ERR_OK)
        fail_msg("money_parse(\"%s\", %s) failed: %s", text, cur, eb.msg);
    assert_false(absent);
    assert_string_equal(m.currency, cur);
    return m.minor;
}

/* Expects ERR_INVAL with the given machine code; returns the message for further checks. */
static const char *bad(const char *text, const char *cur, enum money_style style, unsigned flags,
                       const char *code)
{
    static struct errbuf eb;
    memset(&eb, 0, sizeof eb);
    struct money m = {77, "XXX"};
    bool absent = false;
    enum err e = money_parse(text, strlen(text), cur, style, flags, &m, &absent, &eb);
    if (e != ERR_INVAL)
        fail_msg("money_parse(\"%s\", %s) returned %d, expected ERR_INVAL", text, cur, (int)e);
    assert_string_equal(eb.code, code);
    assert_int_equal(m.minor, 77);
    return eb.msg;
}

static void test_exponents(void **state)
{
    (void)state;
    assert_int_equal(money_currency_exponent("USD"), 2);
    assert_int_equal(money_currency_exponent("CNY"), 2);
    assert_int_equal(money_currency_exponent("EUR"), 2);
    assert_int_equal(money_currency_exponent("JPY"), 0);
    assert_int_equal(money_currency_exponent("KRW"), 0);
    assert_int_equal(money_currency_exponent("KWD"), 3);
    assert_int_equal(money_currency_exponent("BHD"), 3);
    assert_int_equal(money_currency_exponent("CLF"), 4);
    assert_int_equal(money_currency_exponent("AED"), 2); /* first of the table */
    assert_int_equal(money_currency_exponent("ZWL"), 2); /* last of the table */
    assert_int_equal(money_currency_exponent("usd"), -1);
    assert_int_equal(money_currency_exponent("XAU"), -1);
    assert_int_equal(money_currency_exponent("US"), -1);
    assert_int_equal(money_currency_exponent("USDX"), -1);
    assert_int_equal(money_currency_exponent(NULL), -1);
}

static void test_parse_plain(void **state)
{
    (void)state;
    assert_int_equal(ok("15.90", "USD", MONEY_STYLE_PLAIN, 0), 1590);
    assert_int_equal(ok("15.9", "USD", MONEY_STYLE_PLAIN, 0), 1590);
    assert_int_equal(ok("15", "USD", MONEY_STYLE_PLAIN, 0), 1500);
    assert_int_equal(ok("-15.90", "USD", MONEY_STYLE_PLAIN, 0), -1590);
    assert_int_equal(ok("+0.01", "USD", MONEY_STYLE_PLAIN, 0), 1);
    assert_int_equal(ok(".5", "USD", MONEY_STYLE_PLAIN, 0), 50);
    assert_int_equal(ok("  42.00 ", "CNY", MONEY_STYLE_PLAIN, 0), 4200);
    assert_int_equal(ok("15.900", "USD", MONEY_STYLE_PLAIN, 0),
                     1590); /* extra zeros lose nothing */
    assert_int_equal(ok("1500", "JPY", MONEY_STYLE_PLAIN, 0), 1500);
    assert_int_equal(ok("1500.00", "JPY", MONEY_STYLE_PLAIN, 0), 1500);
    assert_int_equal(ok("1.234", "KWD", MONEY_STYLE_PLAIN, 0), 1234);
    assert_int_equal(ok("-0.005", "BHD", MONEY_STYLE_PLAIN, 0), -5);
    assert_int_equal(ok("92233720368547758.07", "USD", MONEY_STYLE_PLAIN, 0), INT64_MAX);
    assert_int_equal(ok("-92233720368547758.07", "USD", MONEY_STYLE_PLAIN, 0), -INT64_MAX);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    assert_non_null(strstr(bad("abc", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount"), "\"abc\""));
    bad("12.3x", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("12..3", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1.2.3", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("--1", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1-", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("+", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad(".", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("12.", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1e5", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1.5E+20", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("$12", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("12 USD", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1 000", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("1,234.50", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount"); /* no grouping in PLAIN */
    bad("", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");         /* empty, not asked as absent */
    bad("/", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    bad("-", "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    assert_non_null(
        strstr(bad("15.905", "USD", MONEY_STYLE_PLAIN, 0, "too_many_decimals"), "USD allows (2)"));
    bad("1500.5", "JPY", MONEY_STYLE_PLAIN, 0, "too_many_decimals");
    bad("1.2345", "KWD", MONEY_STYLE_PLAIN, 0, "too_many_decimals");
    bad("92233720368547758.08", "USD", MONEY_STYLE_PLAIN, 0, "money_overflow");
    bad("99999999999999999999", "JPY", MONEY_STYLE_PLAIN, 0, "money_overflow");
    bad("9223372036854775807", "USD", MONEY_STYLE_PLAIN, 0, "money_overflow");
    bad("1", "XAU", MONEY_STYLE_PLAIN, 0, "unknown_currency");
    bad("1", "usd", MONEY_STYLE_PLAIN, 0, "unknown_currency");
    char longtext[80];
    memset(longtext, '1', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    bad(longtext, "USD", MONEY_STYLE_PLAIN, 0, "bad_amount");
    /* Not NUL-terminated input is read only up to len; a NUL inside is refused. */
    struct money m;
    assert_int_equal(money_parse("12.50xyz", 5, "USD", MONEY_STYLE_PLAIN, 0, &m, NULL, NULL),
                     ERR_OK);
    assert_int_equal(m.minor, 1250);
    assert_int_equal(money_parse("1\0002", 3, "USD", MONEY_STYLE_PLAIN, 0, &m, NULL, NULL),
                     ERR_INVAL);
}

static void test_parse_rounding(void **state)
{
    (void)state;
    assert_int_equal(ok("15.905", "USD", MONEY_STYLE_PLAIN, MONEY_ROUND), 1591);
    assert_int_equal(ok("15.904999", "USD", MONEY_STYLE_PLAIN, MONEY_ROUND), 1590);
    assert_int_equal(ok("-15.905", "USD", MONEY_STYLE_PLAIN, MONEY_ROUND), -1591);
    assert_int_equal(ok("15.899999999999999", "USD", MONEY_STYLE_PLAIN, MONEY_ROUND), 1590);
    assert_int_equal(ok("1500.5", "JPY", MONEY_STYLE_PLAIN, MONEY_ROUND), 1501);
    assert_int_equal(ok("1500.49", "JPY", MONEY_STYLE_PLAIN, MONEY_ROUND), 1500);
    assert_int_equal(ok("1.2345", "KWD", MONEY_STYLE_PLAIN, MONEY_ROUND), 1235);
    bad("92233720368547758.075", "USD", MONEY_STYLE_PLAIN, MONEY_ROUND, "money_overflow");
}

static void test_parse_styles(void **state)
{
    (void)state;
    assert_int_equal(ok("1,234.50", "USD", MONEY_STYLE_EN, 0), 123450);
    assert_int_equal(ok("1234.50", "USD", MONEY_STYLE_EN, 0), 123450);
    assert_int_equal(ok("-1,234,567", "USD", MONEY_STYLE_EN, 0), -123456700);
    assert_int_equal(ok("680,016.31", "CNY", MONEY_STYLE_EN, 0), 68001631);
    assert_int_equal(ok("1.234,50", "EUR", MONEY_STYLE_DE, 0), 123450);
    assert_int_equal(ok("1234,5", "EUR", MONEY_STYLE_DE, 0), 123450);
    assert_int_equal(ok("12.345.678", "JPY", MONEY_STYLE_DE, 0), 12345678);
    bad("1,23.50", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad("12,3456", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad("1234,567", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad(",123", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad("1,,234", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad("1,234,", "USD", MONEY_STYLE_EN, 0, "bad_amount");
    bad("1.234,50", "USD", MONEY_STYLE_EN, 0, "bad_amount"); /* de text read as en */
    bad("1234.50", "EUR", MONEY_STYLE_DE, 0, "bad_amount");  /* en text read as de */
    bad("1,5,0", "EUR", MONEY_STYLE_DE, 0, "bad_amount");
}

static void test_parse_absent(void **state)
{
    (void)state;
    struct money m = {5, "XXX"};
    bool absent = false;
    unsigned all = MONEY_ABSENT_EMPTY | MONEY_ABSENT_SLASH | MONEY_ABSENT_DASH;
    const char *cases[] = {"", "  ", "/", " / ", "-"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        absent = false;
        assert_int_equal(money_parse(cases[i], strlen(cases[i]), "CNY", MONEY_STYLE_PLAIN, all, &m,
                                     &absent, NULL),
                         ERR_OK);
        assert_true(absent);
        assert_int_equal(m.minor, 0);
        assert_string_equal(m.currency, "CNY");
    }
    /* Only the flags asked for. */
    assert_int_equal(
        money_parse("/", 1, "CNY", MONEY_STYLE_PLAIN, MONEY_ABSENT_EMPTY, &m, &absent, NULL),
        ERR_INVAL);
    assert_int_equal(
        money_parse("", 0, "CNY", MONEY_STYLE_PLAIN, MONEY_ABSENT_SLASH, &m, &absent, NULL),
        ERR_INVAL);
    /* "-5" is a number even when "-" alone means absent. */
    assert_int_equal(ok("-5", "CNY", MONEY_STYLE_PLAIN, all), -500);
    bad("//", "CNY", MONEY_STYLE_PLAIN, all, "bad_amount");
}

static const char *fmt(int64_t minor, const char *cur, enum money_style style)
{
    static char out[MONEY_FORMAT_MAX];
    struct money m;
    m.minor = minor;
    memcpy(m.currency, cur, sizeof m.currency);
    assert_int_equal(money_format(&m, style, out, sizeof out), ERR_OK);
    return out;
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(fmt(1590, "USD", MONEY_STYLE_PLAIN), "15.90 USD");
    assert_string_equal(fmt(-1590, "USD", MONEY_STYLE_PLAIN), "-15.90 USD");
    assert_string_equal(fmt(5, "USD", MONEY_STYLE_PLAIN), "0.05 USD");
    assert_string_equal(fmt(-5, "USD", MONEY_STYLE_PLAIN), "-0.05 USD");
    assert_string_equal(fmt(0, "USD", MONEY_STYLE_EN), "0.00 USD");
    assert_string_equal(fmt(123450, "USD", MONEY_STYLE_EN), "1,234.50 USD");
    assert_string_equal(fmt(123450, "EUR", MONEY_STYLE_DE), "1.234,50 EUR");
    assert_string_equal(fmt(123450, "EUR", MONEY_STYLE_PLAIN), "1234.50 EUR");
    assert_string_equal(fmt(99999, "USD", MONEY_STYLE_EN), "999.99 USD");
    assert_string_equal(fmt(100000, "USD", MONEY_STYLE_EN), "1,000.00 USD");
    assert_string_equal(fmt(1500, "JPY", MONEY_STYLE_EN), "1,500 JPY");
    assert_string_equal(fmt(-1234567, "KRW", MONEY_STYLE_DE), "-1.234.567 KRW");
    assert_string_equal(fmt(1234, "KWD", MONEY_STYLE_EN), "1.234 KWD");
    assert_string_equal(fmt(INT64_MAX, "USD", MONEY_STYLE_EN), "92,233,720,368,547,758.07 USD");
    assert_string_equal(fmt(INT64_MIN, "USD", MONEY_STYLE_EN), "-92,233,720,368,547,758.08 USD");
    assert_string_equal(fmt(INT64_MIN, "JPY", MONEY_STYLE_DE), "-9.223.372.036.854.775.808 JPY");
    /* Round trip through the parser in every style. */
    enum money_style styles[] = {MONEY_STYLE_PLAIN, MONEY_STYLE_EN, MONEY_STYLE_DE};
    int64_t values[] = {0, 1, -1, 999, 1000, -123456789, INT64_MAX};
    for (size_t s = 0; s < 3; s++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            char text[MONEY_FORMAT_MAX];
            snprintf(text, sizeof text, "%s", fmt(values[v], "KWD", styles[s]));
            *strrchr(text, ' ') = '\0';
            assert_int_equal(ok(text, "KWD", styles[s], 0), values[v]);
        }
    }
    char small[8];
    struct money m = {123450, "USD"};
    assert_int_equal(money_format(&m, MONEY_STYLE_EN, small, sizeof small), ERR_TOOBIG);
    assert_string_equal(small, "");
    struct money x = {1, "XAU"};
    assert_int_equal(money_format(&x, MONEY_STYLE_EN, small, sizeof small), ERR_INVAL);
}

static void test_arithmetic(void **state)
{
    (void)state;
    struct money a = {1590, "USD"}, b = {-90, "USD"}, c = {100, "EUR"}, r = {7, "JPY"};
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(money_add(&a, &b, &r, &eb), ERR_OK);
    assert_int_equal(r.minor, 1500);
    assert_string_equal(r.currency, "USD");
    assert_int_equal(money_sub(&a, &b, &r, &eb), ERR_OK);
    assert_int_equal(r.minor, 1680);
    struct money keep = r;
    assert_int_equal(money_add(&a, &c, &r, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "currency_mismatch");
    assert_int_equal(r.minor, keep.minor);
    struct money big = {INT64_MAX, "USD"}, one = {1, "USD"}, low = {INT64_MIN, "USD"};
    assert_int_equal(money_add(&big, &one, &r, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "money_overflow");
    assert_int_equal(money_sub(&low, &one, &r, &eb), ERR_INVAL);
    assert_int_equal(money_sub(&one, &low, &r, &eb), ERR_INVAL);
    assert_int_equal(money_sub(&big, &big, &r, &eb), ERR_OK);
    assert_int_equal(r.minor, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exponents),      cmocka_unit_test(test_parse_plain),
        cmocka_unit_test(test_parse_refusals), cmocka_unit_test(test_parse_rounding),
        cmocka_unit_test(test_parse_styles),   cmocka_unit_test(test_parse_absent),
        cmocka_unit_test(test_format),         cmocka_unit_test(test_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

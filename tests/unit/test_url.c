/*
 * Unit tests for base/url: percent-encoding (unreserved kept, upper-case escapes), strict
 * decoding (bad escapes, %00, '+', overflow), and the origin parser (normalization, IPv6,
 * ports and every kind of defect).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/url.h"

static void expect_encoded(const char *in, const char *want)
{
    struct buf b = {.max = 4096};
    assert_int_equal(url_encode(&b, in), ERR_OK);
    assert_string_equal(b.len ? b.data : "", want);
    buf_free(&b);
}

static void test_encode(void **state)
{
    (void)state;
    expect_encoded("", "");
    expect_encoded("AZaz09-._~", "AZaz09-._~");
    expect_encoded("a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g");
    expect_encoded("https://x.example/cb", "https%3A%2F%2Fx.example%2Fcb");
    expect_encoded("p@ss:w%rd+", "p%40ss%3Aw%25rd%2B");
    expect_encoded("\xc3\xa9\x7f\x01", "%C3%A9%7F%01");
    struct buf small = {.max = 4};
    assert_int_not_equal(url_encode(&small, "a b c"), ERR_OK); /* the buffer's maximum holds */
    buf_free(&small);
}

static void test_encode_decode_round_trip(void **state)
{
    (void)state;
    char in[256], out[256];
    for (int i = 0; i < 255; i++)
        in[i] = (char)(i + 1);
    in[255] = '\0';
    struct buf b = {.max = 4096};
    assert_int_equal(url_encode(&b, in), ERR_OK);
    size_t n = 0;
    assert_int_equal(url_decode(b.data, b.len, URL_DECODE_NO_NUL, out, sizeof out, &n), ERR_OK);
    assert_int_equal(n, 255);
    assert_string_equal(out, in);
    buf_free(&b);
}

static void test_decode(void **state)
{
    (void)state;
    char out[16];
    size_t n = 99;
    assert_int_equal(url_decode("a%20b%2Bc+d", 11, 0, out, sizeof out, &n), ERR_OK);
    assert_string_equal(out, "a b+c+d");
    assert_int_equal(n, 7);
    assert_int_equal(url_decode("a%20b%2Bc+d", 11, URL_DECODE_PLUS, out, sizeof out, NULL), ERR_OK);
    assert_string_equal(out, "a b+c d");
    assert_int_equal(url_decode("%7e%7E", 6, 0, out, sizeof out, NULL), ERR_OK);
    assert_string_equal(out, "~~");
    /* only n bytes are read */
    assert_int_equal(url_decode("abc%zz", 3, 0, out, sizeof out, NULL), ERR_OK);
    assert_string_equal(out, "abc");
    /* An empty component of a longer text decodes to "", not to the rest of the text. */
    assert_int_equal(url_decode("=x%41", 0, 0, out, sizeof out, &n), ERR_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    assert_int_equal(url_decode("", 0, 0, out, sizeof out, &n), ERR_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
}

static void test_decode_refusals(void **state)
{
    (void)state;
    char out[8];
    const char *bad[] = {"%", "%2", "a%2", "%zz", "%2g", "%g2", "ab%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out[0] = 'x';
        out[1] = '\0';
        assert_int_equal(url_decode(bad[i], strlen(bad[i]), 0, out, sizeof out, NULL), ERR_PARSE);
        assert_string_equal(out, "");
    }
    assert_int_equal(url_decode("a%00b", 5, 0, out, sizeof out, NULL), ERR_OK);
    assert_int_equal(url_decode("a%00b", 5, URL_DECODE_NO_NUL, out, sizeof out, NULL), ERR_PARSE);
    assert_int_equal(url_decode("12345678", 8, 0, out, sizeof out, NULL), ERR_TOOBIG);
    assert_int_equal(url_decode("1234567", 7, 0, out, sizeof out, NULL), ERR_OK);
    assert_int_equal(url_decode("%41%41%41%41%41%41%41%41", 24, 0, out, sizeof out, NULL),
                     ERR_TOOBIG);
    assert_int_equal(url_decode("a", 1, 0, out, 0, NULL), ERR_TOOBIG);
}

static void expect_origin(const char *in, const char *origin, const char *host, unsigned port,
                          bool https, bool explicit_port)
{
    struct url_origin o;
    assert_int_equal(url_origin_parse(in, &o), URL_ORIGIN_OK);
    assert_string_equal(o.origin, origin);
    assert_string_equal(o.host, host);
    assert_int_equal(o.port, port);
    assert_int_equal(o.https, https);
    assert_int_equal(o.explicit_port, explicit_port);
}

static void test_origin_ok(void **state)
{
    (void)state;
    expect_origin("https://api.example.com", "https://api.example.com", "api.example.com", 443,
                  true, false);
    expect_origin("HTTPS://API.Example.COM/", "https://api.example.com", "api.example.com", 443,
                  true, false);
    expect_origin("https://a.example:443", "https://a.example", "a.example", 443, true, true);
    expect_origin("http://a.example:80", "http://a.example", "a.example", 80, false, true);
    expect_origin("http://127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1", 8080, false, true);
    expect_origin("https://shop.example.com.:8443/", "https://shop.example.com:8443",
                  "shop.example.com", 8443, true, true);
    expect_origin("https://[::1]:8443", "https://[::1]:8443", "::1", 8443, true, true);
    expect_origin("http://[2001:db8::7]", "http://[2001:db8::7]", "2001:db8::7", 80, false, false);
    expect_origin("http://localhost", "http://localhost", "localhost", 80, false, false);
}

static void test_origin_problems(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum url_origin_problem want;
    } cases[] = {
        {"", URL_ORIGIN_SCHEME},
        {"api.example.com", URL_ORIGIN_SCHEME},
        {"ftp://api.example.com", URL_ORIGIN_SCHEME},
        {"https:/api.example.com", URL_ORIGIN_SCHEME},
        {"https://", URL_ORIGIN_NO_HOST},
        {"https:///", URL_ORIGIN_NO_HOST},
        {"https://:443", URL_ORIGIN_NO_HOST},
        {"https://[::1", URL_ORIGIN_IPV6},
        {"https://[]", URL_ORIGIN_IPV6},
        {"https://[1.2]", URL_ORIGIN_IPV6},
        {"https://-bad.example.com", URL_ORIGIN_HOST_NAME},
        {"https://.bad.example.com", URL_ORIGIN_HOST_NAME},
        {"https://bad-.example-", URL_ORIGIN_HOST_NAME},
        {"https://a..b.com", URL_ORIGIN_HOST_NAME},
        {"https://a_b.example", URL_ORIGIN_EXTRA},
        {"https://api.example.com:", URL_ORIGIN_PORT},
        {"https://api.example.com:0", URL_ORIGIN_PORT},
        {"https://api.example.com:99999", URL_ORIGIN_PORT},
        {"https://api.example.com:8x", URL_ORIGIN_PORT},
        {"https://api.example.com/path", URL_ORIGIN_EXTRA},
        {"https://api.example.com//", URL_ORIGIN_EXTRA},
        {"https://api.example.com?q", URL_ORIGIN_EXTRA},
        {"https://api.example.com/?", URL_ORIGIN_EXTRA},
        {"https://api.example.com#", URL_ORIGIN_EXTRA},
        {"https://user@api.example.com", URL_ORIGIN_EXTRA},
        {"https://user:pw@api.example.com", URL_ORIGIN_EXTRA},
        {"https://a%41.example", URL_ORIGIN_EXTRA},
        {"https://a b.example", URL_ORIGIN_EXTRA},
        {"https://a\\b.example", URL_ORIGIN_EXTRA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct url_origin o;
        enum url_origin_problem got = url_origin_parse(cases[i].in, &o);
        if (got != cases[i].want)
            fail_msg("%s: problem %d, want %d", cases[i].in, (int)got, (int)cases[i].want);
    }
    char longhost[600] = "https://";
    memset(longhost + 8, 'a', 300);
    longhost[308] = '\0';
    struct url_origin o;
    assert_int_equal(url_origin_parse(longhost, &o), URL_ORIGIN_HOST_LONG);
}

/* Parsing again (the thread's memo of recent origins) gives the same answers, in any order. */
static void test_origin_again(void **state)
{
    (void)state;
    static const char *const in[] = {
        "https://api.example.com",        "https://[::1",          "HTTPS://A.Example/",
        "https://api.example.com:99999",  "http://127.0.0.1:8080", "https://a..b.com",
        "https://shop.example.com.:8443/"};
    enum { N = sizeof in / sizeof in[0] };
    struct url_origin first[N];
    enum url_origin_problem pr[N];
    for (size_t i = 0; i < N; i++)
        pr[i] = url_origin_parse(in[i], &first[i]);
    for (int round = 0; round < 3; round++) {
        for (size_t k = 0; k < N; k++) {
            size_t i = round == 1 ? N - 1 - k : (k * 3 + (size_t)round) % N;
            struct url_origin o;
            assert_int_equal(url_origin_parse(in[i], &o), pr[i]);
            assert_memory_equal(&o, &first[i], sizeof o);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode),       cmocka_unit_test(test_encode_decode_round_trip),
        cmocka_unit_test(test_decode),       cmocka_unit_test(test_decode_refusals),
        cmocka_unit_test(test_origin_ok),    cmocka_unit_test(test_origin_problems),
        cmocka_unit_test(test_origin_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

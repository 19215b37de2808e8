/*
 * Unit: the application/x-www-form-urlencoded decoder (http_req_parse_form, http_req_form):
 * '+' and %XX escapes, empty and missing values, repeated names, the field limit, and the
 * malformed escapes that are refused with ERR_PARSE and leave no field behind.
 */
#include "testsupport.h"

#include <string.h>

#include "base/limits.h"
#include "http/http.h"

static struct http_req req;
static struct errbuf eb;

static enum err parse(const char *body)
{
    arena_free(req.arena);
    memset(&req, 0, sizeof req);
    memset(&eb, 0, sizeof eb);
    req.arena = arena_new(1u << 20);
    assert_non_null(req.arena);
    return http_req_parse_form(&req, body, strlen(body), &eb);
}

static void test_fields_decode(void **state)
{
    (void)state;
    assert_int_equal(parse("csrf=abc123&stream=orders&note=a+b%2Bc%26d%3D&empty=&bare"), ERR_OK);
    assert_int_equal(req.nform, 5);
    assert_string_equal(http_req_form(&req, "csrf"), "abc123");
    assert_string_equal(http_req_form(&req, "stream"), "orders");
    assert_string_equal(http_req_form(&req, "note"), "a b+c&d=");
    assert_string_equal(http_req_form(&req, "empty"), "");
    assert_string_equal(http_req_form(&req, "bare"), "");
    assert_null(http_req_form(&req, "missing"));
    assert_null(http_req_form(&req, "CSRF")); /* names are case-sensitive */
    /* Names are decoded too; UTF-8 passes through byte for byte; lower-case hex is fine. */
    assert_int_equal(parse("na%6De=%E4%BD%a0%E5%A5%BD"), ERR_OK);
    assert_string_equal(http_req_form(&req, "name"), "\xe4\xbd\xa0\xe5\xa5\xbd");
    /* The value keeps every '=' after the first. */
    assert_int_equal(parse("k=a=b=c"), ERR_OK);
    assert_string_equal(http_req_form(&req, "k"), "a=b=c");
}

static void test_separators_and_repeats(void **state)
{
    (void)state;
    /* Empty pieces between '&' are skipped; an empty name is kept as a field. */
    assert_int_equal(parse("&&a=1&&&b=2&"), ERR_OK);
    assert_int_equal(req.nform, 2);
    assert_string_equal(http_req_form(&req, "b"), "2");
    assert_int_equal(parse("=x"), ERR_OK);
    assert_int_equal(req.nform, 1);
    assert_string_equal(http_req_form(&req, ""), "x");
    /* A repeated name: the first value wins. */
    assert_int_equal(parse("a=1&a=2"), ERR_OK);
    assert_int_equal(req.nform, 2);
    assert_string_equal(http_req_form(&req, "a"), "1");
    /* An empty body has no fields. */
    assert_int_equal(parse(""), ERR_OK);
    assert_int_equal(req.nform, 0);
    assert_null(http_req_form(&req, "a"));
}

static void test_bad_escapes_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"a=%",    "a=%4",   "a=%zz",      "a=%4g", "%=1",
                                      "a=%00b", "a%00=1", "ok=1&a=%GG", "a=100%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i]), ERR_PARSE);
        assert_string_equal(eb.code, "malformed_form");
    }
    /* The escape at the very end of the body is still read whole. */
    assert_int_equal(parse("a=%41"), ERR_OK);
    assert_string_equal(http_req_form(&req, "a"), "A");
}

static void test_field_limit(void **state)
{
    (void)state;
    char body[LIMIT_FORM_FIELDS * 8 + 16] = "";
    size_t n = 0;
    for (int i = 0; i < LIMIT_FORM_FIELDS; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%sf%d=%d", i ? "&" : "", i, i);
    assert_int_equal(parse(body), ERR_OK);
    assert_int_equal(req.nform, LIMIT_FORM_FIELDS);
    snprintf(body + n, sizeof body - n, "&one=more");
    assert_int_equal(parse(body), ERR_TOOBIG);
    assert_string_equal(eb.code, "too_many_fields");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_decode),
        cmocka_unit_test(test_separators_and_repeats),
        cmocka_unit_test(test_bad_escapes_refused),
        cmocka_unit_test(test_field_limit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    arena_free(req.arena);
    return rc;
}

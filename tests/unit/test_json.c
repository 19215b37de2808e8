/* Unit tests for base/json: strict parsing of untrusted input and the error body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"

/* Parses a NUL-terminated text expecting success; the caller json_decref()s the result. */
static json_t *parse_ok(const char *text, int depth)
{
    json_t *v = NULL;
    struct errbuf eb = {0};
    enum err e = json_parse_strict(text, strlen(text), depth, &v, &eb);
    if (e != ERR_OK)
        fail_msg("refused %s: %s %s", text, eb.code, eb.msg);
    assert_non_null(v);
    return v;
}

/* Parses len bytes expecting ERR_PARSE with the given code. */
static void parse_bad_len(const char *text, size_t len, int depth, const char *code)
{
    json_t *v = (json_t *)1;
    struct errbuf eb = {0};
    enum err e = json_parse_strict(text, len, depth, &v, &eb);
    if (e != ERR_PARSE)
        fail_msg("accepted %.*s", (int)len, text);
    assert_null(v);
    assert_string_equal(eb.code, code);
    assert_true(strlen(eb.msg) > 0);
}

static void parse_bad(const char *text, int depth, const char *code)
{
    parse_bad_len(text, strlen(text), depth, code);
}

/* Builds n nested arrays around a 1 into dst. */
static void nest(char *dst, size_t dstlen, int n)
{
    assert_true((size_t)n * 2 + 2 <= dstlen);
    size_t o = 0;
    for (int i = 0; i < n; i++)
        dst[o++] = '[';
    dst[o++] = '1';
    for (int i = 0; i < n; i++)
        dst[o++] = ']';
    dst[o] = '\0';
}

static void test_valid(void **state)
{
    (void)state;
    json_t *v = parse_ok("{\"sku\":\"A-1\",\"qty\":3,\"tags\":[\"x\",\"y\"],\"ok\":true,"
                         "\"none\":null,\"price\":9.5,\"name\":\"\\u00e9t\\u00e9\"}",
                         LIMIT_JSON_DEPTH);
    assert_true(json_is_object(v));
    assert_string_equal(json_get_string(v, "sku"), "A-1");
    assert_int_equal(json_integer_value(json_object_get(v, "qty")), 3);
    assert_int_equal(json_array_size(json_object_get(v, "tags")), 2);
    assert_string_equal(json_get_string(v, "name"), "\xc3\xa9t\xc3\xa9");
    /* json_get_string is NULL for absent and non-string members. */
    assert_null(json_get_string(v, "qty"));
    assert_null(json_get_string(v, "missing"));
    assert_null(json_get_string(v, "none"));
    json_decref(v);

    v = parse_ok("  [ ]  \n", LIMIT_JSON_DEPTH);
    assert_true(json_is_array(v));
    json_decref(v);

    /* Raw UTF-8 in strings is fine. */
    v = parse_ok("{\"city\":\"M\xc3\xbcnchen \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x93\xa6\"}",
                 LIMIT_JSON_DEPTH);
    assert_string_equal(json_get_string(v, "city"),
                        "M\xc3\xbcnchen \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x93\xa6");
    json_decref(v);
}

/* Only len bytes are read: the data need not be NUL-terminated. */
static void test_length_respected(void **state)
{
    (void)state;
    const char text[] = "{\"a\":1}garbage";
    json_t *v = NULL;
    assert_int_equal(json_parse_strict(text, 7, LIMIT_JSON_DEPTH, &v, NULL), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
    json_decref(v);
    parse_bad_len(text, sizeof text - 1, LIMIT_JSON_DEPTH, "malformed_json");
}

static void test_malformed(void **state)
{
    (void)state;
    parse_bad("{", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{\"a\":}", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{\"a\":1,}", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("[1,2", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{'a':1}", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{a:1}", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{} {}", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("{}x", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("[\"unterminated]", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("[\"bad escape \\q\"]", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("[\"raw\ncontrol\"]", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("[NaN]", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad("   ", LIMIT_JSON_DEPTH, "malformed_json");
}

/* The syntax error message says where the problem is. */
static void test_error_location(void **state)
{
    (void)state;
    json_t *v = NULL;
    struct errbuf eb = {0};
    const char *text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
    assert_int_equal(json_parse_strict(text, strlen(text), LIMIT_JSON_DEPTH, &v, &eb), ERR_PARSE);
    assert_non_null(strstr(eb.msg, "line 3"));
}

static void test_empty(void **state)
{
    (void)state;
    parse_bad("", LIMIT_JSON_DEPTH, "malformed_json");
    parse_bad_len("{}", 0, LIMIT_JSON_DEPTH, "malformed_json");
}

static void test_depth_limit(void **state)
{
    (void)state;
    char text[256];
    /* Exactly at the limit is accepted. */
    nest(text, sizeof text, LIMIT_JSON_DEPTH);
    json_decref(parse_ok(text, LIMIT_JSON_DEPTH));
    /* One level beyond is refused. */
    nest(text, sizeof text, LIMIT_JSON_DEPTH + 1);
    parse_bad(text, LIMIT_JSON_DEPTH, "json_too_deep");
    nest(text, sizeof text, 100);
    parse_bad(text, LIMIT_JSON_DEPTH, "json_too_deep");

    /* Objects and arrays both count; a small limit makes the edge easy to see. */
    json_decref(parse_ok("{\"a\":[{\"b\":1}]}", 3));
    parse_bad("{\"a\":[{\"b\":[]}]}", 3, "json_too_deep");
    /* Siblings do not add up: depth is nesting, not the number of containers. */
    json_decref(parse_ok("[[1],[2],[3],{\"x\":1}]", 2));
    parse_bad("[[[1]]]", 2, "json_too_deep");

    /* Brackets inside strings, including after escaped quotes, are not nesting. */
    json_decref(parse_ok("{\"a\":\"[[[[{{{{\"}", 1));
    json_decref(parse_ok("{\"a\":\"\\\"[[[[\\\\\",\"b\":\"]]\"}", 1));
    parse_bad("{\"a\":\"\\\\\",\"b\":[[1]]}", 2, "json_too_deep");
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    parse_bad("{\"a\":1,\"a\":2}", LIMIT_JSON_DEPTH, "duplicate_key");
    parse_bad("{\"x\":{\"k\":1,\"k\":1}}", LIMIT_JSON_DEPTH, "duplicate_key");
    parse_bad("[{\"k\":null,\"j\":0,\"k\":null}]", LIMIT_JSON_DEPTH, "duplicate_key");
    /* The same key in different objects is fine. */
    json_decref(parse_ok("[{\"k\":1},{\"k\":2}]", LIMIT_JSON_DEPTH));
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    parse_bad("[\"\xff\"]", LIMIT_JSON_DEPTH, "invalid_utf8");
    parse_bad("{\"a\":\"\xc3\"}", LIMIT_JSON_DEPTH, "invalid_utf8");         /* truncated */
    parse_bad("{\"a\":\"\xc0\xaf\"}", LIMIT_JSON_DEPTH, "invalid_utf8");     /* overlong '/' */
    parse_bad("{\"a\":\"\xed\xa0\x80\"}", LIMIT_JSON_DEPTH, "invalid_utf8"); /* surrogate */
    parse_bad("{\"\xfe\":1}", LIMIT_JSON_DEPTH, "invalid_utf8");
}

/* \u0000 is allowed inside strings (JSON_ALLOW_NUL), with the length kept. */
static void test_escaped_nul(void **state)
{
    (void)state;
    json_t *v = parse_ok("{\"a\":\"x\\u0000y\"}", LIMIT_JSON_DEPTH);
    json_t *a = json_object_get(v, "a");
    assert_int_equal(json_string_length(a), 3);
    assert_memory_equal(json_string_value(a), "x\0y", 3);
    json_decref(v);
}

static void test_error_body_shape(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(json_error_body(&b, "not_found", "No such order."), ERR_OK);
    assert_string_equal(b.data,
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"No such order.\"}}");
    buf_free(&b);

    /* Quotes, backslashes and control characters are escaped. */
    assert_int_equal(json_error_body(&b, "x", "say \"hi\"\\\n\ttab"), ERR_OK);
    assert_string_equal(b.data,
                        "{\"error\":{\"code\":\"x\",\"message\":\"say \\\"hi\\\"\\\\\\n\\ttab\"}}");

    /* The body appends; it does not overwrite. */
    struct buf c = {0};
    assert_int_equal(buf_puts(&c, "prefix:"), ERR_OK);
    assert_int_equal(json_error_body(&c, "a", "b"), ERR_OK);
    assert_string_equal(c.data, "prefix:{\"error\":{\"code\":\"a\",\"message\":\"b\"}}");

    /* It parses back with the strict parser. */
    json_t *v = parse_ok(b.data, LIMIT_JSON_DEPTH);
    json_t *err = json_object_get(v, "error");
    assert_string_equal(json_get_string(err, "code"), "x");
    assert_string_equal(json_get_string(err, "message"), "say \"hi\"\\\n\ttab");
    assert_int_equal(json_object_size(v), 1);
    assert_int_equal(json_object_size(err), 2);
    json_decref(v);
    buf_free(&b);
    buf_free(&c);
}

/* Invalid UTF-8 in the message cannot produce a body; the error is reported. */
static void test_error_body_bad_utf8(void **state)
{
    (void)state;
    /* Echoed bytes that are not UTF-8 become U+FFFD instead of failing the body (issue 18). */
    struct buf b = {0};
    assert_int_equal(json_error_body(&b, "x\xff", "bad \xff and a cut \xe5\xaf"), ERR_OK);
    assert_string_equal(b.data, "{\"error\":{\"code\":\"x\xef\xbf\xbd\",\"message\":"
                                "\"bad \xef\xbf\xbd and a cut \xef\xbf\xbd\xef\xbf\xbd\"}}");
    buf_free(&b);
}

static void test_utf8_sanitize(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain", "plain"},
        {"caf\xc3\xa9 \xe5\xaf\x86\xe7\xa0\x81 \xf0\x9f\x98\x80",
         "caf\xc3\xa9 \xe5\xaf\x86\xe7\xa0\x81 \xf0\x9f\x98\x80"},
        {"\xff", "\xef\xbf\xbd"},
        {"a\xc3", "a\xef\xbf\xbd"},                               /* cut at the end */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = json_utf8_sanitize(cases[i].in);
        assert_non_null(got);
        assert_string_equal(got, cases[i].want);
        assert_true(json_utf8_valid(got));
        assert_int_equal(json_utf8_valid(cases[i].in), strcmp(cases[i].in, cases[i].want) == 0);
        /* jansson agrees that the result is a valid JSON string. */
        json_t *s = json_string(got);
        assert_non_null(s);
        json_decref(s);
        free(got);
    }
}

static void test_dump_to_buf(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:i, s:[s, b]}", "n", 5, "l", "x", 1);
    assert_non_null(v);
    struct buf b = {0};
    assert_int_equal(json_dump_to_buf(v, &b), ERR_OK);
    assert_string_equal(b.data, "{\"n\":5,\"l\":[\"x\",true]}");
    buf_free(&b);
    /* Scalars are serialized too. */
    json_t *s = json_string("plain");
    assert_int_equal(json_dump_to_buf(s, &b), ERR_OK);
    assert_string_equal(b.data, "\"plain\"");
    json_decref(s);
    /* A buffer whose maximum is too small refuses. */
    struct buf small = {.max = 5};
    assert_int_not_equal(json_dump_to_buf(v, &small), ERR_OK);
    json_decref(v);
    buf_free(&b);
    buf_free(&small);
}

static void test_get_int(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:s}", "n", (json_int_t)-42, "digits",
                          "9007199254740993", "bad", "12x", "flag", 1, "empty", "");
    assert_non_null(o);
    assert_int_equal(json_get_int(o, "n"), -42);
    assert_int_equal(json_get_int(o, "digits"), 9007199254740993LL);
    assert_int_equal(json_get_int(o, "bad"), 0);
    assert_int_equal(json_get_int(o, "flag"), 0);
    assert_int_equal(json_get_int(o, "empty"), 0);
    assert_int_equal(json_get_int(o, "absent"), 0);
    assert_int_equal(json_get_int(NULL, "n"), 0);
    json_decref(o);
}

static void test_list_push(void **state)
{
    (void)state;
    json_t *list = json_array(), *out = NULL;
    struct errbuf eb = {0};
    json_list_push(&list, json_integer(1));
    json_list_push(&list, json_integer(2));
    assert_int_equal(json_list_out(list, &out, &eb), ERR_OK);
    assert_ptr_equal(out, list);
    assert_int_equal(json_array_size(out), 2);
    /* A NULL item (out of memory) frees the list; the end reports it once. */
    json_list_push(&list, NULL);
    assert_null(list);
    json_list_push(&list, json_integer(3));
    assert_null(list);
    out = NULL;
    assert_int_equal(json_list_out(list, &out, &eb), ERR_NOMEM);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_length_respected),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_error_location),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_escaped_nul),
        cmocka_unit_test(test_error_body_shape),
        cmocka_unit_test(test_error_body_bad_utf8),
        cmocka_unit_test(test_utf8_sanitize),
        cmocka_unit_test(test_dump_to_buf),
        cmocka_unit_test(test_list_push),
        cmocka_unit_test(test_get_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

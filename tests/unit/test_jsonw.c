/* Unit tests for base/jsonw: the direct writer gives jansson's bytes, and refuses what jansson
 * refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/jsonw.h"

/* jansson's serialization of v (stolen). */
static char *dumped(json_t *v)
{
    struct buf b = {0};
    assert_non_null(v);
    assert_int_equal(json_dump_to_buf(v, &b), ERR_OK);
    json_decref(v);
    return buf_steal(&b);
}

/* Every string a row may hold: controls, quotes, backslash, '/', DEL, 2- to 4-byte UTF-8. */
static const char *const strings[] = {
    "",
    "plain",
    "quote \" and backslash \\ and slash /",
    "\b\f\n\r\t",
    "\x01\x02\x1f\x7f end",
    "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x93\xa6",
    "\xe2\x80\xa8 line separator",
};

static void test_strings_as_jansson(void **state)
{
    (void)state;
    char all[32];
    for (int c = 1; c < 32; c++) /* every control byte */
        all[c - 1] = (char)c;
    all[31] = '\0';
    for (size_t i = 0; i <= sizeof strings / sizeof strings[0]; i++) {
        const char *s = i < sizeof strings / sizeof strings[0] ? strings[i] : all;
        struct buf b = {0};
        struct jsonw w;
        jsonw_init(&w, &b);
        jsonw_obj_begin(&w);
        jsonw_key(&w, s);
        jsonw_str(&w, s);
        jsonw_obj_end(&w);
        assert_int_equal(jsonw_finish(&w), ERR_OK);
        json_t *o = json_object();
        assert_int_equal(json_object_set_new(o, s, json_string(s)), 0);
        char *want = dumped(o);
        assert_string_equal(b.data, want);
        free(want);
        buf_free(&b);
    }
}

/* A list of rows with every kind of value, nested, against the same tree built with jansson. */
static void test_document_as_jansson(void **state)
{
    (void)state;
    static const int64_t ints[] = {0, 1, -1, 42, INT64_MAX, INT64_MIN, 1764547199};
    struct buf b = {0};
    struct jsonw w;
    jsonw_init(&w, &b);
    json_t *doc = json_object(), *list = json_array();
    jsonw_obj_begin(&w);
    jsonw_key(&w, "rows");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        jsonw_obj_begin(&w);
        jsonw_key(&w, "n");
        jsonw_int(&w, ints[i]);
        jsonw_key(&w, "s");
        jsonw_str(&w, strings[i % (sizeof strings / sizeof strings[0])]);
        jsonw_key(&w, "empty");
        jsonw_arr_begin(&w);
        jsonw_arr_end(&w);
        jsonw_key(&w, "labels");
        json_t *labels = json_pack("[s, s]", "past_due", "x");
        jsonw_value(&w, labels);
        jsonw_obj_end(&w);
        json_array_append_new(list,
                              json_pack("{s:I, s:s, s:[], s:O}", "n", (json_int_t)ints[i], "s",
                                        strings[i % (sizeof strings / sizeof strings[0])], "empty",
                                        "labels", labels));
        json_decref(labels);
    }
    jsonw_arr_end(&w);
    jsonw_key(&w, "t");
    jsonw_bool(&w, true);
    jsonw_key(&w, "f");
    jsonw_bool(&w, false);
    jsonw_key(&w, "none");
    jsonw_null(&w);
    jsonw_key(&w, "nothing");
    jsonw_str(&w, NULL);
    jsonw_key(&w, "obj");
    jsonw_obj_begin(&w);
    jsonw_obj_end(&w);
    jsonw_obj_end(&w);
    assert_int_equal(jsonw_finish(&w), ERR_OK);
    json_object_set_new(doc, "rows", list);
    json_object_set_new(doc, "t", json_true());
    json_object_set_new(doc, "f", json_false());
    json_object_set_new(doc, "none", json_null());
    json_object_set_new(doc, "nothing", json_null());
    json_object_set_new(doc, "obj", json_object());
    char *want = dumped(doc);
    assert_string_equal(b.data, want);
    free(want);
    buf_free(&b);
}

/* Canonical integer texts are copied; anything else is left to the caller. */
static void test_int_text(void **state)
{
    (void)state;
    static const char *const good[] = {"0", "7", "-7", "1764547199", "-999999999999999999"};
    static const char *const bad[] = {
        "", "-", "-0", "007", "+5", " 5", "5 ", "1e3", "1.5", "9999999999999999999", "abc"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct buf b = {0};
        struct jsonw w;
        jsonw_init(&w, &b);
        jsonw_arr_begin(&w);
        assert_true(jsonw_int_text(&w, good[i]));
        jsonw_int(&w, strtoll(good[i], NULL, 10));
        jsonw_arr_end(&w);
        assert_int_equal(jsonw_finish(&w), ERR_OK);
        char want[64];
        snprintf(want, sizeof want, "[%s,%s]", good[i], good[i]);
        assert_string_equal(b.data, want);
        buf_free(&b);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf b = {0};
        struct jsonw w;
        jsonw_init(&w, &b);
        jsonw_arr_begin(&w);
        assert_false(jsonw_int_text(&w, bad[i]));
        jsonw_arr_end(&w);
        assert_int_equal(jsonw_finish(&w), ERR_OK);
        assert_string_equal(b.data, "[]");
        buf_free(&b);
    }
}

/* What jansson cannot hold is refused, and the error sticks. */
static void test_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf b = {0};
        struct jsonw w;
        jsonw_init(&w, &b);
        jsonw_arr_begin(&w);
        jsonw_str(&w, bad[i]);
        jsonw_arr_end(&w);
        assert_int_equal(jsonw_finish(&w), ERR_PARSE);
        assert_null(json_string(bad[i])); /* jansson refuses the same strings */
        buf_free(&b);
    }
    struct buf b = {0};
    struct jsonw w;
    jsonw_init(&w, &b); /* a container left open */
    jsonw_obj_begin(&w);
    assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
    jsonw_init(&w, &b); /* a key outside an object */
    jsonw_key(&w, "k");
    assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
    jsonw_init(&w, &b); /* a key without its value */
    jsonw_obj_begin(&w);
    jsonw_key(&w, "k");
    jsonw_obj_end(&w);
    assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
    jsonw_init(&w, &b); /* two values at the top */
    jsonw_int(&w, 1);
    jsonw_int(&w, 2);
    assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
    jsonw_init(&w, &b); /* too deep */
    for (int i = 0; i <= JSONW_DEPTH_MAX; i++)
        jsonw_arr_begin(&w);
    assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
    buf_free(&b);
    struct buf small = {.max = 8}; /* the buffer's maximum */
    jsonw_init(&w, &small);
    jsonw_arr_begin(&w);
    jsonw_str(&w, "longer than eight bytes");
    jsonw_arr_end(&w);
    assert_int_equal(jsonw_finish(&w), ERR_TOOBIG);
    buf_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_as_jansson),
        cmocka_unit_test(test_document_as_jansson),
        cmocka_unit_test(test_int_text),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

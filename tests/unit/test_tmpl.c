/*
 * Unit tests for base/tmpl: slots are replaced and everything else is copied byte for byte
 * (braces, tabs, NUL-free binary text); unknown, unused, duplicate and value-less slots and
 * malformed {{ are refused with their codes; the output buffer's maximum holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/tmpl.h"

/* Renders text with slots and returns the output (static), or NULL with eb set. */
static const char *render(const char *text, const struct tmpl_slot *slots, size_t n,
                          struct errbuf *eb)
{
    static char out[512];
    struct buf b = {.max = sizeof out - 1};
    *eb = (struct errbuf){0};
    enum err e = tmpl_render(text, strlen(text), slots, n, &b, eb);
    snprintf(out, sizeof out, "%s", b.len ? b.data : "");
    buf_free(&b);
    return e == ERR_OK ? out : NULL;
}

static void test_render(void **state)
{
    (void)state;
    struct errbuf eb;
    const struct tmpl_slot s[] = {{"a", "x"}, {"b_2", "{{a}}"}, {"empty", ""}};
    assert_string_equal(render("{{a}}-{{b_2}}-{{a}}{{empty}}.", s, 3, &eb), "x-{{a}}-x.");
    assert_string_equal(render("no slots at all", NULL, 0, &eb), "no slots at all");
    assert_string_equal(render("", NULL, 0, &eb), "");
    /* Single braces, shell variables and tabs pass through untouched. */
    const struct tmpl_slot one[] = {{"site", "api.example.com"}};
    assert_string_equal(render("\n{{site}} {\n\timport x\n}\n${HOME:?x} { } }}", one, 1, &eb),
                        "\napi.example.com {\n\timport x\n}\n${HOME:?x} { } }}");
    assert_string_equal(render("{ {{site}}}", one, 1, &eb), "{ api.example.com}");
}

static void expect_refused(const char *text, const struct tmpl_slot *slots, size_t n, enum err want,
                           const char *code)
{
    struct errbuf eb;
    assert_null(render(text, slots, n, &eb));
    assert_string_equal(eb.code, code);
    struct buf b = {.max = 64};
    assert_int_equal(tmpl_render(text, strlen(text), slots, n, &b, NULL), want);
    buf_free(&b);
}

static void test_refusals(void **state)
{
    (void)state;
    const struct tmpl_slot a[] = {{"a", "x"}};
    const struct tmpl_slot ab[] = {{"a", "x"}, {"b", "y"}};
    const struct tmpl_slot dup[] = {{"a", "x"}, {"a", "y"}};
    const struct tmpl_slot null_value[] = {{"a", NULL}};
    expect_refused("{{b}}", a, 1, ERR_INVAL, "template_unknown_slot");
    expect_refused("{{a}}", ab, 2, ERR_INVAL, "template_unused_slot");
    expect_refused("{{a}}", dup, 2, ERR_INVAL, "template_duplicate_slot");
    expect_refused("{{a}}", null_value, 1, ERR_INVAL, "template_missing_value");
    expect_refused("text {{a", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{a}", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{}}", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{A}}", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{a b}}", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{ a }}", a, 1, ERR_PARSE, "template_syntax");
    expect_refused("{{", a, 1, ERR_PARSE, "template_syntax");
    char longname[80] = "{{";
    memset(longname + 2, 'n', TMPL_NAME_MAX + 1);
    memcpy(longname + 2 + TMPL_NAME_MAX + 1, "}}", 3);
    expect_refused(longname, a, 1, ERR_PARSE, "template_syntax");
}

static void test_bounds(void **state)
{
    (void)state;
    const struct tmpl_slot a[] = {{"a", "0123456789"}};
    struct buf b = {.max = 8};
    struct errbuf eb = {0};
    assert_int_equal(tmpl_render("{{a}}", 5, a, 1, &b, &eb), ERR_TOOBIG);
    buf_free(&b);
    /* Only len bytes are read: a slot past len is not seen. */
    b = (struct buf){.max = 64};
    assert_int_equal(tmpl_render("ab{{a}}", 2, NULL, 0, &b, &eb), ERR_OK);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "ab", 2);
    buf_free(&b);
    struct tmpl_slot many[TMPL_SLOTS_MAX + 1];
    for (size_t i = 0; i < TMPL_SLOTS_MAX + 1; i++)
        many[i] = (struct tmpl_slot){"a", "x"};
    b = (struct buf){.max = 64};
    assert_int_equal(tmpl_render("{{a}}", 5, many, TMPL_SLOTS_MAX + 1, &b, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "template_too_many_slots");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

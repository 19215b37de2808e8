/* Unit tests for web/html: escaping, the sticky error, NUL and invalid UTF-8, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "web/html.h"

/* Writes s with html_txt into a fresh buffer and checks the result. */
static void expect_txt(const char *s, const char *want)
{
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_txt(&h, s);
    assert_int_equal(html_err(&h), ERR_OK);
    assert_string_equal(b.data != NULL ? b.data : "", want);
    buf_free(&b);
}

static void test_escapes_the_five(void **state)
{
    (void)state;
    expect_txt("<script>alert(\"x\" & 'y')</script>",
               "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
    expect_txt("plain text", "plain text");
    expect_txt("", "");
    expect_txt("&amp;", "&amp;amp;"); /* entities in data are data */
}

static void test_attr_keeps_the_value_closed(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_raw(&h, "<input value=\"");
    html_attr(&h, "\" onfocus=\"alert(1)");
    html_raw(&h, "\">");
    assert_string_equal(b.data, "<input value=\"&quot; onfocus=&quot;alert(1)\">");
    buf_free(&b);
}

static void test_raw_is_unescaped(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_raw(&h, "<b>");
    html_txt(&h, "<b>");
    html_raw(&h, "</b>");
    assert_string_equal(b.data, "<b>&lt;b&gt;</b>");
    html_txt(&h, NULL); /* NULL writes nothing */
    html_attr(&h, NULL);
    html_raw(&h, NULL);
    assert_string_equal(b.data, "<b>&lt;b&gt;</b>");
    buf_free(&b);
}

static void test_utf8_kept_invalid_replaced(void **state)
{
    (void)state;
    expect_txt("订单 / Orders · café ✓ 😀", "订单 / Orders · café ✓ 😀");
    expect_txt("a\xFF"
               "b",
               "a\xEF\xBF\xBD"
               "b");                      /* not UTF-8 at all */
    expect_txt("a\xC3", "a\xEF\xBF\xBD"); /* truncated sequence */
    expect_txt("\xC0\xBC"
               "x",
               "\xEF\xBF\xBD\xEF\xBF\xBD"
               "x");                                                    /* overlong '<' */
    expect_txt("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* a surrogate */
    expect_txt("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    expect_txt("\xE2\x82<", "\xEF\xBF\xBD\xEF\xBF\xBD&lt;"); /* a cut sequence before '<' */
}

static void test_nul_is_replaced(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_txtn(&h, "a\0<b", 4);
    assert_int_equal(html_err(&h), ERR_OK);
    assert_int_equal(b.len, strlen("a\xEF\xBF\xBD&lt;b"));
    assert_string_equal(b.data, "a\xEF\xBF\xBD&lt;b");
    buf_reset(&b);
    html_txtn(&h, "abcdef", 3); /* only n bytes */
    assert_string_equal(b.data, "abc");
    buf_free(&b);
}

static void test_sticky_error(void **state)
{
    (void)state;
    struct buf b = {.max = 8};
    struct html h;
    html_init(&h, &b);
    html_raw(&h, "12345");
    assert_int_equal(html_err(&h), ERR_OK);
    html_txt(&h, "<<<<"); /* 16 bytes escaped: past the maximum */
    assert_int_equal(html_err(&h), ERR_TOOBIG);
    html_raw(&h, "6"); /* fits, but is skipped: the first error sticks */
    html_int(&h, 7);
    html_txtf(&h, "%d", 8);
    html_url(&h, "9");
    assert_int_equal(html_err(&h), ERR_TOOBIG);
    assert_true(b.len <= 8);
    assert_null(strchr(b.data, '6'));
    assert_null(strchr(b.data, '7'));
    buf_free(&b);
}

static void test_txtf_escapes_its_output(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_txtf(&h, "%s · %lld", "<i>", (long long)-42);
    assert_string_equal(b.data, "&lt;i&gt; · -42");
    buf_reset(&b);
    char big[1000];
    memset(big, '<', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    html_txtf(&h, "[%s]", big); /* longer than the stack buffer */
    assert_int_equal(html_err(&h), ERR_OK);
    assert_int_equal(b.len, 2 + 4 * (sizeof big - 1));
    assert_int_equal(b.data[0], '[');
    assert_memory_equal(b.data + 1, "&lt;", 4);
    buf_free(&b);
}

static void test_int_and_url(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_int(&h, INT64_MIN);
    html_raw(&h, " ");
    html_url(&h, "PO-1 a/b?c=d&e\"<'~._");
    assert_string_equal(b.data, "-9223372036854775808 PO-1%20a%2Fb%3Fc%3Dd%26e%22%3C%27~._");
    buf_free(&b);
}

static void test_tpl_escapes_every_slot(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_tpl(&h, "<li class=\"{}\"><code>{}</code>: {}</li>", "a\"b", "<o>", NULL);
    assert_int_equal(html_err(&h), ERR_OK);
    assert_string_equal(b.data, "<li class=\"a&quot;b\"><code>&lt;o&gt;</code>: </li>");
    buf_reset(&b);
    html_tpl(&h, "<p>{}", "{}"); /* a slot in the data is data */
    assert_string_equal(b.data, "<p>{}");
    buf_free(&b);
}

static void test_tpl_count_mismatch_is_an_error(void **state)
{
    (void)state;
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_tpl(&h, "<p>{}</p>", "one", "two");
    assert_int_equal(html_err(&h), ERR_INTERNAL);
    html_init(&h, &b);
    html_tpl(&h, "<p>{} {}</p>", "one");
    assert_int_equal(html_err(&h), ERR_INTERNAL);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_the_five),
        cmocka_unit_test(test_attr_keeps_the_value_closed),
        cmocka_unit_test(test_raw_is_unescaped),
        cmocka_unit_test(test_utf8_kept_invalid_replaced),
        cmocka_unit_test(test_nul_is_replaced),
        cmocka_unit_test(test_sticky_error),
        cmocka_unit_test(test_txtf_escapes_its_output),
        cmocka_unit_test(test_int_and_url),
        cmocka_unit_test(test_tpl_escapes_every_slot),
        cmocka_unit_test(test_tpl_count_mismatch_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

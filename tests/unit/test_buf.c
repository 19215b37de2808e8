/* Unit tests for base/buf: growth, the maximum, steal, printf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void test_append_grows(void **state)
{
    (void)state;
    struct buf b = {0};
    for (int i = 0; i < 10000; i++) {
        char c = (char)('a' + i % 26);
        assert_int_equal(buf_append(&b, &c, 1), ERR_OK);
        assert_int_equal(b.len, (size_t)i + 1);
        assert_true(b.cap > b.len);
        assert_int_equal(b.data[b.len], '\0');
    }
    for (int i = 0; i < 10000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    assert_int_equal(strlen(b.data), 10000);
    buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

/* Appending nothing still yields a valid empty C string. */
static void test_empty_append(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(buf_append(&b, "", 0), ERR_OK);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_puts(&b, ""), ERR_OK);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_puts_binary_and_reset(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(buf_puts(&b, "abc"), ERR_OK);
    assert_int_equal(buf_append(&b, "\0z", 2), ERR_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "abc\0z", 6);
    size_t cap = b.cap;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(b.cap, cap);
    assert_int_equal(buf_puts(&b, "again"), ERR_OK);
    assert_string_equal(b.data, "again");
    buf_free(&b);
    buf_free(NULL);
}

/* Exceeding the maximum is refused and leaves length and content as they were. */
static void test_max_refusal_leaves_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b = {.max = 10};
    assert_int_equal(buf_puts(&b, "12345678"), ERR_OK);
    assert_int_equal(buf_puts(&b, "abc"), ERR_TOOBIG);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(buf_printf(&b, "%d", 123), ERR_TOOBIG);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    /* Exactly reaching the maximum is allowed. */
    assert_int_equal(buf_puts(&b, "9A"), ERR_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "123456789A");
    assert_int_equal(buf_append(&b, "x", 1), ERR_TOOBIG);
    assert_int_equal(buf_append(&b, "", 0), ERR_OK);
    assert_string_equal(b.data, "123456789A");
    /* A huge length must not wrap around the size arithmetic. */
    assert_int_equal(buf_append(&b, "x", SIZE_MAX), ERR_TOOBIG);
    assert_int_equal(b.len, 10);
    /* buf_free keeps the maximum. */
    buf_free(&b);
    assert_int_equal(b.max, 10);
    assert_int_equal(buf_puts(&b, "0123456789X"), ERR_TOOBIG);
    assert_null(b.data);
    buf_free(&b);
}

/* With max 0 the default of 16 MiB applies. */
static void test_default_max(void **state)
{
    (void)state;
    const size_t mib16 = 16u * 1024u * 1024u;
    char *big = malloc(mib16);
    assert_non_null(big);
    memset(big, 'z', mib16);
    struct buf b = {0};
    assert_int_equal(buf_append(&b, big, mib16), ERR_OK);
    assert_int_equal(b.len, mib16);
    assert_int_equal(buf_append(&b, "y", 1), ERR_TOOBIG);
    assert_int_equal(b.len, mib16);
    assert_int_equal(b.data[mib16 - 1], 'z');
    assert_int_equal(b.data[mib16], '\0');
    buf_free(&b);
    free(big);
}

static void test_printf(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(buf_printf(&b, "%s=%d;", "a", 1), ERR_OK);
    assert_int_equal(buf_printf(&b, "%s=%u;", "b", 22u), ERR_OK);
    assert_string_equal(b.data, "a=1;b=22;");
    assert_int_equal(b.len, 9);
    /* Output longer than the current capacity forces growth mid-printf. */
    char longer[1500];
    memset(longer, 'L', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(buf_printf(&b, "[%s]", longer), ERR_OK);
    assert_int_equal(b.len, 9 + 1 + sizeof longer - 1 + 1);
    assert_memory_equal(b.data, "a=1;b=22;[LLL", 13);
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], '\0');
    /* Empty output on an empty buffer still allocates a C string. */
    struct buf e = {0};
    assert_int_equal(buf_printf(&e, "%s", ""), ERR_OK);
    assert_non_null(e.data);
    assert_string_equal(e.data, "");
    buf_free(&e);
    buf_free(&b);
}

static void test_steal(void **state)
{
    (void)state;
    struct buf b = {.max = 100};
    assert_int_equal(buf_puts(&b, "owned by caller"), ERR_OK);
    char *s = buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "owned by caller");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 100);
    /* The buffer is reusable and no longer aliases the stolen string. */
    assert_int_equal(buf_puts(&b, "new"), ERR_OK);
    assert_string_equal(s, "owned by caller");
    assert_string_equal(b.data, "new");
    free(s);
    buf_free(&b);

    /* Stealing from a never-used buffer gives an empty, freeable string, not NULL. */
    struct buf empty = {0};
    char *e = buf_steal(&empty);
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_grows),
        cmocka_unit_test(test_empty_append),
        cmocka_unit_test(test_puts_binary_and_reset),
        cmocka_unit_test(test_max_refusal_leaves_buffer_unchanged),
        cmocka_unit_test(test_default_max),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_steal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

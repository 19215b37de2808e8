/* Unit tests for base/arena: alignment, zeroing, the ceiling, growth across blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/arena.h"

static void test_alignment_and_zeroing(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024 * 1024);
    assert_non_null(a);
    static const size_t sizes[] = {1, 3, 7, 15, 16, 17, 31, 33, 100, 255, 1000, 5000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = arena_alloc(a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (size_t j = 0; j < sizes[i]; j++)
            assert_int_equal(p[j], 0);
        /* Dirty the memory so the next allocation's zeroing is really tested. */
        memset(p, 0xAB, sizes[i]);
    }
    arena_free(a);
}

/* Sizes are rounded up to the alignment, and arena_used counts what was handed out. */
static void test_used_counts_rounded_sizes(void **state)
{
    (void)state;
    struct arena *a = arena_new(1024 * 1024);
    assert_non_null(a);
    assert_int_equal(arena_used(a), 0);
    assert_non_null(arena_alloc(a, 1));
    assert_int_equal(arena_used(a), 16);
    assert_non_null(arena_alloc(a, 16));
    assert_int_equal(arena_used(a), 32);
    assert_non_null(arena_alloc(a, 17));
    assert_int_equal(arena_used(a), 64);
    /* A zero-byte request still yields a distinct, valid pointer. */
    void *z1 = arena_alloc(a, 0);
    void *z2 = arena_alloc(a, 0);
    assert_non_null(z1);
    assert_non_null(z2);
    assert_ptr_not_equal(z1, z2);
    assert_int_equal(arena_used(NULL), 0);
    arena_free(a);
}

static void test_ceiling_refuses(void **state)
{
    (void)state;
    struct arena *a = arena_new(100);
    assert_non_null(a);
    assert_null(arena_alloc(a, 101));
    assert_non_null(arena_alloc(a, 64));
    /* 64 more bytes would make 128, over the ceiling of 100. */
    assert_null(arena_alloc(a, 64));
    assert_int_equal(arena_used(a), 64);
    /* A smaller request that fits under the ceiling still succeeds. */
    assert_non_null(arena_alloc(a, 32));
    assert_null(arena_alloc(a, 16));
    assert_int_equal(arena_used(a), 96);
    arena_free(a);
}

/* Sizes near SIZE_MAX must be refused, not wrapped around to a tiny allocation. */
static void test_huge_sizes_refused(void **state)
{
    (void)state;
    struct arena *a = arena_new(SIZE_MAX);
    assert_non_null(a);
    assert_null(arena_alloc(a, SIZE_MAX));
    assert_null(arena_alloc(a, SIZE_MAX - 1));
    assert_null(arena_alloc(a, SIZE_MAX - 15));
    assert_null(arena_strndup(a, "x", SIZE_MAX));
    assert_null(arena_strndup(a, "x", SIZE_MAX - 1));
    /* The arena is still usable afterwards. */
    char *s = arena_strdup(a, "still fine");
    assert_non_null(s);
    assert_string_equal(s, "still fine");
    arena_free(a);
}

/* Many small allocations spanning many blocks never overlap. */
static void test_many_allocations_across_blocks(void **state)
{
    (void)state;
    enum { N = 5000, SZ = 40 };
    struct arena *a = arena_new(4 * 1024 * 1024);
    assert_non_null(a);
    static unsigned char *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(a, SZ);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], (int)(i & 0xff), SZ);
    }
    /* Every block must still hold its own pattern. */
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < SZ; j++)
            assert_int_equal(ptrs[i][j], i & 0xff);
    }
    assert_int_equal(arena_used(a), (size_t)N * 48);
    /* One allocation larger than any block so far. */
    unsigned char *big = arena_alloc(a, 300 * 1024);
    assert_non_null(big);
    memset(big, 0x5a, 300 * 1024);
    assert_int_equal(ptrs[N - 1][0], (N - 1) & 0xff);
    arena_free(a);
}

static void test_strdup_strndup(void **state)
{
    (void)state;
    struct arena *a = arena_new(4096);
    assert_non_null(a);
    char src[] = "hello, world";
    char *s = arena_strdup(a, src);
    assert_non_null(s);
    assert_ptr_not_equal(s, src);
    assert_string_equal(s, "hello, world");
    src[0] = 'J';
    assert_string_equal(s, "hello, world");

    char *n = arena_strndup(a, "abcdef", 3);
    assert_string_equal(n, "abc");
    char *e = arena_strndup(a, "abc", 0);
    assert_string_equal(e, "");
    /* strndup copies exactly n bytes, even past an embedded NUL. */
    char *bin = arena_strndup(a, "a\0b", 3);
    assert_non_null(bin);
    assert_memory_equal(bin, "a\0b", 4);

    assert_null(arena_strdup(a, NULL));
    assert_null(arena_strndup(a, NULL, 4));
    arena_free(a);
}

static void test_printf(void **state)
{
    (void)state;
    struct arena *a = arena_new(64 * 1024);
    assert_non_null(a);
    char *s = arena_printf(a, "%s-%d-%05.1f", "order", 42, 3.14159);
    assert_string_equal(s, "order-42-003.1");
    char *empty = arena_printf(a, "%s", "");
    assert_string_equal(empty, "");
    char longer[3000];
    memset(longer, 'q', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    char *l = arena_printf(a, "<%s>", longer);
    assert_non_null(l);
    assert_int_equal(strlen(l), sizeof longer + 1);
    assert_int_equal(l[0], '<');
    assert_int_equal(l[sizeof longer], '>');
    arena_free(a);
}

/* printf and strdup fail cleanly at the ceiling. */
static void test_string_helpers_at_ceiling(void **state)
{
    (void)state;
    struct arena *a = arena_new(32);
    assert_non_null(a);
    assert_null(arena_printf(a, "%040d", 1));
    assert_null(arena_strdup(a, "0123456789012345678901234567890123456789"));
    assert_string_equal(arena_printf(a, "%d", 12345), "12345");
    arena_free(a);
}

static void test_free_null(void **state)
{
    (void)state;
    arena_free(NULL);
    assert_null(arena_alloc(NULL, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_and_zeroing),
        cmocka_unit_test(test_used_counts_rounded_sizes),
        cmocka_unit_test(test_ceiling_refuses),
        cmocka_unit_test(test_huge_sizes_refused),
        cmocka_unit_test(test_many_allocations_across_blocks),
        cmocka_unit_test(test_strdup_strndup),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_string_helpers_at_ceiling),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for base/clock: the ISO 8601 timestamp and the monotonic clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

/* Checks the shape YYYY-MM-DDTHH:MM:SS.mmmZ. */
static void assert_iso_shape(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    assert_int_equal(strlen(s), sizeof shape - 1);
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == 'd')
            assert_true(isdigit((unsigned char)s[i]));
        else
            assert_int_equal(s[i], shape[i]);
    }
}

static void test_iso_shape(void **state)
{
    (void)state;
    char buf[CLOCK_ISO_LEN];
    memset(buf, 'x', sizeof buf);
    clock_now_iso(buf);
    assert_iso_shape(buf);
}

/* The timestamp is the current time in UTC, not local time. */
static void test_iso_is_utc_now(void **state)
{
    (void)state;
    /* time() may use a coarser clock, so bracket with the same clock clock_now_iso reads. */
    struct timespec before, after;
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &before), 0);
    char buf[CLOCK_ISO_LEN];
    clock_now_iso(buf);
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &after), 0);

    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm);
    assert_non_null(end);
    assert_int_equal(*end, '.');
    time_t t = timegm(&tm);
    assert_true(t >= before.tv_sec);
    assert_true(t <= after.tv_sec);
    /* The milliseconds are those of the same instant. */
    long ms = (end[1] - '0') * 100 + (end[2] - '0') * 10 + (end[3] - '0');
    if (before.tv_sec == after.tv_sec) {
        assert_true(ms >= before.tv_nsec / 1000000L);
        assert_true(ms <= after.tv_nsec / 1000000L);
    }
    assert_true(tm.tm_mon >= 0 && tm.tm_mon <= 11);
    assert_true(tm.tm_mday >= 1 && tm.tm_mday <= 31);
}

static void test_mono_advances(void **state)
{
    (void)state;
    uint64_t a = clock_mono_ns();
    assert_true(a > 0);
    uint64_t prev = a;
    for (int i = 0; i < 1000; i++) {
        uint64_t now = clock_mono_ns();
        assert_true(now >= prev);
        prev = now;
    }
    /* A sleep of 2 ms is reflected (at least) in the difference. */
    struct timespec ts = {0, 2000000};
    assert_int_equal(nanosleep(&ts, NULL), 0);
    uint64_t b = clock_mono_ns();
    assert_true(b - a >= 2000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_shape),
        cmocka_unit_test(test_iso_is_utc_now),
        cmocka_unit_test(test_mono_advances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit: the request budget shared through the database (src/sync/budget.c), on SQLite and
 * PostgreSQL. Slots come one interval apart whoever asks; an idle budget grants at once; app
 * keys are independent; the interval carries the documented headroom.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/limits.h"
#include "store/db.h"
#include "store/migrate.h"
#include "sync/sync.h"

#define T0 INT64_C(1800000000000000) /* an arbitrary wall time in microseconds */

static struct db *db;

static int setup(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    struct errbuf eb = {0};
    ts_fresh_db_url("syncbudget", url, sizeof url);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int64_t reserve(struct db_conn *c, const char *app, uint32_t rate, int64_t now)
{
    struct errbuf eb = {0};
    int64_t wait = -1;
    assert_int_equal(sync_budget_reserve(c, app, rate, now, &wait, &eb), ERR_OK);
    return wait;
}

static void test_slots_are_spaced(void **state)
{
    (void)state;
    /* 20/s less 2 %: 1e6 / 19.6 = 51020.4 µs, rounded up. */
    const int64_t step = 51021;
    struct db_conn *a = db_acquire(db), *b = db_acquire(db);
    assert_int_equal(reserve(a, "app-one", 20, T0), 0);
    /* Two "processes" asking at the same moment queue one interval apart. */
    assert_int_equal(reserve(b, "app-one", 20, T0), step);
    assert_int_equal(reserve(a, "app-one", 20, T0), 2 * step);
    /* Another app key has its own budget. */
    assert_int_equal(reserve(b, "app-two", 20, T0), 0);
    /* After an idle second the budget grants at once again, without a burst. */
    assert_int_equal(reserve(a, "app-one", 20, T0 + 1000000), 0);
    assert_int_equal(reserve(b, "app-one", 20, T0 + 1000000), step);
    /* Within any second at most 20 slots begin. */
    int granted = 0;
    for (int i = 0; i < 40; i++)
        granted += reserve(a, "app-three", 20, T0) < 1000000;
    assert_int_equal(granted, 20);
    db_release(a);
    db_release(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_are_spaced),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

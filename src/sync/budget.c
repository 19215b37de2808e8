/*
 * The request budget per app key shared by every process on the database (product.md §5,
 * temu-open-platform.md §4.3): Temu allows 20 requests per second per app, whichever process
 * sends them. One row per app key holds the theoretical arrival time (TAT) of the next request
 * in wall-clock microseconds; each request moves it by one interval in ONE atomic UPDATE, so
 * any number of processes on SQLite or PostgreSQL draw from one queue of slots spaced exactly
 * one interval apart (GCRA with a burst of one). The interval carries a small headroom so that
 * send delays of a few milliseconds never put two slots into one of the platform's seconds.
 * The client's own per-process limiter stays as a second line. The UPDATE is committed without
 * waiting for the disk (db_query_lazy): every process sees it at once and a process crash
 * never loses it; only a power failure or OS crash can, and the TAT runs ahead of the clock by
 * no more than the queued waits, so after the reboot that follows it has already passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/limits.h"
#include "base/log.h"
#include "sync/sync.h"

#define BUDGET_US_PER_S 1000000

/* One slot's length in microseconds for rate requests per second, with the headroom. */
static int64_t budget_interval_us(uint32_t rate)
{
    if (rate < 1)
        rate = 1;
    return ((int64_t)BUDGET_US_PER_S * 100 +
            (int64_t)rate * (100 - LIMIT_SYNC_BUDGET_HEADROOM_PCT) - 1) /
           ((int64_t)rate * (100 - LIMIT_SYNC_BUDGET_HEADROOM_PCT));
}

enum err sync_budget_reserve(struct db_conn *c, const char *app_key, uint32_t rate, int64_t now_us,
                             int64_t *wait_us, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    int64_t interval = budget_interval_us(rate), tat = 0;
    enum err e = ERR_OK;
    *wait_us = 0;
    struct db_param p[] = {DB_P_TEXT(app_key), DB_P_INT(now_us), DB_P_INT(interval)};
    /* At most two rounds: the first may find no row yet and create it. */
    for (int round = 0; round < 2; round++) {
        e = db_query_lazy(
            c,
            "UPDATE temu_budget SET tat_us = CASE WHEN tat_us > $2 THEN tat_us ELSE $2 "
            "END + $3 WHERE app_key = $1 RETURNING tat_us",
            p, 3, &rows, eb);
        if (e != ERR_OK)
            goto out;
        if (db_rows_count(rows) == 1)
            break;
        db_rows_free(rows);
        rows = NULL;
        struct db_param ip[] = {DB_P_TEXT(app_key), DB_P_INT(0)};
        e = db_exec(c,
                    "INSERT INTO temu_budget (app_key, tat_us) VALUES ($1, $2) ON CONFLICT "
                    "(app_key) DO NOTHING",
                    ip, 2, NULL, eb);
        if (e != ERR_OK)
            goto out;
    }
    if (db_rows_count(rows) != 1 || db_rows_int(rows, 0, 0, &tat) != ERR_OK) {
        e = err_set(eb, ERR_DB, NULL, "the request budget row of the app is missing");
        goto out;
    }
    /* Our slot starts one interval before the new TAT. */
    *wait_us = tat - interval > now_us ? tat - interval - now_us : 0;
out:
    db_rows_free(rows);
    return e;
}

void sync_budget_acquire(void *ctx)
{
    const struct sync_budget *b = ctx;
    struct timespec ts;
    struct errbuf eb = {0};
    int64_t wait_us = 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now_us = (int64_t)ts.tv_sec * BUDGET_US_PER_S + ts.tv_nsec / 1000;
    struct db_conn *c = db_acquire(b->db);
    enum err e = sync_budget_reserve(c, b->app_key, b->rate, now_us, &wait_us, &eb);
    db_release(c);
    if (e != ERR_OK) {
        log_kv(LOG_WARN, "sync.budget_failed", "reason", errbuf_message(&eb, e), NULL);
        return;
    }
    if (wait_us > (int64_t)LIMIT_SYNC_BUDGET_WAIT_MAX_MS * 1000)
        wait_us = (int64_t)LIMIT_SYNC_BUDGET_WAIT_MAX_MS * 1000;
    if (wait_us > 0) {
        struct timespec d = {(time_t)(wait_us / BUDGET_US_PER_S),
                             (long)(wait_us % BUDGET_US_PER_S) * 1000L};
        for (int i = 0; i < 100 && nanosleep(&d, &d) != 0; i++) {
        }
    }
}

/*
 * The settlement worker: one thread of `aicos serve` and `aicos worker` that keeps two feeds
 * fresh, like the sync scheduler keeps the streams:
 *  - the payout provider's import, payout_sync_airwallex(), every
 *    AICOS_PAYOUT_SYNC_INTERVAL_S seconds (the first run a few seconds after the start) while
 *    a credential exists;
 *  - the expected-amounts stream of every active connection (settle_amounts_stream_run():
 *    temu.order.amount.v2.query for new orders and, once a day, for orders not yet settled),
 *    due AICOS_SETTLE_AMOUNTS_INTERVAL_S after its last run by any process (the state row).
 * Several processes may run it: the leases let one of them work at a time and the others skip
 * that turn.
 */
#include "settlement/settle_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "connect/connect.h"
#include "settlement/expected.h"

#define SETTLE_WORKER_FIRST_S 5
#define SETTLE_WORKER_TICK_S  5   /* how often the thread looks for due work */
#define SETTLE_WORKER_CONNS   200 /* active connections looked at per tick */

struct settle_worker {
    struct connect_env env;
    struct payout_sync_opts opts;
    int64_t payout_interval_s, amounts_interval_s, payout_next;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void settle_worker_payout(struct settle_worker *w)
{
    struct errbuf eb = {{0}, {0}};
    bool present = false;
    if (payout_credential_present(w->env.db, &present, &eb) != ERR_OK || !present)
        return;
    struct payout_sync_result res;
    w->opts.now = 0;
    enum err e = payout_sync_airwallex(w->env.db, w->env.vault, &w->opts, &res, &eb);
    char stored[24], fetched[24];
    snprintf(stored, sizeof stored, "%lld", (long long)res.stored);
    snprintf(fetched, sizeof fetched, "%lld", (long long)res.fetched);
    if (e == ERR_OK || e == ERR_CONFLICT)
        log_kv(LOG_INFO, "payout.sync", "provider", PAYOUT_PROVIDER, "fetched", fetched, "stored",
               stored, "outcome", e == ERR_OK ? "ok" : "busy", NULL);
    else
        log_kv(LOG_WARN, "payout.sync_failed", "provider", PAYOUT_PROVIDER, "error",
               errbuf_message(&eb, e), NULL);
}

/* The expected-amounts stream of one connection when it is due. */
static void settle_worker_amounts_one(struct settle_worker *w, const char *conn, int64_t now)
{
    struct errbuf eb = {{0}, {0}};
    bool due = false;
    if (settle_amounts_due(w->env.db, conn, w->amounts_interval_s, now, &due, &eb) != ERR_OK ||
        !due)
        return;
    struct settle_amounts_result r;
    enum err e = settle_amounts_stream_run(&w->env, conn, now, &r, &eb);
    char asked[24], stored[24], moved[24], failed[24];
    snprintf(asked, sizeof asked, "%lld", (long long)r.asked);
    snprintf(stored, sizeof stored, "%lld", (long long)r.stored);
    snprintf(moved, sizeof moved, "%lld", (long long)r.moved);
    snprintf(failed, sizeof failed, "%lld", (long long)r.failed);
    if (e == ERR_OK)
        log_kv(LOG_INFO, "settlement.amounts", "connection", conn, "asked", asked, "stored", stored,
               "moved", moved, "failed", failed, NULL);
    else if (e != ERR_CONFLICT)
        log_kv(LOG_WARN, "settlement.amounts_failed", "connection", conn, "error",
               errbuf_message(&eb, e), NULL);
}

static void settle_worker_amounts(struct settle_worker *w)
{
    struct db_rows *rows = NULL;
    struct errbuf eb = {{0}, {0}};
    struct db_param p[] = {DB_P_INT(SETTLE_WORKER_CONNS)};
    enum err e = db_pool_query(w->env.db,
                               "SELECT id FROM temu_connections WHERE status = 'active' ORDER BY "
                               "id LIMIT $1",
                               p, 1, &rows, &eb);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "settlement.amounts_failed", "error", errbuf_message(&eb, e), NULL);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
        settle_worker_amounts_one(w, db_rows_get(rows, i, 0), (int64_t)time(NULL));
    }
    db_rows_free(rows);
}

static void settle_worker_turn(struct settle_worker *w)
{
    int64_t now = (int64_t)time(NULL);
    if (w->payout_interval_s > 0 && now >= w->payout_next) {
        settle_worker_payout(w);
        w->payout_next = (int64_t)time(NULL) + w->payout_interval_s;
    }
    if (w->amounts_interval_s > 0)
        settle_worker_amounts(w);
}

static void *settle_worker_main(void *arg)
{
    struct settle_worker *w = arg;
    int64_t wait_s = SETTLE_WORKER_FIRST_S;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)wait_s;
        while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) == 0) {
        }
        if (w->stop)
            break;
        pthread_mutex_unlock(&w->lock);
        settle_worker_turn(w);
        pthread_mutex_lock(&w->lock);
        wait_s = SETTLE_WORKER_TICK_S;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

enum err settle_worker_start(struct db *db, struct vault *v, const struct config *cfg,
                             struct settle_worker **out, struct errbuf *eb)
{
    *out = NULL;
    if ((cfg->payout_sync_interval_s <= 0 && cfg->settle_amounts_interval_s <= 0) || v == NULL)
        return ERR_OK;
    struct settle_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory",
                       "Out of memory starting the settlement worker.");
    w->env = (struct connect_env){.cfg = cfg, .db = db, .vault = v};
    w->payout_interval_s = cfg->payout_sync_interval_s;
    w->amounts_interval_s = cfg->settle_amounts_interval_s;
    payout_sync_opts_from_config(&w->opts, cfg);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, settle_worker_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return err_set(eb, ERR_INTERNAL, "thread", "Cannot start the settlement worker thread.");
    }
    *out = w;
    return ERR_OK;
}

void settle_worker_stop(struct settle_worker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

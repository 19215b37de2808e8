/*
 * The payout worker: a thread of `aicos serve` and `aicos worker` that runs
 * payout_sync_airwallex() every AICOS_PAYOUT_SYNC_INTERVAL_S seconds (the first run a few
 * seconds after the start) while a credential exists. Several processes may run it: the sync
 * lease lets one of them work at a time and the others skip that turn.
 */
#include "settlement/payout_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"

#define PAYOUT_WORKER_FIRST_S 5

struct payout_worker {
    struct db *db;
    struct vault *vault;
    struct payout_sync_opts opts;
    int64_t interval_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void payout_worker_turn(struct payout_worker *w)
{
    struct errbuf eb = {{0}, {0}};
    bool present = false;
    if (payout_credential_present(w->db, &present, &eb) != ERR_OK || !present)
        return;
    struct payout_sync_result res;
    w->opts.now = 0;
    enum err e = payout_sync_airwallex(w->db, w->vault, &w->opts, &res, &eb);
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

static void *payout_worker_main(void *arg)
{
    struct payout_worker *w = arg;
    int64_t wait_s = PAYOUT_WORKER_FIRST_S;
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
        payout_worker_turn(w);
        pthread_mutex_lock(&w->lock);
        wait_s = w->interval_s;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

enum err payout_worker_start(struct db *db, struct vault *v, const struct config *cfg,
                             struct payout_worker **out, struct errbuf *eb)
{
    *out = NULL;
    if (cfg->payout_sync_interval_s <= 0 || v == NULL)
        return ERR_OK;
    struct payout_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory starting the payout worker.");
    w->db = db;
    w->vault = v;
    w->interval_s = cfg->payout_sync_interval_s;
    payout_sync_opts_from_config(&w->opts, cfg);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, payout_worker_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return err_set(eb, ERR_INTERNAL, "thread", "Cannot start the payout worker thread.");
    }
    *out = w;
    return ERR_OK;
}

void payout_worker_stop(struct payout_worker *w)
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

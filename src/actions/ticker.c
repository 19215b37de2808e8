/*
 * The worker's timer: a thread that runs a full pass one tick after start, then a window pass
 * every tick
 * (the orders whose ship-by moments were crossed since the previous pass, snoozes that ended,
 * active items, integration health) and a full pass every ACTIONS_FULL_EVERY_S. Several
 * workers may run it on one database: the unique item index keeps the items single; a pass
 * that loses a write race to another worker fails with a database error and is logged, the
 * next pass repeats it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "actions/ticker.h"
#include "base/log.h"

struct actions_ticker {
    struct db *db;
    int64_t tick_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    actions_tick_fn after;
    void *after_ctx;
};

static void ticker_pass(struct actions_ticker *t, bool full, int64_t since, int64_t now)
{
    struct errbuf eb = {{0}, {0}};
    struct actions_stats st = {0};
    enum err e = full ? actions_eval_full(t->db, NULL, now, &st, &eb)
                      : actions_eval_window(t->db, since, now, &st, &eb);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "actions.pass_failed", "kind", full ? "full" : "window", "error",
               errbuf_message(&eb, e), NULL);
    else if (st.opened + st.reopened + st.resolved > 0)
        log_kv(LOG_INFO, "actions.pass", "kind", full ? "full" : "window", NULL);
    if (t->after != NULL)
        t->after(t->after_ctx, t->db, now);
}

static void *ticker_main(void *arg)
{
    struct actions_ticker *t = arg;
    /* The first pass is a full one, one tick after the start: a process that starts
     * syncing at once (the page hook evaluates what it stores) does not compete with it. */
    int64_t last = 0, last_full = 0;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)t->tick_s;
        while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &until) == 0) {
        }
        if (t->stop)
            break;
        pthread_mutex_unlock(&t->mu);
        int64_t now = (int64_t)time(NULL);
        bool full = last_full == 0 || now - last_full >= ACTIONS_FULL_EVERY_S;
        ticker_pass(t, full, last, now);
        last = now;
        if (full)
            last_full = now;
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

enum err actions_ticker_start(struct db *db, int64_t tick_s, actions_tick_fn after, void *after_ctx,
                              struct actions_ticker **out, struct errbuf *eb)
{
    struct actions_ticker *t = calloc(1, sizeof *t);
    if (t == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    t->db = db;
    t->tick_s = tick_s > 0 ? tick_s : ACTIONS_TICK_S;
    t->after = after;
    t->after_ctx = after_ctx;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return err_set(eb, ERR_INTERNAL, NULL, "cannot start the action center's timer");
    }
    *out = t;
    return ERR_OK;
}

void actions_ticker_stop(struct actions_ticker *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}

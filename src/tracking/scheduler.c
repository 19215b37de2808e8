/*
 * The tracking scheduler: one thread in `aicos serve` (with its worker on) and `aicos
 * worker` that runs tracking_refresh() every TRACKING_SCHED_INTERVAL_S (plus a random jitter)
 * while a provider is configured. Several processes share the work through the database
 * lease of sync (sync_leases row ("", "tracking")): the one holding it refreshes, the others
 * wait for their next turn. Polling stays on even with pushes: a lost push is caught here.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "sync/sync.h"
#include "tracking/tracking.h"

#define SCHED_LEASE_TTL_S 900

struct tracking_scheduler {
    const struct connect_env *env;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    int64_t interval_s;
};

static bool sched_stopping(void *ctx)
{
    struct tracking_scheduler *s = ctx;
    pthread_mutex_lock(&s->lock);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->lock);
    return stop;
}

/* One turn: under the lease, one refresh with discovery. */
static void sched_turn(struct tracking_scheduler *s)
{
    struct tracking_settings st;
    struct errbuf eb = {0};
    char holder[SYNC_HOLDER_MAX];
    bool got = false;
    if (tracking_settings_get(s->env->db, &st, &eb) != ERR_OK || strcmp(st.provider, "none") == 0 ||
        !st.enabled)
        return;
    sync_holder_id(holder, sizeof holder);
    struct db_conn *c = db_acquire(s->env->db);
    enum err e = sync_lease_claim(c, "", "tracking", holder, (int64_t)time(NULL), SCHED_LEASE_TTL_S,
                                  &got, &eb);
    db_release(c);
    if (e != ERR_OK || !got) {
        if (e != ERR_OK)
            log_kv(LOG_WARN, "tracking.lease_failed", "reason", errbuf_message(&eb, e), NULL);
        return;
    }
    struct tracking_refresh_opts o = {
        .discover = true, .should_stop = sched_stopping, .stop_ctx = s};
    struct tracking_refresh_result r;
    e = tracking_refresh(s->env, &o, &r, &eb);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "tracking.scheduled_refresh_failed", "reason", r.message, NULL);
    c = db_acquire(s->env->db);
    e = sync_lease_release(c, "", "tracking", holder, &eb);
    db_release(c);
    if (e != ERR_OK)
        log_kv(LOG_WARN, "tracking.lease_release_failed", "reason", errbuf_message(&eb, e), NULL);
}

static void *sched_main(void *arg)
{
    struct tracking_scheduler *s = arg;
    /* The first turn comes a jitter after the start, so processes started together spread. */
    int64_t next = (int64_t)time(NULL) + 5 + (int64_t)randombytes_uniform(30);
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        int64_t now = (int64_t)time(NULL);
        if (now < next) {
            struct timespec ts = {.tv_sec = (time_t)(now < next - 1 ? now + 1 : next)};
            pthread_cond_timedwait(&s->cond, &s->lock, &ts);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        sched_turn(s);
        next = (int64_t)time(NULL) + s->interval_s +
               (int64_t)randombytes_uniform((uint32_t)(s->interval_s / 10 + 1));
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

enum err tracking_scheduler_start(const struct connect_env *env, int64_t interval_s,
                                  struct tracking_scheduler **out, struct errbuf *eb)
{
    struct tracking_scheduler *s = calloc(1, sizeof *s);
    *out = NULL;
    if (s == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    s->env = env;
    s->interval_s = interval_s > 0 ? interval_s : TRACKING_SCHED_INTERVAL_S;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, sched_main, s) != 0) {
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return err_set(eb, ERR_INTERNAL, NULL, "cannot start the tracking scheduler thread");
    }
    *out = s;
    return ERR_OK;
}

void tracking_scheduler_stop(struct tracking_scheduler *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

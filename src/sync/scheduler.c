/*
 * The sync scheduler (product.md §5): one thread, inside `aicos serve` or alone in
 * `aicos worker`, that keeps every active connection's streams fresh. Each tick it lists the
 * active connections and runs the streams that are due, one at a time. A stream is due when
 * its last run (by any process, from sync_state.last_run_at) is one interval old, plus a
 * random jitter drawn with libsodium so that many processes and connections spread out. Two
 * processes never run one stream together: sync_run_stream() claims the database lease, and
 * the loser simply waits for the next interval.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/log.h"
#include "sync/settings.h"
#include "sync/sync.h"

#define SCHED_TICK_S 1 /* how often the thread looks for due streams */

struct sched_slot {
    char conn[CONNECT_ID_LEN + 1]; /* "" when free */
    enum sync_stream stream;
    int64_t next_at;  /* unix seconds when it is next looked at; 0 not yet computed */
    int64_t interval; /* the interval next_at was computed with */
};

struct sync_scheduler {
    const struct connect_env *env;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    struct sched_slot slots[LIMIT_SYNC_SCHED_SLOTS];
};

int64_t sync_stream_interval(const struct config *cfg, enum sync_stream s)
{
    /* Streams without their own setting follow the orders interval. */
    (void)s;
    return cfg->sync_orders_interval_s;
}

static bool sched_stopping(void *ctx)
{
    struct sync_scheduler *s = ctx;
    pthread_mutex_lock(&s->lock);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->lock);
    return stop;
}

/* 0..AICOS_SYNC_JITTER_S seconds from the CSPRNG. */
static int64_t sched_jitter(const struct sync_scheduler *s)
{
    long j = s->env->cfg->sync_jitter_s;
    return j > 0 ? (int64_t)randombytes_uniform((uint32_t)j + 1) : 0;
}

/* The stream's last run by any process (0 when it never ran). */
static int64_t sched_last_run(struct sync_scheduler *s, const char *conn, enum sync_stream st)
{
    struct db_rows *rows = NULL;
    struct errbuf ignore = {0};
    int64_t last = 0;
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(sync_stream_name(st))};
    struct db_conn *c = db_acquire(s->env->db);
    if (db_query(c, "SELECT last_run_at FROM sync_state WHERE connection_id = $1 AND stream = $2",
                 p, 2, &rows, &ignore) == ERR_OK &&
        db_rows_count(rows) == 1 && !db_rows_is_null(rows, 0, 0))
        last = db_rows_int_or(rows, 0, 0, last);
    db_rows_free(rows);
    db_release(c);
    return last;
}

/* The slot of (conn, stream), taking a free one; NULL when all are in use. */
static struct sched_slot *sched_slot_get(struct sync_scheduler *s, const char *conn,
                                         enum sync_stream st)
{
    struct sched_slot *free_slot = NULL;
    for (size_t i = 0; i < LIMIT_SYNC_SCHED_SLOTS; i++) {
        struct sched_slot *x = &s->slots[i];
        if (x->conn[0] != '\0' && x->stream == st && strcmp(x->conn, conn) == 0)
            return x;
        if (x->conn[0] == '\0' && free_slot == NULL)
            free_slot = x;
    }
    if (free_slot != NULL) {
        snprintf(free_slot->conn, sizeof free_slot->conn, "%s", conn);
        free_slot->stream = st;
        free_slot->next_at = 0;
    }
    return free_slot;
}

/* Runs (conn, stream) when it is due. */
static void sched_consider(struct sync_scheduler *s, const char *conn, enum sync_stream st,
                           int64_t interval)
{
    struct sched_slot *slot = sched_slot_get(s, conn, st);
    int64_t now = (int64_t)time(NULL);
    if (slot != NULL && slot->interval != interval) {
        /* The interval was changed (/settings): due again from the last run. */
        slot->interval = interval;
        slot->next_at = 0;
    }
    if (slot == NULL || (slot->next_at != 0 && now < slot->next_at))
        return;
    int64_t last = sched_last_run(s, conn, st);
    int64_t due = last > 0 ? last + interval : now;
    if (slot->next_at == 0 || due > now) {
        /* First look, or another process ran it meanwhile: wait until due, plus jitter. */
        slot->next_at = (due > now ? due : now) + sched_jitter(s);
        if (slot->next_at > now)
            return;
    }
    struct sync_run_opts o = {.connection_id = conn,
                              .stream = st,
                              .trigger = "scheduler",
                              .should_stop = sched_stopping,
                              .stop_ctx = s};
    struct sync_run_result r;
    struct errbuf eb = {0};
    enum err e = sync_run_stream(s->env, &o, &r, &eb);
    if (e != ERR_OK && r.run_id[0] == '\0')
        log_kv(LOG_DEBUG, "sync.skipped", "connection", conn, "stream", sync_stream_name(st),
               "reason", errbuf_code(&eb, e), NULL);
    slot->next_at = (int64_t)time(NULL) + interval + sched_jitter(s);
}

/* One pass over the active connections. */
static void sched_tick(struct sync_scheduler *s)
{
    struct db_rows *rows = NULL;
    struct errbuf eb = {0};
    struct db_param p[] = {DB_P_INT(LIMIT_SYNC_SCHED_SLOTS)};
    enum err e =
        db_pool_query(s->env->db,
                      "SELECT id FROM temu_connections WHERE status = 'active' ORDER BY id "
                      "LIMIT $1",
                      p, 1, &rows, &eb);
    if (e != ERR_OK) {
        log_kv(LOG_WARN, "sync.scheduler_failed", "reason", errbuf_message(&eb, e), NULL);
        goto out;
    }
    /* The intervals in force this tick: the console's settings, else the configuration. */
    struct sync_settings set;
    int64_t interval[SYNC_STREAM__COUNT];
    e = sync_settings_get(s->env->db, s->env->cfg, &set, &eb);
    for (int st = 0; st < SYNC_STREAM__COUNT; st++)
        interval[st] = e == ERR_OK ? set.value[st] : sync_stream_interval(s->env->cfg, st);
    for (size_t i = 0; i < db_rows_count(rows) && !sched_stopping(s); i++) {
        /* The shipments stream is run by the tracking scheduler's refresh, and only while a
         * tracking provider is configured and on (src/tracking): not from here. */
        for (int st = 0; st < SYNC_STREAM__COUNT && !sched_stopping(s); st++)
            if (st != SYNC_STREAM_SHIPMENTS)
                sched_consider(s, db_rows_get(rows, i, 0), (enum sync_stream)st, interval[st]);
    }
out:
    db_rows_free(rows);
}

static void *sched_main(void *arg)
{
    struct sync_scheduler *s = arg;
    log_kv(LOG_INFO, "sync.scheduler_started", NULL);
    while (!sched_stopping(s)) {
        sched_tick(s);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SCHED_TICK_S;
        pthread_mutex_lock(&s->lock);
        if (!s->stop)
            pthread_cond_timedwait(&s->cond, &s->lock, &until);
        pthread_mutex_unlock(&s->lock);
    }
    log_kv(LOG_INFO, "sync.scheduler_stopped", NULL);
    return NULL;
}

enum err sync_scheduler_start(const struct connect_env *env, struct sync_scheduler **out,
                              struct errbuf *eb)
{
    *out = NULL;
    struct sync_scheduler *s = calloc(1, sizeof *s);
    if (s == NULL || sodium_init() < 0) {
        free(s);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    s->env = env;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    if (pthread_create(&s->thread, NULL, sched_main, s) != 0) {
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return err_set(eb, ERR_INTERNAL, NULL, "cannot start the scheduler thread");
    }
    *out = s;
    return ERR_OK;
}

void sync_scheduler_stop(struct sync_scheduler *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/*
 * The sync engine: state, lease, run history and the page loop (see sync.h for the design).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/parse.h"
#include "base/secure.h"
#include "sync/stream.h"
#include "sync/sync.h"
#include "temu/api.h"
#include "temu/client.h"
#include "vault/vault.h"

static const char *const sync_stream_names[SYNC_STREAM__COUNT] = {"orders", "products",
                                                                  "buyer_cases", "shipments"};

bool sync_stream_parse(const char *name, enum sync_stream *out)
{
    for (int i = 0; name != NULL && i < SYNC_STREAM__COUNT; i++) {
        if (strcmp(name, sync_stream_names[i]) == 0) {
            *out = (enum sync_stream)i;
            return true;
        }
    }
    return false;
}

const char *sync_stream_name(enum sync_stream s)
{
    return (unsigned)s < SYNC_STREAM__COUNT ? sync_stream_names[s] : "unknown";
}

/* ---- lease ------------------------------------------------------------------------------ */

void sync_holder_id(char *out, size_t len)
{
    char host[64] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    host[strcspn(host, ":")] = '\0';
    snprintf(out, len, "%s:%ld:%08x", host, (long)getpid(), secure_uniform(0x7fffffffu));
}

/* True when holder names a process of this host that no longer exists. */
static bool sync_holder_dead(const char *holder)
{
    char host[64] = "", mine[64] = "";
    const char *colon = strchr(holder, ':');
    if (colon == NULL || (size_t)(colon - holder) >= sizeof host)
        return false;
    memcpy(host, holder, (size_t)(colon - holder));
    if (gethostname(mine, sizeof mine - 1) != 0)
        return false;
    mine[sizeof mine - 1] = '\0';
    mine[strcspn(mine, ":")] = '\0';
    if (strcmp(host, mine) != 0)
        return false;
    char digits[24];
    int64_t pid = 0;
    const char *end = strchr(colon + 1, ':');
    if (end == NULL || (size_t)(end - colon - 1) >= sizeof digits)
        return false;
    memcpy(digits, colon + 1, (size_t)(end - colon - 1));
    digits[end - colon - 1] = '\0';
    if (parse_int64(digits, 1, INT32_MAX, &pid) != ERR_OK)
        return false;
    if (pid == (int64_t)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

enum err sync_lease_claim(struct db_conn *c, const char *connection_id, const char *stream,
                          const char *holder, int64_t now, int64_t ttl, bool *got,
                          struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    int64_t changed = 0;
    *got = false;
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(stream), DB_P_TEXT(holder),
                           DB_P_INT(now + ttl)};
    enum err e = db_exec(c,
                         "INSERT INTO sync_leases (connection_id, stream, holder, expires_at) "
                         "VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, stream) DO NOTHING",
                         p, 4, &changed, eb);
    if (e != ERR_OK || changed == 1) {
        *got = e == ERR_OK;
        return e;
    }
    e = db_query(c,
                 "SELECT holder, expires_at FROM sync_leases WHERE connection_id = $1 AND "
                 "stream = $2",
                 p, 2, &rows, eb);
    if (e != ERR_OK || db_rows_count(rows) != 1)
        goto out;
    const char *old = db_rows_get(rows, 0, 0);
    int64_t expires = 0;
    expires = db_rows_int_or(rows, 0, 1, expires);
    if (strcmp(old, holder) != 0 && expires >= now && !sync_holder_dead(old))
        goto out;
    /* Compare-and-set on the holder we saw: of two claimers, one wins. */
    struct db_param u[] = {DB_P_TEXT(connection_id), DB_P_TEXT(stream), DB_P_TEXT(holder),
                           DB_P_INT(now + ttl), DB_P_TEXT(old)};
    e = db_exec(c,
                "UPDATE sync_leases SET holder = $3, expires_at = $4 WHERE connection_id = $1 "
                "AND stream = $2 AND holder = $5",
                u, 5, &changed, eb);
    *got = e == ERR_OK && changed == 1;
out:
    db_rows_free(rows);
    return e;
}

/* Extends the lease inside the page's transaction; ERR_CONFLICT lease_lost when gone. */
ERR_MUST_USE static enum err sync_lease_renew(struct db_conn *c, const char *connection_id,
                                              const char *stream, const char *holder, int64_t now,
                                              struct errbuf *eb)
{
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(stream), DB_P_TEXT(holder),
                           DB_P_INT(now + SYNC_LEASE_TTL_S)};
    enum err e = db_exec(c,
                         "UPDATE sync_leases SET expires_at = $4 WHERE connection_id = $1 AND "
                         "stream = $2 AND holder = $3",
                         p, 4, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "lease_lost",
                    "Another process took over this stream's lease; this run stops.");
    return e;
}

enum err sync_lease_release(struct db_conn *c, const char *connection_id, const char *stream,
                            const char *holder, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(stream), DB_P_TEXT(holder)};
    return db_exec(c,
                   "DELETE FROM sync_leases WHERE connection_id = $1 AND stream = $2 AND "
                   "holder = $3",
                   p, 3, NULL, eb);
}

/* ---- state ------------------------------------------------------------------------------ */

struct sync_state {
    int64_t watermark, backfill_since, backfill_next, backfill_done;
    char cur_kind[16];
    int64_t cur_lo, cur_hi, cur_page;
    int64_t failures, paused;
};

ERR_MUST_USE static enum err sync_state_load(struct db_conn *c, const char *connection_id,
                                             const char *stream, struct sync_state *st,
                                             struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(stream)};
    memset(st, 0, sizeof *st);
    enum err e = db_exec(c,
                         "INSERT INTO sync_state (connection_id, stream) VALUES ($1, $2) "
                         "ON CONFLICT (connection_id, stream) DO NOTHING",
                         p, 2, NULL, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT watermark, backfill_since, backfill_next, backfill_done, cur_kind, "
                     "cur_lo, cur_hi, cur_page, consecutive_failures, paused FROM sync_state "
                     "WHERE connection_id = $1 AND stream = $2",
                     p, 2, &rows, eb);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(rows) != 1) {
        e = err_set(eb, ERR_DB, NULL, "sync state row missing");
        goto out;
    }
    int64_t *ints[] = {&st->watermark, &st->backfill_since, &st->backfill_next, &st->backfill_done,
                       NULL,           &st->cur_lo,         &st->cur_hi,        &st->cur_page,
                       &st->failures,  &st->paused};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (ints[i] != NULL && db_rows_int(rows, 0, i, ints[i]) != ERR_OK) {
            e = err_set(eb, ERR_DB, NULL, "sync state column %zu is not an integer", i);
            goto out;
        }
    }
    snprintf(st->cur_kind, sizeof st->cur_kind, "%s", db_rows_get(rows, 0, 4));
out:
    db_rows_free(rows);
    return e;
}

ERR_MUST_USE static enum err sync_state_save(struct db_conn *c, const char *connection_id,
                                             const char *stream, const struct sync_state *st,
                                             struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(connection_id),    DB_P_TEXT(stream),
                           DB_P_INT(st->watermark),     DB_P_INT(st->backfill_since),
                           DB_P_INT(st->backfill_next), DB_P_INT(st->backfill_done),
                           DB_P_TEXT(st->cur_kind),     DB_P_INT(st->cur_lo),
                           DB_P_INT(st->cur_hi),        DB_P_INT(st->cur_page)};
    return db_exec(c,
                   "UPDATE sync_state SET watermark = $3, backfill_since = $4, backfill_next = $5, "
                   "backfill_done = $6, cur_kind = $7, cur_lo = $8, cur_hi = $9, cur_page = $10 "
                   "WHERE connection_id = $1 AND stream = $2",
                   p, 10, NULL, eb);
}

/* ---- runs ------------------------------------------------------------------------------- */

ERR_MUST_USE static enum err sync_run_counts_save(struct db_conn *c, const char *run_id,
                                                  const struct sync_counts *n, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(run_id),    DB_P_INT(n->pages),     DB_P_INT(n->added),
                           DB_P_INT(n->updated), DB_P_INT(n->unchanged), DB_P_INT(n->failed)};
    return db_exec(c,
                   "UPDATE sync_runs SET pages = $2, added = $3, updated = $4, unchanged = $5, "
                   "failed = $6 WHERE id = $1",
                   p, 6, NULL, eb);
}

/* ---- the page loop ---------------------------------------------------------------------- */

struct sync_job {
    const struct connect_env *env;
    const struct sync_run_opts *o;
    const char *stream;
    const struct sync_stream_def *def; /* the stream's table of specifics (stream.h) */
    char holder[SYNC_HOLDER_MAX];
    struct sync_state st;
    struct sync_run_result *res;
    struct temu_client *client;
    struct temu_error te;
    struct sync_budget budget; /* the app's shared request budget (budget.c) */
    bool cancelled;            /* stopped on request between pages */
    bool windows_done;         /* the WINDOWS part has caught up in this run */
    size_t next_full;          /* the next FULL part this run may start */
    bool prepare_off;          /* a prepare hook switched itself off for this run */
    int64_t updates;           /* update windows completed by this run */
};

/* The part a window kind belongs to (the WINDOWS part for backfill and update); NULL if none. */
static const struct sync_part *sync_part_of(const struct sync_job *j, const char *kind,
                                            size_t *index)
{
    bool windows = strcmp(kind, "backfill") == 0 || strcmp(kind, "update") == 0;
    for (size_t i = 0; i < j->def->nparts; i++) {
        const struct sync_part *p = &j->def->parts[i];
        if (windows ? p->walk == SYNC_WALK_WINDOWS
                    : p->walk == SYNC_WALK_FULL && strcmp(p->kind, kind) == 0) {
            if (index != NULL)
                *index = i;
            return p;
        }
    }
    return NULL;
}

/* The bucket after b in a FULL part (its first for b == 0); 0 after the last. */
static int64_t sync_part_next_bucket(const struct sync_part *p, int64_t b)
{
    if (b == 0)
        return p->buckets[0];
    for (size_t i = 0; p->buckets[i] != 0; i++) {
        if (p->buckets[i] == b)
            return p->buckets[i + 1];
    }
    return 0;
}

/* True when the run was asked to stop: the process stops, or someone cancelled it. */
static bool sync_cancel_wanted(struct sync_job *j)
{
    struct db_rows *rows = NULL;
    struct errbuf ignore = {0};
    int64_t flag = 0;
    if (j->o->should_stop != NULL && j->o->should_stop(j->o->stop_ctx))
        return true;
    struct db_param p[] = {DB_P_TEXT(j->res->run_id)};
    struct db_conn *c = db_acquire(j->env->db);
    enum err e =
        db_query(c, "SELECT cancel_requested FROM sync_runs WHERE id = $1", p, 1, &rows, &ignore);
    if (e == ERR_OK && db_rows_count(rows) == 1)
        flag = db_rows_int_or(rows, 0, 0, flag);
    db_rows_free(rows);
    db_release(c);
    return flag != 0;
}

/* The next backfill or update window of the WINDOWS part into j->st; false when caught up. */
static bool sync_next_time_window(struct sync_job *j)
{
    struct sync_state *st = &j->st;
    if (!st->backfill_done) {
        if (st->backfill_next < st->backfill_since) {
            st->backfill_done = 1;
        } else {
            int64_t lo = st->backfill_next - SYNC_BACKFILL_SLICE_S + 1;
            snprintf(st->cur_kind, sizeof st->cur_kind, "backfill");
            st->cur_lo = lo < st->backfill_since ? st->backfill_since : lo;
            st->cur_hi = st->backfill_next;
            st->cur_page = 0;
            return true;
        }
    }
    int64_t end = (int64_t)time(NULL) - 1;
    if (st->watermark >= end)
        return false;
    /* The overlap is read once per run (issue 18, audit D1): re-reading it on every window
     * made a run under steady activity read the same orders again and again and never end.
     * Once this run completed an update window, the next one starts where it ended, and the
     * run stops when it is within the overlap of now; the next run re-reads the overlap. */
    if (j->updates > 0 && end - st->watermark < SYNC_OVERLAP_S)
        return false;
    int64_t lo = j->updates > 0 ? st->watermark : st->watermark - SYNC_OVERLAP_S;
    lo = lo < 0 ? 0 : lo;
    int64_t hi = lo + SYNC_UPDATE_SLICE_S;
    snprintf(st->cur_kind, sizeof st->cur_kind, "update");
    st->cur_lo = lo;
    st->cur_hi = hi < end ? hi : end;
    st->cur_page = 0;
    return true;
}

/*
 * Picks the next window into j->st; false when the stream has caught up: the WINDOWS part
 * until it has, then each FULL part once (a run resumed mid-walk finishes that walk first;
 * the "window" of a walk is its bucket, cur_lo = cur_hi = bucket).
 */
static bool sync_next_window(struct sync_job *j)
{
    struct sync_state *st = &j->st;
    if (!j->windows_done && sync_part_of(j, "update", NULL) != NULL) {
        if (sync_next_time_window(j))
            return true;
        j->windows_done = true;
    }
    for (; j->next_full < j->def->nparts; j->next_full++) {
        const struct sync_part *p = &j->def->parts[j->next_full];
        if (p->walk != SYNC_WALK_FULL)
            continue;
        snprintf(st->cur_kind, sizeof st->cur_kind, "%s", p->kind);
        st->cur_lo = st->cur_hi = sync_part_next_bucket(p, 0);
        st->cur_page = 0;
        j->next_full++;
        return true;
    }
    return false;
}

/* The state after page of the current window was read (total: the answer's total). */
static struct sync_state sync_state_after(struct sync_job *j, const struct sync_part *part,
                                          size_t index, int64_t page, int64_t total, int64_t now)
{
    struct sync_state next = j->st;
    if (next.cur_page == 0) {
        int64_t last = (total + part->page_size - 1) / part->page_size;
        next.cur_page = last > 1 ? last : 0;
    } else {
        next.cur_page = page - 1;
    }
    if (next.cur_page == 0 && part->walk == SYNC_WALK_FULL) {
        /* A bucket is complete: the next one, or the walk is done. */
        next.cur_lo = next.cur_hi = sync_part_next_bucket(part, next.cur_lo);
        if (next.cur_lo == 0) {
            if (sync_part_of(j, "update", NULL) == NULL)
                next.watermark = now; /* a stream of walks only: when its last walk ended */
            next.cur_kind[0] = '\0';
            if (j->next_full < index + 1)
                j->next_full = index + 1;
        }
    } else if (next.cur_page == 0) {
        /* The window is complete: advance the checkpoint past it. */
        if (strcmp(next.cur_kind, "backfill") == 0)
            next.backfill_next = next.cur_lo - 1;
        else
            next.watermark = next.cur_hi;
        next.cur_kind[0] = '\0';
        next.cur_lo = next.cur_hi = 0;
    }
    return next;
}

/* The part's prepare hook for a fetched page, outside any transaction; extras it fetched. */
static json_t *sync_prepare_page(struct sync_job *j, const struct sync_part *part,
                                 const struct temu_page *pg)
{
    if (part->prepare == NULL || j->prepare_off || pg->count == 0)
        return NULL;
    json_t *extras = json_object();
    if (extras == NULL)
        return NULL;
    struct sync_prepare p = {.db = j->env->db,
                             .client = j->client,
                             .connection_id = j->o->connection_id,
                             .items = pg->items,
                             .extras = extras,
                             .off = &j->prepare_off};
    part->prepare(part, &p);
    return extras;
}

static sync_page_hook_fn sync_page_hook;
static void *sync_page_hook_ctx;

void sync_set_page_hook(sync_page_hook_fn fn, void *ctx)
{
    sync_page_hook = fn;
    sync_page_hook_ctx = ctx;
}

/* After a committed page that changed something: the page hook with the page's keys. */
static void sync_page_hook_call(struct sync_job *j, const struct sync_part *part,
                                const struct temu_page *pg, const struct sync_counts *before)
{
    const struct sync_counts *now = &j->res->counts;
    size_t n = json_array_size(pg->items), k = 0, i;
    const json_t *item;
    if (sync_page_hook == NULL || n == 0 ||
        now->added + now->updated == before->added + before->updated)
        return;
    char(*text)[SYNC_SN_MAX + 24] = calloc(n, sizeof *text);
    const char **keys = calloc(n, sizeof *keys);
    json_array_foreach(pg->items, i, item)
    {
        struct sync_key key;
        if (text == NULL || keys == NULL || !json_is_object(item) || !part->key(item, &key))
            continue;
        sync_key_text(part, &key, text[k], sizeof text[k]);
        keys[k] = text[k];
        k++;
    }
    if (k > 0)
        sync_page_hook(sync_page_hook_ctx, j->env->db, j->o->connection_id, j->stream, keys, k);
    free(text);
    free(keys);
}

/*
 * Stores one fetched page and the cursor after it in one transaction, only while the lease is
 * ours. page is the page that was read.
 */
ERR_MUST_USE static enum err sync_commit_page(struct sync_job *j, const struct sync_part *part,
                                              size_t index, int64_t page,
                                              const struct temu_page *pg, struct errbuf *eb)
{
    struct sync_counts counts = j->res->counts;
    int64_t now = (int64_t)time(NULL);
    struct sync_window w = {j->st.cur_kind, j->st.cur_lo, j->st.cur_hi};
    size_t next_full = j->next_full;
    struct sync_state next = sync_state_after(j, part, index, page, pg->total, now);
    json_t *extras = sync_prepare_page(j, part, pg);
    counts.pages++;
    struct db_conn *c = db_acquire(j->env->db);
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = sync_lease_renew(c, j->o->connection_id, j->stream, j->holder, now, eb);
    if (e == ERR_OK)
        e = sync_part_store_page(c, part, j->o->connection_id, &w, pg->items, extras, now, &counts,
                                 eb);
    if (e == ERR_OK)
        e = sync_state_save(c, j->o->connection_id, j->stream, &next, eb);
    if (e == ERR_OK)
        e = sync_run_counts_save(c, j->res->run_id, &counts, eb);
    e = db_end(c, e, eb);
    db_release(c);
    json_decref(extras);
    if (e != ERR_OK) {
        j->next_full = next_full;
        return e;
    }
    const char *phase = strcmp(w.kind, "backfill") == 0 ? "backfill" : "incremental";
    if (strcmp(w.kind, "update") == 0 && next.cur_kind[0] == '\0')
        j->updates++;
    j->st = next;
    struct sync_counts before = j->res->counts;
    j->res->counts = counts;
    sync_page_hook_call(j, part, pg, &before);
    if (j->o->progress != NULL)
        j->o->progress(j->o->progress_ctx, phase, w.lo, w.hi, &counts);
    return ERR_OK;
}

/* Fetches one page of the current window. An answer whose result is null is an empty last
 * page (an empty shop's goods list is answered so); one without its items or total is not. */
ERR_MUST_USE static enum err sync_fetch_page(struct sync_job *j, const struct sync_part *part,
                                             int64_t page, struct temu_page *pg, json_t **empty)
{
    struct sync_window w = {j->st.cur_kind, j->st.cur_lo, j->st.cur_hi};
    enum err e = part->fetch(j->client, &w, page, pg, &j->te);
    if (e == ERR_OK && (pg->result == NULL || json_is_null(pg->result)) &&
        (*empty = json_array()) != NULL) {
        pg->items = *empty;
        pg->count = 0;
        pg->total = 0;
    }
    if (e == ERR_OK && (pg->items == NULL || pg->total < 0)) {
        temu_error_set(&j->te, TEMU_ERROR_PERMANENT, TEMU_SOURCE_ENVELOPE, 0,
                       "list answer without its items or total", NULL);
        e = ERR_UPSTREAM;
    }
    return e;
}

/* Ends the current window of a part that lacks its permission: skipped for this run. */
static void sync_skip_part(struct sync_job *j, size_t index)
{
    log_kv(LOG_WARN, "sync.part_skipped", "connection", j->o->connection_id, "stream", j->stream,
           "part", j->st.cur_kind, "reason", j->te.message, NULL);
    temu_error_clear(&j->te);
    j->st.cur_kind[0] = '\0';
    j->st.cur_lo = j->st.cur_hi = j->st.cur_page = 0;
    if (j->next_full < index + 1)
        j->next_full = index + 1;
}

/* Walks windows until caught up or a failure. */
ERR_MUST_USE static enum err sync_loop(struct sync_job *j, struct errbuf *eb)
{
    enum err e = ERR_OK;
    for (int64_t n = 0; n < SYNC_RUN_PAGES_MAX; n++) {
        if (j->st.cur_kind[0] == '\0' && !sync_next_window(j))
            return ERR_OK;
        size_t index = 0;
        const struct sync_part *part = sync_part_of(j, j->st.cur_kind, &index);
        if (part == NULL) {
            /* A checkpoint of a part this build no longer has: start its window afresh. */
            j->st.cur_kind[0] = '\0';
            continue;
        }
        int64_t page = j->st.cur_page == 0 ? 1 : j->st.cur_page;
        struct temu_page pg;
        json_t *empty = NULL;
        memset(&pg, 0, sizeof pg);
        e = sync_fetch_page(j, part, page, &pg, &empty);
        if (e == ERR_UPSTREAM && part->skippable != NULL && part->skippable(&j->te)) {
            sync_skip_part(j, index);
            e = ERR_OK;
        } else if (e == ERR_OK) {
            e = sync_commit_page(j, part, index, page, &pg, eb);
        } else if (e == ERR_UPSTREAM) {
            e = err_set(eb, e, "temu_failed", "Temu refused the %s list (%s %lld): %.200s",
                        j->stream, temu_error_class_name(j->te.cls), (long long)j->te.code,
                        j->te.message);
        }
        temu_page_clear(&pg);
        json_decref(empty);
        if (e != ERR_OK)
            return e;
        if (sync_cancel_wanted(j)) {
            j->cancelled = true;
            return err_set(eb, ERR_CONFLICT, "cancelled",
                           "The run was cancelled after %lld pages; the next run continues.",
                           (long long)j->res->counts.pages);
        }
    }
    return err_set(eb, ERR_LIMIT, "run_too_long", "the run read %d pages; it continues next time",
                   SYNC_RUN_PAGES_MAX);
}

/* Looks up the connection's status; ERR_NOTFOUND when unknown. */
ERR_MUST_USE static enum err sync_connection_status(struct db *db, const char *id, char *status,
                                                    size_t len, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e =
        db_pool_query(db, "SELECT status FROM temu_connections WHERE id = $1", p, 1, &rows, eb);
    if (e == ERR_OK && db_rows_count(rows) != 1)
        e = err_set(eb, ERR_NOTFOUND, "connection_unknown", "No Temu connection has id %.40s.", id);
    if (e == ERR_OK)
        snprintf(status, len, "%s", db_rows_get(rows, 0, 0));
    db_rows_free(rows);
    return e;
}

/* Records the end of a run: the run row, the state's failure count and pause, the lease. */
static void sync_finish(struct sync_job *j, enum err result, struct errbuf *eb)
{
    struct sync_run_result *r = j->res;
    int64_t now = (int64_t)time(NULL);
    struct errbuf ignore = {0};
    bool ok = result == ERR_OK;
    if (ok) {
        r->outcome = "success";
    } else if (j->cancelled) {
        r->outcome = "cancelled";
        snprintf(r->message, sizeof r->message, "%s", errbuf_message(eb, result));
    } else {
        r->cls = j->te.cls;
        r->code = j->te.code;
        r->outcome = j->te.cls == TEMU_ERROR_AUTH ? "auth" : "failed";
        snprintf(r->message, sizeof r->message, "%s", errbuf_message(eb, result));
    }
    /* A cancelled run is neither a success nor a failure of the stream. */
    int64_t failures = ok ? 0 : j->cancelled ? j->st.failures : j->st.failures + 1;
    bool pause = failures >= SYNC_PAUSE_AFTER;
    char warning[SYNC_ERROR_MSG_MAX] = "";
    if (failures >= SYNC_WARN_AFTER && !pause)
        snprintf(warning, sizeof warning, "%lld consecutive failures; the stream pauses after %d.",
                 (long long)failures, SYNC_PAUSE_AFTER);
    else if (pause)
        snprintf(warning, sizeof warning,
                 "Paused after %lld consecutive failures: %.150s. Resume it once fixed.",
                 (long long)failures, r->message);
    if (pause)
        log_kv(LOG_WARN, "sync.paused", "connection", j->o->connection_id, "stream", j->stream,
               "reason", r->message, NULL);
    else if (failures >= SYNC_WARN_AFTER)
        log_kv(LOG_WARN, "sync.failing", "connection", j->o->connection_id, "stream", j->stream,
               "reason", r->message, NULL);
    struct db_conn *c = db_acquire(j->env->db);
    struct db_param rp[] = {
        DB_P_TEXT(r->run_id),  DB_P_INT(now),
        DB_P_TEXT(r->outcome), DB_P_TEXT(ok || j->cancelled ? "" : temu_error_class_name(r->cls)),
        DB_P_INT(r->code),     DB_P_TEXT(r->message)};
    /* A run whose end cannot be written stays "running" until its lease expires, when the next
     * run marks it abandoned; the pages it committed are safe either way. */
    enum err we = db_exec(c,
                          "UPDATE sync_runs SET finished_at = $2, outcome = $3, error_class = $4, "
                          "error_code = $5, error_message = $6 WHERE id = $1",
                          rp, 6, NULL, &ignore);
    struct db_param sp[] = {
        DB_P_TEXT(j->o->connection_id), DB_P_TEXT(j->stream), DB_P_INT(failures),
        DB_P_INT(pause ? 1 : 0),        DB_P_TEXT(warning),   DB_P_INT(now)};
    if (we == ERR_OK && ok)
        we = db_exec(c,
                     "UPDATE sync_state SET consecutive_failures = $3, paused = $4, warning = $5, "
                     "last_success_at = $6, last_run_at = $6 WHERE connection_id = $1 AND "
                     "stream = $2",
                     sp, 6, NULL, &ignore);
    else if (we == ERR_OK)
        we = db_exec(c,
                     "UPDATE sync_state SET consecutive_failures = $3, paused = $4, warning = $5, "
                     "last_run_at = $6 WHERE connection_id = $1 AND stream = $2",
                     sp, 6, NULL, &ignore);
    /* A lease that could not be released expires on its own. */
    if (sync_lease_release(c, j->o->connection_id, j->stream, j->holder, &ignore) != ERR_OK &&
        we == ERR_OK)
        we = ERR_DB;
    db_release(c);
    /* The connection learns of the outcome: success, or auth errors that mark it failed. */
    if ((ok || j->te.cls != TEMU_ERROR_NONE) && !j->cancelled && we == ERR_OK)
        we = connect_note_call(j->env, j->o->connection_id, ok ? NULL : &j->te, now, &ignore);
    if (we != ERR_OK)
        log_kv(LOG_WARN, "sync.finish_not_recorded", "connection", j->o->connection_id, "stream",
               j->stream, "run", r->run_id, "detail", ignore.msg, NULL);
}

/* Claims the lease, loads the state, and records the start of the run. */
ERR_MUST_USE static enum err sync_start(struct sync_job *j, struct errbuf *eb)
{
    const struct sync_run_opts *o = j->o;
    int64_t now = (int64_t)time(NULL);
    bool got = false;
    char rid[SECURE_TOKEN_LEN + 1];
    struct db_conn *c = db_acquire(j->env->db);
    enum err e = sync_lease_claim(c, o->connection_id, j->stream, j->holder, now, SYNC_LEASE_TTL_S,
                                  &got, eb);
    if (e == ERR_OK && !got)
        e = err_set(eb, ERR_CONFLICT, "lease_held",
                    "Another process is running the %s stream of this connection.", j->stream);
    if (e != ERR_OK) {
        db_release(c);
        return e;
    }
    /* The run starts once the lease is ours: the claim may have waited for the database while
     * the previous holder finished, and its start must not precede that run's end. */
    now = (int64_t)time(NULL);
    /* A pushed event asked for a targeted refresh (sync_webhook_receive): move the watermark
     * back to it, so this run re-reads that window. We hold the lease, so no run races us. */
    struct db_param fp[] = {DB_P_TEXT(o->connection_id), DB_P_TEXT(j->stream)};
    e = db_exec(c,
                "UPDATE sync_state SET watermark = CASE WHEN refresh_from > 0 AND refresh_from < "
                "watermark THEN refresh_from ELSE watermark END, refresh_from = 0 WHERE "
                "connection_id = $1 AND stream = $2 AND refresh_from > 0",
                fp, 2, NULL, eb);
    if (e == ERR_OK)
        e = sync_state_load(c, o->connection_id, j->stream, &j->st, eb);
    if (e == ERR_OK && j->st.paused)
        e = err_set(eb, ERR_CONFLICT, "stream_paused",
                    "The %s stream of this connection is paused after repeated failures; resume "
                    "it once the cause is fixed.",
                    j->stream);
    if (e == ERR_OK && j->st.backfill_next == 0 && !j->st.backfill_done &&
        j->st.cur_kind[0] == '\0') {
        /* The first run: backfill by creation from an overlap before now back to since,
         * then follow updates from now on. The backfill's windows end in the past: orders
         * created while a window is paged (newest first, last page first) would join it and
         * push older ones onto pages already read, lost for good. Those created since (or
         * read by the backfill and updated later) have updateTime >= now - overlap, which
         * the first incremental window (from watermark - overlap) covers. */
        j->st.backfill_since = o->since > 0 ? o->since : now - SYNC_BACKFILL_DEFAULT_S;
        j->st.backfill_next = now - SYNC_OVERLAP_S;
        j->st.watermark = now;
        e = sync_state_save(c, o->connection_id, j->stream, &j->st, eb);
    }
    /* Runs left "running" by a killed process are over: we hold the lease now. */
    struct db_param ap[] = {DB_P_TEXT(o->connection_id), DB_P_TEXT(j->stream), DB_P_INT(now)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE sync_runs SET outcome = 'abandoned', finished_at = $3 WHERE "
                    "connection_id = $1 AND stream = $2 AND outcome = 'running'",
                    ap, 3, NULL, eb);
    secure_token(rid);
    snprintf(j->res->run_id, sizeof j->res->run_id, "%.*s", SYNC_RUN_ID_LEN, rid);
    for (char *p = j->res->run_id; *p; p++) {
        if (*p == '-' || *p == '_')
            *p = 'x';
    }
    struct db_param rp[] = {DB_P_TEXT(j->res->run_id), DB_P_TEXT(o->connection_id),
                            DB_P_TEXT(j->stream),      DB_P_TEXT(o->trigger ? o->trigger : "cli"),
                            DB_P_TEXT(j->holder),      DB_P_INT(now)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO sync_runs (id, connection_id, stream, trigger_kind, holder, "
                    "started_at, outcome) VALUES ($1, $2, $3, $4, $5, $6, 'running')",
                    rp, 6, NULL, eb);
    if (e != ERR_OK) {
        struct errbuf ignore = {0};
        j->res->run_id[0] = '\0';
        /* The start failed; a lease left behind expires on its own. */
        if (sync_lease_release(c, o->connection_id, j->stream, j->holder, &ignore) != ERR_OK)
            log_kv(LOG_WARN, "sync.lease_not_released", "connection", o->connection_id, "stream",
                   j->stream, NULL);
    }
    db_release(c);
    return e;
}

enum err sync_run_stream(const struct connect_env *env, const struct sync_run_opts *o,
                         struct sync_run_result *out, struct errbuf *eb)
{
    struct sync_job j;
    char status[16] = "";
    char *token = NULL;
    size_t token_len = 0;
    enum temu_region region = TEMU_REGION_US;
    memset(out, 0, sizeof *out);
    memset(&j, 0, sizeof j);
    out->outcome = "failed";
    j.env = env;
    j.o = o;
    j.res = out;
    j.stream = sync_stream_name(o->stream);
    j.def = sync_stream_def_of(o->stream);
    temu_error_clear(&j.te);
    sync_holder_id(j.holder, sizeof j.holder);
    enum err e = sync_connection_status(env->db, o->connection_id, status, sizeof status, eb);
    if (e == ERR_OK && strcmp(status, "active") != 0)
        /* A failed connection (revoked or replaced token) is not called again until it is
         * re-authorized: no retry storm against a token Temu already refused. */
        e = err_set(eb, ERR_CONFLICT, "connection_failed",
                    "The connection is marked failed; re-authorize it before syncing.");
    if (e != ERR_OK) {
        snprintf(out->message, sizeof out->message, "%s", errbuf_message(eb, e));
        return e;
    }
    e = sync_start(&j, eb);
    if (e != ERR_OK) {
        if (e == ERR_CONFLICT && j.st.paused)
            out->outcome = "paused";
        snprintf(out->message, sizeof out->message, "%s", errbuf_message(eb, e));
        return e;
    }
    e = connect_token_get(env, o->connection_id, &region, &token, &token_len, eb);
    if (e == ERR_OK)
        e = connect_client_new(env, region, token, &j.client, eb);
    if (token != NULL)
        vault_secret_free(token, token_len);
    if (e == ERR_OK) {
        /* Every request of the run also draws on the app's budget shared by all processes. */
        j.budget.db = env->db;
        j.budget.app_key = temu_client_app_key(j.client);
        j.budget.rate = (uint32_t)env->cfg->temu_rate_limit;
        temu_client_set_acquire(j.client, sync_budget_acquire, &j.budget);
        e = sync_loop(&j, eb);
    }
    sync_finish(&j, e, eb);
    temu_client_free(j.client);
    log_kv(e == ERR_OK ? LOG_INFO : LOG_WARN, "sync.run", "connection", o->connection_id, "stream",
           j.stream, "run", out->run_id, "outcome", out->outcome, NULL);
    return e;
}

/*
 * The refresh: discover parcels of shipped orders, register, poll, flag. See tracking.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/parse.h"
#include "sync/sync.h"
#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"

#define DISCOVER_BATCH 500 /* parcels of temu_parcels followed per query */
#define HOLDER_MAX     96

struct job {
    const struct connect_env *env;
    const struct tracking_refresh_opts *o;
    struct tracking_refresh_result *r;
    struct tracking_provider *p;
    const char *key_id; /* 17TRACK only */
    char holder[HOLDER_MAX];
    int64_t now;  /* evaluation time */
    int64_t wall; /* the wall clock, for the ledger */
};

static bool job_stopping(const struct job *j)
{
    return j->o->should_stop != NULL && j->o->should_stop(j->o->stop_ctx);
}

/* Follows one parcel the shipments stream stored (row r of the import query). */
ERR_MUST_USE static enum err discover_add(struct job *j, const struct db_rows *r, size_t i,
                                          struct errbuf *eb)
{
    struct tracking_add a = {.connection_id = db_rows_get(r, i, 0),
                             .parent_order_sn = db_rows_get(r, i, 1),
                             .order_sn = db_rows_get(r, i, 2),
                             .package_sn = db_rows_get(r, i, 3),
                             .number = db_rows_get(r, i, 4),
                             .temu_carrier_id = db_rows_int_or(r, i, 5, 0),
                             .carrier_name = db_rows_get(r, i, 6),
                             .shipped_at = db_rows_int_or(r, i, 7, 0),
                             .promise_at = db_rows_int_or(r, i, 8, 0)};
    char id[TRACKING_ID_LEN + 1];
    bool created = false;
    struct errbuf ab = {0};
    enum err e = tracking_shipment_add(j->env->db, j->p->ops->name, &a, j->now, id, &created, &ab);
    if (e == ERR_INVAL) { /* a malformed number uploaded to Temu: logged, skipped */
        log_kv(LOG_WARN, "tracking.number_refused", "order", a.parent_order_sn, "reason",
               errbuf_message(&ab, e), NULL);
        return ERR_OK;
    }
    if (e != ERR_OK)
        return err_set(eb, e, NULL, "%s", errbuf_message(&ab, e));
    j->r->discovered += created ? 1 : 0;
    return ERR_OK;
}

/*
 * Every parcel of temu_parcels (the shipments stream's table) not followed yet, in key order
 * from where the previous batch ended, so numbers refused for their shape (they stay in
 * temu_parcels) never hide the parcels after them.
 */
ERR_MUST_USE static enum err discover_import(struct job *j, const char *only, struct errbuf *eb)
{
    enum err e = ERR_OK;
    char conn[CONNECT_ID_LEN + 1] = "", pkg[SYNC_SN_MAX + 1] = ""; /* the stream's bounds */
    for (int round = 0; e == ERR_OK && round < TRACKING_REFRESH_MAX / DISCOVER_BATCH; round++) {
        struct db_rows *r = NULL;
        struct db_param p[] = {DB_P_TEXT(only), DB_P_INT(DISCOVER_BATCH), DB_P_TEXT(conn),
                               DB_P_TEXT(pkg)};
        e = db_pool_query(j->env->db,
                          "SELECT p.connection_id, p.parent_order_sn, p.order_sn, p.package_sn, "
                          "p.tracking_number, p.carrier_id, p.carrier_name, p.shipped_at, "
                          "p.promise_at FROM temu_parcels p LEFT JOIN tracking_shipments s ON "
                          "s.connection_id = p.connection_id AND s.package_sn = p.package_sn "
                          "WHERE s.id IS NULL AND ($1 = '' OR p.connection_id = $1) AND "
                          "(p.connection_id > $3 OR (p.connection_id = $3 AND p.package_sn > "
                          "$4)) ORDER BY p.connection_id, p.package_sn LIMIT $2",
                          p, 4, &r, eb);
        size_t n = db_rows_count(r);
        for (size_t i = 0; e == ERR_OK && i < n; i++)
            e = discover_add(j, r, i, eb);
        if (n > 0) {
            snprintf(conn, sizeof conn, "%s", db_rows_get(r, n - 1, 0));
            snprintf(pkg, sizeof pkg, "%s", db_rows_get(r, n - 1, 3));
        }
        db_rows_free(r);
        if (n < DISCOVER_BATCH)
            break;
    }
    return e;
}

/* Parcels whose number Temu changed after they were followed (a corrected upload). */
ERR_MUST_USE static enum err discover_renumber(struct job *j, const char *only, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(only), DB_P_INT(DISCOVER_BATCH)};
    enum err e = db_pool_query(j->env->db,
                               "SELECT s.id, p.tracking_number, p.carrier_id, p.carrier_name FROM "
                               "temu_parcels p JOIN tracking_shipments s ON s.connection_id = "
                               "p.connection_id AND s.package_sn = p.package_sn WHERE "
                               "s.tracking_number <> UPPER(REPLACE(p.tracking_number, ' ', '')) "
                               "AND ($1 = '' OR p.connection_id = $1) ORDER BY s.id LIMIT $2",
                               p, 2, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        struct tracking_add a = {.number = db_rows_get(r, i, 1),
                                 .temu_carrier_id = db_rows_int_or(r, i, 2, 0),
                                 .carrier_name = db_rows_get(r, i, 3)};
        struct errbuf ab = {0};
        enum err ae = tracking_shipment_renumber(j->env->db, db_rows_get(r, i, 0), &a, j->now, &ab);
        if (ae == ERR_INVAL)
            log_kv(LOG_WARN, "tracking.number_refused", "parcel", db_rows_get(r, i, 0), "reason",
                   errbuf_message(&ab, ae), NULL);
        else if (ae != ERR_OK)
            e = err_set(eb, ae, NULL, "%s", errbuf_message(&ab, ae));
        else
            log_kv(LOG_INFO, "tracking.renumbered", "parcel", db_rows_get(r, i, 0), NULL);
    }
    db_rows_free(r);
    return e;
}

/*
 * Runs the shipments stream (src/sync/parcels.c) of every active connection, or the one asked,
 * so the parcels of shipped orders are read with the stream's lease and checkpoints; its
 * backfill starts where the orders stream's did. A run that fails or is held elsewhere is
 * logged and the parcels stored so far are followed anyway.
 */
ERR_MUST_USE static enum err discover(struct job *j, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    const char *only = j->o->connection_id != NULL ? j->o->connection_id : "";
    struct db_param p[] = {DB_P_TEXT(only)};
    enum err e = db_pool_query(
        j->env->db,
        "SELECT t.id, COALESCE((SELECT backfill_since FROM sync_state s WHERE s.connection_id = "
        "t.id AND s.stream = 'orders'), 0) FROM temu_connections t WHERE t.status = 'active' AND "
        "($1 = '' OR t.id = $1) ORDER BY t.id",
        p, 1, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r) && !job_stopping(j); i++) {
        struct sync_run_opts so = {.connection_id = db_rows_get(r, i, 0),
                                   .stream = SYNC_STREAM_SHIPMENTS,
                                   .since = db_rows_int_or(r, i, 1, 0),
                                   .trigger = "tracking",
                                   .should_stop = j->o->should_stop,
                                   .stop_ctx = j->o->stop_ctx};
        struct sync_run_result res;
        struct errbuf sb = {0};
        enum err se = sync_run_stream(j->env, &so, &res, &sb);
        if (se != ERR_OK)
            log_kv(LOG_WARN, "tracking.discover_failed", "connection", so.connection_id, "reason",
                   errbuf_message(&sb, se), NULL);
        if (se == ERR_DB)
            e = err_set(eb, se, NULL, "%s", errbuf_message(&sb, se));
    }
    db_rows_free(r);
    if (e == ERR_OK)
        e = discover_import(j, only, eb);
    if (e == ERR_OK)
        e = discover_renumber(j, only, eb);
    return e;
}

/* Marks a parcel's registration: state, the provider's carrier (when it names one), error. */
ERR_MUST_USE static enum err reg_mark(struct db_conn *c, const char *number, const char *state,
                                      int64_t carrier, const char *error, int64_t now,
                                      struct errbuf *eb)
{
    /* The provider's carrier (detected or confirmed) decides the lane from now on. */
    struct db_param p[] = {
        DB_P_TEXT(number), DB_P_TEXT(state),
        DB_P_INT(carrier), DB_P_TEXT(error),
        DB_P_INT(now),     DB_P_TEXT(tracking_lane_name(tracking_lane_of_carrier(carrier)))};
    return db_exec(
        c,
        "UPDATE tracking_shipments SET reg_state = $2, carrier = CASE WHEN $3 > 0 THEN $3 ELSE "
        "carrier END, lane = CASE WHEN $3 > 0 THEN $6 ELSE lane END, reg_error = $4, registered_at "
        "= CASE WHEN $2 = 'registered' THEN $5 ELSE "
        "registered_at END, next_poll_at = $5, updated_at = $5 WHERE tracking_number = $1 AND "
        "provider = '17track' AND reg_state = 'new'",
        p, 6, NULL, eb);
}

/* Applies one registration answer: the ledger and the parcels of each number. */
ERR_MUST_USE static enum err reg_apply(struct job *j, const struct tracking_ref *refs,
                                       const struct tracking_reg_result *res, size_t n,
                                       struct errbuf *eb)
{
    struct db_conn *c = db_acquire(j->env->db);
    enum err e = db_begin(c, eb);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        const struct tracking_reg_result *x = &res[i];
        char why[TRACKING_TEXT_MAX + 32];
        snprintf(why, sizeof why, "%lld %s", (long long)x->code, x->message);
        const char *ledger = x->accepted ? "accepted" : x->retry ? "released" : "rejected";
        e = tstore_reserve_done(c, j->key_id, refs[i].number, ledger, x->code, x->spent, j->wall,
                                eb);
        /* Auto-detection that named the carrier itself (origin 1) fills in the mapping of
         * the Temu carrier of an unmapped parcel (§1.12). */
        if (e == ERR_OK && x->accepted && x->origin == 1 && x->carrier > 0)
            e = tstore_carrier_learn(c, refs[i].number, x->carrier, j->wall, eb);
        if (e == ERR_OK && !x->retry)
            e = reg_mark(c, refs[i].number, x->accepted ? "registered" : "refused", x->carrier,
                         x->accepted ? "" : why, j->now, eb);
        j->r->registered += x->accepted ? 1 : 0;
        j->r->refused += !x->accepted && !x->retry ? 1 : 0;
    }
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

/* True when a ledger holder "host:pid" is a process of this host that is gone. */
static bool holder_gone(const char *holder)
{
    char host[256] = "";
    const char *colon = strrchr(holder, ':');
    int64_t pid = 0;
    if (colon == NULL || (size_t)(colon - holder) >= sizeof host ||
        gethostname(host, sizeof host) != 0)
        return false;
    if (strncmp(holder, host, (size_t)(colon - holder)) != 0 || host[colon - holder] != '\0' ||
        parse_int64(colon + 1, 1, INT32_MAX, &pid) != ERR_OK || pid == (int64_t)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
 * Reservations left by an interrupted run (its process gone, or older than
 * TRACKING_RESERVE_S): the provider is asked whether it has the number; registered ones count
 * as accepted, the others are released so the register step reserves them again.
 */
ERR_MUST_USE static enum err reg_recover(struct job *j, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(j->key_id), DB_P_TEXT(j->holder)};
    enum err e =
        db_pool_query(j->env->db,
                      "SELECT number, carrier, holder, reserved_at FROM "
                      "tracking_registrations WHERE key_id = $1 AND state = 'reserved' AND "
                      "holder <> $2 LIMIT 400",
                      p, 2, &r, eb);
    struct tracking_ref refs[T17_BATCH_MAX];
    struct tracking_update ups[T17_BATCH_MAX];
    struct tracking_reg_result res[T17_BATCH_MAX];
    size_t n = 0;
    for (size_t i = 0; e == ERR_OK && i <= db_rows_count(r); i++) {
        if (i < db_rows_count(r) && (db_rows_int_or(r, i, 3, 0) < j->wall - TRACKING_RESERVE_S ||
                                     holder_gone(db_rows_get(r, i, 2)))) {
            refs[n++] = (struct tracking_ref){.number = db_rows_get(r, i, 0),
                                              .carrier = db_rows_int_or(r, i, 1, 0)};
            if (n < T17_BATCH_MAX)
                continue;
        }
        if (n == 0)
            continue;
        memset(ups, 0, sizeof ups);
        e = j->p->ops->fetch(j->p, refs, n, ups, eb);
        for (size_t k = 0; k < n; k++) {
            res[k] = (struct tracking_reg_result){.accepted = ups[k].found,
                                                  .spent = true,
                                                  .retry = !ups[k].found,
                                                  .carrier = ups[k].carrier};
            tracking_update_clear(&ups[k]);
        }
        if (e == ERR_OK)
            e = reg_apply(j, refs, res, n, eb);
        n = 0;
    }
    db_rows_free(r);
    return e;
}

/* Registers one batch of numbers that were reserved now. */
ERR_MUST_USE static enum err reg_batch(struct job *j, struct tracking_ref *refs, size_t n,
                                       struct errbuf *eb)
{
    const char *numbers[T17_BATCH_MAX];
    int64_t carriers[T17_BATCH_MAX];
    bool ok[T17_BATCH_MAX];
    struct tracking_reg_result res[T17_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
        numbers[i] = refs[i].number;
        carriers[i] = refs[i].carrier;
    }
    enum err e =
        tstore_reserve(j->env->db, j->key_id, j->holder, numbers, carriers, n, j->wall, ok, eb);
    size_t m = 0;
    for (size_t i = 0; e == ERR_OK && i < n; i++)
        if (ok[i])
            refs[m++] = refs[i];
    if (e != ERR_OK || m == 0)
        return e;
    e = j->p->ops->register_numbers(j->p, refs, m, res, eb);
    if (e != ERR_OK) {
        /* No answer: the reservations stay and are recovered by asking the provider. */
        return e;
    }
    return reg_apply(j, refs, res, m, eb);
}

/* Parcels waiting for registration whose number is already accepted in the ledger. */
ERR_MUST_USE static enum err reg_known(struct job *j, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(j->key_id), DB_P_INT(j->now)};
    enum err e =
        db_pool_exec(j->env->db,
                     "UPDATE tracking_shipments SET reg_state = 'registered', registered_at "
                     "= $2, next_poll_at = $2 WHERE provider = '17track' AND reg_state = "
                     "'new' AND tracking_number IN (SELECT number FROM "
                     "tracking_registrations WHERE key_id = $1 AND state = 'accepted')",
                     p, 2, NULL, eb);
    return e;
}

ERR_MUST_USE static enum err reg_new(struct job *j, struct errbuf *eb)
{
    enum err e = reg_recover(j, eb);
    if (e == ERR_OK)
        e = reg_known(j, eb);
    if (e == ERR_OK)
        e = tstore_carriers_apply(j->env->db, j->now, eb);
    struct db_rows *r = NULL;
    struct db_conn *c = db_acquire(j->env->db);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT DISTINCT tracking_number, carrier FROM tracking_shipments WHERE "
                     "provider = '17track' AND reg_state = 'new' ORDER BY tracking_number",
                     NULL, 0, &r, eb);
    db_release(c);
    struct tracking_ref refs[T17_BATCH_MAX];
    size_t n = 0;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r) && !job_stopping(j); i++) {
        refs[n++] = (struct tracking_ref){.number = db_rows_get(r, i, 0),
                                          .carrier = db_rows_int_or(r, i, 1, 0)};
        if (n == T17_BATCH_MAX || i + 1 == db_rows_count(r)) {
            e = reg_batch(j, refs, n, eb);
            n = 0;
        }
    }
    db_rows_free(r);
    return e;
}

/* Applies one fetched batch, one transaction for the batch. */
ERR_MUST_USE static enum err poll_apply(struct job *j, const struct db_rows *r, size_t from,
                                        size_t n, const struct tracking_update *ups,
                                        struct errbuf *eb)
{
    struct db_conn *c = db_acquire(j->env->db);
    enum err e = db_begin(c, eb);
    for (size_t k = 0; e == ERR_OK && k < n; k++) {
        bool changed = false;
        j->r->polled++;
        if (!ups[k].found) {
            j->r->failed++;
            continue;
        }
        e = tstore_apply(c, db_rows_get(r, from + k, 0), &ups[k], j->now, &changed, eb);
        j->r->changed += changed ? 1 : 0;
    }
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

ERR_MUST_USE static enum err poll_due(struct job *j, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    const char *only = j->o->connection_id != NULL ? j->o->connection_id : "";
    struct db_param p[] = {DB_P_TEXT(j->p->ops->name),
                           DB_P_INT(j->o->poll_all ? INT64_MAX : j->now), DB_P_TEXT(only),
                           DB_P_INT(TRACKING_REFRESH_MAX)};
    enum err e =
        db_pool_query(j->env->db,
                      "SELECT id, tracking_number, carrier, package_sn, connection_id FROM "
                      "tracking_shipments WHERE provider = $1 AND reg_state = 'registered' "
                      "AND status NOT IN ('delivered', 'returned', 'expired') AND "
                      "next_poll_at <= $2 AND ($3 = '' OR connection_id = $3) ORDER BY "
                      "next_poll_at, id LIMIT $4",
                      p, 4, &r, eb);
    size_t batch = j->p->ops->batch, total = db_rows_count(r);
    struct tracking_ref *refs = calloc(batch, sizeof *refs);
    struct tracking_update *ups = calloc(batch, sizeof *ups);
    if (e == ERR_OK && (refs == NULL || ups == NULL))
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    for (size_t from = 0; e == ERR_OK && from < total && !job_stopping(j); from += batch) {
        size_t n = total - from < batch ? total - from : batch;
        for (size_t k = 0; k < n; k++)
            refs[k] = (struct tracking_ref){.number = db_rows_get(r, from + k, 1),
                                            .carrier = db_rows_int_or(r, from + k, 2, 0),
                                            .package_sn = db_rows_get(r, from + k, 3),
                                            .connection_id = db_rows_get(r, from + k, 4)};
        e = j->p->ops->fetch(j->p, refs, n, ups, eb);
        if (e == ERR_OK)
            e = poll_apply(j, r, from, n, ups, eb);
        for (size_t k = 0; k < n; k++)
            tracking_update_clear(&ups[k]);
    }
    free(refs);
    free(ups);
    db_rows_free(r);
    return e;
}

/* Records the outcome for the registry: last success, or the key refused, or the error. */
static void refresh_note(struct job *j, enum err e, struct errbuf *eb)
{
    char v[32];
    struct errbuf nb = {0};
    struct db_conn *c = db_acquire(j->env->db);
    snprintf(v, sizeof v, "%lld", (long long)j->wall);
    enum err ne = ERR_OK;
    if (e == ERR_OK) {
        ne = tstore_setting_put(c, "last_ok_at", v, j->wall, &nb);
        if (ne == ERR_OK)
            ne = tstore_setting_put(c, "last_error", "", j->wall, &nb);
        if (ne == ERR_OK)
            ne = tstore_setting_put(c, "key_refused_at", "0", j->wall, &nb);
    } else {
        ne = tstore_setting_put(c, "last_error", errbuf_message(eb, e), j->wall, &nb);
        if (ne == ERR_OK && e == ERR_AUTH)
            ne = tstore_setting_put(c, "key_refused_at", v, j->wall, &nb);
    }
    db_release(c);
    if (ne != ERR_OK)
        log_kv(LOG_WARN, "tracking.note_failed", "reason", errbuf_message(&nb, ne), NULL);
}

/*
 * Pushes are in use once one has arrived: then gettracklist finds the numbers whose pushes
 * went missing (without pushes every parcel is polled on its schedule anyway).
 */
ERR_MUST_USE static enum err reconcile_if_pushed(struct job *j, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(j->env->db, "SELECT 1 FROM tracking_pushes LIMIT 1", NULL, 0, &r, eb);
    bool pushed = e == ERR_OK && db_rows_count(r) > 0;
    db_rows_free(r);
    if (e == ERR_OK && pushed)
        e = tracking_reconcile(j->env->db, j->p, j->key_id, j->wall, j->o->should_stop,
                               j->o->stop_ctx, &j->r->listed, &j->r->missed, eb);
    return e;
}

ERR_MUST_USE static enum err refresh_steps(struct job *j, struct errbuf *eb)
{
    enum err e = ERR_OK;
    if (j->o->discover)
        e = discover(j, eb);
    if (e == ERR_OK && j->key_id != NULL && !j->o->poll_all)
        e = reconcile_if_pushed(j, eb);
    if (e == ERR_OK && j->key_id != NULL)
        e = reg_new(j, eb);
    if (e == ERR_OK)
        e = poll_due(j, eb);
    if (e == ERR_OK)
        e = tstore_flags_eval(j->env->db, NULL, j->now, &j->r->flags_raised, &j->r->flags_cleared,
                              &j->r->open, eb);
    return e;
}

enum err tracking_refresh(const struct connect_env *env, const struct tracking_refresh_opts *o,
                          struct tracking_refresh_result *r, struct errbuf *eb)
{
    struct job j = {.env = env, .o = o, .r = r, .wall = (int64_t)time(NULL)};
    memset(r, 0, sizeof *r);
    j.now = o->now > 0 ? o->now : j.wall;
    char host[64] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "localhost");
    snprintf(j.holder, sizeof j.holder, "%s:%lld", host, (long long)getpid());
    struct tracking_settings st;
    enum err e = tracking_settings_get(env->db, &st, eb);
    if (e == ERR_OK && !st.enabled)
        e = err_set(eb, ERR_CONFLICT, "tracking_disabled",
                    "Tracking is switched off: turn it on in Settings > Carrier tracking or with "
                    "aicos tracking configure --enable.");
    if (e == ERR_OK)
        e = tracking_provider_open(env, &j.p, eb);
    if (e != ERR_OK) {
        snprintf(r->message, sizeof r->message, "%s", errbuf_message(eb, e));
        return e;
    }
    struct t17_client *t = tracking_provider_t17(j.p);
    j.key_id = t != NULL ? t17_client_key_id(t) : NULL;
    if (t != NULL) {
        /* The ledger needs a remaining quota before the first registration (getquota is
         * free); refreshed on every run so a top-up is seen. */
        struct tracking_quota q;
        e = j.p->ops->quota(j.p, &q, eb);
        if (e == ERR_OK)
            e = tstore_quota_set(env->db, j.key_id, q.remain, j.wall - 1, j.wall, eb);
    }
    if (e == ERR_OK)
        e = refresh_steps(&j, eb);
    refresh_note(&j, e, eb);
    if (e != ERR_OK)
        snprintf(r->message, sizeof r->message, "%s", errbuf_message(eb, e));
    tracking_provider_free(j.p);
    log_kv(e == ERR_OK ? LOG_INFO : LOG_WARN, "tracking.refresh", "outcome",
           e == ERR_OK ? "success" : errbuf_code(eb, e), NULL);
    return e;
}

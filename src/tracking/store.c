/*
 * Tracking storage: settings, applying updates, flags, the quota ledger. See store.h.
 */
#include "tracking/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracking/tracking.h"

#define OPEN_SQL "status NOT IN ('delivered', 'returned', 'expired')"

void tstore_shipment_id(const char *connection_id, const char *package_sn, char *out)
{
    crypto_generichash_state st;
    unsigned char h[TRACKING_ID_LEN / 2];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)connection_id, strlen(connection_id));
    crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&st, (const unsigned char *)package_sn, strlen(package_sn));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, TRACKING_ID_LEN + 1, h, sizeof h);
}

enum err tstore_setting(struct db_conn *c, const char *name, char *out, size_t len,
                        struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    out[0] = '\0';
    enum err e = db_query(c, "SELECT value FROM tracking_settings WHERE name = $1", p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1)
        snprintf(out, len, "%s", db_rows_get(r, 0, 0));
    db_rows_free(r);
    return e;
}

enum err tstore_setting_put(struct db_conn *c, const char *name, const char *value, int64_t now,
                            struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(name), DB_P_TEXT(value), DB_P_INT(now)};
    return db_exec(c,
                   "INSERT INTO tracking_settings (name, value, updated_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = "
                   "excluded.updated_at",
                   p, 3, NULL, eb);
}

/* The event's key: a hash of what makes it the same scan. */
static void event_key(const struct tracking_event *ev, char out[33])
{
    char at[24];
    unsigned char h[16];
    crypto_generichash_state st;
    snprintf(at, sizeof at, "%lld", (long long)ev->at);
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    const char *parts[] = {at, ev->raw, ev->text, ev->location};
    for (size_t i = 0; i < 4; i++)
        crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 33, h, sizeof h);
}

ERR_MUST_USE static enum err apply_events(struct db_conn *c, const char *id,
                                          const struct tracking_update *u, int64_t now,
                                          bool *changed, struct errbuf *eb)
{
    for (size_t i = 0; i < u->count; i++) {
        const struct tracking_event *ev = &u->events[i];
        char key[33];
        int64_t n = 0;
        event_key(ev, key);
        struct db_param p[] = {DB_P_TEXT(id),           DB_P_TEXT(key),
                               DB_P_INT(ev->at),        DB_P_TEXT(tracking_status_name(ev->status)),
                               DB_P_TEXT(ev->raw),      DB_P_TEXT(ev->text),
                               DB_P_TEXT(ev->location), DB_P_INT(now)};
        enum err e = db_exec(c,
                             "INSERT INTO tracking_events (shipment_id, event_key, at, status, "
                             "raw_status, description, location, received_at) VALUES ($1, $2, "
                             "$3, $4, $5, $6, $7, $8) ON CONFLICT (shipment_id, event_key) DO "
                             "NOTHING",
                             p, 8, &n, eb);
        if (e != ERR_OK)
            return e;
        if (n > 0)
            *changed = true;
    }
    return ERR_OK;
}

enum err tstore_apply(struct db_conn *c, const char *id, const struct tracking_update *u,
                      int64_t now, bool *changed, struct errbuf *eb)
{
    *changed = false;
    enum err e = apply_events(c, id, u, now, changed, eb);
    if (e != ERR_OK)
        return e;
    /* Status only from an answer at least as new as the stored one: an out-of-order push
     * never moves a parcel back. Times only ever fill in or move to the stored scans. */
    const char *status = u->has_status ? tracking_status_name(u->status) : "";
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_INT(u->has_status ? 1 : 0),
                           DB_P_TEXT(status),
                           DB_P_TEXT(u->raw_status),
                           DB_P_TEXT(u->raw_sub),
                           DB_P_INT(u->latest_at),
                           DB_P_INT(u->picked_up_at),
                           DB_P_INT(u->delivered_at),
                           DB_P_INT(now),
                           DB_P_INT(now + TRACKING_POLL_S),
                           DB_P_INT(u->stopped ? 1 : 0),
                           DB_P_INT(u->found ? 1 : 0)};
    int64_t n = 0;
    e = db_exec(
        c,
        "UPDATE tracking_shipments SET "
        "status = CASE WHEN $2 = 1 AND $6 >= latest_at THEN $3 WHEN $12 = 1 AND status = "
        "'registered' THEN 'not_found' ELSE status END, "
        "raw_status = CASE WHEN $2 = 1 AND $6 >= latest_at THEN $4 ELSE raw_status END, "
        "raw_sub_status = CASE WHEN $2 = 1 AND $6 >= latest_at THEN $5 ELSE raw_sub_status END, "
        "latest_at = CASE WHEN $6 > latest_at THEN $6 ELSE latest_at END, "
        "picked_up_at = CASE WHEN picked_up_at = 0 THEN $7 ELSE picked_up_at END, "
        "delivered_at = CASE WHEN delivered_at = 0 THEN $8 ELSE delivered_at END, "
        "first_event_at = COALESCE((SELECT MIN(at) FROM tracking_events WHERE shipment_id = $1), "
        "0), last_event_at = COALESCE((SELECT MAX(at) FROM tracking_events WHERE shipment_id = "
        "$1), 0), refreshed_at = $9, next_poll_at = $10, "
        "reg_state = CASE WHEN $11 = 1 THEN 'stopped' ELSE reg_state END, updated_at = $9 "
        "WHERE id = $1",
        p, 12, &n, eb);
    if (e == ERR_OK && n == 0)
        e = err_set(eb, ERR_NOTFOUND, "shipment_not_found", "no such parcel");
    return e;
}

/* The thresholds of (connection, lane): the shop's override row, else the default. */
static void lane_thresholds(const struct db_rows *lanes, const char *conn, const char *lane,
                            struct tracking_thresholds *t)
{
    enum tracking_lane l;
    if (!tracking_lane_parse(lane, &l))
        l = TRACKING_LANE_DOMESTIC;
    tracking_thresholds_default(l, t);
    for (size_t i = 0; i < db_rows_count(lanes); i++) {
        if (strcmp(db_rows_get(lanes, i, 0), conn) != 0 || strcmp(db_rows_get(lanes, i, 1), lane))
            continue;
        int64_t *f[] = {&t->stall_s, &t->customs_stall_s, &t->transit_s, &t->lost_s};
        for (size_t k = 0; k < 4; k++) {
            int64_t v = db_rows_int_or(lanes, i, 2 + k, 0);
            if (v > 0)
                *f[k] = v;
        }
    }
}

/* The stored flag of (id, kind) in flags, or NULL. */
static const char *flag_stored(const struct db_rows *flags, size_t *cursor, const char *id,
                               const char *kind)
{
    /* flags is ordered by shipment id like the parcels, so a cursor walks both at once. */
    while (*cursor < db_rows_count(flags) && strcmp(db_rows_get(flags, *cursor, 0), id) < 0)
        (*cursor)++;
    for (size_t i = *cursor; i < db_rows_count(flags) && strcmp(db_rows_get(flags, i, 0), id) == 0;
         i++) {
        if (strcmp(db_rows_get(flags, i, 1), kind) == 0)
            return db_rows_get(flags, i, 2);
    }
    return NULL;
}

ERR_MUST_USE static enum err flag_write(struct db_conn *c, const char *id, const char *kind,
                                        const struct tracking_flag *f, int64_t now,
                                        struct errbuf *eb)
{
    if (f == NULL) {
        struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(kind)};
        return db_exec(c, "DELETE FROM tracking_flags WHERE shipment_id = $1 AND flag = $2", p, 2,
                       NULL, eb);
    }
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(kind), DB_P_TEXT(f->reason), DB_P_INT(f->since),
                           DB_P_INT(now)};
    return db_exec(c,
                   "INSERT INTO tracking_flags (shipment_id, flag, reason, since, raised_at) "
                   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (shipment_id, flag) DO UPDATE SET "
                   "reason = excluded.reason, since = excluded.since",
                   p, 5, NULL, eb);
}

/* One parcel's row (columns of flags_eval's SELECT) against its stored flags. */
ERR_MUST_USE static enum err flags_one(struct db_conn *c, const struct db_rows *r, size_t i,
                                       const struct db_rows *lanes, const struct db_rows *flags,
                                       size_t *cursor, int64_t now, int64_t *raised,
                                       int64_t *cleared, struct errbuf *eb)
{
    const char *id = db_rows_get(r, i, 0);
    struct tracking_facts f = {.sub_status = db_rows_get(r, i, 4)};
    struct tracking_thresholds t;
    struct tracking_flag got[TRACKING_FLAGS_MAX];
    if (!tracking_status_parse(db_rows_get(r, i, 3), &f.status))
        f.status = TRACKING_REGISTERED;
    int64_t *times[] = {&f.shipped_at, &f.first_event_at, &f.last_event_at, &f.picked_up_at,
                        &f.promise_at};
    for (size_t k = 0; k < 5; k++)
        *times[k] = db_rows_int_or(r, i, 5 + k, 0);
    lane_thresholds(lanes, db_rows_get(r, i, 1), db_rows_get(r, i, 2), &t);
    size_t n = tracking_flags_compute(&f, &t, now, got);
    for (int kind = TRACKING_FLAG_STALLED; kind <= TRACKING_FLAG_LOST; kind++) {
        const char *name = tracking_flag_name((enum tracking_flag_kind)kind);
        const struct tracking_flag *want = NULL;
        for (size_t k = 0; k < n; k++)
            if (got[k].kind == (enum tracking_flag_kind)kind)
                want = &got[k];
        const char *have = flag_stored(flags, cursor, id, name);
        if ((want == NULL && have == NULL) ||
            (want != NULL && have != NULL && strcmp(have, want->reason) == 0))
            continue;
        enum err e = flag_write(c, id, name, want, now, eb);
        if (e != ERR_OK)
            return e;
        if (want != NULL)
            (*raised)++;
        else
            (*cleared)++;
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err flags_clear_final(struct db_conn *c, const char *id, int64_t *cleared,
                                               struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    int64_t n = 0;
    enum err e =
        db_exec(c,
                "DELETE FROM tracking_flags WHERE ($1 = '' OR shipment_id = $1) AND "
                "shipment_id IN (SELECT id FROM tracking_shipments WHERE NOT " OPEN_SQL ")",
                p, 1, &n, eb);
    *cleared += n;
    return e;
}

enum err tstore_flags_eval(struct db *db, const char *id, int64_t now, int64_t *raised,
                           int64_t *cleared, int64_t *open, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL, *lanes = NULL, *flags = NULL;
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT id, connection_id, lane, status, raw_sub_status, shipped_at, "
                     "first_event_at, last_event_at, picked_up_at, promise_at FROM "
                     "tracking_shipments WHERE " OPEN_SQL " AND ($1 = '' OR id = $1) ORDER BY id",
                     p, 1, &r, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT connection_id, lane, stall_s, customs_stall_s, transit_s, lost_s "
                     "FROM tracking_lanes",
                     NULL, 0, &lanes, eb);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT shipment_id, flag, reason FROM tracking_flags WHERE ($1 = '' OR "
                     "shipment_id = $1) ORDER BY shipment_id",
                     p, 1, &flags, eb);
    size_t cursor = 0;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        e = flags_one(c, r, i, lanes, flags, &cursor, now, raised, cleared, eb);
    if (e == ERR_OK)
        e = flags_clear_final(c, id, cleared, eb);
    e = db_end(c, e, eb);
    *open = (int64_t)db_rows_count(r);
    db_rows_free(r);
    db_rows_free(lanes);
    db_rows_free(flags);
    db_release(c);
    return e;
}

/* The key's remaining quota in the ledger; -1 when never read (no limit known yet). */
ERR_MUST_USE static enum err quota_remain(struct db_conn *c, const char *key_id, int64_t *remain,
                                          struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(key_id)};
    enum err e = db_query(c, "SELECT remain FROM tracking_quota WHERE key_id = $1", p, 1, &r, eb);
    *remain = -1;
    if (e == ERR_OK && db_rows_count(r) == 1)
        e = db_rows_int(r, 0, 0, remain);
    db_rows_free(r);
    return e;
}

enum err tstore_reserve(struct db *db, const char *key_id, const char *holder,
                        const char *const *numbers, const int64_t *carriers, size_t n, int64_t now,
                        bool *ok, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    int64_t remain = -1, taken = 0;
    enum err e = db_begin(c, eb);
    if (e == ERR_OK)
        e = quota_remain(c, key_id, &remain, eb);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        int64_t added = 0;
        ok[i] = false;
        if (remain >= 0 && taken >= remain)
            continue;
        struct db_param p[] = {DB_P_TEXT(key_id), DB_P_TEXT(numbers[i]), DB_P_INT(carriers[i]),
                               DB_P_INT(now), DB_P_TEXT(holder)};
        e = db_exec(c,
                    "INSERT INTO tracking_registrations (key_id, number, carrier, state, code, "
                    "holder, reserved_at, done_at) VALUES ($1, $2, $3, 'reserved', 0, $5, $4, 0) "
                    "ON CONFLICT (key_id, number) DO NOTHING",
                    p, 5, &added, eb);
        ok[i] = added > 0;
        taken += added;
    }
    if (e == ERR_OK && remain >= 0 && taken > 0) {
        struct db_param q[] = {DB_P_TEXT(key_id), DB_P_INT(taken)};
        e = db_exec(c, "UPDATE tracking_quota SET remain = remain - $2 WHERE key_id = $1", q, 2,
                    NULL, eb);
    }
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

enum err tstore_reserve_done(struct db_conn *c, const char *key_id, const char *number,
                             const char *state, int64_t code, bool spent, int64_t now,
                             struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(key_id), DB_P_TEXT(number), DB_P_TEXT(state), DB_P_INT(code),
                           DB_P_INT(now)};
    enum err e =
        strcmp(state, "released") == 0
            ? db_exec(c,
                      "DELETE FROM tracking_registrations WHERE key_id = $1 AND number = $2 AND "
                      "state = 'reserved'",
                      p, 2, NULL, eb)
            : db_exec(c,
                      "UPDATE tracking_registrations SET state = $3, code = $4, done_at = $5 "
                      "WHERE key_id = $1 AND number = $2",
                      p, 5, NULL, eb);
    if (e == ERR_OK && !spent) {
        struct db_param q[] = {DB_P_TEXT(key_id)};
        e = db_exec(c, "UPDATE tracking_quota SET remain = remain + 1 WHERE key_id = $1", q, 1,
                    NULL, eb);
    }
    return e;
}

enum err tstore_quota_set(struct db *db, const char *key_id, int64_t remain, int64_t since,
                          int64_t now, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    struct db_param p[] = {DB_P_TEXT(key_id), DB_P_INT(remain), DB_P_INT(now), DB_P_INT(since)};
    /* Open reservations, and numbers reserved since the provider was asked, may be spent at
     * the provider without being counted in its answer; keeping them out of remain errs on
     * the side of never overspending. */
    enum err e = db_exec(
        c,
        "INSERT INTO tracking_quota (key_id, remain, checked_at) SELECT $1, CASE WHEN n > $2 "
        "THEN 0 ELSE $2 - n END, $3 FROM (SELECT COUNT(*) AS n FROM tracking_registrations WHERE "
        "key_id = $1 AND (state = 'reserved' OR reserved_at >= $4)) q WHERE 1 = 1 ON CONFLICT "
        "(key_id) DO UPDATE SET remain = excluded.remain, checked_at = excluded.checked_at",
        p, 4, NULL, eb);
    db_release(c);
    return e;
}

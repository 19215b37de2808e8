/*
 * Reconciling missed pushes with 17TRACK's own list (gettracklist, free; §1.3 "use it for
 * reconciling missed pushes"). 17TRACK keeps, per number, when it last saw the carrier move
 * (track_time); a push that never arrived leaves our parcel older than that. Each refresh
 * lists the numbers whose track_time is at or after the stored watermark (less an overlap),
 * oldest first, 40 a page, and in one transaction per page:
 *   - a parcel whose newest applied event is older than the listed track_time is polled now
 *     (gettrackinfo in the same refresh), so the missed push costs one poll, not a 6 h wait;
 *   - a number stopped at 17TRACK whose data we have is marked stopped (the stop push was lost);
 *   - a number 17TRACK tracks that the quota ledger does not know (registered before a restore,
 *     or from the dashboard) gets an accepted ledger row, so it is never registered (spent)
 *     again and its waiting parcels count as registered.
 * The watermark (setting tracklist_at) is the newest track_time seen, in 17TRACK's clock.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/parse.h"
#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"

#define RECONCILE_PAGE      40
#define RECONCILE_OVERLAP_S 3600

/* Unix seconds as 17TRACK's filter time (UTC). */
static void reconcile_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Applies one listed record in the page's transaction. */
ERR_MUST_USE static enum err reconcile_one(struct db_conn *c, const char *key_id, const json_t *it,
                                           int64_t now, int64_t *missed, struct errbuf *eb)
{
    const char *number = json_string_value(json_object_get(it, "number"));
    const char *ts = json_string_value(json_object_get(it, "tracking_status"));
    int64_t at = t17_time_parse(json_string_value(json_object_get(it, "track_time")));
    int64_t carrier = json_integer_value(json_object_get(it, "carrier")), n = 0;
    if (number == NULL || strlen(number) > TRACKING_NUMBER_MAX)
        return ERR_OK;
    bool stopped = ts != NULL && strcmp(ts, "Stopped") == 0;
    struct db_param l[] = {DB_P_TEXT(key_id), DB_P_TEXT(number), DB_P_INT(carrier), DB_P_INT(now)};
    enum err e = db_exec(c,
                         "INSERT INTO tracking_registrations (key_id, number, carrier, state, "
                         "code, holder, reserved_at, done_at) VALUES ($1, $2, $3, 'accepted', 0, "
                         "'gettracklist', $4, $4) ON CONFLICT (key_id, number) DO NOTHING",
                         l, 4, NULL, eb);
    struct db_param p[] = {DB_P_TEXT(number), DB_P_INT(at), DB_P_INT(now)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE tracking_shipments SET next_poll_at = 0, updated_at = $3 WHERE "
                    "provider = '17track' AND reg_state = 'registered' AND tracking_number = $1 "
                    "AND latest_at < $2 AND next_poll_at > 0",
                    p, 3, &n, eb);
    *missed += n;
    if (e == ERR_OK && stopped)
        e = db_exec(c,
                    "UPDATE tracking_shipments SET reg_state = 'stopped', updated_at = $3 WHERE "
                    "provider = '17track' AND reg_state = 'registered' AND tracking_number = $1 "
                    "AND latest_at >= $2",
                    p, 3, NULL, eb);
    return e;
}

/* One listed page in one transaction; *newest gets the newest track_time on it. */
ERR_MUST_USE static enum err reconcile_page(struct db *db, const char *key_id, const json_t *items,
                                            int64_t now, int64_t *newest, int64_t *missed,
                                            struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = db_begin(c, eb);
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        int64_t at = t17_time_parse(json_string_value(json_object_get(it, "track_time")));
        if (e != ERR_OK)
            break;
        *newest = at > *newest ? at : *newest;
        e = reconcile_one(c, key_id, it, now, missed, eb);
    }
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

enum err tracking_reconcile(struct db *db, struct tracking_provider *p, const char *key_id,
                            int64_t now, bool (*stop)(void *), void *stop_ctx, int64_t *listed,
                            int64_t *missed, struct errbuf *eb)
{
    char v[32] = "", from[32];
    int64_t mark = 0, newest = 0;
    struct db_conn *c = db_acquire(db);
    enum err e = tstore_setting(c, "tracklist_at", v, sizeof v, eb);
    db_release(c);
    if (e == ERR_OK && v[0] != '\0' && parse_int64(v, 0, INT64_MAX, &mark) != ERR_OK)
        mark = 0;
    reconcile_time(mark > RECONCILE_OVERLAP_S ? mark - RECONCILE_OVERLAP_S : 0, from);
    newest = mark;
    for (int64_t page = 1; e == ERR_OK && page <= TRACKING_RECONCILE_PAGES; page++) {
        if (stop != NULL && stop(stop_ctx))
            break;
        json_t *data = NULL;
        json_t *filter = json_pack("{s:I, s:s, s:s}", "page_no", (json_int_t)page, "order_by",
                                   "TrackTimeAsc", "track_time_from", from);
        e = filter != NULL ? tracking_17track_list(p, filter, &data, eb)
                           : err_set(eb, ERR_NOMEM, NULL, "out of memory");
        json_decref(filter);
        const json_t *items = json_object_get(data, "accepted");
        size_t n = json_array_size(items);
        *listed += (int64_t)n;
        if (e == ERR_OK)
            e = reconcile_page(db, key_id, items, now, &newest, missed, eb);
        json_decref(data);
        if (n < RECONCILE_PAGE)
            break;
    }
    if (e == ERR_OK && newest > mark) {
        snprintf(v, sizeof v, "%lld", (long long)newest);
        c = db_acquire(db);
        e = tstore_setting_put(c, "tracklist_at", v, now, eb);
        db_release(c);
    }
    return e;
}

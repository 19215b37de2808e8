/*
 * Tracking queries for the console, the JSON API, the registry and the action center. See
 * tracking.h. Parameterized; nothing here writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

#define SHIP_COLS                                                                                  \
    "s.id, s.connection_id, s.parent_order_sn, s.order_sn, s.package_sn, s.tracking_number, "      \
    "s.carrier_name, s.carrier, s.lane, s.provider, s.reg_state, s.status, s.raw_status, "         \
    "s.raw_sub_status, s.shipped_at, s.promise_at, s.first_event_at, s.last_event_at, "            \
    "s.picked_up_at, s.delivered_at, s.refreshed_at, s.reg_error"

#define SHIP_WHERE                                                                                 \
    "($1 = '' OR s.status = $1) AND ($2 = '' OR ($2 = 'any' AND EXISTS (SELECT 1 FROM "            \
    "tracking_flags f WHERE f.shipment_id = s.id)) OR EXISTS (SELECT 1 FROM tracking_flags f "     \
    "WHERE f.shipment_id = s.id AND f.flag = $2)) AND ($3 = '' OR s.carrier_name = $3 OR "         \
    "CAST(s.carrier AS TEXT) = $3) AND ($4 = '' OR s.lane = $4) AND ($5 = '' OR "                  \
    "s.connection_id = $5) AND ($6 = '' OR s.parent_order_sn = $6)"

static json_t *time_or_null(const struct db_rows *r, size_t i, size_t col)
{
    int64_t t = db_rows_int_or(r, i, col, 0);
    return t > 0 ? json_integer(t) : json_null();
}

static json_t *ship_json(const struct db_rows *r, size_t i)
{
    static const char *const text[] = {"id",          "connection_id", "parent_order_sn",
                                       "order_sn",    "package_sn",    "tracking_number",
                                       "carrier_name"};
    static const char *const times[] = {"shipped_at",    "promise_at",   "first_event_at",
                                        "last_event_at", "picked_up_at", "delivered_at",
                                        "refreshed_at"};
    json_t *j = json_object();
    for (size_t k = 0; j != NULL && k < 7; k++)
        json_object_set_new(j, text[k], json_string(db_rows_get(r, i, k)));
    json_object_set_new(j, "carrier", json_integer(db_rows_int_or(r, i, 7, 0)));
    static const char *const more[] = {"lane",   "provider",   "registration",
                                       "status", "raw_status", "raw_sub_status"};
    for (size_t k = 0; j != NULL && k < 6; k++)
        json_object_set_new(j, more[k], json_string(db_rows_get(r, i, 8 + k)));
    for (size_t k = 0; j != NULL && k < 7; k++)
        json_object_set_new(j, times[k], time_or_null(r, i, 14 + k));
    json_object_set_new(j, "registration_error", json_string(db_rows_get(r, i, 21)));
    json_object_set_new(j, "flags", json_array());
    return j;
}

ERR_MUST_USE static enum err attach_flags(struct db_conn *c, json_t *list, struct errbuf *eb)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *s = json_array_get(list, i);
        struct db_rows *r = NULL;
        struct db_param p[] = {DB_P_TEXT(json_string_value(json_object_get(s, "id")))};
        enum err e = db_query(c,
                              "SELECT flag, reason, since FROM tracking_flags WHERE shipment_id "
                              "= $1 ORDER BY flag",
                              p, 1, &r, eb);
        if (e != ERR_OK)
            return e;
        json_t *flags = json_object_get(s, "flags");
        for (size_t k = 0; k < db_rows_count(r); k++)
            json_array_append_new(flags, json_pack("{s:s, s:s, s:I}", "flag", db_rows_get(r, k, 0),
                                                   "reason", db_rows_get(r, k, 1), "since",
                                                   (json_int_t)db_rows_int_or(r, k, 2, 0)));
        db_rows_free(r);
    }
    return ERR_OK;
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

enum err tracking_filter_read(tracking_lookup_fn get, const void *ctx, struct tracking_filter *f,
                              struct errbuf *eb)
{
    enum tracking_status st;
    enum tracking_lane ln;
    memset(f, 0, sizeof *f);
    f->status = get(ctx, "status");
    f->flag = get(ctx, "flag");
    f->carrier = get(ctx, "carrier");
    f->lane = get(ctx, "lane");
    f->connection_id = get(ctx, "shop");
    f->parent_order_sn = get(ctx, "order");
    if (f->status != NULL && *f->status && !tracking_status_parse(f->status, &st))
        return err_set(eb, ERR_INVAL, "bad_status", "status: not a tracking status");
    if (f->lane != NULL && *f->lane && !tracking_lane_parse(f->lane, &ln))
        return err_set(eb, ERR_INVAL, "bad_lane", "lane: domestic, express, line or postal");
    if (f->flag != NULL && *f->flag && strcmp(f->flag, "any") != 0 &&
        strcmp(f->flag, "stalled") != 0 && strcmp(f->flag, "delayed") != 0 &&
        strcmp(f->flag, "lost_suspect") != 0)
        return err_set(eb, ERR_INVAL, "bad_flag", "flag: any, stalled, delayed or lost_suspect");
    const char *v = get(ctx, "limit");
    if (v != NULL && *v && parse_int64(v, 1, TRACKING_LIST_MAX, &f->limit) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit: 1..%d", TRACKING_LIST_MAX);
    v = get(ctx, "offset");
    if (v != NULL && *v && parse_int64(v, 0, INT32_MAX, &f->offset) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_offset", "offset: 0 or more");
    return ERR_OK;
}

enum err tracking_shipments_list(struct db *db, const struct tracking_filter *f, json_t **out,
                                 struct errbuf *eb)
{
    int64_t limit = f->limit > 0 && f->limit <= TRACKING_LIST_MAX ? f->limit : 50, total = 0;
    struct db_param p[] = {DB_P_TEXT(nz(f->status)),
                           DB_P_TEXT(nz(f->flag)),
                           DB_P_TEXT(nz(f->carrier)),
                           DB_P_TEXT(nz(f->lane)),
                           DB_P_TEXT(nz(f->connection_id)),
                           DB_P_TEXT(nz(f->parent_order_sn)),
                           DB_P_INT(limit),
                           DB_P_INT(f->offset)};
    struct db_rows *r = NULL, *cnt = NULL;
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(c,
                          "SELECT " SHIP_COLS " FROM tracking_shipments s WHERE " SHIP_WHERE
                          " ORDER BY s.shipped_at DESC, s.id LIMIT $7 OFFSET $8",
                          p, 8, &r, eb);
    if (e == ERR_OK)
        e = db_query(c, "SELECT COUNT(*) FROM tracking_shipments s WHERE " SHIP_WHERE, p, 6, &cnt,
                     eb);
    if (e == ERR_OK)
        e = db_rows_int(cnt, 0, 0, &total);
    json_t *list = json_array();
    for (size_t i = 0; e == ERR_OK && list != NULL && i < db_rows_count(r); i++)
        json_array_append_new(list, ship_json(r, i));
    if (e == ERR_OK)
        e = attach_flags(c, list, eb);
    db_release(c);
    db_rows_free(r);
    db_rows_free(cnt);
    if (e == ERR_OK)
        *out = json_pack("{s:o, s:I, s:I, s:I}", "shipments", list, "total", (json_int_t)total,
                         "limit", (json_int_t)limit, "offset", (json_int_t)f->offset);
    else
        json_decref(list);
    return e == ERR_OK && *out == NULL ? err_set(eb, ERR_NOMEM, NULL, "out of memory") : e;
}

ERR_MUST_USE static enum err ship_events(struct db_conn *c, const char *id, json_t *s,
                                         struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e = db_query(c,
                          "SELECT at, status, raw_status, description, location FROM "
                          "tracking_events WHERE shipment_id = $1 ORDER BY at DESC, event_key",
                          p, 1, &r, eb);
    json_t *events = json_array();
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(
            events,
            json_pack("{s:I, s:s, s:s, s:s, s:s}", "at", (json_int_t)db_rows_int_or(r, i, 0, 0),
                      "status", db_rows_get(r, i, 1), "raw_status", db_rows_get(r, i, 2),
                      "description", db_rows_get(r, i, 3), "location", db_rows_get(r, i, 4)));
    json_object_set_new(s, "events", events);
    db_rows_free(r);
    return e;
}

enum err tracking_shipment_get(struct db *db, const char *id, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    struct db_conn *c = db_acquire(db);
    enum err e =
        db_query(c, "SELECT " SHIP_COLS " FROM tracking_shipments s WHERE s.id = $1", p, 1, &r, eb);
    json_t *list = json_array();
    if (e == ERR_OK && db_rows_count(r) != 1)
        e = err_set(eb, ERR_NOTFOUND, "shipment_not_found", "No parcel with that id.");
    if (e == ERR_OK)
        json_array_append_new(list, ship_json(r, 0));
    if (e == ERR_OK)
        e = attach_flags(c, list, eb);
    if (e == ERR_OK)
        e = ship_events(c, id, json_array_get(list, 0), eb);
    if (e == ERR_OK)
        *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    db_rows_free(r);
    db_release(c);
    return e;
}

enum err tracking_flags_list(struct db *db, const char *flag, const char *connection_id,
                             int64_t limit, json_t **out, struct errbuf *eb)
{
    if (limit < 1 || limit > TRACKING_LIST_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit: 1..%d", TRACKING_LIST_MAX);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(nz(flag)), DB_P_TEXT(nz(connection_id)), DB_P_INT(limit)};
    enum err e = db_pool_query(
        db,
        "SELECT f.shipment_id, s.connection_id, s.parent_order_sn, s.tracking_number, "
        "s.carrier_name, s.lane, s.status, f.flag, f.reason, f.since, f.raised_at FROM "
        "tracking_flags f JOIN tracking_shipments s ON s.id = f.shipment_id WHERE ($1 = '' OR "
        "f.flag = $1) AND ($2 = '' OR s.connection_id = $2) ORDER BY f.raised_at DESC, "
        "f.shipment_id, f.flag LIMIT $3",
        p, 3, &r, eb);
    json_t *list = json_array();
    static const char *const keys[] = {"shipment_id",     "connection_id", "parent_order_sn",
                                       "tracking_number", "carrier_name",  "lane",
                                       "status",          "flag",          "reason"};
    for (size_t i = 0; e == ERR_OK && list != NULL && i < db_rows_count(r); i++) {
        json_t *j = json_object();
        for (size_t k = 0; j != NULL && k < 9; k++)
            json_object_set_new(j, keys[k], json_string(db_rows_get(r, i, k)));
        json_object_set_new(j, "since", json_integer(db_rows_int_or(r, i, 9, 0)));
        json_object_set_new(j, "raised_at", json_integer(db_rows_int_or(r, i, 10, 0)));
        json_array_append_new(list, j);
    }
    db_rows_free(r);
    if (e != ERR_OK || list == NULL) {
        json_decref(list);
        return e != ERR_OK ? e : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    *out = list;
    return ERR_OK;
}

enum err tracking_summary_get(const struct connect_env *env, struct tracking_summary *out,
                              struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    enum err e = tracking_settings_get(env->db, &out->settings, eb);
    if (e != ERR_OK)
        return e;
    if (env->vault != NULL) {
        char *key = NULL;
        size_t len = 0;
        struct errbuf kb = {0};
        out->key_present = vault_get(env->vault, TRACKING_KEY_SECRET, &key, &len, &kb) == ERR_OK;
        if (key != NULL)
            vault_secret_free(key, len);
    }
    struct db_rows *r = NULL, *o = NULL;
    struct db_conn *c = db_acquire(env->db);
    e = db_query(c,
                 "SELECT (SELECT COUNT(*) FROM tracking_shipments), (SELECT COUNT(*) FROM "
                 "tracking_shipments WHERE status NOT IN ('delivered', 'returned', 'expired')), "
                 "(SELECT COUNT(DISTINCT s.connection_id || '/' || s.parent_order_sn) FROM "
                 "tracking_flags f JOIN tracking_shipments s ON s.id = f.shipment_id), "
                 "(SELECT COUNT(*) FROM tracking_shipments WHERE carrier = 0 AND status NOT IN "
                 "('delivered', 'returned', 'expired'))",
                 NULL, 0, &r, eb);
    int64_t *v[] = {&out->parcels, &out->open, &out->flagged, &out->unmapped};
    for (size_t i = 0; e == ERR_OK && i < 4; i++)
        e = db_rows_int(r, 0, i, v[i]);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT s.parent_order_sn, MAX(f.raised_at) AS m FROM tracking_flags f JOIN "
                     "tracking_shipments s ON s.id = f.shipment_id WHERE s.parent_order_sn <> '' "
                     "GROUP BY s.parent_order_sn ORDER BY m DESC, s.parent_order_sn LIMIT 3",
                     NULL, 0, &o, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(o) && i < 3; i++)
        snprintf(out->flagged_orders[i], sizeof out->flagged_orders[i], "%s", db_rows_get(o, i, 0));
    db_rows_free(r);
    db_rows_free(o);
    db_release(c);
    return e;
}

enum err tracking_order_times(struct db_conn *c, const char *sn, int64_t *picked_up_at,
                              int64_t *delivered_at, struct errbuf *eb)
{
    *picked_up_at = *delivered_at = 0;
    const char *bare = strncmp(sn, "PO-", 3) == 0 ? sn + 3 : sn;
    struct db_param p[] = {DB_P_TEXT(sn), DB_P_TEXT(bare)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT COUNT(*), SUM(CASE WHEN delivered_at > 0 THEN 1 ELSE 0 END), "
                          "MAX(delivered_at), MIN(CASE WHEN picked_up_at > 0 THEN picked_up_at "
                          "END) FROM tracking_shipments WHERE parent_order_sn IN ($1, $2, 'PO-' "
                          "|| $2)",
                          p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        int64_t n = db_rows_int_or(r, 0, 0, 0);
        if (n > 0 && db_rows_int_or(r, 0, 1, 0) == n)
            *delivered_at = db_rows_int_or(r, 0, 2, 0);
        *picked_up_at = db_rows_int_or(r, 0, 3, 0);
    }
    db_rows_free(r);
    return e;
}

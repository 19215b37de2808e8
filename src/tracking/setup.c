/*
 * Tracking setup: the provider setting and its key, parcels added, lane overrides, the
 * quota report. See tracking.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/parse.h"

#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"
#include "vault/vault.h"

/* One stored setting into the matching field of out. */
static void settings_take(struct tracking_settings *out, const char *name, const char *value)
{
    struct {
        const char *name;
        char *text;
        size_t len;
        int64_t *num;
    } const fields[] = {
        {"provider", out->provider, sizeof out->provider, NULL},
        {"url", out->url, sizeof out->url, NULL},
        {"last_error", out->last_error, sizeof out->last_error, NULL},
        {"last_ok_at", NULL, 0, &out->last_ok_at},
        {"key_refused_at", NULL, 0, &out->key_refused_at},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].name, name) != 0)
            continue;
        if (fields[i].text != NULL)
            snprintf(fields[i].text, fields[i].len, "%s", value);
        else if (value[0] != '\0' && parse_int64(value, 0, INT64_MAX, fields[i].num) != ERR_OK)
            *fields[i].num = 0;
        return;
    }
    /* The switch and the request budget (absent: enabled, the provider's full rate). */
    if (strcmp(name, "enabled") == 0)
        out->enabled = strcmp(value, "0") != 0;
    else if (strcmp(name, "rate_per_min") == 0 && value[0] != '\0' &&
             parse_int64(value, 1, TRACKING_RATE_MAX, &out->rate_per_min) != ERR_OK)
        out->rate_per_min = TRACKING_RATE_MAX;
}

enum err tracking_settings_get(struct db *db, struct tracking_settings *out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    memset(out, 0, sizeof *out);
    out->enabled = true;
    out->rate_per_min = TRACKING_RATE_MAX;
    /* One statement for every setting (the registry row reads them on each /integrations). */
    enum err e = db_pool_query(
        db,
        "SELECT name, value FROM tracking_settings WHERE name IN "
        "('provider', 'url', 'last_error', 'last_ok_at', 'key_refused_at', 'enabled', "
        "'rate_per_min')",
        NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const char *name = db_rows_get(r, i, 0), *value = db_rows_get(r, i, 1);
        if (name != NULL && value != NULL)
            settings_take(out, name, value);
    }
    db_rows_free(r);
    if (out->provider[0] == '\0')
        snprintf(out->provider, sizeof out->provider, "none");
    return e;
}

enum err tracking_provider_open(const struct connect_env *env, struct tracking_provider **out,
                                struct errbuf *eb)
{
    struct tracking_settings s;
    *out = NULL;
    enum err e = tracking_settings_get(env->db, &s, eb);
    if (e != ERR_OK)
        return e;
    if (strcmp(s.provider, "temu") == 0)
        return tracking_provider_temu_new(env, out, eb);
    if (strcmp(s.provider, "17track") != 0)
        return err_set(eb, ERR_CONFLICT, "tracking_not_configured",
                       "No tracking provider is configured: aicos tracking configure.");
    if (env->vault == NULL)
        return err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                       "The vault is not open: the 17TRACK key cannot be read.");
    char *key = NULL;
    size_t len = 0;
    e = vault_get(env->vault, TRACKING_KEY_SECRET, &key, &len, eb);
    if (e == ERR_NOTFOUND)
        return err_set(eb, ERR_CONFLICT, "tracking_not_configured",
                       "No 17TRACK API key is stored: aicos tracking configure --key-file F.");
    if (e != ERR_OK)
        return e;
    e = tracking_provider_17track_new(s.url, key, env->db, TRACKING_MINUTE_US / s.rate_per_min, out,
                                      eb);
    vault_secret_free(key, len);
    return e;
}

/* Upper-cases a tracking number into out, dropping spaces; the shape check follows. */
static void number_normalize(const char *in, char out[TRACKING_NUMBER_MAX + 2])
{
    size_t n = 0;
    for (; *in != '\0' && n <= TRACKING_NUMBER_MAX; in++) {
        char ch = *in;
        if (ch == ' ')
            continue;
        out[n++] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
    }
    out[n] = '\0';
}

enum err tracking_shipment_add(struct db *db, const char *provider, const struct tracking_add *a,
                               int64_t now, char id[TRACKING_ID_LEN + 1], bool *created,
                               struct errbuf *eb)
{
    char number[TRACKING_NUMBER_MAX + 2], pkg[TRACKING_NUMBER_MAX + 16];
    number_normalize(a->number != NULL ? a->number : "", number);
    const char *why = tracking_number_problem(number);
    if (why != NULL)
        return err_set(eb, ERR_INVAL, "tracking_number_invalid", "Tracking number refused: %s.",
                       why);
    const char *conn = a->connection_id != NULL ? a->connection_id : "";
    snprintf(pkg, sizeof pkg, "manual:%s", number);
    const char *package = a->package_sn != NULL && *a->package_sn ? a->package_sn : pkg;
    int64_t carrier = a->carrier;
    enum tracking_lane lane = tracking_lane_of_carrier(carrier);
    if (carrier <= 0) {
        struct db_conn *c = db_acquire(db);
        enum err e =
            tracking_carrier_resolve(c, a->temu_carrier_id, a->carrier_name, &carrier, &lane, eb);
        db_release(c);
        if (e != ERR_OK)
            return e;
    }
    tstore_shipment_id(conn, package, id);
    /* Nothing to register with Temu: its parcels are registered as soon as they exist. */
    const char *state = strcmp(provider, "temu") == 0 ? "registered" : "new";
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(conn),
                           DB_P_TEXT(a->parent_order_sn != NULL ? a->parent_order_sn : ""),
                           DB_P_TEXT(a->order_sn != NULL ? a->order_sn : ""),
                           DB_P_TEXT(package),
                           DB_P_TEXT(number),
                           DB_P_INT(a->temu_carrier_id),
                           DB_P_TEXT(a->carrier_name != NULL ? a->carrier_name : ""),
                           DB_P_INT(carrier),
                           DB_P_TEXT(tracking_lane_name(lane)),
                           DB_P_TEXT(provider),
                           DB_P_TEXT(state),
                           DB_P_INT(a->shipped_at > 0 ? a->shipped_at : now),
                           DB_P_INT(a->promise_at),
                           DB_P_INT(now)};
    int64_t n = 0;
    enum err e = db_pool_exec(
        db,
        "INSERT INTO tracking_shipments (id, connection_id, parent_order_sn, order_sn, "
        "package_sn, tracking_number, temu_carrier_id, carrier_name, carrier, lane, provider, "
        "reg_state, reg_error, status, raw_status, raw_sub_status, shipped_at, promise_at, "
        "first_event_at, last_event_at, latest_at, picked_up_at, delivered_at, registered_at, "
        "refreshed_at, next_poll_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        "$8, $9, $10, $11, $12, '', 'registered', '', '', $13, $14, 0, 0, 0, 0, 0, 0, 0, 0, $15, "
        "$15) ON CONFLICT (id) DO NOTHING",
        p, 15, &n, eb);
    *created = n > 0;
    return e;
}

/* The renumber's statements, in c's transaction. */
ERR_MUST_USE static enum err renumber_rows(struct db_conn *c, const char *id, const char *number,
                                           int64_t carrier, enum tracking_lane lane, int64_t now,
                                           struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(number), DB_P_INT(carrier),
                           DB_P_TEXT(tracking_lane_name(lane)), DB_P_INT(now)};
    /* Nothing of the old number's scans or flags belongs to the new one. */
    enum err e = db_exec(c, "DELETE FROM tracking_events WHERE shipment_id = $1", p, 1, NULL, eb);
    if (e == ERR_OK)
        e = db_exec(c, "DELETE FROM tracking_flags WHERE shipment_id = $1", p, 1, NULL, eb);
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE tracking_shipments SET tracking_number = $2, carrier = $3, lane = $4, "
                    "reg_state = CASE WHEN provider = 'temu' THEN 'registered' ELSE 'new' END, "
                    "reg_error = '', status = 'registered', raw_status = '', raw_sub_status = '', "
                    "first_event_at = 0, last_event_at = 0, latest_at = 0, picked_up_at = 0, "
                    "delivered_at = 0, registered_at = 0, next_poll_at = 0, updated_at = $5 "
                    "WHERE id = $1",
                    p, 5, NULL, eb);
    return e;
}

enum err tracking_shipment_renumber(struct db *db, const char *id, const struct tracking_add *a,
                                    int64_t now, struct errbuf *eb)
{
    char number[TRACKING_NUMBER_MAX + 2];
    number_normalize(a->number != NULL ? a->number : "", number);
    const char *why = tracking_number_problem(number);
    if (why != NULL)
        return err_set(eb, ERR_INVAL, "tracking_number_invalid", "Tracking number refused: %s.",
                       why);
    int64_t carrier = a->carrier;
    enum tracking_lane lane = tracking_lane_of_carrier(carrier);
    struct db_conn *c = db_acquire(db);
    enum err e = carrier > 0 ? ERR_OK
                             : tracking_carrier_resolve(c, a->temu_carrier_id, a->carrier_name,
                                                        &carrier, &lane, eb);
    if (e == ERR_OK)
        e = db_begin(c, eb);
    if (e == ERR_OK) {
        e = renumber_rows(c, id, number, carrier, lane, now, eb);
        e = db_end(c, e, eb);
    }
    db_release(c);
    return e;
}

enum err tracking_lane_set(struct db *db, const char *connection_id, enum tracking_lane lane,
                           const struct tracking_thresholds *t, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(connection_id), DB_P_TEXT(tracking_lane_name(lane)),
                           DB_P_INT(t->stall_s),     DB_P_INT(t->customs_stall_s),
                           DB_P_INT(t->transit_s),   DB_P_INT(t->lost_s)};
    enum err e =
        db_pool_exec(db,
                     "INSERT INTO tracking_lanes (connection_id, lane, stall_s, "
                     "customs_stall_s, transit_s, lost_s) VALUES ($1, $2, $3, $4, $5, $6) ON "
                     "CONFLICT (connection_id, lane) DO UPDATE SET stall_s = excluded.stall_s, "
                     "customs_stall_s = excluded.customs_stall_s, transit_s = "
                     "excluded.transit_s, lost_s = excluded.lost_s",
                     p, 6, NULL, eb);
    return e;
}

/* The ledger's counts of key_id into j. */
ERR_MUST_USE static enum err quota_ledger(struct db *db, const char *key_id, json_t *j,
                                          struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(key_id)};
    struct db_conn *c = db_acquire(db);
    enum err e = db_query(
        c,
        "SELECT COALESCE((SELECT remain FROM tracking_quota WHERE key_id = $1), -1), "
        "(SELECT COUNT(*) FROM tracking_registrations WHERE key_id = $1 AND state = 'reserved'), "
        "(SELECT COUNT(*) FROM tracking_registrations WHERE key_id = $1 AND state = 'accepted'), "
        "(SELECT COUNT(*) FROM tracking_registrations WHERE key_id = $1 AND state = 'rejected')",
        p, 1, &r, eb);
    int64_t v[4] = {0};
    for (size_t i = 0; e == ERR_OK && i < 4; i++)
        e = db_rows_int(r, 0, i, &v[i]);
    db_rows_free(r);
    db_release(c);
    if (e == ERR_OK)
        json_object_set_new(j, "ledger",
                            json_pack("{s:I, s:I, s:I, s:I}", "remain", (json_int_t)v[0],
                                      "reserved", (json_int_t)v[1], "accepted", (json_int_t)v[2],
                                      "rejected", (json_int_t)v[3]));
    return e;
}

enum err tracking_quota_report(const struct connect_env *env, bool fetch, json_t **out,
                               struct errbuf *eb)
{
    struct tracking_provider *p = NULL;
    enum err e = tracking_provider_open(env, &p, eb);
    if (e != ERR_OK)
        return e;
    struct t17_client *t = tracking_provider_t17(p);
    json_t *j = json_pack("{s:s, s:s, s:n}", "provider", p->ops->name, "key_id",
                          t != NULL ? t17_client_key_id(t) : "", "provider_quota");
    if (j == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK && t != NULL && fetch) {
        struct tracking_quota q;
        int64_t asked = (int64_t)time(NULL) - 1;
        e = p->ops->quota(p, &q, eb);
        if (e == ERR_OK)
            e = tstore_quota_set(env->db, t17_client_key_id(t), q.remain, asked, time(NULL), eb);
        if (e == ERR_OK)
            json_object_set_new(
                j, "provider_quota",
                json_pack("{s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)q.total, "used",
                          (json_int_t)q.used, "remain", (json_int_t)q.remain, "today_used",
                          (json_int_t)q.today_used, "max_track_daily", (json_int_t)q.max_daily));
    }
    if (e == ERR_OK && t != NULL)
        e = quota_ledger(env->db, t17_client_key_id(t), j, eb);
    tracking_provider_free(p);
    if (e != ERR_OK)
        json_decref(j);
    else
        *out = j;
    return e;
}

/*
 * The carrier mapping (tracking-and-settlement.md §1.8, §1.12): Temu's carrier (its carrierId,
 * else its name) -> the provider's carrier code and the lane, one table (tracking_carriers,
 * migration 29) seeded with the verified carriers, edited by operators, and filled in when
 * 17TRACK's auto-detection names the carrier of a number (origin 1). See tracking.h.
 */
#include <stdio.h>
#include <string.h>

#include "tracking/store.h"
#include "tracking/tracking.h"

/* The mapping rows of parcel s (SQL: a correlated subquery's FROM and WHERE). */
#define CARRIER_MATCH                                                                              \
    "SELECT 1 FROM tracking_carriers c WHERE (c.temu_carrier_id = s.temu_carrier_id AND "          \
    "s.temu_carrier_id > 0 AND c.name_key = '') OR (c.temu_carrier_id = 0 AND c.name_key = "       \
    "lower(s.carrier_name))"

enum err tstore_carriers_apply(struct db *db, int64_t now, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(now)};
    /* SQLite and PostgreSQL both take a correlated subquery per column; s names the row. */
    return db_pool_exec(
        db,
        "UPDATE tracking_shipments AS s SET carrier = (SELECT c.code FROM tracking_carriers c "
        "WHERE (c.temu_carrier_id = s.temu_carrier_id AND s.temu_carrier_id > 0 AND c.name_key = "
        "'') OR (c.temu_carrier_id = 0 AND c.name_key = lower(s.carrier_name)) ORDER BY "
        "c.temu_carrier_id DESC LIMIT 1), lane = (SELECT c.lane FROM tracking_carriers c WHERE "
        "(c.temu_carrier_id = s.temu_carrier_id AND s.temu_carrier_id > 0 AND c.name_key = '') "
        "OR (c.temu_carrier_id = 0 AND c.name_key = lower(s.carrier_name)) ORDER BY "
        "c.temu_carrier_id DESC LIMIT 1), updated_at = $1 WHERE s.provider = '17track' AND "
        "s.reg_state = 'new' AND s.carrier = 0 AND EXISTS (" CARRIER_MATCH ")",
        p, 1, NULL, eb);
}

/* The name as a key: ASCII lower case, trimmed, at most TRACKING_CARRIER_NAME_MAX bytes. */
static void carrier_key(const char *name, char out[TRACKING_CARRIER_NAME_MAX + 1])
{
    size_t n = 0;
    while (name != NULL && (*name == ' ' || *name == '\t'))
        name++;
    for (; name != NULL && *name != '\0' && n < TRACKING_CARRIER_NAME_MAX; name++)
        out[n++] = (*name >= 'A' && *name <= 'Z') ? (char)(*name - 'A' + 'a') : *name;
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

enum err tracking_carrier_resolve(struct db_conn *c, int64_t temu_id, const char *name,
                                  int64_t *code, enum tracking_lane *lane, struct errbuf *eb)
{
    char key[TRACKING_CARRIER_NAME_MAX + 1];
    struct db_rows *r = NULL;
    carrier_key(name, key);
    *code = 0;
    *lane = TRACKING_LANE_DOMESTIC;
    /* The carrier's own id first (what Temu uploads), then its name. */
    struct db_param p[] = {DB_P_INT(temu_id), DB_P_TEXT(key)};
    enum err e = db_query(c,
                          "SELECT code, lane FROM tracking_carriers WHERE (temu_carrier_id = $1 "
                          "AND $1 > 0 AND name_key = '') OR (temu_carrier_id = 0 AND name_key = "
                          "$2 AND $2 <> '') ORDER BY temu_carrier_id DESC LIMIT 1",
                          p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        *code = db_rows_int_or(r, 0, 0, 0);
        if (!tracking_lane_parse(db_rows_get(r, 0, 1), lane))
            *lane = tracking_lane_of_carrier(*code);
    }
    db_rows_free(r);
    return e;
}

enum err tstore_carrier_learn(struct db_conn *c, const char *number, int64_t code, int64_t now,
                              struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(number)};
    enum err e = db_query(c,
                          "SELECT temu_carrier_id, carrier_name FROM tracking_shipments WHERE "
                          "tracking_number = $1 AND carrier = 0 AND (temu_carrier_id > 0 OR "
                          "carrier_name <> '') LIMIT 1",
                          p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        int64_t id = db_rows_int_or(r, 0, 0, 0);
        char key[TRACKING_CARRIER_NAME_MAX + 1];
        carrier_key(db_rows_get(r, 0, 1), key);
        /* Keyed by the id when Temu gave one; an operator's or a seeded row always wins. */
        struct db_param q[] = {DB_P_INT(id > 0 ? id : 0),
                               DB_P_TEXT(id > 0 ? "" : key),
                               DB_P_TEXT(db_rows_get(r, 0, 1)),
                               DB_P_INT(code),
                               DB_P_TEXT(tracking_lane_name(tracking_lane_of_carrier(code))),
                               DB_P_INT(now)};
        e = db_exec(c,
                    "INSERT INTO tracking_carriers (temu_carrier_id, name_key, name, code, lane, "
                    "source, updated_at) VALUES ($1, $2, $3, $4, $5, 'detected', $6) ON "
                    "CONFLICT (temu_carrier_id, name_key) DO NOTHING",
                    q, 6, NULL, eb);
    }
    db_rows_free(r);
    return e;
}

/* Checks a mapping's key: a Temu carrier id, or a name; ERR_INVAL otherwise. */
ERR_MUST_USE static enum err carrier_check(int64_t temu_id, const char *name,
                                           char key[TRACKING_CARRIER_NAME_MAX + 1],
                                           struct errbuf *eb)
{
    carrier_key(name, key);
    if (temu_id < 0 || (temu_id == 0 && key[0] == '\0'))
        return err_set(eb, ERR_INVAL, "carrier_key_missing",
                       "Name the Temu carrier by its id (temu_carrier_id > 0) or by its name.");
    if (name != NULL && strlen(name) > TRACKING_CARRIER_NAME_MAX)
        return err_set(eb, ERR_INVAL, "carrier_name_too_long",
                       "A carrier name is at most %d bytes.", TRACKING_CARRIER_NAME_MAX);
    if (temu_id > 0)
        key[0] = '\0';
    return ERR_OK;
}

enum err tracking_carrier_set(struct db *db, const struct tracking_carrier_map *m, int64_t now,
                              int64_t *applied, struct errbuf *eb)
{
    char key[TRACKING_CARRIER_NAME_MAX + 1];
    enum tracking_lane lane = tracking_lane_of_carrier(m->code);
    *applied = 0;
    enum err e = carrier_check(m->temu_carrier_id, m->name, key, eb);
    if (e != ERR_OK)
        return e;
    if (m->code < 1 || m->code > TRACKING_CARRIER_CODE_MAX)
        return err_set(eb, ERR_INVAL, "carrier_code_invalid",
                       "The 17TRACK carrier code is an integer from 1 to %d.",
                       TRACKING_CARRIER_CODE_MAX);
    if (m->lane != NULL && *m->lane != '\0' && !tracking_lane_parse(m->lane, &lane))
        return err_set(eb, ERR_INVAL, "bad_lane", "lane is domestic, express, line or postal.");
    char name_key[TRACKING_CARRIER_NAME_MAX + 1];
    carrier_key(m->name, name_key);
    struct db_param p[] = {DB_P_INT(m->temu_carrier_id),
                           DB_P_TEXT(key),
                           DB_P_TEXT(m->name != NULL ? m->name : ""),
                           DB_P_INT(m->code),
                           DB_P_TEXT(tracking_lane_name(lane)),
                           DB_P_INT(now)};
    struct db_param u[] = {DB_P_INT(m->temu_carrier_id), DB_P_INT(m->code),
                           DB_P_TEXT(tracking_lane_name(lane)), DB_P_INT(now), DB_P_TEXT(name_key)};
    struct db_conn *c = db_acquire(db);
    e = db_begin(c, eb);
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO tracking_carriers (temu_carrier_id, name_key, name, code, lane, "
                    "source, updated_at) VALUES ($1, $2, $3, $4, $5, 'operator', $6) ON CONFLICT "
                    "(temu_carrier_id, name_key) DO UPDATE SET name = excluded.name, code = "
                    "excluded.code, lane = excluded.lane, source = 'operator', updated_at = "
                    "excluded.updated_at",
                    p, 6, NULL, eb);
    /* Parcels not registered yet take the mapping now; registered ones keep theirs (a change
     * at 17TRACK is changecarrier: aicos tracking manage --carrier). */
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE tracking_shipments SET carrier = $2, lane = $3, updated_at = $4 "
                    "WHERE reg_state IN ('new', 'refused') AND carrier <> $2 AND (($1 > 0 AND "
                    "temu_carrier_id = $1) OR ($1 = 0 AND lower(carrier_name) = $5))",
                    u, 5, applied, eb);
    e = db_end(c, e, eb);
    db_release(c);
    return e;
}

enum err tracking_carrier_delete(struct db *db, int64_t temu_id, const char *name,
                                 struct errbuf *eb)
{
    char key[TRACKING_CARRIER_NAME_MAX + 1];
    enum err e = carrier_check(temu_id, name, key, eb);
    if (e != ERR_OK)
        return e;
    int64_t n = 0;
    struct db_param p[] = {DB_P_INT(temu_id), DB_P_TEXT(key)};
    e = db_pool_exec(db,
                     "DELETE FROM tracking_carriers WHERE temu_carrier_id = $1 AND name_key = $2",
                     p, 2, &n, eb);
    if (e == ERR_OK && n == 0)
        e = err_set(eb, ERR_NOTFOUND, "carrier_not_mapped", "No mapping has this Temu carrier.");
    return e;
}

/* The mapping rows as [{temu_carrier_id, name, code, lane, source, updated_at}]. */
ERR_MUST_USE static enum err carriers_rows(struct db_conn *c, json_t *out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT temu_carrier_id, name, code, lane, source, updated_at FROM "
                          "tracking_carriers ORDER BY temu_carrier_id, name_key",
                          NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(out, json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "temu_carrier_id",
                                             (json_int_t)db_rows_int_or(r, i, 0, 0), "name",
                                             db_rows_get(r, i, 1), "code",
                                             (json_int_t)db_rows_int_or(r, i, 2, 0), "lane",
                                             db_rows_get(r, i, 3), "source", db_rows_get(r, i, 4),
                                             "updated_at", (json_int_t)db_rows_int_or(r, i, 5, 0)));
    db_rows_free(r);
    return e;
}

/* Carriers of parcels that no mapping names: [{temu_carrier_id, name, parcels}]. */
ERR_MUST_USE static enum err carriers_unknown(struct db_conn *c, json_t *out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT temu_carrier_id, carrier_name, COUNT(*) FROM tracking_shipments "
                          "s WHERE carrier = 0 AND NOT EXISTS (" CARRIER_MATCH
                          ") GROUP BY temu_carrier_id, carrier_name ORDER BY COUNT(*) DESC, "
                          "carrier_name LIMIT 200",
                          NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(out, json_pack("{s:I, s:s, s:I}", "temu_carrier_id",
                                             (json_int_t)db_rows_int_or(r, i, 0, 0), "name",
                                             db_rows_get(r, i, 1), "parcels",
                                             (json_int_t)db_rows_int_or(r, i, 2, 0)));
    db_rows_free(r);
    return e;
}

enum err tracking_carriers_list(struct db *db, json_t **out, struct errbuf *eb)
{
    json_t *map = json_array(), *unknown = json_array();
    struct db_conn *c = db_acquire(db);
    enum err e =
        map != NULL && unknown != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK)
        e = carriers_rows(c, map, eb);
    if (e == ERR_OK)
        e = carriers_unknown(c, unknown, eb);
    db_release(c);
    if (e == ERR_OK) {
        *out = json_pack("{s:o, s:o}", "carriers", map, "unknown", unknown);
        return *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    json_decref(map);
    json_decref(unknown);
    return e;
}

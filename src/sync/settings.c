/*
 * The console's editable settings and shop names (settings.h).
 */
#include "sync/settings.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/parse.h"

static const struct sync_setting_def defs[SYNC_SETTING__COUNT] = {
    [SYNC_SET_ORDERS_INTERVAL] = {"orders_interval_s", 60, LIMIT_SYNC_INTERVAL_MAX_S},
    [SYNC_SET_PRODUCTS_INTERVAL] = {"products_interval_s", 60, LIMIT_SYNC_INTERVAL_MAX_S},
    [SYNC_SET_CASES_INTERVAL] = {"buyer_cases_interval_s", 60, LIMIT_SYNC_INTERVAL_MAX_S},
    [SYNC_SET_SHIP_SOON_H] = {"ship_soon_h", 1, 168},
    [SYNC_SET_SYNC_STALE_MIN] = {"sync_stale_min", 5, 10080},
};

const struct sync_setting_def *sync_setting_def_of(enum sync_setting s)
{
    return (unsigned)s < SYNC_SETTING__COUNT ? &defs[s] : NULL;
}

static int64_t setting_default(const struct config *cfg, int s)
{
    switch (s) {
    case SYNC_SET_SHIP_SOON_H:
        return 24;
    case SYNC_SET_SYNC_STALE_MIN:
        return 60;
    default:
        return cfg->sync_orders_interval_s;
    }
}

enum err sync_settings_get(struct db *db, const struct config *cfg, struct sync_settings *out,
                           struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    for (int s = 0; s < SYNC_SETTING__COUNT; s++)
        out->value[s] = setting_default(cfg, s);
    struct db_rows *r = NULL;
    enum err e = db_pool_query(db,
                               "SELECT name, value, updated_by, updated_at FROM console_settings "
                               "ORDER BY updated_at",
                               NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        int64_t v;
        for (int s = 0; s < SYNC_SETTING__COUNT; s++) {
            if (strcmp(db_rows_get(r, i, 0), defs[s].name) != 0 ||
                parse_int64(db_rows_get(r, i, 1), defs[s].min, defs[s].max, &v) != ERR_OK)
                continue;
            out->value[s] = v;
            out->stored[s] = true;
            out->updated_at = db_rows_int_or(r, i, 3, 0);
            snprintf(out->updated_by, sizeof out->updated_by, "%s", db_rows_get(r, i, 2));
        }
    }
    db_rows_free(r);
    return e;
}

enum err sync_setting_parse(enum sync_setting s, const char *text, int64_t *out, struct errbuf *eb)
{
    const struct sync_setting_def *d = sync_setting_def_of(s);
    if (d == NULL)
        return err_set(eb, ERR_INVAL, "bad_setting", "unknown setting");
    if (text == NULL || parse_int64(text, d->min, d->max, out) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_setting", "%s must be a whole number from %lld to %lld.",
                       d->name, (long long)d->min, (long long)d->max);
    return ERR_OK;
}

enum err sync_settings_put(struct db *db, const struct config *cfg,
                           const int64_t value[SYNC_SETTING__COUNT],
                           const bool given[SYNC_SETTING__COUNT], const char *who, int64_t now,
                           int *changed, struct errbuf *eb)
{
    struct sync_settings cur;
    int n = 0;
    for (int s = 0; s < SYNC_SETTING__COUNT; s++) {
        if (given[s] && (value[s] < defs[s].min || value[s] > defs[s].max))
            return err_set(eb, ERR_INVAL, "bad_setting",
                           "%s must be a whole number from %lld to %lld.", defs[s].name,
                           (long long)defs[s].min, (long long)defs[s].max);
    }
    enum err e = sync_settings_get(db, cfg, &cur, eb);
    struct db_conn *c = e == ERR_OK ? db_acquire(db) : NULL;
    if (c != NULL)
        e = db_begin(c, eb);
    for (int s = 0; c != NULL && e == ERR_OK && s < SYNC_SETTING__COUNT; s++) {
        if (!given[s] || value[s] == cur.value[s])
            continue;
        char text[24];
        snprintf(text, sizeof text, "%lld", (long long)value[s]);
        struct db_param p[] = {DB_P_TEXT(defs[s].name), DB_P_TEXT(text), DB_P_TEXT(who),
                               DB_P_INT(now)};
        e = db_exec(c,
                    "INSERT INTO console_settings (name, value, updated_by, updated_at) VALUES "
                    "($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                    "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    p, 4, NULL, eb);
        n++;
    }
    if (c != NULL && e == ERR_OK)
        e = db_commit(c, eb);
    else if (c != NULL)
        db_rollback(c);
    db_release(c);
    if (changed != NULL)
        *changed = e == ERR_OK ? n : 0;
    return e;
}

enum err sync_interval_get(struct db *db, const struct config *cfg, int s, int64_t *out,
                           struct errbuf *eb)
{
    struct sync_settings all;
    *out = cfg->sync_orders_interval_s;
    enum err e = sync_settings_get(db, cfg, &all, eb);
    if (e == ERR_OK && s >= 0 && s <= SYNC_SET_CASES_INTERVAL)
        *out = all.value[s];
    return e;
}

enum err sync_shops_list(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    *out = NULL;
    enum err e = db_pool_query(
        db,
        "SELECT c.id, c.region, c.mall_id, c.auth_mode, c.status, COALESCE(n.name, '') FROM "
        "temu_connections c LEFT JOIN shop_names n ON n.connection_id = c.id ORDER BY c.region, "
        "c.mall_id",
        NULL, 0, &r, eb);
    json_t *list = json_array();
    for (size_t i = 0; e == ERR_OK && list != NULL && i < db_rows_count(r); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "id",
                                              db_rows_get(r, i, 0), "region", db_rows_get(r, i, 1),
                                              "mall_id", (json_int_t)db_rows_int_or(r, i, 2, 0),
                                              "auth_mode", db_rows_get(r, i, 3), "status",
                                              db_rows_get(r, i, 4), "name", db_rows_get(r, i, 5)));
    db_rows_free(r);
    if (e == ERR_OK && (list == NULL || (*out = json_pack("{s:o}", "shops", list)) == NULL))
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e != ERR_OK)
        json_decref(list);
    return e;
}

/* name without leading and trailing spaces into out; false when it is not a display name. */
static bool shop_name_clean(const char *name, char out[SYNC_SHOP_NAME_MAX + 1])
{
    while (*name == ' ')
        name++;
    size_t n = strlen(name);
    while (n > 0 && name[n - 1] == ' ')
        n--;
    if (n > SYNC_SHOP_NAME_MAX)
        return false;
    memcpy(out, name, n);
    out[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            return false;
    }
    return json_utf8_valid(out);
}

enum err sync_shop_name_set(struct db *db, const char *conn, const char *name, const char *who,
                            int64_t now, struct errbuf *eb)
{
    char clean[SYNC_SHOP_NAME_MAX + 1];
    if (name == NULL || !shop_name_clean(name, clean))
        return err_set(eb, ERR_INVAL, "bad_shop_name",
                       "A shop name is at most %d bytes of text without control characters.",
                       SYNC_SHOP_NAME_MAX);
    struct db_rows *r = NULL;
    struct db_param k[] = {DB_P_TEXT(conn ? conn : "")};
    enum err e = db_pool_query(db, "SELECT id FROM temu_connections WHERE id = $1", k, 1, &r, eb);
    bool found = e == ERR_OK && db_rows_count(r) == 1;
    db_rows_free(r);
    if (e == ERR_OK && !found)
        return err_set(eb, ERR_NOTFOUND, "connection_not_found", "No such shop connection.");
    struct db_param p[] = {DB_P_TEXT(conn), DB_P_TEXT(clean), DB_P_TEXT(who), DB_P_INT(now)};
    struct db_conn *c = e == ERR_OK ? db_acquire(db) : NULL;
    if (c != NULL && clean[0] == '\0')
        e = db_exec(c, "DELETE FROM shop_names WHERE connection_id = $1", p, 1, NULL, eb);
    else if (c != NULL)
        e = db_exec(c,
                    "INSERT INTO shop_names (connection_id, name, updated_by, updated_at) VALUES "
                    "($1, $2, $3, $4) ON CONFLICT (connection_id) DO UPDATE SET name = "
                    "excluded.name, updated_by = excluded.updated_by, updated_at = "
                    "excluded.updated_at",
                    p, 4, NULL, eb);
    db_release(c);
    return e;
}

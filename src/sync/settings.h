/*
 * The console's editable settings (issue 16, /settings): the sync interval of each stream
 * (which the scheduler reads every tick, so a change applies without a restart), the
 * console's thresholds (ship-by "due soon" hours, sync "stale" minutes) and the shops' display
 * names. Stored in console_settings and shop_names (migration 25); a setting never written
 * has its default (the interval: AICOS_SYNC_ORDERS_INTERVAL_S). Values are checked against
 * their bounds here, so every front end refuses the same values with the same sentence.
 */
#ifndef AICOS_SYNC_SETTINGS_H
#define AICOS_SYNC_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

enum sync_setting {
    SYNC_SET_ORDERS_INTERVAL = 0, /* seconds; the order of enum sync_stream */
    SYNC_SET_PRODUCTS_INTERVAL,
    SYNC_SET_CASES_INTERVAL,
    SYNC_SET_SHIP_SOON_H,    /* hours before ship-by an order to ship counts as due soon */
    SYNC_SET_SYNC_STALE_MIN, /* minutes after which a stream's last success is stale */
    SYNC_SETTING__COUNT
};

#define SYNC_SHOP_NAME_MAX 60 /* bytes of a shop's display name */

struct sync_setting_def {
    const char *name; /* stored name and form field, e.g. "orders_interval_s" */
    int64_t min, max;
};

/* The definition of setting s (names and bounds). */
const struct sync_setting_def *sync_setting_def_of(enum sync_setting s);

struct sync_settings {
    int64_t value[SYNC_SETTING__COUNT];
    bool stored[SYNC_SETTING__COUNT]; /* false: the default */
    int64_t updated_at;               /* of the newest stored value; 0 when none */
    char updated_by[64];
};

/* Every setting's value: the stored one, else its default (cfg for the intervals). */
ERR_MUST_USE enum err sync_settings_get(struct db *db, const struct config *cfg,
                                        struct sync_settings *out, struct errbuf *eb);

/* Parses text as setting s: an integer within its bounds, else ERR_INVAL naming the setting
 * and its bounds. */
ERR_MUST_USE enum err sync_setting_parse(enum sync_setting s, const char *text, int64_t *out,
                                         struct errbuf *eb);

/* Stores the values of the settings with given[s] in one transaction (recording who and now);
 * a value outside its bounds is ERR_INVAL and nothing is stored. *changed (may be NULL) gets
 * how many values differ from what was in force. */
ERR_MUST_USE enum err sync_settings_put(struct db *db, const struct config *cfg,
                                        const int64_t value[SYNC_SETTING__COUNT],
                                        const bool given[SYNC_SETTING__COUNT], const char *who,
                                        int64_t now, int *changed, struct errbuf *eb);

/* The sync interval of stream s (a value of enum sync_stream) in force. */
ERR_MUST_USE enum err sync_interval_get(struct db *db, const struct config *cfg, int s,
                                        int64_t *out, struct errbuf *eb);

/* *out = {"shops": [{id, region, mall_id, auth_mode, status, name}]} (name "" when none was
 * given), by region and mall id. */
ERR_MUST_USE enum err sync_shops_list(struct db *db, json_t **out, struct errbuf *eb);

/* Sets connection conn's display name (trimmed; "" removes it): at most SYNC_SHOP_NAME_MAX
 * bytes of printable UTF-8, else ERR_INVAL; an unknown connection is ERR_NOTFOUND. */
ERR_MUST_USE enum err sync_shop_name_set(struct db *db, const char *conn, const char *name,
                                         const char *who, int64_t now, struct errbuf *eb);

#endif

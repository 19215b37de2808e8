/*
 * The shop dashboard's figures (the console's /dashboard), read from the synced tables: orders
 * per UTC day, late parcels, the share shipped on time, open buyer cases, per shop or for all
 * shops. Read-only; no Temu call.
 */
#ifndef AICOS_SYNC_DASHBOARD_H
#define AICOS_SYNC_DASHBOARD_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

#define SYNC_DASHBOARD_DAYS 14 /* days of the orders chart */

/*
 * *out = {"shops": [{id, region, mall_id, auth_mode}], "days": [{"day": unix day start,
 * "orders": n}] (SYNC_DASHBOARD_DAYS entries ending with now's UTC day, zeros included),
 * "orders_total", "late" (to ship and past ship-by at now), "shipped", "shipped_on_time"
 * (orders with a ship-by whose first shipped status came at or before it), "open_cases"
 * (after-sales not refunded, cancelled or rejected), "money": [{currency, paid_minor,
 * settle_minor, orders}] (the values of the chart's days' orders that have them, per currency,
 * largest first), "computed_at"}. connection_id NULL: all
 * shops; an unknown connection is ERR_NOTFOUND. The figures of a shop are computed at most
 * once per 15 s (kept in memory; computed_at says when); thread-safe.
 */
ERR_MUST_USE enum err sync_dashboard(struct db *db, const char *connection_id, int64_t now,
                                     json_t **out, struct errbuf *eb);

#endif

/*
 * Shops as people name them (issue 16, several shops side by side): the list of connected
 * shops with their display names (src/sync/settings.h), a shop's name for a row ("Main US
 * store", else "Temu US · 634418210000135"; the connection id in the tooltip) and the shop
 * switcher, a GET form of one select (all shops, then each shop) for any list page.
 */
#ifndef AICOS_WEB_SHOPS_H
#define AICOS_WEB_SHOPS_H

#include <jansson.h>
#include <stddef.h>

#include "http/http.h"
#include "store/db.h"
#include "web/html.h"

/* The shops ({"shops": [...]}, sync_shops_list) or an empty list when unreadable (a page
 * still stands); json_decref it. */
json_t *web_shops_load(const struct http_req *req);

/* web_shops_load() from the database itself. */
json_t *web_shops_load_db(struct db *db);

/* The shop of shops whose id is conn, or NULL. */
const json_t *web_shop_find(const json_t *shops, const char *conn);

/* A shop's name as plain text into out (cap bytes; SYNC_SHOP_NAME_MAX + 48 is enough). */
void web_shop_name(const json_t *shop, char *out, size_t cap);

/* A shop's name as text: its display name, else "Temu <REGION> · <mall id>" (and
 * " (sandbox)" for a development connection). */
void web_shop_label(struct html *h, const json_t *shop);

/* A row's shop: the name with the connection id as the tooltip; the id itself when shops
 * does not know it ("—" for an empty id). */
void web_shop_cell(struct html *h, const json_t *shops, const char *conn);

/* The switcher: <form id="shop-switcher" action=ACTION> with connection_id preselected
 * (current NULL or "": all shops). */
void web_shop_switcher(struct html *h, const json_t *shops, const char *current,
                       const char *action);

#endif

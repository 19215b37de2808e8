/* GET /orders (orders_page.c): synced orders with the filters of GET /api/v1/orders and paging. */
#ifndef AICOS_WEB_ORDERS_PAGE_H
#define AICOS_WEB_ORDERS_PAGE_H

#include <jansson.h>

#include "app/app.h"
#include "http/http.h"

/* The amounts (settle_order_amounts_get) of the orders of a query_orders_list document; an
 * empty object when they cannot be read (the list stands without them). json_decref it. */
json_t *web_orders_amounts(const struct app *app, const json_t *doc);

ERR_MUST_USE enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /orders/export.csv (orders_csv.c): the same filters as CSV, at most 2,000 rows. */
ERR_MUST_USE enum err page_orders_csv(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);

/* POST /orders/amounts (form, operator): reads the order values of up to 100 synced orders
 * without one (connection_id optional) from Temu (app_settlement_amounts, audited). */
ERR_MUST_USE enum err page_orders_amounts(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);

#endif

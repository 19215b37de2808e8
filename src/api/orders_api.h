/*
 * Synced orders and products as JSON (issue 7, orders_api.c): GET /api/v1/orders (filters
 * connection_id, status, label, ship_before, ship_after, q; paging page, limit; 422 on bad
 * values), GET /api/v1/orders/{sn} (404 when unknown), GET /api/v1/products (filters
 * connection_id, bucket 1, 4, 5 or 6, q; same paging). The queries are src/sync/query.h.
 */
#ifndef AICOS_API_ORDERS_API_H
#define AICOS_API_ORDERS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_orders_list(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_orders_get(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
ERR_MUST_USE enum err api_products_list(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);

#endif

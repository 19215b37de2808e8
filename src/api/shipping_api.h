/*
 * GET /api/v1/orders/{sn}/shipping (operator; shipping_api.c): the buyer's shipping info of
 * one order (connection_id optional) from its encrypted copy only (404 shipping_not_fetched
 * without a fresh one). POST fetches it now with bg.order.shippinginfo.v2.get unless a fresh
 * copy exists, and seals it in the vault (shipping_get); being a POST it is CSRF-checked.
 * Both audited on every access. 404 unknown order, 503 no vault key, 502 when Temu refused.
 */
#ifndef AICOS_API_SHIPPING_API_H
#define AICOS_API_SHIPPING_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_order_shipping(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_order_shipping_fetch(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);

#endif

/*
 * GET /api/v1/orders/{sn}/shipping (operator; shipping_api.c): the buyer's shipping info of
 * one order (connection_id optional), from its encrypted copy when fresh or fetched now with
 * bg.order.shippinginfo.v2.get and sealed in the vault (shipping_get). Audited on every
 * access. 404 unknown order, 503 no vault key, 502 when Temu refused.
 */
#ifndef AICOS_API_SHIPPING_API_H
#define AICOS_API_SHIPPING_API_H

#include "http/http.h"

enum err api_order_shipping(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

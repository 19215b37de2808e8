/*
 * Shipment confirm (operator; shipments_api.c): POST /api/v1/orders/{sn}/shipments
 * {carrier_id, tracking_number, order_sns?, connection_id?} uploads the parcel
 * (app_shipment_confirm, audited): 201 uploaded now, 200 replayed (already uploaded), 422 bad
 * carrier or tracking number, 404 unknown order, 409 nothing to ship or another carrier,
 * 502/503 Temu. GET (viewer) lists the recorded uploads and the cached carrier list.
 */
#ifndef AICOS_API_SHIPMENTS_API_H
#define AICOS_API_SHIPMENTS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_order_shipments_create(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err api_order_shipments_list(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);

#endif

/*
 * The Shipments pages (issue 12, shipments_page.c): GET /shipments (tracked parcels with
 * filters status, flag, carrier, lane, shop), GET /shipments/{id} (one parcel's timeline with
 * its events and the reason of each flag), and an order's parcels on its page. Data from
 * src/tracking; no SQL here.
 */
#ifndef AICOS_WEB_SHIPMENTS_PAGE_H
#define AICOS_WEB_SHIPMENTS_PAGE_H

#include <jansson.h>

#include "http/http.h"
#include "web/html.h"

ERR_MUST_USE enum err page_shipments(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);

ERR_MUST_USE enum err page_shipment(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);

/* The "Parcels" section of the order page for order o ({connection_id, parent_order_sn}). */
void web_order_parcels(struct http_req *req, struct html *h, const json_t *o);

#endif

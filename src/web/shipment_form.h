/*
 * The order page's shipment section (shipment_form.c): the recorded uploads and, for an
 * operator, the confirm form (carrier from the shop's cached list, tracking number) or a
 * button that loads the list. POST /orders/{sn}/shipments and POST /orders/{sn}/carriers run
 * the audited use-cases of app/shipments.h and redirect back with a fixed notice code.
 */
#ifndef AICOS_WEB_SHIPMENT_FORM_H
#define AICOS_WEB_SHIPMENT_FORM_H

#include <jansson.h>

#include "http/http.h"
#include "web/html.h"

/* Appends the section for order (a query_order_get object). */
void web_order_shipment_section(struct http_req *req, struct html *h, const json_t *order);

ERR_MUST_USE enum err page_order_shipment_submit(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err page_order_carriers_load(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);

#endif

/*
 * What every JSON handler shares: the application context (req->app, app/app.h) and the
 * actor of the request for the use-cases of src/app. Each resource's handlers are declared
 * in the header beside it (auth_api.h, orders_api.h, ...); the route table that names them
 * is src/routes/routes.c. Handlers parse, call src/app or a domain module, and answer JSON;
 * they never write SQL and never include src/web.
 */
#ifndef AICOS_API_API_H
#define AICOS_API_API_H

#include "app/app.h"
#include "http/http.h"

/* The request's actor: who is signed in (or anonymous), request id and source IP. */
struct app_actor api_actor(const struct http_req *req);

/*
 * Shipment confirm (operator; src/api/shipments_api.c): POST /api/v1/orders/{sn}/shipments
 * {carrier_id, tracking_number, order_sns?, connection_id?} uploads the parcel
 * (shipment_confirm): 201 uploaded now, 200 replayed (already uploaded), 422 bad carrier or
 * tracking number, 404 unknown order, 409 nothing to ship or another carrier, 502/503 Temu.
 * GET lists the recorded uploads and the cached carriers. Both audited / read-only.
 */
struct shipment_req;
enum err api_order_shipments_create(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err api_order_shipments_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* Audits one shipment upload attempt (API and console). */
void api_shipment_audit(struct http_req *req, const char *sn, const struct shipment_req *r,
                        enum err e, const json_t *doc, struct errbuf *eb);

/*
 * The order page's shipment section and its forms (src/web/shipment_form.c): POST
 * /orders/{sn}/shipments (operator; the same use-case, audited, redirects back with a notice)
 * and POST /orders/{sn}/carriers (operator; loads the shop's carrier list from Temu).
 */
enum err web_order_shipment_section(struct http_req *req, struct buf *b, const json_t *order);
enum err page_order_shipment_submit(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err page_order_carriers_load(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

/*
 * The audited use-cases of shipment confirm (src/sync/shipments.c does the work): upload a
 * parcel's carrier and tracking number, and load the shop's carrier list. POST
 * /api/v1/orders/{sn}/shipments and the order page's forms call these.
 */
#ifndef AICOS_APP_SHIPMENTS_H
#define AICOS_APP_SHIPMENTS_H

#include "app/app.h"
#include "sync/shipments.h"

/*
 * Confirms the shipment r now as who (shipment_confirm: *out the upload record, *created true
 * when uploaded by this call, false when replayed); audited "order.shipment.confirm" with the
 * carrier, the tracking number and whether it was replayed, on success and on failure.
 */
ERR_MUST_USE enum err app_shipment_confirm(const struct app *app, const struct app_actor *who,
                                           const struct shipment_req *r, json_t **out,
                                           bool *created, struct errbuf *eb);

/*
 * Loads the carrier list of the connection holding order sn (connection_id may be NULL) from
 * Temu into the cache; *carriers (may be NULL) gets it. Audited "order.carriers.load".
 */
ERR_MUST_USE enum err app_order_carriers_load(const struct app *app, const struct app_actor *who,
                                              const char *connection_id, const char *sn,
                                              json_t **carriers, struct errbuf *eb);

#endif

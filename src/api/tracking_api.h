/* Carrier tracking as JSON (issue 12): the parcels, one parcel, and the 17TRACK push. */
#ifndef AICOS_API_TRACKING_API_H
#define AICOS_API_TRACKING_API_H

#include "http/http.h"

/* GET /api/v1/shipments: parcels with filters status, flag, carrier, lane, shop, order. */
ERR_MUST_USE enum err api_shipments_list(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

/* GET /api/v1/shipments/{id}: one parcel with its events and flags. */
ERR_MUST_USE enum err api_shipments_get(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);

/* POST /api/v1/tracking/17track/webhook: public; the `sign` header is the authentication. */
ERR_MUST_USE enum err api_tracking_webhook(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);

#endif

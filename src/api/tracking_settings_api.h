/* Carrier tracking's configuration as JSON (issue 12): the settings and the carrier mapping. */
#ifndef AICOS_API_TRACKING_SETTINGS_API_H
#define AICOS_API_TRACKING_SETTINGS_API_H

#include "http/http.h"

/* GET /api/v1/tracking/settings: provider, URL, switch, budget, keys masked, health. */
ERR_MUST_USE enum err api_tracking_settings_get(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);

/* PUT /api/v1/tracking/settings {provider?, url?, key?, push_key?, enabled?, rate_per_min?}. */
ERR_MUST_USE enum err api_tracking_settings_put(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);

/* GET /api/v1/tracking/carriers: the mapping and the unmapped carriers of parcels. */
ERR_MUST_USE enum err api_tracking_carriers_list(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);

/* PUT /api/v1/tracking/carriers {temu_carrier_id? | name?, code, lane?}: one mapping. */
ERR_MUST_USE enum err api_tracking_carriers_put(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);

/* DELETE /api/v1/tracking/carriers?temu_carrier_id=N | name=NAME: one mapping. */
ERR_MUST_USE enum err api_tracking_carriers_delete(struct http_req *req, struct http_resp *resp,
                                                   struct errbuf *eb);

#endif

/*
 * The carrier tracking settings page (issue 12, tracking_settings_page.c): GET
 * /settings/tracking shows the provider, its URL, the keys (masked), the switch, the 17TRACK
 * request budget, the webhook address to give 17TRACK and the refresh health, and the carrier
 * mapping with the Temu carriers no mapping names. POST /settings/tracking (seller admins) and
 * POST /settings/tracking/carriers (ops) run the audited use-cases of app/tracking.h and answer
 * with post/redirect/get; refusals come back as the notice, or as a console page.
 */
#ifndef AICOS_WEB_TRACKING_SETTINGS_PAGE_H
#define AICOS_WEB_TRACKING_SETTINGS_PAGE_H

#include "http/http.h"

/* GET /settings/tracking */
ERR_MUST_USE enum err page_tracking_settings(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);
/* POST /settings/tracking (provider, url, key, push_key, push_key_remove, enabled, rate) */
ERR_MUST_USE enum err page_tracking_settings_save(struct http_req *req, struct http_resp *resp,
                                                  struct errbuf *eb);
/* POST /settings/tracking/carriers (action set|delete, temu_carrier_id, name, code, lane) */
ERR_MUST_USE enum err page_tracking_carrier_save(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);

#endif

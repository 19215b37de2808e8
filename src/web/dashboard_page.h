/*
 * The shop dashboard (/dashboard): orders per day as a server-rendered SVG bar chart (no
 * script, no external asset), late parcels, the share shipped on time and open buyer cases,
 * for one shop (the switcher, ?connection_id=) or all shops. Figures from sync/dashboard.h.
 */
#ifndef AICOS_WEB_DASHBOARD_PAGE_H
#define AICOS_WEB_DASHBOARD_PAGE_H

#include "http/http.h"

/* GET /dashboard[?connection_id=] */
ERR_MUST_USE enum err page_dashboard(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);

#endif

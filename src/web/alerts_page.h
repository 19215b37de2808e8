/* /settings/alerts: the action center's detector thresholds per shop and its notification
 * targets (add, test-send, disable / enable, delete), through the audited src/app/alerts.h. */
#ifndef AICOS_WEB_ALERTS_PAGE_H
#define AICOS_WEB_ALERTS_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_alerts(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_threshold(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_hook_add(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_hook_test(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_hook_enable(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_hook_disable(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);
ERR_MUST_USE enum err page_alerts_hook_delete(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);

#endif

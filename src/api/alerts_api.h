/* The action center's alert settings over JSON: detector thresholds per shop and the
 * notification hooks (audited, src/app/alerts.h). */
#ifndef AICOS_API_ALERTS_API_H
#define AICOS_API_ALERTS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_alerts_settings(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_setting_set(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hooks(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hook_add(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hook_test(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hook_enable(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hook_disable(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err api_alerts_hook_delete(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);

#endif

/* The action center over JSON (issue 14): the ranked list, one item, the brief, the metrics,
 * and a person's snooze / resolve / assign / reopen (audited, src/app/actions.h). */
#ifndef AICOS_API_ACTIONS_API_H
#define AICOS_API_ACTIONS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_actions_list(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
ERR_MUST_USE enum err api_actions_get(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_actions_brief(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
ERR_MUST_USE enum err api_actions_metrics(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
ERR_MUST_USE enum err api_actions_snooze(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_actions_resolve(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
ERR_MUST_USE enum err api_actions_assign(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_actions_reopen(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

#endif

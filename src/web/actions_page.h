/* The action center page (今日待办 / Action center, the console's home `/`) and its forms. */
#ifndef AICOS_WEB_ACTIONS_PAGE_H
#define AICOS_WEB_ACTIONS_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_actions(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
ERR_MUST_USE enum err page_action_snooze(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err page_action_resolve(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
ERR_MUST_USE enum err page_action_assign(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

#endif

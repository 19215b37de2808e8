/*
 * The sync page (sync_page.c): GET /sync (runs and stream state) and its forms POST
 * /sync/retry (operator; runs the stream now, audited) and POST /sync/resume (ops; audited),
 * each redirecting back to /sync with a fixed notice or showing the error.
 */
#ifndef AICOS_WEB_SYNC_PAGE_H
#define AICOS_WEB_SYNC_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
ERR_MUST_USE enum err page_sync_retry(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err page_sync_resume(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);

#endif

/* GET /cases (cases_page.c): the buyer-initiated cases, newest first. */
#ifndef AICOS_WEB_CASES_PAGE_H
#define AICOS_WEB_CASES_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

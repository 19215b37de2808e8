/* GET /cases (cases_page.c): the buyer-initiated cases, newest first. */
#ifndef AICOS_WEB_CASES_PAGE_H
#define AICOS_WEB_CASES_PAGE_H

#include <jansson.h>

#include "http/http.h"
#include "web/html.h"

ERR_MUST_USE enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* The table of sync_cases_list's {"cases": [...]} (states as words, codes in tooltips); the
 * empty message id when there are none (shared with the order page). */
void web_cases_table(struct html *h, const json_t *doc, int empty_msg);

#endif

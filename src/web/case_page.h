/*
 * One buyer case's page (issue 15): the buyer's words, the intent with confidence and
 * language, the facts panel, the draft with the facts it quotes highlighted (or the
 * checklist, or why there is no draft), and the copy / mark sent / discard and relabel forms.
 */
#ifndef AICOS_WEB_CASE_PAGE_H
#define AICOS_WEB_CASE_PAGE_H

#include "http/http.h"

/* GET /cases/{id}?connection_id= */
ERR_MUST_USE enum err page_case(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* POST /cases/{id}/draft (form: action propose|copied|sent|discarded, draft_id, text,
 * connection_id) */
ERR_MUST_USE enum err page_case_draft(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
/* POST /cases/{id}/label (form: label, connection_id) */
ERR_MUST_USE enum err page_case_label(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);

#endif

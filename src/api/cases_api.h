/*
 * Buyer cases over JSON (issue 15): the list with classification, one case with facts and
 * drafts, proposing or deciding a draft, relabelling.
 */
#ifndef AICOS_API_CASES_API_H
#define AICOS_API_CASES_API_H

#include "http/http.h"

/* GET /api/v1/cases?intent=&priority=&connection_id=&limit= */
ERR_MUST_USE enum err api_cases_list(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
/* GET /api/v1/cases/{id}?connection_id= */
ERR_MUST_USE enum err api_case_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* POST /api/v1/cases/{id}/draft {action?: propose|copied|sent|discarded, draft_id?, text?,
 * connection_id?} */
ERR_MUST_USE enum err api_case_draft(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
/* POST /api/v1/cases/{id}/label {label, connection_id?} */
ERR_MUST_USE enum err api_case_label(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);

/* PUT /api/v1/llm/key {api_key}: the LLM endpoint's key into the vault ("" deletes it) */
ERR_MUST_USE enum err api_llm_key_put(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);

#endif

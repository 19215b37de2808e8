/*
 * The records pages: the audit log (filters actor, action or "prefix.", outcome, since, until;
 * paging backwards; CSV export of the filtered entries with formula cells neutralized) and the
 * secrets (names, key ids and masked values only, and the key ring's rotation status). Ops and
 * seller admins (the routes' least role, as GET /api/v1/audit and /api/v1/secrets).
 */
#ifndef AICOS_WEB_RECORDS_PAGE_H
#define AICOS_WEB_RECORDS_PAGE_H

#include "http/http.h"

/* GET /audit */
ERR_MUST_USE enum err page_audit(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* GET /audit/export.csv: the same filters, every matching entry oldest first, as CSV. */
ERR_MUST_USE enum err page_audit_csv(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
/* GET /audit/export.xlsx: the same as an XLSX workbook (one sheet "audit", the id a number). */
ERR_MUST_USE enum err page_audit_xlsx(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
/* GET /secrets */
ERR_MUST_USE enum err page_secrets(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

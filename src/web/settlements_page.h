/*
 * The settlement pages and forms (settlements_page.c): GET /settlements, /settlements/lines,
 * /settlements/orders/{sn}; POST /settlements/import (multipart upload) and
 * /settlements/reconcile; the order page's settlement section.
 */
#ifndef AICOS_WEB_SETTLEMENTS_PAGE_H
#define AICOS_WEB_SETTLEMENTS_PAGE_H

#include "http/http.h"
#include "web/html.h"

ERR_MUST_USE enum err page_settlements(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
ERR_MUST_USE enum err page_settlement_lines(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
/* The lines of the same filters as a CSV or XLSX download (settlements_export.c). */
ERR_MUST_USE enum err page_settlement_lines_csv(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);
ERR_MUST_USE enum err page_settlement_lines_xlsx(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err page_settlement_order(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err page_settlements_import(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err page_settlements_reconcile(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);

/* The expected and settled money of order sn, when the settlement module knows the order. */
void web_settlement_order_section(const struct http_req *req, struct html *h, const char *sn);

#endif

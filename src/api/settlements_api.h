/*
 * Settlement as JSON (issue 13, settlements_api.c): GET /api/v1/settlements/imports,
 * GET /api/v1/settlements/lines (filters file, order, type; paging limit, offset),
 * GET /api/v1/settlements/reconciliation (the last report and its results; filters layer,
 * status), GET /api/v1/settlements/orders/{sn} (expected and settled money),
 * POST /api/v1/settlements/reconcile and POST /api/v1/settlements/amounts {connection_id?,
 * limit?} (expected amounts read from Temu; both audited). Queries are src/settlement/query.h.
 */
#ifndef AICOS_API_SETTLEMENTS_API_H
#define AICOS_API_SETTLEMENTS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_settlements_imports(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err api_settlements_lines(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err api_settlements_reconciliation(struct http_req *req, struct http_resp *resp,
                                                     struct errbuf *eb);
ERR_MUST_USE enum err api_settlements_order(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err api_settlements_reconcile(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);

/* GET /api/v1/settlements/payout: the payout provider's scheduled API import (payout_status). */
ERR_MUST_USE enum err api_settlements_payout(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);

/* GET /api/v1/settlements/amounts: the expected-amounts stream's state per connection. */
ERR_MUST_USE enum err api_settlements_amount_streams(struct http_req *req, struct http_resp *resp,
                                                     struct errbuf *eb);
ERR_MUST_USE enum err api_settlements_amounts(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);

#endif

/* GET /orders/{sn} (order_page.c): one order, its sub-orders and its status history. */
#ifndef AICOS_WEB_ORDER_PAGE_H
#define AICOS_WEB_ORDER_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_order_detail(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);

#endif

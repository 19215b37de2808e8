/*
 * The console data pages (issue 7, "Console"; data_pages.c): /orders (filters as GET
 * /api/v1/orders), /orders/{sn}, /sync (runs and stream state) with its forms POST
 * /sync/retry (operator; runs the stream now, audited) and POST /sync/resume (ops; audited),
 * each redirecting back to /sync with a fixed notice or showing the error; /products; /cases.
 */
#ifndef AICOS_WEB_DATA_PAGES_H
#define AICOS_WEB_DATA_PAGES_H

#include "http/http.h"

enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_order_detail(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync_retry(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync_resume(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_products(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

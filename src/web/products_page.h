/* GET /products (products_page.c): the shop's products with their SKUs, once the stream has synced.
 */
#ifndef AICOS_WEB_PRODUCTS_PAGE_H
#define AICOS_WEB_PRODUCTS_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_products(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);

#endif

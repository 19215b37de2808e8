/*
 * The /deploy page and its form actions (deploy_page.c): GET /deploy, POST /deploy/preflight,
 * /deploy/dns, /deploy/mainland/sign-off and /deploy/mainland/revoke.
 */
#ifndef AICOS_WEB_DEPLOY_PAGE_H
#define AICOS_WEB_DEPLOY_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_deploy(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
ERR_MUST_USE enum err page_deploy_preflight(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);
ERR_MUST_USE enum err page_deploy_dns(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err page_deploy_sign_off(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
ERR_MUST_USE enum err page_deploy_revoke(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

#endif

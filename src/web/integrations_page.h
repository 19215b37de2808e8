/*
 * The console's Integrations workbench (integrations_page.c): the page, its forms (launch
 * packet, dev entry, manual token, cancel, verify, re-authorize) and the Web callback bridge.
 * The audited work is src/app/temu.h, shared with the JSON API.
 */
#ifndef AICOS_WEB_INTEGRATIONS_PAGE_H
#define AICOS_WEB_INTEGRATIONS_PAGE_H

#include "http/http.h"

ERR_MUST_USE enum err page_integrations(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
ERR_MUST_USE enum err page_temu_callback_bridge(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);
ERR_MUST_USE enum err page_temu_dev_submit(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
ERR_MUST_USE enum err page_temu_launch_submit(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err page_temu_manual_submit(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);
ERR_MUST_USE enum err page_temu_session_cancel(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);
ERR_MUST_USE enum err page_temu_connection_check(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err page_temu_reauthorize(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);

#endif

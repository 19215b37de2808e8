/*
 * The Temu authorization workbench, connection progress and integration registry as JSON
 * (integrations_api.c). The audited work is src/app/temu.h, shared with the console's forms.
 */
#ifndef AICOS_API_INTEGRATIONS_API_H
#define AICOS_API_INTEGRATIONS_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_temu_sessions_create(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);
ERR_MUST_USE enum err api_temu_sessions_list(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);
ERR_MUST_USE enum err api_temu_sessions_cancel(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);
ERR_MUST_USE enum err api_temu_callback(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
ERR_MUST_USE enum err api_temu_callback_diagnostics(struct http_req *req, struct http_resp *resp,
                                                    struct errbuf *eb);
ERR_MUST_USE enum err api_temu_launch_packet(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);
ERR_MUST_USE enum err api_temu_dev_authorization(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err api_temu_connections_list(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);
ERR_MUST_USE enum err api_temu_manual(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_temu_connection_check(struct http_req *req, struct http_resp *resp,
                                                struct errbuf *eb);
ERR_MUST_USE enum err api_temu_inspect(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
ERR_MUST_USE enum err api_temu_progress(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
ERR_MUST_USE enum err api_integrations_list(struct http_req *req, struct http_resp *resp,
                                            struct errbuf *eb);

#endif

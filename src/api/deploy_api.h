/*
 * The deployment planner over JSON (issue 6, deploy_api.c): GET /api/v1/deploy/plan, the
 * mainland China sign-off and its revocation (audited), server-side re-runs of preflight,
 * DNS and smoke (recorded and audited), and the Seller Center deployment packet. The /deploy
 * page and its forms are src/web/deploy_page.c.
 */
#ifndef AICOS_API_DEPLOY_API_H
#define AICOS_API_DEPLOY_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_deploy_plan(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_deploy_mainland_sign_off(struct http_req *req, struct http_resp *resp,
                                                   struct errbuf *eb);
ERR_MUST_USE enum err api_deploy_mainland_revoke(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);
ERR_MUST_USE enum err api_deploy_preflight_run(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);
ERR_MUST_USE enum err api_deploy_dns_run(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_deploy_smoke_run(struct http_req *req, struct http_resp *resp,
                                           struct errbuf *eb);
ERR_MUST_USE enum err api_temu_deployment_packet(struct http_req *req, struct http_resp *resp,
                                                 struct errbuf *eb);

#endif

/*
 * The team pages: Users (list, add with a generated password shown once, role change, disable
 * and enable, password reset shown once) and API tokens (create with the secret shown once,
 * list, revoke). Seller admins only (the routes' least role). Every action goes through
 * src/app/admin.h (audited) and answers with post/redirect/get: a flash notice on the page.
 */
#ifndef AICOS_WEB_TEAM_PAGE_H
#define AICOS_WEB_TEAM_PAGE_H

#include "http/http.h"

/* GET /users */
ERR_MUST_USE enum err page_users(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* POST /users (name, role) */
ERR_MUST_USE enum err page_user_add(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
/* POST /users/{name}/role (role) */
ERR_MUST_USE enum err page_user_role(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
/* POST /users/{name}/disable */
ERR_MUST_USE enum err page_user_disable(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
/* POST /users/{name}/enable */
ERR_MUST_USE enum err page_user_enable(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
/* POST /users/{name}/password */
ERR_MUST_USE enum err page_user_password(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
/* GET /tokens */
ERR_MUST_USE enum err page_tokens(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* POST /tokens (name, role) */
ERR_MUST_USE enum err page_token_create(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
/* POST /tokens/{id}/revoke */
ERR_MUST_USE enum err page_token_revoke(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);

#endif

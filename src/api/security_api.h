/* Operators, API tokens, the audit log, secrets and the Temu app credentials (security_api.c). */
#ifndef AICOS_API_SECURITY_API_H
#define AICOS_API_SECURITY_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_users_list(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
ERR_MUST_USE enum err api_tokens_list(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_audit_list(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb);
ERR_MUST_USE enum err api_secrets_list(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
/* PUT /api/v1/integrations/temu/credentials: App Key and App Secret into the vault; audited. */
ERR_MUST_USE enum err api_temu_credentials_put(struct http_req *req, struct http_resp *resp,
                                               struct errbuf *eb);

#endif

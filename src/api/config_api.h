/* POST /api/v1/config/validate (config_api.c). */
#ifndef AICOS_API_CONFIG_API_H
#define AICOS_API_CONFIG_API_H

#include "http/http.h"

/* Checks proposed AICOS_* settings without applying them. */
ERR_MUST_USE enum err api_config_validate(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);

#endif

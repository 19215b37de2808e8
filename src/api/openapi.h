/* The OpenAPI 3.1 document generated from a route table (openapi.c). */
#ifndef AICOS_API_OPENAPI_H
#define AICOS_API_OPENAPI_H

#include "http/http.h"

#include <stddef.h>

#include "base/json.h"
#include "http/router.h"

/*
 * The OpenAPI 3.1 document for a route table (new reference; NULL on allocation failure).
 * Routes flagged ROUTE_INTERNAL are left out.
 */
json_t *api_openapi_document(const struct route *routes, size_t n);

/* GET /api/v1/openapi.json: the document of the served table (struct app's routes). */
ERR_MUST_USE enum err api_openapi(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

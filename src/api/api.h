/*
 * The JSON API: the application context every handler reaches through req->app, the route
 * table of `aicos serve`, and the handlers. Handlers never write SQL; they call domain
 * modules.
 */
#ifndef AICOS_API_API_H
#define AICOS_API_API_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/db.h"

struct app {
    const struct config *cfg; /* borrowed, immutable */
    struct db *db;            /* borrowed */
    struct metrics *metrics;  /* borrowed */
    uint64_t started_ns;      /* clock_mono_ns() at start */
};

/* The route table of `aicos serve`. */
extern const struct route api_routes[];
extern const size_t api_routes_count;

/*
 * The OpenAPI 3.1 document for a route table (new reference; NULL on allocation failure).
 * Routes flagged ROUTE_INTERNAL are left out.
 */
json_t *api_openapi_document(const struct route *routes, size_t n);

/* GET /healthz: the process is alive. */
enum err api_healthz(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /readyz: the database is reachable and the schema is current; 503 naming what is not. */
enum err api_readyz(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /metrics: Prometheus text. */
enum err api_metrics(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /api/v1/openapi.json */
enum err api_openapi(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* POST /api/v1/config/validate: checks proposed AICOS_* settings without applying them. */
enum err api_config_validate(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

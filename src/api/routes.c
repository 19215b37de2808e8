/*
 * The route table of `aicos serve`: every endpoint, who may call it, and its documentation.
 * The OpenAPI document and the metrics labels are generated from this table.
 */
#include "api/api.h"

const struct route api_routes[] = {
    {"GET", "/healthz", api_healthz, ROUTE_PUBLIC, "Liveness: the process is up.", "health", NULL},
    {"GET", "/readyz", api_readyz, ROUTE_PUBLIC,
     "Readiness: database reachable and schema current, else 503 saying which.", "health", NULL},
    {"GET", "/metrics", api_metrics, ROUTE_PUBLIC, "Prometheus metrics.", "health", "text/plain"},
    {"GET", "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC, "This OpenAPI document.", "meta",
     NULL},
    {"POST", "/api/v1/config/validate", api_config_validate, ROUTE_JSON_BODY,
     "Validate proposed AICOS_* settings without applying them.", "config", NULL},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* Liveness, readiness and metrics (health.c). */
#ifndef AICOS_API_HEALTH_H
#define AICOS_API_HEALTH_H

#include "http/http.h"

/* GET /healthz: the process is alive. */
ERR_MUST_USE enum err api_healthz(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /readyz: the database is reachable and the schema is current; 503 naming what is not. */
ERR_MUST_USE enum err api_readyz(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* GET /metrics: Prometheus text. */
ERR_MUST_USE enum err api_metrics(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

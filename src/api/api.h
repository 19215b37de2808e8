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
#include "http/server.h"
#include "store/db.h"

struct vault;

struct app {
    const struct config *cfg; /* borrowed, immutable */
    struct db *db;            /* borrowed */
    struct metrics *metrics;  /* borrowed */
    uint64_t started_ns;      /* clock_mono_ns() at start */
    struct vault *vault;      /* borrowed; NULL when no master key is configured */
};

/* The route table of `aicos serve`. */
extern const struct route api_routes[];
extern const size_t api_routes_count;

/*
 * The OpenAPI 3.1 document for a route table (new reference; NULL on allocation failure).
 * Routes flagged ROUTE_INTERNAL are left out.
 */
json_t *api_openapi_document(const struct route *routes, size_t n);

/*
 * The authorization hook for the server (http_auth_fn): authenticates by Bearer token or
 * session cookie, enforces each route's minimum role, and checks CSRF on state-changing
 * requests made with a session cookie.
 */
enum err api_authorize(struct http_req *req, const struct route *route, enum http_auth_phase phase,
                       struct errbuf *eb);

/*
 * Appends an audit entry for the current request: actor, role, source IP and request id come
 * from the request. Failures are logged, never shown to the caller.
 */
void api_audit(struct http_req *req, const char *action, const char *target, const char *outcome,
               const char *detail);

/* Sign-in and sessions: JSON API and the HTML sign-in page. */
enum err api_session_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_session_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_session_delete(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_login(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_login_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_logout(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_home(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_stylesheet(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* Operators, tokens, audit log and secrets. */
enum err api_users_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_tokens_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_audit_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_secrets_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_credentials_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * Refuses a body that carries a password-like field (password, passwd, pwd, ...): the shop
 * login password is never needed. ERR_INVAL naming the field and what to send instead.
 */
enum err api_refuse_password_fields(const json_t *body, struct errbuf *eb);

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

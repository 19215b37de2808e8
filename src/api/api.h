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
#include "connect/connect.h"
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

/*
 * The deployment planner (issue 6, src/api/deploy_api.c): GET /api/v1/deploy/plan, the
 * mainland China sign-off and its revocation (audited), server-side re-runs of preflight,
 * DNS and smoke (recorded and audited), the Seller Center deployment packet, and the
 * /deploy page with its form actions (each redirects back to /deploy, or shows the error).
 */
enum err api_deploy_plan(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_deploy_mainland_sign_off(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
enum err api_deploy_mainland_revoke(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err api_deploy_preflight_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_deploy_dns_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_deploy_smoke_run(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_deployment_packet(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err page_deploy(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_deploy_preflight(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_deploy_dns(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_deploy_sign_off(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_deploy_revoke(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

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

/*
 * The Temu authorization workbench, connection progress and integration registry
 * (integrations_api.c). The *_run helpers do the work and the audit for both the JSON
 * handlers and the console's forms (src/web/integrations_page.c).
 */
enum err api_temu_sessions_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_sessions_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_sessions_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_callback(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_callback_diagnostics(struct http_req *req, struct http_resp *resp,
                                       struct errbuf *eb);
enum err api_temu_launch_packet(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_dev_authorization(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err api_temu_connections_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_manual(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_connection_check(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_inspect(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_temu_progress(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_integrations_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* The connect module's environment for this request (configuration, database, vault). */
void api_connect_env(struct http_req *req, struct connect_env *env);

/* The caller's name for audit and ownership ("anonymous" when not signed in). */
const char *api_actor_name(const struct http_req *req);

/* Creates an authorization session (production or dev) from body fields; audited. */
enum err api_temu_session_start(struct http_req *req, const json_t *body,
                                enum connect_purpose purpose, struct connect_session_out *out,
                                struct errbuf *eb);

/* Runs the callback with the request's code, state and error arguments; audited. */
enum err api_temu_callback_run(struct http_req *req, struct connect_result *out, struct errbuf *eb);

/* The launch packet for body: *out is {ready, blockers[, session]}; audited. */
enum err api_temu_launch_run(struct http_req *req, const json_t *body, json_t **out,
                             struct errbuf *eb);

/* Manual mode: verifies and stores a pasted token; audited. */
enum err api_temu_manual_run(struct http_req *req, const char *region, const char *token,
                             const char *connection_id, struct connect_result *out,
                             struct errbuf *eb);

/* Verifies a connection's token now (info.get); *out as connect_connection_check; audited. */
enum err api_temu_check_run(struct http_req *req, const char *id, json_t **out, struct errbuf *eb);

/* Console pages of the Integrations workbench (src/web/integrations_page.c). */
enum err page_integrations(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_callback_bridge(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_dev_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_launch_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_manual_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_session_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_temu_connection_check(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
enum err page_temu_reauthorize(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * The sync engine (issue 7, src/api/sync_api.c): GET /api/v1/sync/runs lists the run history
 * (filters connection_id, stream, limit); POST /api/v1/sync/runs {connection_id, stream,
 * since?} runs a stream now and answers 201 with the run, 502 with the run when Temu failed,
 * 409 when another process runs it or it is paused (audited).
 */
enum err api_sync_runs_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_sync_runs_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
/* POST /api/v1/sync/runs/{id}/cancel: 202 {run_id, cancel_requested: true}; 404, 409. */
enum err api_sync_runs_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * POST /api/v1/integrations/temu/webhook (src/api/webhook_api.c, public): a Temu event push,
 * verified by its signature, stored, a targeted refresh scheduled (sync_webhook_receive);
 * 200 {"result":{}} also for a duplicate; 401 bad signature or unknown app, 400 malformed
 * (including eventData that does not decrypt under our secret).
 */
enum err api_temu_webhook(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * The console data pages (issue 7, "Console"; src/api/orders_api.c, src/web/data_pages.c):
 * GET /api/v1/orders (filters connection_id, status, label, ship_before, ship_after, q; paging
 * page, limit; 422 on bad values) and GET /api/v1/orders/{sn} (404 when unknown); the pages
 * /orders, /orders/{sn}, /sync (runs and stream state), /products and /cases; the /sync forms
 * POST /sync/retry (operator; runs the stream now, audited) and POST /sync/resume (ops;
 * audited), each redirecting back to /sync with a fixed notice or showing the error.
 */
struct query_orders_args;
/* Fills a with the request's list arguments (query string; strings live with the request). */
void api_orders_args(const struct http_req *req, struct query_orders_args *a);
enum err api_orders_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err api_orders_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_orders(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_order_detail(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync_retry(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_sync_resume(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_products(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * GET /api/v1/products (viewer; src/api/orders_api.c): synced products with their SKUs,
 * filters connection_id, bucket (1, 4, 5, 6), q (name, goods number or goods id); paging page,
 * limit; 422 on bad values (query_products_list).
 */
struct query_products_args;
/* Fills a with the request's products list arguments (strings live with the request). */
void api_products_args(const struct http_req *req, struct query_products_args *a);
enum err api_products_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/*
 * GET /api/v1/orders/{sn}/shipping (operator; src/api/shipping_api.c): the buyer's shipping
 * info of one order (connection_id optional), from its encrypted copy when fresh or fetched
 * now with bg.order.shippinginfo.v2.get and sealed in the vault (shipping_get). Audited on
 * every access. 404 unknown order, 503 no vault key, 502 when Temu refused.
 */
enum err api_order_shipping(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

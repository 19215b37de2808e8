/*
 * The route table of `aicos serve`: every endpoint, who may call it, and its documentation.
 * The OpenAPI document and the metrics labels are generated from this table. Every route is
 * either ROUTE_PUBLIC or names its least role; test_routes_auth walks the table to prove it.
 */
#include "api/api.h"
#include "auth/roles.h"

#define PUBLIC ROUTE_PUBLIC

const struct route api_routes[] = {
    /* Health and documentation: public. */
    {"GET", "/healthz", api_healthz, PUBLIC, "Liveness: the process is up.", "health", NULL, 0},
    {"GET", "/readyz", api_readyz, PUBLIC,
     "Readiness: database reachable and schema current, else 503 saying which.", "health", NULL, 0},
    {"GET", "/metrics", api_metrics, PUBLIC, "Prometheus metrics.", "health", "text/plain", 0},
    {"GET", "/api/v1/openapi.json", api_openapi, PUBLIC, "This OpenAPI document.", "meta", NULL, 0},

    /* Sign-in: the console pages and the JSON API. */
    {"GET", "/login", page_login, PUBLIC | ROUTE_PAGE | ROUTE_INTERNAL, "Sign-in page.", "pages",
     "text/html", 0},
    {"POST", "/login", page_login_submit, PUBLIC | ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Sign in with the form.", "pages", "text/html", 0},
    {"POST", "/logout", page_logout, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Sign out (form with csrf_token).", "pages", "text/html", ROLE_VIEWER},
    {"GET", "/", page_home, ROUTE_PAGE | ROUTE_INTERNAL, "Console home.", "pages", "text/html",
     ROLE_VIEWER},
    {"GET", "/static/app.css", page_stylesheet, PUBLIC | ROUTE_INTERNAL, "Console stylesheet.",
     "pages", "text/css", 0},
    {"POST", "/api/v1/session", api_session_create, PUBLIC | ROUTE_JSON_BODY,
     "Sign in: {username, password} → session cookie and CSRF token.", "auth", NULL, 0},
    {"GET", "/api/v1/session", api_session_get, 0, "Who is calling, with the CSRF token.", "auth",
     NULL, ROLE_VIEWER},
    {"DELETE", "/api/v1/session", api_session_delete, 0, "Sign out.", "auth", NULL, ROLE_VIEWER},

    /* Administration. */
    {"GET", "/api/v1/users", api_users_list, 0, "Operator accounts.", "auth", NULL,
     ROLE_SELLER_ADMIN},
    {"GET", "/api/v1/tokens", api_tokens_list, 0, "API tokens (never their values).", "auth", NULL,
     ROLE_SELLER_ADMIN},
    {"GET", "/api/v1/audit", api_audit_list, 0,
     "Audit log, newest first; filters actor, action (or prefix \"x.\"), outcome, since, until; "
     "paging limit, before_id.",
     "audit", NULL, ROLE_OPS},
    {"GET", "/api/v1/secrets", api_secrets_list, 0, "Secret names and masked values, key ring.",
     "vault", NULL, ROLE_OPS},
    {"PUT", "/api/v1/integrations/temu/credentials", api_temu_credentials_put, ROUTE_JSON_BODY,
     "Store the Temu App Key and App Secret for a region (encrypted).", "temu", NULL, ROLE_OPS},
    {"POST", "/api/v1/config/validate", api_config_validate, ROUTE_JSON_BODY,
     "Validate proposed AICOS_* settings without applying them.", "config", NULL, ROLE_OPS},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

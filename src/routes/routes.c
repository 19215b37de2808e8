/*
 * The route table of `aicos serve`: every endpoint, who may call it, and its documentation.
 * The OpenAPI document and the metrics labels are generated from this table. Every route is
 * either ROUTE_PUBLIC or names its least role; test_routes_auth walks the table to prove it.
 */
#include "routes/routes.h"

#include "api/actions_api.h"
#include "api/alerts_api.h"
#include "api/auth_api.h"
#include "api/cases_api.h"
#include "api/config_api.h"
#include "api/deploy_api.h"
#include "api/health.h"
#include "api/integrations_api.h"
#include "api/openapi.h"
#include "api/ai_api.h"
#include "api/orders_api.h"
#include "api/settlements_api.h"
#include "api/security_api.h"
#include "api/shipments_api.h"
#include "api/shipping_api.h"
#include "api/sync_api.h"
#include "api/tracking_api.h"
#include "api/tracking_settings_api.h"
#include "api/webhook_api.h"
#include "auth/roles.h"
#include "web/actions_page.h"
#include "web/alerts_page.h"
#include "web/console.h"
#include "web/case_page.h"
#include "web/cases_page.h"
#include "web/dashboard_page.h"
#include "web/deploy_page.h"
#include "web/integrations_page.h"
#include "web/order_page.h"
#include "web/orders_page.h"
#ifdef AICOS_BENCH_STATIC
#include "web/bench_static.h"
#endif
#include "web/settlements_page.h"
#include "web/shipments_page.h"
#include "web/products_page.h"
#include "web/records_page.h"
#include "web/settings_page.h"
#include "web/tracking_settings_page.h"
#include "web/shipment_form.h"
#include "web/signin_page.h"
#include "web/sync_page.h"
#include "web/team_page.h"

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
    {"GET", "/", page_actions, ROUTE_PAGE | ROUTE_INTERNAL,
     "Console home: the action center (brief, counts, ranked items, forms).", "pages", "text/html",
     ROLE_VIEWER},
    {"POST", "/actions/{id}/snooze", page_action_snooze,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Snooze an action item (form: hours).", "pages",
     "text/html", ROLE_OPERATOR},
    {"POST", "/actions/{id}/resolve", page_action_resolve,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Resolve an action item (form).", "pages",
     "text/html", ROLE_OPERATOR},
    {"POST", "/actions/{id}/assign", page_action_assign,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Assign an action item (form: assignee).",
     "pages", "text/html", ROLE_OPERATOR},
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

    /* Deployment planner (issue 6): ops and seller_admin. */
    {"GET", "/api/v1/deploy/plan", api_deploy_plan, 0,
     "Deployment plan: files, strategies, callback URL, DNS, production inputs, latest "
     "preflight and smoke, commands.",
     "deploy", NULL, ROLE_OPS},
    {"POST", "/api/v1/deploy/strategies/mainland/sign-off", api_deploy_mainland_sign_off,
     ROUTE_JSON_BODY,
     "Record the mainland China compliance sign-off {cleared_by, cleared:[domain, hosting, "
     "data, compliance], note?} (audited).",
     "deploy", NULL, ROLE_OPS},
    {"POST", "/api/v1/deploy/strategies/mainland/sign-off/revoke", api_deploy_mainland_revoke,
     ROUTE_JSON_BODY, "Revoke the mainland China sign-off {reason} (audited).", "deploy", NULL,
     ROLE_OPS},
    {"POST", "/api/v1/deploy/preflight", api_deploy_preflight_run, 0,
     "Run the preflight on the server's AICOS_DEPLOY_DIR and record it.", "deploy", NULL, ROLE_OPS},
    {"POST", "/api/v1/deploy/dns", api_deploy_dns_run, 0,
     "Check DNS of the configured API and Web hosts and record it.", "deploy", NULL, ROLE_OPS},
    {"POST", "/api/v1/deploy/smoke", api_deploy_smoke_run, ROUTE_JSON_BODY,
     "Smoke-test the configured public origins over HTTPS {token?} and record it.", "deploy", NULL,
     ROLE_OPS},
    {"GET", "/api/v1/integrations/temu/deployment-packet", api_temu_deployment_packet, 0,
     "What Seller Center registration needs: callback URL, origins, mode, app regions; no "
     "secrets.",
     "temu", NULL, ROLE_OPS},
    {"GET", "/deploy", page_deploy, ROUTE_PAGE | ROUTE_INTERNAL, "Public callback deployment page.",
     "pages", "text/html", ROLE_OPS},
    {"POST", "/deploy/preflight", page_deploy_preflight,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Re-run the preflight (form).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/deploy/dns", page_deploy_dns, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Re-check DNS (form).", "pages", "text/html", ROLE_OPS},
    {"POST", "/deploy/mainland/sign-off", page_deploy_sign_off,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Record the mainland sign-off (form).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/deploy/mainland/revoke", page_deploy_revoke,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Revoke the mainland sign-off (form).", "pages",
     "text/html", ROLE_OPS},
    /* The action center (issue 14): ranked items, brief, metrics, people's changes. */
    {"GET", "/api/v1/actions", api_actions_list, 0,
     "Action items ranked by score (parts shown), ties by deadline; filters kind, state (open, "
     "snoozed, resolved, auto_resolved, all), owner, assignee, mine=1; paging limit, offset. "
     "Only the kinds the caller's role sees.",
     "actions", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/actions/brief", api_actions_brief, 0,
     "The daily brief: a deterministic paragraph in Chinese and English and its numbers.",
     "actions", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/actions/metrics", api_actions_metrics, 0,
     "Items opened and resolved per day, median time to resolve, ship-by breaches warned 24 h "
     "before (days=1..366).",
     "actions", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/actions/settings", api_alerts_settings, 0,
     "Detector thresholds {kind: {name: value}} of connection_id (else the defaults every shop "
     "gets).",
     "actions", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/actions/settings", api_alerts_setting_set, ROUTE_JSON_BODY,
     "Set a detector threshold {connection_id?, kind, name, value} (audited).", "actions", NULL,
     ROLE_OPS},
    {"GET", "/api/v1/notify/hooks", api_alerts_hooks, 0,
     "Notification hooks of the action center (URLs masked, secrets never shown).", "actions", NULL,
     ROLE_OPS},
    {"POST", "/api/v1/notify/hooks", api_alerts_hook_add, ROUTE_JSON_BODY,
     "Add a notification hook {kind (generic, wecom, dingtalk, feishu, slack), url, secret?, "
     "min_severity?, brief?} (audited).",
     "actions", NULL, ROLE_SELLER_ADMIN},
    {"POST", "/api/v1/notify/hooks/{id}/test", api_alerts_hook_test, 0,
     "Send a test notification to a hook now (audited); 502 with the receiver's answer.", "actions",
     NULL, ROLE_OPS},
    {"POST", "/api/v1/notify/hooks/{id}/enable", api_alerts_hook_enable, 0,
     "Enable a notification hook (audited).", "actions", NULL, ROLE_OPS},
    {"POST", "/api/v1/notify/hooks/{id}/disable", api_alerts_hook_disable, 0,
     "Disable a notification hook: nothing is queued or sent for it (audited).", "actions", NULL,
     ROLE_OPS},
    {"DELETE", "/api/v1/notify/hooks/{id}", api_alerts_hook_delete, 0,
     "Delete a notification hook with its queued events and secret (audited).", "actions", NULL,
     ROLE_SELLER_ADMIN},
    {"GET", "/api/v1/actions/{id}", api_actions_get, 0, "One action item with its history.",
     "actions", NULL, ROLE_VIEWER},
    {"POST", "/api/v1/actions/{id}/snooze", api_actions_snooze, ROUTE_JSON_BODY,
     "Snooze an item {until | hours, note?} (audited).", "actions", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/actions/{id}/resolve", api_actions_resolve, 0,
     "Resolve an item (audited); it reopens only after its condition cleared and fired again.",
     "actions", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/actions/{id}/assign", api_actions_assign, ROUTE_JSON_BODY,
     "Assign an item {assignee} (\"\" unassigns; audited).", "actions", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/actions/{id}/reopen", api_actions_reopen, 0,
     "Reopen a resolved item (audited).", "actions", NULL, ROLE_OPERATOR},
    /* Sync engine (issue 7): run history and the manual trigger. */
    {"GET", "/api/v1/sync/runs", api_sync_runs_list, 0,
     "Sync run history, newest first; filters connection_id, stream, limit.", "sync", NULL,
     ROLE_OPERATOR},
    {"POST", "/api/v1/sync/runs", api_sync_runs_create, ROUTE_JSON_BODY,
     "Run a stream now {connection_id, stream, since?}: the run with its counts (audited).", "sync",
     NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/sync/runs/{id}/cancel", api_sync_runs_cancel, 0,
     "Cancel a running sync: it stops after its current page (audited).", "sync", NULL,
     ROLE_OPERATOR},
    /* Console data pages and their JSON lists (issue 7, "Console"). */
    {"POST", "/api/v1/ai/classify", api_ai_classify, ROUTE_JSON_BODY,
     "Classify one buyer message {text, lang?, region?}: intent label, confidence, band, "
     "language and urgent flag (offline model; nothing stored).",
     "ai", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/imports", api_settlements_imports, 0,
     "Imported statement files, newest first, with totals by type and currency; limit.",
     "settlements", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/lines", api_settlements_lines, 0,
     "Canonical settlement lines with provenance; filters file, order, type; limit, offset.",
     "settlements", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/reconciliation", api_settlements_reconciliation, 0,
     "The last reconciliation report and its results (each with its rule); filters layer, "
     "status, limit.",
     "settlements", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/orders/{sn}", api_settlements_order, 0,
     "One order's expected amount (with history), settled lines and reconciliation results.",
     "settlements", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/payout", api_settlements_payout, 0,
     "The payout provider's scheduled API import (Airwallex): credential present, credits "
     "stored, each feed's checkpoint, last run, last success and last error.",
     "settlements", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/settlements/amounts", api_settlements_amount_streams, 0,
     "The expected-amounts stream of each shop (temu.order.amount.v2.query, scheduled): last "
     "run, last success, asked, stored, moved (amounts that changed), failed, last error.",
     "settlements", NULL, ROLE_VIEWER},
    {"POST", "/api/v1/settlements/amounts", api_settlements_amounts, ROUTE_JSON_BODY,
     "Read the expected amount (estimatedSettlementTotal) of synced orders from Temu "
     "{connection_id?, limit?}: counts (audited).",
     "settlements", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/settlements/reconcile", api_settlements_reconcile, 0,
     "Run the four-layer reconciliation now: the report (audited).", "settlements", NULL,
     ROLE_OPERATOR},
    {"GET", "/api/v1/orders", api_orders_list, 0,
     "Synced orders, newest update first; filters connection_id, status, label, ship_before, "
     "ship_after (YYYY-MM-DD or Unix seconds), q (order number, product name, SKU or goods id); "
     "paging page, limit.",
     "orders", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/orders/{sn}", api_orders_get, 0,
     "One synced parent order with its sub-orders and status history (connection_id "
     "optional).",
     "orders", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/orders/{sn}/shipping", api_order_shipping, 0,
     "The buyer's shipping info (PII) of one order from its encrypted copy (404 "
     "shipping_not_fetched when there is no fresh one); audited (connection_id optional).",
     "orders", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/orders/{sn}/shipping", api_order_shipping_fetch, 0,
     "Fetches the buyer's shipping info (PII) of one order from Temu unless a fresh encrypted "
     "copy is stored, stores it encrypted and returns it; audited (connection_id optional).",
     "orders", NULL, ROLE_OPERATOR},
    {"POST", "/api/v1/orders/{sn}/shipments", api_order_shipments_create, ROUTE_JSON_BODY,
     "Confirm a shipment {carrier_id, tracking_number, order_sns?, connection_id?}: uploads the "
     "carrier and tracking number to Temu (bg.logistics.shipment.v2.confirm); idempotent on "
     "retry (200 replayed); audited.",
     "orders", NULL, ROLE_OPERATOR},
    {"GET", "/api/v1/orders/{sn}/shipments", api_order_shipments_list, 0,
     "The recorded shipment uploads of one order and the shop's cached carrier list.", "orders",
     NULL, ROLE_VIEWER},
    {"POST", "/orders/{sn}/shipments", page_order_shipment_submit,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Confirm a shipment (form).", "pages",
     "text/html", ROLE_OPERATOR},
    {"POST", "/orders/{sn}/carriers", page_order_carriers_load,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Load the shop's carrier list (form).", "pages",
     "text/html", ROLE_OPERATOR},
    {"GET", "/orders", page_orders, ROUTE_PAGE | ROUTE_INTERNAL, "Orders page.", "pages",
     "text/html", ROLE_VIEWER},
    {"GET", "/orders/export.csv", page_orders_csv, ROUTE_PAGE | ROUTE_INTERNAL,
     "The orders of the /orders filters as CSV (at most 2,000 rows).", "pages", "text/csv",
     ROLE_VIEWER},
    {"POST", "/orders/amounts", page_orders_amounts, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Read the values of up to 100 synced orders from Temu (form, audited).", "pages", "text/html",
     ROLE_OPERATOR},
    {"GET", "/orders/{sn}", page_order_detail, ROUTE_PAGE | ROUTE_INTERNAL, "Order detail page.",
     "pages", "text/html", ROLE_VIEWER},
    {"GET", "/sync", page_sync, ROUTE_PAGE | ROUTE_INTERNAL, "Sync runs and stream state page.",
     "pages", "text/html", ROLE_VIEWER},
    {"POST", "/sync/retry", page_sync_retry, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Run a stream now (form).", "pages", "text/html", ROLE_OPERATOR},
    {"POST", "/sync/resume", page_sync_resume, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Resume a paused stream (form).", "pages", "text/html", ROLE_OPS},
    {"GET", "/api/v1/products", api_products_list, 0,
     "Synced products with their SKUs, highest goods id first; filters connection_id, bucket "
     "(1 on/off sale, 4 not published, 5 draft, 6 deleted), q (name, goods number or id); paging "
     "page, limit.",
     "products", NULL, ROLE_VIEWER},
    {"GET", "/products", page_products, ROUTE_PAGE | ROUTE_INTERNAL, "Products page.", "pages",
     "text/html", ROLE_VIEWER},
    {"GET", "/settlements", page_settlements, ROUTE_PAGE | ROUTE_INTERNAL, "Settlements page.",
     "pages", NULL, ROLE_VIEWER},
    {"GET", "/settlements/lines", page_settlement_lines, ROUTE_PAGE | ROUTE_INTERNAL,
     "Settlement lines page.", "pages", NULL, ROLE_VIEWER},
    {"GET", "/settlements/lines/export.csv", page_settlement_lines_csv, ROUTE_PAGE | ROUTE_INTERNAL,
     "Settlement lines as CSV.", "pages", NULL, ROLE_VIEWER},
    {"GET", "/settlements/lines/export.xlsx", page_settlement_lines_xlsx,
     ROUTE_PAGE | ROUTE_INTERNAL, "Settlement lines as XLSX.", "pages", NULL, ROLE_VIEWER},
    {"GET", "/settlements/orders/{sn}", page_settlement_order, ROUTE_PAGE | ROUTE_INTERNAL,
     "Order settlement page.", "pages", NULL, ROLE_VIEWER},
    {"POST", "/settlements/import", page_settlements_import,
     ROUTE_PAGE | ROUTE_INTERNAL | ROUTE_MULTIPART_BODY, "Statement upload form.", "pages", NULL,
     ROLE_OPERATOR},
    {"POST", "/settlements/reconcile", page_settlements_reconcile,
     ROUTE_PAGE | ROUTE_INTERNAL | ROUTE_FORM_BODY, "Reconcile form.", "pages", NULL,
     ROLE_OPERATOR},
    {"GET", "/shipments", page_shipments, ROUTE_PAGE | ROUTE_INTERNAL, "Shipments page.", "pages",
     "text/html", ROLE_VIEWER},
    {"GET", "/shipments/{id}", page_shipment, ROUTE_PAGE | ROUTE_INTERNAL, "One parcel's timeline.",
     "pages", "text/html", ROLE_VIEWER},
    {"GET", "/cases", page_cases, ROUTE_PAGE | ROUTE_INTERNAL, "Buyer cases page.", "pages",
     "text/html", ROLE_VIEWER},
    {"GET", "/cases/{id}", page_case, ROUTE_PAGE | ROUTE_INTERNAL,
     "Buyer case page: words, intent, facts, draft.", "pages", "text/html", ROLE_VIEWER},
    {"POST", "/cases/{id}/draft", page_case_draft, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Propose, copy, mark sent or discard a reply draft (form).", "pages", "text/html",
     ROLE_OPERATOR},
    {"POST", "/cases/{id}/label", page_case_label, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Relabel a buyer case (form).", "pages", "text/html", ROLE_OPERATOR},
    {"GET", "/api/v1/cases", api_cases_list, 0,
     "Buyer cases newest first with intent, confidence, language and priority (filters intent, "
     "priority high|normal, connection_id, limit).",
     "cases", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/cases/{id}", api_case_get, 0,
     "One after-sales case: the buyer's words, classification, facts, the template draft "
     "(or checklist, or the missing fact) and the stored drafts (connection_id optional).",
     "cases", NULL, ROLE_VIEWER},
    {"POST", "/api/v1/cases/{id}/draft", api_case_draft, ROUTE_JSON_BODY,
     "Propose a draft {action: propose} (template, reworded by the LLM when configured; 201) or "
     "record one {action: copied|sent|discarded, draft_id?, text?} as accepted, edited or "
     "discarded; audited.",
     "cases", NULL, ROLE_OPERATOR},
    {"PUT", "/api/v1/llm/key", api_llm_key_put, ROUTE_JSON_BODY,
     "Store the optional LLM endpoint's bearer key {api_key} in the vault (\"\" deletes it); "
     "audited, never shown.",
     "cases", NULL, ROLE_OPS},
    {"POST", "/api/v1/cases/{id}/label", api_case_label, ROUTE_JSON_BODY,
     "Relabel a case {label}: stored on the case and as a classifier correction; audited.", "cases",
     NULL, ROLE_OPERATOR},
    /* Temu authorization workbench, connection progress and integration registry (issue 5). */
    {"GET", "/api/v1/integrations", api_integrations_list, 0,
     "Integration registry: one row per integration with a computed status.", "integrations", NULL,
     ROLE_VIEWER},
    {"GET", "/api/v1/integrations/temu/progress", api_temu_progress, 0,
     "Temu connection progress: the eight steps, stage, blocker and next steps.", "integrations",
     NULL, ROLE_VIEWER},
    {"POST", "/api/v1/integrations/temu/authorization/sessions", api_temu_sessions_create,
     ROUTE_JSON_BODY,
     "Create an authorization session (production path: needs every launch gate open).", "temu",
     NULL, ROLE_SELLER_ADMIN},
    {"GET", "/api/v1/integrations/temu/authorization/sessions", api_temu_sessions_list, 0,
     "Authorization sessions (yours; a seller admin sees all).", "temu", NULL, ROLE_OPS},
    {"DELETE", "/api/v1/integrations/temu/authorization/sessions/{id}", api_temu_sessions_cancel, 0,
     "Cancel an open authorization session.", "temu", NULL, ROLE_OPS},
    {"GET", "/api/v1/integrations/temu/authorization/callback", api_temu_callback, PUBLIC,
     "Seller Center callback: checks state, exchanges code, verifies and stores the token.", "temu",
     NULL, 0},
    {"GET", "/api/v1/shipments", api_shipments_list, 0,
     "Tracked parcels with their normalized status and flags; filters status, flag "
     "(any|stalled|delayed|lost_suspect), carrier, lane, shop, order; limit, offset.",
     "tracking", NULL, ROLE_VIEWER},
    {"GET", "/api/v1/shipments/{id}", api_shipments_get, 0,
     "One tracked parcel with its events (newest first) and the reason of each flag.", "tracking",
     NULL, ROLE_VIEWER},
    {"GET", "/api/v1/tracking/settings", api_tracking_settings_get, 0,
     "Tracking settings: provider, 17TRACK URL, switch, request budget, keys masked, webhook "
     "path, refresh health.",
     "tracking", NULL, ROLE_OPS},
    {"PUT", "/api/v1/tracking/settings", api_tracking_settings_put, ROUTE_JSON_BODY,
     "Change tracking settings {provider?, url?, key?, push_key? (\"\" removes), enabled?, "
     "rate_per_min?}: keys sealed in the vault, audited; nothing changes on a bad field.",
     "tracking", NULL, ROLE_SELLER_ADMIN},
    {"GET", "/api/v1/tracking/carriers", api_tracking_carriers_list, 0,
     "Carrier mapping (Temu carrier id or name -> 17TRACK code and lane) and the unmapped "
     "carriers of parcels.",
     "tracking", NULL, ROLE_VIEWER},
    {"PUT", "/api/v1/tracking/carriers", api_tracking_carriers_put, ROUTE_JSON_BODY,
     "Set one carrier mapping {temu_carrier_id? | name?, code, lane?}; applied to parcels not "
     "registered yet; audited.",
     "tracking", NULL, ROLE_OPS},
    {"DELETE", "/api/v1/tracking/carriers", api_tracking_carriers_delete, 0,
     "Delete one carrier mapping (?temu_carrier_id=N or ?name=NAME); audited.", "tracking", NULL,
     ROLE_OPS},
    {"POST", "/api/v1/tracking/17track/webhook", api_tracking_webhook, PUBLIC,
     "17TRACK push (TRACKING_UPDATED/TRACKING_STOPPED, sign header): verified, stored, applied.",
     "tracking", NULL, 0},
    {"POST", "/api/v1/integrations/temu/webhook", api_temu_webhook, PUBLIC,
     "Temu event push (signed, encrypted): stored, then a targeted sync refresh is scheduled.",
     "temu", NULL, 0},
    {"GET", "/api/v1/integrations/temu/authorization/callback/diagnostics",
     api_temu_callback_diagnostics, PUBLIC,
     "Callback diagnostics: live, the URL to register, mode, HTTPS origins (no secrets).", "temu",
     NULL, 0},
    {"POST", "/api/v1/integrations/temu/launch-packet", api_temu_launch_packet, ROUTE_JSON_BODY,
     "Auto-authorization launch packet: blockers while a gate is closed, else a session.", "temu",
     NULL, ROLE_SELLER_ADMIN},
    {"POST", "/api/v1/integrations/temu/dev/authorization", api_temu_dev_authorization,
     ROUTE_JSON_BODY,
     "Development debug entry (NOT the production path; refused when AICOS_ENV=production).",
     "temu", NULL, ROLE_OPS},
    {"GET", "/api/v1/integrations/temu/connections", api_temu_connections_list, 0,
     "Temu connections with expiry, warnings and authorization history.", "temu", NULL,
     ROLE_VIEWER},
    {"POST", "/api/v1/integrations/temu/connections/manual", api_temu_manual, ROUTE_JSON_BODY,
     "Manual mode: verify a token pasted from Seller Center (info.get), then store it.", "temu",
     NULL, ROLE_SELLER_ADMIN},
    {"POST", "/api/v1/integrations/temu/connections/{id}/check", api_temu_connection_check, 0,
     "Verify a connection's token now; 3000034 marks it failed.", "temu", NULL, ROLE_OPS},
    {"POST", "/api/v1/integrations/temu/inspect", api_temu_inspect, ROUTE_JSON_BODY,
     "Signed request inspector: canonical string (secrets masked), skew, signature, answer.",
     "temu", NULL, ROLE_OPS},
    {"GET", "/integrations", page_integrations, ROUTE_PAGE | ROUTE_INTERNAL, "Integrations page.",
     "pages", "text/html", ROLE_VIEWER},
    {"GET", "/integrations/temu/callback", page_temu_callback_bridge,
     PUBLIC | ROUTE_PAGE | ROUTE_INTERNAL, "Web callback bridge (works without JavaScript).",
     "pages", "text/html", 0},
    {"POST", "/integrations/temu/dev", page_temu_dev_submit,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Start a development authorization (form).",
     "pages", "text/html", ROLE_OPS},
    {"POST", "/integrations/temu/launch", page_temu_launch_submit,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Run the launch packet (form).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/integrations/temu/manual", page_temu_manual_submit,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Store a pasted token (form).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/integrations/temu/sessions/{id}/cancel", page_temu_session_cancel,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Cancel a session (form).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/integrations/temu/connections/{id}/check", page_temu_connection_check,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Verify a connection now (form).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/integrations/temu/connections/{id}/reauthorize", page_temu_reauthorize,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Re-authorize a connection (form).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    /* The shop dashboard (issue 16). */
    {"GET", "/dashboard", page_dashboard, ROUTE_PAGE | ROUTE_INTERNAL,
     "Shop dashboard: orders per day, late parcels, on-time shipping, open cases "
     "(connection_id optional).",
     "pages", "text/html", ROLE_VIEWER},
    /* Settings (issue 16): the viewer's language and time zone; the server's settings. */
    {"GET", "/settings", page_settings, ROUTE_PAGE | ROUTE_INTERNAL, "Settings page.", "pages",
     "text/html", ROLE_VIEWER},
    {"POST", "/settings/preferences", page_settings_prefs,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Save the signed-in user's language and time zone (form, audited).", "pages", "text/html",
     ROLE_VIEWER},
    {"POST", "/settings/sync", page_settings_sync, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Save the sync intervals and the console's thresholds (form, audited).", "pages", "text/html",
     ROLE_OPS},
    {"POST", "/settings/shops/{id}", page_settings_shop,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Name a shop (form, audited).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"GET", "/settings/tracking", page_tracking_settings, ROUTE_PAGE | ROUTE_INTERNAL,
     "Carrier tracking settings and carrier mapping page.", "pages", "text/html", ROLE_OPS},
    {"POST", "/settings/tracking", page_tracking_settings_save,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Save tracking settings (form, audited).",
     "pages", "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/settings/tracking/carriers", page_tracking_carrier_save,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Set or delete a carrier mapping (form, audited).", "pages", "text/html", ROLE_OPS},
    {"POST", "/settings/language", page_settings_language,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Switch the signed-in user's console language (form, audited).", "pages", "text/html",
     ROLE_VIEWER},
    /* The action center's alert settings (issue 14): thresholds and notification targets. */
    {"GET", "/settings/alerts", page_alerts, ROUTE_PAGE | ROUTE_INTERNAL,
     "Alerts page: detector thresholds (connection_id optional) and notification targets.", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/settings/alerts/thresholds", page_alerts_threshold,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Set a detector threshold (form: connection_id, kind, name, value; audited).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/settings/alerts/hooks", page_alerts_hook_add,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Add a notification target (form: kind, url, secret, min_severity, brief; audited).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/settings/alerts/hooks/{id}/test", page_alerts_hook_test,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Send a test notification (form; audited).",
     "pages", "text/html", ROLE_OPS},
    {"POST", "/settings/alerts/hooks/{id}/enable", page_alerts_hook_enable,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Enable a notification target (form).", "pages",
     "text/html", ROLE_OPS},
    {"POST", "/settings/alerts/hooks/{id}/disable", page_alerts_hook_disable,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Disable a notification target (form).",
     "pages", "text/html", ROLE_OPS},
    {"POST", "/settings/alerts/hooks/{id}/delete", page_alerts_hook_delete,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Delete a notification target (form; audited).",
     "pages", "text/html", ROLE_SELLER_ADMIN},
    /* Team and records pages (issue 16): users, API tokens, audit log, secrets. */
    {"GET", "/users", page_users, ROUTE_PAGE | ROUTE_INTERNAL, "Users page.", "pages", "text/html",
     ROLE_SELLER_ADMIN},
    {"POST", "/users", page_user_add, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Add a user with a generated password (form).", "pages", "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/users/{name}/role", page_user_role, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Change a user's role (form).", "pages", "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/users/{name}/disable", page_user_disable,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Disable a user (form).", "pages", "text/html",
     ROLE_SELLER_ADMIN},
    {"POST", "/users/{name}/enable", page_user_enable,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Enable a user (form).", "pages", "text/html",
     ROLE_SELLER_ADMIN},
    {"POST", "/users/{name}/password", page_user_password,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Reset a user's password to a generated one (form).", "pages", "text/html", ROLE_SELLER_ADMIN},
    {"GET", "/tokens", page_tokens, ROUTE_PAGE | ROUTE_INTERNAL, "API tokens page.", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/tokens", page_token_create, ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL,
     "Create an API token (form).", "pages", "text/html", ROLE_SELLER_ADMIN},
    {"POST", "/tokens/{id}/revoke", page_token_revoke,
     ROUTE_PAGE | ROUTE_FORM_BODY | ROUTE_INTERNAL, "Revoke an API token (form).", "pages",
     "text/html", ROLE_SELLER_ADMIN},
    {"GET", "/audit", page_audit, ROUTE_PAGE | ROUTE_INTERNAL, "Audit log page.", "pages",
     "text/html", ROLE_OPS},
    {"GET", "/audit/export.csv", page_audit_csv, ROUTE_PAGE | ROUTE_INTERNAL,
     "The filtered audit log as CSV.", "pages", "text/csv", ROLE_OPS},
    {"GET", "/audit/export.xlsx", page_audit_xlsx, ROUTE_PAGE | ROUTE_INTERNAL,
     "The filtered audit log as an XLSX workbook.", "pages",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ROLE_OPS},
    {"GET", "/secrets", page_secrets, ROUTE_PAGE | ROUTE_INTERNAL, "Secrets page.", "pages",
     "text/html", ROLE_OPS},
    {"GET", "/static/console.css", page_console_stylesheet, PUBLIC | ROUTE_INTERNAL,
     "Console stylesheet (embedded at build time).", "pages", "text/css", 0},
#ifdef AICOS_BENCH_STATIC
    /* Only in the console benchmark's build (src/web/bench_static.h). */
    {"GET", "/static/bench/{name}", page_bench_static, PUBLIC | ROUTE_INTERNAL,
     "Console benchmark: a static file of a page's size.", "pages", "text/html", 0},
#endif
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

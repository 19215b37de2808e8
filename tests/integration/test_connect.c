/*
 * Integration: Temu authorization against the real aicos and the real temu-sandbox, on SQLite
 * and PostgreSQL. Dev authorization end to end, every callback failure mode (nothing stored,
 * audited), sessions (list, cancel, single use), manual mode, the launch packet's gates, the
 * dev entry refused in production, 3000034 marking the connection failed, re-authorization
 * keeping history and refusing another shop, the Web bridge, and progress and registry values
 * as the state changes.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define APP_KEY    "connectappkey000000000000000001"
#define APP_SECRET "connectappsecret0000000000000000000000001"

static char env_auth[160];
static struct ts_app app;

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    /* The sandbox with one app and two shops. */
    char *sandbox_args[] = {(char *)"--shops", (char *)"2", (char *)"--rate-limit", (char *)"0",
                            NULL};
    ts_app_prepare(&app, "connect",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Connect\",\"scopes\":[\"bg.order.list.v2.get\"]}]",
                   sandbox_args);
    snprintf(env_auth, sizeof env_auth,
             "AICOS_TEMU_AUTH_URL=http://127.0.0.1:%u/open-platform/client-manage/authorization",
             app.sbx_port);
    char *env[] = {env_auth, NULL};
    ts_app_serve(&app, env);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static const char *error_code(const json_t *doc)
{
    const char *c = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    return c ? c : "";
}

/* Counts rows with a query (one integer cell) through the API-free path: the audit API. */
static size_t audit_count(const char *action, const char *outcome)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/audit?action=%s&outcome=%s&limit=500", action, outcome);
    json_t *doc = ts_api(&app, "GET", path, NULL, 200);
    size_t n = json_array_size(json_object_get(doc, "entries"));
    json_decref(doc);
    return n;
}

static size_t connection_count(void)
{
    json_t *doc = ts_api(&app, "GET", "/api/v1/integrations/temu/connections", NULL, 200);
    size_t n = json_array_size(json_object_get(doc, "connections"));
    json_decref(doc);
    return n;
}

static size_t secret_count(void)
{
    json_t *doc = ts_api(&app, "GET", "/api/v1/secrets", NULL, 200);
    size_t n = json_array_size(json_object_get(doc, "secrets"));
    json_decref(doc);
    return n;
}

static void store_credentials(void)
{
    json_decref(ts_api(
        &app, "PUT", "/api/v1/integrations/temu/credentials",
        "{\"region\":\"us\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", 200));
}

/* Starts a dev authorization (optionally re-authorizing connection) and returns its state. */
static char *dev_state(const char *connection)
{
    char body[160];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\"}", connection ? connection : "");
    json_t *doc = ts_api(&app, "POST", "/api/v1/integrations/temu/dev/authorization", body, 201);
    const char *url = json_string_value(json_object_get(doc, "authorization_url"));
    assert_non_null(url);
    assert_true(ts_contains(url, "appKey=" APP_KEY));
    assert_true(ts_contains(url, "redirect_uri="));
    assert_false(json_is_true(json_object_get(doc, "production_path")));
    const char *s = strstr(url, "state=");
    assert_non_null(s);
    char *state = strdup(s + 6);
    json_decref(doc);
    return state;
}

/* Approves on the sandbox's consent page for shop index (0 or 1) and returns the code. */
static char *approve(const char *state, int shop)
{
    char page[256], body[1024];
    struct ts_http_resp r;
    snprintf(page, sizeof page,
             "/open-platform/client-manage/authorization?appKey=" APP_KEY "&state=%s", state);
    assert_true(ts_http(app.sbx_port, "GET", page, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    /* The shop ids come from the page's radio buttons. */
    const char *p = r.body;
    for (int i = 0; i <= shop; i++) {
        p = strstr(p, "name=\"mallId\" value=\"");
        assert_non_null(p);
        p += strlen("name=\"mallId\" value=\"");
    }
    char mall[32];
    snprintf(mall, sizeof mall, "%.*s", (int)strcspn(p, "\""), p);
    ts_http_free(&r);
    snprintf(body, sizeof body,
             "appKey=" APP_KEY "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fcb&state=%s"
             "&mallId=%s&action=approve&scope=bg.order.list.v2.get",
             state, mall);
    assert_true(ts_http(app.sbx_port, "POST", "/open-platform/client-manage/authorization",
                        "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    char loc[1024];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    ts_http_free(&r);
    const char *c = strstr(loc, "code=");
    assert_non_null(c);
    return strndup(c + 5, strcspn(c + 5, "&"));
}

static json_t *callback(const char *query, int want)
{
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/integrations/temu/authorization/callback%s", query);
    return ts_api_at(app.server.port, "GET", path, "Accept: application/json\r\n", NULL, want);
}

static json_t *progress_step(json_t *progress, const char *key)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(progress, "steps"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "key")), key) == 0)
            return s;
    }
    return NULL;
}

static const char *temu_status(void)
{
    static char status[64];
    json_t *doc = ts_api(&app, "GET", "/api/v1/integrations", NULL, 200);
    json_t *row = json_array_get(json_object_get(doc, "integrations"), 0);
    snprintf(status, sizeof status, "%s", json_string_value(json_object_get(row, "status")));
    assert_string_equal(json_string_value(json_object_get(row, "item")), "Temu Open Platform");
    json_t *others = json_object_get(doc, "integrations");
    assert_int_equal(json_array_size(others), 3);
    for (size_t i = 1; i < 3; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(others, i), "status")),
                            "not_configured");
    json_decref(doc);
    return status;
}

static void test_progress_and_registry_before(void **state)
{
    (void)state;
    assert_string_equal(temu_status(), "not_configured");
    json_t *p = ts_api(&app, "GET", "/api/v1/integrations/temu/progress", NULL, 200);
    assert_string_equal(
        json_string_value(json_object_get(progress_step(p, "app_credentials"), "status")),
        "blocked");
    assert_string_equal(json_string_value(json_object_get(progress_step(p, "dns"), "status")),
                        "pending");
    assert_true(
        ts_contains(json_string_value(json_object_get(progress_step(p, "dns"), "next_action")),
                    "aicos deploy dns"));
    assert_string_equal(
        json_string_value(json_object_get(progress_step(p, "first_sync"), "status")), "pending");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "stage"), "code")),
                        "waiting_for_app_credentials");
    assert_int_equal(json_integer_value(json_object_get(p, "total")), 8);
    assert_false(
        json_is_true(json_object_get(json_object_get(p, "safety"), "shop_password_required")));
    json_decref(p);
    /* Without credentials the dev entry refuses, and nothing is created. */
    json_t *d = ts_api(&app, "POST", "/api/v1/integrations/temu/dev/authorization", "{}", 409);
    assert_string_equal(error_code(d), "credentials_missing");
    json_decref(d);
    store_credentials();
    assert_string_equal(temu_status(), "configured");
    p = ts_api(&app, "GET", "/api/v1/integrations/temu/progress", NULL, 200);
    assert_string_equal(
        json_string_value(json_object_get(progress_step(p, "app_credentials"), "status")), "pass");
    json_decref(p);
}

static void test_launch_packet_gates(void **state)
{
    (void)state;
    json_t *d = ts_api(&app, "POST", "/api/v1/integrations/temu/launch-packet", "{}", 200);
    assert_false(json_is_true(json_object_get(d, "ready")));
    json_t *bl = json_object_get(d, "blockers");
    char gates[256] = "";
    size_t i;
    json_t *b;
    json_array_foreach(bl, i, b)
    {
        strncat(gates, json_string_value(json_object_get(b, "gate")),
                sizeof gates - strlen(gates) - 2);
        strncat(gates, ",", sizeof gates - strlen(gates) - 1);
    }
    assert_true(ts_contains(gates, "public_callback"));
    assert_true(ts_contains(gates, "production_env"));
    assert_true(ts_contains(gates, "preflight"));
    assert_true(ts_contains(gates, "security"));
    assert_false(ts_contains(gates, "app_credentials")); /* stored by now */
    json_decref(d);
    /* The raw production session refuses too, and nothing was created either way. */
    d = ts_api(&app, "POST", "/api/v1/integrations/temu/authorization/sessions", "{}", 409);
    assert_string_equal(error_code(d), "gates_closed");
    json_decref(d);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/authorization/sessions", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "sessions")), 0);
    json_decref(d);
    assert_true(audit_count("temu.launch_packet", "denied") >= 1);
    /* A shop password is refused outright. */
    d = ts_api(&app, "POST", "/api/v1/integrations/temu/launch-packet", "{\"shop_password\":\"x\"}",
               422);
    assert_string_equal(error_code(d), "shop_password_not_needed");
    json_decref(d);
}

static void test_callback_failures_store_nothing(void **state)
{
    (void)state;
    size_t secrets = secret_count(), audits = audit_count("temu.authorization.callback", "failure");
    json_t *d = callback("", 400);
    assert_string_equal(error_code(d), "state_missing");
    json_decref(d);
    d = callback("?code=abc&state=nosuchstate", 400);
    assert_string_equal(error_code(d), "state_unknown");
    json_decref(d);
    char *st = dev_state(NULL);
    char q[512];
    snprintf(q, sizeof q, "?state=%s", st);
    d = callback(q, 400);
    assert_string_equal(error_code(d), "code_missing");
    json_decref(d);
    snprintf(q, sizeof q, "?state=%s&error=access_denied", st);
    d = callback(q, 400);
    assert_string_equal(error_code(d), "authorization_denied");
    json_decref(d);
    /* Issue 18: a denial ends the session. Approving later with the same state (a second
     * tab, a replayed link) is refused and connects nothing. */
    char *late = approve(st, 0);
    snprintf(q, sizeof q, "?state=%s&code=%s", st, late);
    d = callback(q, 409);
    assert_string_equal(error_code(d), "state_used");
    json_decref(d);
    free(late);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/authorization/sessions", NULL, 200);
    size_t k;
    json_t *row;
    bool denied = false;
    json_array_foreach(json_object_get(d, "sessions"), k, row)
    {
        const char *o = json_string_value(json_object_get(row, "outcome"));
        denied = denied || (o != NULL && strcmp(o, "denied") == 0);
    }
    assert_true(denied);
    json_decref(d);
    assert_int_equal(connection_count(), 0);
    free(st);
    st = dev_state(NULL);
    /* A code Temu does not know: the exchange fails, the state is consumed. */
    snprintf(q, sizeof q, "?state=%s&code=notarealcode000000000000000000000000", st);
    d = callback(q, 502);
    assert_string_equal(error_code(d), "temu_exchange_failed");
    assert_true(ts_contains(
        json_string_value(json_object_get(json_object_get(d, "error"), "message")), "110020002"));
    json_decref(d);
    d = callback(q, 409);
    assert_string_equal(error_code(d), "state_used");
    json_decref(d);
    free(st);
    /* Cancelled. */
    st = dev_state(NULL);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/authorization/sessions", NULL, 200);
    const char *id = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(d, "sessions"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "state")), "open") == 0)
            id = json_string_value(json_object_get(s, "id"));
    }
    assert_non_null(id);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/integrations/temu/authorization/sessions/%s", id);
    json_decref(ts_api(&app, "DELETE", path, NULL, 200));
    json_t *again = ts_api(&app, "DELETE", path, NULL, 409);
    assert_string_equal(error_code(again), "session_not_open");
    json_decref(again);
    json_decref(d);
    char *code = approve(st, 0);
    snprintf(q, sizeof q, "?state=%s&code=%s", st, code);
    d = callback(q, 409);
    assert_string_equal(error_code(d), "state_cancelled");
    json_decref(d);
    free(code);
    free(st);
    /* Expired: make a session old in the database. */
    st = dev_state(NULL);
    ts_db_exec(app.db_url, "UPDATE temu_auth_sessions SET expires_at = 1 WHERE used_at IS NULL AND "
                           "cancelled_at IS NULL");
    code = approve(st, 0);
    snprintf(q, sizeof q, "?state=%s&code=%s", st, code);
    d = callback(q, 400);
    assert_string_equal(error_code(d), "state_expired");
    json_decref(d);
    free(code);
    free(st);
    assert_int_equal(connection_count(), 0);
    assert_int_equal(secret_count(), secrets);
    /* The two without a session (missing, forged state) are counted as anonymous refusals
     * (issue 18), the seven with one are audited. */
    assert_true(audit_count("temu.authorization.callback", "failure") >= audits + 7);
}

static char conn_id[40];

static void test_dev_authorization_end_to_end(void **state)
{
    (void)state;
    char *st = dev_state(NULL);
    assert_string_equal(temu_status(), "authorization_pending");
    char *code = approve(st, 0);
    char q[512];
    snprintf(q, sizeof q, "?state=%s&code=%s", st, code);
    json_t *d = callback(q, 200);
    snprintf(conn_id, sizeof conn_id, "%s", json_string_value(json_object_get(d, "connection_id")));
    assert_true(json_integer_value(json_object_get(d, "mall_id")) > 0);
    json_decref(d);
    /* Single use: the same callback again is refused and changes nothing. */
    d = callback(q, 409);
    assert_string_equal(error_code(d), "state_used");
    json_decref(d);
    free(code);
    free(st);
    /* Browsers are sent to the console. */
    st = dev_state(conn_id);
    code = approve(st, 0);
    snprintf(q, sizeof q, "/api/v1/integrations/temu/authorization/callback?state=%s&code=%s", st,
             code);
    struct ts_http_resp r;
    assert_true(ts_http(app.server.port, "GET", q, NULL, NULL, &r));
    assert_int_equal(r.status, 303);
    char loc[256];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_true(ts_contains(loc, "/integrations?notice=connected"));
    ts_http_free(&r);
    free(code);
    free(st);
    assert_int_equal(connection_count(), 1);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/connections", NULL, 200);
    json_t *c = json_array_get(json_object_get(d, "connections"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "status")), "active");
    assert_int_equal(json_array_size(json_object_get(c, "history")), 2); /* history kept */
    assert_true(json_integer_value(json_object_get(c, "days_left")) >= 360);
    assert_true(ts_contains(json_string_value(json_object_get(c, "token")), "****"));
    json_decref(d);
    assert_string_equal(temu_status(), "authorized"); /* no sync yet (issue 7) */
    json_t *p = ts_api(&app, "GET", "/api/v1/integrations/temu/progress", NULL, 200);
    assert_string_equal(
        json_string_value(json_object_get(progress_step(p, "seller_authorization"), "status")),
        "pass");
    json_decref(p);
    assert_true(audit_count("temu.authorization.callback", "success") >= 2);
}

static void test_reauthorize_other_shop_refused(void **state)
{
    (void)state;
    size_t secrets = secret_count();
    char *st = dev_state(conn_id);
    char *code = approve(st, 1); /* the other shop */
    char q[512];
    snprintf(q, sizeof q, "?state=%s&code=%s", st, code);
    json_t *d = callback(q, 409);
    assert_string_equal(error_code(d), "different_shop");
    json_decref(d);
    free(code);
    free(st);
    assert_int_equal(connection_count(), 1);
    assert_int_equal(secret_count(), secrets);
}

static void test_token_replaced_3000034(void **state)
{
    (void)state;
    json_t *d = ts_api(&app, "GET", "/api/v1/integrations/temu/connections", NULL, 200);
    json_int_t mall = json_integer_value(
        json_object_get(json_array_get(json_object_get(d, "connections"), 0), "mall_id"));
    json_decref(d);
    char path[128], body[160];
    snprintf(path, sizeof path, "/api/v1/integrations/temu/connections/%s/check", conn_id);
    json_decref(ts_api(&app, "POST", path, NULL, 200));
    /* A new token for the same app and shop replaces ours (the sandbox's admin API). */
    snprintf(body, sizeof body, "{\"app_key\":\"" APP_KEY "\",\"mallId\":%lld}", (long long)mall);
    struct ts_http_resp r;
    assert_true(ts_http(app.sbx_port, "POST", "/_sandbox/tokens", "application/json", body, &r));
    assert_int_equal(r.status, 200);
    json_t *tok = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    d = ts_api(&app, "POST", path, NULL, 502);
    assert_string_equal(error_code(d), "temu_token_rejected");
    json_decref(d);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/connections", NULL, 200);
    json_t *c = json_array_get(json_object_get(d, "connections"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "status")), "failed");
    assert_string_equal(json_string_value(json_object_get(c, "status_reason")),
                        "token replaced or expired: re-authorize");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "errors"), "auth")), 1);
    json_decref(d);
    assert_string_equal(temu_status(), "failed");
    json_t *p = ts_api(&app, "GET", "/api/v1/integrations/temu/progress", NULL, 200);
    assert_string_equal(
        json_string_value(json_object_get(progress_step(p, "seller_authorization"), "status")),
        "blocked");
    json_decref(p);
    /* Manual mode: a bad token is refused after verification and nothing changes ... */
    d = ts_api(&app, "POST", "/api/v1/integrations/temu/connections/manual",
               "{\"access_token\":\"notatoken000000000000000000000000000000000000000000000\"}",
               502);
    assert_string_equal(error_code(d), "temu_verify_failed");
    json_decref(d);
    /* ... and the token Seller Center showed re-authorizes the same connection. */
    const char *t = json_string_value(json_object_get(tok, "accessToken"));
    assert_non_null(t);
    snprintf(body, sizeof body,
             "{\"region\":\"us\",\"access_token\":\"%s\",\"connection_id\":\"%s\"}", t, conn_id);
    d = ts_api(&app, "POST", "/api/v1/integrations/temu/connections/manual", body, 201);
    assert_true(json_is_true(json_object_get(d, "reauthorized")));
    json_decref(d);
    json_decref(tok);
    d = ts_api(&app, "GET", "/api/v1/integrations/temu/connections", NULL, 200);
    c = json_array_get(json_object_get(d, "connections"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "status")), "active");
    assert_int_equal(json_array_size(json_object_get(c, "history")), 3);
    json_decref(d);
    assert_string_equal(temu_status(), "authorized"); /* no sync yet (issue 7) */
    assert_true(audit_count("temu.authorization.manual", "success") >= 1);
}

static void test_inspector_and_bridge(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body,
             "{\"type\":\"bg.open.accesstoken.info.get\",\"connection_id\":\"%s\"}", conn_id);
    json_t *d = ts_api(&app, "POST", "/api/v1/integrations/temu/inspect", body, 200);
    const char *canon = json_string_value(json_object_get(d, "canonical_string"));
    assert_true(ts_contains(canon, "<app_secret>"));
    assert_false(ts_contains(canon, APP_SECRET));
    assert_int_equal(strlen(json_string_value(json_object_get(d, "signature"))), 32);
    assert_true(json_is_true(json_object_get(json_object_get(d, "answer"), "success")));
    json_decref(d);
    /* The Web bridge without JavaScript: failure and success pages. */
    struct ts_http_resp r;
    assert_true(
        ts_http(app.server.port, "GET", "/integrations/temu/callback?code=x", NULL, NULL, &r));
    assert_int_equal(r.status, 400);
    assert_true(ts_contains(r.body, "state_missing"));
    assert_false(ts_contains(r.body, "<script"));
    ts_http_free(&r);
    char *st = dev_state(conn_id);
    char *code = approve(st, 0);
    char q[512];
    snprintf(q, sizeof q, "/integrations/temu/callback?state=%s&code=%s", st, code);
    assert_true(ts_http(app.server.port, "GET", q, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "Authorization complete"));
    ts_http_free(&r);
    free(code);
    free(st);
    /* Diagnostics are public and carry no secrets. */
    assert_true(ts_http(app.server.port, "GET",
                        "/api/v1/integrations/temu/authorization/callback/diagnostics", NULL, NULL,
                        &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "\"callback_mode\":\"api\""));
    assert_false(ts_contains(r.body, APP_SECRET));
    ts_http_free(&r);
    /* The page renders for a signed-in session. */
    assert_true(ts_http_ex(app.server.port, "GET", "/integrations", app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "平台集成"));
    assert_true(ts_contains(r.body, "集成工作台"));
    assert_false(ts_contains(r.body, APP_SECRET));
    ts_http_free(&r);
}

static void test_dev_refused_in_production(void **state)
{
    (void)state;
    struct ts_server prod;
    char *env[] = {app.env_key, app.env_gw, env_auth, (char *)"AICOS_ENV=production", NULL};
    ts_server_start(&prod, app.db_url, env);
    struct ts_http_resp r;
    assert_true(ts_http_ex(prod.port, "POST", "/api/v1/integrations/temu/dev/authorization",
                           app.admin_hdr, "application/json", "{}", &r));
    assert_int_equal(r.status, 403);
    assert_true(ts_contains(r.body, "dev_refused_in_production"));
    ts_http_free(&r);
    assert_int_equal(ts_server_stop(&prod), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_and_registry_before),
        cmocka_unit_test(test_launch_packet_gates),
        cmocka_unit_test(test_callback_failures_store_nothing),
        cmocka_unit_test(test_dev_authorization_end_to_end),
        cmocka_unit_test(test_reauthorize_other_shop_refused),
        cmocka_unit_test(test_token_replaced_3000034),
        cmocka_unit_test(test_inspector_and_bridge),
        cmocka_unit_test(test_dev_refused_in_production),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

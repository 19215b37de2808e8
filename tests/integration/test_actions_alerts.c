/*
 * Integration: the action center's alert settings over HTTP against a real `aicos serve`, on
 * SQLite and PostgreSQL. The JSON API: thresholds read by operators and set by ops (unknown
 * detector, value out of range and unknown connection refused, nothing changed); hooks listed
 * by ops with masked URLs, added and deleted only by seller admins, test-sent (a receiver
 * that answers 2xx: delivered; a closed port: 502 hook_test_failed), disabled and enabled;
 * every change audited without the URL's key. The /settings/alerts page: role checks, both
 * languages, masked URLs, post/redirect/get with the notice, refusals as notices; /settings
 * links to it. The receiver is the Temu sandbox's gateway, which answers any POST with 200.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define APP_KEY    "alertsappkey00000000000000000001"
#define APP_SECRET "alertsappsecret0000000000000000000000001"
#define KEY_PART   "SECRETTOKEN99"

static struct ts_app app;
static char conn_id[64];

static int setup(void **state)
{
    (void)state;
    char *sandbox_args[] = {(char *)"--shops",
                            (char *)"1",
                            (char *)"--orders",
                            (char *)"5",
                            (char *)"--seed",
                            (char *)"7",
                            (char *)"--rate-limit",
                            (char *)"0",
                            NULL};
    ts_app_prepare(&app, "alerts",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Alerts\",\"scopes\":[\"bg.order.list.v2.get\"]}]",
                   sandbox_args);
    char *env[] = {(char *)"AICOS_SYNC_WORKER=0", NULL};
    ts_app_serve(&app, env);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id, NULL, 0);
    ts_app_role_headers(&app);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static int64_t threshold(const char *conn, const char *kind, const char *name)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/actions/settings?connection_id=%s", conn);
    json_t *doc = ts_api_as(&app, "GET", path, app.operator_hdr, NULL, 200);
    int64_t v = json_integer_value(
        json_object_get(json_object_get(json_object_get(doc, "settings"), kind), name));
    json_decref(doc);
    return v;
}

static void test_thresholds_api(void **state)
{
    (void)state;
    char body[300];
    json_decref(ts_api_as(&app, "GET", "/api/v1/actions/settings", app.viewer_hdr, NULL, 403));
    assert_int_equal(threshold("", "ship_by_risk", "window_s"), 86400);
    json_decref(ts_api_as(&app, "GET", "/api/v1/actions/settings?connection_id=nope",
                          app.operator_hdr, NULL, 404));
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"kind\":\"ship_by_risk\",\"name\":\"window_s\","
             "\"value\":7200}",
             conn_id);
    json_decref(ts_api_as(&app, "POST", "/api/v1/actions/settings", app.operator_hdr, body, 403));
    static const char *const bad[] = {
        "{\"kind\":\"nope\",\"name\":\"window_s\",\"value\":7200}",
        "{\"kind\":\"ship_by_risk\",\"name\":\"window_s\",\"value\":1}",
        "{\"kind\":\"ship_by_risk\",\"name\":\"window_s\",\"value\":\"7200\"}",
        "{\"connection_id\":\"nope\",\"kind\":\"ship_by_risk\",\"name\":\"window_s\","
        "\"value\":7200}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        json_decref(ts_api_as(&app, "POST", "/api/v1/actions/settings", app.ops_hdr, bad[i], 422));
    assert_int_equal(threshold(conn_id, "ship_by_risk", "window_s"), 86400);
    json_t *doc = ts_api_as(&app, "POST", "/api/v1/actions/settings", app.ops_hdr, body, 200);
    json_decref(doc);
    assert_int_equal(threshold(conn_id, "ship_by_risk", "window_s"), 7200);
    assert_int_equal(threshold("", "ship_by_risk", "window_s"), 86400);
}

static const json_t *hook_of(const json_t *list, const char *id)
{
    size_t i;
    const json_t *h;
    json_array_foreach(json_object_get(list, "hooks"), i,
                       h) if (strcmp(json_string_value(json_object_get(h, "id")), id) ==
                              0) return h;
    return NULL;
}

static void test_hooks_api(void **state)
{
    (void)state;
    char body[400], id[40], dead[40], path[160];
    snprintf(body, sizeof body,
             "{\"kind\":\"slack\",\"url\":\"http://127.0.0.1:%u/openapi/router?k=" KEY_PART
             "\",\"min_severity\":2,\"brief\":true}",
             app.sbx_port);
    json_decref(ts_api_as(&app, "POST", "/api/v1/notify/hooks", app.ops_hdr, body, 403));
    json_decref(ts_api(&app, "POST", "/api/v1/notify/hooks",
                       "{\"kind\":\"slack\",\"url\":\"ftp://x/y\"}", 422));
    json_decref(ts_api(&app, "POST", "/api/v1/notify/hooks",
                       "{\"kind\":\"generic\",\"url\":\"http://127.0.0.1:1/x\",\"secret\":\"s\"}",
                       422));
    json_decref(ts_api(&app, "POST", "/api/v1/notify/hooks",
                       "{\"kind\":\"slack\",\"url\":\"http://127.0.0.1:1/x\",\"brief\":1}", 422));
    json_t *doc = ts_api(&app, "POST", "/api/v1/notify/hooks", body, 201);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(doc, "id")));
    assert_null(strstr(json_string_value(json_object_get(doc, "url")), KEY_PART));
    assert_non_null(strstr(json_string_value(json_object_get(doc, "url")), "…EN99"));
    json_decref(doc);
    doc = ts_api(&app, "POST", "/api/v1/notify/hooks",
                 "{\"kind\":\"slack\",\"url\":\"http://127.0.0.1:1/closed\"}", 201);
    snprintf(dead, sizeof dead, "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    json_decref(ts_api_as(&app, "GET", "/api/v1/notify/hooks", app.operator_hdr, NULL, 403));
    doc = ts_api_as(&app, "GET", "/api/v1/notify/hooks", app.ops_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(doc, "hooks")), 2);
    assert_null(strstr(json_string_value(json_object_get(hook_of(doc, id), "url")), KEY_PART));
    json_decref(doc);
    snprintf(path, sizeof path, "/api/v1/notify/hooks/%s/test", id);
    doc = ts_api_as(&app, "POST", path, app.ops_hdr, NULL, 200);
    assert_true(json_is_true(json_object_get(doc, "delivered")));
    json_decref(doc);
    snprintf(path, sizeof path, "/api/v1/notify/hooks/%s/test", dead);
    doc = ts_api_as(&app, "POST", path, app.ops_hdr, NULL, 502);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "error"), "code")),
                        "hook_test_failed");
    json_decref(doc);
    snprintf(path, sizeof path, "/api/v1/notify/hooks/%s/disable", id);
    doc = ts_api_as(&app, "POST", path, app.ops_hdr, NULL, 200);
    assert_true(json_is_false(json_object_get(doc, "enabled")));
    json_decref(doc);
    json_decref(
        ts_api_as(&app, "POST", "/api/v1/notify/hooks/nh_none/enable", app.ops_hdr, NULL, 404));
    snprintf(path, sizeof path, "/api/v1/notify/hooks/%s", dead);
    json_decref(ts_api_as(&app, "DELETE", path, app.ops_hdr, NULL, 403));
    json_decref(ts_api(&app, "DELETE", path, NULL, 200));
    json_decref(ts_api(&app, "DELETE", path, NULL, 404));
    /* Audited, without the URL's key. */
    doc = ts_api(&app, "GET", "/api/v1/audit?action=notify.hook.", NULL, 200);
    assert_true(json_array_size(json_object_get(doc, "entries")) >= 5);
    char *s = json_dumps(doc, 0);
    assert_null(strstr(s, KEY_PART));
    free(s);
    json_decref(doc);
}

/* GET path as the session cookie hdr; the body (caller frees r). */
static void page_get(const char *path, const char *hdr, int want, struct ts_http_resp *r)
{
    assert_true(ts_http_ex(app.server.port, "GET", path, hdr, NULL, NULL, r));
    assert_int_equal(r->status, want);
}

static void page_post(const char *path, const char *hdr, const char *body, int want)
{
    struct ts_http_resp r;
    assert_true(ts_http_ex(app.server.port, "POST", path, hdr, "application/x-www-form-urlencoded",
                           body, &r));
    assert_int_equal(r.status, want);
    ts_http_free(&r);
}

static void test_alerts_page(void **state)
{
    (void)state;
    char cookie[160], csrf[96], hdr[320], body[400];
    struct ts_http_resp r;
    ts_session_login(app.db_url, app.server.port, "alertview", "viewer", cookie, sizeof cookie,
                     csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    page_get("/settings/alerts", hdr, 403, &r);
    ts_http_free(&r);
    ts_session_login(app.db_url, app.server.port, "alertops", "ops", cookie, sizeof cookie, csrf,
                     sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    page_get("/settings", hdr, 200, &r);
    assert_true(ts_contains(r.body, "href=\"/settings/alerts\""));
    ts_http_free(&r);
    page_get("/settings/alerts", hdr, 200, &r);
    assert_true(ts_contains(r.body, "提醒与通知 / Alerts and notifications"));
    assert_true(ts_contains(r.body, "检测阈值 / Detector thresholds"));
    assert_true(ts_contains(r.body, "通知对象 / Notification targets"));
    assert_false(ts_contains(r.body, KEY_PART));
    assert_false(ts_contains(r.body, "添加通知对象")); /* seller admins add targets */
    ts_http_free(&r);
    char path[160], opt[160];
    snprintf(path, sizeof path, "/settings/alerts?connection_id=%s", conn_id);
    snprintf(opt, sizeof opt, "<option value=\"%s\" selected>", conn_id);
    page_get(path, hdr, 200, &r);
    assert_true(ts_contains(r.body, opt)); /* the shop's own thresholds */
    ts_http_free(&r);
    page_get("/settings/alerts?connection_id=nope", hdr, 404, &r);
    ts_http_free(&r);
    snprintf(body, sizeof body,
             "csrf_token=%s&connection_id=&kind=no_first_scan&name=after_s&value=abc", csrf);
    page_post("/settings/alerts/thresholds", hdr, body, 303);
    page_get("/settings/alerts", hdr, 200, &r);
    assert_true(ts_contains(r.body, "whole number"));
    ts_http_free(&r);
    assert_int_equal(threshold("", "no_first_scan", "after_s"), 48 * 3600);
    snprintf(body, sizeof body,
             "csrf_token=%s&connection_id=&kind=no_first_scan&name=after_s&value=7200", csrf);
    page_post("/settings/alerts/thresholds", hdr, body, 303);
    page_get("/settings/alerts", hdr, 200, &r);
    assert_true(ts_contains(r.body, "The threshold is saved."));
    ts_http_free(&r);
    assert_int_equal(threshold("", "no_first_scan", "after_s"), 7200);
    snprintf(body, sizeof body, "csrf_token=%s&kind=slack&url=http://x/y&min_severity=3", csrf);
    page_post("/settings/alerts/hooks", hdr, body, 403);
    /* A seller admin adds one by the form; a bad one comes back as the notice. */
    ts_session_login(app.db_url, app.server.port, "alertadmin", "seller_admin", cookie,
                     sizeof cookie, csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    snprintf(body, sizeof body, "csrf_token=%s&kind=wecom&url=ftp://x&min_severity=3", csrf);
    page_post("/settings/alerts/hooks", hdr, body, 303);
    page_get("/settings/alerts", hdr, 200, &r);
    assert_true(ts_contains(r.body, "url is an http(s) URL"));
    ts_http_free(&r);
    snprintf(body, sizeof body,
             "csrf_token=%s&kind=wecom&url=http://127.0.0.1:1/send%%3Fkey%%3DWECOMKEY77&"
             "min_severity=3&brief=1",
             csrf);
    page_post("/settings/alerts/hooks", hdr, body, 303);
    page_get("/settings/alerts", hdr, 200, &r);
    assert_true(ts_contains(r.body, "The notification target is added."));
    assert_true(ts_contains(r.body, "Y77"));
    assert_false(ts_contains(r.body, "WECOMKEY77"));
    ts_http_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_api),
        cmocka_unit_test(test_hooks_api),
        cmocka_unit_test(test_alerts_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Integration: the real build/aicos, started on a free loopback port against a fresh
 * database (SQLite, or the harness's PostgreSQL when AICOS_TEST_DB=postgres), over HTTP.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/openapi.h"
#include "routes/routes.h"
#include "store/migrate.h"

static char db_url[TS_PATH_MAX];
static struct ts_server server;
static char auth_header[160]; /* "Authorization: Bearer <ops token>\r\n" */

static int setup(void **state)
{
    (void)state;
    ts_fresh_db_url("serve", db_url, sizeof db_url);
    char *env[] = {(char *)"AICOS_LOG_LEVEL=info", NULL};
    ts_server_start(&server, db_url, env);
    ts_bearer_header(db_url, "ops", auth_header, sizeof auth_header);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_server_teardown(&server);
}

static json_t *get_json(const char *path, int want_status)
{
    json_t *doc = ts_api_at(server.port, "GET", path, NULL, NULL, want_status);
    if (doc == NULL)
        fail_msg("GET %s: not JSON", path);
    return doc;
}

static void check_error(const struct ts_http_resp *r, int status, const char *code)
{
    if (r->status != status)
        fail_msg("status %d, want %d: %s", r->status, status, r->body);
    json_t *doc = json_loads(r->body, 0, NULL);
    assert_non_null(doc);
    json_t *err = json_object_get(doc, "error");
    assert_int_equal(json_object_size(doc), 1);
    assert_string_equal(json_string_value(json_object_get(err, "code")), code);
    assert_non_null(json_string_value(json_object_get(err, "message")));
    json_decref(doc);
}

static void test_health_and_readiness(void **state)
{
    (void)state;
    json_t *h = get_json("/healthz", 200);
    assert_string_equal(json_string_value(json_object_get(h, "status")), "ok");
    json_decref(h);
    json_t *r = get_json("/readyz", 200);
    assert_string_equal(json_string_value(json_object_get(r, "status")), "ready");
    json_t *db = json_object_get(r, "database");
    assert_string_equal(json_string_value(json_object_get(db, "driver")),
                        ts_is_pg() ? "postgres" : "sqlite");
    assert_int_equal(json_integer_value(json_object_get(db, "schema_version")), migrate_latest());
    json_decref(r);
}

static void test_openapi_served_matches_table(void **state)
{
    (void)state;
    json_t *served = get_json("/api/v1/openapi.json", 200);
    json_t *built = api_openapi_document(api_routes, api_routes_count);
    assert_true(json_equal(served, built));
    assert_true(json_object_size(json_object_get(served, "paths")) >= 5);
    json_decref(served);
    json_decref(built);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *path = "/api/v1/config/validate";
    struct ts_http_resp r;
    assert_true(ts_http(server.port, "POST", path, "application/json", "{}", &r));
    check_error(&r, 401, "unauthenticated");
    ts_http_free(&r);
    unsigned port = server.port;
    assert_true(ts_http(port, "GET", "/no/such/route", NULL, NULL, &r));
    check_error(&r, 404, "unknown_route");
    ts_http_free(&r);
    assert_true(ts_http(port, "DELETE", "/healthz", NULL, NULL, &r));
    check_error(&r, 405, "method_not_allowed");
    char allow[32];
    assert_true(ts_http_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET");
    ts_http_free(&r);
    assert_true(
        ts_http_ex(port, "POST", path, auth_header, "application/json", "{\"settings\":", &r));
    check_error(&r, 400, "malformed_json");
    ts_http_free(&r);
    assert_true(ts_http_ex(port, "POST", path, auth_header, "application/json",
                           "{\"settings\":\"\xff\xfe\"}", &r));
    check_error(&r, 400, "invalid_utf8");
    ts_http_free(&r);
    assert_true(ts_http_ex(port, "POST", path, auth_header, "text/plain", "{}", &r));
    check_error(&r, 415, "unsupported_media_type");
    ts_http_free(&r);
    assert_true(ts_http_ex(port, "POST", path, auth_header, "application/json",
                           "{\"settings\":{\"AICOS_LISTEN\":\"nowhere\"}}", &r));
    check_error(&r, 422, "bad_configuration");
    assert_true(ts_contains(r.body, "AICOS_LISTEN"));
    ts_http_free(&r);
    assert_true(ts_http_ex(port, "POST", path, auth_header, "application/json",
                           "{\"settings\":{\"AICOS_NOPE\":\"1\"}}", &r));
    check_error(&r, 422, "unknown_setting");
    ts_http_free(&r);
    assert_true(ts_http_ex(port, "POST", path, auth_header, "application/json",
                           "{\"settings\":{\"AICOS_HTTP_THREADS\":\"8\","
                           "\"AICOS_API_ORIGIN\":\"https://api.example.com\"}}",
                           &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "\"valid\":true"));
    ts_http_free(&r);

    /* Over the 1 MiB default body limit. */
    size_t big_len = 1024 * 1024 + 10;
    char *big = malloc(big_len + 1);
    memset(big, ' ', big_len);
    big[big_len] = '\0';
    assert_true(ts_http_ex(port, "POST", path, auth_header, "application/json", big, &r));
    check_error(&r, 413, "body_too_large");
    ts_http_free(&r);
    free(big);

    const char *dup = "POST /healthz HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\nContent-Length: 2\r\n"
                      "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    assert_true(ts_http_raw(port, dup, strlen(dup), &r));
    check_error(&r, 400, "duplicate_content_length");
    ts_http_free(&r);
    const char *clte =
        "POST /api/v1/config/validate HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    assert_true(ts_http_raw(port, clte, strlen(clte), &r));
    check_error(&r, 400, "content_length_with_transfer_encoding");
    ts_http_free(&r);
}

static void test_metrics(void **state)
{
    (void)state;
    struct ts_http_resp r;
    assert_true(ts_http(server.port, "GET", "/healthz", NULL, NULL, &r));
    ts_http_free(&r);
    assert_true(ts_http(server.port, "GET", "/metrics", NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    char ct[128];
    assert_true(ts_http_header(&r, "Content-Type", ct, sizeof ct));
    assert_true(ts_contains(ct, "text/plain"));
    assert_true(ts_contains(r.body, "aicos_build_info{version=\""));
    assert_true(ts_contains(r.body, "aicos_http_requests_total{method=\"GET\",route=\"/healthz\","
                                    "status=\"200\"}"));
    assert_true(ts_contains(r.body, "aicos_http_request_duration_seconds_bucket{method=\"GET\","
                                    "route=\"/healthz\",le=\"+Inf\"}"));
    assert_true(ts_contains(r.body, "route=\"unmatched\",status=\"404\""));
    ts_http_free(&r);
}

/* Runs last: SIGTERM stops the server cleanly and the log is one key=value line per event. */
static void test_graceful_shutdown_and_logs(void **state)
{
    (void)state;
    char err_path[TS_PATH_MAX];
    snprintf(err_path, sizeof err_path, "%s", server.proc.err_path);
    assert_int_equal(ts_server_stop(&server), 0);
    char *log = ts_read_file(err_path);
    assert_true(ts_contains(log, "event=serve.stopping signal=SIGTERM"));
    assert_true(ts_contains(log, "event=serve.stopped"));
    assert_true(ts_contains(log, "event=http.request rid="));
    for (char *line = log; *line;) {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        if (strncmp(line, "ts=", 3) != 0)
            fail_msg("log line is not key=value: %.*s", (int)(eol - line), line);
        line = eol + 1;
    }
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_and_readiness),
        cmocka_unit_test(test_openapi_served_matches_table),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_graceful_shutdown_and_logs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

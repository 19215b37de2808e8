/*
 * The HTTP server with a route table of its own, over real loopback sockets: limits, the
 * error format and status mapping (400, 404, 405, 413, 414, 415, 422, 431, 500), path
 * parameters, headers, and graceful stop with a request in flight.
 */
#include "testsupport.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "http/server.h"

#define BODY_MAX 1024

static enum err h_ok(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    return http_resp_json(resp, 200, json_pack("{s:s}", "hello", "world"));
}

static enum err h_echo(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    return http_resp_json(resp, 201, json_incref(req->json));
}

static enum err h_item(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    return http_resp_json(resp, 200,
                          json_pack("{s:s, s:s}", "shop", http_req_param(req, "shop"), "id",
                                    http_req_param(req, "id")));
}

static enum err h_fail_db(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)resp;
    return err_set(eb, ERR_DB, "database_error", "SELECT secret_internal_detail FROM t failed");
}

static enum err h_invalid(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)resp;
    return err_set(eb, ERR_INVAL, "quantity_negative", "quantity must be zero or more");
}

static enum err h_slow(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    struct timespec ts = {0, 600 * 1000 * 1000};
    nanosleep(&ts, NULL);
    return http_resp_json(resp, 200, json_pack("{s:b}", "finished", 1));
}

static const struct route routes[] = {
    {"GET", "/ok", h_ok, ROUTE_PUBLIC, "ok", "t", NULL, 0},
    {"POST", "/echo", h_echo, ROUTE_JSON_BODY, "echo", "t", NULL, 0},
    {"PUT", "/echo", h_echo, ROUTE_JSON_BODY, "echo", "t", NULL, 0},
    {"GET", "/shops/{shop}/items/{id}", h_item, 0, "item", "t", NULL, 0},
    {"GET", "/fail-db", h_fail_db, 0, "fail", "t", NULL, 0},
    {"GET", "/invalid", h_invalid, 0, "invalid", "t", NULL, 0},
    {"GET", "/slow", h_slow, 0, "slow", "t", NULL, 0},
};

static struct http_server *srv;
static struct metrics *metrics;
static unsigned port;

static int setup(void **state)
{
    (void)state;
    metrics = metrics_new(routes, sizeof routes / sizeof routes[0]);
    struct http_server_opts o = {.host = "127.0.0.1",
                                 .port = 0,
                                 .threads = 2,
                                 .body_max = BODY_MAX,
                                 .routes = routes,
                                 .nroutes = sizeof routes / sizeof routes[0],
                                 .metrics = metrics};
    struct errbuf eb = {0};
    if (http_server_start(&o, &srv, &eb) != ERR_OK)
        fail_msg("start: %s", eb.msg);
    port = http_server_port(srv);
    assert_true(port > 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_server_stop(srv);
    srv = NULL;
    metrics_free(metrics);
    return 0;
}

/* Asserts the standard error body and returns its code (static copy). */
static const char *error_code(const struct ts_http_resp *r)
{
    static char code[64];
    json_error_t jerr;
    json_t *doc = json_loads(r->body, 0, &jerr);
    if (doc == NULL)
        fail_msg("error body is not JSON: %s", r->body);
    json_t *err = json_object_get(doc, "error");
    assert_true(json_is_object(err));
    assert_int_equal(json_object_size(doc), 1);
    assert_int_equal(json_object_size(err), 2);
    const char *c = json_string_value(json_object_get(err, "code"));
    const char *m = json_string_value(json_object_get(err, "message"));
    assert_non_null(c);
    assert_non_null(m);
    assert_true(strlen(m) > 5);
    snprintf(code, sizeof code, "%s", c);
    json_decref(doc);
    return code;
}

static void expect(const char *method, const char *path, const char *ctype, const char *body,
                   int status, const char *code)
{
    struct ts_http_resp r;
    assert_true(ts_http(port, method, path, ctype, body, &r));
    if (r.status != status)
        fail_msg("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body);
    if (code != NULL)
        assert_string_equal(error_code(&r), code);
    char ct[128];
    assert_true(ts_http_header(&r, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, "application/json");
    ts_http_free(&r);
}

static void expect_raw(const char *raw, int status, const char *code)
{
    struct ts_http_resp r;
    assert_true(ts_http_raw(port, raw, strlen(raw), &r));
    if (r.status != status)
        fail_msg("raw request: status %d, want %d: %s", r.status, status, r.body);
    assert_string_equal(error_code(&r), code);
    ts_http_free(&r);
}

static void test_success_and_params(void **state)
{
    (void)state;
    struct ts_http_resp r;
    assert_true(ts_http(port, "GET", "/ok", NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"hello\":\"world\"}");
    char v[256];
    assert_true(ts_http_header(&r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    assert_true(ts_http_header(&r, "X-Frame-Options", v, sizeof v));
    assert_string_equal(v, "DENY");
    assert_true(ts_http_header(&r, "Content-Security-Policy", v, sizeof v));
    assert_true(ts_contains(v, "default-src 'self'"));
    assert_true(ts_http_header(&r, "X-Request-Id", v, sizeof v));
    assert_int_equal(strlen(v), 16);
    ts_http_free(&r);

    assert_true(ts_http(port, "GET", "/shops/s1/items/42?x=1", NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"shop\":\"s1\",\"id\":\"42\"}");
    ts_http_free(&r);

    const char *json = "{\"a\":[1,2,{\"b\":\"ü\"}]}";
    assert_true(ts_http(port, "POST", "/echo", "application/json; charset=utf-8", json, &r));
    assert_int_equal(r.status, 201);
    assert_string_equal(r.body, json);
    ts_http_free(&r);

    /* A client-chosen request id is echoed; a malformed one is replaced. */
    const char *raw = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-abc.1\r\n"
                      "Connection: close\r\n\r\n";
    assert_true(ts_http_raw(port, raw, strlen(raw), &r));
    assert_true(ts_http_header(&r, "X-Request-Id", v, sizeof v));
    assert_string_equal(v, "trace-abc.1");
    ts_http_free(&r);
    raw = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id\"\r\nConnection: close\r\n\r\n";
    assert_true(ts_http_raw(port, raw, strlen(raw), &r));
    assert_true(ts_http_header(&r, "X-Request-Id", v, sizeof v));
    assert_string_not_equal(v, "bad id\"");
    ts_http_free(&r);

    /* HEAD is served by the GET route, without a body. */
    raw = "HEAD /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_true(ts_http_raw(port, raw, strlen(raw), &r));
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    ts_http_free(&r);
}

static void test_routing_errors(void **state)
{
    (void)state;
    expect("GET", "/nothing", NULL, NULL, 404, "unknown_route");
    expect("GET", "/shops/s1/items", NULL, NULL, 404, "unknown_route");
    expect("GET", "/shops/s1/items/", NULL, NULL, 404, "unknown_route");
    struct ts_http_resp r;
    assert_true(ts_http(port, "DELETE", "/echo", NULL, NULL, &r));
    assert_int_equal(r.status, 405);
    assert_string_equal(error_code(&r), "method_not_allowed");
    char allow[64];
    assert_true(ts_http_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "POST, PUT");
    ts_http_free(&r);
}

static void test_body_errors(void **state)
{
    (void)state;
    expect("POST", "/echo", "text/plain", "{}", 415, "unsupported_media_type");
    expect("POST", "/echo", NULL, "{}", 415, "unsupported_media_type");
    expect("POST", "/echo", "application/jsonx", "{}", 415, "unsupported_media_type");
    expect("POST", "/echo", "application/json", "{\"a\":", 400, "malformed_json");
    expect("POST", "/echo", "application/json", "", 400, "malformed_json");
    expect("POST", "/echo", "application/json", "{\"a\":1} trailing", 400, "malformed_json");
    expect("POST", "/echo", "application/json", "{\"a\":1,\"a\":2}", 400, "duplicate_key");
    expect("POST", "/echo", "application/json", "{\"a\":\"\xc3\x28\"}", 400, "invalid_utf8");
    char deep[200];
    memset(deep, '[', 40);
    memset(deep + 40, ']', 40);
    deep[80] = '\0';
    expect("POST", "/echo", "application/json", deep, 400, "json_too_deep");

    /* Too large, announced by Content-Length: refused before the body is read. */
    char *big = malloc(BODY_MAX + 2);
    memset(big, ' ', BODY_MAX + 1);
    big[BODY_MAX + 1] = '\0';
    expect("POST", "/echo", "application/json", big, 413, "body_too_large");
    free(big);
    /* Too large in chunks, with no Content-Length. */
    char raw[4096];
    int n = snprintf(raw, sizeof raw,
                     "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        n += snprintf(raw + n, sizeof raw - (size_t)n, "200\r\n");
        memset(raw + n, ' ', 512);
        n += 512;
        n += snprintf(raw + n, sizeof raw - (size_t)n, "\r\n");
    }
    n += snprintf(raw + n, sizeof raw - (size_t)n, "0\r\n\r\n");
    expect_raw(raw, 413, "body_too_large");
}

static void test_framing_errors(void **state)
{
    (void)state;
    expect_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
               400, "duplicate_content_length");
    expect_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 2\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{}",
               400, "duplicate_content_length");
    expect_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 7\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               "2\r\n{}\r\n0\r\n\r\n",
               400, "content_length_with_transfer_encoding");
    expect_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\nContent-Length: 7\r\nConnection: close\r\n\r\n"
               "2\r\n{}\r\n0\r\n\r\n",
               400, "content_length_with_transfer_encoding");

    char url[3000];
    memcpy(url, "GET /", 5);
    memset(url + 5, 'a', 2100);
    snprintf(url + 2105, sizeof url - 2105, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect_raw(url, 414, "uri_too_long");

    char *hdrs = malloc(32768);
    int n = snprintf(hdrs, 32768, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    for (int i = 0; i < 20; i++) {
        n += snprintf(hdrs + n, 32768 - (size_t)n, "X-Filler-%d: ", i);
        memset(hdrs + n, 'v', 1000);
        n += 1000;
        n += snprintf(hdrs + n, 32768 - (size_t)n, "\r\n");
    }
    snprintf(hdrs + n, 32768 - (size_t)n, "\r\n");
    expect_raw(hdrs, 431, "headers_too_large");
    free(hdrs);
}

static void test_handler_errors(void **state)
{
    (void)state;
    expect("GET", "/invalid", NULL, NULL, 422, "quantity_negative");
    struct ts_http_resp r;
    assert_true(ts_http(port, "GET", "/fail-db", NULL, NULL, &r));
    assert_int_equal(r.status, 500);
    assert_string_equal(error_code(&r), "database_error");
    /* The internal detail goes to the log, never to the client. */
    assert_false(ts_contains(r.body, "secret_internal_detail"));
    ts_http_free(&r);
}

static void test_metrics_counted(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(metrics_render(metrics, &b, "1", "c", 0), ERR_OK);
    assert_true(ts_contains(b.data, "route=\"/ok\",status=\"200\""));
    assert_true(ts_contains(b.data, "route=\"/fail-db\",status=\"500\""));
    assert_true(ts_contains(b.data, "route=\"unmatched\",status=\"404\""));
    buf_free(&b);
}

struct slow_arg {
    int status;
    char body[128];
};

static void *slow_client(void *arg)
{
    struct slow_arg *a = arg;
    struct ts_http_resp r;
    if (ts_http(port, "GET", "/slow", NULL, NULL, &r)) {
        a->status = r.status;
        snprintf(a->body, sizeof a->body, "%s", r.body);
        ts_http_free(&r);
    }
    return NULL;
}

/* Runs last: stops the server while a request is in flight; the request still completes. */
static void test_graceful_stop(void **state)
{
    (void)state;
    struct slow_arg a = {0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, slow_client, &a), 0);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    http_server_stop(srv);
    srv = NULL;
    pthread_join(t, NULL);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "{\"finished\":true}");
    /* New connections are refused once stopped. */
    struct ts_http_resp r;
    assert_false(ts_http(port, "GET", "/ok", NULL, NULL, &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_and_params), cmocka_unit_test(test_routing_errors),
        cmocka_unit_test(test_body_errors),        cmocka_unit_test(test_framing_errors),
        cmocka_unit_test(test_handler_errors),     cmocka_unit_test(test_metrics_counted),
        cmocka_unit_test(test_graceful_stop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

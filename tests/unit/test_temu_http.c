/*
 * Unit tests for the libcurl transport of temu/client against a small libmicrohttpd gateway
 * on loopback: a signed JSON POST arrives, the envelope comes back, HTTP 503 is retried,
 * an answer over LIMIT_TEMU_RESPONSE_BYTES is refused, and a closed port is a retryable
 * transport error. Backoff sleeps are injected (no real waiting, no timing assertions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "temu/client.h"
#include "temu/sign.h"
#include "testsupport.h"
#include "ts_stub.h"

#define SECRET "http-test-secret"

struct gateway {
    struct ts_stub http;
    int flaky_calls;
    int ok_calls;
    char *big;
    bool last_signed_ok;
    bool last_json_type;
};

/* The answer; mode is ignored: ts_stub_answer copies the text. */
static enum MHD_Result gw_answer(struct MHD_Connection *conn, unsigned status, const char *text,
                                 size_t len, enum MHD_ResponseMemoryMode mode)
{
    (void)mode;
    return ts_stub_answer(conn, status, text, len);
}

static bool gw_signature_ok(const struct buf *body)
{
    json_t *v = json_loadb(body->data, body->len, 0, NULL);
    struct buf c = {0};
    char sign[TEMU_SIGN_HEX_LEN + 1];
    bool ok = v != NULL && temu_sign_canonicalize(v, &c, NULL) == ERR_OK &&
              temu_sign_digest(SECRET, strlen(SECRET), c.data, c.len, sign) == ERR_OK &&
              json_string_value(json_object_get(v, "sign")) != NULL &&
              strcmp(sign, json_string_value(json_object_get(v, "sign"))) == 0 &&
              strstr(body->data, SECRET) == NULL;
    buf_free(&c);
    json_decref(v);
    return ok;
}

static enum MHD_Result gw_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const struct buf *body)
{
    struct gateway *g = cls;
    if (strcmp(method, "POST") != 0)
        return gw_answer(conn, 405, "", 0, MHD_RESPMEM_PERSISTENT);
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    g->last_json_type = ct != NULL && strcmp(ct, "application/json") == 0;
    g->last_signed_ok = gw_signature_ok(body);
    static const char ok[] = "{\"success\":true,\"errorCode\":1000000,\"errorMsg\":\"\","
                             "\"requestId\":\"us-http\",\"result\":{\"totalItemNum\":5}}";
    if (strcmp(url, "/ok") == 0) {
        g->ok_calls++;
        return gw_answer(conn, 200, ok, strlen(ok), MHD_RESPMEM_PERSISTENT);
    }
    if (strcmp(url, "/flaky") == 0) {
        if (g->flaky_calls++ < 2)
            return gw_answer(conn, 503, "busy", 4, MHD_RESPMEM_PERSISTENT);
        return gw_answer(conn, 200, ok, strlen(ok), MHD_RESPMEM_PERSISTENT);
    }
    if (strcmp(url, "/big") == 0)
        return gw_answer(conn, 200, g->big, LIMIT_TEMU_RESPONSE_BYTES + 1, MHD_RESPMEM_PERSISTENT);
    return gw_answer(conn, 404, "", 0, MHD_RESPMEM_PERSISTENT);
}

static int gw_setup(void **state)
{
    struct gateway *g = calloc(1, sizeof *g);
    assert_non_null(g);
    g->big = malloc(LIMIT_TEMU_RESPONSE_BYTES + 1);
    assert_non_null(g->big);
    memset(g->big, ' ', LIMIT_TEMU_RESPONSE_BYTES + 1);
    ts_stub_start(&g->http, gw_handler, g);
    *state = g;
    return 0;
}

static int gw_teardown(void **state)
{
    struct gateway *g = *state;
    ts_stub_stop(&g->http);
    free(g->big);
    free(g);
    return 0;
}

static int sleeps;

static void count_sleep(void *ctx, uint64_t ms)
{
    (void)ctx;
    (void)ms;
    sleeps++;
}

static struct temu_client *http_client(unsigned port, const char *path, int retries)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = url;
    o.allow_http = true;
    o.app_key = "KEY";
    o.app_secret = SECRET;
    o.access_token = "TOKEN";
    o.max_retries = retries;
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 10000;
    o.sleep = count_sleep;
    struct temu_client *c = NULL;
    assert_int_equal(temu_client_new(&o, &c, NULL), ERR_OK);
    return c;
}

static void test_http_ok(void **state)
{
    struct gateway *g = *state;
    struct temu_client *c = http_client(g->http.port, "/ok", 0);
    struct temu_result res;
    struct temu_error te;
    json_t *p = json_pack("{s:I, s:s}", "pageNumber", (json_int_t)1, "note", "\xc3\xa9/\"");
    for (int i = 0; i < 3; i++) { /* the pooled handle is reused */
        assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_OK);
        assert_int_equal(json_integer_value(json_object_get(res.result, "totalItemNum")), 5);
        assert_string_equal(res.request_id, "us-http");
        temu_result_clear(&res);
        assert_true(g->last_signed_ok);
        assert_true(g->last_json_type);
    }
    assert_int_equal(g->ok_calls, 3);
    json_decref(p);
    temu_client_free(c);
}

static void test_http_retry_503(void **state)
{
    struct gateway *g = *state;
    struct temu_client *c = http_client(g->http.port, "/flaky", 3);
    struct temu_result res;
    struct temu_error te;
    sleeps = 0;
    assert_int_equal(temu_client_call(c, "bg.order.detail.v2.get", NULL, &res, &te), ERR_OK);
    assert_int_equal(res.attempts, 3);
    assert_int_equal(sleeps, 2);
    temu_result_clear(&res);
    temu_client_free(c);
}

static void test_http_errors(void **state)
{
    struct gateway *g = *state;
    struct temu_result res;
    struct temu_error te;
    struct temu_client *c = http_client(g->http.port, "/big", 3);
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", NULL, &res, &te), ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_TRANSPORT);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_int_equal(te.attempts, 1);
    temu_client_free(c);
    c = http_client(g->http.port, "/missing", 3);
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", NULL, &res, &te), ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_HTTP);
    assert_int_equal(te.http_status, 404);
    assert_int_equal(te.cls, TEMU_ERROR_CONFIG);
    temu_client_free(c);
    /* Nothing listens on a fresh free port: retryable, and retried. */
    c = http_client(ts_free_port(), "/ok", 1);
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", NULL, &res, &te), ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_TRANSPORT);
    assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
    assert_int_equal(te.attempts, 2);
    assert_null(res.result);
    temu_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_ok),
        cmocka_unit_test(test_http_retry_503),
        cmocka_unit_test(test_http_errors),
    };
    return cmocka_run_group_tests(tests, gw_setup, gw_teardown);
}

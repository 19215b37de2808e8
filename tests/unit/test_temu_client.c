/*
 * Unit tests for temu/client (with temu/regions and temu/ratelimit): regions, the token
 * bucket on a fake clock, the backoff schedule, the envelope parser, and the call path
 * against a scripted transport with an injected clock and sleeper (no real time passes, no
 * timing is asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "temu/client.h"
#include "temu/ratelimit.h"
#include "temu/regions.h"
#include "temu/sign.h"

#define SECRET "test-secret-0123456789abcdef"
#define MS     1000000ull

/* ---- regions ---- */

static void test_regions(void **state)
{
    (void)state;
    enum temu_region r = TEMU_REGION_CN;
    assert_true(temu_region_parse("us", &r));
    assert_int_equal(r, TEMU_REGION_US);
    assert_true(temu_region_parse("EU", &r));
    assert_int_equal(r, TEMU_REGION_EU);
    assert_true(temu_region_parse("Global", &r));
    assert_int_equal(r, TEMU_REGION_GLOBAL);
    assert_true(temu_region_parse("pa", &r));
    assert_int_equal(r, TEMU_REGION_PARTNER);
    assert_true(temu_region_parse("partner", &r));
    assert_int_equal(r, TEMU_REGION_PARTNER);
    assert_true(temu_region_parse("cn", &r));
    assert_int_equal(r, TEMU_REGION_CN);
    assert_false(temu_region_parse("mx", &r));
    assert_false(temu_region_parse("", &r));
    assert_false(temu_region_parse(NULL, &r));
    assert_int_equal(r, TEMU_REGION_CN);
    assert_string_equal(temu_region_url(TEMU_REGION_US),
                        "https://openapi-b-us.temu.com/openapi/router");
    assert_string_equal(temu_region_url(TEMU_REGION_EU),
                        "https://openapi-b-eu.temu.com/openapi/router");
    assert_string_equal(temu_region_url(TEMU_REGION_GLOBAL),
                        "https://openapi-b-global.temu.com/openapi/router");
    assert_string_equal(temu_region_url(TEMU_REGION_PARTNER),
                        "https://openapi-b-partner.temu.com/openapi/router");
    assert_string_equal(temu_region_url(TEMU_REGION_CN),
                        "https://openapi.kuajingmaihuo.com/openapi/router");
    assert_null(temu_region_url(TEMU_REGION__COUNT));
    assert_string_equal(temu_region_name(TEMU_REGION_GLOBAL), "global");
    assert_string_equal(temu_gateway_url(TEMU_REGION_EU, NULL), temu_region_url(TEMU_REGION_EU));
    assert_string_equal(temu_gateway_url(TEMU_REGION_EU, ""), temu_region_url(TEMU_REGION_EU));
    assert_string_equal(temu_gateway_url(TEMU_REGION_EU, "http://127.0.0.1:9/openapi/router"),
                        "http://127.0.0.1:9/openapi/router");
}

/* ---- token bucket ---- */

static void test_ratelimit_bucket(void **state)
{
    (void)state;
    struct temu_ratelimit *rl = NULL;
    assert_int_equal(temu_ratelimit_new(20, 0, &rl), ERR_OK);
    assert_int_equal(temu_ratelimit_rate(rl), 20);
    assert_int_equal(temu_ratelimit_burst(rl), 20);
    uint64_t t = 1000 * MS;
    /* A full bucket: 20 immediate tokens. */
    for (int i = 0; i < 20; i++)
        assert_int_equal(temu_ratelimit_reserve(rl, t), 0);
    /* Then one token per 50 ms, queued in order. */
    assert_int_equal(temu_ratelimit_reserve(rl, t), 50 * MS);
    assert_int_equal(temu_ratelimit_reserve(rl, t), 100 * MS);
    /* 100 ms later both reservations are due, and the next one waits 50 ms again. */
    assert_int_equal(temu_ratelimit_reserve(rl, t + 100 * MS), 50 * MS);
    /* After a long pause the bucket is full again, but never fuller than the burst. */
    t += 10000 * MS;
    for (int i = 0; i < 20; i++)
        assert_int_equal(temu_ratelimit_reserve(rl, t), 0);
    assert_true(temu_ratelimit_reserve(rl, t) > 0);
    /* A clock going backwards counts as no time passing. */
    assert_true(temu_ratelimit_reserve(rl, t - 5000 * MS) > 0);
    temu_ratelimit_free(rl);
    temu_ratelimit_free(NULL);
}

static void test_ratelimit_steady(void **state)
{
    (void)state;
    struct temu_ratelimit *rl = NULL;
    assert_int_equal(temu_ratelimit_new(4, 1, &rl), ERR_OK);
    uint64_t t = 5 * MS;
    /* Requests exactly 250 ms apart never wait. */
    for (int i = 0; i < 10; i++, t += 250 * MS)
        assert_int_equal(temu_ratelimit_reserve(rl, t), 0);
    /* Two at once: the second waits one interval. */
    assert_int_equal(temu_ratelimit_reserve(rl, t), 0);
    assert_int_equal(temu_ratelimit_reserve(rl, t), 250 * MS);
    temu_ratelimit_free(rl);
    assert_int_equal(temu_ratelimit_new(0, 0, &rl), ERR_INVAL);
    assert_int_equal(temu_ratelimit_new(1001, 0, &rl), ERR_INVAL);
    assert_int_equal(temu_ratelimit_new(2, 21, &rl), ERR_INVAL);
    assert_null(rl);
}

/* ---- backoff and idempotency ---- */

static void test_backoff(void **state)
{
    (void)state;
    /* random 0 gives the floor d/2, a huge random modulo the span stays within [d/2, d]. */
    assert_int_equal(temu_backoff_ms(0, 500, 8000, 0), 250);
    assert_int_equal(temu_backoff_ms(1, 500, 8000, 0), 500);
    assert_int_equal(temu_backoff_ms(2, 500, 8000, 0), 1000);
    assert_int_equal(temu_backoff_ms(3, 500, 8000, 0), 2000);
    assert_int_equal(temu_backoff_ms(4, 500, 8000, 0), 4000);
    assert_int_equal(temu_backoff_ms(5, 500, 8000, 0), 4000); /* capped at 8000 */
    assert_int_equal(temu_backoff_ms(60, 500, 8000, 0), 4000);
    assert_int_equal(temu_backoff_ms(0, 500, 8000, 250), 500);
    assert_int_equal(temu_backoff_ms(0, 500, 8000, 251), 250);
    assert_int_equal(temu_backoff_ms(4, 500, 8000, 4000), 8000);
    for (uint32_t r = 0; r < 100000; r += 7919) {
        for (unsigned retry = 0; retry < 8; retry++) {
            uint32_t d = temu_backoff_ms(retry, 100, 3000, r * 2654435761u);
            uint32_t full = 100u << retry > 3000 ? 3000 : 100u << retry;
            assert_true(d >= full / 2 && d <= full);
        }
    }
}

static void test_type_is_read(void **state)
{
    (void)state;
    assert_true(temu_type_is_read("bg.order.list.v2.get"));
    assert_true(temu_type_is_read("bg.local.goods.list.query"));
    assert_true(temu_type_is_read("bg.open.accesstoken.info.get.global"));
    assert_true(temu_type_is_read("temu.local.goods.list.retrieve"));
    assert_true(temu_type_is_read("bg.order.amount.query"));
    assert_false(temu_type_is_read("bg.open.accesstoken.create"));
    assert_false(temu_type_is_read("bg.logistics.shipment.v2.confirm"));
    assert_false(temu_type_is_read("bg.local.goods.stock.edit"));
    assert_false(temu_type_is_read("v2"));
    assert_false(temu_type_is_read(""));
}

/* ---- envelope ---- */

static enum err parse(const char *body, struct temu_result *res, struct temu_error *te)
{
    return temu_envelope_parse(body, strlen(body), res, te);
}

static void test_envelope_success(void **state)
{
    (void)state;
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(parse("{\"success\":true,\"errorCode\":1000000,\"errorMsg\":\"\","
                           "\"requestId\":\"us-0b0b\",\"result\":{\"totalItemNum\":3}}",
                           &res, &te),
                     ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(res.result, "totalItemNum")), 3);
    assert_string_equal(res.request_id, "us-0b0b");
    assert_int_equal(te.cls, TEMU_ERROR_NONE);
    temu_result_clear(&res);
    /* An array result (bg.logistics.companies.get) and a missing result. */
    assert_int_equal(parse("{\"success\":true,\"result\":[{\"a\":1}]}", &res, &te), ERR_OK);
    assert_true(json_is_array(res.result));
    temu_result_clear(&res);
    assert_int_equal(parse("{\"success\":true}", &res, &te), ERR_OK);
    assert_true(json_is_null(res.result));
    temu_result_clear(&res);
    /* The optional outer "response" wrapper. */
    assert_int_equal(parse("{\"response\":{\"success\":true,\"result\":{\"x\":1}}}", &res, &te),
                     ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(res.result, "x")), 1);
    temu_result_clear(&res);
    temu_result_clear(&res);
}

static void test_envelope_errors(void **state)
{
    (void)state;
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(parse("{\"success\":false,\"errorCode\":5000003,\"errorMsg\":"
                           "\"NOT_IN_IP_WHITE_LIST\",\"requestId\":\"eu-1\"}",
                           &res, &te),
                     ERR_UPSTREAM);
    assert_null(res.result);
    assert_int_equal(te.cls, TEMU_ERROR_CONFIG);
    assert_int_equal(te.source, TEMU_SOURCE_GATEWAY);
    assert_int_equal(te.code, 5000003);
    assert_string_equal(te.message, "NOT_IN_IP_WHITE_LIST");
    assert_string_equal(te.request_id, "eu-1");
    assert_non_null(strstr(te.hint, "whitelist"));
    /* errorCode as a string. */
    assert_int_equal(parse("{\"success\":false,\"errorCode\":\"4000004\"}", &res, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.code, 4000004);
    assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
    /* success:false without a code, or with the success code: permanent. */
    assert_int_equal(parse("{\"success\":false}", &res, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_int_equal(parse("{\"success\":false,\"errorCode\":1000000}", &res, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    /* Not an envelope: garbled answers are retryable. */
    const char *bad[] = {"",
                         "{",
                         "<html>",
                         "[]",
                         "{\"success\":\"true\"}",
                         "{\"result\":{}}",
                         "{\"success\":true,\"success\":true}",
                         "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i], &res, &te), ERR_UPSTREAM);
        assert_int_equal(te.source, TEMU_SOURCE_ENVELOPE);
        assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
        assert_null(res.result);
    }
}

static void test_envelope_inner(void **state)
{
    (void)state;
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(parse("{\"success\":true,\"result\":{\"success\":false,\"errorCode\":"
                           "150010005,\"errorMsg\":\"try later\"}}",
                           &res, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_INNER);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_int_equal(te.code, 150010005);
    assert_string_equal(te.message, "try later");
    assert_non_null(res.result); /* kept for per-item inspection */
    temu_result_clear(&res);
    assert_int_equal(parse("{\"success\":true,\"result\":{\"operateResult\":false,"
                           "\"skuStockEditStatusInfoList\":[]}}",
                           &res, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_INNER);
    assert_string_equal(te.message, "result.operateResult is false");
    assert_non_null(json_object_get(res.result, "skuStockEditStatusInfoList"));
    temu_result_clear(&res);
    assert_int_equal(parse("{\"success\":true,\"result\":{\"operateResult\":true}}", &res, &te),
                     ERR_OK);
    temu_result_clear(&res);
}

/* ---- the call path on a scripted transport ---- */

struct script_step {
    enum err rc; /* what the transport returns */
    bool sent;
    int status;
    const char *body;
};

struct fake {
    const struct script_step *steps;
    size_t nsteps;
    size_t calls;
    json_t *bodies[16]; /* every request body, parsed */
    int64_t wall;       /* advances 7 s per read */
    uint64_t mono;
    uint64_t slept[16];
    size_t nsleeps;
};

static enum err fake_transport(void *ctx, const char *url, const char *body, size_t len,
                               long connect_timeout_ms, long timeout_ms,
                               struct temu_http_answer *ans, struct errbuf *eb)
{
    struct fake *f = ctx;
    (void)connect_timeout_ms;
    (void)timeout_ms;
    assert_string_equal(url, "https://gw.test/openapi/router");
    assert_null(strstr(body, SECRET)); /* the secret is never sent */
    json_error_t jerr;
    assert_true(f->calls < 16);
    f->bodies[f->calls] = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(f->bodies[f->calls]);
    const struct script_step *s = &f->steps[f->calls < f->nsteps ? f->calls : f->nsteps - 1];
    f->calls++;
    ans->sent = s->sent;
    if (s->rc != ERR_OK)
        return err_set(eb, s->rc, "temu_transport", "scripted failure");
    ans->status = s->status;
    return buf_puts(&ans->body, s->body);
}

static int64_t fake_wall(void *ctx)
{
    struct fake *f = ctx;
    f->wall += 7;
    return f->wall;
}

static uint64_t fake_mono(void *ctx)
{
    struct fake *f = ctx;
    return f->mono;
}

static void fake_sleep(void *ctx, uint64_t ms)
{
    struct fake *f = ctx;
    assert_true(f->nsleeps < 16);
    f->slept[f->nsleeps++] = ms;
    f->mono += ms * MS;
}

static void fake_free(struct fake *f)
{
    for (size_t i = 0; i < f->calls && i < 16; i++)
        json_decref(f->bodies[i]);
}

static struct temu_client *fake_client(struct fake *f, int retries, uint32_t rate)
{
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = "https://gw.test/openapi/router";
    o.app_key = "KEY";
    o.app_secret = SECRET;
    o.access_token = "TOKEN";
    o.max_retries = retries;
    o.rate = rate;
    o.transport = fake_transport;
    o.transport_ctx = f;
    o.wall_clock = fake_wall;
    o.mono_clock = fake_mono;
    o.sleep = fake_sleep;
    o.clock_ctx = f;
    f->wall = 1700000000;
    f->mono = 1000 * MS;
    struct temu_client *c = NULL;
    struct errbuf eb = {0};
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    return c;
}

/* The signature of a sent body, recomputed as the gateway would (§2.4). */
static void check_signed(const json_t *body)
{
    struct buf c = {0};
    char sign[TEMU_SIGN_HEX_LEN + 1];
    assert_int_equal(temu_sign_canonicalize(body, &c, NULL), ERR_OK);
    assert_int_equal(temu_sign_digest(SECRET, strlen(SECRET), c.data, c.len, sign), ERR_OK);
    assert_string_equal(sign, json_string_value(json_object_get(body, "sign")));
    buf_free(&c);
}

#define OK_BODY                                                                                    \
    "{\"success\":true,\"errorCode\":1000000,\"requestId\":\"us-ok\",\"result\":{\"n\":1}}"
#define LIMITED "{\"success\":false,\"errorCode\":4000004,\"errorMsg\":\"RATE_LIMIT\"}"
#define SYSERR  "{\"success\":false,\"errorCode\":4000000,\"errorMsg\":\"SYSTEM\"}"

static void test_call_builds_request(void **state)
{
    (void)state;
    static const struct script_step steps[] = {{ERR_OK, true, 200, OK_BODY}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    json_t *p =
        json_pack("{s:I, s:[s]}", "pageNumber", (json_int_t)2, "parentOrderSnList", "PO-211-1");
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(res.result, "n")), 1);
    assert_string_equal(res.request_id, "us-ok");
    assert_int_equal(res.attempts, 1);
    assert_int_equal(te.attempts, 1);
    const json_t *b = f.bodies[0];
    assert_string_equal(json_string_value(json_object_get(b, "type")), "bg.order.list.v2.get");
    assert_string_equal(json_string_value(json_object_get(b, "app_key")), "KEY");
    assert_string_equal(json_string_value(json_object_get(b, "access_token")), "TOKEN");
    assert_string_equal(json_string_value(json_object_get(b, "data_type")), "JSON");
    assert_int_equal(json_integer_value(json_object_get(b, "timestamp")), 1700000007);
    assert_int_equal(json_integer_value(json_object_get(b, "pageNumber")), 2);
    assert_null(json_object_get(b, "app_secret"));
    check_signed(b);
    assert_int_equal(f.nsleeps, 0);
    temu_result_clear(&res);
    json_decref(p);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_retries_and_resigns(void **state)
{
    (void)state;
    static const struct script_step steps[] = {
        {ERR_OK, true, 200, SYSERR},
        {ERR_UPSTREAM, true, 0, NULL},
        {ERR_OK, true, 503, "<html>busy</html>"},
        {ERR_OK, true, 200, OK_BODY},
    };
    struct fake f = {steps, 4, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, "bg.order.detail.v2.get", NULL, &res, &te), ERR_OK);
    assert_int_equal(f.calls, 4);
    assert_int_equal(res.attempts, 4);
    /* Backoff with jitter: retry n waits within [d/2, d], d = 500 ms * 2^n. */
    assert_int_equal(f.nsleeps, 3);
    for (size_t i = 0; i < 3; i++) {
        uint64_t d = 500u << i;
        assert_true(f.slept[i] >= d / 2 && f.slept[i] <= d);
    }
    /* Every attempt has a fresh timestamp and its own valid signature. */
    for (size_t i = 0; i < 4; i++) {
        check_signed(f.bodies[i]);
        if (i > 0) {
            assert_true(json_integer_value(json_object_get(f.bodies[i], "timestamp")) >
                        json_integer_value(json_object_get(f.bodies[i - 1], "timestamp")));
            assert_string_not_equal(json_string_value(json_object_get(f.bodies[i], "sign")),
                                    json_string_value(json_object_get(f.bodies[i - 1], "sign")));
        }
    }
    temu_result_clear(&res);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_gives_up(void **state)
{
    (void)state;
    static const struct script_step steps[] = {{ERR_OK, true, 200, SYSERR}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 2, 20);
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, "bg.order.detail.v2.get", NULL, &res, &te), ERR_UPSTREAM);
    assert_int_equal(f.calls, 3); /* 1 + 2 retries */
    assert_int_equal(te.attempts, 3);
    assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
    assert_int_equal(te.code, 4000000);
    assert_int_equal(te.http_status, 200);
    assert_null(res.result);
    fake_free(&f);
    temu_client_free(c);
}

static void expect_no_retry(const struct script_step *step, const char *type,
                            enum temu_error_class cls, enum temu_error_source src)
{
    struct fake f = {step, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, type, NULL, &res, &te), ERR_UPSTREAM);
    assert_int_equal(f.calls, 1);
    assert_int_equal(f.nsleeps, 0);
    assert_int_equal(te.cls, cls);
    assert_int_equal(te.source, src);
    assert_non_null(te.hint);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_no_retry(void **state)
{
    (void)state;
    static const struct script_step auth = {
        ERR_OK, true, 200, "{\"success\":false,\"errorCode\":3000034,\"errorMsg\":\"expired\"}"};
    static const struct script_step sig = {
        ERR_OK, true, 200, "{\"success\":false,\"errorCode\":3000001,\"errorMsg\":\"SIGN\"}"};
    static const struct script_step perm = {
        ERR_OK, true, 200, "{\"success\":false,\"errorCode\":3000000,\"errorMsg\":\"BAD\"}"};
    static const struct script_step notfound = {ERR_OK, true, 404, "nope"};
    static const struct script_step toobig = {ERR_TOOBIG, true, 0, NULL};
    static const struct script_step tls = {ERR_CONFIG, false, 0, NULL};
    static const struct script_step lost = {ERR_UPSTREAM, true, 0, NULL};
    static const struct script_step syserr = {ERR_OK, true, 200, SYSERR};
    expect_no_retry(&auth, "bg.order.list.v2.get", TEMU_ERROR_AUTH, TEMU_SOURCE_GATEWAY);
    expect_no_retry(&sig, "bg.order.list.v2.get", TEMU_ERROR_CONFIG, TEMU_SOURCE_GATEWAY);
    expect_no_retry(&perm, "bg.order.list.v2.get", TEMU_ERROR_PERMANENT, TEMU_SOURCE_GATEWAY);
    expect_no_retry(&notfound, "bg.order.list.v2.get", TEMU_ERROR_CONFIG, TEMU_SOURCE_HTTP);
    expect_no_retry(&toobig, "bg.order.list.v2.get", TEMU_ERROR_PERMANENT, TEMU_SOURCE_TRANSPORT);
    expect_no_retry(&tls, "bg.order.list.v2.get", TEMU_ERROR_CONFIG, TEMU_SOURCE_TRANSPORT);
    /* A write whose request may have arrived is not repeated. */
    expect_no_retry(&lost, "bg.logistics.shipment.v2.confirm", TEMU_ERROR_RETRYABLE,
                    TEMU_SOURCE_TRANSPORT);
    expect_no_retry(&syserr, "bg.logistics.shipment.v2.confirm", TEMU_ERROR_RETRYABLE,
                    TEMU_SOURCE_GATEWAY);
}

static void test_call_write_retries_when_safe(void **state)
{
    (void)state;
    /* Not connected, rate limited (gateway code and HTTP 429): nothing was processed. */
    static const struct script_step steps[] = {
        {ERR_UPSTREAM, false, 0, NULL},
        {ERR_OK, true, 200, LIMITED},
        {ERR_OK, true, 429, "{}"},
        {ERR_OK, true, 200, OK_BODY},
    };
    struct fake f = {steps, 4, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, "bg.logistics.shipment.v2.confirm", NULL, &res, &te),
                     ERR_OK);
    assert_int_equal(f.calls, 4);
    temu_result_clear(&res);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_inner_failure(void **state)
{
    (void)state;
    static const struct script_step steps[] = {
        {ERR_OK, true, 200, "{\"success\":true,\"result\":{\"operateResult\":false}}"}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    struct temu_result res;
    struct temu_error te;
    assert_int_equal(temu_client_call(c, "bg.local.goods.stock.edit", NULL, &res, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_INNER);
    assert_non_null(res.result);
    assert_int_equal(f.calls, 1);
    temu_result_clear(&res);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_rate_limited_locally(void **state)
{
    (void)state;
    static const struct script_step steps[] = {{ERR_OK, true, 200, OK_BODY}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 0, 2);
    struct temu_result res;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", NULL, &res, NULL), ERR_OK);
        temu_result_clear(&res);
    }
    /* Burst of 2, then one token per 500 ms: the 3rd and 4th calls each wait 500 ms (the
     * fake sleeper advances the fake clock). */
    assert_int_equal(f.nsleeps, 2);
    assert_int_equal(f.slept[0], 500);
    assert_int_equal(f.slept[1], 500);
    fake_free(&f);
    temu_client_free(c);
}

static void test_call_shared_limiter(void **state)
{
    (void)state;
    static const struct script_step steps[] = {{ERR_OK, true, 200, OK_BODY}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_ratelimit *rl = NULL;
    assert_int_equal(temu_ratelimit_new(1, 1, &rl), ERR_OK);
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = "https://gw.test/openapi/router";
    o.app_key = "KEY";
    o.app_secret = SECRET;
    o.limiter = rl;
    o.transport = fake_transport;
    o.transport_ctx = &f;
    o.wall_clock = fake_wall;
    o.mono_clock = fake_mono;
    o.sleep = fake_sleep;
    o.clock_ctx = &f;
    f.mono = 1;
    struct temu_client *a = NULL, *b = NULL;
    assert_int_equal(temu_client_new(&o, &a, NULL), ERR_OK);
    assert_int_equal(temu_client_new(&o, &b, NULL), ERR_OK);
    struct temu_result res;
    assert_int_equal(temu_client_call(a, "x.get", NULL, &res, NULL), ERR_OK);
    temu_result_clear(&res);
    assert_int_equal(temu_client_call(b, "x.get", NULL, &res, NULL), ERR_OK);
    temu_result_clear(&res);
    assert_int_equal(f.nsleeps, 1); /* two clients, one budget */
    assert_int_equal(f.slept[0], 1000);
    /* Without a token in the client, no access_token is sent. */
    assert_null(json_object_get(f.bodies[0], "access_token"));
    fake_free(&f);
    temu_client_free(a);
    temu_client_free(b);
    temu_ratelimit_free(rl);
}

static void test_call_refused_locally(void **state)
{
    (void)state;
    static const struct script_step steps[] = {{ERR_OK, true, 200, OK_BODY}};
    struct fake f = {steps, 1, 0, {0}, 0, 0, {0}, 0};
    struct temu_client *c = fake_client(&f, 3, 20);
    struct temu_result res;
    struct temu_error te;
    json_t *p = json_pack("{s:s}", "sign", "X");
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_INVAL);
    assert_int_equal(te.source, TEMU_SOURCE_LOCAL);
    json_decref(p);
    p = json_pack("{s:s}", "access_token", "X");
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_INVAL);
    json_decref(p);
    p = json_pack("{s:f}", "price", 1.5);
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_INVAL);
    assert_non_null(strstr(te.message, "price"));
    json_decref(p);
    p = json_pack("[]");
    assert_int_equal(temu_client_call(c, "bg.order.list.v2.get", p, &res, &te), ERR_INVAL);
    json_decref(p);
    assert_int_equal(temu_client_call(c, "bad type!", NULL, &res, &te), ERR_INVAL);
    assert_int_equal(temu_client_call(c, "", NULL, &res, &te), ERR_INVAL);
    assert_int_equal(f.calls, 0);
    /* A per-call token and the token setter. */
    struct temu_call_options co = {"CODE", 0};
    assert_int_equal(temu_client_call_ex(c, "bg.open.accesstoken.create", NULL, &co, &res, &te),
                     ERR_OK);
    temu_result_clear(&res);
    assert_string_equal(json_string_value(json_object_get(f.bodies[0], "access_token")), "CODE");
    assert_int_equal(temu_client_set_access_token(c, "NEW"), ERR_OK);
    assert_int_equal(temu_client_call(c, "x.get", NULL, &res, &te), ERR_OK);
    temu_result_clear(&res);
    assert_string_equal(json_string_value(json_object_get(f.bodies[1], "access_token")), "NEW");
    assert_int_equal(temu_client_set_access_token(c, "bad token"), ERR_INVAL);
    fake_free(&f);
    temu_client_free(c);
}

static void test_client_options(void **state)
{
    (void)state;
    struct temu_client_options o;
    struct temu_client *c = NULL;
    struct errbuf eb = {0};
    temu_client_options_init(&o);
    o.app_key = "KEY";
    o.app_secret = SECRET;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    assert_string_equal(temu_client_url(c), "https://openapi-b-us.temu.com/openapi/router");
    temu_client_free(c);
    temu_client_free(NULL);
    o.region = TEMU_REGION_EU;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    assert_string_equal(temu_client_url(c), "https://openapi-b-eu.temu.com/openapi/router");
    temu_client_free(c);
    /* Plain http only when allowed (the sandbox outside production). */
    o.gateway_url = "http://127.0.0.1:9/openapi/router";
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    assert_null(c);
    o.allow_http = true;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    temu_client_free(c);
    o.gateway_url = "ftp://x";
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    o.gateway_url = NULL;
    o.app_secret = "";
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    assert_null(strstr(eb.msg, SECRET));
    o.app_secret = SECRET;
    o.app_key = NULL;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    o.app_key = "KEY";
    o.max_retries = 11;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    o.max_retries = 0;
    o.rate = 0;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    o.rate = 20;
    o.timeout_ms = 0;
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
    o.timeout_ms = 1000;
    o.access_token = "has space";
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_INVAL);
}

static void test_options_from_config(void **state)
{
    (void)state;
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.temu_region, sizeof cfg.temu_region, "eu");
    snprintf(cfg.temu_gateway_url, sizeof cfg.temu_gateway_url, "http://127.0.0.1:1/r");
    cfg.temu_rate_limit = 7;
    cfg.temu_connect_timeout_ms = 111;
    cfg.temu_timeout_ms = 222;
    cfg.temu_max_retries = 1;
    cfg.env = CONFIG_ENV_PRODUCTION;
    struct temu_client_options o;
    temu_client_options_init(&o);
    temu_client_options_from_config(&o, &cfg);
    assert_int_equal(o.region, TEMU_REGION_EU);
    assert_string_equal(o.gateway_url, "http://127.0.0.1:1/r");
    assert_int_equal(o.rate, 7);
    assert_int_equal(o.connect_timeout_ms, 111);
    assert_int_equal(o.timeout_ms, 222);
    assert_int_equal(o.max_retries, 1);
    assert_false(o.allow_http);
    cfg.env = CONFIG_ENV_DEVELOPMENT;
    cfg.temu_gateway_url[0] = '\0';
    temu_client_options_from_config(&o, &cfg);
    assert_true(o.allow_http);
    assert_null(o.gateway_url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_ratelimit_bucket),
        cmocka_unit_test(test_ratelimit_steady),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_type_is_read),
        cmocka_unit_test(test_envelope_success),
        cmocka_unit_test(test_envelope_errors),
        cmocka_unit_test(test_envelope_inner),
        cmocka_unit_test(test_call_builds_request),
        cmocka_unit_test(test_call_retries_and_resigns),
        cmocka_unit_test(test_call_gives_up),
        cmocka_unit_test(test_call_no_retry),
        cmocka_unit_test(test_call_write_retries_when_safe),
        cmocka_unit_test(test_call_inner_failure),
        cmocka_unit_test(test_call_rate_limited_locally),
        cmocka_unit_test(test_call_shared_limiter),
        cmocka_unit_test(test_call_refused_locally),
        cmocka_unit_test(test_client_options),
        cmocka_unit_test(test_options_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

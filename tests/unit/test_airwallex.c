/*
 * Unit tests for settlement/airwallex's parsers: settlements and balance history answers
 * into lines with money in minor units (JSON numbers read back as their decimal text), the
 * FX rate kept as text, times with every offset form, and a table of answers that must be
 * refused (each naming what is wrong) and leave nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/airwallex.h"
#include "testsupport.h"

static void test_settlements(void **state)
{
    (void)state;
    const char *body =
        "{\"items\":[{\"id\":\"stl_1\",\"amount\":730.12,\"fee\":2.19,\"currency\":\"USD\","
        "\"status\":\"SETTLED\",\"created_at\":\"2026-09-01T08:00:00+0000\",\"settled_at\":"
        "\"2026-09-03T08:00:00Z\",\"estimated_settled_at\":\"2026-09-03T16:00:00+08:00\","
        "\"extra\":{\"ignored\":true}},{\"id\":\"stl_2\",\"amount\":5200,\"currency\":\"JPY\","
        "\"status\":\"PENDING\",\"created_at\":\"2026-09-02T00:00:00.123+0000\",\"settled_at\":"
        "null}],\"has_more\":true}";
    struct airwallex_page p;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(airwallex_parse_settlements(body, strlen(body), true, &p, &eb), ERR_OK);
    assert_int_equal(p.n, 2);
    assert_true(p.has_more);
    assert_string_equal(p.lines[0].id, "stl_1");
    assert_int_equal(p.lines[0].amount.minor, 73012);
    assert_int_equal(p.lines[0].fee.minor, 219);
    assert_string_equal(p.lines[0].amount.currency, "USD");
    assert_int_equal(p.lines[0].settled_at, 1788422400);
    assert_int_equal(p.lines[0].estimated_at, 1788422400);
    assert_int_equal(p.lines[1].amount.minor, 5200);
    assert_int_equal(p.lines[1].fee.minor, 0);
    assert_int_equal(p.lines[1].settled_at, -1);
    assert_string_equal(p.lines[1].status, "PENDING");
    airwallex_page_clear(&p);
    const char *one = "{\"id\":\"stl_9\",\"amount\":5200.00,\"currency\":\"CNY\",\"status\":"
                      "\"SETTLED\",\"created_at\":\"2026-09-01T00:00:00Z\",\"settled_at\":"
                      "\"2026-09-01T00:00:00Z\"}";
    assert_int_equal(airwallex_parse_settlements(one, strlen(one), false, &p, &eb), ERR_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.lines[0].amount.minor, 520000);
    airwallex_page_clear(&p);
}

static void test_history(void **state)
{
    (void)state;
    const char *body =
        "{\"items\":[{\"id\":\"h1\",\"amount\":-6113.93,\"balance\":0,\"currency\":\"EUR\","
        "\"created_at\":\"2026-09-04T21:56:01+0000\",\"transaction_type\":\"CONVERSION\","
        "\"source\":\"conv_1\",\"description\":\"Conversion EUR to USD\",\"client_rate\":"
        "1.0832},{\"id\":\"h2\",\"amount\":6622.61,\"currency\":\"USD\",\"created_at\":"
        "\"2026-09-04T21:56:01+0000\",\"transaction_type\":\"DEPOSIT\",\"client_rate\":"
        "\"7.1234\"}],\"page_after\":\"p4\",\"page_before\":null}";
    struct airwallex_page p;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(airwallex_parse_history(body, strlen(body), &p, &eb), ERR_OK);
    assert_int_equal(p.n, 2);
    assert_true(p.has_more);
    assert_string_equal(p.page_after, "p4");
    assert_int_equal(p.lines[0].amount.minor, -611393);
    assert_string_equal(p.lines[0].kind, "conversion");
    assert_string_equal(p.lines[0].fx_rate, "1.0832");
    assert_string_equal(p.lines[0].reference, "Conversion EUR to USD");
    assert_string_equal(p.lines[0].source, "conv_1");
    assert_string_equal(p.lines[1].fx_rate, "7.1234");
    assert_int_equal(p.lines[1].settled_at, p.lines[1].created_at);
    airwallex_page_clear(&p);
    const char *last = "{\"items\":[],\"page_after\":null}";
    assert_int_equal(airwallex_parse_history(last, strlen(last), &p, &eb), ERR_OK);
    assert_false(p.has_more);
    airwallex_page_clear(&p);
}

/* Answers the settlements parser must refuse, with a word of the reason. */
static const struct {
    const char *body, *why;
} bad_settlements[] = {
    {"", "not JSON"},
    {"{\"items\":[<html>", "not JSON"},
    {"null", "not JSON"}, /* jansson wants an array or object at the top */
    {"{\"items\":{},\"has_more\":false}", "items"},
    {"{\"items\":[]}", "has_more"},
    {"{\"items\":[1],\"has_more\":false}", "not an object"},
    {"{\"items\":[{\"amount\":1,\"currency\":\"USD\",\"status\":\"SETTLED\"}],\"has_more\":false}",
     "id"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1.005,\"currency\":\"USD\",\"status\":\"SETTLED\","
     "\"created_at\":\"2026-09-01T00:00:00Z\",\"settled_at\":\"2026-09-01T00:00:00Z\"}],"
     "\"has_more\":false}",
     "amount"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":\"1.00\",\"currency\":\"USD\",\"status\":\"SETTLED\","
     "\"created_at\":\"2026-09-01T00:00:00Z\"}],\"has_more\":false}",
     "decimal"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1e300,\"currency\":\"USD\",\"status\":\"SETTLED\"}],"
     "\"has_more\":false}",
     "decimal"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1,\"currency\":\"XXQ\",\"status\":\"SETTLED\"}],"
     "\"has_more\":false}",
     "currency"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1,\"currency\":\"USD\",\"status\":\"DONE\"}],"
     "\"has_more\":false}",
     "status"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1,\"currency\":\"USD\",\"status\":\"SETTLED\","
     "\"created_at\":\"2026-09-01\"}],\"has_more\":false}",
     "ISO 8601"},
    {"{\"items\":[{\"id\":\"a\",\"amount\":1,\"currency\":\"USD\",\"status\":\"SETTLED\","
     "\"created_at\":\"2026-09-01T00:00:00Z\"}],\"has_more\":false}",
     "settled_at"},
    {"{\"items\":[],\"has_more\":false,\"has_more\":true}", "not JSON"}, /* duplicate key */
};

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_settlements / sizeof bad_settlements[0]; i++) {
        struct airwallex_page p;
        struct errbuf eb = {{0}, {0}};
        const char *b = bad_settlements[i].body;
        enum err e = airwallex_parse_settlements(b, strlen(b), true, &p, &eb);
        if (e != ERR_PARSE || !ts_contains(errbuf_message(&eb, e), bad_settlements[i].why))
            fail_msg("case %zu: %d %s", i, e, errbuf_message(&eb, e));
        assert_null(p.lines);
        assert_int_equal(p.n, 0);
    }
    static const char *const bad_history[] = {
        "{\"items\":[{\"id\":\"h\",\"amount\":1,\"currency\":\"USD\",\"created_at\":"
        "\"2026-09-01T00:00:00Z\",\"transaction_type\":\"DEPOSIT\",\"client_rate\":\"-1\"}]}",
        "{\"items\":[{\"id\":\"h\",\"amount\":1,\"currency\":\"USD\",\"created_at\":"
        "\"2026-09-01T00:00:00Z\"}]}",
        "{\"items\":[],\"page_after\":7}",
        "{\"items\":[],\"page_after\":\"\"}",
    };
    for (size_t i = 0; i < sizeof bad_history / sizeof bad_history[0]; i++) {
        struct airwallex_page p;
        struct errbuf eb = {{0}, {0}};
        if (airwallex_parse_history(bad_history[i], strlen(bad_history[i]), &p, &eb) != ERR_PARSE)
            fail_msg("history case %zu accepted", i);
    }
}

static void test_times(void **state)
{
    (void)state;
    struct errbuf eb = {{0}, {0}};
    int64_t t = 0;
    assert_int_equal(airwallex_time_parse("2026-09-01T00:00:00+0000", &t, &eb), ERR_OK);
    assert_int_equal(t, 1788220800);
    assert_int_equal(airwallex_time_parse("2026-09-01T08:00:00+08:00", &t, &eb), ERR_OK);
    assert_int_equal(t, 1788220800);
    assert_int_equal(airwallex_time_parse("2026-08-31T19:00:00-0500", &t, &eb), ERR_OK);
    assert_int_equal(t, 1788220800);
    static const char *const bad[] = {"2026-09-01",           "2026-09-01T00:00:00",
                                      "2026-13-01T00:00:00Z", "2026-09-01T00:00:00+9",
                                      "2026-09-01 00:00:00Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(airwallex_time_parse(bad[i], &t, &eb), ERR_PARSE);
}

static void test_client_options(void **state)
{
    (void)state;
    struct airwallex_options o;
    airwallex_options_init(&o);
    o.base_url = "http://127.0.0.1:1";
    o.client_id = "id";
    o.api_key = "key";
    struct airwallex_client *c = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(airwallex_client_new(&o, &c, &eb), ERR_INVAL); /* http:// not allowed */
    o.allow_http = true;
    o.api_key = "has space";
    assert_int_equal(airwallex_client_new(&o, &c, &eb), ERR_INVAL);
    o.api_key = "key";
    assert_int_equal(airwallex_client_new(&o, &c, &eb), ERR_OK);
    struct airwallex_page p;
    assert_int_equal(airwallex_history_page(c, NULL, 0, 8 * 86400, "", 10, &p, &eb), ERR_INVAL);
    airwallex_client_free(c);
    airwallex_client_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settlements),    cmocka_unit_test(test_history),
        cmocka_unit_test(test_refused),        cmocka_unit_test(test_times),
        cmocka_unit_test(test_client_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

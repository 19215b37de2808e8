/*
 * Integration: expected amounts read from Temu (issue 13, "Money and sources"), against the
 * real temu-sandbox on SQLite and PostgreSQL. After an orders sync, POST
 * /api/v1/settlements/amounts stores each synced order's estimatedSettlementTotal (minor
 * units) with a history row; a second call within the day asks nothing again; a bad limit
 * is 422; the order's settlement JSON then carries its expected money.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts_app.h"

#define APP_KEY    "settleappkey00000000000000000001"
#define APP_SECRET "settleappsecret0000000000000000000000000001"
#define ORDERS     "20"

static struct ts_app app;
static char conn_id[64];

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    char *sandbox_args[] = {(char *)"--shops",      (char *)"1",      (char *)"--orders",
                            (char *)ORDERS,         (char *)"--seed", (char *)"13",
                            (char *)"--rate-limit", (char *)"0",      NULL};
    ts_app_prepare(&app, "settleamounts",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Settle\",\"scopes\":[\"bg.order.list.v2.get\","
                   "\"bg.order.detail.v2.get\",\"temu.order.amount.v2.query\"]}]",
                   sandbox_args);
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    ts_app_serve(&app, env);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id, NULL, 0);
    char body[160];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"stream\":\"orders\"}", conn_id);
    json_decref(ts_api(&app, "POST", "/api/v1/sync/runs", body, 201));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static void test_amounts_stored_with_history(void **state)
{
    (void)state;
    long long orders = ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_orders");
    assert_true(orders > 0);
    json_t *d = ts_api(&app, "POST", "/api/v1/settlements/amounts", "{}", 200);
    if (json_integer_value(json_object_get(d, "stored")) != orders)
        fail_msg("stored %lld of %lld: %s",
                 (long long)json_integer_value(json_object_get(d, "stored")), orders,
                 json_string_value(json_object_get(d, "last_error")));
    assert_int_equal(json_integer_value(json_object_get(d, "stored")), orders);
    assert_int_equal(json_integer_value(json_object_get(d, "failed")), 0);
    json_decref(d);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected WHERE "
                                           "source = 'temu_amount_api'"),
                     orders);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected_history"),
                     orders);
    d = ts_api(&app, "POST", "/api/v1/settlements/amounts", "{}", 200);
    assert_int_equal(json_integer_value(json_object_get(d, "asked")), 0);
    json_decref(d);
    json_decref(ts_api(&app, "POST", "/api/v1/settlements/amounts", "{\"limit\":0}", 422));
    /* The order page shows the expected money. */
    char *sn = NULL;
    json_t *o = ts_api(&app, "GET", "/api/v1/orders?limit=1", NULL, 200);
    sn = strdup(json_string_value(
        json_object_get(json_array_get(json_object_get(o, "orders"), 0), "parent_order_sn")));
    json_decref(o);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/settlements/orders/%s", sn);
    o = ts_api(&app, "GET", path, NULL, 200);
    assert_true(json_is_object(json_object_get(o, "expected")));
    json_decref(o);
    free(sn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amounts_stored_with_history),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Integration: expected amounts read from Temu (issue 13, "Money and sources"), against the
 * real temu-sandbox on SQLite and PostgreSQL. After an orders sync, POST
 * /api/v1/settlements/amounts stores each synced order's estimatedSettlementTotal (minor
 * units) with a history row; a second call within the day asks nothing again; a bad limit
 * is 422; the order's settlement JSON then carries its expected money, and the orders list and
 * the order's page show what the buyer paid (order_amounts).
 * Then the scheduled
 * stream: once the stored amounts are a day old and some orders were cancelled in the sandbox,
 * an `aicos worker` run asks every order again, records the drift in the history and writes
 * the stream's state row.
 */
#include <signal.h>
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
    /* The stream is off in the server: the worker of the second test runs it. */
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", (char *)"AICOS_SETTLE_AMOUNTS_INTERVAL_S=0",
                   NULL};
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
    /* The same answers gave each order what the buyer paid (issue 16): in the list and on the
     * order's page with the breakdown and the sub-orders' unit prices. */
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM order_amounts WHERE "
                                           "paid_minor > 0 AND currency = 'USD'"),
                     orders);
    long long paid = ts_db_int(app.db_url, "SELECT paid_minor FROM order_amounts ORDER BY "
                                           "paid_minor DESC LIMIT 1");
    char money[48];
    snprintf(money, sizeof money, ">%lld.%02lld USD<", paid / 100, paid % 100);
    struct ts_http_resp r;
    assert_true(
        ts_http_ex(app.server.port, "GET", "/orders?limit=100", app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    if (!ts_contains(r.body, money))
        fail_msg("no %s on /orders", money);
    assert_true(ts_contains(r.body, "title=\"parentOrderStatus "));
    ts_http_free(&r);
    snprintf(path, sizeof path, "/orders/%s", sn);
    assert_true(ts_http_ex(app.server.port, "GET", path, app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "id=\"order-money\""));
    assert_true(ts_contains(r.body, "title=\"customerPaid.customerPaidTotal\""));
    assert_true(ts_contains(r.body, "title=\"salesProceeds.estimatedSettlementTotal\""));
    assert_false(ts_contains(r.body, "id=\"money-empty\""));
    ts_http_free(&r);
    free(sn);
}

/* An expected amount from a statement file stays; the order still gets its paid amount. */
static void test_file_amount_kept(void **state)
{
    (void)state;
    ts_db_exec(app.db_url, "DELETE FROM order_amounts WHERE parent_order_sn = (SELECT MIN("
                           "parent_order_sn) FROM temu_orders)");
    ts_db_exec(app.db_url, "UPDATE settlement_expected SET source = 'file', amount_minor = 1 "
                           "WHERE order_sn = (SELECT MIN(parent_order_sn) FROM temu_orders)");
    json_t *d = ts_api(&app, "POST", "/api/v1/settlements/amounts", "{}", 200);
    assert_int_equal(json_integer_value(json_object_get(d, "asked")), 1);
    json_decref(d);
    assert_int_equal(ts_db_int(app.db_url, "SELECT amount_minor FROM settlement_expected WHERE "
                                           "source = 'file'"),
                     1);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM order_amounts"),
                     ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_orders"));
}

/* The stream's state row of the connection: last_run_at (0 before the first run). */
static long long stream_last_run(void)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(MAX(last_run_at), 0) FROM settlement_amount_state WHERE "
             "connection_id = '%s'",
             conn_id);
    return ts_db_int(app.db_url, sql);
}

static void test_amounts_stream_scheduled(void **state)
{
    (void)state;
    long long orders = ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected");
    long long history = ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected_history");
    assert_true(orders > 0);
    assert_int_equal(stream_last_run(), 0);
    /* The amounts were read two days ago; meanwhile the buyers moved (cancellations). */
    ts_db_exec(app.db_url, "UPDATE settlement_expected SET updated_at = updated_at - 172800");
    json_decref(ts_sbx(&app, "POST", "/_sandbox/activity/step", "{\"events\":300}"));
    struct ts_proc w;
    char *argv[] = {getenv("AICOS_BIN"), (char *)"worker", NULL};
    char *env[] = {app.env_db,
                   app.env_key,
                   app.env_gw,
                   (char *)"AICOS_TEMU_RATE_LIMIT=200",
                   (char *)"AICOS_SETTLE_AMOUNTS_INTERVAL_S=3600",
                   (char *)"AICOS_PAYOUT_SYNC_INTERVAL_S=0",
                   NULL};
    ts_spawn(app.tmp, argv, env, &w);
    for (int waited = 0; waited < 30000 && stream_last_run() == 0; waited += 250)
        ts_sleep_ms(250);
    int rc = ts_stop(&w, SIGTERM, 15000);
    if (rc != 0) {
        char *err = ts_read_file(w.err_path);
        fail_msg("the worker exited %d: %s", rc, err);
    }
    assert_true(stream_last_run() > 0);
    char sql[240];
    snprintf(sql, sizeof sql,
             "SELECT asked FROM settlement_amount_state WHERE connection_id = '%s' AND "
             "last_ok_at = last_run_at AND failed = 0",
             conn_id);
    /* Every aged order (and any new one the orders stream brought) was asked again. */
    assert_true(ts_db_int(app.db_url, sql) >= orders);
    long long moved = ts_db_int(app.db_url, "SELECT moved FROM settlement_amount_state");
    long long now_history =
        ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected_history");
    long long now_orders = ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected");
    /* A cancelled order's estimate drifted to 0: one more history row each, counted as moved. */
    assert_true(moved >= 1);
    assert_int_equal(now_history - history, moved + (now_orders - orders));
    assert_true(ts_db_int(app.db_url, "SELECT COUNT(*) FROM settlement_expected_history WHERE "
                                      "amount_minor = 0") >= 1);
    /* The stream's state in the API and on the page; the drifted order shows its history. */
    json_t *st = ts_api(&app, "GET", "/api/v1/settlements/amounts", NULL, 200);
    json_t *s0 = json_array_get(json_object_get(st, "streams"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "connection_id")), conn_id);
    assert_int_equal(json_integer_value(json_object_get(s0, "moved")), moved);
    json_decref(st);
    struct ts_http_resp r;
    assert_true(ts_http_ex(app.server.port, "GET", "/settlements", app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "预计金额 / Expected amounts"));
    ts_http_free(&r);
    char path[200] = "";
    json_t *list = ts_api(&app, "GET", "/api/v1/orders?limit=100", NULL, 200);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(list, "orders"), i, o)
    {
        const char *sn = json_string_value(json_object_get(o, "parent_order_sn"));
        snprintf(path, sizeof path, "/api/v1/settlements/orders/%s", sn);
        json_t *d = ts_api(&app, "GET", path, NULL, 200);
        size_t n = json_array_size(json_object_get(d, "history"));
        json_decref(d);
        snprintf(path, sizeof path, n > 1 ? "/settlements/orders/%s" : "", sn);
        if (n > 1)
            break;
    }
    json_decref(list);
    assert_true(path[0] != '\0');
    assert_true(ts_http_ex(app.server.port, "GET", path, app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "Expected amount history"));
    ts_http_free(&r);
    char *out = NULL;
    char *args[] = {(char *)"settlement", (char *)"amounts", (char *)"--status", NULL};
    char *cenv[] = {app.env_db, NULL};
    assert_int_equal(ts_aicos_run(args, cenv, &out, NULL), 0);
    assert_true(ts_contains(out, conn_id) && ts_contains(out, "\"moved\""));
    free(out);
    /* Within the day nothing is asked again, whoever runs it. */
    json_t *d = ts_api(&app, "POST", "/api/v1/settlements/amounts", "{}", 200);
    assert_int_equal(json_integer_value(json_object_get(d, "asked")), 0);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_amounts_stored_with_history),
        cmocka_unit_test(test_amounts_stream_scheduled),
        cmocka_unit_test(test_file_amount_kept),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Unit: the events that change the action center's inputs outside a sync page, on SQLite and
 * PostgreSQL: a reconciliation run (app_settlement_reconcile) evaluates the settlement
 * detectors at once, with no pass of the worker; an added parcel (the tracking hook) its
 * parcel detectors; a buyer case's money at risk is its requested refund, else its lines'
 * worth, else (labelled) its order's total; the daily brief gives the money settled and
 * missing of the last run, and says so before any run.
 */
#include "testsupport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/actions.h"
#include "app/settlement.h"
#include "store/db.h"
#include "store/migrate.h"
#include "tracking/tracking.h"

#define NOW  INT64_C(1800000000) /* 2027-01-15 08:00 UTC */
#define DAY  INT64_C(86400)
#define CONN "conn-e"

static char url[TS_PATH_MAX];
static struct db *db;

static void run(const char *sql, const struct db_param *p, size_t n)
{
    struct errbuf eb = {0};
    if (db_pool_exec(db, sql, p, n, NULL, &eb) != ERR_OK)
        fail_msg("%s: %s", sql, eb.msg);
}

/* The world: a shop, two SKUs (19.99 and 5.00 USD), received order PO-E1 of 2 × 19.99 and
 * PO-E2 of 1 × 5.00. */
static void seed_world(void)
{
    struct db_param c[] = {DB_P_TEXT(CONN), DB_P_INT(NOW - 30 * DAY), DB_P_INT(NOW + 90 * DAY)};
    run("INSERT INTO temu_connections (id, region, mall_id, seller_type, scopes_json, status, "
        "auth_mode, token_secret, authorized_by, authorized_at, expires_at, created_at, "
        "updated_at) VALUES ($1, 'us', 1, 'local', '[]', 'active', 'dev', 's', 't', $2, $3, $2, "
        "$2)",
        c, 3);
    run("INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, out_goods_sn, "
        "cat_id, price, currency, quantity, content_hash, data, first_synced_at, synced_at) "
        "VALUES ('" CONN "', 1, 1, 'g', 'g', 1, '1999', 'USD', 900, 'h', '{}', 0, 0)",
        NULL, 0);
    run("INSERT INTO temu_product_skus (connection_id, sku_id, goods_id, out_sku_sn, spec_name, "
        "price, quantity, data) VALUES ('" CONN "', 11, 1, 'a', 'a', '1999', 500, '{}'), ('" CONN
        "', 21, 1, 'b', 'b', '500', 400, '{}')",
        NULL, 0);
    static const struct {
        const char *sn;
        int64_t sku, qty;
    } orders[] = {{"PO-E1", 11, 2}, {"PO-E2", 21, 1}};
    for (size_t i = 0; i < 2; i++) {
        struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(orders[i].sn), DB_P_INT(NOW - 20 * DAY)};
        run("INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
            "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
            "synced_at) VALUES ($1, $2, 5, $3, $3, $3, '[]', 211, 'h', '{}', 0, 0)",
            p, 3);
        struct db_param q[] = {DB_P_TEXT(CONN), DB_P_TEXT(orders[i].sn), DB_P_INT(orders[i].sku),
                               DB_P_INT(orders[i].qty)};
        run("INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
            "goods_id, sku_id, quantity, data) VALUES ($1, $2, $2, 5, 1, $3, $4, '{}')",
            q, 4);
    }
}

/* A case waiting on the seller on PO-E1 (deadline NOW + 1 day) with the detail given. */
static void seed_case(const char *sn, const char *detail)
{
    struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(sn), DB_P_INT(NOW - DAY), DB_P_TEXT(detail)};
    char data[160];
    snprintf(data, sizeof data, "{\"operateExpireTimeMs\": %lld, \"availableOperateList\": [1]}",
             (long long)(NOW + DAY) * 1000);
    struct db_param q[] = {p[0], p[1], p[2], p[3], DB_P_TEXT(data)};
    run("INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, parent_order_sn, "
        "status_group, status, case_type, create_at, update_at, content_hash, data, detail, "
        "first_synced_at, synced_at) VALUES ($1, $2, 'PO-E1', 1, 1, 1, $3, $3, 'h', $5, $4, 0, 0)",
        q, 5);
}

static int setup(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    ts_fresh_db_url("actevents", url, sizeof url);
    if (db_open(url, 4, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    seed_world();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* The open item of kind on key, or NULL (doc: an actions_list answer). */
static const json_t *item_of(const json_t *doc, const char *kind, const char *key)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(doc, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            strcmp(json_string_value(json_object_get(json_object_get(it, "object"), "key")), key) ==
                0)
            return it;
    }
    return NULL;
}

static json_t *open_items(void)
{
    struct errbuf eb = {0};
    json_t *doc = NULL;
    struct actions_filter f = {.role = ROLE_SELLER_ADMIN, .limit = 500, .now = NOW};
    if (actions_list(db, &f, &doc, &eb) != ERR_OK)
        fail_msg("list: %s", eb.msg);
    return doc;
}

static void check_money(const json_t *it, int64_t minor, const char *source)
{
    if (it == NULL)
        fail_msg("no item");
    const json_t *m = json_object_get(it, "money_at_risk");
    assert_int_equal(json_integer_value(json_object_get(m, "minor")), minor);
    assert_string_equal(json_string_value(json_object_get(m, "currency")), "USD");
    if (source != NULL)
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(json_object_get(it, "why"), "values"),
                                              "money_source")),
            source);
}

/* Requested refund 12.50; lines 1 × 19.99 (no refund asked); no detail: 2 × 19.99. */
static void test_case_money(void **state)
{
    (void)state;
    seed_case("AS-REFUND", "{\"afterSalesList\": [{\"applyRefundAmount\": {\"amount\": 1250, "
                           "\"currency\": \"USD\"}, \"applyAfterSalesGoodsNumber\": 1, "
                           "\"afterSalesGoodsInfo\": {\"skuId\": 11}}]}");
    seed_case("AS-ITEMS", "{\"afterSalesList\": [{\"applyAfterSalesGoodsNumber\": 1, "
                          "\"afterSalesGoodsInfo\": {\"skuId\": 11}}]}");
    seed_case("AS-ORDER", "");
    const char *keys[] = {"AS-REFUND", "AS-ITEMS", "AS-ORDER"};
    struct errbuf eb = {0};
    assert_int_equal(actions_eval_keys(db, CONN, ACTIONS_IN_CASES, keys, 3, NOW, NULL, &eb),
                     ERR_OK);
    json_t *doc = open_items();
    check_money(item_of(doc, "case_waiting", "AS-REFUND"), 1250, "requested_refund");
    check_money(item_of(doc, "case_waiting", "AS-ITEMS"), 1999, "case_items");
    check_money(item_of(doc, "case_waiting", "AS-ORDER"), 3998, "order_total");
    json_decref(doc);
}

static json_t *brief(void)
{
    struct errbuf eb = {0};
    json_t *b = NULL;
    if (actions_brief(db, ROLE_OPERATOR, NOW, &b, &eb) != ERR_OK)
        fail_msg("brief: %s", eb.msg);
    return b;
}

/* A statement line of 25.00 USD for PO-E2, imported as the settlement domain reads files. */
static void import_line(void)
{
    static const char csv[] = "结算时间,订单编号,交易类型,结算金额,币种\n"
                              "2027-01-10 10:00:00,PO-E2,结算,25.00,USD\n";
    struct settle_import_opts o = {"lines.csv", NULL, NULL, "test", NOW};
    struct settle_import_result r;
    struct errbuf eb = {0};
    if (settle_import_buffer(db, csv, sizeof csv - 1, &o, &r, &eb) != ERR_OK)
        fail_msg("import: %s", eb.msg);
    assert_int_equal(r.lines, 1);
    settle_import_result_clear(&r);
}

/* The run evaluates the settlement detectors itself: PO-E3 (30.00 expected, delivered 10
 * days ago, no line) is overdue; PO-E2 (20.00 expected, 25.00 paid) varies by 5.00. The
 * brief then says 25.00 settled on 1 order and 30.00 missing on 1. */
static void test_reconcile_triggers_and_brief(void **state)
{
    (void)state;
    json_t *b = brief();
    assert_non_null(strstr(json_string_value(json_object_get(b, "en")), "not reconciled yet"));
    assert_true(json_is_null(json_object_get(json_object_get(b, "numbers"), "settlement")));
    json_decref(b);
    static const char *const sns[] = {"PO-E3", "PO-E2"};
    static const int64_t amounts[] = {3000, 2000};
    for (size_t i = 0; i < 2; i++) {
        struct db_param p[] = {DB_P_TEXT(sns[i]), DB_P_TEXT(CONN), DB_P_INT(amounts[i]),
                               DB_P_INT(NOW - 10 * DAY)};
        run("INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
            "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES "
            "($1, $2, $3, 'USD', $4, $4, $4, 0, 'file', $4)",
            p, 4);
    }
    import_line();
    struct app app = {.db = db};
    struct app_actor who = {"test", ROLE_SELLER_ADMIN, "rid", "127.0.0.1"};
    struct errbuf eb = {0};
    assert_int_equal(app_settlement_reconcile(&app, &who, NOW, NULL, &eb), ERR_OK);
    json_t *doc = open_items();
    check_money(item_of(doc, "settlement_overdue", "PO-E3"), 3000, NULL);
    check_money(item_of(doc, "settlement_variance", "PO-E2"), 500, NULL);
    json_decref(doc);
    b = brief();
    const json_t *t = json_array_get(
        json_object_get(json_object_get(json_object_get(b, "numbers"), "settlement"), "totals"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "currency")), "USD");
    assert_int_equal(json_integer_value(json_object_get(t, "settled_minor")), 2500);
    assert_int_equal(json_integer_value(json_object_get(t, "settled_orders")), 1);
    assert_int_equal(json_integer_value(json_object_get(t, "missing_minor")), 3000);
    assert_int_equal(json_integer_value(json_object_get(t, "missing_orders")), 1);
    const char *en = json_string_value(json_object_get(b, "en"));
    if (strstr(en, "25.00 USD settled on 1 orders, 30.00 USD missing on 1 orders") == NULL)
        fail_msg("brief: %s", en);
    assert_non_null(strstr(json_string_value(json_object_get(b, "zh")), "缺失 30.00 USD(1 单)"));
    json_decref(b);
}

/* An added parcel of PO-E2 shipped 3 days ago without a scan: the hook raises no_first_scan
 * with the order's 5.00 at risk, without any pass. */
static void test_tracking_hook(void **state)
{
    (void)state;
    struct tracking_add a = {.connection_id = CONN,
                             .parent_order_sn = "PO-E2",
                             .number = "YT2412345678901234",
                             .shipped_at = NOW - 3 * DAY};
    char id[TRACKING_ID_LEN + 1];
    bool created = false;
    struct errbuf eb = {0};
    assert_int_equal(tracking_shipment_add(db, "17track", &a, NOW, id, &created, &eb), ERR_OK);
    assert_true(created);
    json_t *doc = open_items();
    assert_null(item_of(doc, "no_first_scan", id));
    json_decref(doc);
    actions_tracking_hook(db, NOW - 1, NOW);
    doc = open_items();
    check_money(item_of(doc, "no_first_scan", id), 500, NULL);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_money),
        cmocka_unit_test(test_reconcile_triggers_and_brief),
        cmocka_unit_test(test_tracking_hook),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

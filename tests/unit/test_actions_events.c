/*
 * Unit: the events that change the action center's inputs outside a sync page, on SQLite and
 * PostgreSQL: a reconciliation run (app_settlement_reconcile) evaluates the settlement
 * detectors at once, with no pass of the worker; an added parcel (the tracking hook) its
 * parcel detectors; a buyer case's money at risk is its requested refund, else its lines'
 * worth, else (labelled) its order's total; the daily brief gives the money settled and
 * missing of the last run, and says so before any run. A scripted scenario gives every one of
 * the 16 detector kinds exactly once, each with its subject, least role, deadline and money
 * (precision = recall = 1), and a brief whose numbers and top three match the script.
 */
#include "testsupport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/actions.h"
#include "app/settlement.h"
#include "settlement/reconcile.h"
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

/* A connection conn whose token expires at expires_at, one product (goods 1) with SKU 11 at
 * 19.99 USD and SKU sku2 at price2 with quantity qty2. */
static void seed_shop(const char *conn, int64_t expires_at, int64_t sku2, const char *price2,
                      int64_t qty2)
{
    struct db_param c[] = {DB_P_TEXT(conn), DB_P_INT(NOW - 30 * DAY), DB_P_INT(expires_at)};
    run("INSERT INTO temu_connections (id, region, mall_id, seller_type, scopes_json, status, "
        "auth_mode, token_secret, authorized_by, authorized_at, expires_at, created_at, "
        "updated_at) VALUES ($1, 'us', 1, 'local', '[]', 'active', 'dev', 's', 't', $2, $3, $2, "
        "$2)",
        c, 3);
    run("INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, out_goods_sn, "
        "cat_id, price, currency, quantity, content_hash, data, first_synced_at, synced_at) "
        "VALUES ($1, 1, 1, 'g', 'g', 1, '1999', 'USD', 900, 'h', '{}', 0, 0)",
        c, 1);
    struct db_param k[] = {DB_P_TEXT(conn), DB_P_INT(sku2), DB_P_TEXT(price2), DB_P_INT(qty2)};
    run("INSERT INTO temu_product_skus (connection_id, sku_id, goods_id, out_sku_sn, spec_name, "
        "price, quantity, data) VALUES ($1, 11, 1, 'a', 'a', '1999', 500, '{}'), ($1, $2, 1, 'b', "
        "'b', $3, $4, '{}')",
        k, 4);
}

/* The world: a shop, two SKUs (19.99 and 5.00 USD), received order PO-E1 of 2 × 19.99 and
 * PO-E2 of 1 × 5.00. */
static void seed_world(void)
{
    seed_shop(CONN, NOW + 90 * DAY, 21, "500", 400);
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
            "goods_id, sku_id, quantity) VALUES ($1, $2, $2, 5, 1, $3, $4)",
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

/*
 * The settlement of two orders of conn as the settlement domain gets it: missing (30.00
 * expected, delivered 10 days ago, no line) and var (20.00 expected) with a statement file's
 * 25.00 line, then a reconciliation run at NOW through the audited use-case.
 */
static void settle_two(const char *conn, const char *missing, const char *var)
{
    const char *sns[] = {missing, var};
    static const int64_t amounts[] = {3000, 2000};
    for (size_t i = 0; i < 2; i++) {
        struct db_param p[] = {DB_P_TEXT(sns[i]), DB_P_TEXT(conn), DB_P_INT(amounts[i]),
                               DB_P_INT(NOW - 10 * DAY)};
        run("INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
            "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES "
            "($1, $2, $3, 'USD', $4, $4, $4, 0, 'file', $4)",
            p, 4);
    }
    char csv[200];
    snprintf(csv, sizeof csv,
             "结算时间,订单编号,交易类型,结算金额,币种\n"
             "2027-01-10 10:00:00,%s,结算,25.00,USD\n",
             var);
    struct settle_import_opts o = {var, NULL, NULL, "test", NOW};
    struct settle_import_result r;
    struct errbuf eb = {0};
    if (settle_import_buffer(db, csv, strlen(csv), &o, &r, &eb) != ERR_OK)
        fail_msg("import: %s", eb.msg);
    assert_int_equal(r.lines, 1);
    settle_import_result_clear(&r);
    struct app app = {.db = db};
    struct app_actor who = {"test", ROLE_SELLER_ADMIN, "rid", "127.0.0.1"};
    assert_int_equal(app_settlement_reconcile(&app, &who, NOW, NULL, &eb), ERR_OK);
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
    settle_two(CONN, "PO-E3", "PO-E2");
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

/* An added parcel of PO-E2 shipped 3 days ago without a scan: the parcels hook (by tracking
 * number, in any case) raises no_first_scan with the order's 5.00 at risk, without any pass. */
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
    const char *number = "yt2412345678901234"; /* as a push may spell it */
    actions_parcels_hook(db, &number, 1, NOW);
    doc = open_items();
    check_money(item_of(doc, "no_first_scan", id), 500, NULL);
    json_decref(doc);
}

/* A run made without the hook (another process, settle_reconcile itself) is caught by the
 * next window pass, once: a pass whose since is after the run does not walk it again. */
static void test_window_catches_other_run(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct db_param p[] = {DB_P_TEXT("PO-E4"), DB_P_TEXT(CONN), DB_P_INT(NOW - 10 * DAY)};
    run("INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
        "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES ($1, "
        "$2, 4200, 'USD', $3, $3, $3, 0, 'file', $3)",
        p, 3);
    assert_int_equal(settle_reconcile(db, NOW + 60, NULL, &eb), ERR_OK);
    json_t *doc = open_items();
    assert_null(item_of(doc, "settlement_overdue", "PO-E4"));
    json_decref(doc);
    struct actions_stats later = {0}, st = {0};
    assert_int_equal(actions_eval_window(db, NOW + 60, NOW + 120, &later, &eb), ERR_OK);
    doc = open_items();
    assert_null(item_of(doc, "settlement_overdue", "PO-E4")); /* the run is not newer */
    json_decref(doc);
    assert_int_equal(actions_eval_window(db, NOW + 59, NOW + 120, &st, &eb), ERR_OK);
    doc = open_items();
    check_money(item_of(doc, "settlement_overdue", "PO-E4"), 4200, NULL);
    json_decref(doc);
    assert_true(st.objects > later.objects);
}

/* A products page (the sync hook's goods keys) re-evaluates the stock of their SKUs: SKU 21
 * sold out raises stockout_soon, restocked it auto-resolves. */
static void test_products_page_stock(void **state)
{
    (void)state;
    const char *goods[] = {"1"};
    /* The hook evaluates at the wall clock: PO-E2's sale of SKU 21 a day before it. */
    struct db_param t[] = {DB_P_INT((int64_t)time(NULL) - DAY)};
    run("UPDATE temu_orders SET order_time = $1 WHERE connection_id = '" CONN
        "' AND parent_order_sn = 'PO-E2'",
        t, 1);
    run("UPDATE temu_product_skus SET quantity = 0 WHERE connection_id = '" CONN "' AND sku_id = "
        "21",
        NULL, 0);
    actions_sync_hook(NULL, db, CONN, "products", goods, 1);
    json_t *doc = open_items();
    assert_non_null(item_of(doc, "stockout_soon", "21"));
    assert_null(item_of(doc, "stockout_soon", "11"));
    json_decref(doc);
    run("UPDATE temu_product_skus SET quantity = 400 WHERE connection_id = '" CONN
        "' AND sku_id = 21",
        NULL, 0);
    actions_sync_hook(NULL, db, CONN, "products", goods, 1);
    doc = open_items();
    assert_null(item_of(doc, "stockout_soon", "21"));
    json_decref(doc);
}

/* ---- the scripted scenario: every detector kind once, exactly (own database) ---- */

#define SC "conn-s"
#define HR INT64_C(3600)

struct sc_order {
    const char *sn;
    int64_t status, age, ship_by, latest, sku, qty;
    const char *labels;
    int packages;
    const char *abnormal;
};

/* The scenario's orders: ages and times relative to NOW. */
static const struct sc_order sc_orders[] = {
    {"PO-S-BREACH", 2, 3 * DAY, -5 * HR, 7 * DAY, 11, 2, "[]", 0, NULL},
    {"PO-S-RISK", 2, HR, 10 * HR, 9 * DAY, 11, 1, "[]", 0, NULL},
    {"PO-S-CANCEL", 2, HR, 47 * HR, 9 * DAY, 11, 1, "[\"pending_buyer_cancellation\"]", 0, NULL},
    {"PO-S-RISKHOLD", 1, HR, 47 * HR, 9 * DAY, 11, 1, "[\"pending_risk_control_alert\"]", 0, NULL},
    {"PO-S-NOTRACK", 4, 3 * DAY, -DAY, 6 * DAY, 11, 1, "[]", 0, NULL},
    {"PO-S-ABN", 4, 4 * DAY, -2 * DAY, 5 * DAY, 11, 1, "[]", 1, "LOST"},
    {"PO-S-LATE", 4, 12 * DAY, -10 * DAY, -DAY, 11, 3, "[]", 1, NULL},
    {"PO-S-STOCK", 5, 2 * DAY, -DAY, -DAY, 12, 2, "[]", 1, NULL},
    {"PO-S-SHIP1", 4, 4 * DAY, -2 * DAY, 8 * DAY, 11, 1, "[]", 1, NULL},
    {"PO-S-SHIP2", 4, 6 * DAY, -4 * DAY, 8 * DAY, 11, 2, "[]", 1, NULL},
    {"PO-S-RCV", 5, 15 * DAY, -13 * DAY, -5 * DAY, 11, 2, "[]", 1, NULL},
    {"PO-S-OK", 2, HR, 47 * HR, 9 * DAY, 11, 1, "[]", 0, NULL},
};

static void sc_order(const struct sc_order *o)
{
    json_t *child = json_pack("{s:s, s:o, s:o}", "orderSn", o->sn, "packageSnInfo", json_array(),
                              "packageAbnormalTypeList", json_array());
    for (int i = 0; i < o->packages; i++)
        json_array_append_new(json_object_get(child, "packageSnInfo"),
                              json_pack("{s:s}", "packageSn", "PK"));
    if (o->abnormal != NULL)
        json_array_append_new(json_object_get(child, "packageAbnormalTypeList"),
                              json_string(o->abnormal));
    json_t *doc = json_pack("{s:{s:I}, s:[o]}", "parentOrderMap", "latestDeliveryTime",
                            (json_int_t)(NOW + o->latest), "orderList", child);
    char *data = json_dumps(doc, JSON_COMPACT);
    struct db_param p[] = {DB_P_TEXT(SC),          DB_P_TEXT(o->sn),           DB_P_INT(o->status),
                           DB_P_INT(NOW - o->age), DB_P_INT(NOW + o->ship_by), DB_P_TEXT(o->labels),
                           DB_P_TEXT(data)};
    run("INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
        "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
        "synced_at) VALUES ($1, $2, $3, $4, $4, $5, $6, 211, 'h', $7, 0, 0)",
        p, 7);
    struct db_param q[] = {DB_P_TEXT(SC), DB_P_TEXT(o->sn), DB_P_INT(o->status), DB_P_INT(o->sku),
                           DB_P_INT(o->qty)};
    run("INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
        "goods_id, sku_id, quantity) VALUES ($1, $2, $2, $3, 1, $4, $5)",
        q, 5);
    free(data);
    json_decref(doc);
}

/* The shop around the orders: token 2 days from expiry, a failing and a paused stream, SKU 12
 * with 1 left, a case waiting on PO-S-RCV that asks 12.50 back. */
static void sc_shop(void)
{
    seed_shop(SC, NOW + 2 * DAY, 12, "4500", 1);
    run("INSERT INTO sync_state (connection_id, stream, consecutive_failures, paused) VALUES ('" SC
        "', 'orders', 0, 0), ('" SC "', 'buyer_cases', 4, 0), ('" SC "', 'products', 5, 1)",
        NULL, 0);
    for (size_t i = 0; i < sizeof sc_orders / sizeof sc_orders[0]; i++)
        sc_order(&sc_orders[i]);
    char data[160];
    snprintf(data, sizeof data, "{\"operateExpireTimeMs\": %lld, \"availableOperateList\": [1]}",
             (long long)(NOW + 20 * HR) * 1000);
    struct db_param k[] = {DB_P_TEXT(SC), DB_P_INT(NOW - DAY), DB_P_TEXT(data)};
    run("INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, parent_order_sn, "
        "status_group, status, case_type, create_at, update_at, content_hash, data, detail, "
        "first_synced_at, synced_at) VALUES ($1, 'AS-S-WAIT', 'PO-S-RCV', 1, 1, 1, $2, $2, 'h', "
        "$3, '{\"afterSalesList\": [{\"applyRefundAmount\": {\"amount\": 1250, \"currency\": "
        "\"USD\"}}]}', 0, 0)",
        k, 3);
}

/* Two parcels through the tracking domain: no scan 3 days after shipping; scanned but
 * flagged stalled by the tracking domain. Both promised NOW + 6 days. */
static void sc_parcels(char scan[TRACKING_ID_LEN + 1], char stall[TRACKING_ID_LEN + 1])
{
    struct tracking_add a = {.connection_id = SC,
                             .parent_order_sn = "PO-S-SHIP1",
                             .number = "YT2400000000000001",
                             .shipped_at = NOW - 3 * DAY,
                             .promise_at = NOW + 6 * DAY};
    struct errbuf eb = {0};
    bool created = false;
    assert_int_equal(tracking_shipment_add(db, "17track", &a, NOW, scan, &created, &eb), ERR_OK);
    a.parent_order_sn = "PO-S-SHIP2";
    a.number = "YT2400000000000002";
    a.shipped_at = NOW - 5 * DAY;
    assert_int_equal(tracking_shipment_add(db, "17track", &a, NOW, stall, &created, &eb), ERR_OK);
    struct db_param p[] = {DB_P_TEXT(stall), DB_P_INT(NOW - 4 * DAY), DB_P_INT(NOW)};
    run("UPDATE tracking_shipments SET status = 'in_transit', first_event_at = $2, "
        "last_event_at = $2 WHERE id = $1",
        p, 2);
    run("INSERT INTO tracking_flags (shipment_id, flag, reason, since, raised_at) VALUES ($1, "
        "'stalled', 'no_scan', $2, $3)",
        p, 3);
}

/* One expected item: kind, subject, least role, deadline (0 none), money (-1 none). */
struct sc_expect {
    const char *kind, *key;
    enum auth_role role;
    int64_t due, money;
};

static void sc_check(const struct sc_expect *x, size_t n)
{
    static const enum auth_role below[] = {ROLE_NONE, ROLE_NONE, ROLE_VIEWER, ROLE_OPERATOR,
                                           ROLE_OPS};
    json_t *all = open_items();
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *it = item_of(all, x[i].kind, x[i].key);
        if (it == NULL)
            fail_msg("missing %s %s", x[i].kind, x[i].key);
        found++;
        assert_int_equal(json_integer_value(json_object_get(it, "deadline")), x[i].due);
        const json_t *m = json_object_get(it, "money_at_risk");
        assert_int_equal(json_is_object(m) ? json_integer_value(json_object_get(m, "minor")) : -1,
                         x[i].money);
        struct errbuf eb = {0};
        json_t *doc = NULL;
        struct actions_filter f = {.role = x[i].role, .limit = 500, .now = NOW};
        assert_int_equal(actions_list(db, &f, &doc, &eb), ERR_OK);
        assert_non_null(item_of(doc, x[i].kind, x[i].key));
        json_decref(doc);
        f.role = below[x[i].role];
        if (f.role != ROLE_NONE) {
            assert_int_equal(actions_list(db, &f, &doc, &eb), ERR_OK);
            assert_null(item_of(doc, x[i].kind, x[i].key));
            json_decref(doc);
        }
    }
    /* Precision: nothing else is open. */
    assert_int_equal(json_array_size(json_object_get(all, "items")), found);
    json_decref(all);
}

/* The brief against the script: its numbers and its top three. */
static void sc_brief(void)
{
    struct errbuf eb = {0};
    json_t *b = NULL;
    assert_int_equal(actions_brief(db, ROLE_SELLER_ADMIN, NOW, &b, &eb), ERR_OK);
    const json_t *n = json_object_get(b, "numbers");
    assert_int_equal(json_integer_value(json_object_get(n, "orders_in")), 4);
    assert_int_equal(json_integer_value(json_object_get(n, "late")), 2);
    assert_int_equal(json_integer_value(json_object_get(n, "open_items")), 16);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(n, "settled"), "minor")),
                     2500);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(n, "missing"), "minor")),
                     3000);
    static const char *const top[] = {"ship_by_breached", "settlement_overdue", "delivery_late"};
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(b, "top"), i), "kind")),
                            top[i]);
    json_decref(b);
}

static void test_scenario_every_kind(void **state)
{
    (void)state;
    struct db *events_db = db;
    char scen_url[TS_PATH_MAX], scan[TRACKING_ID_LEN + 1], stall[TRACKING_ID_LEN + 1];
    struct errbuf eb = {0};
    ts_fresh_db_url("actscenario", scen_url, sizeof scen_url);
    assert_int_equal(db_open(scen_url, 4, &db, &eb), ERR_OK);
    assert_int_equal(migrate_apply(db, NULL, &eb), ERR_OK);
    sc_shop();
    /* What the sync hook and the worker's passes evaluate, then the two events. */
    assert_int_equal(actions_eval_full(db, SC, NOW, NULL, &eb), ERR_OK);
    sc_parcels(scan, stall);
    actions_tracking_hook(db, NOW - 1, NOW);
    settle_two(SC, "PO-S-SETMISS", "PO-S-SETVAR");
    const struct sc_expect want[] = {
        {"ship_by_breached", "PO-S-BREACH", ROLE_VIEWER, NOW - 5 * HR, 3998},
        {"ship_by_risk", "PO-S-RISK", ROLE_VIEWER, NOW + 10 * HR, 1999},
        {"buyer_change_pending", "PO-S-CANCEL", ROLE_VIEWER, NOW + 47 * HR, 1999},
        {"risk_hold", "PO-S-RISKHOLD", ROLE_VIEWER, NOW + 47 * HR, 1999},
        {"no_tracking_uploaded", "PO-S-NOTRACK", ROLE_VIEWER, 0, 1999},
        {"tracking_exception", "PO-S-ABN", ROLE_VIEWER, NOW + 5 * DAY, 1999},
        {"delivery_late", "PO-S-LATE", ROLE_VIEWER, NOW - DAY, 5997},
        {"no_first_scan", scan, ROLE_VIEWER, NOW + 6 * DAY, 1999},
        {"tracking_stalled", stall, ROLE_VIEWER, NOW + 6 * DAY, 3998},
        {"case_waiting", "AS-S-WAIT", ROLE_VIEWER, NOW + 20 * HR, 1250},
        {"settlement_variance", "PO-S-SETVAR", ROLE_VIEWER, 0, 500},
        {"settlement_overdue", "PO-S-SETMISS", ROLE_VIEWER, NOW - 9 * DAY, 3000},
        {"token_expiring", SC, ROLE_SELLER_ADMIN, NOW + 2 * DAY, -1},
        {"sync_failing", "buyer_cases", ROLE_OPS, 0, -1},
        {"stream_paused", "products", ROLE_OPS, 0, -1},
        {"stockout_soon", "12", ROLE_VIEWER, NOW + 302400, -1}, /* 1 left, 2 a week: 3.5 days */
    };
    size_t nd;
    actions_detectors(&nd);
    assert_int_equal(sizeof want / sizeof want[0], nd); /* every kind of the table, once */
    sc_check(want, nd);
    sc_brief();
    db_close(db);
    db = events_db;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_money),
        cmocka_unit_test(test_reconcile_triggers_and_brief),
        cmocka_unit_test(test_tracking_hook),
        cmocka_unit_test(test_window_catches_other_run),
        cmocka_unit_test(test_products_page_stock),
        cmocka_unit_test(test_scenario_every_kind),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

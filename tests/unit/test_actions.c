/*
 * Unit: the action center (src/actions) on SQLite and PostgreSQL, without HTTP. A scenario
 * library seeds incidents into the synced tables on a virtual clock (each with the items it
 * must raise); the detectors give exactly the expected set, in the expected order; ship-by
 * items appear at least 24 h before the breach; items auto-resolve in the evaluation after
 * their condition clears; restarts (a second database handle) and two threads evaluating at
 * once never duplicate an item; incremental evaluation equals a full re-scan; people's
 * snooze / resolve / assign write history; roles see only their kinds; thresholds per shop;
 * the parcel detectors fire on seeded tracking rows and auto-resolve when the condition clears.
 */
#include "testsupport.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/actions.h"
#include "store/db.h"
#include "store/migrate.h"

#define NOW  INT64_C(1800000000)
#define HOUR INT64_C(3600)
#define DAY  INT64_C(86400)
#define CONN "conn-a"

static char url[TS_PATH_MAX];
static struct db *db;

static void exec(const char *sql, const struct db_param *p, size_t n)
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec(c, sql, p, n, NULL, &eb);
    db_release(c);
    if (e != ERR_OK)
        fail_msg("%s: %s", sql, eb.msg);
}

static void seed_connection(int64_t expires_at, const char *status)
{
    struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(status), DB_P_INT(expires_at),
                           DB_P_INT(NOW - 30 * DAY)};
    exec("INSERT INTO temu_connections (id, region, mall_id, seller_type, scopes_json, status, "
         "auth_mode, token_secret, authorized_by, authorized_at, expires_at, created_at, "
         "updated_at) VALUES ($1, 'us', 1, 'local', '[]', $2, 'dev', 's', 't', $4, $3, $4, $4) "
         "ON CONFLICT (id) DO UPDATE SET status = excluded.status, expires_at = "
         "excluded.expires_at",
         p, 4);
}

static void seed_product(int64_t goods, int64_t sku, const char *price, int64_t qty)
{
    struct db_param p[] = {DB_P_TEXT(CONN), DB_P_INT(goods), DB_P_INT(sku), DB_P_TEXT(price),
                           DB_P_INT(qty)};
    struct db_param g[] = {DB_P_TEXT(CONN), DB_P_INT(goods), DB_P_TEXT(price), DB_P_INT(qty)};
    exec("INSERT INTO temu_products (connection_id, goods_id, bucket, goods_name, out_goods_sn, "
         "cat_id, price, currency, quantity, content_hash, data, first_synced_at, synced_at) "
         "VALUES ($1, $2, 1, 'g', 'g', 1, $3, 'USD', $4, 'h', '{}', 0, 0) ON CONFLICT DO NOTHING",
         g, 4);
    exec("INSERT INTO temu_product_skus (connection_id, sku_id, goods_id, out_sku_sn, spec_name, "
         "price, quantity, data) VALUES ($1, $3, $2, 's', 's', $4, $5, '{}') ON CONFLICT "
         "(connection_id, sku_id) DO UPDATE SET quantity = excluded.quantity",
         p, 5);
}

/* An order as the orders stream stores it (labels: JSON array of names). */
struct order_spec {
    const char *sn;
    int64_t status, order_time, ship_by, latest_delivery;
    const char *labels;
    int packages;         /* packageSnInfo entries on the child */
    const char *abnormal; /* a packageAbnormalTypeList entry, or NULL */
    int64_t sku, qty;
};

static void seed_order(const struct order_spec *o)
{
    json_t *child = json_pack(
        "{s:s, s:I, s:I, s:o, s:o, s:I}", "orderSn", o->sn, "skuId", (json_int_t)o->sku, "quantity",
        (json_int_t)o->qty, "packageSnInfo", json_array(), "packageAbnormalTypeList", json_array(),
        "orderShippingTime", (json_int_t)(o->packages ? o->order_time + HOUR : 0));
    for (int i = 0; i < o->packages; i++)
        json_array_append_new(json_object_get(child, "packageSnInfo"),
                              json_pack("{s:s}", "packageSn", "PK"));
    if (o->abnormal != NULL)
        json_array_append_new(json_object_get(child, "packageAbnormalTypeList"),
                              json_string(o->abnormal));
    json_t *doc = json_pack("{s:{s:s, s:I, s:I, s:I}, s:[o]}", "parentOrderMap", "parentOrderSn",
                            o->sn, "parentOrderStatus", (json_int_t)o->status,
                            "expectShipLatestTime", (json_int_t)o->ship_by, "latestDeliveryTime",
                            (json_int_t)o->latest_delivery, "orderList", child);
    char *data = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    struct db_param p[] = {
        DB_P_TEXT(CONN),         DB_P_TEXT(o->sn),     DB_P_INT(o->status),
        DB_P_INT(o->order_time), DB_P_INT(o->ship_by), DB_P_TEXT(o->labels ? o->labels : "[]"),
        DB_P_TEXT(data),         DB_P_INT(o->sku),     DB_P_INT(o->qty)};
    exec("INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
         "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
         "synced_at) VALUES ($1, $2, $3, $4, $4, $5, $6, 211, 'h', $7, 0, 0) ON CONFLICT "
         "(connection_id, parent_order_sn) DO UPDATE SET status = excluded.status, ship_by = "
         "excluded.ship_by, labels = excluded.labels, data = excluded.data",
         p, 7);
    struct db_param q[] = {DB_P_TEXT(CONN), DB_P_TEXT(o->sn), DB_P_INT(o->status), DB_P_INT(o->sku),
                           DB_P_INT(o->qty)};
    exec("INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, "
         "goods_id, sku_id, quantity) VALUES ($1, $2, $2, $3, 1, $4, $5) ON CONFLICT "
         "(connection_id, order_sn) DO UPDATE SET status = excluded.status",
         q, 5);
    free(data);
    json_decref(doc);
}

static void seed_case(const char *sn, const char *order_sn, int64_t group, int64_t expire_ms,
                      int ops)
{
    json_t *doc = json_pack("{s:I, s:o}", "operateExpireTimeMs", (json_int_t)expire_ms,
                            "availableOperateList", ops ? json_pack("[i, i]", 1, 2) : json_array());
    char *data = json_dumps(doc, JSON_COMPACT);
    struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(sn),   DB_P_TEXT(order_sn),
                           DB_P_INT(group), DB_P_TEXT(data), DB_P_INT(NOW - DAY)};
    exec("INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, parent_order_sn, "
         "status_group, status, case_type, create_at, update_at, content_hash, data, "
         "first_synced_at, synced_at) VALUES ($1, $2, $3, $4, 1, 1, $6, $6, 'h', $5, 0, 0) ON "
         "CONFLICT (connection_id, parent_after_sales_sn) DO UPDATE SET status_group = "
         "excluded.status_group, data = excluded.data",
         p, 6);
    free(data);
    json_decref(doc);
}

static void seed_stream(const char *stream, int64_t failures, int64_t paused)
{
    struct db_param p[] = {DB_P_TEXT(CONN), DB_P_TEXT(stream), DB_P_INT(failures),
                           DB_P_INT(paused)};
    exec("INSERT INTO sync_state (connection_id, stream, consecutive_failures, paused) VALUES ($1, "
         "$2, $3, $4) ON CONFLICT (connection_id, stream) DO UPDATE SET consecutive_failures = "
         "excluded.consecutive_failures, paused = excluded.paused",
         p, 4);
}

/* The scenario library: each incident and the one item it must raise ("" = none). */
static const struct scenario {
    struct order_spec o;
    const char *kind;
} scenarios[] = {
    {{"PO-BREACHED", 2, NOW - 3 * DAY, NOW - 5 * HOUR, NOW + 7 * DAY, NULL, 0, NULL, 11, 2},
     "ship_by_breached"},
    {{"PO-RISK-TIME", 2, NOW - DAY, NOW + 10 * HOUR, NOW + 9 * DAY, NULL, 0, NULL, 11, 1},
     "ship_by_risk"},
    {{"PO-RISK-LABEL", 2, NOW - DAY, NOW + 40 * HOUR, NOW + 9 * DAY, "[\"soon_to_be_overdue\"]", 0,
      NULL, 12, 1},
     "ship_by_risk"},
    {{"PO-PASTDUE-LBL", 41, NOW - 2 * DAY, NOW + 2 * HOUR, NOW + 9 * DAY, "[\"past_due\"]", 1, NULL,
      12, 1},
     "ship_by_breached"},
    {{"PO-CANCEL", 2, NOW - HOUR, NOW + 47 * HOUR, NOW + 9 * DAY,
      "[\"pending_buyer_cancellation\"]", 0, NULL, 11, 1},
     "buyer_change_pending"},
    {{"PO-RISKHOLD", 1, NOW - HOUR, NOW + 47 * HOUR, NOW + 9 * DAY,
      "[\"pending_risk_control_alert\"]", 0, NULL, 11, 1},
     "risk_hold"},
    {{"PO-NOTRACK", 4, NOW - 3 * DAY, NOW - DAY, NOW + 6 * DAY, NULL, 0, NULL, 11, 1},
     "no_tracking_uploaded"},
    {{"PO-ABNORMAL", 4, NOW - 4 * DAY, NOW - 2 * DAY, NOW + 5 * DAY, NULL, 1, "LOST", 11, 1},
     "tracking_exception"},
    {{"PO-LATE", 4, NOW - 12 * DAY, NOW - 10 * DAY, NOW - DAY, NULL, 1, NULL, 12, 3},
     "delivery_late"},
    /* Normal orders: no item. */
    {{"PO-OK-NEW", 2, NOW - HOUR, NOW + 47 * HOUR, NOW + 9 * DAY, NULL, 0, NULL, 11, 1}, ""},
    {{"PO-OK-SHIPPED", 4, NOW - 2 * DAY, NOW, NOW + 8 * DAY, NULL, 1, NULL, 11, 1}, ""},
    {{"PO-OK-RECEIVED", 5, NOW - 20 * DAY, NOW - 18 * DAY, NOW - 10 * DAY, NULL, 1, NULL, 11, 1},
     ""},
    {{"PO-OK-CANCELLED", 3, NOW - 2 * DAY, NOW - DAY, NOW + 8 * DAY, "[\"past_due\"]", 0, NULL, 11,
      1},
     ""},
};
#define NSCEN (sizeof scenarios / sizeof scenarios[0])

/* The expected ranking (kind:key), most urgent first. */
static const char *const expected_order[] = {
    "ship_by_breached:PO-PASTDUE-LBL", /* 13200, deadline 2 days ago (label past_due) */
    "ship_by_breached:PO-BREACHED",    /* 13200, deadline 5 h ago */
    "delivery_late:PO-LATE",           /* 12300 */
    "ship_by_risk:PO-RISK-TIME",       /* 2810: 30 × 87 + 200 */
    "case_waiting:AS-WAIT",            /* 2390: 30 × 73 + 200 */
    "ship_by_risk:PO-RISK-LABEL",      /* 1550: 30 × 45 + 200 */
    "buyer_change_pending:PO-CANCEL",  /* 1250: 30 × 35 + 200 */
    "no_tracking_uploaded:PO-NOTRACK", /* 1200: 20 × 50 + 200 */
    "token_expiring:" CONN,            /* 1020: 30 × 34 */
    "stream_paused:products",          /* 1000: 20 × 50, no deadline; kind order */
    "sync_failing:buyer_cases",        /* 1000 */
    "risk_hold:PO-RISKHOLD",           /* 900: 20 × 35 + 200 */
    "tracking_exception:PO-ABNORMAL",  /* 200: deadline beyond 72 h */
    "stockout_soon:12",                /* 0: 3.5 days of cover, no price */
};
#define NEXPECTED (sizeof expected_order / sizeof expected_order[0])

static void seed_world(void)
{
    seed_connection(NOW + 2 * DAY, "active");
    seed_product(1, 11, "1999", 500);
    seed_product(2, 12, "4500", 1); /* 1 left, 2 sold in 7 days: stock-out soon */
    for (size_t i = 0; i < NSCEN; i++)
        seed_order(&scenarios[i].o);
    seed_case("AS-WAIT", "PO-OK-RECEIVED", 1, (NOW + 20 * HOUR) * 1000, 1);
    seed_case("AS-DONE", "PO-OK-RECEIVED", 2, 0, 0);
    seed_case("AS-BUYER", "PO-OK-SHIPPED", 1, (NOW + 5 * DAY) * 1000, 0);
    seed_stream("orders", 0, 0);
    seed_stream("buyer_cases", 4, 0);
    seed_stream("products", 5, 1);
}

static int setup(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    ts_fresh_db_url("actions", url, sizeof url);
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

static json_t *list(enum auth_role role, const char *state, int64_t now)
{
    struct errbuf eb = {0};
    json_t *doc = NULL;
    struct actions_filter f = {.role = role, .state = state, .limit = 500, .now = now};
    if (actions_list(db, &f, &doc, &eb) != ERR_OK)
        fail_msg("list: %s", eb.msg);
    return doc;
}

static void full(int64_t now)
{
    struct errbuf eb = {0};
    if (actions_eval_full(db, NULL, now, NULL, &eb) != ERR_OK)
        fail_msg("full: %s", eb.msg);
}

static void keys(const char *key, int64_t now)
{
    struct errbuf eb = {0};
    const char *k[] = {key};
    if (actions_eval_keys(db, CONN, ACTIONS_IN_ORDERS, k, 1, now, NULL, &eb) != ERR_OK)
        fail_msg("keys: %s", eb.msg);
}

static const json_t *find(const json_t *doc, const char *kind, const char *key)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(doc, "items"), i, it)
    {
        const json_t *o = json_object_get(it, "object");
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            strcmp(json_string_value(json_object_get(o, "key")), key) == 0)
            return it;
    }
    return NULL;
}

static int64_t count_items(void)
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(db_query(c, "SELECT COUNT(*) FROM action_items", NULL, 0, &r, &eb), ERR_OK);
    int64_t n = db_rows_int_or(r, 0, 0, -1);
    db_rows_free(r);
    db_release(c);
    return n;
}

/* Exactly the expected set, in the expected order (precision = recall = 1.0). */
static void test_expected_set_and_order(void **state)
{
    (void)state;
    full(NOW);
    json_t *doc = list(ROLE_SELLER_ADMIN, NULL, NOW);
    const json_t *items = json_object_get(doc, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        char got[200];
        snprintf(got, sizeof got, "%s:%s", json_string_value(json_object_get(it, "kind")),
                 json_string_value(json_object_get(json_object_get(it, "object"), "key")));
        if (i >= NEXPECTED)
            fail_msg("unexpected item %zu %s", i, got);
        if (strcmp(got, expected_order[i]) != 0)
            fail_msg("rank %zu: got %s, expected %s", i, got, expected_order[i]);
    }
    assert_int_equal(json_array_size(items), NEXPECTED);
    /* Every scenario's kind is present on its order; the normal ones raise nothing. */
    for (size_t i = 0; i < NSCEN; i++)
        if (scenarios[i].kind[0] != '\0')
            assert_non_null(find(doc, scenarios[i].kind, scenarios[i].o.sn));
    /* An item explains itself and carries money in minor units with its currency. */
    const json_t *b = find(doc, "ship_by_breached", "PO-BREACHED");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(b, "money_at_risk"), "text")),
        "39.98 USD");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(b, "why"), "values"), "hours_late")),
                     5);
    assert_true(json_is_true(json_object_get(json_object_get(b, "score"), "breached")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(b, "object"), "link")),
                        "/orders/PO-BREACHED?connection_id=conn-a");
    json_decref(doc);
    /* Running again (a restart) changes nothing and duplicates nothing. */
    int64_t before = count_items();
    full(NOW);
    assert_int_equal(count_items(), before);
}

/* Operators see commerce, ops integration health too, seller_admin also authorization. */
static void test_roles(void **state)
{
    (void)state;
    json_t *op = list(ROLE_OPERATOR, NULL, NOW), *ops = list(ROLE_OPS, NULL, NOW);
    json_t *adm = list(ROLE_SELLER_ADMIN, NULL, NOW);
    assert_null(find(op, "sync_failing", "buyer_cases"));
    assert_null(find(op, "token_expiring", CONN));
    assert_non_null(find(ops, "sync_failing", "buyer_cases"));
    assert_null(find(ops, "token_expiring", CONN));
    assert_non_null(find(adm, "token_expiring", CONN));
    assert_int_equal(json_array_size(json_object_get(op, "items")), NEXPECTED - 3);
    json_decref(op);
    json_decref(ops);
    json_decref(adm);
}

/* A ship-by item appears >= 24 h before the breach on the virtual clock, the breach replaces
 * it at the deadline, and shipping clears both in the next evaluation. */
static void test_ship_by_lead_and_auto_resolve(void **state)
{
    (void)state;
    struct order_spec o = {"PO-LEAD", 2,  NOW, NOW + 30 * HOUR, NOW + 10 * DAY, NULL, 0,
                           NULL,      11, 1};
    seed_order(&o);
    int64_t first_seen = 0;
    for (int64_t t = NOW; t <= NOW + 31 * HOUR; t += HOUR) {
        keys("PO-LEAD", t);
        json_t *doc = list(ROLE_OPERATOR, NULL, t);
        if (first_seen == 0 && find(doc, "ship_by_risk", "PO-LEAD") != NULL)
            first_seen = t;
        if (t >= o.ship_by) {
            assert_non_null(find(doc, "ship_by_breached", "PO-LEAD"));
            assert_null(find(doc, "ship_by_risk", "PO-LEAD"));
        }
        json_decref(doc);
    }
    assert_true(first_seen > 0);
    assert_true(o.ship_by - first_seen >= 24 * HOUR);
    /* Shipped with a parcel: the breach clears in the next evaluation. */
    o.status = 4;
    o.packages = 1;
    seed_order(&o);
    keys("PO-LEAD", NOW + 32 * HOUR);
    json_t *doc = list(ROLE_OPERATOR, "auto_resolved", NOW + 32 * HOUR);
    const json_t *it = find(doc, "ship_by_breached", "PO-LEAD");
    assert_non_null(it);
    assert_int_equal(json_integer_value(json_object_get(it, "resolved_at")), NOW + 32 * HOUR);
    json_decref(doc);
    /* The metric sees one breach that had its item 24 h before. */
    json_t *m = NULL;
    struct errbuf eb = {0};
    assert_int_equal(actions_metrics(db, NOW + 32 * HOUR, 7, &m, &eb), ERR_OK);
    assert_true(json_integer_value(json_object_get(m, "breaches_warned_24h")) >= 1);
    json_decref(m);
}

/* Snooze, assign, resolve: conditional, with history and who did it; bad input changes nothing. */
static void test_people_changes(void **state)
{
    (void)state;
    json_t *doc = list(ROLE_OPERATOR, NULL, NOW);
    const char *id =
        json_string_value(json_object_get(find(doc, "ship_by_risk", "PO-RISK-TIME"), "id"));
    char idc[64];
    snprintf(idc, sizeof idc, "%s", id);
    json_decref(doc);
    struct errbuf eb = {0};
    struct actions_change ch = {.op = ACTIONS_OP_SNOOZE,
                                .id = idc,
                                .actor = "alice",
                                .role = ROLE_OPERATOR,
                                .until = NOW - 1,
                                .now = NOW};
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_INVAL);
    ch.until = NOW + 2 * HOUR;
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_OK);
    doc = list(ROLE_OPERATOR, NULL, NOW);
    assert_null(find(doc, "ship_by_risk", "PO-RISK-TIME"));
    json_decref(doc);
    /* The snooze ends by itself. */
    doc = list(ROLE_OPERATOR, NULL, NOW + 3 * HOUR);
    assert_non_null(find(doc, "ship_by_risk", "PO-RISK-TIME"));
    json_decref(doc);
    ch.op = ACTIONS_OP_ASSIGN;
    ch.assignee = "bob";
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_OK);
    struct actions_filter mine = {
        .role = ROLE_OPERATOR, .assignee = "bob", .limit = 10, .now = NOW + 3 * HOUR};
    assert_int_equal(actions_list(db, &mine, &doc, &eb), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(doc, "total")), 1);
    json_decref(doc);
    ch.op = ACTIONS_OP_RESOLVE;
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_OK);
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_CONFLICT);
    /* A person's resolve holds while the condition holds: evaluation does not reopen it. */
    keys("PO-RISK-TIME", NOW + HOUR);
    assert_int_equal(actions_get(db, idc, ROLE_OPERATOR, &doc, &eb), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(doc, "state")), "resolved");
    const json_t *h = json_object_get(doc, "history");
    assert_int_equal(json_array_size(h), 4); /* opened, snoozed, assigned, resolved */
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 3), "actor")), "alice");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "actor")),
                        "system");
    json_decref(doc);
    /* An operator cannot touch an authorization item. */
    doc = list(ROLE_SELLER_ADMIN, NULL, NOW);
    snprintf(idc, sizeof idc, "%s",
             json_string_value(json_object_get(find(doc, "token_expiring", CONN), "id")));
    json_decref(doc);
    ch.id = idc;
    assert_int_equal(actions_apply(db, &ch, &eb), ERR_NOTFOUND);
}

/* A shop's threshold overrides the default; bad values are refused. */
static void test_settings(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_int_equal(actions_setting_set(db, CONN, "ship_by_risk", "window_s", 1, "t", NOW, &eb),
                     ERR_INVAL);
    assert_int_equal(actions_setting_set(db, CONN, "nope", "window_s", 3600, "t", NOW, &eb),
                     ERR_INVAL);
    struct order_spec o = {"PO-WINDOW", 2,  NOW, NOW + 40 * HOUR, NOW + 10 * DAY, NULL, 0,
                           NULL,        11, 1};
    seed_order(&o);
    keys("PO-WINDOW", NOW);
    json_t *doc = list(ROLE_OPERATOR, NULL, NOW);
    assert_null(find(doc, "ship_by_risk", "PO-WINDOW"));
    json_decref(doc);
    assert_int_equal(
        actions_setting_set(db, CONN, "ship_by_risk", "window_s", 48 * HOUR, "t", NOW, &eb),
        ERR_OK);
    keys("PO-WINDOW", NOW);
    doc = list(ROLE_OPERATOR, NULL, NOW);
    assert_non_null(find(doc, "ship_by_risk", "PO-WINDOW"));
    json_decref(doc);
    assert_int_equal(
        actions_setting_set(db, CONN, "ship_by_risk", "window_s", 24 * HOUR, "t", NOW, &eb),
        ERR_OK);
    keys("PO-WINDOW", NOW);
}

struct worker_arg {
    struct db *db;
    int64_t now;
    enum err e;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    struct errbuf eb = {0};
    a->e = actions_eval_full(a->db, NULL, a->now, NULL, &eb);
    return NULL;
}

/* Two "processes" (separate handles) evaluating the same objects at once: no duplicate. */
static void test_two_workers(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct db *db2 = NULL;
    assert_int_equal(db_open(url, 2, &db2, &eb), ERR_OK);
    struct order_spec o = {"PO-TWO", 2, NOW, NOW - HOUR, NOW + 10 * DAY, NULL, 0, NULL, 11, 1};
    seed_order(&o);
    int64_t before = count_items();
    struct worker_arg a = {db, NOW + 5, ERR_OK}, b = {db2, NOW + 5, ERR_OK};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, worker, &a);
    pthread_create(&tb, NULL, worker, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    /* A lost race is a database conflict of that pass, never a duplicate. */
    assert_true(a.e == ERR_OK || b.e == ERR_OK);
    assert_int_equal(count_items(), before + 1);
    db_close(db2);
}

/* A parcel as the tracking domain stores it (tracking_shipments, docs/architecture.md). */
static void seed_parcel(const char *id, const char *order_sn, int64_t shipped_at,
                        int64_t first_event_at, const char *status, int64_t updated_at)
{
    struct db_param p[] = {DB_P_TEXT(id),        DB_P_TEXT(CONN),          DB_P_TEXT(order_sn),
                           DB_P_INT(shipped_at), DB_P_INT(first_event_at), DB_P_TEXT(status),
                           DB_P_INT(updated_at)};
    exec("INSERT INTO tracking_shipments (id, connection_id, parent_order_sn, order_sn, "
         "package_sn, tracking_number, temu_carrier_id, carrier_name, carrier, lane, provider, "
         "reg_state, reg_error, status, raw_status, raw_sub_status, shipped_at, promise_at, "
         "first_event_at, last_event_at, latest_at, picked_up_at, delivered_at, registered_at, "
         "refreshed_at, next_poll_at, created_at, updated_at) VALUES ($1, $2, $3, $3, $1, "
         "'1Z' || $1, 1, 'UPS', 100002, 'express', '17track', 'registered', '', $6, '', '', $4, "
         "0, $5, $5, $5, 0, 0, $4, 0, 0, $4, $7) ON CONFLICT (id) DO UPDATE SET status = "
         "excluded.status, first_event_at = excluded.first_event_at, last_event_at = "
         "excluded.last_event_at, updated_at = excluded.updated_at",
         p, 7);
}

static void flag_set(const char *id, const char *flag, const char *reason, int64_t raised_at)
{
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(flag), DB_P_TEXT(reason), DB_P_INT(raised_at)};
    exec("INSERT INTO tracking_flags (shipment_id, flag, reason, since, raised_at) VALUES ($1, $2, "
         "$3, $4, $4)",
         p, 4);
}

static void flag_clear(const char *id, const char *flag)
{
    struct db_param p[] = {DB_P_TEXT(id), DB_P_TEXT(flag)};
    exec("DELETE FROM tracking_flags WHERE shipment_id = $1 AND flag = $2", p, 2);
}

/* The state of the item (kind, key), "" when there is none. */
static const char *item_state(const char *kind, const char *key, char out[32])
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(kind), DB_P_TEXT(key)};
    assert_int_equal(db_query(c,
                              "SELECT state FROM action_items WHERE kind = $1 AND object_key = $2",
                              p, 2, &r, &eb),
                     ERR_OK);
    snprintf(out, 32, "%s", db_rows_count(r) > 0 ? db_rows_get(r, 0, 0) : "");
    db_rows_free(r);
    db_release(c);
    return out;
}

static void eval_in(enum actions_input in, const char *key, int64_t now)
{
    struct errbuf eb = {0};
    const char *k[] = {key};
    if (actions_eval_keys(db, CONN, in, k, 1, now, NULL, &eb) != ERR_OK)
        fail_msg("eval: %s", eb.msg);
}

static void window(int64_t since, int64_t now)
{
    struct errbuf eb = {0};
    if (actions_eval_window(db, since, now, NULL, &eb) != ERR_OK)
        fail_msg("window: %s", eb.msg);
}

#define PARCEL "c0ffee00c0ffee00c0ffee00c0ffee00"

/* no_first_scan: 48 h after the upload without a carrier scan; gone at the first scan. */
static void test_no_first_scan(void **state)
{
    (void)state;
    char st[32];
    struct order_spec o = {"PO-TRK", 4, NOW - 3 * DAY, NOW - 2 * DAY, NOW + 8 * DAY, NULL, 1, NULL,
                           11,       1};
    seed_order(&o);
    seed_parcel(PARCEL, "PO-TRK", NOW - 47 * HOUR, 0, "registered", NOW - 47 * HOUR);
    eval_in(ACTIONS_IN_TRACKING, PARCEL, NOW);
    assert_string_equal(item_state("no_first_scan", PARCEL, st), "");
    /* The 48 h moment is crossed inside the worker's window pass. */
    window(NOW + 30 * 60, NOW + 90 * 60);
    assert_string_equal(item_state("no_first_scan", PARCEL, st), "open");
    json_t *doc = list(ROLE_OPERATOR, NULL, NOW + 2 * HOUR);
    const json_t *it = find(doc, "no_first_scan", PARCEL);
    assert_non_null(it);
    const json_t *v = json_object_get(json_object_get(it, "why"), "values");
    assert_string_equal(json_string_value(json_object_get(v, "tracking_number")), "1Z" PARCEL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "object"), "link")),
                        "/orders/PO-TRK?connection_id=conn-a");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(it, "money_at_risk"), "text")),
        "19.99 USD");
    json_decref(doc);
    /* The carrier's first scan: the next evaluation of active items resolves it. */
    seed_parcel(PARCEL, "PO-TRK", NOW - 47 * HOUR, NOW + 3 * HOUR, "in_transit", NOW + 3 * HOUR);
    window(NOW + 3 * HOUR, NOW + 4 * HOUR);
    assert_string_equal(item_state("no_first_scan", PARCEL, st), "auto_resolved");
}

/* tracking_stalled follows the tracking domain's stalled flag, raised and cleared. */
static void test_tracking_stalled(void **state)
{
    (void)state;
    char st[32];
    assert_string_equal(item_state("tracking_stalled", PARCEL, st), "");
    flag_set(PARCEL, "stalled", "no_scan", NOW + 5 * HOUR);
    window(NOW + 4 * HOUR, NOW + 6 * HOUR); /* flag raised within the window */
    assert_string_equal(item_state("tracking_stalled", PARCEL, st), "open");
    json_t *doc = list(ROLE_OPERATOR, NULL, NOW + 6 * HOUR);
    const json_t *v =
        json_object_get(json_object_get(find(doc, "tracking_stalled", PARCEL), "why"), "values");
    assert_string_equal(json_string_value(json_object_get(v, "reason")), "no_scan");
    json_decref(doc);
    full(NOW + 7 * HOUR); /* still flagged: still open, nothing duplicated */
    assert_string_equal(item_state("tracking_stalled", PARCEL, st), "open");
    flag_clear(PARCEL, "stalled");
    full(NOW + 8 * HOUR);
    assert_string_equal(item_state("tracking_stalled", PARCEL, st), "auto_resolved");
    /* Delivered parcels are never stalled, even with a stale flag. */
    flag_set(PARCEL, "stalled", "no_scan", NOW + 9 * HOUR);
    seed_parcel(PARCEL, "PO-TRK", NOW - 47 * HOUR, NOW + 3 * HOUR, "delivered", NOW + 9 * HOUR);
    eval_in(ACTIONS_IN_TRACKING, PARCEL, NOW + 10 * HOUR);
    assert_string_equal(item_state("tracking_stalled", PARCEL, st), "auto_resolved");
    flag_clear(PARCEL, "stalled");
}

/* tracking_exception also fires on the carrier's exception status and on lost_suspect. */
static void test_tracking_exception_carrier(void **state)
{
    (void)state;
    char st[32];
    seed_parcel(PARCEL, "PO-TRK", NOW - 47 * HOUR, NOW + 3 * HOUR, "exception", NOW + 11 * HOUR);
    eval_in(ACTIONS_IN_ORDERS, "PO-TRK", NOW + 11 * HOUR);
    assert_string_equal(item_state("tracking_exception", "PO-TRK", st), "open");
    json_t *doc = list(ROLE_OPERATOR, NULL, NOW + 11 * HOUR);
    const json_t *v = json_object_get(
        json_object_get(find(doc, "tracking_exception", "PO-TRK"), "why"), "values");
    assert_string_equal(json_string_value(json_object_get(v, "source")), "tracking");
    assert_string_equal(json_string_value(json_object_get(v, "carrier_state")), "exception");
    assert_int_equal(json_integer_value(json_object_get(v, "abnormal_packages")), 0);
    json_decref(doc);
    seed_parcel(PARCEL, "PO-TRK", NOW - 47 * HOUR, NOW + 3 * HOUR, "in_transit", NOW + 12 * HOUR);
    window(NOW + 11 * HOUR, NOW + 12 * HOUR);
    assert_string_equal(item_state("tracking_exception", "PO-TRK", st), "auto_resolved");
    /* lost_suspect, raised by the tracking refresh: found by the window pass, then cleared. */
    flag_set(PARCEL, "lost_suspect", "no_scan", NOW + 13 * HOUR);
    window(NOW + 12 * HOUR, NOW + 13 * HOUR);
    assert_string_equal(item_state("tracking_exception", "PO-TRK", st), "open");
    flag_clear(PARCEL, "lost_suspect");
    window(NOW + 13 * HOUR, NOW + 14 * HOUR);
    assert_string_equal(item_state("tracking_exception", "PO-TRK", st), "auto_resolved");
}

/* The brief is deterministic and bilingual. */
static void test_brief(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    json_t *a = NULL, *b = NULL;
    assert_int_equal(actions_brief(db, ROLE_OPERATOR, NOW, &a, &eb), ERR_OK);
    assert_int_equal(actions_brief(db, ROLE_OPERATOR, NOW, &b, &eb), ERR_OK);
    assert_true(json_equal(a, b));
    assert_non_null(strstr(json_string_value(json_object_get(a, "en")), "Top risks: 1) "));
    assert_non_null(strstr(json_string_value(json_object_get(a, "zh")), "最需要处理"));
    json_decref(a);
    json_decref(b);
}

/* An expected order of CONN delivered at delivered_at, and its layer 1 result row (seq 0) with
 * an unexplained reason row when unexplained is not 0. */
static void seed_settlement(const char *sn, int64_t amount, int64_t delivered_at,
                            const char *status, int64_t variance, int64_t unexplained)
{
    struct db_param x[] = {DB_P_TEXT(sn), DB_P_TEXT(CONN), DB_P_INT(amount), DB_P_INT(delivered_at),
                           DB_P_INT(NOW - 20 * DAY)};
    exec("INSERT INTO settlement_expected (order_sn, connection_id, amount_minor, currency, "
         "ordered_at, pickup_at, delivered_at, after_sales_open, source, updated_at) VALUES ($1, "
         "$2, $3, 'USD', $5, 0, $4, 0, 'file', $5) ON CONFLICT (order_sn) DO NOTHING",
         x, 5);
    struct db_param d[] = {DB_P_TEXT(sn)};
    exec("DELETE FROM settlement_results WHERE layer = 1 AND ref = $1", d, 1);
    struct db_param r[] = {DB_P_TEXT(sn), DB_P_TEXT(status), DB_P_INT(variance)};
    exec("INSERT INTO settlement_results (layer, ref, seq, status, rule, reason, amount_minor, "
         "currency, other_ref) VALUES (1, $1, 0, $2, 'test', '', $3, 'USD', '')",
         r, 3);
    struct db_param u[] = {DB_P_TEXT(sn), DB_P_INT(unexplained)};
    if (unexplained != 0)
        exec("INSERT INTO settlement_results (layer, ref, seq, status, rule, reason, "
             "amount_minor, currency, other_ref) VALUES (1, $1, 1, 'reason', "
             "'sale_minus_expected', 'unexplained', $2, 'USD', '')",
             u, 2);
}

static void check_settle_item(const json_t *doc, const char *kind, const char *sn, int64_t money)
{
    const json_t *it = find(doc, kind, sn);
    char link[128];
    if (it == NULL)
        fail_msg("no %s item for %s", kind, sn);
    snprintf(link, sizeof link, "/settlements/orders/%s", sn);
    assert_string_equal(json_string_value(json_object_get(it, "owner")), "payments");
    assert_string_equal(json_string_value(json_object_get(json_object_get(it, "object"), "link")),
                        link);
    const json_t *m = json_object_get(it, "money_at_risk");
    assert_int_equal(json_integer_value(json_object_get(m, "minor")), money);
    assert_string_equal(json_string_value(json_object_get(m, "currency")), "USD");
}

/* The settlement detectors read the reconciliation's results: a partial order with an
 * unexplained variance above the threshold and a missing order past its expected date fire;
 * a small variance, a matched order and an order not yet due do not; both items auto-resolve
 * once the result row clears (incrementally by key, and in the full pass). */
static void test_settlement(void **state)
{
    (void)state;
    seed_settlement("PO-SV", 20000, NOW - 5 * DAY, "partial", -900, -900);
    seed_settlement("PO-SSMALL", 20000, NOW - 5 * DAY, "partial", -150, -150); /* < 2.00 */
    seed_settlement("PO-SMISS", 7000, NOW - 3 * DAY, "missing", -7000, 0);
    seed_settlement("PO-SOK", 5000, NOW - 3 * DAY, "matched", 0, 0);
    seed_settlement("PO-SNOTDUE", 5000, NOW - 2 * HOUR, "pending", -5000, 0);
    full(NOW);
    json_t *doc = list(ROLE_VIEWER, "open", NOW);
    check_settle_item(doc, "settlement_variance", "PO-SV", 900);
    check_settle_item(doc, "settlement_overdue", "PO-SMISS", 7000);
    assert_int_equal(json_integer_value(
                         json_object_get(find(doc, "settlement_overdue", "PO-SMISS"), "deadline")),
                     NOW - 2 * DAY);
    assert_null(find(doc, "settlement_variance", "PO-SSMALL"));
    assert_null(find(doc, "settlement_variance", "PO-SOK"));
    assert_null(find(doc, "settlement_overdue", "PO-SOK"));
    assert_null(find(doc, "settlement_overdue", "PO-SNOTDUE"));
    json_decref(doc);
    /* A full pass again duplicates nothing. */
    int64_t n = count_items();
    full(NOW + HOUR);
    assert_int_equal(count_items(), n);
    /* The variance is explained: by key, the item auto-resolves. */
    seed_settlement("PO-SV", 20000, NOW - 5 * DAY, "matched", 0, 0);
    struct errbuf eb = {0};
    const char *k[] = {"PO-SV"};
    assert_int_equal(
        actions_eval_keys(db, CONN, ACTIONS_IN_SETTLEMENT, k, 1, NOW + 2 * HOUR, NULL, &eb),
        ERR_OK);
    /* The payout arrived: the full pass (its sweep) resolves the overdue item. */
    seed_settlement("PO-SMISS", 7000, NOW - 3 * DAY, "matched", 0, 0);
    full(NOW + 3 * HOUR);
    doc = list(ROLE_VIEWER, "auto_resolved", NOW + 3 * HOUR);
    const json_t *v = find(doc, "settlement_variance", "PO-SV");
    const json_t *o = find(doc, "settlement_overdue", "PO-SMISS");
    assert_non_null(v);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(v, "resolved_at")), NOW + 2 * HOUR);
    assert_int_equal(json_integer_value(json_object_get(o, "resolved_at")), NOW + 3 * HOUR);
    json_decref(doc);
    /* The row disappears altogether (a later run without the order): resolved as well. */
    seed_settlement("PO-SV2", 20000, NOW - 5 * DAY, "partial", -900, -900);
    full(NOW + 4 * HOUR);
    struct db_param d[] = {DB_P_TEXT("PO-SV2")};
    exec("DELETE FROM settlement_results WHERE ref = $1", d, 1);
    full(NOW + 5 * HOUR);
    doc = list(ROLE_VIEWER, "auto_resolved", NOW + 5 * HOUR);
    assert_non_null(find(doc, "settlement_variance", "PO-SV2"));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_set_and_order),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_ship_by_lead_and_auto_resolve),
        cmocka_unit_test(test_people_changes),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_two_workers),
        cmocka_unit_test(test_brief),
        cmocka_unit_test(test_no_first_scan),
        cmocka_unit_test(test_tracking_stalled),
        cmocka_unit_test(test_tracking_exception_carrier),
        cmocka_unit_test(test_settlement),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

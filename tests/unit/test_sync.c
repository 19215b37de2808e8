/*
 * The sync engine's building blocks on SQLite and (as test_sync_pg) PostgreSQL: the lease
 * (claim, refusal while held, expiry, takeover from a dead local process, release) and the
 * orders upsert with change detection (added, updated, unchanged, failed; no duplicates).
 */
#include "testsupport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"
#include "sync/sync.h"

static struct db *open_fresh(const char *name)
{
    char url[TS_PATH_MAX];
    struct db *db = NULL;
    struct errbuf eb = {0};
    ts_fresh_db_url(name, url, sizeof url);
    if (db_open(url, 1, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK)
        fail_msg("open: %s", eb.msg);
    return db;
}

static void test_lease(void **state)
{
    (void)state;
    struct db *db = open_fresh("sync_lease");
    struct db_conn *c = db_acquire(db);
    struct errbuf eb = {0};
    char mine[SYNC_HOLDER_MAX], dead[SYNC_HOLDER_MAX];
    bool got = false;
    sync_holder_id(mine, sizeof mine);
    assert_int_equal(sync_lease_claim(c, "c1", "orders", "other:1:x", 1000, 60, &got, &eb), ERR_OK);
    assert_true(got);
    /* Held by someone else (another host), unexpired: refused. */
    assert_int_equal(sync_lease_claim(c, "c1", "orders", mine, 1030, 60, &got, &eb), ERR_OK);
    assert_false(got);
    /* Another stream is independent. */
    assert_int_equal(sync_lease_claim(c, "c1", "products", mine, 1030, 60, &got, &eb), ERR_OK);
    assert_true(got);
    /* Expired: taken over. */
    assert_int_equal(sync_lease_claim(c, "c1", "orders", mine, 1061, 60, &got, &eb), ERR_OK);
    assert_true(got);
    /* The holder may claim again (renew). */
    assert_int_equal(sync_lease_claim(c, "c1", "orders", mine, 1062, 60, &got, &eb), ERR_OK);
    assert_true(got);
    assert_int_equal(sync_lease_release(c, "c1", "orders", mine, &eb), ERR_OK);
    /* A holder of this host whose process is gone is taken over before expiry. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    assert_true(pid > 0);
    waitpid(pid, NULL, 0);
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(dead, sizeof dead, "%s:%ld:0000abcd", host, (long)pid);
    assert_int_equal(sync_lease_claim(c, "c2", "orders", dead, 2000, 60, &got, &eb), ERR_OK);
    assert_true(got);
    assert_int_equal(sync_lease_claim(c, "c2", "orders", mine, 2001, 60, &got, &eb), ERR_OK);
    assert_true(got);
    db_release(c);
    db_close(db);
}

static json_t *order(const char *sn, int status, int64_t updated, int children)
{
    json_t *list = json_array();
    for (int k = 0; k < children; k++) {
        char osn[64];
        snprintf(osn, sizeof osn, "%s-%d", sn + 3, k);
        json_array_append_new(list,
                              json_pack("{s:s, s:i, s:I, s:I, s:i, s:s}", "orderSn", osn,
                                        "orderStatus", status, "goodsId", (json_int_t)7, "skuId",
                                        (json_int_t)8, "quantity", 1, "goodsName", "Blue Mug"));
    }
    return json_pack("{s:{s:s, s:i, s:I, s:I, s:I, s:[{s:s, s:b}], s:i}, s:o}", "parentOrderMap",
                     "parentOrderSn", sn, "parentOrderStatus", status, "parentOrderTime",
                     (json_int_t)100, "updateTime", (json_int_t)updated, "expectShipLatestTime",
                     (json_int_t)500, "parentOrderLabel", "name", "past_due", "value", 1,
                     "regionId", 211, "orderList", list);
}

static int64_t count(struct db_conn *c, const char *sql)
{
    struct db_rows *rows = NULL;
    struct errbuf eb = {0};
    int64_t n = -1;
    assert_int_equal(db_query(c, sql, NULL, 0, &rows, &eb), ERR_OK);
    assert_int_equal(db_rows_int(rows, 0, 0, &n), ERR_OK);
    db_rows_free(rows);
    return n;
}

static void store(struct db_conn *c, json_t *items, struct sync_counts *n)
{
    struct errbuf eb = {0};
    memset(n, 0, sizeof *n);
    assert_int_equal(db_begin(c, &eb), ERR_OK);
    assert_int_equal(sync_orders_store_page(c, "conn", items, 42, n, &eb), ERR_OK);
    assert_int_equal(db_commit(c, &eb), ERR_OK);
    json_decref(items);
}

static void test_orders_change_detection(void **state)
{
    (void)state;
    struct db *db = open_fresh("sync_orders");
    struct db_conn *c = db_acquire(db);
    struct sync_counts n;
    store(c, json_pack("[o, o, {}]", order("PO-211-1", 1, 100, 2), order("PO-211-2", 2, 100, 1)),
          &n);
    assert_int_equal(n.added, 2);
    assert_int_equal(n.failed, 1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_orders"), 2);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_items"), 3);
    /* The same page again: nothing changes. */
    store(c, json_pack("[o, o]", order("PO-211-1", 1, 100, 2), order("PO-211-2", 2, 100, 1)), &n);
    assert_int_equal(n.added, 0);
    assert_int_equal(n.updated, 0);
    assert_int_equal(n.unchanged, 2);
    /* A status change updates the parent and its children, without duplicates. */
    store(c, json_pack("[o]", order("PO-211-1", 4, 200, 2)), &n);
    assert_int_equal(n.updated, 1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_orders"), 2);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_items"), 3);
    assert_int_equal(count(c, "SELECT status FROM temu_orders WHERE parent_order_sn = 'PO-211-1'"),
                     4);
    assert_int_equal(count(c, "SELECT MIN(status) FROM temu_order_items WHERE parent_order_sn = "
                              "'PO-211-1'"),
                     4);
    assert_int_equal(count(c, "SELECT ship_by FROM temu_orders WHERE parent_order_sn = 'PO-211-1'"),
                     500);
    /* History: one row per stored order, one more for the new status, none for the repeat. */
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_status_history"), 3);
    /* A change without a new status: updated, no history row, the dropped child removed; the
     * child's own columns come from its JSON, which is stored once, in the parent's data. */
    store(c, json_pack("[o]", order("PO-211-1", 4, 300, 1)), &n);
    assert_int_equal(n.updated, 1);
    assert_int_equal(n.added + n.unchanged, 0);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_status_history"), 3);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_items WHERE parent_order_sn = "
                              "'PO-211-1'"),
                     1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_items WHERE goods_name = "
                              "'Blue Mug'"),
                     2);
    struct db_rows *rows = NULL;
    assert_int_equal(db_query(c, "SELECT data FROM temu_orders WHERE parent_order_sn = 'PO-211-1'",
                              NULL, 0, &rows, NULL),
                     ERR_OK);
    json_t *doc = sync_order_doc_load(db_rows_get(rows, 0, 0));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(doc, "orderList"), 0), "goodsName")),
                        "Blue Mug");
    json_decref(doc);
    db_rows_free(rows);
    /* A status change after it: a history row again (the upsert saw the status before). */
    store(c, json_pack("[o, o]", order("PO-211-1", 5, 400, 1), order("PO-211-2", 2, 100, 1)), &n);
    assert_int_equal(n.updated, 1);
    assert_int_equal(n.unchanged, 1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_order_status_history"), 4);
    db_release(c);
    db_close(db);
}

/* A parent after-sales item as the official list gives it (times as given: s or ms). */
static json_t *aftersale(const char *sn, int status, int64_t created, int64_t updated)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:[], s:i, s:I, s:I}", "parentAfterSalesSn",
                     sn, "parentOrderSn", "PO-211-77", "afterSalesType", 1, "afterSalesStatusGroup",
                     status == 5 ? 2 : 1, "parentAfterSalesStatus", status, "operateExpireTimeMs",
                     (json_int_t)0, "availableOperateList", "returnDeliveryType", 0, "createAt",
                     (json_int_t)created, "updateAt", (json_int_t)updated);
}

static void store_cases(struct db_conn *c, json_t *items, json_t *details, struct sync_counts *n)
{
    struct errbuf eb = {0};
    memset(n, 0, sizeof *n);
    assert_int_equal(db_begin(c, &eb), ERR_OK);
    assert_int_equal(sync_cases_store_page(c, "conn", items, details, 42, n, &eb), ERR_OK);
    assert_int_equal(db_commit(c, &eb), ERR_OK);
    json_decref(items);
    json_decref(details);
}

/*
 * Buyer cases: the status is parentAfterSalesStatus (before the fix the stream read
 * afterSalesStatus, absent on the real list, so every case had status 0), times given in
 * milliseconds are stored in seconds, the detail's reason, refund summary and the buyer's
 * comment are stored, an unchanged case with a detail is still written (counted unchanged),
 * a failed detail is noted; cancellations are stored by parentAfterSalesSn.
 */
static void test_cases_store(void **state)
{
    (void)state;
    struct db *db = open_fresh("sync_cases");
    struct db_conn *c = db_acquire(db);
    struct sync_counts n;
    store_cases(c,
                json_pack("[o, o, {}]", aftersale("AS-1", 10, 1764691200, 1764777600),
                          aftersale("AS-2", 5, 1764691200000LL, 1764777600123LL)),
                NULL, &n);
    assert_int_equal(n.added, 2);
    assert_int_equal(n.failed, 1);
    assert_int_equal(count(c, "SELECT status FROM temu_aftersales WHERE parent_after_sales_sn = "
                              "'AS-1'"),
                     10);
    assert_int_equal(count(c, "SELECT status FROM temu_aftersales WHERE parent_after_sales_sn = "
                              "'AS-2'"),
                     5);
    assert_int_equal(count(c, "SELECT update_at FROM temu_aftersales WHERE parent_after_sales_sn "
                              "= 'AS-2'"),
                     1764777600);
    assert_int_equal(count(c, "SELECT detail_update_at FROM temu_aftersales WHERE "
                              "parent_after_sales_sn = 'AS-1'"),
                     -1);
    /* The same page with AS-1's detail and a failed detail of AS-2. */
    json_t *details =
        json_pack("{s:{s:{s:{s:{s:I, s:s}}, s:[{s:I, s:s, s:s}]}}, s:{s:s}}", "AS-1", "detail",
                  "refundSummary", "buyerTotalRefund", "amount", (json_int_t)1299, "currency",
                  "EUR", "afterSalesList", "afterSalesReasonCode", (json_int_t)103,
                  "afterSalesReasonDesc", "Not as described", "buyerComment",
                  "Molto più piccolo che nelle foto.", "AS-2", "error", "3000027 no permission");
    store_cases(c,
                json_pack("[o, o]", aftersale("AS-1", 10, 1764691200, 1764777600),
                          aftersale("AS-2", 5, 1764691200000LL, 1764777600123LL)),
                details, &n);
    assert_int_equal(n.unchanged, 2);
    assert_int_equal(n.added + n.updated, 0);
    assert_int_equal(count(c, "SELECT reason_code FROM temu_aftersales WHERE "
                              "parent_after_sales_sn = 'AS-1'"),
                     103);
    assert_int_equal(count(c, "SELECT detail_update_at FROM temu_aftersales WHERE "
                              "parent_after_sales_sn = 'AS-1'"),
                     1764777600);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_aftersales WHERE buyer_comment = "
                              "'Molto più piccolo che nelle foto.' AND refund_summary LIKE "
                              "'%1299%' AND reason_desc = 'Not as described'"),
                     1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM temu_aftersales WHERE detail_error LIKE "
                              "'3000027%' AND parent_after_sales_sn = 'AS-2'"),
                     1);
    /* A status change is an update. */
    store_cases(c, json_pack("[o]", aftersale("AS-1", 8, 1764691200, 1764780000)), NULL, &n);
    assert_int_equal(n.updated, 1);
    assert_int_equal(count(c, "SELECT status FROM temu_aftersales WHERE parent_after_sales_sn = "
                              "'AS-1'"),
                     8);
    /* Cancellations. */
    struct errbuf eb = {0};
    json_t *cancels =
        json_pack("[{s:s, s:i, s:[{s:s, s:s, s:I}]}, {}]", "parentAfterSalesSn", "AS-C1",
                  "parentAfterSalesStatus", 5, "afterSalesInfoList", "parentOrderSn", "PO-211-78",
                  "orderSn", "211-78-1", "createAtMillis", (json_int_t)1764691200456LL);
    memset(&n, 0, sizeof n);
    assert_int_equal(db_begin(c, &eb), ERR_OK);
    assert_int_equal(sync_cancels_store_page(c, "conn", cancels, 42, &n, &eb), ERR_OK);
    assert_int_equal(sync_cancels_store_page(c, "conn", cancels, 43, &n, &eb), ERR_OK);
    assert_int_equal(db_commit(c, &eb), ERR_OK);
    json_decref(cancels);
    assert_int_equal(n.added, 1);
    assert_int_equal(n.unchanged, 1);
    assert_int_equal(n.failed, 2);
    assert_int_equal(count(c, "SELECT create_at FROM temu_cancellations WHERE parent_order_sn = "
                              "'PO-211-78'"),
                     1764691200);
    /* The console's view carries the detail and the cancellation. */
    json_t *doc = NULL;
    struct sync_cases_filter f = {.connection_id = "conn"};
    db_release(c);
    assert_int_equal(sync_cases_list(db, &f, &doc, &eb), ERR_OK);
    size_t i, cancellations = 0;
    json_t *row;
    json_array_foreach(json_object_get(doc, "cases"), i, row)
    {
        const char *kind = json_string_value(json_object_get(row, "kind"));
        cancellations += strcmp(kind, "cancellation") == 0;
        if (strcmp(json_string_value(json_object_get(row, "id")), "AS-1") == 0)
            assert_string_equal(
                json_string_value(json_object_get(json_object_get(row, "detail"), "buyer_comment")),
                "Molto più piccolo che nelle foto.");
    }
    assert_int_equal(cancellations, 1);
    json_decref(doc);
    db_close(db);
}

static void test_stream_names(void **state)
{
    (void)state;
    enum sync_stream s;
    assert_true(sync_stream_parse("orders", &s));
    assert_int_equal(s, SYNC_STREAM_ORDERS);
    assert_false(sync_stream_parse("chats", &s));
    assert_false(sync_stream_parse(NULL, &s));
    assert_string_equal(sync_stream_name(SYNC_STREAM_ORDERS), "orders");
}

/* The stored order document: packed and unpacked to the same bytes, plain JSON read as it is,
 * damaged or foreign text refused. */
static void test_order_doc(void **state)
{
    (void)state;
    json_t *items = json_array();
    for (int i = 0; i < 40; i++) /* a large order: more than the 4 KiB window */
        json_array_append_new(items, order("PO-211-9", i % 5, 1000 + i, 3));
    char *json = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(items);
    size_t n = strlen(json), len = 0;
    char *packed = sync_order_doc_pack(json, n);
    assert_non_null(packed);
    assert_true(strncmp(packed, "z1:", 3) == 0);
    assert_true(strlen(packed) * 4 < n);
    char *back = sync_order_doc_text(packed, &len);
    assert_non_null(back);
    assert_int_equal(len, n);
    assert_memory_equal(back, json, n);
    free(back);
    /* Plain JSON (rows written before migration 26) is read as it is. */
    json_t *plain = sync_order_doc_load("{\"parentOrderMap\":{\"regionId\":211}}");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(plain, "parentOrderMap"), "regionId")),
        211);
    json_decref(plain);
    /* Truncated, corrupted or not base64: refused, never a partial document. */
    packed[strlen(packed) / 2] = '\0';
    assert_null(sync_order_doc_text(packed, &len));
    assert_null(sync_order_doc_load("z1:AAAA"));
    assert_null(sync_order_doc_load("z1:not base64!"));
    assert_null(sync_order_doc_load("z1:"));
    assert_null(sync_order_doc_load(NULL));
    free(packed);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lease),        cmocka_unit_test(test_orders_change_detection),
        cmocka_unit_test(test_order_doc),    cmocka_unit_test(test_cases_store),
        cmocka_unit_test(test_stream_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

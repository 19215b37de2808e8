/*
 * Unit tests for temu/api: each typed wrapper sends the documented parameter names (and
 * leaves out unset ones), refuses out-of-bounds requests before sending, and parses the
 * documented result fields. The transport is scripted: it records the request and answers
 * a canned envelope.
 *
 * Fixtures (tests/fixtures/temu, values of our own): order_list.json has every field name and
 * JSON type of the real recorded bg.order.list.v2.get answer (XIE7654/temu_api
 * tests/order_list.json); the others have the shapes of the official pages and live-used SDKs
 * (docs/sandbox.md). Each goes through its wrapper, the order list on into the orders store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "store/migrate.h"
#include "sync/shipments.h"
#include "sync/sync.h"
#include "temu/api.h"
#include "testsupport.h"

struct fake {
    const char *answer; /* the envelope to return */
    json_t *last;       /* the last request body, parsed */
    int calls;
    enum err fail; /* transport failure to report instead */
};

static enum err fake_transport(void *ctx, const char *url, const char *body, size_t len,
                               long connect_timeout_ms, long timeout_ms,
                               struct temu_http_answer *ans, struct errbuf *eb)
{
    struct fake *f = ctx;
    (void)url;
    (void)connect_timeout_ms;
    (void)timeout_ms;
    json_decref(f->last);
    f->last = json_loadb(body, len, 0, NULL);
    assert_non_null(f->last);
    f->calls++;
    ans->sent = true;
    if (f->fail != ERR_OK)
        return err_set(eb, f->fail, NULL, "scripted");
    ans->status = 200;
    return buf_puts(&ans->body, f->answer);
}

static void no_sleep(void *ctx, uint64_t ms)
{
    (void)ctx;
    (void)ms;
}

static struct temu_client *client(struct fake *f)
{
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = "https://gw.test/openapi/router";
    o.app_key = "KEY";
    o.app_secret = "SECRET";
    o.access_token = "TOKEN";
    o.transport = fake_transport;
    o.transport_ctx = f;
    o.sleep = no_sleep;
    struct temu_client *c = NULL;
    assert_int_equal(temu_client_new(&o, &c, NULL), ERR_OK);
    return c;
}

static const char *str(const json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

static json_int_t num(const json_t *body, const char *key)
{
    return json_integer_value(json_object_get(body, key));
}

static void test_accesstoken_create(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"accessToken\":\"tok-new\",\"expiredTime\":"
                     "1765634102,\"mallId\":634418212345,\"regionId\":211,\"mallType\":1,"
                     "\"apiScopeList\":[\"bg.order.list.v2.get\"]}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_token_info t;
    struct temu_error te;
    assert_int_equal(temu_api_accesstoken_create(c, "CODE123", &t, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.open.accesstoken.create");
    assert_string_equal(str(f.last, "access_token"), "CODE123"); /* §3.2 */
    assert_string_equal(str(f.last, "code"), "CODE123");
    assert_string_equal(t.access_token, "tok-new");
    assert_int_equal(t.expired_time, 1765634102);
    assert_int_equal(t.mall_id, 634418212345);
    assert_int_equal(t.region_id, 211);
    assert_int_equal(t.mall_type, 1);
    assert_int_equal(json_array_size(t.api_scope_list), 1);
    temu_token_info_clear(&t);
    assert_null(t.result);
    assert_string_equal(t.access_token, "");
    /* The code is single-use: a lost answer is not retried. */
    f.fail = ERR_UPSTREAM;
    f.calls = 0;
    assert_int_equal(temu_api_accesstoken_create(c, "CODE123", &t, &te), ERR_UPSTREAM);
    assert_int_equal(f.calls, 1);
    assert_int_equal(temu_api_accesstoken_create(c, "", &t, &te), ERR_INVAL);
    assert_int_equal(te.source, TEMU_SOURCE_LOCAL);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_accesstoken_info(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"expiredTime\":\"1765634102\",\"mallId\":7}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_token_info t;
    assert_int_equal(temu_api_accesstoken_info(c, &t, NULL), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.open.accesstoken.info.get");
    assert_string_equal(str(f.last, "access_token"), "TOKEN");
    assert_int_equal(t.expired_time, 1765634102);
    assert_int_equal(t.mall_id, 7);
    assert_string_equal(t.access_token, "");
    assert_null(t.api_scope_list);
    temu_token_info_clear(&t);
    temu_token_info_clear(NULL);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_order_list(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"totalItemNum\":250,\"pageItems\":[{},{}]}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    const char *sns[] = {"PO-211-1", "PO-211-2"};
    struct temu_order_list_req req = {0};
    req.page_number = 3;
    req.page_size = 100;
    req.parent_order_sns = sns;
    req.parent_order_sn_count = 2;
    req.update_at_start = 1700000000;
    req.update_at_end = 1700003600;
    req.sortby = "updateTime";
    struct temu_page p;
    struct temu_error te;
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.order.list.v2.get");
    assert_int_equal(num(f.last, "pageNumber"), 3);
    assert_int_equal(num(f.last, "pageSize"), 100);
    assert_int_equal(num(f.last, "updateAtStart"), 1700000000);
    assert_int_equal(num(f.last, "updateAtEnd"), 1700003600);
    assert_string_equal(str(f.last, "sortby"), "updateTime");
    assert_int_equal(json_array_size(json_object_get(f.last, "parentOrderSnList")), 2);
    assert_null(json_object_get(f.last, "createAfter"));
    assert_null(json_object_get(f.last, "parentOrderStatus"));
    assert_null(json_object_get(f.last, "pageNo")); /* orders use pageNumber */
    assert_int_equal(p.total, 250);
    assert_int_equal(p.count, 2);
    temu_page_clear(&p);
    /* Bounds are checked before anything is sent. */
    f.calls = 0;
    req.page_size = 101;
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_INVAL);
    req.page_size = 10;
    req.update_at_end = 0;
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_INVAL);
    req.update_at_end = 1700003600;
    req.parent_order_sn_count = 21;
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_INVAL);
    req.parent_order_sn_count = 2;
    req.sortby = "price";
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_INVAL);
    assert_int_equal(f.calls, 0);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_order_single(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"parentOrderMap\":{\"parentOrderSn\":"
                     "\"PO-211-1\"},\"orderList\":[{\"orderSn\":\"211-1\"}]}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_order o;
    struct temu_error te;
    assert_int_equal(temu_api_order_detail(c, "PO-211-1", &o, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.order.detail.v2.get");
    assert_string_equal(str(f.last, "parentOrderSn"), "PO-211-1");
    assert_string_equal(str(o.parent_order, "parentOrderSn"), "PO-211-1");
    assert_int_equal(json_array_size(o.order_list), 1);
    temu_order_clear(&o);
    assert_int_equal(temu_api_order_shippinginfo(c, "PO-211-1", &o, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.order.shippinginfo.v2.get");
    assert_null(json_object_get(f.last, "parentOrderSnList")); /* singular (§11.11) */
    temu_order_clear(&o);
    assert_int_equal(temu_api_order_amount(c, "PO-211-1", &o, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.order.amount.query");
    temu_order_clear(&o);
    struct temu_shipments sh;
    assert_int_equal(temu_api_shipment_get(c, "PO-211-1", "211-1", &sh, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.logistics.shipment.v2.get");
    assert_string_equal(str(f.last, "orderSn"), "211-1");
    temu_shipments_clear(&sh);
    /* both numbers are required (the official page) */
    assert_int_equal(temu_api_shipment_get(c, "PO-211-1", NULL, &sh, &te), ERR_INVAL);
    assert_int_equal(temu_api_order_detail(c, NULL, &o, &te), ERR_INVAL);
    assert_int_equal(temu_api_order_detail(c, "", &o, &te), ERR_INVAL);
    temu_order_clear(NULL);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_goods_list(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"total\":\"41\",\"pageNo\":1,\"goodsList\":"
                     "[{\"goodsId\":1}]}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_goods_list_req req = {0};
    req.page_no = 1;
    req.page_size = 100;
    req.goods_search_type = 1;
    req.crt_from_ms = 1700000000000;
    req.crt_to_ms = 1700000001000;
    struct temu_page p;
    assert_int_equal(temu_api_goods_list(c, &req, &p, NULL), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.local.goods.list.query");
    assert_int_equal(num(f.last, "pageNo"), 1);
    assert_true(json_is_integer(json_object_get(f.last, "goodsSearchType"))); /* §11.2 */
    assert_int_equal(num(f.last, "crtFrom"), 1700000000000);
    assert_null(json_object_get(f.last, "pageNumber"));
    assert_int_equal(p.total, 41);
    assert_int_equal(p.count, 1);
    temu_page_clear(&p);
    req.goods_search_type = 0;
    assert_int_equal(temu_api_goods_list(c, &req, &p, NULL), ERR_INVAL);
    req.goods_search_type = 4;
    req.page_size = 200;
    assert_int_equal(temu_api_goods_list(c, &req, &p, NULL), ERR_INVAL);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_aftersales_and_logistics(void **state)
{
    (void)state;
    struct fake f = {"{\"success\":true,\"result\":{\"totalItemNum\":3,\"parentAfterSalesList\":"
                     "[{},{},{}]}}",
                     NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_aftersales_list_req req = {0};
    req.page_no = 1;
    req.page_size = 200;
    struct temu_page p;
    assert_int_equal(temu_api_aftersales_list(c, &req, &p, NULL), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.aftersales.parentaftersales.list.get");
    assert_int_equal(num(f.last, "pageSize"), 200);
    assert_int_equal(p.total, 3);
    assert_int_equal(p.count, 3);
    temu_page_clear(&p);
    req.page_size = 201;
    assert_int_equal(temu_api_aftersales_list(c, &req, &p, NULL), ERR_INVAL);
    /* An undocumented shape: no list, no total. */
    f.answer = "{\"success\":true,\"result\":{}}";
    req.page_size = 10;
    assert_int_equal(temu_api_aftersales_list(c, &req, &p, NULL), ERR_OK);
    assert_int_equal(p.total, -1);
    assert_int_equal(p.count, 0);
    assert_null(p.items);
    temu_page_clear(&p);
    /* Logistics companies: the result is an array. */
    f.answer = "{\"success\":true,\"result\":[{\"logisticsServiceProviderId\":1},"
               "{\"logisticsServiceProviderId\":2}]}";
    assert_int_equal(temu_api_logistics_companies(c, 20, &p, NULL), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.logistics.companies.get");
    assert_int_equal(num(f.last, "regionId"), 20);
    assert_int_equal(p.count, 2);
    assert_int_equal(p.total, 2);
    temu_page_clear(&p);
    /* A gateway error reaches the caller classified. */
    f.answer = "{\"success\":false,\"errorCode\":3000032,\"errorMsg\":\"no access\"}";
    struct temu_error te;
    assert_int_equal(temu_api_logistics_companies(c, 20, &p, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_AUTH);
    assert_null(p.result);
    json_decref(f.last);
    temu_client_free(c);
}

/* ---- fixtures with the real shapes ---- */

static char *fixture(const char *name)
{
    char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
    char *text = ts_read_file(path);
    if (text == NULL)
        fail_msg("fixture %s is missing", path);
    return text;
}

/* Stores the fixture's page with the orders stream and returns the number of stored rows. */
static int64_t store_page(const json_t *items, const char *sql)
{
    char url[TS_PATH_MAX];
    struct db *db = NULL;
    struct errbuf eb = {0};
    struct sync_counts counts;
    struct db_rows *rows = NULL;
    int applied = 0;
    int64_t n = -1;
    memset(&counts, 0, sizeof counts);
    ts_fresh_db_url("temu_shapes", url, sizeof url);
    assert_int_equal(db_open(url, 1, &db, &eb), ERR_OK);
    assert_int_equal(migrate_apply(db, &applied, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_begin(c, &eb), ERR_OK);
    assert_int_equal(sync_orders_store_page(c, "conn1", items, 1764100000, &counts, &eb), ERR_OK);
    assert_int_equal(db_commit(c, &eb), ERR_OK);
    assert_int_equal(counts.added, 3);
    assert_int_equal(counts.failed, 0);
    assert_int_equal(db_query(c, sql, NULL, 0, &rows, &eb), ERR_OK);
    assert_int_equal(db_rows_int(rows, 0, 0, &n), ERR_OK);
    db_rows_free(rows);
    db_release(c);
    db_close(db);
    return n;
}

static void test_fixture_order_list(void **state)
{
    (void)state;
    char *text = fixture("order_list.json");
    struct fake f = {text, NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_order_list_req req;
    memset(&req, 0, sizeof req);
    struct temu_page p;
    struct temu_error te;
    assert_int_equal(temu_api_order_list(c, &req, &p, &te), ERR_OK);
    assert_int_equal(p.total, 3);
    assert_int_equal(p.count, 3);
    /* The parts the sync reads, typed as the real answer types them. */
    const json_t *second = json_object_get(json_array_get(p.items, 1), "parentOrderMap");
    assert_true(json_is_null(json_object_get(second, "parentShippingTime")));
    assert_true(json_is_boolean(json_object_get(second, "hasShippingFee")));
    /* On into the store: all three, the 51 with its single child, the past_due label kept. */
    assert_int_equal(store_page(p.items, "SELECT COUNT(*) FROM temu_orders"), 3);
    assert_int_equal(store_page(p.items, "SELECT COUNT(*) FROM temu_order_items WHERE "
                                         "parent_order_sn = 'PO-211-10000000000000003'"),
                     1);
    assert_int_equal(store_page(p.items, "SELECT COUNT(*) FROM temu_orders WHERE labels LIKE "
                                         "'%past_due%' AND status = 2"),
                     1);
    temu_page_clear(&p);
    json_decref(f.last);
    temu_client_free(c);
    free(text);
}

static void test_fixture_shipments(void **state)
{
    (void)state;
    char *text = fixture("shipment_get.json");
    struct fake f = {text, NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_shipments sh;
    struct temu_error te;
    assert_int_equal(temu_api_shipment_get(c, "PO-211-1", "211-1", &sh, &te), ERR_OK);
    assert_int_equal(sh.count, 2);
    assert_int_equal(sh.items[0].carrier_id, 699272600);
    assert_string_equal(sh.items[0].carrier_name, "USPS");
    assert_string_equal(sh.items[0].tracking_number, "9400100000000000000001");
    assert_int_equal(sh.items[0].sku_id, 17000000000001LL);
    assert_int_equal(sh.items[0].package_delivery_type, 1);
    assert_null(sh.items[0].cooperative_warehouse);
    assert_int_equal(sh.items[1].tracking_warning_label, 2);
    assert_int_equal(sh.items[1].quantity, 3);
    assert_non_null(sh.items[1].cooperative_warehouse);
    assert_int_equal(json_array_size(sh.items[1].sub_packages), 1);
    temu_shipments_clear(&sh);
    free(text);
    /* confirm: the request carries sendType and the parcel; the inner warnings come back */
    text = fixture("shipment_confirm.json");
    f.answer = text;
    struct temu_send_line line = {"PO-211-1", "211-1", 601, 17, 2};
    struct temu_send_request r = {699272601, "1Z0000000000000001", &line, 1};
    struct temu_shipment_confirm_req cr = {0, &r, 1};
    struct temu_shipment_confirm out;
    assert_int_equal(temu_api_shipment_confirm(c, &cr, &out, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.logistics.shipment.v2.confirm");
    assert_int_equal(num(f.last, "sendType"), 0);
    const json_t *sent = json_array_get(json_object_get(f.last, "sendRequestList"), 0);
    assert_int_equal(num(sent, "carrierId"), 699272601);
    const json_t *sl = json_array_get(json_object_get(sent, "orderSendInfoList"), 0);
    assert_int_equal(num(sl, "skuId"), 17);
    assert_int_equal(out.warning_count, 1);
    assert_true(strlen(out.agreement_text) > 10);
    temu_shipment_confirm_clear(&out);
    /* refused before sending: two parcels for sendType 0, a tracking number with a space */
    int calls = f.calls;
    struct temu_send_request two[2] = {r, r};
    cr = (struct temu_shipment_confirm_req){0, two, 2};
    assert_int_equal(temu_api_shipment_confirm(c, &cr, &out, &te), ERR_INVAL);
    r.tracking_number = "1Z 00";
    cr = (struct temu_shipment_confirm_req){1, &r, 1};
    assert_int_equal(temu_api_shipment_confirm(c, &cr, &out, &te), ERR_INVAL);
    assert_int_equal(f.calls, calls);
    json_decref(f.last);
    temu_client_free(c);
    free(text);
}

static void test_fixture_tracking_and_money(void **state)
{
    (void)state;
    char *text = fixture("tracking.json");
    struct fake f = {text, NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_tracking t;
    struct temu_error te;
    assert_int_equal(temu_api_tracking_get(c, "PK-1", NULL, &t, &te), ERR_OK);
    assert_string_equal(str(f.last, "packageSn"), "PK-1");
    assert_null(json_object_get(f.last, "language"));
    assert_int_equal(t.count, 2);
    assert_string_equal(t.tracking_num, "9400100000000000000001");
    assert_int_equal(t.events[0].updated_at, 1764064800); /* sent as a string */
    assert_string_equal(t.events[1].status, "Info received");
    temu_tracking_clear(&t);
    free(text);
    /* the tracking error family is classified */
    f.answer = "{\"success\":false,\"errorCode\":170070011,\"errorMsg\":\"not found\"}";
    assert_int_equal(temu_api_tracking_get(c, "PK-1", "en", &t, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_non_null(strstr(te.hint, "tracking"));
    assert_string_equal(temu_error_hint(170070099),
                        "Temu's tracking service rejected the request.");
    /* amounts: the documented names, no shippingTotal */
    const char *names[] = {"amount.json", "amount_v2.json"};
    for (size_t i = 0; i < 2; i++) {
        text = fixture(names[i]);
        f.answer = text;
        struct temu_order o;
        assert_int_equal(i == 0 ? temu_api_order_amount(c, "PO-211-1", &o, &te)
                                : temu_api_order_amount_v2(c, "PO-211-1", &o, &te),
                         ERR_OK);
        int64_t minor = 0;
        char cur[8];
        const json_t *paid =
            i == 0 ? o.parent_order : json_object_get(o.parent_order, "customerPaid");
        assert_true(
            temu_money_get(paid, i == 0 ? "customerPaid" : "customerPaidTotal", &minor, cur));
        assert_int_equal(minor, 2698);
        assert_string_equal(cur, "USD");
        assert_false(temu_money_get(o.parent_order, "shippingTotal", &minor, cur));
        assert_string_equal(str(f.last, "type"),
                            i == 0 ? "bg.order.amount.query" : "temu.order.amount.v2.query");
        temu_order_clear(&o);
        free(text);
    }
    json_decref(f.last);
    temu_client_free(c);
}

/*
 * Fixtures in the official shapes of the after-sales pages (temu-fidelity-2026-12.md §4.2,
 * §8.2: every field name and JSON type as the pages give them, values of our own).
 */
static const char aftersales_list_fixture[] =
    "{\"success\":true,\"errorCode\":1000000,\"errorMsg\":\"\",\"requestId\":\"us-1\","
    "\"result\":{\"total\":2,\"pageNumber\":1,\"data\":["
    "{\"parentAfterSalesSn\":\"PO-211-01-D01\",\"parentOrderSn\":\"PO-211-01\","
    "\"afterSalesType\":2,\"afterSalesStatusGroup\":1,\"parentAfterSalesStatus\":10,"
    "\"operateExpireTimeMs\":1764950400000,\"availableOperateList\":[10],"
    "\"returnDeliveryType\":1,\"createAt\":1764691200,\"updateAt\":1764777600},"
    "{\"parentAfterSalesSn\":\"PO-211-02-D02\",\"parentOrderSn\":\"PO-211-02\","
    "\"afterSalesType\":1,\"afterSalesStatusGroup\":2,\"parentAfterSalesStatus\":5,"
    "\"operateExpireTimeMs\":0,\"availableOperateList\":[],\"returnDeliveryType\":0,"
    "\"createAt\":1764604800,\"updateAt\":1764691200}]}}";

static const char aftersales_detail_fixture[] =
    "{\"success\":true,\"errorCode\":1000000,\"requestId\":\"us-2\",\"result\":{"
    "\"parentAfterSalesSn\":\"PO-211-01-D01\",\"parentOrderSn\":\"PO-211-01\","
    "\"parentAfterSalesStatus\":10,\"afterSalesType\":2,\"availableOperateList\":[10],"
    "\"createAtMillis\":1764691200000,\"lastUpdateAtMillis\":1764777600123,"
    "\"refundSummary\":{\"buyerTotalRefund\":{\"amount\":1299,\"currency\":\"EUR\"},"
    "\"taxTotalRefund\":{\"amount\":217,\"currency\":\"EUR\"},"
    "\"retailPriceRefundTaxExcl\":{\"amount\":1082,\"currency\":\"EUR\"},"
    "\"shippingAmountRefundTaxExcl\":{\"amount\":0,\"currency\":\"EUR\"},"
    "\"discountFromSellerRefund\":{\"amount\":0,\"currency\":\"EUR\"},"
    "\"discountFromTEMURefund\":{\"amount\":0,\"currency\":\"EUR\"}},"
    "\"afterSalesList\":[{\"afterSalesSn\":\"PO-211-01-D01-1\",\"orderSn\":\"211-01-1\","
    "\"afterSalesStatus\":10,\"applyAfterSalesGoodsNumber\":1,"
    "\"applyRefundAmount\":{\"amount\":1299,\"currency\":\"EUR\"},"
    "\"afterSalesReasonCode\":103,\"afterSalesReasonDesc\":\"Not as described\","
    "\"buyerComment\":\"Viel kleiner als auf den Fotos.\",\"afterSalesGoodsInfo\":{"
    "\"goodsId\":601,\"skuId\":701,\"productSkuId\":801,\"productList\":[]}}]}}";

static const char cancel_list_fixture[] =
    "{\"success\":true,\"errorCode\":1000000,\"requestId\":\"us-3\",\"result\":{"
    "\"total\":1,\"pageNumber\":1,\"data\":[{\"parentAfterSalesSn\":\"PO-211-03-C01\","
    "\"parentAfterSalesStatus\":5,\"afterSalesInfoList\":[{\"afterSalesSn\":\"PO-211-03-C01-1\","
    "\"orderSn\":\"211-03-1\",\"parentOrderSn\":\"PO-211-03\",\"goodsId\":602,"
    "\"productSkuId\":802,\"applyGoodsNumber\":2,\"createAtMillis\":1764691200456,"
    "\"productList\":[{\"productSkuId\":802}]}]}]}}";

static void test_aftersales_official_shapes(void **state)
{
    (void)state;
    struct fake f = {aftersales_list_fixture, NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_aftersales_list_req req = {0};
    struct temu_page p;
    req.page_no = 1;
    req.update_at_start = 1764600000;
    req.update_at_end = 1764800000;
    assert_int_equal(temu_api_aftersales_list(c, &req, &p, NULL), ERR_OK);
    assert_int_equal(p.total, 2);
    assert_int_equal(p.count, 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(p.items, 0), "parentAfterSalesStatus")),
        10);
    temu_page_clear(&p);

    /* The detail: both numbers sent; reason, the buyer's comment and the refund summary. */
    f.answer = aftersales_detail_fixture;
    struct temu_aftersales_detail d;
    struct temu_error te;
    assert_int_equal(temu_api_aftersales_detail(c, "PO-211-01", "PO-211-01-D01", &d, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "temu.aftersales.parentaftersales.detail.get");
    assert_string_equal(str(f.last, "parentOrderSn"), "PO-211-01");
    assert_string_equal(str(f.last, "parentAfterSalesSn"), "PO-211-01-D01");
    assert_int_equal(d.status, 10);
    assert_int_equal(d.type, 2);
    assert_int_equal(d.reason_code, 103);
    assert_string_equal(d.reason_desc, "Not as described");
    assert_string_equal(d.buyer_comment, "Viel kleiner als auf den Fotos.");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(d.refund_summary, "buyerTotalRefund"), "amount")),
                     1299);
    temu_aftersales_detail_clear(&d);
    int calls = f.calls;
    assert_int_equal(temu_api_aftersales_detail(c, "PO-211-01", "", &d, &te), ERR_INVAL);
    assert_int_equal(temu_api_aftersales_detail(c, NULL, "PO-211-01-D01", &d, &te), ERR_INVAL);
    assert_int_equal(f.calls, calls); /* refused before sending */
    /* The after-sales family is classified (130010001: a number missing). */
    f.answer = "{\"success\":false,\"errorCode\":130010001,\"errorMsg\":\"param error\"}";
    assert_int_equal(temu_api_aftersales_detail(c, "PO-211-01", "PO-211-01-D01", &d, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_non_null(strstr(te.hint, "after-sales"));

    /* The cancel list: pageNo/pageSize and no time window. */
    f.answer = cancel_list_fixture;
    struct temu_aftersales_list_req cr = {0};
    cr.page_no = 2;
    cr.page_size = 100;
    assert_int_equal(temu_api_aftersales_cancel_list(c, &cr, &p, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.aftersales.cancel.list.get");
    assert_int_equal(num(f.last, "pageNo"), 2);
    assert_null(json_object_get(f.last, "updateAtStart"));
    assert_int_equal(p.total, 1);
    assert_int_equal(p.count, 1);
    temu_page_clear(&p);
    cr.page_size = 201;
    assert_int_equal(temu_api_aftersales_cancel_list(c, &cr, &p, &te), ERR_INVAL);
    cr.page_size = 100;
    cr.update_at_start = 1764600000;
    cr.update_at_end = 1764800000;
    assert_int_equal(temu_api_aftersales_cancel_list(c, &cr, &p, &te), ERR_INVAL);

    /* The event switch: both lists sent as given; nothing to switch is refused. */
    f.answer = "{\"success\":true,\"errorCode\":1000000,\"result\":{\"success\":true}}";
    const char *on[] = {"bg_aftersales_status_change"};
    const char *off[] = {"bg_trade_logistics_address_changed", "bg_open_event_test"};
    assert_int_equal(temu_api_tmc_message_update(c, on, 1, off, 2, &te), ERR_OK);
    assert_string_equal(str(f.last, "type"), "bg.tmc.message.update");
    assert_int_equal(json_array_size(json_object_get(f.last, "permitEventCodeList")), 1);
    assert_int_equal(json_array_size(json_object_get(f.last, "cancelEventCodeList")), 2);
    assert_int_equal(temu_api_tmc_message_update(c, NULL, 0, NULL, 0, &te), ERR_INVAL);
    f.answer = "{\"success\":false,\"errorCode\":110020009,\"errorMsg\":\"not subscribed\"}";
    assert_int_equal(temu_api_tmc_message_update(c, on, 1, NULL, 0, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_CONFIG);
    json_decref(f.last);
    temu_client_free(c);
}

static void test_fixture_carriers(void **state)
{
    (void)state;
    const char *names[] = {"companies_array.json", "companies_items.json", "companies_list.json"};
    for (size_t i = 0; i < 3; i++) {
        char *text = fixture(names[i]);
        struct fake f = {text, NULL, 0, ERR_OK};
        struct temu_client *c = client(&f);
        struct temu_page p;
        struct temu_carrier ca;
        assert_int_equal(temu_api_logistics_companies(c, 211, &p, NULL), ERR_OK);
        assert_int_equal(p.count, 2);
        assert_true(temu_carrier_at(&p, 1, &ca));
        assert_int_equal(ca.id, 699272601);
        assert_string_equal(ca.name, "UPS");
        assert_false(temu_carrier_at(&p, 2, &ca));
        temu_page_clear(&p);
        /* regionId is required (7000000 without it on the US test shop) */
        assert_int_equal(temu_api_logistics_companies(c, 0, &p, NULL), ERR_INVAL);
        json_decref(f.last);
        temu_client_free(c);
        free(text);
    }
}

static void test_fixture_shippinginfo(void **state)
{
    (void)state;
    char *text = fixture("shippinginfo.json");
    struct fake f = {text, NULL, 0, ERR_OK};
    struct temu_client *c = client(&f);
    struct temu_order o;
    struct temu_error te;
    assert_int_equal(temu_api_order_shippinginfo(c, "PO-211-1", &o, &te), ERR_OK);
    const json_t *w = json_object_get(o.result, "warning");
    assert_true(json_is_integer(json_object_get(w, "reason")));
    assert_string_equal(str(json_object_get(o.result, "addressExtra"), "firstName"), "Sam");
    temu_order_clear(&o);
    json_decref(f.last);
    temu_client_free(c);
    free(text);
}

static void test_tracking_number_shape(void **state)
{
    (void)state;
    char out[SHIPMENTS_TRACKING_MAX + 1];
    struct errbuf eb = {0};
    assert_int_equal(shipment_tracking_check("USPS", "9400 1112-0255 5842 7612 34", out, &eb),
                     ERR_OK);
    assert_string_equal(out, "9400111202555842761234");
    assert_int_equal(shipment_tracking_check("USPS", "LZ123456789US", out, &eb), ERR_OK);
    assert_int_equal(shipment_tracking_check("USPS", "1Z999AA10123456784", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("UPS", "1z999aa10123456784", out, &eb), ERR_OK);
    assert_string_equal(out, "1Z999AA10123456784");
    assert_int_equal(shipment_tracking_check("UPS", "999AA10123456784", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("FedEx", "123456789012", out, &eb), ERR_OK);
    assert_int_equal(shipment_tracking_check("FedEx", "12345678901", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("OnTrac", "D10010000000001", out, &eb), ERR_OK);
    assert_int_equal(shipment_tracking_check("OnTrac", "ABCDEFGH", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("OnTrac", "D100/100", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("OnTrac", "D1001", out, &eb), ERR_INVAL);
    assert_int_equal(shipment_tracking_check("OnTrac", NULL, out, &eb), ERR_INVAL);
    assert_string_equal(errbuf_code(&eb, ERR_INVAL), "tracking_invalid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accesstoken_create),
        cmocka_unit_test(test_accesstoken_info),
        cmocka_unit_test(test_order_list),
        cmocka_unit_test(test_order_single),
        cmocka_unit_test(test_goods_list),
        cmocka_unit_test(test_aftersales_and_logistics),
        cmocka_unit_test(test_fixture_order_list),
        cmocka_unit_test(test_fixture_shipments),
        cmocka_unit_test(test_fixture_tracking_and_money),
        cmocka_unit_test(test_fixture_carriers),
        cmocka_unit_test(test_fixture_shippinginfo),
        cmocka_unit_test(test_tracking_number_shape),
        cmocka_unit_test(test_aftersales_official_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

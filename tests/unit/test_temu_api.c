/*
 * Unit tests for temu/api: each typed wrapper sends the documented parameter names (and
 * leaves out unset ones), refuses out-of-bounds requests before sending, and parses the
 * documented result fields. The transport is scripted: it records the request and answers
 * a canned envelope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "temu/api.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accesstoken_create), cmocka_unit_test(test_accesstoken_info),
        cmocka_unit_test(test_order_list),         cmocka_unit_test(test_order_single),
        cmocka_unit_test(test_goods_list),         cmocka_unit_test(test_aftersales_and_logistics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

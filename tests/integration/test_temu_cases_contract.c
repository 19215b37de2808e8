/*
 * Contract: the after-sales APIs of the real temu-sandbox through the aicos client's typed
 * wrappers (src/temu/api.h), in the shapes of the official pages (docs/sandbox.md): the
 * parent after-sales list (result.data[], total, pageNumber; parentAfterSalesStatus and the
 * other documented item fields with their JSON types), the detail (refund summary, reason,
 * the buyer's comment in the shop's languages), the cancel list, and the per-shop event
 * switch bg.tmc.message.update, which the webhook pusher honours.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "temu/api.h"
#include "temu/client.h"
#include "ts_app.h"

#define APP    "casesappaaaaaaaaaaaaaaaaaaaaaaa1"
#define SECRET "casessecretaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"

static const char apps_json[] =
    "[{\"app_key\":\"" APP "\",\"app_secret\":\"" SECRET "\",\"name\":\"Cases\","
    "\"scopes\":[\"bg.aftersales.parentaftersales.list.get\","
    "\"temu.aftersales.parentaftersales.detail.get\",\"bg.aftersales.cancel.list.get\","
    "\"bg.tmc.message.update\",\"bg.order.list.v2.get\"]}]";

static struct ts_app app;
static char url[128];
static char *token;

static json_t *admin(const char *method, const char *path, const char *body)
{
    return ts_sbx(&app, method, path, body);
}

static int setup(void **state)
{
    (void)state;
    char *args[] = {(char *)"--shops",
                    (char *)"2",
                    (char *)"--orders",
                    (char *)"300",
                    (char *)"--aftersales",
                    (char *)"40",
                    (char *)"--seed",
                    (char *)"11",
                    (char *)"--rate-limit",
                    (char *)"0",
                    NULL};
    ts_app_prepare(&app, "cases_contract", apps_json, args);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/openapi/router", app.sbx_port);
    json_t *t = admin("POST", "/_sandbox/tokens", "{\"app_key\":\"" APP "\"}");
    token = strdup(json_string_value(json_object_get(t, "accessToken")));
    json_decref(t);
    assert_non_null(token);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_app_stop(&app);
    free(token);
    return 0;
}

static struct temu_client *client_new(void)
{
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = url;
    o.allow_http = true;
    o.app_key = APP;
    o.app_secret = SECRET;
    o.access_token = token;
    o.max_retries = 0;
    o.rate = 1000;
    struct temu_client *c = NULL;
    struct errbuf eb = {0};
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    return c;
}

/* True when item's key has the JSON type. */
static bool has(const json_t *item, const char *key, int type)
{
    const json_t *v = json_object_get(item, key);
    return v != NULL && (int)json_typeof(v) == type;
}

/* Every page of the after-sales list, as one new array. */
static json_t *all_cases(struct temu_client *c, int64_t *total)
{
    json_t *all = json_array();
    struct temu_error te;
    for (int64_t no = 1; no < 100; no++) {
        struct temu_aftersales_list_req rq = {.page_no = no, .page_size = 50};
        struct temu_page pg;
        if (temu_api_aftersales_list(c, &rq, &pg, &te) != ERR_OK)
            fail_msg("after-sales list: %lld %s", (long long)te.code, te.message);
        /* The official envelope: data, total, pageNumber; not the old sandbox keys. */
        assert_true(json_is_array(json_object_get(pg.result, "data")));
        assert_int_equal(json_integer_value(json_object_get(pg.result, "pageNumber")), no);
        assert_null(json_object_get(pg.result, "parentAfterSalesList"));
        assert_null(json_object_get(pg.result, "pageNo"));
        *total = pg.total;
        json_array_extend(all, (json_t *)pg.items);
        size_t n = pg.count;
        temu_page_clear(&pg);
        if (n < 50)
            break;
    }
    return all;
}

static void test_aftersales_list_shape(void **state)
{
    (void)state;
    struct temu_client *c = client_new();
    int64_t total = 0;
    json_t *cases = all_cases(c, &total);
    assert_true(total >= 40);
    assert_int_equal((int64_t)json_array_size(cases), total);
    size_t i, statuses[11] = {0};
    const json_t *it;
    json_array_foreach(cases, i, it)
    {
        assert_true(has(it, "parentAfterSalesSn", JSON_STRING));
        assert_true(has(it, "parentOrderSn", JSON_STRING));
        assert_true(has(it, "afterSalesType", JSON_INTEGER));
        assert_true(has(it, "afterSalesStatusGroup", JSON_INTEGER));
        assert_true(has(it, "parentAfterSalesStatus", JSON_INTEGER));
        assert_true(has(it, "operateExpireTimeMs", JSON_INTEGER));
        assert_true(has(it, "availableOperateList", JSON_ARRAY));
        assert_true(has(it, "returnDeliveryType", JSON_INTEGER));
        assert_true(has(it, "createAt", JSON_INTEGER));
        assert_true(has(it, "updateAt", JSON_INTEGER));
        assert_null(json_object_get(it, "afterSalesStatus")); /* the old, wrong name */
        json_int_t st = json_integer_value(json_object_get(it, "parentAfterSalesStatus"));
        assert_true(st == 1 || st == 5 || st == 6 || st == 7 || st == 8 || st == 10);
        statuses[st]++;
        json_int_t group = json_integer_value(json_object_get(it, "afterSalesStatusGroup"));
        assert_int_equal(group, st == 5 ? 2 : (st == 6 || st == 7) ? 3 : 1);
    }
    /* A realistic mix: most refunded, some still open. */
    assert_true(statuses[5] > statuses[1]);
    assert_true(statuses[1] + statuses[8] + statuses[10] > 0);
    json_decref(cases);
    temu_client_free(c);
}

static void test_aftersales_detail(void **state)
{
    (void)state;
    struct temu_client *c = client_new();
    int64_t total = 0;
    json_t *cases = all_cases(c, &total);
    size_t i, with_comment = 0, non_english = 0;
    const json_t *it;
    struct temu_error te;
    json_array_foreach(cases, i, it)
    {
        struct temu_aftersales_detail d;
        const char *sn = json_string_value(json_object_get(it, "parentAfterSalesSn"));
        const char *order = json_string_value(json_object_get(it, "parentOrderSn"));
        if (temu_api_aftersales_detail(c, order, sn, &d, &te) != ERR_OK)
            fail_msg("detail %s: %lld %s", sn, (long long)te.code, te.message);
        assert_int_equal(d.status,
                         json_integer_value(json_object_get(it, "parentAfterSalesStatus")));
        assert_true(d.reason_code > 0);
        assert_non_null(d.reason_desc);
        assert_non_null(d.refund_summary);
        assert_non_null(json_object_get(d.refund_summary, "buyerTotalRefund"));
        assert_true(json_integer_value(json_object_get(d.result, "createAtMillis")) >
                    100000000000LL);
        if (d.buyer_comment != NULL && d.buyer_comment[0] != '\0')
            with_comment++;
        /* The English comments are plain ASCII; the others carry their own letters or words. */
        for (const char *p = d.buyer_comment; p != NULL && *p; p++) {
            if ((unsigned char)*p >= 0x80 || strncmp(p, "Die ", 4) == 0 ||
                strncmp(p, "Pedí", 4) == 0 || strncmp(p, "Le ", 3) == 0 ||
                strncmp(p, "Ho ", 3) == 0 || strncmp(p, "Mancano", 7) == 0) {
                non_english++;
                break;
            }
        }
        temu_aftersales_detail_clear(&d);
    }
    assert_int_equal(with_comment, json_array_size(cases));
    assert_true(non_english > 0 && non_english < with_comment);
    /* An unknown case, a case of another order: 130010002, classified. */
    struct temu_aftersales_detail d;
    const char *sn =
        json_string_value(json_object_get(json_array_get(cases, 0), "parentAfterSalesSn"));
    assert_int_equal(temu_api_aftersales_detail(c, "PO-211-1", sn, &d, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 130010002);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    json_decref(cases);
    temu_client_free(c);
}

static void test_cancel_list(void **state)
{
    (void)state;
    struct temu_client *c = client_new();
    struct temu_aftersales_list_req rq = {.page_no = 1, .page_size = 200};
    struct temu_page pg;
    struct temu_error te;
    assert_int_equal(temu_api_aftersales_cancel_list(c, &rq, &pg, &te), ERR_OK);
    json_t *truth = admin("GET", "/_sandbox/truth", NULL);
    json_int_t want =
        json_integer_value(json_object_get(json_object_get(truth, "counts"), "cancellations"));
    json_decref(truth);
    assert_true(want > 0);
    /* Two shops share the truth; this token's shop has some of them. */
    assert_true(pg.total > 0 && pg.total <= want);
    assert_int_equal(json_integer_value(json_object_get(pg.result, "pageNumber")), 1);
    size_t i;
    const json_t *it;
    json_array_foreach(pg.items, i, it)
    {
        assert_true(has(it, "parentAfterSalesSn", JSON_STRING));
        assert_true(has(it, "parentAfterSalesStatus", JSON_INTEGER));
        const json_t *line = json_array_get(json_object_get(it, "afterSalesInfoList"), 0);
        assert_true(has(line, "afterSalesSn", JSON_STRING));
        assert_true(has(line, "orderSn", JSON_STRING));
        assert_true(has(line, "parentOrderSn", JSON_STRING));
        assert_true(has(line, "goodsId", JSON_INTEGER));
        assert_true(has(line, "productSkuId", JSON_INTEGER));
        assert_true(has(line, "applyGoodsNumber", JSON_INTEGER));
        assert_true(has(line, "createAtMillis", JSON_INTEGER));
        assert_true(has(line, "productList", JSON_ARRAY));
    }
    temu_page_clear(&pg);
    temu_client_free(c);
}

/*
 * Counts the pusher's log entries (first attempts: retries are hours away at this scale) of
 * shop mall: all of them, and those whose code is in codes.
 */
static void pushed(int64_t mall, const char *const *codes, size_t n, size_t *all, size_t *hits)
{
    json_t *w = admin("GET", "/_sandbox/webhook", NULL);
    size_t i;
    const json_t *l;
    *all = *hits = 0;
    json_array_foreach(json_object_get(w, "log"), i, l)
    {
        if (json_integer_value(json_object_get(l, "mallId")) != mall)
            continue;
        (*all)++;
        for (size_t k = 0; k < n; k++)
            *hits += strcmp(json_string_value(json_object_get(l, "eventCode")), codes[k]) == 0;
    }
    json_decref(w);
}

static void test_event_switch(void **state)
{
    (void)state;
    struct temu_client *c = client_new();
    struct temu_error te;
    struct temu_token_info ti;
    assert_int_equal(temu_api_accesstoken_info(c, &ti, &te), ERR_OK);
    int64_t mine = ti.mall_id, other = 0;
    temu_token_info_clear(&ti);
    json_t *tr = admin("GET", "/_sandbox/truth", NULL);
    for (size_t i = 0; i < 2; i++) {
        int64_t m = json_integer_value(
            json_object_get(json_array_get(json_object_get(tr, "shops"), i), "mallId"));
        other = m != mine ? m : other;
    }
    json_decref(tr);
    assert_true(mine > 0 && other > 0);
    const char *off[] = {"bg_order_status_change_event", "bg_cancel_order_status_change",
                         "bg_trade_logistics_address_changed"};
    const char *bad[] = {"bg_no_such_event"};
    /* An unknown event code: the app is not subscribed to it. */
    assert_int_equal(temu_api_tmc_message_update(c, bad, 1, NULL, 0, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 110020009);
    assert_int_equal(te.cls, TEMU_ERROR_CONFIG);
    /* One call per second: of two at once, the second is refused (110020007). */
    ts_sleep_ms(1100);
    assert_int_equal(temu_api_tmc_message_update(c, NULL, 0, off, 3, &te), ERR_OK);
    assert_int_equal(temu_api_tmc_message_update(c, NULL, 0, off, 3, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 110020007);
    /* Now only this shop's after-sales events reach the pusher; the other shop's all do. */
    json_decref(admin("POST", "/_sandbox/webhook",
                      "{\"url\":\"http://127.0.0.1:9/hook\",\"app_key\":\"" APP
                      "\",\"scale\":1000}"));
    json_decref(admin("POST", "/_sandbox/activity/step", "{\"events\":60}"));
    size_t all_mine = 0, off_mine = 0, all_other = 0, off_other = 0;
    for (int i = 0; i < 200; i++) {
        pushed(mine, off, 3, &all_mine, &off_mine);
        pushed(other, off, 3, &all_other, &off_other);
        json_t *w = admin("GET", "/_sandbox/webhook", NULL);
        json_int_t tried = json_integer_value(json_object_get(w, "failedAttempts"));
        json_int_t queued = json_integer_value(json_object_get(w, "queued"));
        json_decref(w);
        if (tried >= queued && tried > 0 && (json_int_t)(all_mine + all_other) >= tried)
            break;
        ts_sleep_ms(20);
    }
    assert_int_equal(off_mine, 0);
    assert_true(off_other > 0);
    /* Switched back on, they flow again. */
    ts_sleep_ms(1100);
    assert_int_equal(temu_api_tmc_message_update(c, off, 3, NULL, 0, &te), ERR_OK);
    json_decref(admin("POST", "/_sandbox/webhook", "{\"url\":\"\"}"));
    temu_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aftersales_list_shape),
        cmocka_unit_test(test_aftersales_detail),
        cmocka_unit_test(test_cancel_list),
        cmocka_unit_test(test_event_switch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Contract: the aicos Temu client (src/temu) against the real temu-sandbox, an independent
 * implementation of the platform. Every typed wrapper, and every class of gateway error the
 * client must tell apart (auth, config, permanent, retryable from the envelope, from HTTP,
 * from the transport, from a garbled body), with retries that re-sign.
 *
 * Shapes (issue 11): every answer of the sandbox has the field names and JSON types of its
 * fixture in tests/fixtures/temu (the real recorded order list, the official pages and the
 * live-used SDKs): the same keys on every object, no type the fixture does not have. Then
 * the fulfilment loop through the client: shipment confirm, its errors, tracking that moves
 * with the sandbox clock, and requests as third-party clients send them (no data_type,
 * nested keys sorted).
 */
#include "testsupport.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "temu/api.h"
#include "temu/client.h"
#include "temu/sign.h"

#define APP_A    "appaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define SECRET_A "secretaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"

static const char apps_json[] =
    "[{\"app_key\":\"" APP_A "\",\"app_secret\":\"" SECRET_A "\",\"name\":\"Contract\","
    "\"scopes\":[\"bg.order.list.v2.get\",\"bg.order.detail.v2.get\","
    "\"bg.order.shippinginfo.v2.get\",\"bg.order.amount.query\",\"bg.local.goods.list.query\","
    "\"bg.aftersales.parentaftersales.list.get\",\"bg.logistics.companies.get\","
    "\"bg.logistics.shipment.v2.get\",\"bg.logistics.shipment.v2.confirm\","
    "\"temu.track.trackinginfo.get\",\"temu.order.amount.v2.query\"]}]";

static struct ts_proc proc;
static unsigned port;
static char *dir;
static char url[128];

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int setup(void **state)
{
    (void)state;
    const char *bin = getenv("SANDBOX_BIN");
    assert_non_null(bin);
    dir = ts_tmpdir("contract");
    port = ts_free_port();
    char apps[TS_PATH_MAX], listen[64];
    snprintf(apps, sizeof apps, "%s/apps.json", dir);
    FILE *f = fopen(apps, "w");
    assert_non_null(f);
    fputs(apps_json, f);
    fclose(f);
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/openapi/router", port);
    char *argv[] = {(char *)bin, (char *)"--listen",
                    listen,      (char *)"--apps",
                    apps,        (char *)"--seed",
                    (char *)"5", (char *)"--rate-limit",
                    (char *)"0", NULL};
    ts_spawn(dir, argv, NULL, &proc);
    for (int waited = 0; waited < 20000; waited += 20) {
        char *out = ts_read_file(proc.out_path);
        bool up = ts_contains(out, "listening on http://");
        free(out);
        if (up)
            return 0;
        sleep_ms(20);
    }
    fail_msg("temu-sandbox did not start");
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    if (proc.pid > 0)
        ts_stop(&proc, SIGTERM, 15000);
    free(dir);
    return 0;
}

static json_t *admin(const char *method, const char *path, const char *body)
{
    struct ts_http_resp r;
    assert_true(ts_http(port, method, path, body ? "application/json" : NULL, body, &r));
    if (r.status != 200)
        fail_msg("%s %s: %d %s", method, path, r.status, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    assert_non_null(doc);
    ts_http_free(&r);
    return doc;
}

/* The sandbox clock shift the test has set; the clients' clocks follow it. */
static int64_t clock_shift;

static int64_t shifted_wall(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL) + clock_shift;
}

static struct temu_client *client_new(const char *secret, const char *token, int retries)
{
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = url;
    o.allow_http = true;
    o.app_key = APP_A;
    o.app_secret = secret;
    o.access_token = token;
    o.max_retries = retries;
    o.backoff_base_ms = 2;
    o.backoff_max_ms = 4;
    o.rate = 1000;
    o.timeout_ms = 10000;
    o.wall_clock = shifted_wall;
    struct temu_client *c = NULL;
    struct errbuf eb;
    memset(&eb, 0, sizeof eb);
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    return c;
}

/* Approves the consent page for APP_A and returns the code from the redirect. */
static char *consent_code(const char *scopes_form)
{
    char body[1024];
    snprintf(body, sizeof body,
             "appKey=" APP_A "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fcb&state=s1"
             "&action=approve%s",
             scopes_form);
    struct ts_http_resp r;
    assert_true(ts_http(port, "POST", "/open-platform/client-manage/authorization",
                        "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    char loc[1024];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    ts_http_free(&r);
    const char *c = strstr(loc, "code=");
    assert_non_null(c);
    c += 5;
    return strndup(c, strcspn(c, "&"));
}

static const char all_scopes[] =
    "&scope=bg.order.list.v2.get&scope=bg.order.detail.v2.get&scope=bg.order.shippinginfo.v2.get"
    "&scope=bg.order.amount.query&scope=bg.local.goods.list.query"
    "&scope=bg.aftersales.parentaftersales.list.get&scope=bg.logistics.companies.get"
    "&scope=bg.logistics.shipment.v2.get&scope=bg.logistics.shipment.v2.confirm"
    "&scope=temu.track.trackinginfo.get&scope=temu.order.amount.v2.query";

/* Consent page → code → token through the client's accesstoken.create wrapper. */
static char *authorize(const char *scopes_form)
{
    char *code = consent_code(scopes_form);
    struct temu_client *c = client_new(SECRET_A, NULL, 0);
    struct temu_token_info ti;
    memset(&ti, 0, sizeof ti);
    struct temu_error te;
    if (temu_api_accesstoken_create(c, code, &ti, &te) != ERR_OK)
        fail_msg("accesstoken.create: %lld %s", (long long)te.code, te.message);
    assert_true(ti.expired_time > (int64_t)time(NULL) + 360LL * 86400);
    assert_true(ti.mall_id > 0);
    assert_int_equal(ti.region_id, 211);
    char *tok = strdup(ti.access_token);
    assert_int_equal(strlen(tok), 56);
    temu_token_info_clear(&ti);
    /* The code is single-use. */
    assert_int_equal(temu_api_accesstoken_create(c, code, &ti, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 110020002);
    temu_token_info_clear(&ti);
    temu_client_free(c);
    free(code);
    return tok;
}

static void test_every_wrapper(void **state)
{
    (void)state;
    char *tok = authorize(all_scopes);
    struct temu_client *c = client_new(SECRET_A, tok, 0);
    struct temu_error te;
    struct temu_token_info ti;
    memset(&ti, 0, sizeof ti);
    assert_int_equal(temu_api_accesstoken_info(c, &ti, &te), ERR_OK);
    assert_true(ti.mall_id > 0);
    assert_int_equal(json_array_size(ti.api_scope_list), 11);
    temu_token_info_clear(&ti);

    struct temu_order_list_req lr;
    memset(&lr, 0, sizeof lr);
    lr.page_number = 1;
    lr.page_size = 100;
    lr.parent_order_status = 4;
    lr.sortby = "updateTime";
    struct temu_page pg;
    memset(&pg, 0, sizeof pg);
    if (temu_api_order_list(c, &lr, &pg, &te) != ERR_OK)
        fail_msg("order list: %lld %s", (long long)te.code, te.message);
    assert_true(pg.total > 0 && pg.count > 0);
    const json_t *map = json_object_get(json_array_get(pg.items, 0), "parentOrderMap");
    char *sn = strdup(json_string_value(json_object_get(map, "parentOrderSn")));
    temu_page_clear(&pg);

    struct temu_order od;
    memset(&od, 0, sizeof od);
    assert_int_equal(temu_api_order_detail(c, sn, &od, &te), ERR_OK);
    assert_non_null(od.parent_order);
    assert_true(json_array_size(od.order_list) >= 1);
    const char *osn =
        json_string_value(json_object_get(json_array_get(od.order_list, 0), "orderSn"));
    char *order_sn = strdup(osn);
    temu_order_clear(&od);
    assert_int_equal(temu_api_order_shippinginfo(c, sn, &od, &te), ERR_OK);
    assert_non_null(json_object_get(od.result, "addressLineAll"));
    temu_order_clear(&od);
    assert_int_equal(temu_api_order_amount(c, sn, &od, &te), ERR_OK);
    assert_non_null(json_object_get(od.parent_order, "customerPaid"));
    temu_order_clear(&od);
    struct temu_shipments sh;
    assert_int_equal(temu_api_shipment_get(c, sn, order_sn, &sh, &te), ERR_OK);
    assert_true(sh.count >= 1);
    assert_true(sh.items[0].carrier_id > 0 && sh.items[0].tracking_number[0] != '\0');
    temu_shipments_clear(&sh);

    struct temu_goods_list_req gr;
    memset(&gr, 0, sizeof gr);
    gr.page_no = 1;
    gr.page_size = 100;
    gr.goods_search_type = 1;
    assert_int_equal(temu_api_goods_list(c, &gr, &pg, &te), ERR_OK);
    assert_true(pg.total > 0 && pg.count > 0);
    temu_page_clear(&pg);

    struct temu_aftersales_list_req ar;
    memset(&ar, 0, sizeof ar);
    ar.page_no = 1;
    ar.page_size = 200;
    if (temu_api_aftersales_list(c, &ar, &pg, &te) != ERR_OK)
        fail_msg("aftersales: %lld %s", (long long)te.code, te.message);
    assert_true(pg.count > 0);
    temu_page_clear(&pg);

    assert_int_equal(temu_api_logistics_companies(c, 211, &pg, &te), ERR_OK);
    assert_true(pg.count > 0);
    temu_page_clear(&pg);

    /* Permanent: an order that does not exist. */
    assert_int_equal(temu_api_order_detail(c, "PO-211-1", &od, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 140020002);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    assert_int_equal(te.source, TEMU_SOURCE_GATEWAY);
    temu_order_clear(&od);
    free(sn);
    free(order_sn);
    temu_client_free(c);
    free(tok);
}

/* One list call; returns its error (code/class/source in te). */
static enum err list_once(struct temu_client *c, struct temu_error *te)
{
    struct temu_order_list_req lr;
    memset(&lr, 0, sizeof lr);
    lr.page_size = 1;
    struct temu_page pg;
    memset(&pg, 0, sizeof pg);
    memset(te, 0, sizeof *te);
    enum err e = temu_api_order_list(c, &lr, &pg, te);
    temu_page_clear(&pg);
    return e;
}

static void expect_class(struct temu_client *c, int64_t code, enum temu_error_class cls,
                         enum temu_error_source src)
{
    struct temu_error te;
    assert_int_equal(list_once(c, &te), ERR_UPSTREAM);
    if (te.code != code || te.cls != cls || te.source != src)
        fail_msg("got code %lld class %d source %d (%s), want %lld %d %d", (long long)te.code,
                 te.cls, te.source, te.message, (long long)code, cls, src);
    assert_non_null(te.hint);
}

static void test_error_classes(void **state)
{
    (void)state;
    char *tok = authorize(all_scopes);
    struct temu_client *good = client_new(SECRET_A, tok, 0);
    struct temu_error te;
    assert_int_equal(list_once(good, &te), ERR_OK);

    /* config: wrong secret (signature), clock skew */
    struct temu_client *bad = client_new("wrongsecretwrongsecretwrong1", tok, 0);
    expect_class(bad, 3000001, TEMU_ERROR_CONFIG, TEMU_SOURCE_GATEWAY);
    temu_client_free(bad);
    json_decref(admin("POST", "/_sandbox/clock", "{\"shift\":-1000}"));
    expect_class(good, 3000011, TEMU_ERROR_CONFIG, TEMU_SOURCE_GATEWAY);
    json_decref(admin("POST", "/_sandbox/clock", "{\"shift\":0}"));

    /* auth: unknown token, scope miss, replaced, revoked */
    struct temu_client *unknown = client_new(SECRET_A, "nosuchtoken", 0);
    expect_class(unknown, 3000031, TEMU_ERROR_AUTH, TEMU_SOURCE_GATEWAY);
    temu_client_free(unknown);
    char *narrow = authorize("&scope=bg.order.detail.v2.get");
    expect_class(good, 3000034, TEMU_ERROR_AUTH, TEMU_SOURCE_GATEWAY); /* replaced */
    assert_int_equal(temu_client_set_access_token(good, narrow), ERR_OK);
    expect_class(good, 3000032, TEMU_ERROR_AUTH, TEMU_SOURCE_GATEWAY);
    char body[256];
    snprintf(body, sizeof body, "{\"access_token\":\"%s\"}", narrow);
    json_decref(admin("POST", "/_sandbox/tokens/revoke", body));
    expect_class(good, 5000000, TEMU_ERROR_AUTH, TEMU_SOURCE_GATEWAY);
    temu_client_free(good);
    free(narrow);
    free(tok);

    /* retryable, from each layer, with retries off */
    tok = authorize(all_scopes);
    struct temu_client *c = client_new(SECRET_A, tok, 0);
    json_decref(admin("POST", "/_sandbox/faults", "{\"kind\":\"system\",\"count\":1}"));
    expect_class(c, 4000000, TEMU_ERROR_RETRYABLE, TEMU_SOURCE_GATEWAY);
    json_decref(
        admin("POST", "/_sandbox/faults", "{\"kind\":\"http\",\"status\":503,\"count\":1}"));
    assert_int_equal(list_once(c, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
    assert_int_equal(te.source, TEMU_SOURCE_HTTP);
    assert_int_equal(te.http_status, 503);
    /* libcurl itself retries once when a reused connection dies before any answer, so the
     * reset fires twice; whatever is left is cleared afterwards. */
    json_decref(admin("POST", "/_sandbox/faults", "{\"kind\":\"reset\",\"count\":2}"));
    assert_int_equal(list_once(c, &te), ERR_UPSTREAM);
    assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
    assert_int_equal(te.source, TEMU_SOURCE_TRANSPORT);
    json_decref(admin("DELETE", "/_sandbox/faults", NULL));
    json_decref(admin("POST", "/_sandbox/faults", "{\"kind\":\"malformed\",\"count\":1}"));
    assert_int_equal(list_once(c, &te), ERR_UPSTREAM);
    assert_int_equal(te.source, TEMU_SOURCE_ENVELOPE);
    json_decref(admin("POST", "/_sandbox/faults", "{\"kind\":\"truncated\",\"count\":1}"));
    assert_int_equal(list_once(c, &te), ERR_UPSTREAM);
    assert_true(te.source == TEMU_SOURCE_TRANSPORT || te.source == TEMU_SOURCE_ENVELOPE);
    json_decref(admin("POST", "/_sandbox/ratelimit", "{\"limit\":1}"));
    bool limited = false;
    for (int i = 0; i < 20 && !limited; i++) {
        if (list_once(c, &te) == ERR_UPSTREAM) {
            assert_int_equal(te.code, 4000004);
            assert_int_equal(te.cls, TEMU_ERROR_RETRYABLE);
            limited = true;
        }
    }
    assert_true(limited);
    json_decref(admin("POST", "/_sandbox/ratelimit", "{\"limit\":0}"));
    temu_client_free(c);

    /* With retries, a transient fault is absorbed: the retry is re-signed and succeeds. */
    c = client_new(SECRET_A, tok, 2);
    json_decref(admin("POST", "/_sandbox/faults", "{\"kind\":\"system\",\"count\":1}"));
    struct temu_order_list_req lr;
    memset(&lr, 0, sizeof lr);
    lr.page_size = 1;
    struct temu_page pg;
    memset(&pg, 0, sizeof pg);
    assert_int_equal(temu_api_order_list(c, &lr, &pg, &te), ERR_OK);
    temu_page_clear(&pg);
    json_t *f = admin("GET", "/_sandbox/faults", NULL);
    json_t *rules = json_object_get(f, "rules");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rules, 0), "fired")), 1);
    json_decref(f);
    temu_client_free(c);
    free(tok);
}

/* ---- shapes against the fixtures ---- */

static const char *shape_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "real";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

/* Adds the shape of v at path to sig: path -> {types: {name}, keys: {name}}. */
static void shape_collect(const json_t *v, const char *path, json_t *sig)
{
    json_t *at = json_object_get(sig, path);
    if (at == NULL) {
        at = json_pack("{s:{}, s:{}}", "types", "keys");
        json_object_set_new(sig, path, at);
    }
    json_object_set_new(json_object_get(at, "types"), shape_type(v), json_true());
    char sub[512];
    if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            json_object_set_new(json_object_get(at, "keys"), k, json_true());
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            shape_collect(x, sub, sig);
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        snprintf(sub, sizeof sub, "%s[]", path);
        json_array_foreach(v, i, x) shape_collect(x, sub, sig);
    }
}

/* Fails unless got has want's keys on every object both have, and no path or type want lacks. */
static void shape_expect(const json_t *got_value, const char *fixture_name)
{
    char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, fixture_name);
    json_t *fx = json_load_file(path, 0, NULL);
    if (fx == NULL)
        fail_msg("fixture %s is missing", path);
    json_t *got = json_object(), *want = json_object();
    shape_collect(got_value, "result", got);
    shape_collect(json_object_get(fx, "result"), "result", want);
    const char *p;
    json_t *g;
    json_object_foreach(got, p, g)
    {
        json_t *w = json_object_get(want, p);
        if (w == NULL)
            fail_msg("%s: the sandbox answers %s, which the fixture does not have", fixture_name,
                     p);
        const char *t;
        json_t *x;
        json_object_foreach(json_object_get(g, "types"), t, x)
        {
            if (strcmp(t, "null") != 0 && json_object_get(json_object_get(w, "types"), t) == NULL &&
                json_object_get(json_object_get(w, "types"), "null") == NULL)
                fail_msg("%s: %s is %s in the sandbox's answer", fixture_name, p, t);
        }
        if (json_object_get(json_object_get(g, "types"), "object") != NULL &&
            json_object_get(json_object_get(w, "types"), "object") != NULL &&
            !json_equal(json_object_get(g, "keys"), json_object_get(w, "keys"))) {
            char *a = json_dumps(json_object_get(g, "keys"), JSON_SORT_KEYS | JSON_COMPACT);
            char *b = json_dumps(json_object_get(w, "keys"), JSON_SORT_KEYS | JSON_COMPACT);
            fail_msg("%s: %s has keys %s, the fixture %s", fixture_name, p, a, b);
        }
    }
    json_decref(got);
    json_decref(want);
    json_decref(fx);
}

/* An order of the list in status st (a new reference to its item), or NULL. */
static json_t *order_in_status(struct temu_client *c, int64_t st, size_t skip)
{
    struct temu_order_list_req lr;
    memset(&lr, 0, sizeof lr);
    lr.page_size = 100;
    lr.parent_order_status = st;
    struct temu_page pg;
    struct temu_error te;
    assert_int_equal(temu_api_order_list(c, &lr, &pg, &te), ERR_OK);
    json_t *it = json_incref(json_array_get(pg.items, skip));
    temu_page_clear(&pg);
    return it;
}

static const char *item_sn(const json_t *it)
{
    return json_string_value(
        json_object_get(json_object_get(it, "parentOrderMap"), "parentOrderSn"));
}

static const json_t *item_child(const json_t *it, size_t k)
{
    return json_array_get(json_object_get(it, "orderList"), k);
}

static void test_shapes_match_fixtures(void **state)
{
    (void)state;
    char *tok = authorize(all_scopes);
    struct temu_client *c = client_new(SECRET_A, tok, 0);
    struct temu_error te;
    struct temu_page pg;
    struct temu_order_list_req lr;
    memset(&lr, 0, sizeof lr);
    lr.page_size = 100;
    size_t single51 = 0;
    for (lr.page_number = 1; lr.page_number <= 3; lr.page_number++) {
        assert_int_equal(temu_api_order_list(c, &lr, &pg, &te), ERR_OK);
        shape_expect(pg.result, "order_list.json");
        for (size_t i = 0; i < pg.count; i++) {
            const json_t *it = json_array_get(pg.items, i);
            const json_t *map = json_object_get(it, "parentOrderMap");
            if (json_integer_value(json_object_get(map, "parentOrderStatus")) == 51 &&
                json_array_size(json_object_get(it, "orderList")) == 1) {
                single51++; /* partly received by quantity: its only child is shipped */
                assert_int_equal(
                    json_integer_value(json_object_get(item_child(it, 0), "orderStatus")), 4);
            }
        }
        temu_page_clear(&pg);
    }
    assert_true(single51 >= 1);
    /* Every parcel of 40 shipped orders, and the tracking of each of their first parcels. */
    struct temu_order_list_req sr = lr;
    sr.page_number = 1;
    sr.parent_order_status = 5;
    assert_int_equal(temu_api_order_list(c, &sr, &pg, &te), ERR_OK);
    assert_true(pg.count >= 40);
    for (size_t i = 0; i < 40; i++) {
        const json_t *it = json_array_get(pg.items, i);
        struct temu_shipments sh;
        const char *osn = json_string_value(json_object_get(item_child(it, 0), "orderSn"));
        assert_int_equal(temu_api_shipment_get(c, item_sn(it), osn, &sh, &te), ERR_OK);
        assert_true(sh.count >= 1);
        shape_expect(sh.result, "shipment_get.json");
        struct temu_tracking tr;
        assert_int_equal(temu_api_tracking_get(c, sh.items[0].package_sn, NULL, &tr, &te), ERR_OK);
        shape_expect(tr.result, "tracking.json");
        assert_string_equal(tr.tracking_num, sh.items[0].tracking_number);
        temu_tracking_clear(&tr);
        temu_shipments_clear(&sh);
    }
    /* Money, address and carriers of one order. */
    const char *sn = item_sn(json_array_get(pg.items, 0));
    struct temu_order od;
    assert_int_equal(temu_api_order_amount(c, sn, &od, &te), ERR_OK);
    shape_expect(od.result, "amount.json");
    temu_order_clear(&od);
    assert_int_equal(temu_api_order_amount_v2(c, sn, &od, &te), ERR_OK);
    shape_expect(od.result, "amount_v2.json");
    temu_order_clear(&od);
    for (size_t i = 0; i < 60 && i < pg.count; i++) {
        assert_int_equal(
            temu_api_order_shippinginfo(c, item_sn(json_array_get(pg.items, i)), &od, &te), ERR_OK);
        shape_expect(od.result, "shippinginfo.json");
        temu_order_clear(&od);
    }
    temu_page_clear(&pg);
    assert_int_equal(temu_api_logistics_companies(c, 211, &pg, &te), ERR_OK);
    shape_expect(pg.result, "companies_array.json");
    temu_page_clear(&pg);
    temu_client_free(c);
    free(tok);
}

/* ---- the fulfilment loop through the client ---- */

/* Moves the sandbox clock and the client's together. */
static void clock_advance(int64_t s)
{
    char body[64];
    clock_shift += s;
    snprintf(body, sizeof body, "{\"shift\":%lld}", (long long)clock_shift);
    json_decref(admin("POST", "/_sandbox/clock", body));
}

/* One parcel with every sub-order of order item it. */
static enum err confirm_all(struct temu_client *c, const json_t *it, int64_t carrier,
                            const char *tracking, int64_t sku_delta,
                            struct temu_shipment_confirm *out, struct temu_error *te)
{
    struct temu_send_line lines[8];
    size_t n = 0;
    for (; n < 8 && item_child(it, n) != NULL; n++) {
        const json_t *ch = item_child(it, n);
        lines[n] = (struct temu_send_line){
            item_sn(it), json_string_value(json_object_get(ch, "orderSn")),
            (int64_t)json_integer_value(json_object_get(ch, "goodsId")),
            (int64_t)json_integer_value(json_object_get(ch, "skuId")) + sku_delta,
            (int64_t)json_integer_value(json_object_get(ch, "quantity"))};
    }
    struct temu_send_request r = {carrier, tracking, lines, n};
    struct temu_shipment_confirm_req cr = {0, &r, 1};
    return temu_api_shipment_confirm(c, &cr, out, te);
}

static void test_fulfilment_loop(void **state)
{
    (void)state;
    char *tok = authorize(all_scopes);
    struct temu_client *c = client_new(SECRET_A, tok, 0);
    struct temu_error te;
    struct temu_shipment_confirm sc;
    json_t *it = order_in_status(c, 2, 0);
    assert_non_null(it);
    /* Refusals: a carrier Temu does not list, order-line ids that are not the order's. */
    assert_int_equal(confirm_all(c, it, 1, "9400100000000000000009", 0, &sc, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 7000000);
    assert_int_equal(confirm_all(c, it, 699272600, "9400100000000000000009", 1, &sc, &te),
                     ERR_UPSTREAM);
    assert_int_equal(te.code, 20006);
    /* Upload with a number that is not USPS-shaped: accepted, with Temu's inner warning. */
    assert_int_equal(confirm_all(c, it, 699272600, "ABC12345", 0, &sc, &te), ERR_OK);
    assert_int_equal(sc.warning_count, 1);
    shape_expect(sc.result, "shipment_confirm.json");
    temu_shipment_confirm_clear(&sc);
    struct temu_order od;
    assert_int_equal(temu_api_order_detail(c, item_sn(it), &od, &te), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(od.parent_order, "parentOrderStatus")), 4);
    assert_true(json_is_integer(json_object_get(od.parent_order, "parentShippingTime")));
    temu_order_clear(&od);
    struct temu_shipments sh;
    const char *osn = json_string_value(json_object_get(item_child(it, 0), "orderSn"));
    assert_int_equal(temu_api_shipment_get(c, item_sn(it), osn, &sh, &te), ERR_OK);
    assert_int_equal(sh.count, 1);
    assert_string_equal(sh.items[0].tracking_number, "ABC12345");
    assert_int_equal(sh.items[0].carrier_id, 699272600);
    assert_int_equal(sh.items[0].tracking_warning_label, 2);
    char wrong[96], psn[96];
    snprintf(wrong, sizeof wrong, "%s", sh.items[0].package_sn);
    temu_shipments_clear(&sh);
    /* Shipped once: a second upload is refused. */
    assert_int_equal(confirm_all(c, it, 699272600, "ABC12346", 0, &sc, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 7000000);
    /* A second order with a well-formed USPS number, to follow its parcel. */
    json_t *it2 = order_in_status(c, 2, 0);
    assert_non_null(it2);
    assert_int_equal(confirm_all(c, it2, 699272600, "9400100000000000000042", 0, &sc, &te), ERR_OK);
    assert_int_equal(sc.warning_count, 0);
    temu_shipment_confirm_clear(&sc);
    osn = json_string_value(json_object_get(item_child(it2, 0), "orderSn"));
    assert_int_equal(temu_api_shipment_get(c, item_sn(it2), osn, &sh, &te), ERR_OK);
    assert_int_equal(sh.count, 1);
    assert_int_equal(sh.items[0].tracking_warning_label, 0);
    snprintf(psn, sizeof psn, "%s", sh.items[0].package_sn);
    temu_shipments_clear(&sh);
    json_decref(it2);
    temu_client_free(c);

    /* Tracking moves with the sandbox clock (the client's clock follows it). */
    c = client_new(SECRET_A, tok, 0);
    struct temu_tracking tr;
    size_t seen[3];
    for (int step = 0; step < 3; step++) {
        assert_int_equal(temu_api_tracking_get(c, psn, step == 2 ? "es" : NULL, &tr, &te), ERR_OK);
        seen[step] = tr.count;
        if (step == 2 && (tr.count == 0 || strcmp(tr.events[0].status, "Delivered") != 0))
            fail_msg("after 21 days: %zu scans (%zu, %zu before), newest %s", tr.count, seen[0],
                     seen[1], tr.count ? tr.events[0].status : "none");
        for (size_t i = 1; i < tr.count; i++) /* newest first */
            assert_true(tr.events[i - 1].updated_at >= tr.events[i].updated_at);
        temu_tracking_clear(&tr);
        clock_advance(step == 0 ? 86400 : 20 * 86400);
    }
    assert_true(seen[0] <= 1 && seen[1] > seen[0] && seen[2] > seen[1]);
    /* The number the carrier does not know never gets a scan. */
    assert_int_equal(temu_api_tracking_get(c, wrong, NULL, &tr, &te), ERR_OK);
    assert_int_equal(tr.count, 0);
    assert_string_equal(tr.tracking_num, "ABC12345");
    temu_tracking_clear(&tr);
    /* Tracking errors: no package, unknown package, unsupported language. */
    assert_int_equal(temu_api_tracking_get(c, "PK-NONE", NULL, &tr, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 170070011);
    assert_int_equal(temu_api_tracking_get(c, psn, "xx-YY", &tr, &te), ERR_UPSTREAM);
    assert_int_equal(te.code, 170070012);
    assert_int_equal(te.cls, TEMU_ERROR_PERMANENT);
    clock_advance(-clock_shift);
    json_decref(it);
    temu_client_free(c);
    free(tok);
}

/* Posts a body signed by the client's signer; returns the envelope. */
static json_t *post_signed(const json_t *params)
{
    struct buf body = {0};
    assert_int_equal(temu_sign_body(params, SECRET_A, strlen(SECRET_A), &body, NULL, NULL), ERR_OK);
    struct ts_http_resp r;
    assert_true(ts_http(port, "POST", "/openapi/router", "application/json", body.data, &r));
    buf_free(&body);
    assert_int_equal(r.status, 200);
    json_t *env = json_loads(r.body, 0, NULL);
    assert_non_null(env);
    ts_http_free(&r);
    return env;
}

/* Third-party clients: CJO/VID never send data_type; hiscaler/temu-go sorts nested keys. */
static void test_third_party_clients(void **state)
{
    (void)state;
    char *tok = authorize(all_scopes);
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:i}", "type", "bg.order.list.v2.get", "app_key",
                          APP_A, "access_token", tok, "timestamp", ts, "pageSize", 5);
    json_t *env = post_signed(p);
    assert_true(json_is_true(json_object_get(env, "success")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(env, "result"), "pageItems")),
                     5);
    json_decref(env);
    json_decref(p);
    /* A confirm whose nested objects have their keys in sorted order, plus version V2. */
    struct temu_client *c = client_new(SECRET_A, tok, 0);
    json_t *it = order_in_status(c, 2, 1);
    assert_non_null(it);
    const json_t *ch = item_child(it, 0);
    json_t *line = json_pack(
        "{s:O, s:O, s:s, s:I, s:O}", "goodsId", json_object_get(ch, "goodsId"), "orderSn",
        json_object_get(ch, "orderSn"), "parentOrderSn", item_sn(it), "quantity",
        json_integer_value(json_object_get(ch, "quantity")), "skuId", json_object_get(ch, "skuId"));
    json_t *req = json_pack("{s:I, s:[o], s:s}", "carrierId", (json_int_t)699272601,
                            "orderSendInfoList", line, "trackingNumber", "1Z999AA10123456784");
    p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[o], s:i}", "access_token", tok, "app_key",
                  APP_A, "data_type", "JSON", "timestamp", ts, "type",
                  "bg.logistics.shipment.v2.confirm", "version", "V2", "sendRequestList", req,
                  "sendType", json_array_size(json_object_get(it, "orderList")) == 1 ? 0 : 1);
    env = post_signed(p);
    if (!json_is_true(json_object_get(env, "success")))
        fail_msg("sorted nested keys: %s", json_string_value(json_object_get(env, "errorMsg")));
    json_decref(env);
    json_decref(p);
    struct temu_shipments sh;
    struct temu_error te;
    assert_int_equal(temu_api_shipment_get(c, item_sn(it),
                                           json_string_value(json_object_get(ch, "orderSn")), &sh,
                                           &te),
                     ERR_OK);
    assert_int_equal(sh.count, 1);
    assert_int_equal(sh.items[0].tracking_warning_label, 0); /* a UPS-shaped number */
    temu_shipments_clear(&sh);
    json_decref(it);
    temu_client_free(c);
    free(tok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_wrapper),         cmocka_unit_test(test_error_classes),
        cmocka_unit_test(test_shapes_match_fixtures), cmocka_unit_test(test_fulfilment_loop),
        cmocka_unit_test(test_third_party_clients),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

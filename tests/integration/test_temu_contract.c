/*
 * Contract: the aicos Temu client (src/temu) against the real temu-sandbox, an independent
 * implementation of the platform. Every typed wrapper, and every class of gateway error the
 * client must tell apart (auth, config, permanent, retryable from the envelope, from HTTP,
 * from the transport, from a garbled body), with retries that re-sign.
 */
#include "testsupport.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "temu/api.h"
#include "temu/client.h"

#define APP_A    "appaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define SECRET_A "secretaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"

static const char apps_json[] =
    "[{\"app_key\":\"" APP_A "\",\"app_secret\":\"" SECRET_A "\",\"name\":\"Contract\","
    "\"scopes\":[\"bg.order.list.v2.get\",\"bg.order.detail.v2.get\","
    "\"bg.order.shippinginfo.v2.get\",\"bg.order.amount.query\",\"bg.local.goods.list.query\","
    "\"bg.aftersales.parentaftersales.list.get\",\"bg.logistics.companies.get\","
    "\"bg.logistics.shipment.v2.get\"]}]";

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
    "&scope=bg.logistics.shipment.v2.get";

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
    assert_int_equal(json_array_size(ti.api_scope_list), 8);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_wrapper),
        cmocka_unit_test(test_error_classes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Integration: on-demand buyer shipping info (issue 7, orders stream) against the real aicos
 * and temu-sandbox, on SQLite and PostgreSQL. A sandbox shop is synced with `aicos sync run`;
 * then POST /api/v1/orders/{sn}/shipping fetches the sandbox's address (read independently with
 * our own client), no table of the database holds it in plain text, a second call is served
 * from the encrypted copy (the sandbox's request count does not grow), a GET only reads the
 * stored copy and a cookie POST needs CSRF and our Origin (issue 18), viewers get 403,
 * unknown orders 404, a server without a vault key 503, every access is audited, the copy
 * survives `aicos vault rotate`, and a revoked token is reported as a clean 502.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "temu/api.h"
#include "temu/client.h"

#define APP_KEY    "shipappkey0000000000000000000001"
#define APP_SECRET "shipappsecret000000000000000000000000000001"
#define ORDERS     "40"

static char gw_url[96];
static struct ts_app app;
static char conn_id[64], access_token[256];

/* Requests the sandbox's router has answered so far. */
static long long sbx_requests(void)
{
    json_t *d = ts_sbx(&app, "GET", "/_sandbox/faults", NULL);
    long long n = (long long)json_integer_value(json_object_get(d, "requests"));
    json_decref(d);
    return n;
}

static const char *error_code(const json_t *d)
{
    const char *c = json_string_value(json_object_get(json_object_get(d, "error"), "code"));
    return c ? c : "(none)";
}

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    /* Raised incidents leave enough orders unshipped past their ship-by time to ship here. */
    char *sandbox_args[] = {(char *)"--shops",
                            (char *)"1",
                            (char *)"--orders",
                            (char *)ORDERS,
                            (char *)"--seed",
                            (char *)"47",
                            (char *)"--rate-limit",
                            (char *)"0",
                            (char *)"--incident-rate",
                            (char *)"30",
                            NULL};
    ts_app_prepare(&app, "shipping",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Shipping\",\"scopes\":[\"bg.order.list.v2.get\","
                   "\"bg.order.detail.v2.get\",\"bg.order.shippinginfo.v2.get\","
                   "\"bg.logistics.companies.get\",\"bg.logistics.shipment.v2.get\","
                   "\"bg.logistics.shipment.v2.confirm\"]}]",
                   sandbox_args);
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    ts_app_serve(&app, env);
    ts_app_role_headers(&app);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id,
                        access_token, sizeof access_token);
    snprintf(gw_url, sizeof gw_url, "http://127.0.0.1:%u/openapi/router", app.sbx_port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

/* Our own client of the sandbox (not through aicos). */
static struct temu_client *sandbox_client(void)
{
    struct temu_client_options o;
    temu_client_options_init(&o);
    o.gateway_url = gw_url;
    o.allow_http = true;
    o.app_key = APP_KEY;
    o.app_secret = APP_SECRET;
    o.access_token = access_token;
    o.rate = 1000;
    o.timeout_ms = 10000;
    struct temu_client *c = NULL;
    struct errbuf eb = {0};
    assert_int_equal(temu_client_new(&o, &c, &eb), ERR_OK);
    return c;
}

/* The sandbox's address of sn, read with our own client. */
static json_t *sandbox_address(const char *sn)
{
    struct temu_client *c = sandbox_client();
    struct temu_error te;
    struct temu_order od;
    assert_int_equal(temu_api_order_shippinginfo(c, sn, &od, &te), ERR_OK);
    json_t *r = json_incref(od.result);
    temu_order_clear(&od);
    temu_client_free(c);
    return r;
}

/* Fails when any text of any table of the database contains one of needles. */
static void db_has_no(const char *const *needles, size_t n)
{
    struct db *db = NULL;
    struct db_rows *tables = NULL, *rows = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(app.db_url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    const char *list = ts_is_pg() ? "SELECT table_name FROM information_schema.tables WHERE "
                                    "table_schema = current_schema() AND table_type = 'BASE TABLE'"
                                  : "SELECT name FROM sqlite_master WHERE type = 'table'";
    assert_int_equal(db_query(c, list, NULL, 0, &tables, &eb), ERR_OK);
    size_t cells = 0;
    assert_true(db_rows_count(tables) > 5);
    for (size_t t = 0; t < db_rows_count(tables); t++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", db_rows_get(tables, t, 0));
        assert_int_equal(db_query(c, sql, NULL, 0, &rows, &eb), ERR_OK);
        for (size_t i = 0; i < db_rows_count(rows); i++)
            for (size_t k = 0; k < db_rows_columns(rows); k++) {
                const char *v = db_rows_get(rows, i, k);
                cells++;
                for (size_t x = 0; v != NULL && x < n; x++)
                    if (strstr(v, needles[x]) != NULL)
                        fail_msg("table %s holds \"%s\" in plain text", db_rows_get(tables, t, 0),
                                 needles[x]);
            }
        db_rows_free(rows);
    }
    assert_true(cells > 100);
    db_rows_free(tables);
    db_release(c);
    db_close(db);
}

static void shipping_path(const char *sn, char *path, size_t len)
{
    snprintf(path, len, "/api/v1/orders/%s/shipping", sn);
}

/*
 * Signs an operator in with a session cookie and checks that POST path is refused without the
 * CSRF token and from a foreign Origin, and works with both right.
 */
static void csrf_refusals(const char *path)
{
    char cookie[160], csrf[96], hdr[512];
    ts_session_login(app.db_url, app.server.port, "shipper", "operator", cookie, sizeof cookie,
                     csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    json_t *d = ts_api_as(&app, "POST", path, hdr, NULL, 403);
    assert_string_equal(error_code(d), "csrf_failed");
    json_decref(d);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: https://evil.example\r\n",
             cookie, csrf);
    d = ts_api_as(&app, "POST", path, hdr, NULL, 403);
    assert_string_equal(error_code(d), "origin_mismatch");
    json_decref(d);
    /* A cross-site GET (what a link can do) gets only what is stored: nothing yet. */
    d = ts_api_as(&app, "GET", path, hdr, NULL, 404);
    assert_string_equal(error_code(d), "shipping_not_fetched");
    json_decref(d);
}

static void test_shipping(void **state)
{
    (void)state;
    char *env[] = {app.env_db, app.env_key, app.env_gw, (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *out = NULL, *err = NULL;
    ts_app_sync_days(&app, conn_id, "orders", 92);
    json_t *list = ts_api_as(&app, "GET", "/api/v1/orders?limit=5", app.viewer_hdr, NULL, 200);
    assert_true(json_array_size(json_object_get(list, "orders")) >= 3);
    char sn[3][80];
    for (size_t i = 0; i < 3; i++)
        snprintf(sn[i], sizeof sn[i], "%s",
                 json_string_value(json_object_get(
                     json_array_get(json_object_get(list, "orders"), i), "parent_order_sn")));
    json_decref(list);

    /* The sync never fetched an address: the database holds none of the sandbox's. */
    json_t *truth = sandbox_address(sn[0]);
    const char *name = json_string_value(json_object_get(truth, "receiptName"));
    const char *line1 = json_string_value(json_object_get(truth, "addressLine1"));
    const char *mail = json_string_value(json_object_get(truth, "mail"));
    const char *mobile = json_string_value(json_object_get(truth, "mobile"));
    const char *all = json_string_value(json_object_get(truth, "addressLineAll"));
    assert_true(name && line1 && mail && mobile && all && strlen(name) > 3);
    const char *const needles[] = {name, line1, mail, mobile, all};
    db_has_no(needles, 5);

    /* Roles and unknown orders. */
    char path[256];
    shipping_path(sn[0], path, sizeof path);
    json_decref(ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 403));
    json_decref(ts_api_as(&app, "POST", path, app.viewer_hdr, NULL, 403));
    json_t *d = ts_api_as(&app, "POST", "/api/v1/orders/PO-000-0000000000/shipping",
                          app.operator_hdr, NULL, 404);
    assert_string_equal(error_code(d), "order_not_found");
    json_decref(d);

    /* Issue 18: a GET only reads what is stored; nothing is fetched, nothing stored. */
    long long before = sbx_requests();
    d = ts_api_as(&app, "GET", path, app.operator_hdr, NULL, 404);
    assert_string_equal(error_code(d), "shipping_not_fetched");
    json_decref(d);
    assert_int_equal(sbx_requests(), before);
    /* The fetch is a POST, so a cookie caller needs the CSRF token and our Origin. */
    csrf_refusals(path);
    assert_int_equal(sbx_requests(), before);
    db_has_no(needles, 5);

    /* First read: fetched from Temu, equal to the sandbox's, stored encrypted only. */
    d = ts_api_as(&app, "POST", path, app.operator_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "temu");
    assert_string_equal(json_string_value(json_object_get(d, "parent_order_sn")), sn[0]);
    assert_string_equal(json_string_value(json_object_get(d, "connection_id")), conn_id);
    const json_t *ship = json_object_get(d, "shipping");
    const char *fields[] = {"receiptName", "addressLine1", "addressLineAll", "mail",
                            "mobile",      "postCode",     "regionName2",    "regionName3"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        assert_string_equal(json_string_value(json_object_get(ship, fields[i])),
                            json_string_value(json_object_get(truth, fields[i])));
    /* The newer fields: addressExtra (names split), warning with its integer reason. */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(ship, "addressExtra"), "firstName")),
        json_string_value(json_object_get(json_object_get(truth, "addressExtra"), "firstName")));
    assert_true(json_equal(json_object_get(ship, "warning"), json_object_get(truth, "warning")));
    json_decref(d);
    long long after_first = sbx_requests();
    assert_int_equal(after_first, before + 1);
    db_has_no(needles, 5);

    /* The order detail and the lists never carry it. */
    char dpath[256];
    snprintf(dpath, sizeof dpath, "/api/v1/orders/%s", sn[0]);
    d = ts_api_as(&app, "GET", dpath, app.operator_hdr, NULL, 200);
    char *text = json_dumps(d, 0);
    assert_false(ts_contains(text, line1) || ts_contains(text, name));
    free(text);
    json_decref(d);

    /* Second read: from the encrypted copy, no request to Temu. */
    d = ts_api_as(&app, "GET", path, app.admin_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "vault");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "shipping"), "addressLine1")), line1);
    json_decref(d);
    assert_int_equal(sbx_requests(), after_first);

    /* Every access is audited: who, which order, where from; never the address. */
    d = ts_api_as(&app, "GET", "/api/v1/audit?action=order.shipping.read&limit=50", app.ops_hdr,
                  NULL, 200);
    const json_t *entries = json_object_get(d, "entries");
    size_t ok = 0, failed = 0, i;
    const json_t *e;
    json_array_foreach(entries, i, e)
    {
        const char *outcome = json_string_value(json_object_get(e, "outcome"));
        const char *detail = json_string_value(json_object_get(e, "detail"));
        assert_false(ts_contains(detail, line1) || ts_contains(detail, name));
        if (strcmp(outcome, "success") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "target")), sn[0]);
            ok++;
        } else {
            failed++;
        }
    }
    assert_int_equal(ok, 2);
    assert_true(failed >= 1); /* the unknown order */
    json_decref(d);

    /* Rotation re-seals the copy; it is still served without Temu. */
    char *rot[] = {(char *)"vault", (char *)"rotate", NULL};
    if (ts_aicos_run(rot, env, &out, &err) != 0)
        fail_msg("vault rotate: %s %s", out, err);
    free(out);
    free(err);
    d = ts_api_as(&app, "GET", path, app.operator_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "vault");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "shipping"), "receiptName")), name);
    json_decref(d);
    assert_int_equal(sbx_requests(), after_first);
    /* A new fetch after rotation is sealed under the new key and read back. */
    shipping_path(sn[1], path, sizeof path);
    d = ts_api_as(&app, "POST", path, app.operator_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "temu");
    json_decref(d);
    d = ts_api_as(&app, "GET", path, app.operator_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(d, "source")), "vault");
    json_decref(d);
    db_has_no(needles, 5);

    /* Never logged: the server's output holds none of it. */
    char *logs[2] = {ts_read_file(app.server.proc.out_path),
                     ts_read_file(app.server.proc.err_path)};
    assert_true(strlen(logs[0]) + strlen(logs[1]) > 0);
    for (size_t k = 0; k < 2; k++) {
        for (size_t x = 0; x < 5; x++)
            if (logs[k] != NULL && ts_contains(logs[k], needles[x]))
                fail_msg("the server logged \"%s\"", needles[x]);
        free(logs[k]);
    }

    /* Without a vault key there is nowhere safe to keep it: 503. */
    struct ts_server nokey;
    char *env2[] = {app.env_gw, NULL};
    ts_server_start(&nokey, app.db_url, env2);
    char hdr[160];
    snprintf(hdr, sizeof hdr, "%s", app.operator_hdr);
    d = ts_api_at(nokey.port, "GET", path, hdr, NULL, 503);
    assert_string_equal(error_code(d), "vault_unavailable");
    json_decref(d);
    ts_server_stop(&nokey);

    /* A retryable Temu failure that outlasts the client's retries is 503 temu_unavailable, as
     * for the shipment upload. */
    shipping_path(sn[2], path, sizeof path);
    json_decref(ts_sbx(&app, "POST", "/_sandbox/faults", "{\"kind\":\"truncated\",\"count\":50}"));
    d = ts_api_as(&app, "POST", path, app.operator_hdr, NULL, 503);
    assert_string_equal(error_code(d), "temu_unavailable");
    json_decref(d);
    json_decref(ts_sbx(&app, "DELETE", "/_sandbox/faults", NULL));

    /* A revoked token is a clean upstream error naming Temu's refusal. */
    char body[400];
    snprintf(body, sizeof body, "{\"access_token\":\"%s\"}", access_token);
    json_decref(ts_sbx(&app, "POST", "/_sandbox/tokens/revoke", body));
    shipping_path(sn[2], path, sizeof path);
    d = ts_api_as(&app, "POST", path, app.operator_hdr, NULL, 502);
    assert_string_equal(error_code(d), "temu_token_rejected");
    json_decref(d);
    json_decref(truth);
}

static void shipments_path(const char *sn, char *path, size_t len)
{
    snprintf(path, len, "/api/v1/orders/%s/shipments", sn);
}

/* The parcels the sandbox lists for the first sub-order of sn, and its parent status. */
static size_t sandbox_parcels(const char *sn, const char *tracking, int64_t *status)
{
    struct temu_client *c = sandbox_client();
    struct temu_error te;
    struct temu_order od;
    struct temu_shipments sh;
    assert_int_equal(temu_api_order_detail(c, sn, &od, &te), ERR_OK);
    *status = (int64_t)json_integer_value(json_object_get(od.parent_order, "parentOrderStatus"));
    const char *osn =
        json_string_value(json_object_get(json_array_get(od.order_list, 0), "orderSn"));
    assert_int_equal(temu_api_shipment_get(c, sn, osn, &sh, &te), ERR_OK);
    size_t n = 0;
    for (size_t i = 0; i < sh.count; i++)
        n += strcmp(sh.items[i].tracking_number, tracking) == 0;
    temu_shipments_clear(&sh);
    temu_order_clear(&od);
    temu_client_free(c);
    return n;
}

static void test_shipments(void **state)
{
    (void)state;
    ts_app_sync_days(&app, conn_id, "orders", 92);
    json_t *list =
        ts_api_as(&app, "GET", "/api/v1/orders?status=2&limit=10", app.viewer_hdr, NULL, 200);
    const json_t *orders = json_object_get(list, "orders");
    if (json_array_size(orders) < 3)
        fail_msg("only %zu unshipped orders to ship", json_array_size(orders));
    char sn[3][80], path[256], body[512];
    for (size_t i = 0; i < 3; i++)
        snprintf(sn[i], sizeof sn[i], "%s",
                 json_string_value(json_object_get(json_array_get(orders, i), "parent_order_sn")));
    json_decref(list);
    shipments_path(sn[0], path, sizeof path);

    /* Roles, then bad input: refused before anything is sent to Temu's confirm. */
    snprintf(body, sizeof body, "{\"carrier_id\":699272600,\"tracking_number\":\"%s\"}",
             "9400 1112 0255 5842 7612 34");
    json_decref(ts_api_as(&app, "POST", path, app.viewer_hdr, body, 403));
    json_t *d = ts_api_as(&app, "POST", path, app.operator_hdr,
                          "{\"carrier_id\":1,\"tracking_number\":\"x\"}", 422);
    assert_string_equal(error_code(d), "bad_carrier");
    json_decref(d);
    d = ts_api_as(&app, "POST", path, app.operator_hdr,
                  "{\"carrier_id\":699272600,\"tracking_number\":\"1Z99\"}", 422);
    assert_string_equal(error_code(d), "tracking_invalid");
    json_decref(d);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "uploads")), 0);
    assert_true(json_array_size(json_object_get(d, "carriers")) >= 4); /* cached by the first */
    json_decref(d);
    json_decref(
        ts_api_as(&app, "POST", "/api/v1/orders/PO-000-1/shipments", app.operator_hdr, body, 404));

    /* Upload: Temu has the parcel and the order is shipped; the answer is the record. */
    long long before = sbx_requests();
    d = ts_api_as(&app, "POST", path, app.operator_hdr, body, 201);
    assert_string_equal(json_string_value(json_object_get(d, "state")), "confirmed");
    assert_string_equal(json_string_value(json_object_get(d, "tracking_number")),
                        "9400111202555842761234");
    assert_string_equal(json_string_value(json_object_get(d, "carrier_name")), "USPS");
    assert_false(json_is_true(json_object_get(d, "replayed")));
    json_decref(d);
    int64_t status = 0;
    assert_int_equal(sandbox_parcels(sn[0], "9400111202555842761234", &status), 1);
    assert_true(status == 4 || status == 41);
    /* A repeat is answered from the record: no call to Temu at all. */
    long long after = sbx_requests();
    assert_true(after > before);
    d = ts_api_as(&app, "POST", path, app.operator_hdr, body, 200);
    assert_true(json_is_true(json_object_get(d, "replayed")));
    json_decref(d);
    assert_int_equal(sbx_requests(), after);
    snprintf(body, sizeof body, "{\"carrier_id\":699272602,\"tracking_number\":\"%s\"}",
             "9400111202555842761234"); /* FedEx accepts 22 digits too */
    d = ts_api_as(&app, "POST", path, app.operator_hdr, body, 409);
    assert_string_equal(error_code(d), "shipment_conflict");
    json_decref(d);

    /* The answer is lost: 503, then the retry finds the parcel at Temu and uploads nothing. */
    shipments_path(sn[1], path, sizeof path);
    snprintf(body, sizeof body, "{\"carrier_id\":699272601,\"tracking_number\":\"%s\"}",
             "1Z999AA10123456784");
    json_decref(ts_sbx(&app, "POST", "/_sandbox/faults", "{\"kind\":\"truncated\",\"count\":1}"));
    d = ts_api_as(&app, "POST", path, app.operator_hdr, body, 503);
    assert_string_equal(error_code(d), "temu_unavailable");
    json_decref(d);
    json_decref(ts_sbx(&app, "DELETE", "/_sandbox/faults", NULL));
    assert_int_equal(sandbox_parcels(sn[1], "1Z999AA10123456784", &status), 1);
    d = ts_api_as(&app, "POST", path, app.operator_hdr, body, 200);
    assert_string_equal(json_string_value(json_object_get(d, "state")), "confirmed");
    json_decref(d);
    assert_int_equal(sandbox_parcels(sn[1], "1Z999AA10123456784", &status), 1);

    /* The order page's form does the same and redirects back with a notice. */
    char page[256], form[256];
    struct ts_http_resp r;
    snprintf(page, sizeof page, "/orders/%s", sn[2]);
    assert_true(ts_http_ex(app.server.port, "GET", page, app.operator_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "id=\"shipment\"") && ts_contains(r.body, "carrier_id"));
    ts_http_free(&r);
    snprintf(page, sizeof page, "/orders/%s/shipments", sn[2]);
    snprintf(form, sizeof form, "connection_id=%s&carrier_id=699272602&tracking_number=%s", conn_id,
             "123456789012");
    assert_true(ts_http_ex(app.server.port, "POST", page, app.operator_hdr,
                           "application/x-www-form-urlencoded", form, &r));
    assert_int_equal(r.status, 303);
    char loc[256];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_true(ts_contains(loc, "shipment=uploaded"));
    ts_http_free(&r);
    assert_int_equal(sandbox_parcels(sn[2], "123456789012", &status), 1);

    /* Every attempt is audited with the carrier and tracking number. */
    d = ts_api_as(&app, "GET", "/api/v1/audit?action=order.shipment.confirm&limit=50", app.ops_hdr,
                  NULL, 200);
    size_t ok = 0, failed = 0, i;
    const json_t *e;
    json_array_foreach(json_object_get(d, "entries"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "outcome")), "success") == 0)
            ok++;
        else
            failed++;
    }
    assert_int_equal(ok, 4);     /* uploaded, replayed, finished after the lost answer, form */
    assert_int_equal(failed, 5); /* carrier, tracking, unknown order, conflict, lost answer */
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipments),
        cmocka_unit_test(test_shipping),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

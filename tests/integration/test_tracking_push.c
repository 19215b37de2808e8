/*
 * Integration (issue 12): the track-sandbox SENDS its pushes to aicos's webhook over real HTTP
 * between the two processes, on SQLite and PostgreSQL. The sandbox signs with its first key
 * while aicos holds the second one: every push is refused (bad signature, nothing stored) and
 * the sandbox retries 10 virtual minutes later; once the sandbox's key is stored as aicos's
 * second push key the retries are accepted and the parcels converge to the sandbox's truth.
 * Then pushes stop and gettracklist finds the parcels left behind (missed pushes). The
 * configuration goes through the JSON API and the /settings/tracking page, bad input refused
 * with nothing changed.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEY_A "TRACKPUSHKEYA0123456789" /* the sandbox signs pushes with its first key */
#define KEY_B "TRACKPUSHKEYB0123456789" /* aicos calls 17TRACK with this one */
#define H     3600LL

static const char *const numbers[] = {"9400111111111111111201", "9400111111111111111202",
                                      "9400111111111111111203"};
static struct ts_app app;
static struct ts_proc tsbx;
static unsigned tport;

static int setup(void **state)
{
    (void)state;
    char *sandbox_args[] = {(char *)"--shops", (char *)"1", (char *)"--orders", (char *)"1", NULL};
    ts_app_prepare(&app, "trk_push",
                   "[{\"app_key\":\"trkpushapp000000000000000000001\",\"app_secret\":"
                   "\"trkpushsecret00000000000000000000000000001\",\"name\":\"Push\",\"scopes\":"
                   "[\"bg.order.list.v2.get\"]}]",
                   sandbox_args);
    ts_app_serve(&app, NULL);
    char keys[TS_PATH_MAX], listen[64];
    snprintf(keys, sizeof keys, "%s/tkeys", app.tmp);
    FILE *f = fopen(keys, "w");
    assert_non_null(f);
    fputs(KEY_A "\n" KEY_B "\n", f);
    fclose(f);
    tport = ts_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", tport);
    char *argv[] = {getenv("TRACK_SANDBOX_BIN"),
                    (char *)"--listen",
                    listen,
                    (char *)"--seed",
                    (char *)"7",
                    (char *)"--key-file",
                    keys,
                    NULL};
    assert_non_null(argv[0]);
    ts_spawn(app.tmp, argv, NULL, &tsbx);
    ts_wait_output(&tsbx, "track-sandbox listening", 20000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_stop(&tsbx, SIGTERM, 15000);
    ts_app_stop(&app);
    return 0;
}

static json_t *tsb(const char *method, const char *path, const char *body)
{
    struct ts_http_resp r;
    assert_true(ts_http(tport, method, path, "application/json", body, &r));
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    assert_non_null(j);
    return j;
}

static void advance(long long s)
{
    char b[48];
    snprintf(b, sizeof b, "{\"advance\":%lld}", s);
    json_decref(tsb("POST", "/_sandbox/clock", b));
}

/* Waits until the sandbox has no push waiting to be sent now; returns its counters. */
static json_t *pushes_settled(long long want_delivered, long long want_failed)
{
    for (int waited = 0;; waited += 50) {
        json_t *w = tsb("GET", "/_sandbox/webhook", NULL);
        long long d = json_integer_value(json_object_get(w, "delivered"));
        long long f = json_integer_value(json_object_get(w, "failed_attempts"));
        if (d >= want_delivered && f >= want_failed)
            return w;
        json_decref(w);
        assert_true(waited < 30000);
        ts_sleep_ms(50);
    }
}

static int aicos(const char *const *args, char **out)
{
    char *env[] = {app.env_db, app.env_key, NULL};
    char *err = NULL, *o = NULL;
    int rc = ts_aicos_run((char *const *)args, env, &o, &err);
    if (rc != 0)
        fprintf(stderr, "aicos %s %s: %s %s\n", args[0], args[1], o, err);
    if (out != NULL)
        *out = o;
    else
        free(o);
    free(err);
    return rc;
}

static void put_settings(const char *body, int want)
{
    json_decref(ts_api(&app, "PUT", "/api/v1/tracking/settings", body, want));
}

/* Bad settings through the API and the page change nothing; good ones apply, keys masked. */
static void settings_via_api_and_page(void)
{
    static const char *const bad[] = {"{\"provider\":\"fedex\"}",         "{\"rate_per_min\":0}",
                                      "{\"rate_per_min\":151}",           "{\"bogus\":1}",
                                      "{\"key\":\"two words\"}",          "{\"enabled\":\"yes\"}",
                                      "{\"url\":\"ftp://example.com/\"}", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        put_settings(bad[i], 422);
    json_t *s = ts_api(&app, "GET", "/api/v1/tracking/settings", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(s, "provider")), "none");
    assert_true(json_is_null(json_object_get(s, "key")));
    json_decref(s);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM secrets WHERE name LIKE "
                                           "'tracking/%'"),
                     0);
    char body[512];
    snprintf(
        body, sizeof body,
        "{\"provider\":\"17track\",\"url\":\"http://127.0.0.1:%u/track/v2.2/\",\"key\":\"" KEY_B
        "\",\"rate_per_min\":150,\"enabled\":true}",
        tport);
    s = ts_api(&app, "PUT", "/api/v1/tracking/settings", body, 200);
    char *text = json_dumps(s, JSON_COMPACT);
    assert_false(ts_contains(text, KEY_B)); /* never shown whole */
    assert_true(ts_contains(text, "6789"));
    free(text);
    json_decref(s);
    /* The page: a browser session sees the settings and the webhook address; a bad budget is
     * refused with the notice and nothing changes. */
    char cookie[128], csrf[128], hdr[320], form[512];
    struct ts_http_resp r;
    ts_session_login(app.db_url, app.server.port, "trkadmin", "seller_admin", cookie, sizeof cookie,
                     csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    snprintf(form, sizeof form, "csrf_token=%s&provider=17track&enabled=1&rate=999", csrf);
    assert_true(ts_http_ex(app.server.port, "POST", "/settings/tracking", hdr,
                           "application/x-www-form-urlencoded", form, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    assert_true(ts_http_ex(app.server.port, "GET", "/settings/tracking", hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "1 to 150 requests a minute"));
    assert_true(ts_contains(r.body, "/api/v1/tracking/17track/webhook"));
    assert_false(ts_contains(r.body, KEY_B));
    ts_http_free(&r);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_settings WHERE name = "
                                           "'rate_per_min' AND value = '150'"),
                     1);
    snprintf(form, sizeof form,
             "csrf_token=%s&action=set&temu_carrier_id=0&name=OnTrac&code=100150", csrf);
    assert_true(ts_http_ex(app.server.port, "POST", "/settings/tracking/carriers", hdr,
                           "application/x-www-form-urlencoded", form, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    json_decref(ts_api(&app, "DELETE", "/api/v1/tracking/carriers?name=OnTrac", NULL, 200));
    json_decref(ts_api(&app, "DELETE", "/api/v1/tracking/carriers?name=OnTrac", NULL, 404));
    json_decref(
        ts_api(&app, "PUT", "/api/v1/tracking/carriers", "{\"name\":\"X\",\"code\":\"1\"}", 422));
}

/* Every parcel has the sandbox's events and sub-status. */
static void assert_converged(void)
{
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char path[128], sql[256];
        snprintf(path, sizeof path, "/_sandbox/truth?number=%s", numbers[i]);
        json_t *t = tsb("GET", path, NULL);
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM tracking_events e JOIN tracking_shipments s ON s.id = "
                 "e.shipment_id WHERE s.tracking_number = '%s'",
                 numbers[i]);
        assert_int_equal(ts_db_int(app.db_url, sql),
                         json_integer_value(json_object_get(t, "events")));
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM tracking_shipments WHERE tracking_number = '%s' AND "
                 "raw_sub_status = '%s'",
                 numbers[i], json_string_value(json_object_get(t, "sub_status")));
        assert_int_equal(ts_db_int(app.db_url, sql), 1);
        json_decref(t);
    }
}

static void test_pushes_over_http(void **state)
{
    (void)state;
    settings_via_api_and_page();
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char b[128];
        snprintf(b, sizeof b, "{\"number\":\"%s\",\"scenario\":\"domestic\"}", numbers[i]);
        json_decref(tsb("POST", "/_sandbox/scenario", b));
        const char *add[] = {"tracking", "add", "--number", numbers[i], NULL};
        assert_int_equal(aicos(add, NULL), 0);
    }
    /* Added by hand without a carrier: /shipments says so until 17TRACK detects it. */
    struct ts_http_resp r;
    assert_true(ts_http_ex(app.server.port, "GET", "/shipments", app.admin_hdr, NULL, NULL, &r));
    assert_true(ts_contains(r.body, "id=\"carriers-unmapped\""));
    ts_http_free(&r);
    const char *refresh[] = {"tracking", "refresh", "--no-discover", NULL};
    assert_int_equal(aicos(refresh, NULL), 0);
    assert_true(ts_http_ex(app.server.port, "GET", "/shipments", app.admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_false(ts_contains(r.body, "id=\"carriers-unmapped\""));
    ts_http_free(&r);
    char url[160];
    snprintf(url, sizeof url, "{\"url\":\"http://127.0.0.1:%u/api/v1/tracking/17track/webhook\"}",
             app.server.port);
    json_decref(tsb("POST", "/_sandbox/webhook", url));
    /* Two scans each (InfoReceived, PickedUp): six pushes, all refused under the wrong key. */
    advance(H + 6 * H);
    json_decref(pushes_settled(0, 6));
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_pushes"), 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_events"), 0);
    /* The sandbox's key as the second push key: the retries 10 minutes later are taken. */
    put_settings("{\"push_key\":\"" KEY_A "\"}", 200);
    advance(600);
    json_t *w = pushes_settled(6, 6);
    assert_int_equal(json_integer_value(json_object_get(w, "dropped")), 0);
    json_decref(w);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_pushes"), 6);
    assert_converged();
    /* Pushes stop (the 17TRACK side lost the URL); a day of scans later the refresh finds the
     * parcels behind through gettracklist and polls them. */
    json_decref(tsb("POST", "/_sandbox/webhook", "{\"url\":\"\"}"));
    advance(24 * H);
    char *out = NULL;
    assert_int_equal(aicos(refresh, &out), 0);
    assert_true(ts_contains(out, "missed=3"));
    free(out);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_pushes"), 6);
    assert_converged();
    /* Nothing is behind any more: the next refresh finds none. */
    assert_int_equal(aicos(refresh, &out), 0);
    assert_true(ts_contains(out, "missed=0"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pushes_over_http),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

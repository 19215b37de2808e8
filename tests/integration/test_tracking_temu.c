/*
 * Integration (issue 12): the parcels of a real temu-sandbox shop's shipped orders followed
 * end to end, on SQLite and PostgreSQL. The orders stream syncs the shop; `aicos tracking
 * refresh` with the Temu provider discovers every parcel (bg.logistics.shipment.v2.get) and
 * reads its scans (temu.track.trackinginfo.get); switching to 17TRACK (a real track-sandbox)
 * registers the same numbers there, each once, and their statuses move on its clock.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define APP_KEY    "trkappkey00000000000000000000001"
#define APP_SECRET "trkappsecret0000000000000000000000000000001"
#define TKEY       "TRACKTEMUKEY0123456789"

static struct ts_app app;
static char conn_id[64];
static char since[32]; /* the backfill start of the orders stream */

static int setup(void **state)
{
    (void)state;
    char *sandbox_args[] = {(char *)"--shops",      (char *)"1",      (char *)"--orders",
                            (char *)"30",           (char *)"--seed", (char *)"5",
                            (char *)"--rate-limit", (char *)"0",      NULL};
    ts_app_prepare(&app, "trk_temu",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Tracking\",\"scopes\":[\"bg.order.list.v2.get\","
                   "\"bg.logistics.shipment.v2.get\",\"temu.track.trackinginfo.get\"]}]",
                   sandbox_args);
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    ts_app_serve(&app, env);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id, NULL, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static int aicos(char *const *args, char **out)
{
    char *env[] = {app.env_db, app.env_key, app.env_gw, (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *err = NULL, *o = NULL;
    int rc = ts_aicos_run(args, env, &o, &err);
    if (rc != 0)
        fprintf(stderr, "aicos %s %s: %s %s\n", args[0], args[1], o, err);
    if (out != NULL)
        *out = o;
    else
        free(o);
    free(err);
    return rc;
}

static json_t *shipments(const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/shipments?limit=500%s", query);
    return ts_api(&app, "GET", path, NULL, 200);
}

static void test_temu_then_17track(void **state)
{
    (void)state;
    json_t *t = ts_sbx(&app, "GET", "/_sandbox/truth", NULL);
    snprintf(since, sizeof since, "%lld",
             (long long)json_integer_value(json_object_get(t, "epoch")) - 92LL * 86400);
    json_decref(t);
    char *sync[] = {(char *)"sync",
                    (char *)"run",
                    (char *)"--connection",
                    conn_id,
                    (char *)"--stream",
                    (char *)"orders",
                    (char *)"--since",
                    since,
                    NULL};
    assert_int_equal(aicos(sync, NULL), 0);
    char *conf[] = {(char *)"tracking", (char *)"configure", (char *)"--provider", (char *)"temu",
                    NULL};
    assert_int_equal(aicos(conf, NULL), 0);
    char *refresh[] = {(char *)"tracking", (char *)"refresh", NULL};
    assert_int_equal(aicos(refresh, NULL), 0);
    /* The shipments stream read every shipped order once (a run with its checkpoint); the
     * parcels are followed with their scans. */
    long long shipped = ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_orders WHERE status "
                                              "IN (4, 41, 5, 51)");
    assert_true(shipped > 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_parcel_orders WHERE status "
                                           "IN (4, 41, 5, 51) AND parcels > 0"),
                     shipped);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM sync_runs WHERE stream = "
                                           "'shipments' AND outcome = 'success'"),
                     1);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_parcels"),
                     ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments"));
    json_t *doc = shipments("");
    size_t n = json_array_size(json_object_get(doc, "shipments")), delivered = 0, scanned = 0;
    assert_true(n > 0);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(doc, "shipments"), i, s)
    {
        assert_string_equal(json_string_value(json_object_get(s, "provider")), "temu");
        assert_string_equal(json_string_value(json_object_get(s, "connection_id")), conn_id);
        assert_true(json_string_length(json_object_get(s, "parent_order_sn")) > 0);
        const char *st = json_string_value(json_object_get(s, "status"));
        delivered += strcmp(st, "delivered") == 0;
        scanned += json_is_integer(json_object_get(s, "last_event_at"));
        if (strcmp(st, "delivered") == 0)
            assert_true(json_is_integer(json_object_get(s, "delivered_at")));
    }
    assert_true(delivered > 0);
    assert_true(scanned > delivered);
    json_decref(doc);
    /* A second refresh asks Temu for nothing new and stores no second copy. */
    assert_int_equal(aicos(refresh, NULL), 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments"),
                     (long long)n);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM sync_runs WHERE stream = "
                                           "'shipments' AND outcome = 'success' AND added = 0 "
                                           "AND updated = 0"),
                     1);

    /* Temu's number of a parcel was corrected: the parcel follows the new one from scratch. */
    ts_db_exec(app.db_url, "UPDATE temu_parcels SET tracking_number = '9400 1000 0000 0000 0000 "
                           "99' WHERE package_sn = (SELECT MIN(package_sn) FROM temu_parcels)");
    assert_int_equal(aicos(refresh, NULL), 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments WHERE "
                                           "tracking_number = '9400100000000000000099' AND "
                                           "package_sn = (SELECT MIN(package_sn) FROM "
                                           "temu_parcels)"),
                     1);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments"),
                     (long long)n);

    /* The Temu carriers the seeded mapping does not name are reported; one mapped by its id
     * leaves the report. */
    json_t *cars = ts_api(&app, "GET", "/api/v1/tracking/carriers", NULL, 200);
    json_t *unknown = json_object_get(cars, "unknown");
    assert_true(json_array_size(unknown) > 0);
    long long mapped_id =
        json_integer_value(json_object_get(json_array_get(unknown, 0), "temu_carrier_id"));
    size_t unknown_n = json_array_size(unknown);
    json_decref(cars);
    char body[160];
    snprintf(body, sizeof body, "{\"temu_carrier_id\":%lld,\"code\":100150}", mapped_id);
    json_decref(ts_api(&app, "PUT", "/api/v1/tracking/carriers", body, 200));
    cars = ts_api(&app, "GET", "/api/v1/tracking/carriers", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(cars, "unknown")), unknown_n - 1);
    json_decref(cars);

    /* The same parcels through 17TRACK. */
    char keys[TS_PATH_MAX], kf[TS_PATH_MAX], listen[64], url[128];
    snprintf(keys, sizeof keys, "%s/tkeys", app.tmp);
    snprintf(kf, sizeof kf, "%s/tkey", app.tmp);
    FILE *f = fopen(keys, "w");
    assert_non_null(f);
    fputs(TKEY "\n", f);
    fclose(f);
    f = fopen(kf, "w");
    assert_non_null(f);
    fputs(TKEY "\n", f);
    fclose(f);
    chmod(kf, 0600);
    unsigned port = ts_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/track/v2.2/", port);
    char *targv[] = {getenv("TRACK_SANDBOX_BIN"),
                     (char *)"--listen",
                     listen,
                     (char *)"--seed",
                     (char *)"3",
                     (char *)"--key-file",
                     keys,
                     NULL};
    assert_non_null(targv[0]);
    struct ts_proc tp;
    ts_spawn(app.tmp, targv, NULL, &tp);
    ts_wait_output(&tp, "track-sandbox listening", 20000);
    char *conf17[] = {(char *)"tracking",
                      (char *)"configure",
                      (char *)"--provider",
                      (char *)"17track",
                      (char *)"--url",
                      url,
                      (char *)"--key-file",
                      kf,
                      NULL};
    assert_int_equal(aicos(conf17, NULL), 0);
    char *refresh17[] = {(char *)"tracking", (char *)"refresh", (char *)"--no-discover", NULL};
    assert_int_equal(aicos(refresh17, NULL), 0);
    long long open = ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments WHERE "
                                           "provider = '17track'");
    assert_true(open > 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_shipments WHERE "
                                           "provider = '17track' AND reg_state = 'registered'"),
                     open);
    struct ts_http_resp r;
    assert_true(ts_http(port, "GET", "/_sandbox/stats", NULL, NULL, &r));
    json_t *st = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    assert_int_equal(json_integer_value(json_object_get(st, "register_duplicates")), 0);
    json_decref(st);

    /* Two virtual days later on the 17TRACK clock the parcels have scans there. */
    assert_true(
        ts_http(port, "POST", "/_sandbox/clock", "application/json", "{\"advance\":172800}", &r));
    ts_http_free(&r);
    char *all[] = {(char *)"tracking", (char *)"refresh", (char *)"--no-discover", (char *)"--all",
                   NULL};
    assert_int_equal(aicos(all, NULL), 0);
    assert_true(ts_db_int(app.db_url, "SELECT COUNT(*) FROM tracking_events e JOIN "
                                      "tracking_shipments s ON s.id = e.shipment_id WHERE "
                                      "s.provider = '17track' AND e.raw_status LIKE '%\\_%' "
                                      "ESCAPE '\\'") > 0);
    assert_int_equal(ts_stop(&tp, SIGTERM, 15000), 0);
}

/*
 * The shipments stream is crash-safe like the others: its checkpoints and parcels forgotten,
 * runs SIGKILLed at random moments, then one clean run: the same parcels as before, the
 * killed runs closed as abandoned, and one more run finds nothing new.
 */
static void test_shipments_stream_killed(void **state)
{
    (void)state;
    long long parcels = ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_parcels");
    assert_true(parcels > 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM sync_state WHERE stream = "
                                           "'shipments'"),
                     1);
    ts_db_exec(app.db_url, "DELETE FROM sync_state WHERE stream = 'shipments'");
    ts_db_exec(app.db_url, "DELETE FROM temu_parcel_orders");
    ts_db_exec(app.db_url, "DELETE FROM temu_parcels");
    char *env[] = {app.env_db, app.env_key, app.env_gw, (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *argv[] = {getenv("AICOS_BIN"),
                    (char *)"sync",
                    (char *)"run",
                    (char *)"--connection",
                    conn_id,
                    (char *)"--stream",
                    (char *)"shipments",
                    (char *)"--since",
                    since,
                    NULL};
    for (int i = 0; i < 3; i++) {
        struct ts_proc p;
        ts_spawn(app.tmp, argv, env, &p);
        ts_sleep_ms(120 + 150 * i);
        if (kill(p.pid, 0) == 0)
            kill(p.pid, SIGKILL);
        assert_true(ts_wait(&p, 30000) != -1);
    }
    assert_int_equal(aicos(argv + 1, NULL), 0);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM temu_parcels"), parcels);
    assert_int_equal(ts_db_int(app.db_url, "SELECT COUNT(*) FROM sync_runs WHERE stream = "
                                           "'shipments' AND outcome = 'running'"),
                     0);
    print_message("shipments: %lld runs killed mid-run\n",
                  ts_db_int(app.db_url, "SELECT COUNT(*) FROM sync_runs WHERE stream = "
                                        "'shipments' AND outcome = 'abandoned'"));
    char *out = NULL;
    assert_int_equal(aicos(argv + 1, &out), 0);
    assert_true(ts_contains(out, "added=0") && ts_contains(out, "updated=0"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temu_then_17track),
        cmocka_unit_test(test_shipments_stream_killed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

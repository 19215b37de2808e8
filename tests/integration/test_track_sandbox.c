/*
 * Integration: the real track-sandbox (17TRACK v2.2 emulator) on a free loopback port. Each
 * built-in scenario's status sequence at the expected virtual times (the expected table below
 * is written from docs/sandbox.md, not read from the emulator), the limits (41 numbers, the
 * 4th request in a second, quota, daily cap, duplicates), token and allow-list refusals, body
 * validation, the per-item error paths, faults, and webhook pushes: the `sign` header checked
 * with the test's own SHA-256 (OpenSSL), retries on the virtual clock, duplicates and
 * out-of-order delivery.
 */
#include "testsupport.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KEY   "TESTKEY0123456789ABCDEF0123456789"
#define H     3600LL
#define D     86400LL
#define FIRST 3600LL /* --first-event-delay */

struct tk {
    struct ts_proc proc;
    unsigned port;
    char *dir;
};

static pid_t tk_live;

static int tk_teardown(void **state)
{
    (void)state;
    if (tk_live > 0) {
        struct ts_proc p = {.pid = tk_live};
        ts_stop(&p, SIGKILL, 5000);
    }
    tk_live = 0;
    return 0;
}

static void tk_start(struct tk *t, const char *const *extra)
{
    const char *bin = getenv("TRACK_SANDBOX_BIN");
    assert_non_null(bin);
    memset(t, 0, sizeof *t);
    t->dir = ts_tmpdir("track");
    t->port = ts_free_port();
    char keys[TS_PATH_MAX], listen[64];
    snprintf(keys, sizeof keys, "%s/keys", t->dir);
    FILE *f = fopen(keys, "w");
    assert_non_null(f);
    fputs("# test key\n" KEY "\n", f);
    fclose(f);
    snprintf(listen, sizeof listen, "127.0.0.1:%u", t->port);
    char *argv[32] = {(char *)bin, (char *)"--listen",   listen, (char *)"--seed",
                      (char *)"7", (char *)"--key-file", keys,   (char *)"--rate-limit",
                      (char *)"0"};
    size_t n = 9;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    ts_spawn(t->dir, argv, NULL, &t->proc);
    tk_live = t->proc.pid;
    for (int waited = 0; waited < 20000; waited += 20) {
        char *out = ts_read_file(t->proc.out_path);
        bool up = ts_contains(out, "track-sandbox listening on http://127.0.0.1:");
        free(out);
        if (up)
            return;
        if (ts_wait(&t->proc, 0) >= 0) {
            char *err = ts_read_file(t->proc.err_path);
            fail_msg("track-sandbox exited early: %s", err);
        }
        ts_sleep_ms(20);
    }
    fail_msg("track-sandbox did not start within 20 s");
}

static void tk_stop(struct tk *t)
{
    tk_live = 0;
    assert_int_equal(ts_stop(&t->proc, SIGTERM, 15000), 0);
    char *err = ts_read_file(t->proc.err_path);
    assert_false(ts_contains(err, "AddressSanitizer"));
    assert_false(ts_contains(err, "runtime error"));
    free(err);
    free(t->dir);
}

/* POST /track/v2.2/name with the key (NULL: none); returns the parsed body, *status the HTTP. */
static json_t *tk_call_key(struct tk *t, const char *key, const char *name, const char *body,
                           int *status)
{
    char path[128], hdr[256] = "";
    snprintf(path, sizeof path, "/track/v2.2/%s", name);
    if (key != NULL)
        snprintf(hdr, sizeof hdr, "17token: %s\r\n", key);
    struct ts_http_resp r;
    assert_true(ts_http_ex(t->port, "POST", path, hdr, "application/json", body, &r));
    if (status != NULL)
        *status = r.status;
    json_t *j = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    return j;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *tk_call(struct tk *t, const char *name, const char *body)
{
    int status;
    json_t *j = tk_call_key(t, KEY, name, body, &status);
    assert_int_equal(status, 200);
    assert_non_null(j);
    return j;
}

static json_t *tk_admin(struct tk *t, const char *method, const char *path, const char *body)
{
    struct ts_http_resp r;
    assert_true(ts_http(t->port, method, path, body ? "application/json" : NULL, body, &r));
    if (r.status != 200)
        fail_msg("%s %s: HTTP %d %s", method, path, r.status, r.body);
    json_t *j = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    assert_non_null(j);
    return j;
}

static void tk_advance(struct tk *t, long long s)
{
    char b[64];
    snprintf(b, sizeof b, "{\"advance\":%lld}", s);
    json_decref(tk_admin(t, "POST", "/_sandbox/clock", b));
}

static void tk_force(struct tk *t, const char *number, const char *scenario)
{
    char b[160];
    snprintf(b, sizeof b, "{\"number\":\"%s\",\"scenario\":\"%s\"}", number, scenario);
    json_decref(tk_admin(t, "POST", "/_sandbox/scenario", b));
}

static json_t *accepted(json_t *j, size_t i)
{
    return json_array_get(json_object_get(json_object_get(j, "data"), "accepted"), i);
}

static json_t *rejected(json_t *j, size_t i)
{
    return json_array_get(json_object_get(json_object_get(j, "data"), "rejected"), i);
}

static long long reject_code(json_t *j, size_t i)
{
    return json_integer_value(json_object_get(json_object_get(rejected(j, i), "error"), "code"));
}

static long long whole_code(json_t *j)
{
    json_t *e = json_array_get(json_object_get(json_object_get(j, "data"), "errors"), 0);
    assert_int_equal(json_integer_value(json_object_get(e, "code")),
                     json_integer_value(json_object_get(j, "code")));
    return json_integer_value(json_object_get(j, "code"));
}

/* One register call of a single number; returns the code (0 accepted). */
static long long reg1(struct tk *t, const char *item)
{
    char b[512];
    snprintf(b, sizeof b, "[%s]", item);
    json_t *j = tk_call(t, "register", b);
    long long c = accepted(j, 0) != NULL ? 0 : reject_code(j, 0);
    json_decref(j);
    return c;
}

/* ---- scenarios -------------------------------------------------------------------------- */

struct step {
    long long at; /* seconds after the first event */
    const char *sub;
};

struct expect {
    const char *number, *scenario;
    struct step steps[12];
};

/* From docs/sandbox.md "Scenarios". */
static const struct expect expects[] = {
    {"9400100000000000000001",
     "domestic",
     {{0, "InfoReceived"},
      {5 * H, "InTransit_PickedUp"},
      {12 * H, "InTransit_Other"},
      {30 * H, "InTransit_Other"},
      {46 * H, "OutForDelivery_Other"},
      {52 * H, "Delivered_Other"}}},
    {"RR100000001CN",
     "postal_customs",
     {{0, "InfoReceived"},
      {8 * H, "InTransit_PickedUp"},
      {2 * D, "InTransit_Other"},
      {3 * D, "InTransit_Departure"},
      {8 * D, "InTransit_Arrival"},
      {8 * D + 6 * H, "InTransit_CustomsProcessing"},
      {14 * D + 6 * H, "InTransit_CustomsReleased"},
      {15 * D, "InTransit_Other"},
      {17 * D, "OutForDelivery_Other"},
      {17 * D + 6 * H, "Delivered_Other"}}},
    {"YT1000000000000001",
     "line_handover",
     {{0, "InfoReceived"},
      {6 * H, "InTransit_PickedUp"},
      {1 * D, "InTransit_Other"},
      {2 * D, "InTransit_Departure"},
      {5 * D, "InTransit_Arrival"},
      {5 * D + 8 * H, "InTransit_CustomsReleased"},
      {6 * D, "InTransit_Other"},
      {6 * D + 4 * H, "InTransit_PickedUp"},
      {7 * D, "InTransit_Other"},
      {9 * D, "OutForDelivery_Other"},
      {9 * D + 5 * H, "Delivered_Other"}}},
    {"1Z1000000000000001",
     "failed_pickup",
     {{0, "InfoReceived"},
      {5 * H, "InTransit_PickedUp"},
      {20 * H, "InTransit_Other"},
      {40 * H, "OutForDelivery_Other"},
      {46 * H, "DeliveryFailure_NoBody"},
      {3 * D, "AvailableForPickup_Other"},
      {5 * D, "Delivered_Other"}}},
    {"9400100000000000000002",
     "return_to_sender",
     {{0, "InfoReceived"},
      {5 * H, "InTransit_PickedUp"},
      {20 * H, "InTransit_Other"},
      {40 * H, "OutForDelivery_Other"},
      {44 * H, "DeliveryFailure_InvalidAddress"},
      {3 * D, "Exception_Returning"},
      {5 * D, "Exception_Returning"},
      {7 * D, "Exception_Returned"}}},
    {"9400100000000000000003",
     "lost",
     {{0, "InfoReceived"},
      {6 * H, "InTransit_PickedUp"},
      {1 * D, "InTransit_Other"},
      {3 * D, "InTransit_Other"}}},
    {"9400100000000000000004", "invalid", {{0, "NotFound_InvalidCode"}}},
    {"RR100000002CN",
     "unknown_sub_status",
     {{0, "InfoReceived"},
      {6 * H, "InTransit_PickedUp"},
      {2 * D, "InTransit_TransportArrived"},
      {4 * D, "Exception_Damaged"}}},
};
#define NEXPECT (sizeof expects / sizeof expects[0])

static const char *expected_sub(const struct expect *e, long long since_reg)
{
    const char *sub = "NotFound_Other";
    for (size_t i = 0; i < 12 && e->steps[i].sub != NULL; i++)
        if (FIRST + e->steps[i].at <= since_reg)
            sub = e->steps[i].sub;
    return sub;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void test_scenarios(void **state)
{
    (void)state;
    struct tk t;
    const char *const flags[] = {"--first-event-delay", "3600", NULL};
    tk_start(&t, flags);
    char body[4096] = "[";
    for (size_t i = 0; i < NEXPECT; i++) {
        tk_force(&t, expects[i].number, expects[i].scenario);
        size_t l = strlen(body);
        snprintf(body + l, sizeof body - l, "%s{\"number\":\"%s\"}", i ? "," : "",
                 expects[i].number);
    }
    strncat(body, "]", sizeof body - strlen(body) - 1);
    json_t *j = tk_call(&t, "register", body);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "data"), "accepted")),
                     NEXPECT);
    /* Auto-detection by pattern: USPS, China Post, YunExpress, UPS. */
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 0), "carrier")), 21051);
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 1), "carrier")), 3011);
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 2), "carrier")), 190008);
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 3), "carrier")), 100002);
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 0), "origin")), 1);
    json_decref(j);
    snprintf(body + strlen(body) - 1, 2, "]"); /* the same array for gettrackinfo */

    /* Checkpoints: one minute after every scripted time, plus registration itself. */
    long long cps[128];
    size_t ncp = 0;
    cps[ncp++] = 0;
    for (size_t i = 0; i < NEXPECT; i++)
        for (size_t k = 0; k < 12 && expects[i].steps[k].sub != NULL && ncp < 127; k++)
            cps[ncp++] = FIRST + expects[i].steps[k].at + 60;
    qsort(cps, ncp, sizeof cps[0], cmp_ll);
    long long at = 0;
    for (size_t c = 0; c < ncp; c++) {
        if (c > 0 && cps[c] == cps[c - 1])
            continue;
        tk_advance(&t, cps[c] - at);
        at = cps[c];
        j = tk_call(&t, "gettrackinfo", body);
        for (size_t i = 0; i < NEXPECT; i++) {
            json_t *a = accepted(j, i);
            assert_string_equal(json_string_value(json_object_get(a, "number")), expects[i].number);
            json_t *ti = json_object_get(a, "track_info");
            const char *sub = json_string_value(
                json_object_get(json_object_get(ti, "latest_status"), "sub_status"));
            if (strcmp(sub, expected_sub(&expects[i], at)) != 0)
                fail_msg("%s (%s) at +%llds: %s, expected %s", expects[i].number,
                         expects[i].scenario, at, sub, expected_sub(&expects[i], at));
            assert_int_equal(json_array_size(json_object_get(ti, "milestone")), 9);
        }
        json_decref(j);
    }
    /* The hand-over: two providers, the last-mile one first, and its number in misc_info. */
    j = tk_call(&t, "gettrackinfo", "[{\"number\":\"YT1000000000000001\"}]");
    json_t *ti = json_object_get(accepted(j, 0), "track_info");
    json_t *prov = json_object_get(json_object_get(ti, "tracking"), "providers");
    assert_int_equal(json_array_size(prov), 2);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_array_get(prov, 0), "provider"), "key")),
                     21051);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(ti, "misc_info"), "local_provider")),
        "USPS");
    /* Events newest first; days_of_transit_done set once delivered. */
    json_t *ev = json_object_get(json_array_get(prov, 1), "events");
    assert_true(strcmp(json_string_value(json_object_get(json_array_get(ev, 0), "time_utc")),
                       json_string_value(json_object_get(json_array_get(ev, 1), "time_utc"))) > 0);
    json_t *tm = json_object_get(ti, "time_metrics");
    assert_true(json_integer_value(json_object_get(tm, "days_of_transit_done")) >= 8);
    json_decref(j);

    /* Lost: its last scan is on day 3; 30 days later it is stopped automatically. */
    tk_advance(&t, 3 * D + 30 * D + H - at);
    j = tk_call(&t, "gettracklist", "{\"tracking_status\":\"Stopped\"}");
    bool lost_stopped = false;
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(json_object_get(j, "data"), "accepted"), k, it)
        lost_stopped |=
        strcmp(json_string_value(json_object_get(it, "number")), "9400100000000000000003") == 0;
    assert_true(lost_stopped);
    json_decref(j);
    tk_stop(&t);
}

/* Same seed, same number, same scenario; the pick spreads over several scenarios. */
static void test_scenario_choice_is_deterministic(void **state)
{
    (void)state;
    char seen[2][40][32];
    for (int run = 0; run < 2; run++) {
        struct tk t;
        tk_start(&t, NULL);
        char body[4096] = "[";
        for (int i = 0; i < 40; i++) {
            size_t l = strlen(body);
            snprintf(body + l, sizeof body - l, "%s{\"number\":\"94001%017d\"}", i ? "," : "",
                     i * 7919);
        }
        strncat(body, "]", sizeof body - strlen(body) - 1);
        json_decref(tk_call(&t, "register", body));
        json_t *truth = tk_admin(&t, "GET", "/_sandbox/truth", NULL);
        json_t *nums = json_object_get(truth, "numbers");
        assert_int_equal(json_array_size(nums), 40);
        for (size_t i = 0; i < 40; i++)
            snprintf(seen[run][i], sizeof seen[run][i], "%s",
                     json_string_value(json_object_get(json_array_get(nums, i), "scenario")));
        json_decref(truth);
        tk_stop(&t);
    }
    int distinct = 0;
    for (size_t i = 0; i < 40; i++) {
        assert_string_equal(seen[0][i], seen[1][i]);
        bool first = true;
        for (size_t k = 0; k < i; k++)
            first &= strcmp(seen[0][k], seen[0][i]) != 0;
        distinct += first;
    }
    assert_true(distinct >= 3);
}

/* ---- limits, auth, validation, error paths ---------------------------------------------- */

static void test_limits_and_errors(void **state)
{
    (void)state;
    struct tk t;
    const char *const flags[] = {"--quota", "5", NULL};
    tk_start(&t, flags);
    int status;

    /* Token: missing or wrong is HTTP 401 with -18010002; in code mode HTTP 200. */
    json_t *j = tk_call_key(&t, NULL, "getquota", "[]", &status);
    assert_int_equal(status, 401);
    assert_int_equal(whole_code(j), -18010002);
    json_decref(j);
    j = tk_call_key(&t, "WRONG", "getquota", "[]", &status);
    assert_int_equal(status, 401);
    json_decref(j);
    json_decref(tk_admin(&t, "POST", "/_sandbox/auth", "{\"mode\":\"code\"}"));
    j = tk_call_key(&t, "WRONG", "getquota", "[]", &status);
    assert_int_equal(status, 200);
    assert_int_equal(whole_code(j), -18010002);
    json_decref(j);
    json_decref(tk_admin(&t, "POST", "/_sandbox/auth", "{\"allow_ip\":[\"10.1.2.3\"]}"));
    j = tk_call_key(&t, KEY, "getquota", "[]", &status);
    assert_int_equal(whole_code(j), -18010001);
    json_decref(j);
    json_decref(tk_admin(&t, "POST", "/_sandbox/auth", "{\"allow_ip\":[]}"));

    /* Methods and paths. */
    struct ts_http_resp r;
    assert_true(ts_http(t.port, "GET", "/track/v2.2/register", NULL, NULL, &r));
    assert_int_equal(r.status, 405);
    ts_http_free(&r);
    assert_true(ts_http(t.port, "POST", "/track/v2.2/nothing", "application/json", "[]", &r));
    assert_int_equal(r.status, 404);
    ts_http_free(&r);

    /* Body validation. */
    j = tk_call(&t, "register", "{not json");
    assert_int_equal(whole_code(j), -18010013);
    json_decref(j);
    j = tk_call(&t, "register", "{\"number\":\"RR123456789CN\"}");
    assert_int_equal(whole_code(j), -18010013);
    json_decref(j);
    char big[4096] = "[";
    for (int i = 0; i < 41; i++) {
        size_t l = strlen(big);
        snprintf(big + l, sizeof big - l, "%s{\"number\":\"RR%09dCN\"}", i ? "," : "", i);
    }
    strncat(big, "]", sizeof big - strlen(big) - 1);
    j = tk_call(&t, "register", big);
    assert_int_equal(whole_code(j), -18010014);
    json_decref(j);

    /* Per-item errors, quota untouched by rejections. */
    j = tk_call(&t, "register",
                "[{\"number\":\"ab\"},{\"number\":\"RR12345678!CN\"},{\"number\":\"QQQQQQQ\"},"
                "{\"number\":\"RR123456789CN\",\"carrier\":999},{\"carrier\":3011},"
                "{\"number\":\"1Z999AA10123456784\",\"final_carrier\":21051},"
                "{\"number\":\"RR123456789CN\"}]");
    assert_int_equal(reject_code(j, 0), -18010012);
    assert_int_equal(reject_code(j, 1), -18010012);
    assert_int_equal(reject_code(j, 2), -18019903);
    assert_int_equal(reject_code(j, 3), -18019910);
    assert_int_equal(reject_code(j, 4), -18010010);
    assert_int_equal(reject_code(j, 5), -18010016);
    assert_non_null(accepted(j, 0));
    json_decref(j);
    /* Duplicate: refused with its code and the carrier echoed, nothing spent. */
    j = tk_call(&t, "register", "[{\"number\":\"rr123456789cn\"}]");
    assert_int_equal(reject_code(j, 0), -18019901);
    assert_int_equal(json_integer_value(json_object_get(rejected(j, 0), "carrier")), 3011);
    json_decref(j);
    /* lang costs one more unit. */
    assert_int_equal(reg1(&t, "{\"number\":\"RR223456789CN\",\"lang\":\"en\"}"), 0);
    j = tk_call(&t, "getquota", "[]");
    json_t *q = json_object_get(j, "data");
    assert_int_equal(json_integer_value(json_object_get(q, "quota_total")), 5);
    assert_int_equal(json_integer_value(json_object_get(q, "quota_used")), 3);
    assert_int_equal(json_integer_value(json_object_get(q, "quota_remain")), 2);
    assert_int_equal(json_integer_value(json_object_get(q, "today_used")), 2);
    assert_non_null(json_object_get(q, "max_track_daily"));
    assert_non_null(json_object_get(q, "free_email_quota"));
    assert_non_null(json_object_get(q, "free_email_quotaused"));
    json_decref(j);
    /* Quota exhausted: two more fit, the third is refused. */
    j = tk_call(&t, "register",
                "[{\"number\":\"RR323456789CN\"},{\"number\":\"RR423456789CN\"},"
                "{\"number\":\"RR523456789CN\"}]");
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "data"), "accepted")), 2);
    assert_int_equal(reject_code(j, 0), -18019908);
    json_decref(j);
    /* Daily cap. */
    json_decref(tk_admin(&t, "POST", "/_sandbox/quota", "{\"total\":100,\"max_track_daily\":4}"));
    assert_int_equal(reg1(&t, "{\"number\":\"RR623456789CN\"}"), -18019907);
    json_decref(tk_admin(&t, "POST", "/_sandbox/quota", "{\"max_track_daily\":0}"));

    /* stop / retrack / changecarrier paths. */
    j = tk_call(&t, "retrack", "[{\"number\":\"RR123456789CN\"},{\"number\":\"RR999999999CN\"}]");
    assert_int_equal(reject_code(j, 0), -18019904);
    assert_int_equal(reject_code(j, 1), -18019902);
    json_decref(j);
    j = tk_call(&t, "changecarrier", "[{\"number\":\"RR123456789CN\",\"carrier_new\":3013}]");
    assert_int_equal(reject_code(j, 0), -18019808); /* no result yet */
    json_decref(j);
    tk_advance(&t, 2 * H);
    j = tk_call(&t, "changecarrier",
                "[{\"number\":\"RR123456789CN\"},{\"number\":\"RR123456789CN\",\"carrier_new\":7},"
                "{\"number\":\"RR123456789CN\",\"carrier_old\":3011,\"carrier_new\":3011},"
                "{\"number\":\"RR123456789CN\",\"carrier_old\":21051,\"carrier_new\":3013},"
                "{\"number\":\"RR123456789CN\",\"carrier_new\":3011},"
                "{\"number\":\"RR123456789CN\",\"carrier_new\":3013}]");
    assert_int_equal(reject_code(j, 0), -18019804);
    assert_int_equal(reject_code(j, 1), -18019802);
    assert_int_equal(reject_code(j, 2), -18019803);
    assert_int_equal(reject_code(j, 3), -18019805);
    assert_int_equal(reject_code(j, 4), -18019811);
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 0), "carrier_new")), 3013);
    json_decref(j);
    j = tk_call(&t, "stoptrack", "[{\"number\":\"RR123456789CN\"},{\"number\":\"RR123456789CN\"}]");
    assert_non_null(accepted(j, 0));
    assert_int_equal(reject_code(j, 0), -18019906);
    json_decref(j);
    j = tk_call(&t, "changecarrier", "[{\"number\":\"RR123456789CN\",\"carrier_new\":3011}]");
    assert_int_equal(reject_code(j, 0), -18019806);
    json_decref(j);
    j = tk_call(&t, "retrack", "[{\"number\":\"RR123456789CN\"}]");
    assert_non_null(accepted(j, 0));
    json_decref(j);
    json_decref(tk_call(&t, "stoptrack", "[{\"number\":\"RR123456789CN\"}]"));
    j = tk_call(&t, "retrack", "[{\"number\":\"RR123456789CN\"}]");
    assert_int_equal(reject_code(j, 0), -18019905);
    json_decref(j);
    j = tk_call(&t, "push", "[{\"number\":\"RR123456789CN\"}]");
    assert_int_equal(reject_code(j, 0), -18010204);
    json_decref(j);

    /* gettracklist: an object, filters and the page object. */
    j = tk_call(&t, "gettracklist", "[]");
    assert_int_equal(whole_code(j), -18010013);
    json_decref(j);
    j = tk_call(&t, "gettracklist", "{\"order_by\":\"Sideways\"}");
    assert_int_equal(whole_code(j), -18010011);
    json_decref(j);
    j = tk_call(&t, "gettracklist", "{\"carrier\":3011,\"order_by\":\"RegisterTimeDesc\"}");
    json_t *page = json_object_get(j, "page");
    assert_int_equal(json_integer_value(json_object_get(page, "data_total")), 3);
    assert_int_equal(json_integer_value(json_object_get(page, "page_size")), 40);
    json_decref(j);

    /* Faults: -18010003, 5xx, truncated JSON. */
    json_decref(tk_admin(&t, "POST", "/_sandbox/faults", "{\"kind\":\"system\",\"count\":1}"));
    j = tk_call(&t, "getquota", "[]");
    assert_int_equal(whole_code(j), -18010003);
    json_decref(j);
    json_decref(
        tk_admin(&t, "POST", "/_sandbox/faults", "{\"kind\":\"http\",\"status\":503,\"count\":1}"));
    j = tk_call_key(&t, KEY, "getquota", "[]", &status);
    assert_int_equal(status, 503);
    json_decref(j);
    json_decref(tk_admin(&t, "POST", "/_sandbox/faults", "{\"kind\":\"truncated\",\"count\":1}"));
    j = tk_call_key(&t, KEY, "getquota", "[]", &status);
    assert_int_equal(status, 200);
    assert_null(j);
    j = tk_call(&t, "getquota", "[]"); /* the rule was spent */
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 0);
    json_decref(j);

    /* Latency: the answer comes no sooner than the injected delay. */
    json_decref(tk_admin(&t, "POST", "/_sandbox/faults",
                         "{\"kind\":\"latency\",\"latency_ms\":300,\"count\":1}"));
    long long t0 = now_ms();
    json_decref(tk_call(&t, "getquota", "[]"));
    assert_true(now_ms() - t0 >= 300);

    /* Rate: 3 per second per key; the 4th within the second is HTTP 429 with code 429. On a
     * machine so slow that four calls take a second, the 4th is rightly accepted: try again. */
    json_decref(tk_admin(&t, "POST", "/_sandbox/ratelimit", "{\"limit\":3}"));
    bool refused = false;
    for (int attempt = 0; attempt < 5 && !refused; attempt++) {
        ts_sleep_ms(1100);
        t0 = now_ms();
        for (int i = 0; i < 3; i++)
            json_decref(tk_call(&t, "getquota", "[]"));
        j = tk_call_key(&t, KEY, "getquota", "[]", &status);
        refused = status == 429;
        if (refused)
            assert_int_equal(whole_code(j), 429);
        else
            assert_true(now_ms() - t0 >= 1000);
        json_decref(j);
    }
    assert_true(refused);
    ts_sleep_ms(1100);
    json_decref(tk_call(&t, "getquota", "[]"));
    tk_stop(&t);
}

/* The carrier-change limits, registrations under two carriers, delete, push, filters, rules. */
static void test_more_error_paths(void **state)
{
    (void)state;
    struct tk t;
    tk_start(&t, NULL);
    tk_force(&t, "9400100000000000000009", "domestic");
    assert_int_equal(reg1(&t, "{\"number\":\"9400100000000000000009\"}"), 0);
    /* Five changes, each after a new event; the sixth is refused. */
    const long long step[] = {FIRST, 5 * H, 7 * H, 18 * H, 16 * H, 6 * H};
    for (int i = 0; i < 6; i++) {
        tk_advance(&t, step[i] + 60);
        char b[160];
        snprintf(b, sizeof b, "[{\"number\":\"9400100000000000000009\",\"carrier_new\":%d}]",
                 i % 2 == 0 ? 100002 : 21051);
        json_t *j = tk_call(&t, "changecarrier", b);
        if (i < 5)
            assert_non_null(accepted(j, 0));
        else
            assert_int_equal(reject_code(j, 0), -18019807);
        json_decref(j);
    }
    /* The same number under two carriers: records are keyed by number and carrier. */
    assert_int_equal(reg1(&t, "{\"number\":\"RR123456789CN\",\"carrier\":3011}"), 0);
    assert_int_equal(reg1(&t, "{\"number\":\"RR123456789CN\",\"carrier\":3013}"), 0);
    assert_int_equal(reg1(&t, "{\"number\":\"RR123456789CN\",\"carrier\":3013}"), -18019901);
    json_t *j = tk_call(&t, "changecarrier",
                        "[{\"number\":\"RR123456789CN\",\"carrier_new\":21051},"
                        "{\"number\":\"RR123456789CN\",\"carrier_old\":3011,\"carrier_new\":3013},"
                        "{\"number\":\"RR123456789CN\",\"carrier_old\":3011,\"carrier_new\":"
                        "21051,\"final_carrier_new\":21051}]");
    assert_int_equal(reject_code(j, 0), -18019801);
    assert_int_equal(reject_code(j, 1), -18019809);
    assert_int_equal(reject_code(j, 2), -18019810);
    json_decref(j);
    /* push before any data: -18019909 (with a URL set). */
    json_decref(tk_admin(&t, "POST", "/_sandbox/webhook", "{\"url\":\"http://127.0.0.1:9/x\"}"));
    j = tk_call(&t, "push", "[{\"number\":\"RR123456789CN\",\"carrier\":3013}]");
    assert_int_equal(reject_code(j, 0), -18019909);
    json_decref(j);
    /* delete, then register again: spends quota again. */
    j = tk_call(&t, "getquota", "[]");
    long long used = json_integer_value(json_object_get(json_object_get(j, "data"), "quota_used"));
    json_decref(j);
    j = tk_call(&t, "deletetrack", "[{\"number\":\"RR123456789CN\",\"carrier\":3013}]");
    assert_non_null(accepted(j, 0));
    json_decref(j);
    j = tk_call(&t, "gettrackinfo", "[{\"number\":\"RR123456789CN\",\"carrier\":3013}]");
    assert_int_equal(reject_code(j, 0), -18019902);
    json_decref(j);
    assert_int_equal(reg1(&t, "{\"number\":\"RR123456789CN\",\"carrier\":3013}"), 0);
    j = tk_call(&t, "getquota", "[]");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "data"), "quota_used")),
                     used + 1);
    json_decref(j);
    /* gettracklist by package status and by number. */
    j = tk_call(&t, "gettracklist", "{\"package_status\":\"Delivered\"}");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "page"), "data_total")),
                     1);
    assert_string_equal(json_string_value(json_object_get(accepted(j, 0), "number")),
                        "9400100000000000000009");
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 0), "carrier_change_count")),
                     5);
    json_decref(j);
    j = tk_call(&t, "gettracklist", "{\"number\":\"rr123456789cn,XX\"}");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "page"), "data_total")),
                     2);
    json_decref(j);
    /* param: an object of at most 1024 bytes. */
    assert_int_equal(reg1(&t, "{\"number\":\"RR923456789CN\",\"param\":[1]}"), -18010011);
    char big[1400];
    snprintf(big, sizeof big, "[{\"number\":\"RR923456789CN\",\"param\":{\"p\":\"%01100d\"}}]", 7);
    j = tk_call(&t, "register", big);
    assert_int_equal(reject_code(j, 0), -18010011);
    json_decref(j);
    assert_int_equal(
        reg1(&t, "{\"number\":\"RR923456789CN\",\"param\":{\"postal_code\":\"10001\"}}"), 0);
    j = tk_call(&t, "gettrackinfo", "[{\"number\":\"RR923456789CN\"}]");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(accepted(j, 0), "param"), "postal_code")),
        "10001");
    json_decref(j);
    /* A detection rule added at run time wins over the built-in ones. */
    assert_int_equal(reg1(&t, "{\"number\":\"ZZ12345678\"}"), -18019903);
    json_decref(tk_admin(&t, "POST", "/_sandbox/carriers",
                         "{\"pattern\":\"^ZZ[0-9]{8}$\",\"carrier\":190094,\"origin\":1}"));
    j = tk_call(&t, "register", "[{\"number\":\"ZZ12345678\"}]");
    assert_int_equal(json_integer_value(json_object_get(accepted(j, 0), "carrier")), 190094);
    json_decref(j);
    tk_stop(&t);
}

/* ---- webhook ---------------------------------------------------------------------------- */

#define RC_MAX 64

struct receiver {
    int fd;
    unsigned port;
    int answer;
    pthread_mutex_t lock;
    int hits;
    char *req[RC_MAX];
};

/* Reads one HTTP request from c into a malloc'd string: the header block, then as many body
 * bytes as its Content-Length says. */
static char *receiver_read(int c)
{
    size_t cap = 65536, got = 0, want = 0;
    char *buf = calloc(1, cap);
    struct timeval tv = {2, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (got + 1 < cap && (want == 0 || got < want)) {
        ssize_t n = recv(c, buf + got, cap - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        const char *end = strstr(buf, "\r\n\r\n");
        const char *len = strcasestr(buf, "\r\nContent-Length:");
        if (end != NULL && len != NULL && want == 0)
            want = (size_t)(end + 4 - buf) + strtoul(len + 17, NULL, 10);
    }
    return buf;
}

static void *receiver_main(void *arg)
{
    struct receiver *rc = arg;
    int c;
    /* Serves until the test shuts the listening socket down. */
    while ((c = accept(rc->fd, NULL, NULL)) >= 0) {
        char *req = receiver_read(c);
        pthread_mutex_lock(&rc->lock);
        int answer = rc->answer;
        if (rc->hits < RC_MAX)
            rc->req[rc->hits] = req;
        else
            free(req);
        rc->hits++;
        pthread_mutex_unlock(&rc->lock);
        char resp[128];
        int n =
            snprintf(resp, sizeof resp,
                     "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", answer);
        send(c, resp, (size_t)n, MSG_NOSIGNAL);
        close(c);
    }
    return NULL;
}

/* Listens on a free loopback port and starts serving in th. */
static void receiver_start(struct receiver *rc, pthread_t *th)
{
    memset(rc, 0, sizeof *rc);
    pthread_mutex_init(&rc->lock, NULL);
    rc->answer = 200;
    rc->port = ts_free_port();
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)rc->port),
                             .sin_addr = {.s_addr = htonl(INADDR_LOOPBACK)}};
    rc->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(rc->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(rc->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(rc->fd, 16), 0);
    assert_int_equal(pthread_create(th, NULL, receiver_main, rc), 0);
}

static int rc_hits(struct receiver *rc)
{
    pthread_mutex_lock(&rc->lock);
    int h = rc->hits;
    pthread_mutex_unlock(&rc->lock);
    return h;
}

static void rc_wait(struct receiver *rc, int hits)
{
    for (int i = 0; i < 500 && rc_hits(rc) < hits; i++)
        ts_sleep_ms(10);
    assert_int_equal(rc_hits(rc), hits);
    ts_sleep_ms(150); /* nothing more arrives */
    assert_int_equal(rc_hits(rc), hits);
}

/* The body of request i, checked against its sign header by the test's own SHA-256. */
static json_t *rc_verified(struct receiver *rc, int i)
{
    pthread_mutex_lock(&rc->lock);
    char *req = strdup(rc->req[i]);
    pthread_mutex_unlock(&rc->lock);
    const char *sh = strcasestr(req, "\r\nsign: ");
    assert_non_null(sh);
    char sign[80];
    snprintf(sign, sizeof sign, "%.*s", (int)strcspn(sh + 8, "\r\n"), sh + 8);
    const char *body = strstr(req, "\r\n\r\n") + 4;
    size_t blen = strlen(body);
    char *msg = malloc(blen + strlen(KEY) + 2);
    memcpy(msg, body, blen);
    msg[blen] = '/';
    memcpy(msg + blen + 1, KEY, strlen(KEY) + 1);
    unsigned char md[32];
    unsigned mdlen = 0;
    assert_int_equal(EVP_Digest(msg, strlen(msg), md, &mdlen, EVP_sha256(), NULL), 1);
    char hex[65];
    for (unsigned k = 0; k < 32; k++)
        snprintf(hex + 2 * k, 3, "%02x", md[k]);
    assert_string_equal(sign, hex);
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    free(msg);
    free(req);
    return j;
}

static const char *push_sub(json_t *p)
{
    return json_string_value(json_object_get(
        json_object_get(json_object_get(json_object_get(p, "data"), "track_info"), "latest_status"),
        "sub_status"));
}

static void test_webhook(void **state)
{
    (void)state;
    struct receiver rc;
    pthread_t th;
    receiver_start(&rc, &th);

    struct tk t;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/17track", rc.port);
    const char *const flags[] = {"--webhook-url", url, NULL};
    tk_start(&t, flags);
    tk_force(&t, "9400100000000000000001", "domestic");
    assert_int_equal(reg1(&t, "{\"number\":\"9400100000000000000001\",\"tag\":\"PO-1\"}"), 0);
    rc_wait(&rc, 0); /* registration pushes nothing */

    /* First event (1 h after registration): one signed TRACKING_UPDATED. */
    tk_advance(&t, FIRST + 60);
    rc_wait(&rc, 1);
    json_t *p = rc_verified(&rc, 0);
    assert_string_equal(json_string_value(json_object_get(p, "event")), "TRACKING_UPDATED");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "data"), "tag")),
                        "PO-1");
    assert_string_equal(push_sub(p), "InfoReceived");
    json_decref(p);

    /* A failing receiver: retries 10, 30 and 60 virtual minutes later, then dropped. */
    pthread_mutex_lock(&rc.lock);
    rc.answer = 500;
    pthread_mutex_unlock(&rc.lock);
    tk_advance(&t, 5 * H - 60 + 60); /* +5 h 1 min: picked up */
    rc_wait(&rc, 2);
    tk_advance(&t, 9 * 60);
    rc_wait(&rc, 2); /* not yet: 9 minutes */
    tk_advance(&t, 2 * 60);
    rc_wait(&rc, 3);
    tk_advance(&t, 31 * 60);
    rc_wait(&rc, 4);
    tk_advance(&t, 61 * 60);
    rc_wait(&rc, 5);
    json_t *w = tk_admin(&t, "GET", "/_sandbox/webhook", NULL);
    assert_int_equal(json_integer_value(json_object_get(w, "dropped")), 1);
    assert_int_equal(json_integer_value(json_object_get(w, "failed_attempts")), 4);
    json_decref(w);
    p = rc_verified(&rc, 4);
    assert_string_equal(push_sub(p), "InTransit_PickedUp");
    json_decref(p);

    /* Duplicates: each delivered push arrives twice, byte for byte. */
    pthread_mutex_lock(&rc.lock);
    rc.answer = 200;
    pthread_mutex_unlock(&rc.lock);
    json_decref(tk_admin(&t, "POST", "/_sandbox/webhook", "{\"duplicate\":true}"));
    tk_advance(&t, 6 * H); /* past the first event + 12 h: departed */
    rc_wait(&rc, 7);
    pthread_mutex_lock(&rc.lock);
    assert_string_equal(strstr(rc.req[5], "\r\n\r\n"), strstr(rc.req[6], "\r\n\r\n"));
    pthread_mutex_unlock(&rc.lock);
    json_decref(rc_verified(&rc, 6));

    /* Out of order: the three remaining steps revealed at once arrive newest first. */
    json_decref(
        tk_admin(&t, "POST", "/_sandbox/webhook", "{\"duplicate\":false,\"out_of_order\":true}"));
    tk_advance(&t, 2 * D);
    rc_wait(&rc, 10);
    const char *order[] = {"Delivered_Other", "OutForDelivery_Other", "InTransit_Other"};
    for (int i = 0; i < 3; i++) {
        p = rc_verified(&rc, 7 + i);
        assert_string_equal(push_sub(p), order[i]);
        json_decref(p);
    }

    /* Auto-stop 15 days after delivery: TRACKING_STOPPED. */
    json_decref(tk_admin(&t, "POST", "/_sandbox/webhook", "{\"out_of_order\":false}"));
    tk_advance(&t, 15 * D);
    rc_wait(&rc, 11);
    p = rc_verified(&rc, 10);
    assert_string_equal(json_string_value(json_object_get(p, "event")), "TRACKING_STOPPED");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "data"), "number")),
                        "9400100000000000000001");
    json_decref(p);
    /* push re-sends on demand. */
    json_t *j = tk_call(&t, "push", "[{\"number\":\"9400100000000000000001\"}]");
    assert_non_null(accepted(j, 0));
    json_decref(j);
    rc_wait(&rc, 12);
    p = rc_verified(&rc, 11);
    assert_string_equal(push_sub(p), "Delivered_Other");
    json_decref(p);

    tk_stop(&t);
    shutdown(rc.fd, SHUT_RDWR);
    close(rc.fd);
    pthread_join(th, NULL);
    for (int i = 0; i < RC_MAX && i < rc.hits; i++)
        free(rc.req[i]);
    pthread_mutex_destroy(&rc.lock);
}

static void test_help_and_bad_flags(void **state)
{
    (void)state;
    const char *bin = getenv("TRACK_SANDBOX_BIN");
    char *dir = ts_tmpdir("track-help");
    char *argv1[] = {(char *)bin, (char *)"--help", NULL};
    struct ts_proc p;
    ts_spawn(dir, argv1, NULL, &p);
    assert_int_equal(ts_wait(&p, 10000), 0);
    char *out = ts_read_file(p.out_path);
    assert_true(ts_contains(out, "--key-file"));
    free(out);
    char *argv2[] = {(char *)bin, (char *)"--rate-limit", (char *)"x", NULL};
    ts_spawn(dir, argv2, NULL, &p);
    assert_int_equal(ts_wait(&p, 10000), 2);
    /* Without a key file the development key is printed. */
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", ts_free_port());
    char *argv3[] = {(char *)bin, (char *)"--listen", listen, NULL};
    ts_spawn(dir, argv3, NULL, &p);
    bool seen = false;
    for (int i = 0; i < 500 && !seen; i++) {
        out = ts_read_file(p.out_path);
        seen = ts_contains(out, "17token=") && ts_contains(out, "listening");
        free(out);
        if (!seen)
            ts_sleep_ms(20);
    }
    assert_true(seen);
    assert_int_equal(ts_stop(&p, SIGTERM, 10000), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_scenarios, tk_teardown),
        cmocka_unit_test_teardown(test_scenario_choice_is_deterministic, tk_teardown),
        cmocka_unit_test_teardown(test_limits_and_errors, tk_teardown),
        cmocka_unit_test_teardown(test_more_error_paths, tk_teardown),
        cmocka_unit_test_teardown(test_webhook, tk_teardown),
        cmocka_unit_test(test_help_and_bad_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

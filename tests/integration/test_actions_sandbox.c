/*
 * Integration: the action center on the Temu sandbox, against the real aicos processes, on
 * SQLite and PostgreSQL. A generated shop with seeded incidents (--incident-rate: orders
 * shipped late, parcels stalled or lost) is synced with `aicos sync run` (each committed page
 * goes through the action center's hook); then:
 *   - at the sandbox's epoch the ship-by items are exactly the sandbox's unshipped orders whose
 *     ship-by time has passed (breached) or is within 24 h (at risk): precision = recall = 1,
 *     the breach count equals the sandbox's own health.lateUnshipped, and the list is ranked
 *     (score never increases, breaches first);
 *   - on the sandbox's virtual clock (moved ahead; evaluations at its now), an order's ship-by
 *     risk item appears 24 h before its breach and not earlier, and the breach replaces it at
 *     the deadline;
 *   - the sandbox's live activity ships orders; one `sync run` later (no other evaluation)
 *     every ship-by item whose order shipped is auto-resolved, none of the others;
 *   - a second sync (a restart) and two concurrent `aicos actions eval --full` processes leave
 *     the same items, none duplicated.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"

#define APP_KEY    "actionsappkey0000000000000000001"
#define APP_SECRET "actionsappsecret00000000000000000000001"
#define DAY_S      86400

static struct ts_app app;
static char conn_id[64], since_arg[32], epoch_arg[32];
static int64_t epoch;
static struct db *db;

static int setup(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    epoch = (int64_t)time(NULL); /* the sandbox's "now" is the real now: the hook agrees */
    snprintf(epoch_arg, sizeof epoch_arg, "%lld", (long long)epoch);
    char *sandbox_args[] = {(char *)"--shops",
                            (char *)"1",
                            (char *)"--orders",
                            (char *)"500",
                            (char *)"--seed",
                            (char *)"23",
                            (char *)"--incident-rate",
                            (char *)"12",
                            (char *)"--epoch",
                            epoch_arg,
                            (char *)"--rate-limit",
                            (char *)"0",
                            NULL};
    ts_app_prepare(&app, "actions",
                   "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
                   "\",\"name\":\"Actions\",\"scopes\":[\"bg.order.list.v2.get\"]}]",
                   sandbox_args);
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", (char *)"AICOS_SYNC_WORKER=0", NULL};
    ts_app_serve(&app, env);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id, NULL, 0);
    snprintf(since_arg, sizeof since_arg, "%lld", (long long)(epoch - 200LL * DAY_S));
    if (db_open(app.db_url, 2, &db, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    ts_app_stop(&app);
    return 0;
}

static void sync_orders(void)
{
    char *argv[] = {(char *)"sync",    (char *)"run",      (char *)"--connection",
                    conn_id,           (char *)"--stream", (char *)"orders",
                    (char *)"--since", since_arg,          NULL};
    char *env[] = {app.env_db, app.env_key, app.env_gw, (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *out = NULL, *err = NULL;
    int rc = ts_aicos_run(argv, env, &out, &err);
    if (rc != 0)
        fail_msg("sync run: %d %s %s", rc, out, err);
    free(out);
    free(err);
}

static void eval_full(int64_t now)
{
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)now);
    char *argv[] = {(char *)"actions", (char *)"eval", (char *)"--full", (char *)"--now", n, NULL};
    char *env[] = {app.env_db, NULL};
    assert_int_equal(ts_aicos_run(argv, env, NULL, NULL), 0);
}

/* The items (state "open" or "all") as `aicos actions list --json` ranks them at now. */
static json_t *items(const char *state, int64_t now)
{
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)now);
    char *argv[] = {(char *)"actions",
                    (char *)"list",
                    (char *)"--json",
                    (char *)"--state",
                    (char *)state,
                    (char *)"--limit",
                    (char *)"500",
                    (char *)"--now",
                    n,
                    NULL};
    char *env[] = {app.env_db, NULL};
    char *out = NULL;
    assert_int_equal(ts_aicos_run(argv, env, &out, NULL), 0);
    json_t *doc = json_loads(out, 0, NULL);
    free(out);
    assert_non_null(doc);
    json_t *list = json_incref(json_object_get(doc, "items"));
    json_decref(doc);
    return list;
}

static const json_t *find(const json_t *list, const char *kind, const char *key)
{
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            strcmp(json_string_value(json_object_get(json_object_get(it, "object"), "key")), key) ==
                0)
            return it;
    }
    return NULL;
}

/* The sandbox's orders: {sn: status}. */
static json_t *truth_status(json_t **truth)
{
    *truth = ts_sbx(&app, "GET", "/_sandbox/truth?orders=1", NULL);
    json_t *m = json_object();
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(*truth, "orders"), i, o) json_object_set_new(
        m, json_string_value(json_object_get(o, "parentOrderSn")),
        json_integer(json_integer_value(json_object_get(o, "parentOrderStatus"))));
    return m;
}

/* The synced ship-by time of every order: {sn: ship_by}. */
static json_t *synced_ship_by(void)
{
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    struct db_rows *r = NULL;
    assert_int_equal(
        db_query(c, "SELECT parent_order_sn, ship_by FROM temu_orders", NULL, 0, &r, &eb), ERR_OK);
    json_t *m = json_object();
    for (size_t i = 0; i < db_rows_count(r); i++)
        json_object_set_new(m, db_rows_get(r, i, 0), json_integer(db_rows_int_or(r, i, 1, 0)));
    db_rows_free(r);
    db_release(c);
    return m;
}

/* The expected ship-by kind of an order at now, from the sandbox's status and its ship-by. */
static const char *expected_kind(int64_t status, int64_t ship_by, int64_t now)
{
    if (status != 1 && status != 2 && status != 41)
        return NULL;
    if (ship_by > 0 && now >= ship_by)
        return "ship_by_breached";
    if (ship_by > 0 && now >= ship_by - DAY_S)
        return "ship_by_risk";
    return NULL;
}

/* Exactly the expected ship-by items at now; returns how many breaches. */
static int64_t check_ship_by_set(const json_t *open, int64_t now)
{
    json_t *truth = NULL, *status = truth_status(&truth), *ship_by = synced_ship_by();
    int64_t expected = 0, breaches = 0;
    const char *sn;
    json_t *st;
    json_object_foreach(status, sn, st)
    {
        const char *k = expected_kind(json_integer_value(st),
                                      json_integer_value(json_object_get(ship_by, sn)), now);
        if (k == NULL)
            continue;
        expected++;
        breaches += strcmp(k, "ship_by_breached") == 0;
        if (find(open, k, sn) == NULL) /* recall */
            fail_msg("missing %s for %s", k, sn);
    }
    size_t i, got = 0;
    const json_t *it;
    json_array_foreach(open, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *key = json_string_value(json_object_get(json_object_get(it, "object"), "key"));
        if (strncmp(kind, "ship_by_", 8) != 0)
            continue;
        got++;
        const char *k = expected_kind(json_integer_value(json_object_get(status, key)),
                                      json_integer_value(json_object_get(ship_by, key)), now);
        if (k == NULL || strcmp(k, kind) != 0) /* precision */
            fail_msg("unexpected %s for %s", kind, key);
    }
    assert_int_equal(got, expected);
    json_decref(truth);
    json_decref(status);
    json_decref(ship_by);
    return breaches;
}

static void test_expected_set_at_epoch(void **state)
{
    (void)state;
    sync_orders();
    eval_full(epoch);
    json_t *open = items("open", epoch);
    int64_t breaches = check_ship_by_set(open, epoch);
    json_t *truth = ts_sbx(&app, "GET", "/_sandbox/truth", NULL);
    assert_int_equal(breaches, json_integer_value(json_object_get(json_object_get(truth, "health"),
                                                                  "lateUnshipped")));
    assert_true(breaches > 0);
    json_decref(truth);
    /* Ranked: the score never increases down the list; every breach before any risk. */
    size_t i;
    const json_t *it;
    json_int_t last = INT64_MAX;
    bool risk_seen = false;
    json_array_foreach(open, i, it)
    {
        json_int_t s = json_integer_value(json_object_get(json_object_get(it, "score"), "total"));
        assert_true(s <= last);
        last = s;
        bool breached = json_is_true(json_object_get(json_object_get(it, "score"), "breached"));
        if (!breached)
            risk_seen = true;
        else
            assert_false(risk_seen);
    }
    json_decref(open);
}

/* The unshipped order with the latest ship-by time ahead of now (its key into sn). */
static int64_t pick_future_order(int64_t now, char *sn, size_t len)
{
    json_t *truth = NULL, *status = truth_status(&truth), *ship_by = synced_ship_by();
    int64_t best = 0;
    const char *k;
    json_t *st;
    json_object_foreach(status, k, st)
    {
        int64_t s = json_integer_value(st), t = json_integer_value(json_object_get(ship_by, k));
        if ((s == 1 || s == 2) && t > now + 3600 && t > best) {
            best = t;
            snprintf(sn, len, "%s", k);
        }
    }
    json_decref(truth);
    json_decref(status);
    json_decref(ship_by);
    return best;
}

/* Sets the sandbox's virtual clock to t; returns its now as the sandbox tells it. */
static int64_t clock_at(int64_t t)
{
    char body[64];
    snprintf(body, sizeof body, "{\"shift\":%lld}", (long long)(t - (int64_t)time(NULL)));
    json_t *c = ts_sbx(&app, "POST", "/_sandbox/clock", body);
    int64_t now = json_integer_value(json_object_get(c, "now"));
    json_decref(c);
    return now;
}

static void test_lead_on_virtual_clock(void **state)
{
    (void)state;
    char sn[64] = "";
    int64_t ship_by = pick_future_order(epoch, sn, sizeof sn);
    assert_true(ship_by > 0);
    const int64_t at[] = {ship_by - DAY_S - 600, ship_by - DAY_S, ship_by + 1};
    /* The virtual clock moves; Temu's data does not (its labels change only with a status),
     * and the signed calls would be refused as stale, so the evaluation reads the clock. */
    for (size_t i = 0; i < 3; i++) {
        int64_t vnow = clock_at(at[i]);
        assert_true(vnow >= at[i] && vnow < at[i] + 5);
        eval_full(at[i]);
        json_t *open = items("open", at[i]);
        const json_t *risk = find(open, "ship_by_risk", sn);
        const json_t *breach = find(open, "ship_by_breached", sn);
        if (i == 0)
            assert_null(risk);
        if (i == 1) {
            assert_non_null(risk);
            assert_true(ship_by - json_integer_value(json_object_get(risk, "opened_at")) >= DAY_S);
        }
        if (i == 2) {
            assert_null(risk);
            assert_non_null(breach);
        }
        json_decref(open);
    }
    json_decref(ts_sbx(&app, "POST", "/_sandbox/clock", "{\"shift\":0}")); /* real now again */
    eval_full((int64_t)time(NULL));
}

static void test_auto_resolve_in_one_sync(void **state)
{
    (void)state;
    int64_t now = (int64_t)time(NULL);
    json_t *before = items("open", now);
    json_decref(ts_sbx(&app, "POST", "/_sandbox/activity/step", "{\"events\":600}"));
    sleep(2);      /* the sync reads updates up to the second before it starts */
    sync_orders(); /* the one sync cycle: its page hook is the only evaluation */
    json_t *truth = NULL, *status = truth_status(&truth);
    json_t *after = items("all", (int64_t)time(NULL));
    size_t i, cleared = 0;
    const json_t *it;
    json_array_foreach(before, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *key = json_string_value(json_object_get(json_object_get(it, "object"), "key"));
        if (strncmp(kind, "ship_by_", 8) != 0)
            continue;
        int64_t s = json_integer_value(json_object_get(status, key));
        const json_t *now_it = find(after, kind, key);
        assert_non_null(now_it);
        const char *state_now = json_string_value(json_object_get(now_it, "state"));
        if (s != 1 && s != 2 && s != 41) {
            if (strcmp(state_now, "auto_resolved") != 0)
                fail_msg("%s %s: status %lld, still %s", kind, key, (long long)s, state_now);
            cleared++;
        } else {
            assert_string_equal(state_now, "open");
        }
    }
    assert_true(cleared > 0);
    json_decref(before);
    json_decref(after);
    json_decref(truth);
    json_decref(status);
}

/* Every (kind, object) once; returns the number of items. */
static size_t check_unique(const json_t *all)
{
    json_t *seen = json_object();
    size_t i;
    const json_t *it;
    json_array_foreach(all, i, it)
    {
        char k[256];
        snprintf(k, sizeof k, "%s|%s", json_string_value(json_object_get(it, "kind")),
                 json_string_value(json_object_get(json_object_get(it, "object"), "key")));
        assert_null(json_object_get(seen, k));
        json_object_set_new(seen, k, json_true());
    }
    json_decref(seen);
    return json_array_size(all);
}

static void test_no_duplicates(void **state)
{
    (void)state;
    int64_t now = (int64_t)time(NULL);
    json_t *a = items("all", now);
    size_t n = check_unique(a);
    sync_orders(); /* a restart: the same pages again */
    char t[32];
    snprintf(t, sizeof t, "%lld", (long long)now);
    char *argv[] = {getenv("AICOS_BIN"),
                    (char *)"actions",
                    (char *)"eval",
                    (char *)"--full",
                    (char *)"--now",
                    t,
                    NULL};
    char *env[] = {app.env_db, NULL};
    struct ts_proc p1, p2;
    ts_spawn(app.tmp, argv, env, &p1);
    ts_spawn(app.tmp, argv, env, &p2);
    int r1 = ts_wait(&p1, 120000), r2 = ts_wait(&p2, 120000);
    assert_true(r1 == 0 || r2 == 0); /* a pass that lost a write race fails; none duplicates */
    json_t *b = items("all", now);
    assert_int_equal(check_unique(b), n);
    json_decref(a);
    json_decref(b);
}

static const char *first_id(const json_t *doc, const char *kind)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(doc, "items"), i,
                       it) if (strcmp(json_string_value(json_object_get(it, "kind")), kind) ==
                               0) return json_string_value(json_object_get(it, "id"));
    return NULL;
}

/* The JSON API and the console's home over HTTP: roles, changes, audit, 4xx, PRG. */
static void test_api_and_page(void **state)
{
    (void)state;
    char path[160], id[64], cookie[160], csrf[96], hdr[320], body[160];
    ts_app_role_headers(&app);
    json_t *doc = ts_api_as(&app, "GET", "/api/v1/actions?limit=5", app.viewer_hdr, NULL, 200);
    assert_true(json_array_size(json_object_get(doc, "items")) <= 5);
    const json_t *it = json_array_get(json_object_get(doc, "items"), 0);
    const char *const fields[] = {"id",       "kind",          "object", "why",
                                  "deadline", "money_at_risk", "owner",  "next_action",
                                  "state",    "score"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        assert_non_null(json_object_get(it, fields[i]));
    snprintf(id, sizeof id, "%s", first_id(doc, "ship_by_breached"));
    json_decref(doc);
    json_decref(ts_api_as(&app, "GET", "/api/v1/actions?state=nope", app.viewer_hdr, NULL, 422));
    json_decref(ts_api_as(&app, "GET", "/api/v1/actions?limit=0", app.viewer_hdr, NULL, 422));
    snprintf(path, sizeof path, "/api/v1/actions/%s/snooze", id);
    json_decref(ts_api_as(&app, "POST", path, app.viewer_hdr, "{\"hours\":4}", 403));
    json_decref(ts_api_as(&app, "POST", path, app.operator_hdr, "{\"hours\":0}", 422));
    doc = ts_api_as(&app, "POST", path, app.operator_hdr, "{\"hours\":4}", 200);
    assert_string_equal(json_string_value(json_object_get(doc, "state")), "snoozed");
    json_decref(doc);
    snprintf(path, sizeof path, "/api/v1/actions/%s/assign", id);
    json_decref(ts_api_as(&app, "POST", path, app.operator_hdr, "{\"assignee\":\"a b\"}", 422));
    json_decref(
        ts_api_as(&app, "POST", path, app.operator_hdr, "{\"assignee\":\"pageoper\"}", 200));
    json_decref(
        ts_api_as(&app, "POST", "/api/v1/actions/ai_none/resolve", app.operator_hdr, NULL, 404));
    doc = ts_api(&app, "GET", "/api/v1/audit?action=action.", NULL, 200);
    assert_true(json_array_size(json_object_get(doc, "entries")) >= 2);
    json_decref(doc);
    /* The home page as a signed-in operator: brief, counts, forms; "mine" finds the item. */
    ts_session_login(app.db_url, app.server.port, "pageoper", "operator", cookie, sizeof cookie,
                     csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    struct ts_http_resp r;
    assert_true(ts_http_ex(app.server.port, "GET", "/?mine=1&state=all", hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "今日待办 / Action center"));
    assert_true(ts_contains(r.body, "每日简报 / Daily brief"));
    assert_true(ts_contains(r.body, id));
    ts_http_free(&r);
    snprintf(path, sizeof path, "/actions/%s/resolve", id);
    snprintf(body, sizeof body, "csrf_token=%s", csrf);
    assert_true(ts_http_ex(app.server.port, "POST", path, hdr, "application/x-www-form-urlencoded",
                           body, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    assert_true(ts_http_ex(app.server.port, "GET", "/", hdr, NULL, NULL, &r));
    assert_true(ts_contains(r.body, "The item is resolved."));
    ts_http_free(&r);
    snprintf(path, sizeof path, "/api/v1/actions/%s", id);
    doc = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(doc, "state")), "resolved");
    assert_int_equal(json_array_size(json_object_get(doc, "history")), 4);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_set_at_epoch),
        cmocka_unit_test(test_lead_on_virtual_clock),
        cmocka_unit_test(test_auto_resolve_in_one_sync),
        cmocka_unit_test(test_no_duplicates),
        cmocka_unit_test(test_api_and_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

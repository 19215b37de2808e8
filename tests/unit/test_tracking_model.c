/*
 * Unit: the tracking model (src/tracking/model.c): status normalization from both providers
 * with the unknown sub-status fallback, lanes, flags with their reason codes at their
 * thresholds, number shapes; the 17TRACK helpers (time parsing, push signature); and on
 * SQLite and PostgreSQL the quota ledger (never past the remaining quota, never a number
 * twice) and the shared 17TRACK request slots.
 */
#include "testsupport.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/migrate.h"
#include "tracking/model.h"
#include "tracking/store.h"
#include "tracking/t17.h"
#include "tracking/tracking.h"

#define DAY TRACKING_DAY_S

static void test_status_17track(void **state)
{
    (void)state;
    bool known = false;
    static const struct {
        const char *main, *sub;
        enum tracking_status want;
    } cases[] = {
        {"NotFound", "NotFound_InvalidCode", TRACKING_NOT_FOUND},
        {"InfoReceived", "InfoReceived", TRACKING_INFO_RECEIVED},
        {"InTransit", "InTransit_PickedUp", TRACKING_IN_TRANSIT},
        {"InTransit", "InTransit_CustomsProcessing", TRACKING_CUSTOMS},
        {"InTransit", "InTransit_CustomsRequiringInformation", TRACKING_CUSTOMS},
        {"InTransit", "InTransit_CustomsReleased", TRACKING_IN_TRANSIT},
        {"InTransit", "InTransit_TransportArrived", TRACKING_IN_TRANSIT}, /* unknown sub */
        {"OutForDelivery", "OutForDelivery_Other", TRACKING_OUT_FOR_DELIVERY},
        {"AvailableForPickup", "AvailableForPickup_Other", TRACKING_READY_FOR_PICKUP},
        {"DeliveryFailure", "DeliveryFailure_NoBody", TRACKING_FAILED_ATTEMPT},
        {"Delivered", "Delivered_Other", TRACKING_DELIVERED},
        {"Exception", "Exception_Returning", TRACKING_RETURNING},
        {"Exception", "Exception_Returned", TRACKING_RETURNED},
        {"Exception", "Exception_Damaged", TRACKING_EXCEPTION}, /* unknown sub */
        {"Expired", "Expired_Other", TRACKING_EXPIRED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(tracking_status_from_17track(cases[i].main, cases[i].sub, &known),
                         cases[i].want);
        assert_true(known);
    }
    tracking_status_from_17track("Teleported", "Teleported_Other", &known);
    assert_false(known);
    assert_int_equal(tracking_status_from_temu("Out for delivery", &known),
                     TRACKING_OUT_FOR_DELIVERY);
    assert_int_equal(tracking_status_from_temu("delivered", &known), TRACKING_DELIVERED);
    tracking_status_from_temu("Beamed", &known);
    assert_false(known);
    for (int s = 0; s < TRACKING_STATUS__COUNT; s++) {
        enum tracking_status back;
        assert_true(tracking_status_parse(tracking_status_name((enum tracking_status)s), &back));
        assert_int_equal(back, s);
    }
}

static void test_lanes_and_carriers(void **state)
{
    (void)state;
    assert_int_equal(tracking_lane_of_carrier(3011), TRACKING_LANE_POSTAL);
    assert_int_equal(tracking_lane_of_carrier(190008), TRACKING_LANE_LINE);
    assert_int_equal(tracking_lane_of_carrier(100001), TRACKING_LANE_EXPRESS);
    assert_int_equal(tracking_lane_of_carrier(21051), TRACKING_LANE_DOMESTIC);
    struct tracking_thresholds t;
    tracking_thresholds_default(TRACKING_LANE_LINE, &t);
    assert_int_equal(t.stall_s, 7 * DAY);
    assert_int_equal(t.customs_stall_s, 14 * DAY);
    assert_int_equal(t.lost_s, 30 * DAY);
}

/* The flags as "flag:reason,..." in computation order. */
static void flags(const struct tracking_facts *f, enum tracking_lane l, int64_t now, char *out,
                  size_t len)
{
    struct tracking_thresholds t;
    struct tracking_flag got[TRACKING_FLAGS_MAX];
    tracking_thresholds_default(l, &t);
    size_t n = tracking_flags_compute(f, &t, now, got), w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        w += (size_t)snprintf(out + w, len - w, "%s%s:%s", i ? "," : "",
                              tracking_flag_name(got[i].kind), got[i].reason);
}

static void test_flags(void **state)
{
    (void)state;
    char got[256];
    int64_t t0 = 1800000000;
    struct tracking_facts f = {.status = TRACKING_IN_TRANSIT,
                               .sub_status = "InTransit_Other",
                               .shipped_at = t0,
                               .first_event_at = t0,
                               .last_event_at = t0,
                               .picked_up_at = t0};
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 3 * DAY - 1, got, sizeof got);
    assert_string_equal(got, "");
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 3 * DAY, got, sizeof got);
    assert_string_equal(got, "stalled:no_scan");
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 7 * DAY + 1, got, sizeof got);
    assert_string_equal(got, "stalled:no_scan,delayed:past_transit");
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 14 * DAY, got, sizeof got);
    assert_string_equal(got, "stalled:no_scan,delayed:past_transit,lost_suspect:no_scan");
    /* A promise replaces the lane's transit bound. */
    f.promise_at = t0 + 10 * DAY;
    flags(&f, TRACKING_LANE_POSTAL, t0 + 9 * DAY, got, sizeof got);
    assert_string_equal(got, "");
    flags(&f, TRACKING_LANE_POSTAL, t0 + 10 * DAY + 1, got, sizeof got);
    assert_string_equal(got, "stalled:no_scan,delayed:past_promise");
    /* Customs: the longer hold threshold, reason customs_hold. */
    f = (struct tracking_facts){
        .status = TRACKING_CUSTOMS, .sub_status = "", .last_event_at = t0, .picked_up_at = t0};
    flags(&f, TRACKING_LANE_LINE, t0 + 13 * DAY, got, sizeof got);
    assert_string_equal(got, "");
    flags(&f, TRACKING_LANE_LINE, t0 + 14 * DAY, got, sizeof got);
    assert_string_equal(got, "stalled:customs_hold");
    /* The provider's own exceptions; info_received waits 48 h after shipping. */
    f = (struct tracking_facts){
        .status = TRACKING_EXCEPTION, .sub_status = "Exception_Lost", .last_event_at = t0};
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 1, got, sizeof got);
    assert_string_equal(got, "lost_suspect:exception:Exception_Lost");
    f = (struct tracking_facts){.status = TRACKING_INFO_RECEIVED,
                                .sub_status = "",
                                .shipped_at = t0 - 3 * DAY,
                                .last_event_at = t0 - 3 * DAY};
    flags(&f, TRACKING_LANE_DOMESTIC, t0, got, sizeof got);
    assert_string_equal(got, "stalled:no_scan");
    f.shipped_at = t0 - DAY;
    flags(&f, TRACKING_LANE_DOMESTIC, t0, got, sizeof got);
    assert_string_equal(got, "");
    /* Final statuses carry no flags. */
    f.status = TRACKING_DELIVERED;
    flags(&f, TRACKING_LANE_DOMESTIC, t0 + 100 * DAY, got, sizeof got);
    assert_string_equal(got, "");
}

static void test_numbers_times_sign(void **state)
{
    (void)state;
    assert_null(tracking_number_problem("9400111111111111111101"));
    assert_null(tracking_number_problem("AB-123"));
    assert_non_null(tracking_number_problem("AB12"));
    assert_non_null(tracking_number_problem("AB 12345"));
    assert_non_null(tracking_number_problem("A1234567890123456789012345678901234567890123456789X"));
    assert_int_equal(t17_time_parse("2026-01-05T10:00:00Z"), 1767607200);
    assert_int_equal(t17_time_parse("2026-01-05T11:00:00+01:00"), 1767607200);
    assert_int_equal(t17_time_parse("2026-01-05T10:00:00.123Z"), 1767607200);
    assert_int_equal(t17_time_parse("yesterday"), 0);
    /* sha256("{}/K") computed independently (Python hashlib). */
    const char *body = "{}";
    assert_true(t17_push_verify(
        "K", body, 2, "897622946c6fa44cdf5aaf6edb48921586cc08061efe25a1c692c3b4f497c0ba"));
    assert_false(t17_push_verify(
        "L", body, 2, "897622946c6fa44cdf5aaf6edb48921586cc08061efe25a1c692c3b4f497c0ba"));
    assert_false(t17_push_verify("K", body, 2, NULL));
    assert_false(t17_push_verify("K", body, 2, "abc"));
}

static struct db *db;

static int db_setup(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    struct errbuf eb = {0};
    ts_fresh_db_url("tracking_unit", url, sizeof url);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    return 0;
}

static int db_teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static void test_ledger(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    const char *nums[] = {"N0000001", "N0000002", "N0000003", "N0000004"};
    int64_t car[] = {0, 0, 0, 0};
    bool ok[4];
    assert_int_equal(tstore_quota_set(db, "k1", 3, 0, 100, &eb), ERR_OK);
    assert_int_equal(tstore_reserve(db, "k1", "h:1", nums, car, 2, 100, ok, &eb), ERR_OK);
    assert_true(ok[0] && ok[1]);
    /* The same numbers again: none reserved twice; only one unit of quota is left. */
    assert_int_equal(tstore_reserve(db, "k1", "h:1", nums, car, 4, 101, ok, &eb), ERR_OK);
    assert_false(ok[0] || ok[1]);
    assert_true(ok[2]);
    assert_false(ok[3]);
    /* An unspent answer (already registered, refused) gives its unit back. */
    struct db_conn *c = db_acquire(db);
    assert_int_equal(
        tstore_reserve_done(c, "k1", "N0000003", "rejected", -18010012, false, 102, &eb), ERR_OK);
    db_release(c);
    assert_int_equal(tstore_reserve(db, "k1", "h:1", nums, car, 4, 103, ok, &eb), ERR_OK);
    assert_true(ok[3]);
}

static int64_t resolve(int64_t id, const char *name, enum tracking_lane *lane)
{
    struct errbuf eb = {0};
    int64_t code = -1;
    struct db_conn *c = db_acquire(db);
    assert_int_equal(tracking_carrier_resolve(c, id, name, &code, lane, &eb), ERR_OK);
    db_release(c);
    return code;
}

/* The carrier table: seeded names, operator rows by id and by name, bad input refused. */
static void test_carriers(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    enum tracking_lane lane;
    int64_t applied = -1;
    assert_int_equal(resolve(0, "USPS", &lane), 21051);
    assert_int_equal(resolve(77, " dhl express ", &lane), 100001);
    assert_int_equal(lane, TRACKING_LANE_EXPRESS);
    assert_int_equal(resolve(0, "China Post", &lane), 3011);
    assert_int_equal(lane, TRACKING_LANE_POSTAL);
    assert_int_equal(resolve(5, "OnTrac", &lane), 0);
    /* By Temu's id, which wins over the name; then by name with a lane of its own. */
    struct tracking_carrier_map byid = {.temu_carrier_id = 5, .name = "OnTrac", .code = 100150};
    if (tracking_carrier_set(db, &byid, 10, &applied, &eb) != ERR_OK)
        fail_msg("%s", eb.msg);
    assert_int_equal(applied, 0);
    assert_int_equal(resolve(5, "whatever", &lane), 100150);
    struct tracking_carrier_map byname = {.name = "Veho", .code = 190555, .lane = "line"};
    assert_int_equal(tracking_carrier_set(db, &byname, 11, &applied, &eb), ERR_OK);
    assert_int_equal(resolve(0, "VEHO", &lane), 190555);
    assert_int_equal(lane, TRACKING_LANE_LINE);
    struct tracking_carrier_map bad[] = {{.code = 1},
                                         {.name = "X", .code = 0},
                                         {.name = "X", .code = 5, .lane = "air"},
                                         {.temu_carrier_id = -1, .code = 5}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(tracking_carrier_set(db, &bad[i], 12, &applied, &eb), ERR_INVAL);
    /* A parcel that arrived unmapped under Temu, then moved to 17TRACK, takes the mapping set
     * meanwhile when it is registered. */
    struct tracking_add pa = {.number = "VH1234567890", .carrier_name = "Veho2"};
    char id[TRACKING_ID_LEN + 1];
    bool created = false;
    assert_int_equal(tracking_shipment_add(db, "temu", &pa, 20, id, &created, &eb), ERR_OK);
    struct tracking_carrier_map v2 = {.name = "Veho2", .code = 190556, .lane = "postal"};
    assert_int_equal(tracking_carrier_set(db, &v2, 21, &applied, &eb), ERR_OK);
    assert_int_equal(applied, 0); /* registered under Temu: nothing to change there */
    struct db_conn *c = db_acquire(db);
    struct db_param p[] = {DB_P_TEXT(id)};
    assert_int_equal(db_exec(c,
                             "UPDATE tracking_shipments SET provider = '17track', reg_state = "
                             "'new' WHERE id = $1",
                             p, 1, NULL, &eb),
                     ERR_OK);
    db_release(c);
    assert_int_equal(tstore_carriers_apply(db, 22, &eb), ERR_OK);
    struct db_rows *r = NULL;
    c = db_acquire(db);
    assert_int_equal(
        db_query(c, "SELECT carrier, lane FROM tracking_shipments WHERE id = $1", p, 1, &r, &eb),
        ERR_OK);
    db_release(c);
    assert_int_equal(db_rows_int_or(r, 0, 0, 0), 190556);
    assert_string_equal(db_rows_get(r, 0, 1), "postal");
    db_rows_free(r);
    assert_int_equal(tracking_carrier_delete(db, 0, "Veho", &eb), ERR_OK);
    assert_int_equal(resolve(0, "Veho", &lane), 0);
    assert_int_equal(tracking_carrier_delete(db, 0, "Veho", &eb), ERR_NOTFOUND);
}

static void test_rate_slots(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    struct db_conn *c = db_acquire(db);
    int64_t t = INT64_C(1800000000000000), w1 = -1, w2 = -1, w3 = -1;
    assert_int_equal(t17_rate_reserve(c, "kid", T17_RATE_INTERVAL_US, t, &w1, &eb), ERR_OK);
    assert_int_equal(t17_rate_reserve(c, "kid", T17_RATE_INTERVAL_US, t, &w2, &eb), ERR_OK);
    assert_int_equal(t17_rate_reserve(c, "kid", T17_RATE_INTERVAL_US, t, &w3, &eb), ERR_OK);
    db_release(c);
    assert_int_equal(w1, 0);
    assert_int_equal(w2, T17_RATE_INTERVAL_US);
    assert_int_equal(w3, 2 * T17_RATE_INTERVAL_US);
    /* Three slots a second at most, with room to spare. */
    assert_true(3 * T17_RATE_INTERVAL_US > 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_17track),
        cmocka_unit_test(test_lanes_and_carriers),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_numbers_times_sign),
        cmocka_unit_test_setup_teardown(test_ledger, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(test_rate_slots, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(test_carriers, db_setup, db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The detector table: kind, input, object, severity, owner team, who sees it, next action,
 * default thresholds, and the function that decides from database facts alone.
 *
 * settlement_variance and settlement_overdue read the settlement domain's last reconciliation
 * run (settle_order_states(), src/actions/settle.c). no_first_scan and tracking_stalled read
 * the tracking domain's parcels (tracking_shipments, tracking_flags; docs/architecture.md
 * "Carrier tracking"); tracking_exception reads what Temu itself says about a parcel (the
 * children's packageAbnormalTypeList) and the tracking domain's carrier status (exception,
 * expired) and lost_suspect flag of the order's parcels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"

#define HOUR (3600)
#define DAY  (86400)

static bool open_for_shipping(int64_t status)
{
    return status == 1 || status == 2 || status == 41; /* pending, unshipped, partly shipped */
}

static bool in_transit(int64_t status)
{
    return status == 4 || status == 41; /* shipped (or partly), not received */
}

static bool fire_ship_by_risk(const struct actions_facts *f, const int64_t *p, int64_t now,
                              struct actions_hit *h)
{
    const struct actions_order *o = f->order;
    if (!open_for_shipping(o->status) || o->past_due || (o->ship_by > 0 && now >= o->ship_by))
        return false;
    bool near = o->ship_by > 0 && now >= o->ship_by - p[0];
    if (!near && !o->soon_to_be_overdue)
        return false;
    h->deadline = o->ship_by;
    h->values =
        json_pack("{s:I, s:I, s:I, s:b, s:I}", "status", (json_int_t)o->status,
                  "expect_ship_latest_time", (json_int_t)o->ship_by, "hours_left",
                  (json_int_t)(o->ship_by > 0 ? (o->ship_by - now) / HOUR : 0),
                  "label_soon_to_be_overdue", o->soon_to_be_overdue, "window_s", (json_int_t)p[0]);
    return true;
}

static bool fire_ship_by_breached(const struct actions_facts *f, const int64_t *p, int64_t now,
                                  struct actions_hit *h)
{
    (void)p;
    const struct actions_order *o = f->order;
    if (!open_for_shipping(o->status))
        return false;
    bool late = o->ship_by > 0 && now >= o->ship_by;
    if (!late && !o->past_due)
        return false;
    /* Breached by Temu's label before the ship-by time: the deadline passed when Temu last
     * updated the order, so a breach always counts as breached in the ranking. */
    h->deadline =
        late || o->update_time <= 0 || o->update_time >= o->ship_by ? o->ship_by : o->update_time;
    h->values = json_pack("{s:I, s:I, s:I, s:b}", "status", (json_int_t)o->status,
                          "expect_ship_latest_time", (json_int_t)o->ship_by, "hours_late",
                          (json_int_t)(late ? (now - o->ship_by) / HOUR : 0), "label_past_due",
                          o->past_due);
    return true;
}

static bool fire_no_tracking(const struct actions_facts *f, const int64_t *p, int64_t now,
                             struct actions_hit *h)
{
    const struct actions_order *o = f->order;
    bool shipped = o->status == 4 || o->status == 5 || o->status == 41 || o->status == 51;
    int64_t since = o->shipped_at > 0 ? o->shipped_at : o->update_time;
    if (!shipped || o->packages > 0 || now < since + p[0])
        return false;
    h->deadline = 0;
    h->values = json_pack("{s:I, s:I, s:I}", "status", (json_int_t)o->status, "packages",
                          (json_int_t)o->packages, "shipped_at", (json_int_t)since);
    return true;
}

static bool fire_tracking_exception(const struct actions_facts *f, const int64_t *p, int64_t now,
                                    struct actions_hit *h)
{
    (void)p;
    (void)now;
    const struct actions_order *o = f->order;
    bool carrier = o->carrier_exception > 0 || o->lost_suspect > 0;
    if (!in_transit(o->status) || (o->abnormal == 0 && !carrier))
        return false;
    h->deadline = o->latest_delivery;
    h->values = json_pack(
        "{s:I, s:s, s:I, s:I, s:s, s:s, s:s}", "abnormal_packages", (json_int_t)o->abnormal,
        "first_abnormal_type", o->abnormal_first ? o->abnormal_first : "", "carrier_exception",
        (json_int_t)o->carrier_exception, "lost_suspect", (json_int_t)o->lost_suspect,
        "tracking_number", o->carrier_first ? o->carrier_first : "", "carrier_state",
        o->carrier_state ? o->carrier_state : "", "source",
        o->abnormal > 0 && carrier ? "orderList.packageAbnormalTypeList+tracking"
        : carrier                  ? "tracking"
                                   : "orderList.packageAbnormalTypeList");
    return true;
}

/* The values every parcel item shows. */
static json_t *parcel_values(const struct actions_parcel *x)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "parent_order_sn",
                     x->order_sn ? x->order_sn : "", "tracking_number", x->number ? x->number : "",
                     "carrier_name", x->carrier ? x->carrier : "", "status",
                     x->status ? x->status : "", "lane", x->lane ? x->lane : "", "shipped_at",
                     (json_int_t)x->shipped_at, "first_event_at", (json_int_t)x->first_event_at,
                     "last_event_at", (json_int_t)x->last_event_at);
}

/* The tracking number was uploaded (Temu's ship time, else when the parcel was first seen)
 * at least after_s ago and the carrier has not scanned it once. */
static bool fire_no_first_scan(const struct actions_facts *f, const int64_t *p, int64_t now,
                               struct actions_hit *h)
{
    const struct actions_parcel *x = f->parcel;
    int64_t since = x->shipped_at > 0 ? x->shipped_at : x->created_at;
    if (x->final || x->first_event_at > 0 || since <= 0 || now < since + p[0])
        return false;
    h->deadline = x->promise_at;
    h->values = parcel_values(x);
    json_object_set_new(h->values, "hours_without_scan", json_integer((now - since) / HOUR));
    json_object_set_new(h->values, "after_s", json_integer(p[0]));
    return true;
}

/* The tracking domain flagged the parcel stalled (its lane thresholds, tracking_lanes). */
static bool fire_tracking_stalled(const struct actions_facts *f, const int64_t *p, int64_t now,
                                  struct actions_hit *h)
{
    (void)p;
    (void)now;
    const struct actions_parcel *x = f->parcel;
    if (x->final || x->stalled == NULL)
        return false;
    h->deadline = x->promise_at;
    h->values = parcel_values(x);
    json_object_set_new(h->values, "reason", json_string(x->stalled));
    json_object_set_new(h->values, "stalled_since", json_integer(x->stalled_since));
    return true;
}

static bool fire_delivery_late(const struct actions_facts *f, const int64_t *p, int64_t now,
                               struct actions_hit *h)
{
    const struct actions_order *o = f->order;
    if (!in_transit(o->status) || o->latest_delivery <= 0 || now < o->latest_delivery + p[0])
        return false;
    h->deadline = o->latest_delivery;
    h->values = json_pack("{s:I, s:I, s:I}", "status", (json_int_t)o->status,
                          "latest_delivery_time", (json_int_t)o->latest_delivery, "hours_late",
                          (json_int_t)((now - o->latest_delivery) / HOUR));
    return true;
}

static bool fire_buyer_change(const struct actions_facts *f, const int64_t *p, int64_t now,
                              struct actions_hit *h)
{
    (void)p;
    (void)now;
    const struct actions_order *o = f->order;
    if (!open_for_shipping(o->status) || (!o->pending_cancel && !o->pending_address))
        return false;
    h->deadline = o->ship_by;
    h->values = json_pack("{s:b, s:b, s:I}", "pending_buyer_cancellation", o->pending_cancel,
                          "pending_buyer_address_change", o->pending_address, "status",
                          (json_int_t)o->status);
    return true;
}

static bool fire_risk_hold(const struct actions_facts *f, const int64_t *p, int64_t now,
                           struct actions_hit *h)
{
    (void)p;
    (void)now;
    const struct actions_order *o = f->order;
    if (!o->risk_alert || o->status == 3 || o->status == 5)
        return false;
    h->deadline = o->ship_by;
    h->values =
        json_pack("{s:b, s:I}", "pending_risk_control_alert", 1, "status", (json_int_t)o->status);
    return true;
}

static bool fire_case_waiting(const struct actions_facts *f, const int64_t *p, int64_t now,
                              struct actions_hit *h)
{
    const struct actions_case *c = f->kase;
    if (c->status_group != 1 || c->operations == 0 || now < c->update_at + p[0])
        return false;
    h->deadline = c->expire_at;
    h->values = json_pack("{s:I, s:I, s:I, s:I, s:s}", "status", (json_int_t)c->status,
                          "available_operations", (json_int_t)c->operations, "operate_expire_time",
                          (json_int_t)c->expire_at, "waiting_s", (json_int_t)(now - c->update_at),
                          "parent_order_sn", c->order_sn ? c->order_sn : "");
    return true;
}

static bool fire_token_expiring(const struct actions_facts *f, const int64_t *p, int64_t now,
                                struct actions_hit *h)
{
    const struct actions_health *x = f->health;
    if (x->stream != NULL)
        return false;
    bool failed = strcmp(x->conn_status, "failed") == 0;
    if (!failed && now < x->expires_at - p[0])
        return false;
    h->deadline = x->expires_at;
    h->values = json_pack("{s:s, s:I, s:I}", "connection_status", x->conn_status, "expires_at",
                          (json_int_t)x->expires_at, "hours_left",
                          (json_int_t)((x->expires_at - now) / HOUR));
    return true;
}

static bool fire_sync_failing(const struct actions_facts *f, const int64_t *p, int64_t now,
                              struct actions_hit *h)
{
    (void)now;
    const struct actions_health *x = f->health;
    if (x->stream == NULL || x->paused || x->failures < p[0])
        return false;
    h->deadline = 0;
    h->values = json_pack("{s:s, s:I, s:I, s:s}", "stream", x->stream, "consecutive_failures",
                          (json_int_t)x->failures, "last_success_at",
                          (json_int_t)x->last_success_at, "warning", x->warning);
    return true;
}

static bool fire_stream_paused(const struct actions_facts *f, const int64_t *p, int64_t now,
                               struct actions_hit *h)
{
    (void)p;
    (void)now;
    const struct actions_health *x = f->health;
    if (x->stream == NULL || !x->paused)
        return false;
    h->deadline = 0;
    h->values = json_pack("{s:s, s:I, s:s}", "stream", x->stream, "consecutive_failures",
                          (json_int_t)x->failures, "warning", x->warning);
    return true;
}

/* Days of cover = quantity / max(7-day, 30-day daily sales) < lead days, in integers. */
static bool fire_stockout(const struct actions_facts *f, const int64_t *p, int64_t now,
                          struct actions_hit *h)
{
    const struct actions_stock *s = f->stock;
    if (s->sold7 == 0 && s->sold30 == 0)
        return false;
    bool short7 = s->quantity * 7 < p[0] * s->sold7;
    bool short30 = s->quantity * 30 < p[0] * s->sold30;
    if (!short7 && !short30)
        return false;
    /* The faster rate sets the deadline: quantity / rate days from now. */
    int64_t cover_s = s->sold7 * 30 >= s->sold30 * 7 ? s->quantity * 7 * DAY / s->sold7
                                                     : s->quantity * 30 * DAY / s->sold30;
    h->deadline = now + cover_s;
    h->values = json_pack("{s:I, s:I, s:I, s:I, s:I}", "available", (json_int_t)s->quantity,
                          "sold_7d", (json_int_t)s->sold7, "sold_30d", (json_int_t)s->sold30,
                          "cover_days", (json_int_t)(cover_s / DAY), "lead_days", (json_int_t)p[0]);
    return true;
}

/* |unexplained| > max(tolerance_bp of the expected amount, 50 minor units). */
static bool fire_settlement_variance(const struct actions_facts *f, const int64_t *p, int64_t now,
                                     struct actions_hit *h)
{
    (void)now;
    const struct settle_order_state *s = f->settle;
    bool partial = strcmp(s->status, "partial") == 0;
    if (!partial && strcmp(s->status, "unexpected") != 0)
        return false;
    int64_t v = s->unexplained_minor < 0 ? -s->unexplained_minor : s->unexplained_minor;
    int64_t tol = s->expected_minor > 0 ? s->expected_minor * p[0] / 10000 : 0;
    if (v <= (tol > 50 ? tol : 50))
        return false;
    h->deadline = 0;
    h->money.minor = v;
    snprintf(h->money.currency, sizeof h->money.currency, "%s", s->currency);
    h->values = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "status", s->status, "order_sn",
                          s->sn, "expected_minor", (json_int_t)s->expected_minor, "variance_minor",
                          (json_int_t)s->variance_minor, "unexplained_minor",
                          (json_int_t)s->unexplained_minor, "tolerance_minor",
                          (json_int_t)(tol > 50 ? tol : 50), "currency", s->currency);
    return true;
}

/* The reconciliation says missing: the expected settlement date (+ grace_days) has passed. */
static bool fire_settlement_overdue(const struct actions_facts *f, const int64_t *p, int64_t now,
                                    struct actions_hit *h)
{
    const struct settle_order_state *s = f->settle;
    if (strcmp(s->status, "missing") != 0 || s->expected_at <= 0 ||
        now < s->expected_at + p[0] * DAY)
        return false;
    h->deadline = s->expected_at;
    h->money.minor = s->expected_minor;
    snprintf(h->money.currency, sizeof h->money.currency, "%s", s->currency);
    h->values = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "status", s->status, "order_sn", s->sn,
                          "expected_settlement_at", (json_int_t)s->expected_at, "days_overdue",
                          (json_int_t)((now - s->expected_at) / DAY), "expected_minor",
                          (json_int_t)s->expected_minor, "currency", s->currency);
    return true;
}

#define SEE_ALL   ROLE_VIEWER
#define SEE_OPS   ROLE_OPS
#define SEE_ADMIN ROLE_SELLER_ADMIN

static const struct actions_detector detectors[] = {
    {"ship_by_breached",
     ACTIONS_IN_ORDERS,
     "order",
     3,
     "temu",
     SEE_ALL,
     "Ship now and upload the tracking number; the ship-by time has passed.",
     "发货已超时 / Ship-by breached",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_ship_by_breached,
     "not shipped and now >= expectShipLatestTime, or Temu's label past_due"},
    {"ship_by_risk",
     ACTIONS_IN_ORDERS,
     "order",
     3,
     "temu",
     SEE_ALL,
     "Pack and ship before the ship-by time, then upload the tracking number.",
     "即将发货超时 / Ship-by at risk",
     {{"window_s", 24 * HOUR, HOUR, 7 * DAY}, {NULL, 0, 0, 0}},
     fire_ship_by_risk,
     "not shipped and now >= expectShipLatestTime - window_s, or Temu's label "
     "soon_to_be_overdue"},
    {"buyer_change_pending",
     ACTIONS_IN_ORDERS,
     "order",
     3,
     "temu",
     SEE_ALL,
     "Answer the buyer's cancellation or address change in Temu before shipping.",
     "买家变更待处理 / Buyer change pending",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_buyer_change,
     "not shipped and Temu's label pending_buyer_cancellation or pending_buyer_address_change"},
    {"case_waiting",
     ACTIONS_IN_CASES,
     "case",
     3,
     "temu",
     SEE_ALL,
     "Answer the after-sales case in Temu before its operate deadline.",
     "售后待卖家处理 / Case waiting on you",
     {{"min_wait_s", 0, 0, 30 * DAY}, {NULL, 0, 0, 0}},
     fire_case_waiting,
     "after-sales case open (status group 1) with operations offered to the seller "
     "(availableOperateList) for at least min_wait_s; deadline operateExpireTimeMs"},
    {"risk_hold",
     ACTIONS_IN_ORDERS,
     "order",
     2,
     "temu",
     SEE_ALL,
     "Check the risk-control alert in Temu's seller center before shipping.",
     "风控拦截 / Risk hold",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_risk_hold,
     "Temu's label pending_risk_control_alert on an order not cancelled or received"},
    {"no_tracking_uploaded",
     ACTIONS_IN_ORDERS,
     "order",
     2,
     "logistics",
     SEE_ALL,
     "Upload the carrier and tracking number of the shipped parcel.",
     "未上传运单号 / No tracking uploaded",
     {{"grace_s", 2 * HOUR, 0, 7 * DAY}, {NULL, 0, 0, 0}},
     fire_no_tracking,
     "shipped (status 4, 5, 41 or 51) with no packageSnInfo on any child for grace_s"},
    {"no_first_scan",
     ACTIONS_IN_TRACKING,
     "parcel",
     2,
     "logistics",
     SEE_ALL,
     "Ask the carrier whether the parcel was picked up.",
     "无首次揽收扫描 / No first scan",
     {{"after_s", 48 * HOUR, HOUR, 30 * DAY}, {NULL, 0, 0, 0}},
     fire_no_first_scan,
     "tracking number uploaded (shipped_at, else first seen) >= after_s ago, not delivered, "
     "returned or expired, and no carrier scan (tracking_shipments.first_event_at = 0)"},
    {"tracking_stalled",
     ACTIONS_IN_TRACKING,
     "parcel",
     2,
     "logistics",
     SEE_ALL,
     "Open a trace with the carrier; the parcel has not moved.",
     "物流停滞 / Tracking stalled",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_tracking_stalled,
     "the tracking domain flags the parcel stalled (tracking_flags: no scan for the lane's "
     "stall_s, or customs_hold); thresholds per lane in tracking_lanes"},
    {"tracking_exception",
     ACTIONS_IN_ORDERS,
     "order",
     2,
     "logistics",
     SEE_ALL,
     "Check the parcel's abnormal status with the carrier and Temu.",
     "物流异常 / Tracking exception",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_tracking_exception,
     "in transit with Temu's packageAbnormalTypeList non-empty on a child, or a parcel of the "
     "order in carrier status exception or expired, or flagged lost_suspect (tracking)"},
    {"delivery_late",
     ACTIONS_IN_ORDERS,
     "order",
     2,
     "logistics",
     SEE_ALL,
     "Contact the carrier; Temu credits the buyer for late delivery.",
     "配送逾期 / Delivery late",
     {{"grace_s", 0, 0, 30 * DAY}, {NULL, 0, 0, 0}},
     fire_delivery_late,
     "shipped, not received and now >= latestDeliveryTime + grace_s"},
    {"settlement_variance",
     ACTIONS_IN_SETTLEMENT,
     "settlement",
     2,
     "payments",
     SEE_ALL,
     "Compare the payout line with the order's estimated settlement.",
     "结算差异 / Settlement variance",
     {{"tolerance_bp", 100, 0, 10000}, {NULL, 0, 0, 0}},
     fire_settlement_variance,
     "the order's reconciliation result is partial or unexpected and its unexplained variance "
     "exceeds max(tolerance_bp of the expected amount, 50 minor units)"},
    {"settlement_overdue",
     ACTIONS_IN_SETTLEMENT,
     "settlement",
     2,
     "payments",
     SEE_ALL,
     "Ask Temu about the missing payout.",
     "结算逾期 / Settlement overdue",
     {{"grace_days", 0, 0, 365}, {NULL, 0, 0, 0}},
     fire_settlement_overdue,
     "the order's reconciliation result is missing: its expected settlement date (delivered + "
     "1 day, else pickup + 45 days) + grace_days has passed with no payout line"},
    {"token_expiring",
     ACTIONS_IN_HEALTH,
     "connection",
     3,
     "ops",
     SEE_ADMIN,
     "Re-authorize the shop in Temu before the token expires.",
     "授权即将过期 / Token expiring",
     {{"window_s", 7 * DAY, HOUR, 60 * DAY}, {NULL, 0, 0, 0}},
     fire_token_expiring,
     "connection failed (token refused), or its token expires within window_s"},
    {"sync_failing",
     ACTIONS_IN_HEALTH,
     "stream",
     2,
     "ops",
     SEE_OPS,
     "Open the sync page, read the last error and retry.",
     "同步失败 / Sync failing",
     {{"failures", 3, 1, 1000}, {NULL, 0, 0, 0}},
     fire_sync_failing,
     "a stream not paused with >= failures consecutive failed runs"},
    {"stream_paused",
     ACTIONS_IN_HEALTH,
     "stream",
     2,
     "ops",
     SEE_OPS,
     "Fix the cause and resume the stream on the sync page.",
     "同步已暂停 / Stream paused",
     {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}},
     fire_stream_paused,
     "a stream paused by the engine"},
    {"stockout_soon",
     ACTIONS_IN_STOCK,
     "sku",
     2,
     "ops",
     SEE_ALL,
     "Restock the SKU or lower its stock on Temu before it oversells.",
     "即将断货 / Stock-out soon",
     {{"lead_days", 7, 1, 180}, {NULL, 0, 0, 0}},
     fire_stockout,
     "days of cover = available / max(7-day, 30-day average daily units sold) < lead_days "
     "(on-sale SKUs with sales)"},
};

const struct actions_detector *actions_detectors(size_t *n)
{
    *n = sizeof detectors / sizeof detectors[0];
    return detectors;
}

const struct actions_detector *actions_detector_of(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < sizeof detectors / sizeof detectors[0]; i++)
        if (strcmp(detectors[i].kind, kind) == 0)
            return &detectors[i];
    return NULL;
}

size_t actions_detector_index(const struct actions_detector *d)
{
    return (size_t)(d - detectors);
}

enum err actions_params_load(struct db_conn *c, const char *conn,
                             int64_t (*params)[ACTIONS_PARAMS_MAX], struct errbuf *eb)
{
    size_t n;
    const struct actions_detector *t = actions_detectors(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ACTIONS_PARAMS_MAX; k++)
            params[i][k] = t[i].params[k].dflt;
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(conn != NULL ? conn : "")};
    /* The shop's own value wins over the workspace's ("" sorts first). */
    enum err e = db_query(c,
                          "SELECT kind, name, value FROM action_settings WHERE connection_id IN "
                          "('', $1) ORDER BY connection_id",
                          p, 1, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        const struct actions_detector *d = actions_detector_of(db_rows_get(r, i, 0));
        for (size_t k = 0; d != NULL && k < ACTIONS_PARAMS_MAX; k++)
            if (d->params[k].name != NULL && strcmp(d->params[k].name, db_rows_get(r, i, 1)) == 0)
                params[actions_detector_index(d)][k] = db_rows_int_or(r, i, 2, d->params[k].dflt);
    }
    db_rows_free(r);
    return e;
}

/* floor(log10(x)) + 1 for x >= 1, else 0: the number of digits. */
static int64_t digits(int64_t x)
{
    int64_t d = 0;
    while (x >= 1) {
        d++;
        x /= 10;
    }
    return d;
}

void actions_score_of(int severity, int64_t deadline, const struct money *m, int64_t now,
                      struct actions_score *out)
{
    memset(out, 0, sizeof *out);
    int64_t weight = severity >= 3 ? 30 : severity == 2 ? 20 : 10;
    if (deadline <= 0)
        out->urgency = 50;
    else if (now >= deadline)
        out->urgency = 100;
    else if (deadline - now >= ACTIONS_URGENCY_WINDOW)
        out->urgency = 0;
    else
        out->urgency = 100 - (deadline - now) * 100 / ACTIONS_URGENCY_WINDOW;
    out->breached = deadline > 0 && now >= deadline;
    out->severity = weight * out->urgency;
    if (m != NULL && m->currency[0] != '\0' && m->minor > 0) {
        int exp = money_currency_exponent(m->currency);
        int64_t major = m->minor;
        for (int i = 0; i < exp; i++)
            major /= 10;
        /* 100 × the digits of the amount in major units: 100 × log10(1 + amount), rounded
         * up to a whole digit (1..9 → 100, 10..99 → 200, 100..999 → 300). */
        out->money = 100 * digits(major);
    }
    out->total = out->severity + out->money + (out->breached ? ACTIONS_BREACH_TIER : 0);
}

enum err actions_params_read(struct db *db, const char *conn,
                             int64_t (**params)[ACTIONS_PARAMS_MAX], struct errbuf *eb)
{
    size_t nd;
    actions_detectors(&nd);
    *params = calloc(nd, sizeof **params);
    if (*params == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_conn *c = db_acquire(db);
    enum err e = actions_params_load(c, conn, *params, eb);
    db_release(c);
    return e;
}

/*
 * The facts of a buyer case from the database: the after-sales row and its detail (status,
 * refund summary, the buyer's words), the order (status, promised delivery date from the
 * stored parentOrderMap.latestDeliveryTime), the newest confirmed parcel upload (carrier,
 * tracking number), and the tracking domain's parcel of the order (tracking_shipments,
 * tracking_events; docs/architecture.md "Carrier tracking"): its carrier and number win over
 * the upload's, and its newest stored event gives last_event (the carrier's text, else the
 * normalized status) and event_date. Without a stored event both stay missing, and templates
 * that need them are not chosen.
 */
#include "reply/facts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/money.h"
#include "sync/sync.h"

static const char *const reply_fact_names[REPLY_FACT__COUNT] = {
    "order",      "case",       "case_status", "carrier", "tracking",
    "last_event", "event_date", "promised",    "refund"};

const char *reply_fact_name(enum reply_fact f)
{
    return (unsigned)f < REPLY_FACT__COUNT ? reply_fact_names[f] : NULL;
}

const char *reply_case_state_name(int64_t status)
{
    switch (status) {
    case 1:
        return "open";
    case 5:
        return "refunded";
    case 6:
        return "cancelled";
    case 7:
        return "rejected";
    case 8:
        return "under_review";
    case 10:
        return "return_requested";
    default:
        return NULL;
    }
}

/* A Unix time (seconds or milliseconds) as YYYY-MM-DD (UTC); "" for none. */
static void reply_date(int64_t t, char *out, size_t n)
{
    struct tm tm;
    time_t s = (time_t)(t > 100000000000LL ? t / 1000 : t);
    out[0] = '\0';
    if (t > 0 && gmtime_r(&s, &tm) != NULL)
        strftime(out, n, "%Y-%m-%d", &tm);
}

/* The refund paid, from the detail's refundSummary.buyerTotalRefund ({amount, currency}; the
 * amount in minor units, or a decimal string). "" when absent, zero or unreadable. */
static void reply_refund(const char *summary, char *out, size_t n)
{
    json_t *s = *summary != '\0' ? json_loads(summary, 0, NULL) : NULL;
    const json_t *total = json_object_get(s, "buyerTotalRefund");
    const json_t *amount = json_object_get(total, "amount");
    const char *cur = json_string_value(json_object_get(total, "currency"));
    struct money m = {0};
    bool ok = cur != NULL && strlen(cur) == MONEY_CODE_LEN;
    out[0] = '\0';
    if (ok) {
        snprintf(m.currency, sizeof m.currency, "%s", cur);
        if (json_is_integer(amount))
            m.minor = (int64_t)json_integer_value(amount);
        else if (json_is_string(amount))
            ok = money_parse(json_string_value(amount), strlen(json_string_value(amount)), cur,
                             MONEY_STYLE_PLAIN, 0, &m, NULL, NULL) == ERR_OK;
        else
            ok = false;
    }
    if (ok && m.minor > 0 && money_format(&m, MONEY_STYLE_EN, out, n) != ERR_OK)
        out[0] = '\0';
    json_decref(s);
}

/* The case row: connection, order, status, refund summary, the buyer's words, region. */
ERR_MUST_USE static enum err reply_facts_case(struct db_conn *c, const char *connection_id,
                                              const char *case_id, struct reply_facts *f,
                                              struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {connection_id ? DB_P_TEXT(connection_id) : DB_P_NULL,
                           DB_P_TEXT(case_id)};
    enum err e = db_query(c,
                          "SELECT a.connection_id, a.parent_order_sn, a.status, a.refund_summary, "
                          "a.buyer_comment, a.reason_desc, COALESCE(t.region, '') FROM "
                          "temu_aftersales a LEFT JOIN temu_connections t ON t.id = "
                          "a.connection_id WHERE a.parent_after_sales_sn = $2 AND "
                          "(CAST($1 AS TEXT) IS NULL OR a.connection_id = CAST($1 AS TEXT)) "
                          "ORDER BY a.connection_id LIMIT 2",
                          p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "case_not_found", "No after-sales case %s is stored.",
                    case_id);
    else if (e == ERR_OK && db_rows_count(r) > 1)
        e = err_set(eb, ERR_CONFLICT, "case_ambiguous",
                    "Case %s is stored for several connections: give connection_id.", case_id);
    if (e == ERR_OK) {
        snprintf(f->connection_id, sizeof f->connection_id, "%s", db_rows_get(r, 0, 0));
        snprintf(f->value[REPLY_FACT_ORDER], REPLY_FACT_MAX, "%s", db_rows_get(r, 0, 1));
        snprintf(f->value[REPLY_FACT_CASE], REPLY_FACT_MAX, "%s", case_id);
        f->case_status_code = db_rows_int_or(r, 0, 2, -1);
        const char *state = reply_case_state_name(f->case_status_code);
        snprintf(f->value[REPLY_FACT_CASE_STATUS], REPLY_FACT_MAX, "%s", state ? state : "");
        f->refunded = state != NULL && strcmp(state, "refunded") == 0;
        if (f->refunded)
            reply_refund(db_rows_get(r, 0, 3), f->value[REPLY_FACT_REFUND], REPLY_FACT_MAX);
        snprintf(f->buyer_comment, sizeof f->buyer_comment, "%s", db_rows_get(r, 0, 4));
        snprintf(f->reason, sizeof f->reason, "%s", db_rows_get(r, 0, 5));
        snprintf(f->region, sizeof f->region, "%s", db_rows_get(r, 0, 6));
    }
    db_rows_free(r);
    return e;
}

/* The order: shipping state and the promised delivery date. */
ERR_MUST_USE static enum err reply_facts_order(struct db_conn *c, struct reply_facts *f,
                                               struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(f->connection_id), DB_P_TEXT(f->value[REPLY_FACT_ORDER])};
    enum err e = db_query(c,
                          "SELECT status, data FROM temu_orders WHERE connection_id = $1 AND "
                          "parent_order_sn = $2",
                          p, 2, &r, eb);
    f->ship = REPLY_SHIP_UNKNOWN;
    if (e == ERR_OK && db_rows_count(r) == 1) {
        int64_t status = db_rows_int_or(r, 0, 0, 0);
        f->ship = status == 3                   ? REPLY_SHIP_CANCELLED
                  : status == 5 || status == 51 ? REPLY_SHIP_DELIVERED
                  : status == 4 || status == 41 ? REPLY_SHIP_SHIPPED
                                                : REPLY_SHIP_NOT_SHIPPED;
        json_t *d = sync_order_doc_load(db_rows_get(r, 0, 1));
        const json_t *t =
            json_object_get(json_object_get(d, "parentOrderMap"), "latestDeliveryTime");
        if (json_is_integer(t))
            reply_date((int64_t)json_integer_value(t), f->value[REPLY_FACT_PROMISED],
                       REPLY_FACT_MAX);
        json_decref(d);
    }
    db_rows_free(r);
    return e;
}

/* The newest confirmed parcel upload of the order. */
ERR_MUST_USE static enum err reply_facts_parcel(struct db_conn *c, struct reply_facts *f,
                                                struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(f->connection_id), DB_P_TEXT(f->value[REPLY_FACT_ORDER])};
    enum err e = db_query(c,
                          "SELECT carrier_name, tracking_number FROM temu_shipment_uploads WHERE "
                          "connection_id = $1 AND parent_order_sn = $2 AND state = 'confirmed' "
                          "ORDER BY confirmed_at DESC, tracking_number LIMIT 1",
                          p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        snprintf(f->value[REPLY_FACT_CARRIER], REPLY_FACT_MAX, "%s", db_rows_get(r, 0, 0));
        snprintf(f->value[REPLY_FACT_TRACKING], REPLY_FACT_MAX, "%s", db_rows_get(r, 0, 1));
        if (f->ship == REPLY_SHIP_NOT_SHIPPED)
            f->ship = REPLY_SHIP_SHIPPED;
    }
    db_rows_free(r);
    return e;
}

/* The tracking domain's parcel of the order with the newest stored event (a parcel without
 * events only when no parcel has one): carrier, number, last event and its date. */
ERR_MUST_USE static enum err reply_facts_tracking(struct db_conn *c, struct reply_facts *f,
                                                  struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(f->connection_id), DB_P_TEXT(f->value[REPLY_FACT_ORDER])};
    enum err e = db_query(c,
                          "SELECT s.carrier_name, s.tracking_number, e.at, e.description, "
                          "e.status FROM tracking_shipments s LEFT JOIN tracking_events e ON "
                          "e.shipment_id = s.id WHERE s.connection_id = $1 AND s.parent_order_sn "
                          "= $2 ORDER BY CASE WHEN e.at IS NULL THEN 1 ELSE 0 END, e.at DESC, "
                          "e.received_at DESC, s.tracking_number, e.event_key LIMIT 1",
                          p, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 1) {
        const char *carrier = db_rows_get(r, 0, 0), *text = db_rows_get(r, 0, 3);
        if (carrier[0] != '\0')
            snprintf(f->value[REPLY_FACT_CARRIER], REPLY_FACT_MAX, "%s", carrier);
        snprintf(f->value[REPLY_FACT_TRACKING], REPLY_FACT_MAX, "%s", db_rows_get(r, 0, 1));
        if (!db_rows_is_null(r, 0, 2)) {
            snprintf(f->value[REPLY_FACT_LAST_EVENT], REPLY_FACT_MAX, "%s",
                     text[0] != '\0' ? text : db_rows_get(r, 0, 4));
            reply_date(db_rows_int_or(r, 0, 2, 0), f->value[REPLY_FACT_EVENT_DATE], REPLY_FACT_MAX);
            if (f->value[REPLY_FACT_EVENT_DATE][0] == '\0') /* no date: no event either */
                f->value[REPLY_FACT_LAST_EVENT][0] = '\0';
        }
        if (f->ship == REPLY_SHIP_NOT_SHIPPED)
            f->ship = REPLY_SHIP_SHIPPED;
    }
    db_rows_free(r);
    return e;
}

enum err reply_facts_load(struct db *db, const char *connection_id, const char *case_id,
                          struct reply_facts *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    if (case_id == NULL || *case_id == '\0' || strlen(case_id) >= REPLY_FACT_MAX)
        return err_set(eb, ERR_INVAL, "bad_case_id", "A case id is 1..%d bytes.",
                       REPLY_FACT_MAX - 1);
    struct db_conn *c = db_acquire(db);
    enum err e = reply_facts_case(c, connection_id, case_id, out, eb);
    e = e ? e : reply_facts_order(c, out, eb);
    e = e ? e : reply_facts_parcel(c, out, eb);
    e = e ? e : reply_facts_tracking(c, out, eb);
    db_release(c);
    return e;
}

json_t *reply_facts_json(const struct reply_facts *f)
{
    json_t *o = json_object();
    for (unsigned i = 0; o != NULL && i < REPLY_FACT__COUNT; i++) {
        const char *v = f->value[i];
        if (json_object_set_new(o, reply_fact_names[i], *v ? json_string(v) : json_null()) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

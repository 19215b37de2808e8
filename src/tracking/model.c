/*
 * The tracking model: status normalization, lanes and thresholds, flags.
 * See model.h.
 */
#include "tracking/model.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const status_names[TRACKING_STATUS__COUNT] = {
    "registered",       "not_found",        "info_received",  "in_transit", "customs",
    "out_for_delivery", "ready_for_pickup", "failed_attempt", "delivered",  "returning",
    "returned",         "exception",        "expired",
};

const char *tracking_status_name(enum tracking_status s)
{
    return (unsigned)s < TRACKING_STATUS__COUNT ? status_names[s] : "";
}

bool tracking_status_parse(const char *name, enum tracking_status *out)
{
    for (int i = 0; name != NULL && i < TRACKING_STATUS__COUNT; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (enum tracking_status)i;
            return true;
        }
    }
    return false;
}

bool tracking_status_final(enum tracking_status s)
{
    return s == TRACKING_DELIVERED || s == TRACKING_RETURNED || s == TRACKING_EXPIRED;
}

/* True when sub is main + "_" + rest. */
static bool sub_is(const char *sub, const char *main, const char *rest)
{
    size_t m = strlen(main);
    return sub != NULL && strncmp(sub, main, m) == 0 && sub[m] == '_' &&
           strcmp(sub + m + 1, rest) == 0;
}

enum tracking_status tracking_status_from_17track(const char *main, const char *sub, bool *known)
{
    *known = true;
    if (main == NULL)
        main = "";
    if (strcmp(main, "NotFound") == 0)
        return TRACKING_NOT_FOUND;
    if (strcmp(main, "InfoReceived") == 0)
        return TRACKING_INFO_RECEIVED;
    if (strcmp(main, "InTransit") == 0) {
        /* Customs processing and a request for information hold the parcel; a release is
         * ordinary transit again. Anything unknown is InTransit_Other. */
        if (sub_is(sub, main, "CustomsProcessing") ||
            sub_is(sub, main, "CustomsRequiringInformation"))
            return TRACKING_CUSTOMS;
        return TRACKING_IN_TRANSIT;
    }
    if (strcmp(main, "Expired") == 0)
        return TRACKING_EXPIRED;
    if (strcmp(main, "AvailableForPickup") == 0)
        return TRACKING_READY_FOR_PICKUP;
    if (strcmp(main, "OutForDelivery") == 0)
        return TRACKING_OUT_FOR_DELIVERY;
    if (strcmp(main, "DeliveryFailure") == 0)
        return TRACKING_FAILED_ATTEMPT;
    if (strcmp(main, "Delivered") == 0)
        return TRACKING_DELIVERED;
    if (strcmp(main, "Exception") == 0) {
        if (sub_is(sub, main, "Returning"))
            return TRACKING_RETURNING;
        if (sub_is(sub, main, "Returned"))
            return TRACKING_RETURNED;
        return TRACKING_EXCEPTION;
    }
    *known = false;
    return TRACKING_EXCEPTION;
}

enum tracking_status tracking_status_from_temu(const char *status, bool *known)
{
    static const struct {
        const char *text;
        enum tracking_status s;
    } map[] = {
        {"Info received", TRACKING_INFO_RECEIVED}, {"Picked up", TRACKING_IN_TRANSIT},
        {"In transit", TRACKING_IN_TRANSIT},       {"Out for delivery", TRACKING_OUT_FOR_DELIVERY},
        {"Delivered", TRACKING_DELIVERED},         {"Exception", TRACKING_EXCEPTION},
    };
    *known = true;
    for (size_t i = 0; status != NULL && i < sizeof map / sizeof map[0]; i++) {
        if (strcasecmp(status, map[i].text) == 0)
            return map[i].s;
    }
    *known = false;
    return TRACKING_IN_TRANSIT;
}

static const char *const lane_names[TRACKING_LANE__COUNT] = {"domestic", "express", "line",
                                                             "postal"};

const char *tracking_lane_name(enum tracking_lane l)
{
    return (unsigned)l < TRACKING_LANE__COUNT ? lane_names[l] : "";
}

bool tracking_lane_parse(const char *name, enum tracking_lane *out)
{
    for (int i = 0; name != NULL && i < TRACKING_LANE__COUNT; i++) {
        if (strcmp(name, lane_names[i]) == 0) {
            *out = (enum tracking_lane)i;
            return true;
        }
    }
    return false;
}

/* §1.11, the one table (business days are counted as calendar days). */
static const struct tracking_thresholds lane_defaults[TRACKING_LANE__COUNT] = {
    [TRACKING_LANE_DOMESTIC] = {3 * TRACKING_DAY_S, 3 * TRACKING_DAY_S, 7 * TRACKING_DAY_S,
                                14 * TRACKING_DAY_S},
    [TRACKING_LANE_EXPRESS] = {3 * TRACKING_DAY_S, 3 * TRACKING_DAY_S, 8 * TRACKING_DAY_S,
                               21 * TRACKING_DAY_S},
    [TRACKING_LANE_LINE] = {7 * TRACKING_DAY_S, 14 * TRACKING_DAY_S, 15 * TRACKING_DAY_S,
                            30 * TRACKING_DAY_S},
    [TRACKING_LANE_POSTAL] = {10 * TRACKING_DAY_S, 10 * TRACKING_DAY_S, 30 * TRACKING_DAY_S,
                              60 * TRACKING_DAY_S},
};

void tracking_thresholds_default(enum tracking_lane l, struct tracking_thresholds *out)
{
    *out = lane_defaults[(unsigned)l < TRACKING_LANE__COUNT ? l : TRACKING_LANE_DOMESTIC];
}

enum tracking_lane tracking_lane_of_carrier(int64_t carrier)
{
    switch (carrier) {
    case 3011: /* China Post */
    case 3013: /* China EMS */
        return TRACKING_LANE_POSTAL;
    case 190008: /* YunExpress */
    case 190012: /* Yanwen */
    case 190094: /* 4PX */
    case 190271: /* Cainiao */
        return TRACKING_LANE_LINE;
    case 100001: /* DHL Express */
        return TRACKING_LANE_EXPRESS;
    default:
        return TRACKING_LANE_DOMESTIC;
    }
}

const char *tracking_flag_name(enum tracking_flag_kind k)
{
    switch (k) {
    case TRACKING_FLAG_STALLED:
        return "stalled";
    case TRACKING_FLAG_DELAYED:
        return "delayed";
    case TRACKING_FLAG_LOST:
        return "lost_suspect";
    }
    return "";
}

static size_t flag_add(struct tracking_flag *out, size_t n, enum tracking_flag_kind k,
                       const char *reason, const char *sub, int64_t since)
{
    out[n].kind = k;
    snprintf(out[n].reason, sizeof out[n].reason, "%s%s", reason, sub != NULL ? sub : "");
    out[n].since = since;
    return n + 1;
}

/* stalled: customs hold first, then no scan (info_received only 48 h after shipping). */
static size_t flags_stalled(const struct tracking_facts *f, const struct tracking_thresholds *t,
                            int64_t now, int64_t last, struct tracking_flag *out, size_t n)
{
    if (f->status == TRACKING_CUSTOMS && now - last >= t->customs_stall_s)
        return flag_add(out, n, TRACKING_FLAG_STALLED, "customs_hold", NULL,
                        last + t->customs_stall_s);
    if (f->status == TRACKING_CUSTOMS)
        return n;
    if (f->status == TRACKING_INFO_RECEIVED && f->shipped_at > 0 &&
        now - f->shipped_at < 2 * TRACKING_DAY_S)
        return n;
    if (now - last >= t->stall_s)
        return flag_add(out, n, TRACKING_FLAG_STALLED, "no_scan", NULL, last + t->stall_s);
    return n;
}

size_t tracking_flags_compute(const struct tracking_facts *f, const struct tracking_thresholds *t,
                              int64_t now, struct tracking_flag out[TRACKING_FLAGS_MAX])
{
    size_t n = 0;
    const char *sub = f->sub_status != NULL ? f->sub_status : "";
    if (tracking_status_final(f->status))
        return 0;
    int64_t last = f->last_event_at > 0 ? f->last_event_at : f->shipped_at;
    if (last > 0)
        n = flags_stalled(f, t, now, last, out, n);
    int64_t start = f->picked_up_at > 0 ? f->picked_up_at : f->first_event_at;
    if (f->promise_at > 0 && now > f->promise_at)
        n = flag_add(out, n, TRACKING_FLAG_DELAYED, "past_promise", NULL, f->promise_at);
    else if (strcmp(sub, "Exception_Delayed") == 0)
        n = flag_add(out, n, TRACKING_FLAG_DELAYED, "exception:", sub, last);
    else if (f->promise_at <= 0 && start > 0 && now - start > t->transit_s)
        n = flag_add(out, n, TRACKING_FLAG_DELAYED, "past_transit", NULL, start + t->transit_s);
    if (strcmp(sub, "Exception_Lost") == 0)
        n = flag_add(out, n, TRACKING_FLAG_LOST, "exception:", sub, last);
    else if (last > 0 && f->status != TRACKING_REGISTERED && f->status != TRACKING_NOT_FOUND &&
             now - last >= t->lost_s)
        n = flag_add(out, n, TRACKING_FLAG_LOST, "no_scan", NULL, last + t->lost_s);
    return n;
}

const char *tracking_number_problem(const char *number)
{
    size_t n = number != NULL ? strlen(number) : 0;
    if (n < 5 || n > 50)
        return "a tracking number has 5 to 50 characters";
    for (size_t i = 0; i < n; i++) {
        char c = number[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return "a tracking number has only letters, digits and hyphens";
    }
    return NULL;
}

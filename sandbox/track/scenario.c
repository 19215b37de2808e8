#include "scenario.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../prng.h"
#include "carrier.h"
#include "tk_limits.h"

#define H 3600
#define D 86400

struct scenario_loc {
    const char *city, *state, *country, *postal;
    int tz_min; /* carrier-local offset from UTC in minutes */
};

static const struct scenario_loc scenario_locs[] = {
    {"SHENZHEN", "GD", "CN", "518000", 480},    {"GUANGZHOU", "GD", "CN", "510000", 480},
    {"LOS ANGELES", "CA", "US", "90052", -480}, {"CHICAGO", "IL", "US", "60607", -360},
    {"NEW YORK", "NY", "US", "11430", -300},    {"DALLAS", "TX", "US", "75260", -360},
    {"KEARNY", "NJ", "US", "07032", -300},
};
enum { L_SZ, L_GZ, L_LA, L_CHI, L_NY, L_DAL, L_NJ };

struct scenario_step {
    int64_t at; /* seconds after the first event */
    const char *sub;
    const char *desc;
    int loc;
    int leg; /* 0: first carrier, 1: last-mile carrier */
};

static const struct scenario_step steps_domestic[] = {
    {0, "InfoReceived", "Shipping label created, awaiting item", L_LA, 0},
    {5 * H, "InTransit_PickedUp", "Picked up by the carrier", L_LA, 0},
    {12 * H, "InTransit_Other", "Departed regional facility", L_LA, 0},
    {30 * H, "InTransit_Other", "Arrived at regional destination facility", L_CHI, 0},
    {46 * H, "OutForDelivery_Other", "Out for delivery", L_CHI, 0},
    {52 * H, "Delivered_Other", "Delivered, in/at mailbox", L_CHI, 0},
};

static const struct scenario_step steps_postal[] = {
    {0, "InfoReceived", "Electronic information received", L_SZ, 0},
    {8 * H, "InTransit_PickedUp", "Posting/collection", L_SZ, 0},
    {2 * D, "InTransit_Other", "Arrival at outward office of exchange", L_GZ, 0},
    {3 * D, "InTransit_Departure", "Departure from outward office of exchange", L_GZ, 0},
    {8 * D, "InTransit_Arrival", "Arrival at inward office of exchange", L_NY, 0},
    {8 * D + 6 * H, "InTransit_CustomsProcessing", "Held by import customs", L_NY, 0},
    {14 * D + 6 * H, "InTransit_CustomsReleased", "Released from import customs", L_NY, 0},
    {15 * D, "InTransit_Other", "Arrived at regional facility", L_NJ, 0},
    {17 * D, "OutForDelivery_Other", "Out for delivery", L_CHI, 0},
    {17 * D + 6 * H, "Delivered_Other", "Delivered, front door/porch", L_CHI, 0},
};

static const struct scenario_step steps_line[] = {
    {0, "InfoReceived", "Shipment information received", L_SZ, 0},
    {6 * H, "InTransit_PickedUp", "Picked up by the line", L_SZ, 0},
    {1 * D, "InTransit_Other", "Arrived at sorting center", L_SZ, 0},
    {2 * D, "InTransit_Departure", "Departed from origin airport", L_SZ, 0},
    {5 * D, "InTransit_Arrival", "Arrived at destination airport", L_LA, 0},
    {5 * D + 8 * H, "InTransit_CustomsReleased", "Customs clearance completed", L_LA, 0},
    {6 * D, "InTransit_Other", "Handed over to the last-mile carrier", L_LA, 0},
    {6 * D + 4 * H, "InTransit_PickedUp", "Accepted at the last-mile carrier's facility", L_LA, 1},
    {7 * D, "InTransit_Other", "Arrived at regional facility", L_DAL, 1},
    {9 * D, "OutForDelivery_Other", "Out for delivery", L_DAL, 1},
    {9 * D + 5 * H, "Delivered_Other", "Delivered, left at front door", L_DAL, 1},
};

static const struct scenario_step steps_failed[] = {
    {0, "InfoReceived", "Shipping label created, awaiting item", L_LA, 0},
    {5 * H, "InTransit_PickedUp", "Picked up by the carrier", L_LA, 0},
    {20 * H, "InTransit_Other", "Arrived at regional destination facility", L_CHI, 0},
    {40 * H, "OutForDelivery_Other", "Out for delivery", L_CHI, 0},
    {46 * H, "DeliveryFailure_NoBody", "Delivery attempted, no access to delivery location", L_CHI,
     0},
    {3 * D, "AvailableForPickup_Other", "Available for pickup at the post office", L_CHI, 0},
    {5 * D, "Delivered_Other", "Delivered, picked up at the post office", L_CHI, 0},
};

static const struct scenario_step steps_return[] = {
    {0, "InfoReceived", "Shipping label created, awaiting item", L_LA, 0},
    {5 * H, "InTransit_PickedUp", "Picked up by the carrier", L_LA, 0},
    {20 * H, "InTransit_Other", "Arrived at regional destination facility", L_CHI, 0},
    {40 * H, "OutForDelivery_Other", "Out for delivery", L_CHI, 0},
    {44 * H, "DeliveryFailure_InvalidAddress", "Undeliverable as addressed", L_CHI, 0},
    {3 * D, "Exception_Returning", "Return to sender processed", L_CHI, 0},
    {5 * D, "Exception_Returning", "In transit to sender", L_DAL, 0},
    {7 * D, "Exception_Returned", "Delivered to sender", L_LA, 0},
};

static const struct scenario_step steps_lost[] = {
    {0, "InfoReceived", "Shipping label created, awaiting item", L_LA, 0},
    {6 * H, "InTransit_PickedUp", "Picked up by the carrier", L_LA, 0},
    {1 * D, "InTransit_Other", "Departed regional facility", L_LA, 0},
    {3 * D, "InTransit_Other", "In transit to the next facility", L_DAL, 0},
};

static const struct scenario_step steps_unknown[] = {
    {0, "InfoReceived", "Electronic information received", L_SZ, 0},
    {6 * H, "InTransit_PickedUp", "Posting/collection", L_SZ, 0},
    {2 * D, "InTransit_TransportArrived", "Transport arrived at the hub", L_GZ, 0},
    {4 * D, "Exception_Damaged", "Item damaged in transit", L_GZ, 0},
};

struct scenario_def {
    const char *name;
    const char *summary;
    const struct scenario_step *steps;
    size_t n;
};

#define STEPS(a) a, sizeof a / sizeof a[0]
static const struct scenario_def scenario_defs[SCENARIO_COUNT] = {
    {"domestic", "US domestic happy path, delivered after 52 h", STEPS(steps_domestic)},
    {"postal_customs", "CN->US postal, held by customs for 6 days, delivered on day 17",
     STEPS(steps_postal)},
    {"line_handover", "line hands over to the last-mile carrier on day 6, delivered on day 9",
     STEPS(steps_line)},
    {"failed_pickup", "failed attempt at 46 h, ready for pickup on day 3, collected on day 5",
     STEPS(steps_failed)},
    {"return_to_sender", "undeliverable at 44 h, returning on day 3, returned on day 7",
     STEPS(steps_return)},
    {"lost", "no scans after day 3 (auto-stopped 30 days later)", STEPS(steps_lost)},
    {"invalid", "the carrier never knows the number: NotFound_InvalidCode", NULL, 0},
    {"unknown_sub_status", "InTransit_TransportArrived and Exception_Damaged (forced only)",
     STEPS(steps_unknown)},
};

const char *scenario_name(enum scenario_id id)
{
    return (unsigned)id < SCENARIO_COUNT ? scenario_defs[id].name : NULL;
}

int scenario_by_name(const char *name)
{
    for (int i = 0; name != NULL && i < SCENARIO_COUNT; i++)
        if (strcmp(scenario_defs[i].name, name) == 0)
            return i;
    return -1;
}

/* FNV-1a, for seeding and for the change-detector hashes. */
static uint32_t scenario_fnv(uint32_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

enum scenario_id scenario_pick(uint64_t seed, const char *number, int carrier)
{
    struct prng g;
    prng_seed(&g, seed, scenario_fnv(2166136261u, number));
    int64_t r = prng_range(&g, 0, 99);
    const struct carrier *c = carrier_find(carrier);
    enum carrier_lane lane = c != NULL ? c->lane : CARRIER_DOMESTIC;
    if (r < 5)
        return SCENARIO_INVALID;
    if (r < 15)
        return SCENARIO_LOST;
    if (r < 25)
        return SCENARIO_RETURN;
    if (lane == CARRIER_POSTAL)
        return SCENARIO_POSTAL_CUSTOMS;
    if (lane == CARRIER_LINE)
        return SCENARIO_LINE_HANDOVER;
    return r < 40 ? SCENARIO_FAILED_PICKUP : SCENARIO_DOMESTIC;
}

size_t scenario_revealed(const struct scenario_ctx *s, int64_t at)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    size_t n = 0;
    while (n < d->n && s->start + d->steps[n].at <= at)
        n++;
    return n;
}

int64_t scenario_event_time(const struct scenario_ctx *s, size_t k)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    return k < d->n ? s->start + d->steps[k].at : 0;
}

int64_t scenario_last_time(const struct scenario_ctx *s, int64_t at)
{
    size_t n = scenario_revealed(s, at);
    return n > 0 ? s->start + scenario_defs[s->id].steps[n - 1].at : 0;
}

static const char *scenario_main_of(const char *sub)
{
    static const char *const mains[] = {"NotFound",        "InfoReceived",       "InTransit",
                                        "Expired",         "AvailableForPickup", "OutForDelivery",
                                        "DeliveryFailure", "Delivered",          "Exception"};
    for (size_t i = 0; i < sizeof mains / sizeof mains[0]; i++) {
        size_t n = strlen(mains[i]);
        if (strncmp(sub, mains[i], n) == 0 && (sub[n] == '\0' || sub[n] == '_'))
            return mains[i];
    }
    return "InTransit";
}

void scenario_status(const struct scenario_ctx *s, int64_t at, const char **status,
                     const char **sub)
{
    size_t n = scenario_revealed(s, at);
    if (n == 0) {
        *status = "NotFound";
        *sub =
            s->id == SCENARIO_INVALID && at >= s->start ? "NotFound_InvalidCode" : "NotFound_Other";
        return;
    }
    *sub = scenario_defs[s->id].steps[n - 1].sub;
    *status = scenario_main_of(*sub);
}

bool scenario_final(const struct scenario_ctx *s, int64_t at)
{
    const char *st, *sub;
    scenario_status(s, at, &st, &sub);
    return strcmp(st, "Delivered") == 0 ||
           (strcmp(st, "Exception") == 0 && strcmp(sub, "Exception_Returning") != 0);
}

bool scenario_changed(const struct scenario_ctx *s, int64_t since, int64_t at)
{
    if (s->id == SCENARIO_INVALID)
        return since < s->start && s->start <= at;
    return scenario_revealed(s, at) > scenario_revealed(s, since);
}

void scenario_format_utc(int64_t t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The milestone key stage a sub-status reaches, or NULL. */
static const char *scenario_key_stage(const char *sub)
{
    static const struct {
        const char *prefix, *stage;
    } map[] = {{"InfoReceived", "InfoReceived"},
               {"InTransit_PickedUp", "PickedUp"},
               {"InTransit_Departure", "Departure"},
               {"InTransit_Arrival", "Arrival"},
               {"AvailableForPickup", "AvailableForPickup"},
               {"OutForDelivery", "OutForDelivery"},
               {"Delivered", "Delivered"},
               {"Exception_Returning", "Returning"},
               {"Exception_Returned", "Returned"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(sub, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].stage;
    return NULL;
}

static json_t *scenario_address(const struct scenario_loc *l)
{
    return json_pack("{s:s, s:s, s:s, s:n, s:s, s:{s:n, s:n}}", "country", l->country, "state",
                     l->state, "city", l->city, "street", "postal_code", l->postal, "coordinates",
                     "longitude", "latitude");
}

static json_t *scenario_event(const struct scenario_ctx *s, const struct scenario_step *st)
{
    const struct scenario_loc *l = &scenario_locs[st->loc];
    int64_t t = s->start + st->at;
    char utc[32], iso[64], date[16], tim[16], tz[16];
    scenario_format_utc(t, utc, sizeof utc);
    time_t local = (time_t)(t + (int64_t)l->tz_min * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    strftime(tim, sizeof tim, "%H:%M:%S", &tm);
    int off = l->tz_min < 0 ? -l->tz_min : l->tz_min;
    snprintf(tz, sizeof tz, "%c%02d:%02d", l->tz_min < 0 ? '-' : '+', off / 60, off % 60);
    snprintf(iso, sizeof iso, "%sT%s%s", date, tim, tz);
    char where[96];
    snprintf(where, sizeof where, "%s, %s, %s", l->city, l->state, l->country);
    const char *stage = scenario_key_stage(st->sub);
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:n, s:s, s:s, s:s, s:o}", "time_iso", iso,
                     "time_utc", utc, "time_raw", "date", date, "time", tim, "timezone", tz,
                     "description", st->desc, "description_translation", "location", where, "stage",
                     stage != NULL ? stage : scenario_main_of(st->sub), "sub_status", st->sub,
                     "address", scenario_address(l));
}

/* The last-mile number a hand-over reports in misc_info (derived from the number). */
static void scenario_local_number(const struct scenario_ctx *s, char *out, size_t len)
{
    uint32_t h = scenario_fnv(2166136261u, s->number);
    snprintf(out, len, "9400%09u%09u", (unsigned)(h % 1000000000u),
             (unsigned)((h * 2654435761u) % 1000000000u));
}

static int scenario_leg_carrier(const struct scenario_ctx *s, int leg)
{
    if (leg == 0)
        return s->carrier;
    return s->final_carrier != 0 ? s->final_carrier : 21051;
}

/* Providers, the last leg first (the carrier the parcel is with now), events newest first;
 * *all_hash_out is the hash over every provider's events. */
static json_t *scenario_providers(const struct scenario_ctx *s, size_t n, uint32_t *all_hash_out)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    int legs = 1;
    for (size_t i = 0; i < n; i++)
        if (d->steps[i].leg == 1)
            legs = 2;
    json_t *providers = json_array();
    uint32_t all_hash = 2166136261u;
    for (int leg = legs - 1; leg >= 0; leg--) {
        json_t *events = json_array();
        uint32_t h = 2166136261u;
        int64_t newest = 0;
        for (size_t i = n; i-- > 0;) {
            if (d->steps[i].leg != leg)
                continue;
            json_array_append_new(events, scenario_event(s, &d->steps[i]));
            char t[24];
            snprintf(t, sizeof t, "%lld", (long long)(s->start + d->steps[i].at));
            h = scenario_fnv(scenario_fnv(scenario_fnv(h, t), d->steps[i].sub), d->steps[i].desc);
            if (newest == 0)
                newest = s->start + d->steps[i].at;
        }
        const struct carrier *c = carrier_find(scenario_leg_carrier(s, leg));
        char sync[32] = "";
        if (newest != 0)
            scenario_format_utc(newest, sync, sizeof sync);
        char hs[16];
        snprintf(hs, sizeof hs, "%u", (unsigned)h);
        all_hash = scenario_fnv(all_hash, hs);
        json_array_append_new(providers,
                              json_pack("{s:o, s:n, s:s, s:s?, s:I, s:o}", "provider",
                                        c != NULL ? carrier_provider_json(c) : json_object(),
                                        "service_type", "latest_sync_status", "Success",
                                        "latest_sync_time", newest != 0 ? sync : NULL,
                                        "events_hash", (json_int_t)(int32_t)h, "events", events));
    }
    *all_hash_out = all_hash;
    return providers;
}

/* Milestones: all nine key stages, the time each was first reached (17-FIX). */
static json_t *scenario_milestones(const struct scenario_ctx *s, size_t n)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    static const char *const stages[] = {"InfoReceived", "PickedUp",           "Departure",
                                         "Arrival",      "AvailableForPickup", "OutForDelivery",
                                         "Delivered",    "Returning",          "Returned"};
    json_t *milestone = json_array();
    for (size_t k = 0; k < sizeof stages / sizeof stages[0]; k++) {
        json_t *ev = NULL;
        for (size_t i = 0; i < n && ev == NULL; i++) {
            const char *ks = scenario_key_stage(d->steps[i].sub);
            if (ks != NULL && strcmp(ks, stages[k]) == 0)
                ev = scenario_event(s, &d->steps[i]);
        }
        json_array_append_new(milestone,
                              json_pack("{s:s, s:O?, s:O?}", "key_stage", stages[k], "time_iso",
                                        ev ? json_object_get(ev, "time_iso") : NULL, "time_utc",
                                        ev ? json_object_get(ev, "time_utc") : NULL));
        json_decref(ev);
    }
    return milestone;
}

/* time_metrics by the 17-TM rules, in whole days at time at. */
static json_t *scenario_metrics(const struct scenario_ctx *s, int64_t at, size_t n, const char *sub)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    int64_t first = n > 0 ? s->start : 0, last = n > 0 ? s->start + d->steps[n - 1].at : 0;
    int64_t picked = 0, delivered = 0;
    for (size_t i = 0; i < n; i++) {
        if (picked == 0 && strcmp(d->steps[i].sub, "InTransit_PickedUp") == 0)
            picked = s->start + d->steps[i].at;
        if (strncmp(d->steps[i].sub, "Delivered", 9) == 0)
            delivered = s->start + d->steps[i].at;
    }
    bool done = delivered != 0 || strcmp(sub, "Exception_Returned") == 0;
    int64_t end = delivered != 0 ? delivered : at;
    json_int_t after_order = n > 0 ? (end - first) / D : 0;
    json_int_t after_update = n > 0 && !done ? (at - last) / D : 0;
    json_int_t transit = n > 0 ? (end - (picked != 0 ? picked : first)) / D : 0;
    bool edd = s->id == SCENARIO_DOMESTIC || s->id == SCENARIO_FAILED_PICKUP ||
               s->id == SCENARIO_RETURN || s->id == SCENARIO_LOST;
    char from[32] = "", to[32] = "";
    if (edd && n > 0) {
        scenario_format_utc(s->start + 2 * D, from, sizeof from);
        scenario_format_utc(s->start + 4 * D, to, sizeof to);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:{s:s?, s:s?, s:s?}}", "days_after_order", after_order,
                     "days_after_last_update", after_update, "days_of_transit", transit,
                     "days_of_transit_done", delivered != 0 ? transit : (json_int_t)0,
                     "estimated_delivery_date", "source", from[0] ? "Official" : NULL, "from",
                     from[0] ? from : NULL, "to", to[0] ? to : NULL);
}

/* misc_info: the last-mile number and carrier once the parcel was handed over. */
static json_t *scenario_misc(const struct scenario_ctx *s, size_t n)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    json_t *misc = json_pack("{s:i, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n}",
                             "risk_factor", 0, "service_type", "weight_raw", "weight_kg", "pieces",
                             "dimensions", "customer_number", "reference_number", "local_number",
                             "local_provider", "local_key");
    for (size_t i = 0; i < n; i++) {
        if (d->steps[i].leg == 1) {
            char local[32];
            scenario_local_number(s, local, sizeof local);
            const struct carrier *lc = carrier_find(scenario_leg_carrier(s, 1));
            json_object_set_new(misc, "local_number", json_string(local));
            json_object_set_new(misc, "local_provider", json_string(lc ? lc->name : ""));
            json_object_set_new(misc, "local_key", json_integer(lc ? lc->key : 0));
            break;
        }
    }
    return misc;
}

json_t *scenario_track_info(const struct scenario_ctx *s, int64_t at)
{
    const struct scenario_def *d = &scenario_defs[s->id];
    size_t n = scenario_revealed(s, at);
    uint32_t all_hash;
    json_t *providers = scenario_providers(s, n, &all_hash);
    const char *status, *sub;
    scenario_status(s, at, &status, &sub);
    json_t *latest_event = json_null();
    if (n > 0)
        latest_event = scenario_event(s, &d->steps[n - 1]);
    json_t *milestone = scenario_milestones(s, n);
    json_t *metrics = scenario_metrics(s, at, n, sub);
    json_t *misc = scenario_misc(s, n);
    const struct carrier *c0 = carrier_find(s->carrier);
    bool cross = c0 != NULL && strcmp(c0->country, "CN") == 0;
    const struct scenario_loc *from_loc = &scenario_locs[cross ? L_SZ : L_LA];
    const struct scenario_loc *to_loc =
        &scenario_locs[s->id == SCENARIO_LINE_HANDOVER ? L_DAL : L_CHI];
    return json_pack(
        "{s:{s:o, s:o}, s:{s:s, s:s, s:s?}, s:o, s:o, s:o, s:o, s:{s:I, s:o}}", "shipping_info",
        "shipper_address", scenario_address(from_loc), "recipient_address",
        scenario_address(to_loc), "latest_status", "status", status, "sub_status", sub,
        "sub_status_descr",
        strcmp(sub, "NotFound_InvalidCode") == 0 ? "The number is not valid for this carrier"
                                                 : NULL,
        "latest_event", latest_event, "time_metrics", metrics, "milestone", milestone, "misc_info",
        misc, "tracking", "providers_hash", (json_int_t)(int32_t)all_hash, "providers", providers);
}

json_t *scenario_catalog_json(void)
{
    json_t *out = json_array();
    for (int i = 0; i < SCENARIO_COUNT; i++) {
        const struct scenario_def *d = &scenario_defs[i];
        json_t *ev = json_array();
        for (size_t k = 0; k < d->n; k++)
            json_array_append_new(ev, json_pack("{s:I, s:s, s:s, s:i}", "offset_s",
                                                (json_int_t)d->steps[k].at, "sub_status",
                                                d->steps[k].sub, "description", d->steps[k].desc,
                                                "provider_leg", d->steps[k].leg));
        json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "name", d->name, "summary",
                                             d->summary, "events", ev));
    }
    return out;
}

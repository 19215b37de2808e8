/*
 * world shipping: parcels of shipped sub-orders (bg.logistics.shipment.v2.get), the seller's
 * tracking upload (bg.logistics.shipment.v2.confirm) and carrier tracking
 * (temu.track.trackinginfo.get). A parcel's scans are computed from its ship time, its
 * carrier's transit days and its fate against the virtual clock, so parcels move as the clock
 * does. Package records keep internal "_" keys that are never answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

#define WORLD_SEND_MAX  20 /* sendRequestList entries */
#define WORLD_LINES_MAX 50 /* orderSendInfoList entries per request */
#define WORLD_TRACK_MAX 64 /* tracking number bytes */

const struct world_carrier world_carriers[WORLD_CARRIERS] = {
    {"USPS", "9400", 18, false, 3, 6}, {"UPS", "1Z", 16, true, 2, 5},
    {"FedEx", "", 12, false, 2, 5},    {"DHL eCommerce", "GM", 18, false, 4, 8},
    {"OnTrac", "D", 14, false, 2, 4},  {"LaserShip", "1LS", 12, false, 2, 4},
    {"Veho", "VH", 12, true, 2, 3},    {"Amazon Shipping", "TBA", 12, false, 2, 4},
};

static const char *const world_origins[] = {"Ontario, CA", "Edison, NJ", "Dallas, TX",
                                            "Joliet, IL"};

const struct world_carrier *world_carrier_by_id(int64_t id, int *index)
{
    if (id < WORLD_CARRIER_ID0 || id >= WORLD_CARRIER_ID0 + WORLD_CARRIERS)
        return NULL;
    *index = (int)(id - WORLD_CARRIER_ID0);
    return &world_carriers[*index];
}

/* Whether a tracking number has its carrier's shape. */
static bool world_track_fits(const struct world_carrier *c, const char *t)
{
    size_t pl = strlen(c->prefix);
    if (strncmp(t, c->prefix, pl) != 0 || strlen(t) != pl + (size_t)c->body)
        return false;
    for (const char *p = t + pl; *p; p++) {
        bool digit = *p >= '0' && *p <= '9', upper = *p >= 'A' && *p <= 'Z';
        if (!digit && !(c->alnum && upper))
            return false;
    }
    return true;
}

static void world_track_make(const struct world_carrier *c, struct prng *g, char *out, size_t n)
{
    static const char alnum[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    size_t pl = (size_t)snprintf(out, n, "%s", c->prefix);
    for (int i = 0; i < c->body && pl + 1 < n; i++)
        out[pl++] = c->alnum ? alnum[prng_range(g, 0, (int64_t)sizeof alnum - 2)]
                             : (char)('0' + prng_range(g, 0, 9));
    out[pl] = '\0';
}

/* A generated parcel's fate: a few percent stall, get lost or are never scanned. */
static int world_fate(struct world *w, struct prng *g, int status)
{
    if (status == ST_RECEIPTED || status == ST_PART_RECEIVED)
        return FATE_DELIVERED;
    int64_t r = prng_range(g, 0, 9999);
    int stalled = world_incident_pct(w, 3) * 100, lost = world_incident_pct(w, 1) * 100;
    int no_info = world_incident_pct(w, 2) * 100;
    if (r < stalled)
        return FATE_STALLED;
    if (r < stalled + lost)
        return FATE_LOST;
    return r < stalled + lost + no_info ? FATE_NO_INFO : FATE_DELIVERED;
}

/* Records one parcel of child (a sub-order) and its packageSnInfo entry. */
static void world_package_add(struct world_order *o, json_t *child, int carrier, const char *track,
                              int64_t when, int fate, int warning, struct prng *g, char psn[64])
{
    const struct world_carrier *c = &world_carriers[carrier];
    if (psn[0] == '\0')
        snprintf(psn, 64, "PK-%s-%zu", o->sn + 3, json_array_size(o->packages) + 1);
    int type = prng_range(g, 0, 19) == 0 ? 3 : 1;
    json_t *wh = type == 3 ? json_pack("{s:s, s:s, s:s, s:s}", "warehouseProviderCode", "WPC-07",
                                       "warehouseProviderBrandName", "Sandbox Fulfilment",
                                       "warehouseCode", "NJ-EDI-2", "warehouseName", "Edison 2")
                           : json_null();
    json_array_append_new(json_object_get(child, "packageSnInfo"),
                          json_pack("{s:s, s:i, s:b, s:b}", "packageSn", psn, "packageDeliveryType",
                                    type, "callSuccess", 1, "needPod", 0));
    json_object_set_new(child, "orderShippingTime", json_integer(when));
    json_t *subs = json_array();
    /* A multi-unit parcel is sometimes split into a main package and a sub-package. */
    if (json_integer_value(json_object_get(child, "quantity")) > 1 && prng_range(g, 0, 7) == 0) {
        char sub_sn[80], sub_track[WORLD_TRACK_MAX];
        snprintf(sub_sn, sizeof sub_sn, "%s-S1", psn);
        world_track_make(c, g, sub_track, sizeof sub_track);
        json_array_append_new(subs,
                              json_pack("{s:I, s:s, s:s, s:i, s:s}", "carrierId",
                                        (json_int_t)(WORLD_CARRIER_ID0 + carrier), "carrierName",
                                        c->name, "packageSn", sub_sn, "packageDeliveryType", type,
                                        "trackingNumber", sub_track));
    }
    json_array_append_new(
        o->packages,
        json_pack(
            "{s:I, s:s, s:s, s:I, s:I, s:s, s:i, s:i, s:o, s:o, s:s, s:I, s:i, s:i, s:s}",
            "carrierId", (json_int_t)(WORLD_CARRIER_ID0 + carrier), "carrierName", c->name,
            "trackingNumber", track, "skuId", json_integer_value(json_object_get(child, "skuId")),
            "quantity", json_integer_value(json_object_get(child, "quantity")), "packageSn", psn,
            "packageDeliveryType", type, "trackingWarningLabel", warning, "cooperativeWarehouseDTO",
            wh, "subPackageShipmentInfoList", subs, "_orderSn",
            json_string_value(json_object_get(child, "orderSn")), "_shipTime", (json_int_t)when,
            "_fate", fate, "_days", (int)prng_range(g, c->days_min, c->days_max), "_origin",
            WORLD_PICK(g, world_origins)));
}

void world_ship_children(struct world *w, struct world_order *o, struct prng *g, int64_t when)
{
    size_t k;
    json_t *child;
    json_array_foreach(o->list, k, child)
    {
        int st = (int)json_integer_value(json_object_get(child, "orderStatus"));
        if (!world_is_shipped(st) || json_array_size(json_object_get(child, "packageSnInfo")) > 0)
            continue;
        int carrier = (int)prng_range(g, 0, WORLD_CARRIERS - 1);
        char track[WORLD_TRACK_MAX];
        world_track_make(&world_carriers[carrier], g, track, sizeof track);
        int fate = world_fate(w, g, o->status);
        char psn[64] = "";
        world_package_add(o, child, carrier, track, when, fate, fate == FATE_NO_INFO ? 1 : 0, g,
                          psn);
    }
    json_t *pst = json_object_get(o->map, "parentShippingTime");
    if (pst == NULL || json_is_null(pst))
        json_object_set_new(o->map, "parentShippingTime", json_integer(when));
}

/* A package record without its internal keys. */
static json_t *world_package_public(json_t *pk)
{
    json_t *copy = json_deep_copy(pk);
    const char *key;
    void *tmp;
    json_t *v;
    json_object_foreach_safe(copy, tmp, key, v)
    {
        if (key[0] == '_')
            json_object_del(copy, key);
    }
    return copy;
}

json_t *world_shipment_get(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    const char *osn = json_string_value(json_object_get(p, "orderSn"));
    if (osn == NULL || *osn == '\0') {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    struct world_order *o = world_order_param(w, mall, p, e, 3000000);
    if (o == NULL)
        return NULL;
    json_t *list = json_array();
    size_t i;
    json_t *pk;
    json_array_foreach(o->packages, i, pk)
    {
        if (strcmp(osn, json_string_value(json_object_get(pk, "_orderSn"))) == 0)
            json_array_append_new(list, world_package_public(pk));
    }
    return json_pack("{s:o}", "shipmentInfoDTO", list);
}

/* ---- bg.logistics.shipment.v2.confirm ---- */

/* One validated orderSendInfoList entry. */
struct world_send_line {
    struct world_order *o;
    json_t *child;
    size_t request; /* index into sendRequestList */
};

static json_t *world_child_find(struct world_order *o, const char *osn)
{
    size_t k;
    json_t *child;
    json_array_foreach(o->list, k, child)
    {
        if (strcmp(json_string_value(json_object_get(child, "orderSn")), osn) == 0)
            return child;
    }
    return NULL;
}

static bool world_send_line_check(struct world *w, int64_t mall, json_t *item,
                                  struct world_send_line *out, struct world_err *e)
{
    const char *psn = json_string_value(json_object_get(item, "parentOrderSn"));
    const char *osn = json_string_value(json_object_get(item, "orderSn"));
    int64_t goods = 0, sku = 0, qty = 0;
    if (psn == NULL || osn == NULL || world_int(item, "goodsId", false, &goods) != 1 ||
        world_int(item, "skuId", false, &sku) != 1 ||
        world_int(item, "quantity", false, &qty) != 1) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return false;
    }
    out->o = world_find_order(w, mall, psn);
    out->child = out->o != NULL ? world_child_find(out->o, osn) : NULL;
    if (out->child == NULL) {
        world_fail(e, 140020002, "order not found");
        return false;
    }
    if (goods != json_integer_value(json_object_get(out->child, "goodsId")) ||
        sku != json_integer_value(json_object_get(out->child, "skuId"))) {
        world_fail(e, 20006, "goodsId and skuId must be the order line's ids");
        return false;
    }
    if (json_integer_value(json_object_get(out->child, "orderStatus")) != ST_UNSHIPPED) {
        world_fail(e, 7000000, "the order status does not allow shipping");
        return false;
    }
    if (qty != json_integer_value(json_object_get(out->child, "quantity"))) {
        world_fail(e, 7000000, "quantity must be the sub-order's quantity");
        return false;
    }
    return true;
}

/* Checks one sendRequestList entry and appends its lines. */
static bool world_send_request_check(struct world *w, int64_t mall, json_t *req, size_t index,
                                     struct world_send_line *lines, size_t *n, struct world_err *e)
{
    int64_t carrier_id = 0;
    int ci;
    const char *track = json_string_value(json_object_get(req, "trackingNumber"));
    json_t *items = json_object_get(req, "orderSendInfoList");
    if (world_int(req, "carrierId", false, &carrier_id) != 1 || track == NULL || *track == '\0' ||
        strlen(track) >= WORLD_TRACK_MAX || !json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > WORLD_LINES_MAX) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return false;
    }
    if (world_carrier_by_id(carrier_id, &ci) == NULL) {
        world_fail(e, 7000000, "carrierId is not a carrier of bg.logistics.companies.get");
        return false;
    }
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        struct world_send_line *l = &lines[*n];
        if (!world_send_line_check(w, mall, item, l, e))
            return false;
        for (size_t j = 0; j < *n; j++) {
            if (lines[j].child == l->child) {
                world_fail(e, 3000000, "BAD_PARAMS");
                return false;
            }
        }
        l->request = index;
        (*n)++;
    }
    return true;
}

/* The parent's status after some children shipped; emits the status event. */
static void world_order_shipped(struct world *w, struct world_order *o, int64_t now)
{
    bool open = false;
    size_t k;
    json_t *child;
    json_array_foreach(o->list, k, child) open |=
        json_integer_value(json_object_get(child, "orderStatus")) == ST_UNSHIPPED;
    int status = open ? ST_PART_SHIPPED : ST_SHIPPED;
    if (status == o->status && o->updated == now)
        return;
    o->status = status;
    o->updated = now > o->updated ? now : o->updated;
    json_object_set_new(o->map, "parentOrderStatus", json_integer(status));
    json_object_set_new(o->map, "updateTime", json_integer(o->updated));
    json_t *pst = json_object_get(o->map, "parentShippingTime");
    if (pst == NULL || json_is_null(pst))
        json_object_set_new(o->map, "parentShippingTime", json_integer(now));
    world_labels_update(o, now);
    world_emit_status(w, o);
}

/* Applies checked lines: one parcel per request, the children shipped. */
static json_t *world_send_apply(struct world *w, json_t *reqs, struct world_send_line *lines,
                                size_t n, int64_t now)
{
    json_t *warnings = json_array();
    char psn[WORLD_SEND_MAX][64];
    memset(psn, 0, sizeof psn);
    for (size_t i = 0; i < n; i++) {
        json_t *req = json_array_get(reqs, lines[i].request);
        int ci = 0;
        int64_t id = 0;
        world_int(req, "carrierId", false, &id);
        const struct world_carrier *c = world_carrier_by_id(id, &ci);
        const char *track = json_string_value(json_object_get(req, "trackingNumber"));
        if (c == NULL || track == NULL)
            continue; /* checked before: never */
        bool fits = world_track_fits(c, track);
        json_object_set_new(lines[i].child, "orderStatus", json_integer(ST_SHIPPED));
        /* A number the carrier does not know never gets a scan. */
        int fate = fits ? world_fate(w, &w->live, 0) : FATE_NO_INFO;
        world_package_add(lines[i].o, lines[i].child, ci, track, now, fate, fits ? 0 : 2, &w->live,
                          psn[lines[i].request]);
        if (!fits && (i == 0 || lines[i - 1].request != lines[i].request)) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "The tracking number %s may not belong to %s; please check the carrier.",
                     track, c->name);
            json_array_append_new(warnings, json_string(msg));
        }
    }
    for (size_t i = 0; i < n; i++)
        world_order_shipped(w, lines[i].o, now);
    return json_pack("{s:s, s:o}", "assistantAgreementText",
                     "I agree that Temu's tracking assistant may detect and correct possible "
                     "mistakes in the carrier I entered.",
                     "warningMessage", warnings);
}

json_t *world_shipment_confirm(struct world *w, int64_t mall, json_t *p, int64_t now,
                               struct world_err *e)
{
    int64_t send_type = -1;
    json_t *reqs = json_object_get(p, "sendRequestList");
    if (world_int(p, "sendType", false, &send_type) != 1 || send_type < 0 || send_type > 2 ||
        !json_is_array(reqs) || json_array_size(reqs) == 0 ||
        json_array_size(reqs) > WORLD_SEND_MAX || (send_type == 0 && json_array_size(reqs) != 1)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    struct world_send_line *lines = calloc(WORLD_SEND_MAX * WORLD_LINES_MAX, sizeof *lines);
    if (lines == NULL) {
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    size_t n = 0, i;
    json_t *req, *r = NULL;
    json_array_foreach(reqs, i, req)
    {
        if (!json_is_object(req)) {
            world_fail(e, 3000000, "BAD_PARAMS");
            goto out;
        }
        if (!world_send_request_check(w, mall, req, i, lines, &n, e))
            goto out;
    }
    r = world_send_apply(w, reqs, lines, n, now);
out:
    free(lines);
    return r;
}

/* ---- temu.track.trackinginfo.get ---- */

static bool world_language_ok(const char *lang)
{
    static const char *const known[] = {"en", "en-US", "es", "es-US", "fr", "de", "it",
                                        "pt", "nl",    "pl", "ja",    "ko", "zh"};
    if (lang == NULL || *lang == '\0')
        return true;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(lang, known[i]) == 0)
            return true;
    return false;
}

static void world_scan(json_t *list, int64_t at, int64_t now, const char *status, const char *text)
{
    if (at > now)
        return;
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)at);
    /* Newest first. */
    json_array_insert_new(list, 0,
                          json_pack("{s:s, s:s, s:s}", "logisticsStatus", status,
                                    "logisticsUpdatedAt", ts, "statusText", text));
}

/* The scans of parcel pk of order o that have happened by now. */
static json_t *world_scans(const struct world_order *o, json_t *pk, int64_t now)
{
    json_t *list = json_array();
    int fate = (int)json_integer_value(json_object_get(pk, "_fate"));
    int64_t t0 = json_integer_value(json_object_get(pk, "_shipTime"));
    int64_t d = json_integer_value(json_object_get(pk, "_days")) * WORLD_DAY;
    const char *origin = json_string_value(json_object_get(pk, "_origin"));
    const char *carrier = json_string_value(json_object_get(pk, "carrierName"));
    const char *city = json_string_value(json_object_get(o->address, "regionName3"));
    const char *state = json_string_value(json_object_get(o->address, "regionName2"));
    char text[160];
    if (fate == FATE_NO_INFO)
        return list;
    snprintf(text, sizeof text, "Shipping label created, %s awaiting item", carrier);
    world_scan(list, t0, now, "Info received", text);
    snprintf(text, sizeof text, "Picked up by %s in %s", carrier, origin);
    world_scan(list, t0 + 6 * 3600, now, "Picked up", text);
    snprintf(text, sizeof text, "Departed %s sort facility", origin);
    world_scan(list, t0 + 18 * 3600, now, "In transit", text);
    if (fate == FATE_LOST)
        world_scan(list, t0 + 6 * WORLD_DAY, now, "Exception",
                   "Package could not be located; carrier investigation opened");
    if (fate != FATE_DELIVERED)
        return list;
    snprintf(text, sizeof text, "Arrived at %s regional facility", state);
    world_scan(list, t0 + d * 6 / 10, now, "In transit", text);
    snprintf(text, sizeof text, "Out for delivery in %s", city);
    world_scan(list, t0 + d - 5 * 3600, now, "Out for delivery", text);
    snprintf(text, sizeof text, "Delivered, front door/porch, %s", city);
    world_scan(list, t0 + d, now, "Delivered", text);
    return list;
}

json_t *world_tracking_get(struct world *w, int64_t mall, json_t *p, int64_t now,
                           struct world_err *e)
{
    const char *psn = json_string_value(json_object_get(p, "packageSn"));
    json_t *lang = json_object_get(p, "language");
    if (psn == NULL || *psn == '\0' || (lang != NULL && !json_is_string(lang))) {
        world_fail(e, 170070010, "invalid params");
        return NULL;
    }
    if (!world_language_ok(json_string_value(lang))) {
        world_fail(e, 170070012, "unsupported language");
        return NULL;
    }
    for (size_t i = 0; i < w->norders; i++) {
        struct world_order *o = &w->orders[i];
        size_t k;
        json_t *pk;
        if (o->mall_id != mall)
            continue;
        json_array_foreach(o->packages, k, pk)
        {
            if (strcmp(json_string_value(json_object_get(pk, "packageSn")), psn) == 0)
                return json_pack("{s:s, s:O, s:o}", "packageSn", psn, "trackingNum",
                                 json_object_get(pk, "trackingNumber"), "trackingInfo",
                                 world_scans(o, pk, now));
        }
    }
    world_fail(e, 170070011, "tracking number not found");
    return NULL;
}

/* world generation: the initial products and orders of every shop, drawn from w->gen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

static const char *const world_adjectives[] = {"Cozy",    "Sleek", "Classic", "Vintage",
                                               "Compact", "Bold",  "Soft",    "Smart"};
static const char *const world_nouns[] = {"Desk Lamp", "Throw Blanket", "Phone Stand", "Mug",
                                          "Backpack",  "Wall Clock",    "Yoga Mat",    "Kettle"};
static const char *const world_colors[] = {"Black", "White", "Blue", "Green", "Red", "Grey"};
static const char *const world_first[] = {"Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley"};
static const char *const world_last[] = {"Smith", "Garcia", "Lee", "Brown", "Nguyen", "Miller"};
static const char *const world_cities[] = {"Austin", "Denver", "Portland", "Columbus", "Raleigh"};
static const char *const world_states[] = {"Texas", "Colorado", "Oregon", "Ohio", "North Carolina"};

static void world_gen_product(struct world *w, size_t shop, size_t seq)
{
    struct prng *g = &w->gen;
    struct world_product *p = &w->products[w->nproducts++];
    int64_t r = prng_range(g, 0, 99);
    p->mall_id = w->shops[shop].mall_id;
    p->bucket = r < 70 ? 1 : r < 85 ? 4 : r < 95 ? 5 : 6;
    p->goods_id = 601099500000000LL + (int64_t)(w->nproducts * 1009) + prng_range(g, 0, 1000);
    p->create_ms = (w->opts.epoch - prng_range(g, 0, 180 * WORLD_DAY)) * 1000;
    p->change_ms = p->create_ms + prng_range(g, 0, 30 * WORLD_DAY) * 1000;
    if (p->change_ms > w->opts.epoch * 1000)
        p->change_ms = w->opts.epoch * 1000;
    char name[96], sn[48];
    snprintf(name, sizeof name, "%s %s", WORLD_PICK(g, world_adjectives),
             WORLD_PICK(g, world_nouns));
    snprintf(sn, sizeof sn, "SKU-%zu-%04zu", shop + 1, seq + 1);
    int64_t price = prng_range(g, 299, 9999);
    json_t *skus = json_array();
    int64_t total_qty = 0;
    int nsku = (int)prng_range(g, 1, 3);
    for (int i = 0; i < nsku; i++) {
        char skusn[64];
        snprintf(skusn, sizeof skusn, "%s-%d", sn, i + 1);
        int64_t qty = p->bucket == 1 ? prng_range(g, 0, 250) : 0;
        total_qty += qty;
        json_array_append_new(
            skus, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "skuId",
                            (json_int_t)(17592352600000LL + p->goods_id % 100000000 * 4 + i),
                            "skuSn", skusn, "outSkuSn", skusn, "specName",
                            WORLD_PICK(g, world_colors), "price", "", "quantity", (json_int_t)qty));
        char pr[24];
        snprintf(pr, sizeof pr, "%lld", (long long)(price + i * 100));
        json_object_set_new(json_array_get(skus, (size_t)i), "price", json_string(pr));
    }
    char pr[24], thumb[128];
    snprintf(pr, sizeof pr, "%lld", (long long)price);
    snprintf(thumb, sizeof thumb, "https://img.sandbox.invalid/goods/%lld.jpg",
             (long long)p->goods_id);
    p->obj = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:i, s:I, s:I, s:o}", "goodsId",
                       (json_int_t)p->goods_id, "goodsName", name, "outGoodsSn", sn, "catId",
                       (json_int_t)(24000 + prng_range(g, 0, 99)), "price", pr, "currency", "USD",
                       "quantity", (json_int_t)total_qty, "thumbUrl", thumb, "goodsSearchType",
                       p->bucket, "createTime", (json_int_t)p->create_ms, "goodsStatusChangeTime",
                       (json_int_t)p->change_ms, "skuInfoList", skus);
}

static struct world_product *world_random_product(struct world *w, struct prng *g, int64_t mall)
{
    /* Products of one shop are contiguous; fall back to any product if the shop has none. */
    size_t first = 0, count = 0;
    for (size_t i = 0; i < w->nproducts; i++) {
        if (w->products[i].mall_id == mall) {
            if (count == 0)
                first = i;
            count++;
        }
    }
    if (count == 0)
        return w->nproducts ? &w->products[prng_range(g, 0, (int64_t)w->nproducts - 1)] : NULL;
    return &w->products[first + (size_t)prng_range(g, 0, (int64_t)count - 1)];
}

int world_child_status(int parent, size_t k, size_t n)
{
    /* A partly received parent with one child: the child is shipped, received by quantity. */
    if (parent == ST_PART_RECEIVED && n == 1)
        return ST_SHIPPED;
    if (parent == ST_PART_SHIPPED)
        return k == 0 ? ST_SHIPPED : ST_UNSHIPPED;
    if (parent == ST_PART_RECEIVED)
        return k == 0 ? ST_RECEIPTED : ST_SHIPPED;
    return parent;
}

bool world_is_shipped(int st)
{
    return st == ST_SHIPPED || st == ST_RECEIPTED || st == ST_PART_SHIPPED ||
           st == ST_PART_RECEIVED;
}

int world_incident_pct(const struct world *w, int realistic)
{
    return w->opts.incidents > 0 ? w->opts.incidents : realistic;
}

/* A label list as the real answer has it: every name, value 0 or 1. */
static json_t *world_labels(const char *const *names, const int *values, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:i}", "name", names[i], "value", values[i]));
    return a;
}

void world_labels_update(struct world_order *o, int64_t now)
{
    static const char *const names[] = {
        "soon_to_be_overdue", "past_due", "pending_buyer_cancellation",
        "pending_buyer_address_change", "pending_risk_control_alert"};
    int64_t ship_by = o->created + WORLD_SHIP_BY;
    bool open = o->status == ST_UNSHIPPED || o->status == ST_PART_SHIPPED;
    int values[5] = {open && now <= ship_by && ship_by - now < WORLD_DAY, open && now > ship_by, 0,
                     0, 0};
    json_object_set_new(o->map, "parentOrderLabel", world_labels(names, values, 5));
}

/* Appends child k (a random product of the shop) to o->list and its line to lines[k]. */
static bool world_gen_child(struct world *w, struct prng *g, struct world_order *o, int region,
                            long long num, size_t k, size_t n, struct world_line *line)
{
    static const char *const labels[] = {"customized_products", "US_to_CA"};
    static const int no_labels[] = {0, 0};
    struct world_product *p = world_random_product(w, g, o->mall_id);
    if (p == NULL)
        return false;
    json_t *skus = json_object_get(p->obj, "skuInfoList");
    json_t *sku =
        json_array_get(skus, (size_t)prng_range(g, 0, (int64_t)json_array_size(skus) - 1));
    int64_t qty = prng_range(g, 1, 3);
    int64_t unit = 0;
    sscanf(json_string_value(json_object_get(sku, "price")), "%lld", (long long *)&unit);
    char osn[WORLD_SN_MAX];
    snprintf(osn, sizeof osn, "%03d-%lld", region, num + (long long)k + 1);
    int64_t sku_id = json_integer_value(json_object_get(sku, "skuId"));
    int status = o->status;
    json_t *products = json_pack(
        "[{s:I, s:I, s:s, s:i}]", "productId", (json_int_t)(p->goods_id + 100000000000000LL),
        "productSkuId", (json_int_t)(sku_id + 50000000000000LL), "extCode",
        json_string_value(json_object_get(sku, "outSkuSn")), "soldFactor", 1);
    const char *name = json_string_value(json_object_get(p->obj, "goodsName"));
    const char *spec = json_string_value(json_object_get(sku, "specName"));
    json_t *child = json_pack(
        "{s:s, s:i, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:I, s:n,"
        " s:o, s:[], s:[], s:o, s:[], s:b, s:n, s:n, s:n, s:n}",
        "orderSn", osn, "orderStatus", world_child_status(status, k, n), "goodsId",
        (json_int_t)p->goods_id, "skuId", (json_int_t)sku_id, "goodsName", name,
        "originalGoodsName", name, "spec", spec, "originalSpecName", spec, "thumbUrl",
        json_string_value(json_object_get(p->obj, "thumbUrl")), "quantity", (json_int_t)qty,
        "originalOrderQuantity", (json_int_t)qty, "canceledQuantityBeforeShipment",
        status == ST_CANCELED ? (int)qty : 0, "orderPaymentType", "PPD", "fulfillmentType",
        "fulfillBySeller", "orderCreateTime", (json_int_t)o->created, "orderShippingTime",
        "orderLabel", world_labels(labels, no_labels, 2), "fulfillmentWarning",
        "packageAbnormalTypeList", "productList", products, "packageSnInfo",
        "isCancelledDuringPending", status == ST_CANCELED && prng_range(g, 0, 1) == 0,
        "earliestTimeBuyShippingLabel", "earliestTimeGetShippingDocument",
        "inventoryDeductionWarehouseId", "inventoryDeductionWarehouseName");
    json_array_append_new(o->list, child);
    line->order_sn = json_string_value(json_object_get(child, "orderSn"));
    line->qty = qty;
    line->unit = unit;
    return true;
}

/* The buyer's address (bg.order.shippinginfo.v2.get result; warning.reason an int enum). */
static json_t *world_gen_address(struct prng *g)
{
    char name[64], line1[96], post[16], mobile[24], mail[96];
    const char *first = WORLD_PICK(g, world_first), *last = WORLD_PICK(g, world_last);
    int city = (int)prng_range(g, 0, 4);
    snprintf(name, sizeof name, "%s %s", first, last);
    snprintf(line1, sizeof line1, "%lld Main Street", (long long)prng_range(g, 1, 9999));
    snprintf(post, sizeof post, "%05lld", (long long)prng_range(g, 10000, 99999));
    snprintf(mobile, sizeof mobile, "+1 555 %07lld", (long long)prng_range(g, 0, 9999999));
    snprintf(mail, sizeof mail, "%s.%lld@g.shipping.temuemail.com", first,
             (long long)prng_range(g, 1000, 9999));
    char all[256];
    snprintf(all, sizeof all, "%s, %s, %s %s, United States", line1, world_cities[city],
             world_states[city], post);
    json_t *a = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
        " s:{s:b, s:n}, s:s, s:{s:s, s:s, s:s, s:s}}",
        "receiptName", name, "receiptAdditionalName", "", "mobile", mobile, "backupMobile", "",
        "mail", mail, "regionName1", "United States", "regionName2", world_states[city],
        "regionName3", world_cities[city], "regionName4", "", "addressLine1", line1, "addressLine2",
        "", "addressLine3", "", "addressLineAll", all, "postCode", post, "taxCode", "", "warning",
        "isRestriction", 0, "reason", "nationalAddress", "", "addressExtra", "firstName", first,
        "lastName", last, "additionalFirstName", "", "additionalLastName", "");
    /* A few addresses restrict self-shipping: 2 self-shipping restricted, 3 buy-shipping only. */
    if (a != NULL && prng_range(g, 0, 49) == 0)
        json_object_set_new(
            a, "warning",
            json_pack("{s:b, s:I}", "isRestriction", 1, "reason", (json_int_t)prng_range(g, 2, 3)));
    return a;
}

/* The parent's fields (parentOrderMap) of a new order. */
static json_t *world_gen_parent(const struct world_order *o, int region, bool fee)
{
    json_t *m = json_pack(
        "{s:s, s:i, s:I, s:I, s:I, s:I, s:n, s:I, s:[], s:[], s:i, s:i, s:i, s:b, s:s, s:n}",
        "parentOrderSn", o->sn, "parentOrderStatus", o->status, "parentOrderTime",
        (json_int_t)o->created, "updateTime", (json_int_t)o->updated, "expectShipLatestTime",
        (json_int_t)(o->created + WORLD_SHIP_BY), "latestDeliveryTime",
        (json_int_t)(o->created + 10 * WORLD_DAY), "parentShippingTime",
        "parentOrderPendingFinishTime", (json_int_t)(o->created + 3600), "parentOrderLabel",
        "fulfillmentWarning", "regionId", region, "siteId", 100, "shippingMethod", 1,
        "hasShippingFee", fee, "orderPaymentType", "PPD", "batchOrderNumberList");
    return m;
}

/* The number of children for a new order of this status; a partly shipped one has two or more. */
static size_t world_gen_nchild(struct prng *g, int status)
{
    size_t n = (size_t)prng_range(g, 1, WORLD_CHILDREN);
    if (status == ST_PART_SHIPPED && n < 2)
        n = 2;
    return n;
}

struct world_order *world_gen_order(struct world *w, struct prng *g, size_t shop, int64_t created,
                                    int status)
{
    if (w->norders >= w->orders_cap)
        return NULL;
    struct world_order *o = &w->orders[w->norders++];
    memset(o, 0, sizeof *o);
    const struct world_shop *s = &w->shops[shop];
    o->mall_id = s->mall_id;
    o->status = status;
    o->created = created;
    uint64_t seq = ++w->order_seq;
    long long num = 21905400000000000LL + (long long)seq * 1000003LL + prng_range(g, 0, 999999);
    snprintf(o->sn, sizeof o->sn, "PO-%03d-%lld", s->region_id, num);
    size_t nchild = world_gen_nchild(g, status);
    int64_t updated = created;
    if (status != ST_PENDING)
        updated = created + prng_range(g, 60, 3 * WORLD_DAY);
    if (updated > w->opts.epoch && created <= w->opts.epoch)
        updated = w->opts.epoch;
    o->updated = updated;
    o->list = json_array();
    o->packages = json_array();
    struct world_line lines[WORLD_CHILDREN];
    size_t n = 0;
    for (size_t k = 0; k < nchild; k++)
        n += world_gen_child(w, g, o, s->region_id, num, k, nchild, &lines[n]) ? 1 : 0;
    int64_t shipping = prng_range(g, 0, 1) ? 0 : 499;
    o->map = world_gen_parent(o, s->region_id, shipping > 0);
    world_labels_update(o, created <= w->opts.epoch ? w->opts.epoch : created);
    o->address = world_gen_address(g);
    if (world_is_shipped(status))
        world_ship_children(w, o, g, created + prng_range(g, 3600, WORLD_SHIP_BY - 3600));
    world_money_fill(o, lines, n, shipping, g);
    return o;
}

/* How old a generated order is at the epoch: a steady flow, so a few are still fresh. */
static int64_t world_pick_age(struct prng *g)
{
    int64_t r = prng_range(g, 0, 99);
    if (r < 3)
        return prng_range(g, 60, 3599);
    if (r < 12)
        return prng_range(g, 3600, WORLD_SHIP_BY - 1);
    return prng_range(g, WORLD_SHIP_BY, 90 * WORLD_DAY);
}

/*
 * A generated order's status from its age at the epoch, the way a healthy shop looks: orders
 * still inside their ship-by window are mostly open, older ones shipped, received or canceled,
 * and only a few percent (world_incident_pct) are still unshipped past their ship-by time.
 */
static int world_pick_status(struct world *w, struct prng *g, int64_t age)
{
    int64_t r = prng_range(g, 0, 9999);
    if (age < 3600)
        return ST_PENDING;
    if (age < WORLD_SHIP_BY)
        return r < 5500   ? ST_UNSHIPPED
               : r < 9000 ? ST_SHIPPED
               : r < 9400 ? ST_PART_SHIPPED
                          : ST_CANCELED;
    if (r < world_incident_pct(w, 3) * 100)
        return r % 4 == 0 ? ST_PART_SHIPPED : ST_UNSHIPPED;
    int64_t r2 = prng_range(g, 0, 99);
    if (r2 < 7)
        return ST_CANCELED;
    if (age < 10 * WORLD_DAY)
        return r2 < 60 ? ST_SHIPPED : r2 < 65 ? ST_PART_RECEIVED : ST_RECEIPTED;
    return r2 < 12 ? ST_SHIPPED : r2 < 17 ? ST_PART_RECEIVED : ST_RECEIPTED;
}

void world_gen_all(struct world *w)
{
    size_t shops = w->nshops;
    const struct world_opts *opts = &w->opts;
    for (size_t s = 0; s < shops; s++)
        for (size_t i = 0; i < (size_t)opts->products; i++)
            world_gen_product(w, s, i);
    for (size_t s = 0; s < shops; s++) {
        for (size_t i = 0; i < (size_t)opts->orders; i++) {
            int64_t created = opts->epoch - world_pick_age(&w->gen);
            int status = world_pick_status(w, &w->gen, opts->epoch - created);
            world_gen_order(w, &w->gen, s, created, status);
        }
    }
    for (size_t s = 0; s < shops && w->norders > 0; s++)
        for (size_t i = 0; i < (size_t)opts->aftersales; i++)
            world_gen_aftersale(w, s);
    world_gen_cancellations(w);
}

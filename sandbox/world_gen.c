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
const char *const world_carriers[WORLD_CARRIERS] = {
    "USPS", "UPS", "FedEx", "DHL eCommerce", "OnTrac", "LaserShip", "Veho", "Amazon Shipping"};

json_t *world_money(int64_t minor)
{
    return json_pack("{s:I, s:s}", "amount", (json_int_t)minor, "currency", "USD");
}

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

int world_child_status(int parent, size_t k)
{
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

void world_ship_children(struct world_order *o, struct prng *g, int64_t when)
{
    size_t k;
    json_t *child;
    json_array_foreach(o->list, k, child)
    {
        int st = (int)json_integer_value(json_object_get(child, "orderStatus"));
        json_t *pk = json_object_get(child, "packageSnInfo");
        if (!world_is_shipped(st) || json_array_size(pk) > 0)
            continue;
        char psn[64], track[32];
        snprintf(psn, sizeof psn, "PK-%s-%zu", o->sn + 3, k + 1);
        snprintf(track, sizeof track, "9400%018lld",
                 (long long)prng_range(g, 0, 999999999999999LL));
        int carrier = (int)prng_range(g, 0, WORLD_CARRIERS - 1);
        json_array_append_new(pk, json_pack("{s:s, s:i, s:b}", "packageSn", psn,
                                            "packageDeliveryType", 1, "callSuccess", 1));
        json_object_set_new(child, "orderShippingTime", json_integer(when));
        json_array_append_new(
            o->packages,
            json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I}", "orderSn",
                      json_string_value(json_object_get(child, "orderSn")), "packageSn", psn,
                      "trackingNumber", track, "logisticsServiceProviderId",
                      (json_int_t)(699272600 + carrier), "logisticsServiceProviderName",
                      world_carriers[carrier], "shipTime", (json_int_t)when, "quantity",
                      json_integer_value(json_object_get(child, "quantity"))));
    }
    if (json_object_get(o->map, "parentShippingTime") == NULL ||
        json_is_null(json_object_get(o->map, "parentShippingTime")))
        json_object_set_new(o->map, "parentShippingTime", json_integer(when));
}

/* Running totals of an order's money while its children are generated. */
struct world_sums {
    int64_t paid, tax, retail;
    json_t *amount_children;
};

/* Appends child k (a random product of the shop) to o->list and its money to sums. */
static void world_gen_child(struct world *w, struct prng *g, struct world_order *o, int region,
                            long long num, size_t k, struct world_sums *sums)
{
    struct world_product *p = world_random_product(w, g, o->mall_id);
    if (p == NULL)
        return;
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
    json_t *products =
        json_pack("[{s:I, s:I, s:s}]", "productId", (json_int_t)(p->goods_id + 100000000000000LL),
                  "productSkuId", (json_int_t)(sku_id + 50000000000000LL), "extCode",
                  json_string_value(json_object_get(sku, "outSkuSn")));
    json_t *child = json_pack(
        "{s:s, s:i, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:I, s:n,"
        " s:[], s:[], s:[], s:o, s:[]}",
        "orderSn", osn, "orderStatus", world_child_status(status, k), "goodsId",
        (json_int_t)p->goods_id, "skuId", (json_int_t)sku_id, "goodsName",
        json_string_value(json_object_get(p->obj, "goodsName")), "originalGoodsName",
        json_string_value(json_object_get(p->obj, "goodsName")), "spec",
        json_string_value(json_object_get(sku, "specName")), "originalSpecName",
        json_string_value(json_object_get(sku, "specName")), "thumbUrl",
        json_string_value(json_object_get(p->obj, "thumbUrl")), "quantity", (json_int_t)qty,
        "originalOrderQuantity", (json_int_t)qty, "canceledQuantityBeforeShipment",
        status == ST_CANCELED ? (int)qty : 0, "orderPaymentType", "PPD", "fulfillmentType",
        "fulfillBySeller", "orderCreateTime", (json_int_t)o->created, "orderShippingTime",
        "orderLabel", "fulfillmentWarning", "packageAbnormalTypeList", "productList", products,
        "packageSnInfo");
    json_array_append_new(o->list, child);
    int64_t line = unit * qty, line_tax = line * 8 / 100;
    sums->paid += line + line_tax;
    sums->tax += line_tax;
    sums->retail += line;
    json_array_append_new(sums->amount_children,
                          json_pack("{s:s, s:I, s:o, s:o, s:o}", "orderSn", osn, "quantity",
                                    (json_int_t)qty, "retailPriceTaxExcl", world_money(line),
                                    "productTaxAmount", world_money(line_tax), "customerPaid",
                                    world_money(line + line_tax)));
}

/* The buyer's address (bg.order.shippinginfo.v2.get result). */
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
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
                     " s:{s:b, s:s}}",
                     "receiptName", name, "receiptAdditionalName", "", "mobile", mobile,
                     "backupMobile", "", "mail", mail, "regionName1", "United States",
                     "regionName2", world_states[city], "regionName3", world_cities[city],
                     "regionName4", "", "addressLine1", line1, "addressLine2", "", "addressLine3",
                     "", "addressLineAll", all, "postCode", post, "taxCode", "", "warning",
                     "isRestriction", 0, "reason", "");
}

/* The parent's fields (parentOrderMap) of a new order. */
static json_t *world_gen_parent(const struct world_order *o, int region)
{
    return json_pack(
        "{s:s, s:i, s:I, s:I, s:I, s:I, s:n, s:I, s:[], s:[], s:i, s:i}", "parentOrderSn", o->sn,
        "parentOrderStatus", o->status, "parentOrderTime", (json_int_t)o->created, "updateTime",
        (json_int_t)o->updated, "expectShipLatestTime", (json_int_t)(o->created + 2 * WORLD_DAY),
        "latestDeliveryTime", (json_int_t)(o->created + 10 * WORLD_DAY), "parentShippingTime",
        "parentOrderPendingFinishTime", (json_int_t)(o->created + 3600), "parentOrderLabel",
        "fulfillmentWarning", "regionId", region, "siteId", 100);
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
    size_t nchild = (size_t)prng_range(g, 1, WORLD_CHILDREN);
    if ((status == ST_PART_SHIPPED || status == ST_PART_RECEIVED) && nchild < 2)
        nchild = 2;
    int64_t updated = created;
    if (status != ST_PENDING)
        updated = created + prng_range(g, 60, 3 * WORLD_DAY);
    if (updated > w->opts.epoch && created <= w->opts.epoch)
        updated = w->opts.epoch;
    o->updated = updated;
    o->list = json_array();
    o->packages = json_array();
    struct world_sums sums = {0, 0, 0, json_array()};
    for (size_t k = 0; k < nchild; k++)
        world_gen_child(w, g, o, s->region_id, num, k, &sums);
    int64_t shipping = prng_range(g, 0, 1) ? 0 : 499;
    sums.paid += shipping;
    o->map = world_gen_parent(o, s->region_id);
    if (world_is_shipped(status))
        world_ship_children(o, g, created + prng_range(g, 3600, 2 * WORLD_DAY));
    o->address = world_gen_address(g);
    o->amount = json_pack(
        "{s:{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}, s:o}", "parentOrderMap", "parentOrderSn",
        o->sn, "customerPaid", world_money(sums.paid), "taxTotalAfterDiscount",
        world_money(sums.tax), "refundsTotal", world_money(status == ST_CANCELED ? sums.paid : 0),
        "retailPriceTotalTaxExcl", world_money(sums.retail), "productTaxAmount",
        world_money(sums.tax), "shippingTotal", world_money(shipping), "estimatedRevenue",
        world_money(sums.retail * 85 / 100), "orderList", sums.amount_children);
    return o;
}

static int world_pick_status(struct prng *g)
{
    int64_t r = prng_range(g, 0, 99);
    if (r < 5)
        return ST_PENDING;
    if (r < 30)
        return ST_UNSHIPPED;
    if (r < 40)
        return ST_CANCELED;
    if (r < 65)
        return ST_SHIPPED;
    if (r < 90)
        return ST_RECEIPTED;
    return r < 95 ? ST_PART_SHIPPED : ST_PART_RECEIVED;
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
            int64_t created = opts->epoch - prng_range(&w->gen, 3600, 90 * WORLD_DAY);
            world_gen_order(w, &w->gen, s, created, world_pick_status(&w->gen));
        }
    }
    for (size_t s = 0; s < shops && w->norders > 0; s++)
        for (size_t i = 0; i < (size_t)opts->aftersales; i++)
            world_gen_aftersale(w, s, i);
}

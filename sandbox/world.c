#include "world.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aftersales.h"
#include "params.h"
#include "prng.h"
#include "sbx_limits.h"
#include "tmc.h"
#include "vclock.h"

#define WORLD_DAY         86400
#define WORLD_SN_MAX      48
#define WORLD_CHILDREN    3
#define WORLD_CARRIERS    8
#define WORLD_STREAM_GEN  1
#define WORLD_STREAM_LIVE 2

/* Order and sub-order statuses (§5.1). */
enum {
    ST_PENDING = 1,
    ST_UNSHIPPED = 2,
    ST_CANCELED = 3,
    ST_SHIPPED = 4,
    ST_RECEIPTED = 5,
    ST_PART_SHIPPED = 41,
    ST_PART_RECEIVED = 51
};

struct world_shop {
    int64_t mall_id;
    int region_id;
};

struct world_product {
    int64_t mall_id;
    int bucket; /* goodsSearchType: 1 on/off sale, 4 incomplete, 5 draft, 6 deleted */
    int64_t goods_id;
    int64_t create_ms;
    int64_t change_ms;
    json_t *obj; /* goodsList item */
};

struct world_order {
    int64_t mall_id;
    int status;
    int64_t created;
    int64_t updated;
    char sn[WORLD_SN_MAX];
    json_t *map;      /* parentOrderMap */
    json_t *list;     /* orderList */
    json_t *address;  /* shippinginfo result */
    json_t *amount;   /* amount.query result */
    json_t *packages; /* shipment records */
};

struct world {
    pthread_mutex_t lock;
    struct world_opts opts;
    struct prng gen;  /* initial data */
    struct prng live; /* live activity, so stepping never disturbs the initial data */
    struct world_shop shops[SBX_SHOPS_MAX];
    size_t nshops;
    struct world_product *products;
    size_t nproducts;
    struct world_order *orders;
    size_t norders, orders_cap;
    struct aftersales *as; /* after-sales cases and cancellations (aftersales.c) */
    struct tmc *tmc;       /* the shops' webhook event switches (tmc.c) */
    uint64_t order_seq;
    world_event_fn listener;
    void *listener_ctx;
    /* Background activity. */
    pthread_t thread;
    bool thread_running;
    bool stop;
    int rate;
    pthread_cond_t cond;
};

static const char *const world_types[] = {
    "bg.order.list.v2.get",
    "bg.order.detail.v2.get",
    "bg.order.shippinginfo.v2.get",
    "bg.order.amount.query",
    "bg.local.goods.list.query",
    "bg.aftersales.parentaftersales.list.get",
    "bg.logistics.companies.get",
    "bg.logistics.shipment.v2.get",
    "temu.aftersales.parentaftersales.detail.get",
    "bg.aftersales.cancel.list.get",
    "bg.tmc.message.update",
};

static const char *const world_adjectives[] = {"Cozy",    "Sleek", "Classic", "Vintage",
                                               "Compact", "Bold",  "Soft",    "Smart"};
static const char *const world_nouns[] = {"Desk Lamp", "Throw Blanket", "Phone Stand", "Mug",
                                          "Backpack",  "Wall Clock",    "Yoga Mat",    "Kettle"};
static const char *const world_colors[] = {"Black", "White", "Blue", "Green", "Red", "Grey"};
static const char *const world_first[] = {"Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley"};
static const char *const world_last[] = {"Smith", "Garcia", "Lee", "Brown", "Nguyen", "Miller"};
static const char *const world_cities[] = {"Austin", "Denver", "Portland", "Columbus", "Raleigh"};
static const char *const world_states[] = {"Texas", "Colorado", "Oregon", "Ohio", "North Carolina"};
static const char *const world_carriers[WORLD_CARRIERS] = {
    "USPS", "UPS", "FedEx", "DHL eCommerce", "OnTrac", "LaserShip", "Veho", "Amazon Shipping"};

#define WORLD_PICK(g, arr) (arr[prng_range((g), 0, (int64_t)(sizeof arr / sizeof arr[0]) - 1)])

const char *const *world_api_types(size_t *n)
{
    *n = sizeof world_types / sizeof world_types[0];
    return world_types;
}

size_t world_shop_count(const struct world *w)
{
    return w->nshops;
}

bool world_shop_at(const struct world *w, size_t i, int64_t *mall_id, int *region_id)
{
    if (i >= w->nshops)
        return false;
    *mall_id = w->shops[i].mall_id;
    *region_id = w->shops[i].region_id;
    return true;
}

void world_set_listener(struct world *w, world_event_fn fn, void *ctx)
{
    pthread_mutex_lock(&w->lock);
    w->listener = fn;
    w->listener_ctx = ctx;
    pthread_mutex_unlock(&w->lock);
}

/* ---- generation ------------------------------------------------------------------------ */

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

static int world_child_status(int parent, size_t k)
{
    if (parent == ST_PART_SHIPPED)
        return k == 0 ? ST_SHIPPED : ST_UNSHIPPED;
    if (parent == ST_PART_RECEIVED)
        return k == 0 ? ST_RECEIPTED : ST_SHIPPED;
    return parent;
}

static bool world_is_shipped(int st)
{
    return st == ST_SHIPPED || st == ST_RECEIPTED || st == ST_PART_SHIPPED ||
           st == ST_PART_RECEIVED;
}

/* Adds packages for sub-orders that are shipped but have none yet. */
static void world_ship_children(struct world_order *o, struct prng *g, int64_t when)
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

static struct world_order *world_gen_order(struct world *w, struct prng *g, size_t shop,
                                           int64_t created, int status)
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
    json_t *amount_children = json_array();
    int64_t paid = 0, tax = 0, retail = 0;
    for (size_t k = 0; k < nchild; k++) {
        struct world_product *p = world_random_product(w, g, s->mall_id);
        if (p == NULL)
            break;
        json_t *skus = json_object_get(p->obj, "skuInfoList");
        json_t *sku =
            json_array_get(skus, (size_t)prng_range(g, 0, (int64_t)json_array_size(skus) - 1));
        int64_t qty = prng_range(g, 1, 3);
        int64_t unit = 0;
        sscanf(json_string_value(json_object_get(sku, "price")), "%lld", (long long *)&unit);
        char osn[WORLD_SN_MAX];
        snprintf(osn, sizeof osn, "%03d-%lld", s->region_id, num + (long long)k + 1);
        int64_t sku_id = json_integer_value(json_object_get(sku, "skuId"));
        json_t *products = json_pack("[{s:I, s:I, s:s}]", "productId",
                                     (json_int_t)(p->goods_id + 100000000000000LL), "productSkuId",
                                     (json_int_t)(sku_id + 50000000000000LL), "extCode",
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
            "fulfillBySeller", "orderCreateTime", (json_int_t)created, "orderShippingTime",
            "orderLabel", "fulfillmentWarning", "packageAbnormalTypeList", "productList", products,
            "packageSnInfo");
        json_array_append_new(o->list, child);
        int64_t line = unit * qty, line_tax = line * 8 / 100;
        paid += line + line_tax;
        tax += line_tax;
        retail += line;
        json_array_append_new(amount_children,
                              json_pack("{s:s, s:I, s:o, s:o, s:o}", "orderSn", osn, "quantity",
                                        (json_int_t)qty, "retailPriceTaxExcl", world_money(line),
                                        "productTaxAmount", world_money(line_tax), "customerPaid",
                                        world_money(line + line_tax)));
    }
    int64_t shipping = prng_range(g, 0, 1) ? 0 : 499;
    paid += shipping;
    o->map = json_pack(
        "{s:s, s:i, s:I, s:I, s:I, s:I, s:n, s:I, s:[], s:[], s:i, s:i}", "parentOrderSn", o->sn,
        "parentOrderStatus", status, "parentOrderTime", (json_int_t)created, "updateTime",
        (json_int_t)updated, "expectShipLatestTime", (json_int_t)(created + 2 * WORLD_DAY),
        "latestDeliveryTime", (json_int_t)(created + 10 * WORLD_DAY), "parentShippingTime",
        "parentOrderPendingFinishTime", (json_int_t)(created + 3600), "parentOrderLabel",
        "fulfillmentWarning", "regionId", s->region_id, "siteId", 100);
    if (world_is_shipped(status))
        world_ship_children(o, g, created + prng_range(g, 3600, 2 * WORLD_DAY));
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
    o->address = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
        " s:{s:b, s:s}}",
        "receiptName", name, "receiptAdditionalName", "", "mobile", mobile, "backupMobile", "",
        "mail", mail, "regionName1", "United States", "regionName2", world_states[city],
        "regionName3", world_cities[city], "regionName4", "", "addressLine1", line1, "addressLine2",
        "", "addressLine3", "", "addressLineAll", all, "postCode", post, "taxCode", "", "warning",
        "isRestriction", 0, "reason", "");
    o->amount = json_pack("{s:{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}, s:o}", "parentOrderMap",
                          "parentOrderSn", o->sn, "customerPaid", world_money(paid),
                          "taxTotalAfterDiscount", world_money(tax), "refundsTotal",
                          world_money(status == ST_CANCELED ? paid : 0), "retailPriceTotalTaxExcl",
                          world_money(retail), "productTaxAmount", world_money(tax),
                          "shippingTotal", world_money(shipping), "estimatedRevenue",
                          world_money(retail * 85 / 100), "orderList", amount_children);
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

/* What the after-sales module needs of an order. */
static struct as_order world_as_order(const struct world_order *o)
{
    return (struct as_order){o->mall_id, o->sn, o->created, o->list};
}

/* A historical after-sales case on a shipped order of the shop. */
static void world_gen_aftersale(struct world *w, size_t shop)
{
    struct prng *g = &w->gen;
    struct world_order *o = NULL;
    for (int tries = 0; tries < 64 && o == NULL; tries++) {
        struct world_order *c = &w->orders[prng_range(g, 0, (int64_t)w->norders - 1)];
        if (c->mall_id == w->shops[shop].mall_id && world_is_shipped(c->status))
            o = c;
    }
    if (o == NULL)
        return;
    struct as_order ao = world_as_order(o);
    json_decref(aftersales_open_case(w->as, g, shop, &ao, w->opts.epoch, false));
}

static void world_release(struct world *w)
{
    for (size_t i = 0; i < w->nproducts; i++)
        json_decref(w->products[i].obj);
    for (size_t i = 0; i < w->norders; i++) {
        struct world_order *o = &w->orders[i];
        json_decref(o->map);
        json_decref(o->list);
        json_decref(o->address);
        json_decref(o->amount);
        json_decref(o->packages);
    }
    aftersales_free(w->as);
    tmc_free(w->tmc);
    free(w->products);
    free(w->orders);
}

struct world *world_new(const struct world_opts *opts, char *err, size_t errlen)
{
    struct world *w = calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->opts = *opts;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    prng_seed(&w->gen, opts->seed, WORLD_STREAM_GEN);
    prng_seed(&w->live, opts->seed, WORLD_STREAM_LIVE);
    size_t shops = (size_t)opts->shops;
    w->nshops = shops;
    for (size_t i = 0; i < shops; i++) {
        w->shops[i].mall_id = 634418210000000LL + (int64_t)i * 7919 + prng_range(&w->gen, 0, 7000);
        w->shops[i].region_id = 211;
    }
    w->orders_cap = SBX_ORDERS_MAX;
    w->products = calloc(shops * (size_t)opts->products + 1, sizeof *w->products);
    w->orders = calloc(w->orders_cap, sizeof *w->orders);
    w->as = aftersales_new();
    w->tmc = tmc_new();
    if (w->products == NULL || w->orders == NULL || w->as == NULL || w->tmc == NULL) {
        snprintf(err, errlen, "out of memory for the generated data");
        world_free(w);
        return NULL;
    }
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
            world_gen_aftersale(w, s);
    /* Every cancelled order was cancelled by its buyer: a cancellation request, refunded. */
    for (size_t i = 0; i < w->norders; i++) {
        struct as_order ao = world_as_order(&w->orders[i]);
        if (w->orders[i].status == ST_CANCELED)
            json_decref(aftersales_cancel(w->as, &w->gen, &ao, w->orders[i].updated));
    }
    return w;
}

void world_free(struct world *w)
{
    if (w == NULL)
        return;
    world_activity_set(w, 0);
    world_release(w);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* ---- parameters -------------------------------------------------------------------------- */

static struct world_order *world_find_order(struct world *w, int64_t mall, const char *sn)
{
    for (size_t i = 0; i < w->norders; i++)
        if (w->orders[i].mall_id == mall && strcmp(w->orders[i].sn, sn) == 0)
            return &w->orders[i];
    return NULL;
}

/* The singular parentOrderSn of detail/shippinginfo/amount/shipment (a list is an error). */
static struct world_order *world_order_param(struct world *w, int64_t mall, json_t *params,
                                             struct world_err *e, long bad_code)
{
    json_t *v = json_object_get(params, "parentOrderSn");
    if (!json_is_string(v) || json_string_length(v) == 0) {
        world_fail(e, bad_code, bad_code == 3000000 ? "BAD_PARAMS" : "invalid param");
        return NULL;
    }
    struct world_order *o = world_find_order(w, mall, json_string_value(v));
    if (o == NULL)
        world_fail(e, 140020002, "order not found");
    return o;
}

/* ---- APIs -------------------------------------------------------------------------------- */

struct world_sort {
    const struct world_order *o;
    int64_t key;
};

static int world_sort_desc(const void *a, const void *b)
{
    const struct world_sort *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return strcmp(y->o->sn, x->o->sn);
}

static json_t *world_order_list(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    int64_t no, size, status = 0, c_lo = 0, c_hi = 0, u_lo = 0, u_hi = 0, s_lo = 0, s_hi = 0;
    bool c_on, u_on, s_on;
    json_t *sns;
    if (!world_page(p, "pageNumber", SBX_ORDER_PAGE_MAX, &no, &size, e, 3000000, "BAD_PARAMS") ||
        !world_window(p, "createAfter", "createBefore", &c_lo, &c_hi, &c_on, e) ||
        !world_window(p, "updateAtStart", "updateAtEnd", &u_lo, &u_hi, &u_on, e) ||
        !world_window(p, "expectShipLatestTimeStart", "expectShipLatestTimeEnd", &s_lo, &s_hi,
                      &s_on, e))
        return NULL;
    if (world_int(p, "parentOrderStatus", false, &status) < 0 ||
        !world_str_list(p, "parentOrderSnList", SBX_SN_LIST_MAX, &sns)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    const char *sortby = json_string_value(json_object_get(p, "sortby"));
    if (sortby != NULL && *sortby == '\0')
        sortby = NULL; /* clients that sign empty values away still send them */
    bool by_update = sortby != NULL && strcmp(sortby, "updateTime") == 0;
    if (sortby != NULL && !by_update && strcmp(sortby, "createTime") != 0) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    struct world_sort *hits = calloc(w->norders + 1, sizeof *hits);
    if (hits == NULL) {
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < w->norders; i++) {
        const struct world_order *o = &w->orders[i];
        int64_t ship_by = o->created + 2 * WORLD_DAY;
        if (o->mall_id != mall || (status != 0 && o->status != status) ||
            (sns != NULL && !world_list_has(sns, o->sn)) ||
            (c_on && (o->created < c_lo || o->created > c_hi)) ||
            (u_on && (o->updated < u_lo || o->updated > u_hi)) ||
            (s_on && (ship_by < s_lo || ship_by > s_hi)))
            continue;
        hits[n].o = o;
        hits[n].key = by_update ? o->updated : o->created;
        n++;
    }
    qsort(hits, n, sizeof *hits, world_sort_desc);
    json_t *items = json_array();
    for (size_t i = (size_t)((no - 1) * size); i < n && i < (size_t)(no * size); i++) {
        json_t *list = json_deep_copy(hits[i].o->list);
        size_t k;
        json_t *child;
        /* packageSnInfo is documented on the detail API only. */
        json_array_foreach(list, k, child) json_object_del(child, "packageSnInfo");
        json_array_append_new(
            items, json_pack("{s:O, s:o}", "parentOrderMap", hits[i].o->map, "orderList", list));
    }
    free(hits);
    /* parentOrderMap is shared by reference here; world_call copies the result before the
     * lock is released. */
    return json_pack("{s:I, s:o}", "totalItemNum", (json_int_t)n, "pageItems", items);
}

struct world_psort {
    const struct world_product *p;
};

/* createTime descending (the documented default), ties by goodsId. */
static int world_goods_desc(const void *a, const void *b)
{
    const struct world_product *x = ((const struct world_psort *)a)->p;
    const struct world_product *y = ((const struct world_psort *)b)->p;
    if (x->create_ms != y->create_ms)
        return x->create_ms < y->create_ms ? 1 : -1;
    return x->goods_id < y->goods_id ? 1 : x->goods_id > y->goods_id ? -1 : 0;
}

static int world_goods_asc(const void *a, const void *b)
{
    return world_goods_desc(b, a);
}

static json_t *world_goods_list(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    int64_t no, size, type = 0, order_type = 0, c_lo = 0, c_hi = 0, g_lo = 0, g_hi = 0;
    bool c_on, g_on;
    int t = world_int(p, "goodsSearchType", true, &type);
    if (t == 0) {
        world_fail(e, 7000000, "BUSINESS_SERVICE_ERROR");
        return NULL;
    }
    if (t < 0) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    if (!world_page(p, "pageNo", SBX_GOODS_PAGE_MAX, &no, &size, e, 150010003,
                    "invalid params: pageSize must be between 1 and 100") ||
        !world_window(p, "crtFrom", "crtTo", &c_lo, &c_hi, &c_on, e) ||
        !world_window(p, "goodsStatusChangeTimeFrom", "goodsStatusChangeTimeTo", &g_lo, &g_hi,
                      &g_on, e))
        return NULL;
    if (world_int(p, "orderType", false, &order_type) < 0 || (order_type != 0 && order_type != 1)) {
        world_fail(e, 150010003, "invalid params: orderType");
        return NULL;
    }
    json_t *ids = json_object_get(p, "goodsIdList");
    if (ids != NULL && !json_is_array(ids)) {
        world_fail(e, 150010003, "invalid params: goodsIdList");
        return NULL;
    }
    const char *text = json_string_value(json_object_get(p, "searchText"));
    json_t *goods = json_array();
    size_t total = 0;
    struct world_psort *hits = calloc(w->nproducts + 1, sizeof *hits);
    if (hits == NULL) {
        json_decref(goods);
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    for (size_t i = 0; i < w->nproducts; i++) {
        const struct world_product *pr = &w->products[i];
        if (pr->mall_id != mall || pr->bucket != type ||
            (c_on && (pr->create_ms < c_lo || pr->create_ms > c_hi)) ||
            (g_on && (pr->change_ms < g_lo || pr->change_ms > g_hi)))
            continue;
        if (json_is_array(ids) && json_array_size(ids) > 0) {
            bool found = false;
            size_t k;
            json_t *id;
            json_array_foreach(ids, k, id) found |= json_integer_value(id) == pr->goods_id;
            if (!found)
                continue;
        }
        if (text != NULL && *text != '\0' &&
            strstr(json_string_value(json_object_get(pr->obj, "goodsName")), text) == NULL)
            continue;
        hits[total++].p = pr;
    }
    qsort(hits, total, sizeof *hits, order_type == 1 ? world_goods_asc : world_goods_desc);
    for (size_t i = (size_t)((no - 1) * size); i < total && i < (size_t)(no * size); i++) {
        const struct world_product *pr = hits[i].p;
        json_t *copy = json_deep_copy(pr->obj);
        json_object_del(copy, "goodsSearchType");
        json_array_append_new(goods, copy);
    }
    free(hits);
    return json_pack("{s:o, s:I, s:I}", "goodsList", goods, "pageNo", (json_int_t)no, "total",
                     (json_int_t)total);
}

static json_t *world_companies(int region_id)
{
    json_t *list = json_array();
    for (int i = 0; i < WORLD_CARRIERS; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "logisticsServiceProviderId",
                                              (json_int_t)(699272600 + i),
                                              "logisticsServiceProviderName", world_carriers[i],
                                              "logisticsBrandName", world_carriers[i]));
    (void)region_id;
    return list;
}

json_t *world_call(struct world *w, const char *type, int64_t mall_id, int region_id,
                   json_t *params, struct world_err *e)
{
    json_t *r = NULL;
    struct world_order *o;
    pthread_mutex_lock(&w->lock);
    if (strcmp(type, "bg.order.list.v2.get") == 0) {
        r = world_order_list(w, mall_id, params, e);
    } else if (strcmp(type, "bg.order.detail.v2.get") == 0) {
        if ((o = world_order_param(w, mall_id, params, e, 3000000)) != NULL)
            r = json_pack("{s:O, s:O}", "parentOrderMap", o->map, "orderList", o->list);
    } else if (strcmp(type, "bg.order.shippinginfo.v2.get") == 0) {
        if ((o = world_order_param(w, mall_id, params, e, 180020003)) != NULL)
            r = json_incref(o->address);
    } else if (strcmp(type, "bg.order.amount.query") == 0) {
        if ((o = world_order_param(w, mall_id, params, e, 3000000)) != NULL)
            r = json_incref(o->amount);
    } else if (strcmp(type, "bg.local.goods.list.query") == 0) {
        r = world_goods_list(w, mall_id, params, e);
    } else if (aftersales_handles(type)) {
        r = aftersales_call(w->as, type, mall_id, params, e);
    } else if (strcmp(type, "bg.tmc.message.update") == 0) {
        r = tmc_update(w->tmc, mall_id, params, vclock_now(), e);
    } else if (strcmp(type, "bg.logistics.companies.get") == 0) {
        int64_t region = region_id;
        if (world_int(params, "regionId", false, &region) < 0)
            world_fail(e, 3000000, "BAD_PARAMS");
        else
            r = world_companies((int)region);
    } else if (strcmp(type, "bg.logistics.shipment.v2.get") == 0) {
        if ((o = world_order_param(w, mall_id, params, e, 3000000)) != NULL) {
            const char *osn = json_string_value(json_object_get(params, "orderSn"));
            json_t *list = json_array();
            size_t i;
            json_t *pk;
            json_array_foreach(o->packages, i, pk)
            {
                if (osn == NULL ||
                    strcmp(osn, json_string_value(json_object_get(pk, "orderSn"))) == 0)
                    json_array_append(list, pk);
            }
            r = json_pack("{s:s, s:o}", "parentOrderSn", o->sn, "shipmentInfoList", list);
        }
    } else {
        world_fail(e, 3000003, "type not exists");
    }
    /* Detach from shared state before the lock is released: callers serialize later. */
    json_t *copy = r != NULL ? json_deep_copy(r) : NULL;
    json_decref(r);
    pthread_mutex_unlock(&w->lock);
    if (r != NULL && copy == NULL)
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
    return copy;
}

/* ---- live activity ----------------------------------------------------------------------- */

static void world_emit(struct world *w, int64_t mall, const char *code, json_t *payload)
{
    /* The pusher only gets what the shop's switch (bg.tmc.message.update) lets through. */
    if (w->listener != NULL && payload != NULL && tmc_permits(w->tmc, mall, code))
        w->listener(w->listener_ctx, mall, code, payload);
    json_decref(payload);
}

static void world_set_status(struct world *w, struct world_order *o, int status, int64_t now)
{
    o->status = status;
    o->updated = now > o->updated ? now : o->updated;
    json_object_set_new(o->map, "parentOrderStatus", json_integer(status));
    json_object_set_new(o->map, "updateTime", json_integer(o->updated));
    size_t k;
    json_t *child;
    json_array_foreach(o->list, k, child)
    {
        int cs = world_child_status(status, k);
        json_object_set_new(child, "orderStatus", json_integer(cs));
        if (status == ST_CANCELED)
            json_object_set(child, "canceledQuantityBeforeShipment",
                            json_object_get(child, "quantity"));
    }
    if (world_is_shipped(status))
        world_ship_children(o, &w->live, now);
    json_t *first = json_array_get(o->list, 0);
    struct as_order ao = world_as_order(o);
    /* A cancellation is the buyer's: its event is the after-sales record (event table). */
    if (status == ST_CANCELED)
        world_emit(w, o->mall_id, "bg_cancel_order_status_change",
                   aftersales_cancel(w->as, &w->live, &ao, o->updated));
    else
        world_emit(w, o->mall_id, "bg_order_status_change_event",
                   json_pack("{s:I, s:s, s:s, s:i, s:I}", "mallId", (json_int_t)o->mall_id,
                             "parentOrderSn", o->sn, "orderSn",
                             json_string_value(json_object_get(first, "orderSn")), "orderStatus",
                             status, "updateTime", (json_int_t)o->updated));
}

/* The number of the shop mall_id (0 when unknown). */
static size_t world_shop_index(const struct world *w, int64_t mall_id)
{
    for (size_t i = 0; i < w->nshops; i++) {
        if (w->shops[i].mall_id == mall_id)
            return i;
    }
    return 0;
}

/* A buyer opens an after-sales case on a shipped order, or an open case moves on. */
static bool world_step_aftersales(struct world *w, struct prng *g, int64_t now)
{
    int64_t mall = 0;
    json_t *ev = prng_range(g, 0, 1) == 0 ? aftersales_advance(w->as, g, now, &mall) : NULL;
    for (int tries = 0; ev == NULL && tries < 32 && w->norders > 0; tries++) {
        struct world_order *o = &w->orders[prng_range(g, 0, (int64_t)w->norders - 1)];
        struct as_order ao = world_as_order(o);
        mall = o->mall_id;
        if (world_is_shipped(o->status))
            ev = aftersales_open_case(w->as, g, world_shop_index(w, mall), &ao, now, true);
    }
    if (ev != NULL)
        world_emit(w, mall, "bg_aftersales_status_change", ev);
    return ev != NULL;
}

/* A buyer changes the address of an order not yet shipped (the order's updateTime moves). */
static bool world_step_address(struct world *w, struct prng *g, int64_t now)
{
    for (int tries = 0; tries < 32 && w->norders > 0; tries++) {
        struct world_order *o = &w->orders[prng_range(g, 0, (int64_t)w->norders - 1)];
        if (o->status != ST_PENDING && o->status != ST_UNSHIPPED)
            continue;
        char line2[32];
        snprintf(line2, sizeof line2, "Apt %d", (int)prng_range(g, 1, 999));
        json_object_set_new(o->address, "addressLine2", json_string(line2));
        o->updated = now > o->updated ? now : o->updated;
        json_object_set_new(o->map, "updateTime", json_integer(o->updated));
        world_emit(
            w, o->mall_id, "bg_trade_logistics_address_changed",
            json_pack("{s:I, s:s}", "mallId", (json_int_t)o->mall_id, "parentOrderSn", o->sn));
        return true;
    }
    return false;
}

static void world_step_one(struct world *w, int64_t now)
{
    struct prng *g = &w->live;
    if (w->nshops == 0)
        return;
    /* One event per step: 1 in 20 after-sales, 1 in 20 an address change, else orders. */
    int64_t kind = prng_range(g, 0, 19);
    if ((kind == 0 && world_step_aftersales(w, g, now)) ||
        (kind == 1 && world_step_address(w, g, now)))
        return;
    if (prng_range(g, 0, 3) == 0 || w->norders == 0) {
        size_t shop = (size_t)prng_range(g, 0, (int64_t)w->nshops - 1);
        struct world_order *o = world_gen_order(w, g, shop, now, ST_PENDING);
        if (o != NULL)
            world_emit(
                w, o->mall_id, "bg_order_status_change_event",
                json_pack("{s:I, s:s, s:s, s:i, s:I}", "mallId", (json_int_t)o->mall_id,
                          "parentOrderSn", o->sn, "orderSn",
                          json_string_value(json_object_get(json_array_get(o->list, 0), "orderSn")),
                          "orderStatus", ST_PENDING, "updateTime", (json_int_t)now));
        return;
    }
    for (int tries = 0; tries < 32; tries++) {
        struct world_order *o = &w->orders[prng_range(g, 0, (int64_t)w->norders - 1)];
        bool multi = json_array_size(o->list) > 1;
        int64_t r = prng_range(g, 0, 99);
        int next = 0;
        switch (o->status) {
        case ST_PENDING:
            next = r < 90 ? ST_UNSHIPPED : ST_CANCELED;
            break;
        case ST_UNSHIPPED:
            next = r < 80 ? ST_SHIPPED : (r < 90 && multi) ? ST_PART_SHIPPED : ST_CANCELED;
            break;
        case ST_PART_SHIPPED:
            next = ST_SHIPPED;
            break;
        case ST_SHIPPED:
            next = (r < 10 && multi) ? ST_PART_RECEIVED : ST_RECEIPTED;
            break;
        case ST_PART_RECEIVED:
            next = ST_RECEIPTED;
            break;
        default:
            continue;
        }
        world_set_status(w, o, next, now);
        return;
    }
}

int world_step(struct world *w, int n)
{
    int done = 0;
    pthread_mutex_lock(&w->lock);
    int64_t now = vclock_now();
    for (; done < n && done < SBX_STEP_MAX; done++)
        world_step_one(w, now);
    pthread_mutex_unlock(&w->lock);
    return done;
}

static void *world_activity_main(void *arg)
{
    struct world *w = arg;
    pthread_mutex_lock(&w->lock);
    /* Runs until world_activity_set(0) or world_free sets stop. */
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long step_ns = 1000000000L / (w->rate > 0 ? w->rate : 1);
        until.tv_nsec += step_ns;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&w->cond, &w->lock, &until);
        if (!w->stop)
            world_step_one(w, vclock_now());
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

bool world_activity_set(struct world *w, int rate)
{
    if (rate < 0 || rate > SBX_ACTIVITY_RATE_MAX)
        return false;
    pthread_mutex_lock(&w->lock);
    bool running = w->thread_running;
    w->rate = rate;
    if (rate == 0 && running) {
        w->stop = true;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    if (rate == 0 && running) {
        pthread_join(w->thread, NULL);
        pthread_mutex_lock(&w->lock);
        w->thread_running = false;
        w->stop = false;
        pthread_mutex_unlock(&w->lock);
        return true;
    }
    if (rate > 0 && !running) {
        if (pthread_create(&w->thread, NULL, world_activity_main, w) != 0)
            return false;
        pthread_mutex_lock(&w->lock);
        w->thread_running = true;
        pthread_mutex_unlock(&w->lock);
    }
    return true;
}

int world_activity_rate(struct world *w)
{
    pthread_mutex_lock(&w->lock);
    int r = w->thread_running ? w->rate : 0;
    pthread_mutex_unlock(&w->lock);
    return r;
}

/* ---- ground truth ------------------------------------------------------------------------ */

static void world_hash_json(EVP_MD_CTX *ctx, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    if (text != NULL) {
        EVP_DigestUpdate(ctx, text, strlen(text));
        EVP_DigestUpdate(ctx, "\n", 1);
    }
    free(text);
}

static json_t *world_hash_done(EVP_MD_CTX *ctx)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    EVP_DigestFinal_ex(ctx, md, &len);
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[2 * len] = '\0';
    return json_string(hex);
}

json_t *world_truth(struct world *w, bool with_orders)
{
    EVP_MD_CTX *ho = EVP_MD_CTX_new(), *hp = EVP_MD_CTX_new(), *ha = EVP_MD_CTX_new();
    EVP_MD_CTX *hc = EVP_MD_CTX_new();
    json_t *out = NULL;
    if (ho == NULL || hp == NULL || ha == NULL || hc == NULL)
        goto out;
    EVP_DigestInit_ex(hc, EVP_sha256(), NULL);
    EVP_DigestInit_ex(ho, EVP_sha256(), NULL);
    EVP_DigestInit_ex(hp, EVP_sha256(), NULL);
    EVP_DigestInit_ex(ha, EVP_sha256(), NULL);
    pthread_mutex_lock(&w->lock);
    json_t *by_status = json_object(), *shops = json_array(), *list = json_array();
    size_t children = 0;
    for (size_t i = 0; i < w->nshops; i++)
        json_array_append_new(shops,
                              json_pack("{s:I, s:i}", "mallId", (json_int_t)w->shops[i].mall_id,
                                        "regionId", w->shops[i].region_id));
    for (size_t i = 0; i < w->norders; i++) {
        const struct world_order *o = &w->orders[i];
        char key[16];
        snprintf(key, sizeof key, "%d", o->status);
        json_object_set_new(by_status, key,
                            json_integer(json_integer_value(json_object_get(by_status, key)) + 1));
        children += json_array_size(o->list);
        world_hash_json(ho, o->map);
        world_hash_json(ho, o->list);
        world_hash_json(ho, o->address);
        world_hash_json(ho, o->amount);
        if (with_orders)
            json_array_append_new(list, json_pack("{s:I, s:s, s:i, s:I}", "mallId",
                                                  (json_int_t)o->mall_id, "parentOrderSn", o->sn,
                                                  "parentOrderStatus", o->status, "updateTime",
                                                  (json_int_t)o->updated));
    }
    for (size_t i = 0; i < w->nproducts; i++)
        world_hash_json(hp, w->products[i].obj);
    for (size_t i = 0; i < aftersales_case_count(w->as); i++)
        world_hash_json(ha, (json_t *)aftersales_case_at(w->as, i));
    for (size_t i = 0; i < aftersales_cancel_count(w->as); i++)
        world_hash_json(hc, (json_t *)aftersales_cancel_at(w->as, i));
    out = json_pack(
        "{s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:o}, s:{s:o, s:o, s:o, s:o}, s:i, s:I}", "seed",
        (json_int_t)w->opts.seed, "shops", shops, "counts", "orders", (json_int_t)w->norders,
        "subOrders", (json_int_t)children, "products", (json_int_t)w->nproducts, "afterSales",
        (json_int_t)aftersales_case_count(w->as), "cancellations",
        (json_int_t)aftersales_cancel_count(w->as), "ordersByStatus", by_status, "hashes", "orders",
        world_hash_done(ho), "products", world_hash_done(hp), "afterSales", world_hash_done(ha),
        "cancellations", world_hash_done(hc), "activityRate", w->thread_running ? w->rate : 0,
        "epoch", (json_int_t)w->opts.epoch);
    if (with_orders && out != NULL)
        json_object_set(out, "orders", list);
    json_decref(list);
    pthread_mutex_unlock(&w->lock);
out:
    EVP_MD_CTX_free(ho);
    EVP_MD_CTX_free(hp);
    EVP_MD_CTX_free(ha);
    EVP_MD_CTX_free(hc);
    return out;
}

#include "world.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vclock.h"
#include "world_impl.h"

/* One data API: its handler runs with the world's lock held, at sandbox time now. */
struct world_api {
    const char *type;
    json_t *(*fn)(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                  struct world_err *e);
};

static json_t *world_api_order_list(struct world *w, int64_t mall, int region, json_t *p,
                                    int64_t now, struct world_err *e)
{
    (void)region, (void)now;
    return world_order_list(w, mall, p, e);
}

static json_t *world_api_detail(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                struct world_err *e)
{
    (void)region, (void)now;
    struct world_order *o = world_order_param(w, mall, p, e, 3000000);
    return o ? json_pack("{s:O, s:O}", "parentOrderMap", o->map, "orderList", o->list) : NULL;
}

static json_t *world_api_shipping(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                  struct world_err *e)
{
    (void)region, (void)now;
    struct world_order *o = world_order_param(w, mall, p, e, 180020003);
    return o ? json_incref(o->address) : NULL;
}

static json_t *world_api_amount(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                struct world_err *e)
{
    (void)region, (void)now;
    struct world_order *o = world_order_param(w, mall, p, e, 3000000);
    return o ? json_incref(o->amount) : NULL;
}

static json_t *world_api_amount2(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                 struct world_err *e)
{
    (void)region, (void)now;
    struct world_order *o = world_order_param(w, mall, p, e, 3000000);
    return o ? json_incref(o->amount2) : NULL;
}

static json_t *world_api_goods(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                               struct world_err *e)
{
    (void)region, (void)now;
    return world_goods_list(w, mall, p, e);
}

/* The after-sales APIs (aftersales.c), one handler per type. */
static json_t *world_api_as_list(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                 struct world_err *e)
{
    (void)region, (void)now;
    return aftersales_call(w->as, "bg.aftersales.parentaftersales.list.get", mall, p, e);
}

static json_t *world_api_as_detail(struct world *w, int64_t mall, int region, json_t *p,
                                   int64_t now, struct world_err *e)
{
    (void)region, (void)now;
    return aftersales_call(w->as, "temu.aftersales.parentaftersales.detail.get", mall, p, e);
}

static json_t *world_api_as_cancels(struct world *w, int64_t mall, int region, json_t *p,
                                    int64_t now, struct world_err *e)
{
    (void)region, (void)now;
    return aftersales_call(w->as, "bg.aftersales.cancel.list.get", mall, p, e);
}

/* The shop's webhook event switch (tmc.c). */
static json_t *world_api_tmc(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                             struct world_err *e)
{
    (void)region;
    return tmc_update(w->tmc, mall, p, now, e);
}

/* regionId is required: the US test shop answers 7000000 without it (docs/sandbox.md). */
static json_t *world_api_companies(struct world *w, int64_t mall, int region, json_t *p,
                                   int64_t now, struct world_err *e)
{
    (void)w, (void)mall, (void)region, (void)now;
    int64_t id = 0;
    int got = world_int(p, "regionId", false, &id);
    if (got == 0) {
        world_fail(e, 7000000, "BUSINESS_SERVICE_ERROR");
        return NULL;
    }
    if (got < 0 || id < 1) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    return world_companies((int)id);
}

static json_t *world_api_shipment_get(struct world *w, int64_t mall, int region, json_t *p,
                                      int64_t now, struct world_err *e)
{
    (void)region, (void)now;
    return world_shipment_get(w, mall, p, e);
}

static json_t *world_api_shipment_confirm(struct world *w, int64_t mall, int region, json_t *p,
                                          int64_t now, struct world_err *e)
{
    (void)region;
    return world_shipment_confirm(w, mall, p, now, e);
}

static json_t *world_api_tracking(struct world *w, int64_t mall, int region, json_t *p, int64_t now,
                                  struct world_err *e)
{
    (void)region;
    return world_tracking_get(w, mall, p, now, e);
}

static const struct world_api world_apis[] = {
    {"bg.order.list.v2.get", world_api_order_list},
    {"bg.order.detail.v2.get", world_api_detail},
    {"bg.order.shippinginfo.v2.get", world_api_shipping},
    {"bg.order.amount.query", world_api_amount},
    {"temu.order.amount.v2.query", world_api_amount2},
    {"bg.local.goods.list.query", world_api_goods},
    {"bg.aftersales.parentaftersales.list.get", world_api_as_list},
    {"bg.logistics.companies.get", world_api_companies},
    {"bg.logistics.shipment.v2.get", world_api_shipment_get},
    {"bg.logistics.shipment.v2.confirm", world_api_shipment_confirm},
    {"temu.track.trackinginfo.get", world_api_tracking},
    {"temu.aftersales.parentaftersales.detail.get", world_api_as_detail},
    {"bg.aftersales.cancel.list.get", world_api_as_cancels},
    {"bg.tmc.message.update", world_api_tmc},
};

#define WORLD_NAPIS (sizeof world_apis / sizeof world_apis[0])

static const char *world_types[WORLD_NAPIS];
static pthread_once_t world_types_once = PTHREAD_ONCE_INIT;

static void world_types_fill(void)
{
    for (size_t i = 0; i < WORLD_NAPIS; i++)
        world_types[i] = world_apis[i].type;
}

const char *const *world_api_types(size_t *n)
{
    pthread_once(&world_types_once, world_types_fill);
    *n = WORLD_NAPIS;
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
        json_decref(o->amount2);
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
    world_gen_all(w);
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

json_t *world_call(struct world *w, const char *type, int64_t mall_id, int region_id,
                   json_t *params, struct world_err *e)
{
    json_t *r = NULL;
    const struct world_api *api = NULL;
    for (size_t i = 0; i < WORLD_NAPIS && api == NULL; i++)
        if (strcmp(world_apis[i].type, type) == 0)
            api = &world_apis[i];
    if (api == NULL) {
        world_fail(e, 3000003, "type not exists");
        return NULL;
    }
    int64_t now = vclock_now();
    pthread_mutex_lock(&w->lock);
    r = api->fn(w, mall_id, region_id, params, now, e);
    /* Detach from shared state before the lock is released: callers serialize later. */
    json_t *copy = r != NULL ? json_deep_copy(r) : NULL;
    json_decref(r);
    pthread_mutex_unlock(&w->lock);
    if (r != NULL && copy == NULL)
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
    return copy;
}

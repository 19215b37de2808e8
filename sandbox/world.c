#include "world.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

static const char *const world_types[] = {
    "bg.order.list.v2.get",         "bg.order.detail.v2.get",
    "bg.order.shippinginfo.v2.get", "bg.order.amount.query",
    "bg.local.goods.list.query",    "bg.aftersales.parentaftersales.list.get",
    "bg.logistics.companies.get",   "bg.logistics.shipment.v2.get",
};

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
    for (size_t i = 0; i < w->nas; i++)
        json_decref(w->as[i].obj);
    free(w->products);
    free(w->orders);
    free(w->as);
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
    w->as = calloc(shops * (size_t)opts->aftersales + 1, sizeof *w->as);
    if (w->products == NULL || w->orders == NULL || w->as == NULL) {
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
    } else if (strcmp(type, "bg.aftersales.parentaftersales.list.get") == 0) {
        r = world_as_list(w, mall_id, params, e);
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

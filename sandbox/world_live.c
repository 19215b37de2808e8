/* world live activity: status changes and new orders over time, with their events. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vclock.h"
#include "world_impl.h"

void world_emit(struct world *w, int64_t mall, const char *code, json_t *payload)
{
    /* The pusher only gets what the shop's switch (bg.tmc.message.update) lets through. */
    if (w->listener != NULL && payload != NULL && tmc_permits(w->tmc, mall, code))
        w->listener(w->listener_ctx, mall, code, payload);
    json_decref(payload);
}

void world_emit_status(struct world *w, const struct world_order *o)
{
    json_t *first = json_array_get(o->list, 0);
    world_emit(w, o->mall_id, "bg_order_status_change_event",
               json_pack("{s:I, s:s, s:s, s:i, s:I}", "mallId", (json_int_t)o->mall_id,
                         "parentOrderSn", o->sn, "orderSn",
                         json_string_value(json_object_get(first, "orderSn")), "orderStatus",
                         o->status, "updateTime", (json_int_t)o->updated));
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
        int cs = world_child_status(status, k, json_array_size(o->list));
        json_object_set_new(child, "orderStatus", json_integer(cs));
        if (status == ST_CANCELED)
            json_object_set(child, "canceledQuantityBeforeShipment",
                            json_object_get(child, "quantity"));
    }
    if (world_is_shipped(status))
        world_ship_children(w, o, &w->live, now);
    if (status == ST_CANCELED)
        world_money_cancel(o);
    world_labels_update(o, now);
    if (status != ST_CANCELED) {
        world_emit_status(w, o);
        return;
    }
    /* A cancellation is the buyer's: its event is the after-sales record (event table). */
    struct as_order ao = world_as_order(o);
    world_emit(w, o->mall_id, "bg_cancel_order_status_change",
               aftersales_cancel(w->as, &w->live, &ao, o->updated));
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
    /* A refund moves the order's estimated settlement (the expected-amounts stream sees it). */
    int64_t refund = ev != NULL
                         ? aftersales_refunded(
                               w->as, json_string_value(json_object_get(ev, "parentAfterSalesSn")))
                         : 0;
    struct world_order *o =
        refund > 0
            ? world_find_order(w, mall, json_string_value(json_object_get(ev, "parentOrderSn")))
            : NULL;
    if (o != NULL)
        world_money_refund(o, refund);
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

void world_step_one(struct world *w, int64_t now)
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
            world_emit_status(w, o);
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

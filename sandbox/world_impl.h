/*
 * world internals shared by the world_*.c files: the data model, the generated vocabularies
 * and the helpers one part of the world needs from another. Only world*.c include this; the
 * rest of the sandbox uses world.h.
 */
#ifndef SBX_WORLD_IMPL_H
#define SBX_WORLD_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "aftersales.h"
#include "prng.h"
#include "sbx_limits.h"
#include "tmc.h"
#include "world.h"
#include "world_param.h"

#define WORLD_DAY         86400
#define WORLD_SN_MAX      48
#define WORLD_CHILDREN    3
#define WORLD_CARRIERS    8
#define WORLD_SHIP_BY     (2 * WORLD_DAY) /* expectShipLatestTime - parentOrderTime */
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
    json_t *amount;   /* bg.order.amount.query result */
    json_t *amount2;  /* temu.order.amount.v2.query result */
    json_t *packages; /* shipment records (shipmentInfoDTO items plus "_" internal keys) */
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

/* Picks a random entry of a fixed array. */
#define WORLD_PICK(g, arr) (arr[prng_range((g), 0, (int64_t)(sizeof arr / sizeof arr[0]) - 1)])

/* A carrier of bg.logistics.companies.get and the shape of its tracking numbers. */
struct world_carrier {
    const char *name;
    const char *prefix;     /* tracking numbers start with it */
    int body;               /* then this many characters */
    bool alnum;             /* of [0-9A-Z] rather than digits */
    int days_min, days_max; /* transit days */
};

#define WORLD_CARRIER_ID0 699272600 /* carrierId of world_carriers[0]; the others follow */

extern const struct world_carrier world_carriers[WORLD_CARRIERS];

/* The carrier of a carrierId (and its index), or NULL. */
const struct world_carrier *world_carrier_by_id(int64_t id, int *index);

/* Parcel fates (tracking): most arrive; incidents stall, get lost or never get scanned. */
enum { FATE_DELIVERED = 0, FATE_STALLED = 1, FATE_LOST = 2, FATE_NO_INFO = 3 };

/* ---- world_gen.c ---- */

/* The sub-order status of child k of n of a parent in status parent. */
int world_child_status(int parent, size_t k, size_t n);

/* Statuses in which at least one sub-order has left the warehouse. */
bool world_is_shipped(int st);

/* Appends one generated order of shop index shop; NULL when the store is full. */
struct world_order *world_gen_order(struct world *w, struct prng *g, size_t shop, int64_t created,
                                    int status);

/* Generates every shop's products, orders and after-sales cases from w->gen. */
void world_gen_all(struct world *w);

/* Rate of an incident in percent: the realistic default, or opts.incidents when set. */
int world_incident_pct(const struct world *w, int realistic);

/* Recomputes parentOrderLabel from the status and the ship-by time at now. */
void world_labels_update(struct world_order *o, int64_t now);

/* ---- world_money.c ---- */

/* One sub-order's money, as generated. */
struct world_line {
    const char *order_sn;
    int64_t qty, unit; /* unit retail price, tax excluded, minor units */
};

/* Fills o->amount and o->amount2 from the lines and the shipping fee (tax excluded). */
void world_money_fill(struct world_order *o, const struct world_line *lines, size_t n,
                      int64_t shipping, struct prng *g);

/* A cancellation refunds what the buyer paid. */
void world_money_cancel(struct world_order *o);
/* An after-sales refund of refund (minor units, tax included) after the sale: the estimate
 * drops by the refund's base-price share, never below 0. */
void world_money_refund(struct world_order *o, int64_t refund);

/* ---- world_ship.c ---- */

/* Adds packages (random carriers and fates) for sub-orders shipped but without one yet. */
void world_ship_children(struct world *w, struct world_order *o, struct prng *g, int64_t when);

/* bg.logistics.shipment.v2.get */
json_t *world_shipment_get(struct world *w, int64_t mall, json_t *p, struct world_err *e);

/* bg.logistics.shipment.v2.confirm at time now (the order becomes shipped). */
json_t *world_shipment_confirm(struct world *w, int64_t mall, json_t *p, int64_t now,
                               struct world_err *e);

/* temu.track.trackinginfo.get at time now. */
json_t *world_tracking_get(struct world *w, int64_t mall, json_t *p, int64_t now,
                           struct world_err *e);

/* ---- world_aftersales.c (the world's side of aftersales.c) ---- */

/* What the after-sales module needs of an order. */
struct as_order world_as_order(const struct world_order *o);

/* A historical after-sales case on a shipped order of shop index shop. */
void world_gen_aftersale(struct world *w, size_t shop);

/* Every generated cancelled order was cancelled by its buyer: a refunded cancellation. */
void world_gen_cancellations(struct world *w);

/* ---- world_param.c (the readers are in world_param.h) ---- */

struct world_order *world_find_order(struct world *w, int64_t mall, const char *sn);

/* The singular parentOrderSn of detail/shippinginfo/amount/shipment (a list is an error). */
struct world_order *world_order_param(struct world *w, int64_t mall, json_t *params,
                                      struct world_err *e, long bad_code);

/* ---- world_query.c ---- */

json_t *world_order_list(struct world *w, int64_t mall, json_t *p, struct world_err *e);
json_t *world_goods_list(struct world *w, int64_t mall, json_t *p, struct world_err *e);
json_t *world_companies(int region_id);

/* ---- world_live.c ---- */

/* One live event at time now (lock held). */
void world_step_one(struct world *w, int64_t now);

/* Calls the listener with an event and releases payload (lock held). */
void world_emit(struct world *w, int64_t mall, const char *code, json_t *payload);

/* The order-status event of o (bg_order_status_change_event payload, §9.2). */
void world_emit_status(struct world *w, const struct world_order *o);

#endif

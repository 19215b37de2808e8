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

#include "prng.h"
#include "sbx_limits.h"
#include "world.h"

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

struct world_as {
    int64_t mall_id;
    int group; /* 1 in progress, 2 completed, 3 closed */
    int64_t created;
    int64_t updated;
    char order_sn[WORLD_SN_MAX];
    char sn[WORLD_SN_MAX + 8];
    json_t *obj;
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
    struct world_as *as;
    size_t nas;
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

extern const char *const world_carriers[WORLD_CARRIERS];

/* ---- world_gen.c ---- */

/* A MoneyAmount object {amount (minor units), currency}. */
json_t *world_money(int64_t minor);

/* The sub-order status of child k of a parent in status parent. */
int world_child_status(int parent, size_t k);

/* Statuses in which at least one sub-order has left the warehouse. */
bool world_is_shipped(int st);

/* Adds packages for sub-orders that are shipped but have none yet. */
void world_ship_children(struct world_order *o, struct prng *g, int64_t when);

/* Appends one generated order of shop index shop; NULL when the store is full. */
struct world_order *world_gen_order(struct world *w, struct prng *g, size_t shop, int64_t created,
                                    int status);

/* Generates every shop's products, orders and after-sales cases from w->gen. */
void world_gen_all(struct world *w);

/* ---- world_aftersales.c ---- */

/* Appends the seq-th after-sales case of shop index shop (on a shipped order). */
void world_gen_aftersale(struct world *w, size_t shop, size_t seq);

/* bg.aftersales.parentaftersales.list.get */
json_t *world_as_list(struct world *w, int64_t mall, json_t *p, struct world_err *e);

/* ---- world_param.c ---- */

void world_fail(struct world_err *e, long code, const char *msg);

/*
 * Reads an integer param. Jackson-style servers coerce numeric strings, so "5" is accepted
 * unless strict is set (goodsSearchType must be a native integer, §11.2). Returns 0 absent,
 * 1 present, -1 invalid.
 */
int world_int(json_t *params, const char *key, bool strict, int64_t *out);

/* Reads a page number and size with their documented names and bounds. */
bool world_page(json_t *params, const char *no_name, int64_t max, int64_t *no, int64_t *size,
                struct world_err *e, long bad_code, const char *bad_msg);

/* Reads a closed window sent as a pair; both or neither. */
bool world_window(json_t *params, const char *from, const char *to, int64_t *lo, int64_t *hi,
                  bool *on, struct world_err *e);

/* A string list param (<= max entries); absent gives NULL. false when malformed. */
bool world_str_list(json_t *params, const char *key, size_t max, json_t **out);

bool world_list_has(json_t *list, const char *s);

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

#endif

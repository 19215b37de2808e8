/*
 * world: the sandbox's generated sellers' data, in the shapes of temu-open-platform.md §5-§8:
 * shops, parent and child orders in every status, products with SKUs, after-sales cases,
 * logistics companies and shipments. Generation draws only from the seeded prng, and times are
 * anchored at opts.epoch, so one seed and epoch always give the same data (and the same
 * content hashes). Live activity (new orders, status changes) moves it forward; every change
 * bumps updateTime. All access goes through the module's lock.
 */
#ifndef SBX_WORLD_H
#define SBX_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct world_opts {
    uint64_t seed;
    int shops;      /* shops (malls) */
    int orders;     /* parent orders per shop */
    int products;   /* products per shop */
    int aftersales; /* after-sales cases per shop */
    int64_t epoch;  /* unix seconds; generated times lie in the 90 days before it */
    int incidents;  /* 0: realistic rates; 1-100: percent of orders late, parcels stalled/lost */
};

/* A business error answered inside the envelope (success false). */
struct world_err {
    long code;
    char msg[160];
};

/* Called, with the world's lock held, for each event a change produces (§9.2 payloads). */
typedef void (*world_event_fn)(void *ctx, int64_t mall_id, const char *event_code, json_t *payload);

struct world;

/* Generates the data. NULL with a sentence in err on failure. */
struct world *world_new(const struct world_opts *opts, char *err, size_t errlen);

/* Stops live activity and frees everything; NULL is a no-op. */
void world_free(struct world *w);

/* Number of shops, and the mallId / regionId of the i-th. */
size_t world_shop_count(const struct world *w);
bool world_shop_at(const struct world *w, size_t i, int64_t *mall_id, int *region_id);

/*
 * Runs one API for the shop mall_id with the request's business params (a JSON object).
 * Returns the result (new reference) or NULL with e filled. type must be one of
 * world_api_types().
 */
json_t *world_call(struct world *w, const char *type, int64_t mall_id, int region_id,
                   json_t *params, struct world_err *e);

/* The data API types world_call answers, and how many there are. */
const char *const *world_api_types(size_t *n);

/* Applies n live events now (deterministic for a given seed and history); returns n applied. */
int world_step(struct world *w, int n);

/* Starts, changes (rate > 0) or stops (0) background events per second. */
bool world_activity_set(struct world *w, int rate);

/* The current activity rate. */
int world_activity_rate(struct world *w);

/* Registers the event listener (webhook pusher). */
void world_set_listener(struct world *w, world_event_fn fn, void *ctx);

/* Ground truth: counts and content hashes; with orders, every parentOrderSn and updateTime. */
json_t *world_truth(struct world *w, bool with_orders);

#endif

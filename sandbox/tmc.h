/*
 * tmc: bg.tmc.message.update, the per-shop webhook event switch (temu-open-platform.md §9.1).
 * Every shop starts with every event on (the sandbox's app is subscribed to all of them);
 * permitEventCodeList switches events on, cancelEventCodeList off (at most 20 codes each).
 * The platform allows one call per second (110020007); a code that is not one of the five
 * events gives 110020009 (the app is not subscribed to it). The world asks tmc_permits before
 * handing an event to the webhook pusher, so a switched-off event is never pushed.
 */
#ifndef SBX_TMC_H
#define SBX_TMC_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "world.h"

struct tmc;

/* A switch board for up to SBX_SHOPS_MAX shops; NULL when out of memory. */
struct tmc *tmc_new(void);
void tmc_free(struct tmc *t);

/* The API for the shop mall_id at now (unix seconds): the result, or NULL with e filled. */
json_t *tmc_update(struct tmc *t, int64_t mall_id, json_t *params, int64_t now,
                   struct world_err *e);

/* True when the shop lets event_code through. */
bool tmc_permits(const struct tmc *t, int64_t mall_id, const char *event_code);

#endif

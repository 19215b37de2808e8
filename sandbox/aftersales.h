/*
 * aftersales: the buyers' after-sales cases and cancellation requests of the generated shops,
 * and the three APIs that read them, in the shapes of the official pages (docs/sandbox.md):
 *   bg.aftersales.parentaftersales.list.get   result {data[], total, pageNumber}
 *   temu.aftersales.parentaftersales.detail.get  one case with refundSummary, reason and the
 *                                              buyer's own comment in the buyer's language
 *   bg.aftersales.cancel.list.get             result {data[], total, pageNumber}
 * A case has parentAfterSalesStatus 1 applied, 5 refunded, 6 buyer cancelled, 7 rejected,
 * 8 return waybill review or 10 return applied; afterSalesStatusGroup is 1 in progress (1, 8,
 * 10), 2 completed (5) or 3 closed (6, 7). Live activity moves open cases on and opens new
 * ones; each change returns the webhook payload of its event. Callers hold the world's lock.
 */
#ifndef SBX_AFTERSALES_H
#define SBX_AFTERSALES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "prng.h"
#include "world.h"

/* What a case needs of its order. */
struct as_order {
    int64_t mall_id;
    const char *sn;     /* parentOrderSn */
    int64_t created;    /* parentOrderTime */
    const json_t *list; /* orderList: the first child is the line the buyer complains about */
};

struct aftersales;

struct aftersales *aftersales_new(void);
void aftersales_free(struct aftersales *a);

/*
 * Opens a case on o for the buyer of shop number `shop` (whose languages it speaks). live:
 * applied now (status 1, at `at`); otherwise a historical case created a few days after the
 * order, no later than `at`, in a realistic mix of outcomes. Returns the payload of its
 * bg_aftersales_status_change event (new reference), or NULL when out of room.
 */
json_t *aftersales_open_case(struct aftersales *a, struct prng *g, size_t shop,
                             const struct as_order *o, int64_t at, bool live);

/*
 * Records the buyer's cancellation of o at `at` (refunded: status 5). Returns the payload of
 * its bg_cancel_order_status_change event (new reference), or NULL when out of room.
 */
json_t *aftersales_cancel(struct aftersales *a, struct prng *g, const struct as_order *o,
                          int64_t at);

/*
 * Moves one open case on at now (1 -> 5, 7 or 10; 10 -> 8; 8 -> 5). Returns its event
 * payload (new reference) and its shop in *mall_id, or NULL when no case is open.
 */
json_t *aftersales_advance(struct aftersales *a, struct prng *g, int64_t now, int64_t *mall_id);

/* What the buyer of case parent_after_sales_sn got back (minor units, tax included) once it is
 * refunded; 0 while it is not (or for an unknown case). */
int64_t aftersales_refunded(const struct aftersales *a, const char *parent_after_sales_sn);

/* True when type is one of the three APIs above. */
bool aftersales_handles(const char *type);

/* Runs one of them for the shop mall_id: the result (new reference) or NULL with e filled. */
json_t *aftersales_call(struct aftersales *a, const char *type, int64_t mall_id, json_t *params,
                        struct world_err *e);

/* Ground truth: the cases' list items and the cancellations' items, in creation order. */
size_t aftersales_case_count(const struct aftersales *a);
const json_t *aftersales_case_at(const struct aftersales *a, size_t i);
size_t aftersales_cancel_count(const struct aftersales *a);
const json_t *aftersales_cancel_at(const struct aftersales *a, size_t i);

#endif

/* world after-sales: the generated cases and cancellations, kept by aftersales.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

struct as_order world_as_order(const struct world_order *o)
{
    return (struct as_order){o->mall_id, o->sn, o->created, o->list};
}

void world_gen_aftersale(struct world *w, size_t shop)
{
    struct prng *g = &w->gen;
    /* After-sales cases belong to shipped orders of the same shop. */
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

void world_gen_cancellations(struct world *w)
{
    for (size_t i = 0; i < w->norders; i++) {
        struct as_order ao = world_as_order(&w->orders[i]);
        if (w->orders[i].status == ST_CANCELED)
            json_decref(aftersales_cancel(w->as, &w->gen, &ao, w->orders[i].updated));
    }
}

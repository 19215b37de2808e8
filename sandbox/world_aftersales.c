/* world after-sales: generated cases and bg.aftersales.parentaftersales.list.get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

void world_gen_aftersale(struct world *w, size_t shop, size_t seq)
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
    struct world_as *a = &w->as[w->nas++];
    a->mall_id = o->mall_id;
    memcpy(a->order_sn, o->sn, sizeof a->order_sn);
    snprintf(a->sn, sizeof a->sn, "%s-D%02zu", o->sn, seq % 99 + 1);
    a->group = (int)prng_range(g, 1, 3);
    a->created = o->created + prng_range(g, WORLD_DAY, 10 * WORLD_DAY);
    if (a->created > w->opts.epoch)
        a->created = w->opts.epoch;
    a->updated = a->created + (a->group == 1 ? 0 : prng_range(g, 3600, 3 * WORLD_DAY));
    if (a->updated > w->opts.epoch)
        a->updated = w->opts.epoch;
    json_t *child = json_array_get(o->list, 0);
    int64_t qty = json_integer_value(json_object_get(child, "quantity"));
    static const int status_of_group[] = {0, 2, 5, 6};
    char item_sn[WORLD_SN_MAX + 12];
    snprintf(item_sn, sizeof item_sn, "%s-1", a->sn);
    a->obj = json_pack(
        "{s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:o, s:[{s:s, s:s, s:I, s:I, s:I}]}",
        "parentAfterSalesSn", a->sn, "parentOrderSn", o->sn, "afterSalesStatusGroup", a->group,
        "afterSalesStatus", status_of_group[a->group], "afterSalesType", (int)prng_range(g, 1, 2),
        "createAt", (json_int_t)a->created, "updateAt", (json_int_t)a->updated, "refundAmount",
        world_money(prng_range(g, 100, 5000)), "afterSalesList", "afterSalesSn", item_sn, "orderSn",
        json_string_value(json_object_get(child, "orderSn")), "goodsId",
        json_object_get(child, "goodsId") ? json_integer_value(json_object_get(child, "goodsId"))
                                          : 0,
        "skuId", json_integer_value(json_object_get(child, "skuId")), "quantity", (json_int_t)qty);
}

json_t *world_as_list(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    int64_t no, size, group = 0, c_lo = 0, c_hi = 0, u_lo = 0, u_hi = 0;
    bool c_on, u_on;
    json_t *orders, *cases;
    if (!world_page(p, "pageNo", SBX_AS_PAGE_MAX, &no, &size, e, 3000000, "BAD_PARAMS") ||
        !world_window(p, "createAtStart", "createAtEnd", &c_lo, &c_hi, &c_on, e) ||
        !world_window(p, "updateAtStart", "updateAtEnd", &u_lo, &u_hi, &u_on, e))
        return NULL;
    if (world_int(p, "afterSalesStatusGroup", false, &group) < 0 ||
        !world_str_list(p, "parentOrderSnList", SBX_AS_PAGE_MAX, &orders) ||
        !world_str_list(p, "parentAfterSalesSnList", SBX_AS_PAGE_MAX, &cases)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    json_t *items = json_array();
    size_t total = 0;
    /* Newest first: walk backwards through generation order, which is stable. */
    for (size_t i = w->nas; i-- > 0;) {
        const struct world_as *a = &w->as[i];
        if (a->mall_id != mall || (group != 0 && a->group != group) ||
            (orders != NULL && !world_list_has(orders, a->order_sn)) ||
            (cases != NULL && !world_list_has(cases, a->sn)) ||
            (c_on && (a->created < c_lo || a->created > c_hi)) ||
            (u_on && (a->updated < u_lo || a->updated > u_hi)))
            continue;
        if (total >= (size_t)((no - 1) * size) && total < (size_t)(no * size))
            json_array_append_new(items, json_deep_copy(a->obj));
        total++;
    }
    return json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total, "pageNo", (json_int_t)no,
                     "parentAfterSalesList", items);
}

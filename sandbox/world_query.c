/* world queries: the list APIs over orders and products, and the carrier list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

struct world_sort {
    const struct world_order *o;
    int64_t key;
};

static int world_sort_desc(const void *a, const void *b)
{
    const struct world_sort *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return strcmp(y->o->sn, x->o->sn);
}

json_t *world_order_list(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    int64_t no, size, status = 0, c_lo = 0, c_hi = 0, u_lo = 0, u_hi = 0, s_lo = 0, s_hi = 0;
    bool c_on, u_on, s_on;
    json_t *sns;
    if (!world_page(p, "pageNumber", SBX_ORDER_PAGE_MAX, &no, &size, e, 3000000, "BAD_PARAMS") ||
        !world_window(p, "createAfter", "createBefore", &c_lo, &c_hi, &c_on, e) ||
        !world_window(p, "updateAtStart", "updateAtEnd", &u_lo, &u_hi, &u_on, e) ||
        !world_window(p, "expectShipLatestTimeStart", "expectShipLatestTimeEnd", &s_lo, &s_hi,
                      &s_on, e))
        return NULL;
    if (world_int(p, "parentOrderStatus", false, &status) < 0 ||
        !world_str_list(p, "parentOrderSnList", SBX_SN_LIST_MAX, &sns)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    const char *sortby = json_string_value(json_object_get(p, "sortby"));
    if (sortby != NULL && *sortby == '\0')
        sortby = NULL; /* clients that sign empty values away still send them */
    bool by_update = sortby != NULL && strcmp(sortby, "updateTime") == 0;
    if (sortby != NULL && !by_update && strcmp(sortby, "createTime") != 0) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    struct world_sort *hits = calloc(w->norders + 1, sizeof *hits);
    if (hits == NULL) {
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < w->norders; i++) {
        const struct world_order *o = &w->orders[i];
        int64_t ship_by = o->created + WORLD_SHIP_BY;
        if (o->mall_id != mall || (status != 0 && o->status != status) ||
            (sns != NULL && !world_list_has(sns, o->sn)) ||
            (c_on && (o->created < c_lo || o->created > c_hi)) ||
            (u_on && (o->updated < u_lo || o->updated > u_hi)) ||
            (s_on && (ship_by < s_lo || ship_by > s_hi)))
            continue;
        hits[n].o = o;
        hits[n].key = by_update ? o->updated : o->created;
        n++;
    }
    qsort(hits, n, sizeof *hits, world_sort_desc);
    json_t *items = json_array();
    for (size_t i = (size_t)((no - 1) * size); i < n && i < (size_t)(no * size); i++) {
        json_t *list = json_deep_copy(hits[i].o->list);
        size_t k;
        json_t *child;
        /* The detail's packageSnInfo and times are absent from the real list (XIE-FIX). */
        json_array_foreach(list, k, child)
        {
            json_object_del(child, "packageSnInfo");
            json_object_del(child, "orderCreateTime");
            json_object_del(child, "orderShippingTime");
            json_object_del(child, "packageAbnormalTypeList");
        }
        json_array_append_new(
            items, json_pack("{s:O, s:o}", "parentOrderMap", hits[i].o->map, "orderList", list));
    }
    free(hits);
    /* parentOrderMap is shared by reference here; world_call copies the result before the
     * lock is released. */
    return json_pack("{s:I, s:o}", "totalItemNum", (json_int_t)n, "pageItems", items);
}

struct world_psort {
    const struct world_product *p;
};

/* createTime descending (the documented default), ties by goodsId. */
static int world_goods_desc(const void *a, const void *b)
{
    const struct world_product *x = ((const struct world_psort *)a)->p;
    const struct world_product *y = ((const struct world_psort *)b)->p;
    if (x->create_ms != y->create_ms)
        return x->create_ms < y->create_ms ? 1 : -1;
    return x->goods_id < y->goods_id ? 1 : x->goods_id > y->goods_id ? -1 : 0;
}

static int world_goods_asc(const void *a, const void *b)
{
    return world_goods_desc(b, a);
}

json_t *world_goods_list(struct world *w, int64_t mall, json_t *p, struct world_err *e)
{
    int64_t no, size, type = 0, order_type = 0, c_lo = 0, c_hi = 0, g_lo = 0, g_hi = 0;
    bool c_on, g_on;
    int t = world_int(p, "goodsSearchType", true, &type);
    if (t == 0) {
        world_fail(e, 7000000, "BUSINESS_SERVICE_ERROR");
        return NULL;
    }
    if (t < 0) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    if (!world_page(p, "pageNo", SBX_GOODS_PAGE_MAX, &no, &size, e, 150010003,
                    "invalid params: pageSize must be between 1 and 100") ||
        !world_window(p, "crtFrom", "crtTo", &c_lo, &c_hi, &c_on, e) ||
        !world_window(p, "goodsStatusChangeTimeFrom", "goodsStatusChangeTimeTo", &g_lo, &g_hi,
                      &g_on, e))
        return NULL;
    if (world_int(p, "orderType", false, &order_type) < 0 || (order_type != 0 && order_type != 1)) {
        world_fail(e, 150010003, "invalid params: orderType");
        return NULL;
    }
    json_t *ids = json_object_get(p, "goodsIdList");
    if (ids != NULL && !json_is_array(ids)) {
        world_fail(e, 150010003, "invalid params: goodsIdList");
        return NULL;
    }
    const char *text = json_string_value(json_object_get(p, "searchText"));
    json_t *goods = json_array();
    size_t total = 0;
    struct world_psort *hits = calloc(w->nproducts + 1, sizeof *hits);
    if (hits == NULL) {
        json_decref(goods);
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    for (size_t i = 0; i < w->nproducts; i++) {
        const struct world_product *pr = &w->products[i];
        if (pr->mall_id != mall || pr->bucket != type ||
            (c_on && (pr->create_ms < c_lo || pr->create_ms > c_hi)) ||
            (g_on && (pr->change_ms < g_lo || pr->change_ms > g_hi)))
            continue;
        if (json_is_array(ids) && json_array_size(ids) > 0) {
            bool found = false;
            size_t k;
            json_t *id;
            json_array_foreach(ids, k, id) found |= json_integer_value(id) == pr->goods_id;
            if (!found)
                continue;
        }
        if (text != NULL && *text != '\0' &&
            strstr(json_string_value(json_object_get(pr->obj, "goodsName")), text) == NULL)
            continue;
        hits[total++].p = pr;
    }
    qsort(hits, total, sizeof *hits, order_type == 1 ? world_goods_asc : world_goods_desc);
    for (size_t i = (size_t)((no - 1) * size); i < total && i < (size_t)(no * size); i++) {
        const struct world_product *pr = hits[i].p;
        json_t *copy = json_deep_copy(pr->obj);
        json_object_del(copy, "goodsSearchType");
        json_array_append_new(goods, copy);
    }
    free(hits);
    return json_pack("{s:o, s:I, s:I}", "goodsList", goods, "pageNo", (json_int_t)no, "total",
                     (json_int_t)total);
}

json_t *world_companies(int region_id)
{
    json_t *list = json_array();
    for (int i = 0; i < WORLD_CARRIERS; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s}", "logisticsServiceProviderId",
                            (json_int_t)(WORLD_CARRIER_ID0 + i), "logisticsServiceProviderName",
                            world_carriers[i].name, "logisticsBrandName", world_carriers[i].name));
    (void)region_id;
    return list;
}

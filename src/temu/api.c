#include "temu/api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/parse.h"

/* Fails a call before sending: ERR_INVAL with a local, permanent temu_error. */
ERR_MUST_USE static enum err api_refuse(struct temu_error *terr, const char *msg)
{
    if (terr != NULL) {
        temu_error_clear(terr);
        temu_error_set(terr, TEMU_ERROR_PERMANENT, TEMU_SOURCE_LOCAL, 0, msg,
                       "The call was refused before sending.");
    }
    return ERR_INVAL;
}

static int api_set_int(json_t *p, const char *key, int64_t v)
{
    return v == 0 ? 0 : json_object_set_new(p, key, json_integer((json_int_t)v));
}

static int api_set_str(json_t *p, const char *key, const char *v)
{
    return v == NULL || v[0] == '\0' ? 0 : json_object_set_new(p, key, json_string(v));
}

/* Adds an array of strings; n == 0 adds nothing. */
static int api_set_list(json_t *p, const char *key, const char *const *v, size_t n)
{
    if (n == 0)
        return 0;
    json_t *a = json_array();
    if (a == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return -1;
        }
    }
    return json_object_set_new(p, key, a);
}

static bool api_list_ok(const char *const *v, size_t n)
{
    if (n > LIMIT_TEMU_SN_LIST || (n > 0 && v == NULL))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == NULL || v[i][0] == '\0')
            return false;
    }
    return true;
}

static bool api_sn_ok(const char *sn)
{
    return sn != NULL && sn[0] != '\0' && strlen(sn) <= 64;
}

/* Calls type with params (reference stolen; NULL means allocation failed). */
ERR_MUST_USE static enum err api_call(struct temu_client *c, const char *type, json_t *params,
                                      const struct temu_call_options *opts, struct temu_result *res,
                                      struct temu_error *terr)
{
    memset(res, 0, sizeof *res);
    if (params == NULL)
        return ERR_NOMEM;
    enum err e = temu_client_call_ex(c, type, params, opts, res, terr);
    json_decref(params);
    if (e != ERR_OK)
        temu_result_clear(res);
    return e;
}

/* ---- tokens ---- */

static void api_fill_token(struct temu_token_info *out, json_t *result)
{
    out->result = result;
    const char *tok =
        json_is_object(result) ? json_string_value(json_object_get(result, "accessToken")) : NULL;
    if (tok != NULL && strlen(tok) < sizeof out->access_token)
        memcpy(out->access_token, tok, strlen(tok) + 1);
    out->expired_time = json_get_int(result, "expiredTime");
    out->mall_id = json_get_int(result, "mallId");
    out->region_id = json_get_int(result, "regionId");
    out->mall_type = json_get_int(result, "mallType");
    const json_t *scopes = json_object_get(result, "apiScopeList");
    out->api_scope_list = json_is_array(scopes) ? scopes : NULL;
}

enum err temu_api_accesstoken_create(struct temu_client *c, const char *code,
                                     struct temu_token_info *out, struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (code == NULL || code[0] == '\0' || strlen(code) > LIMIT_TEMU_SECRET_BYTES)
        return api_refuse(terr, "The authorization code is missing or too long.");
    /* §3.2: on the first call the code is also the access_token. */
    struct temu_call_options opts = {.access_token = code, .idempotent = 0};
    json_t *p = json_object();
    if (p != NULL && api_set_str(p, "code", code) != 0) {
        json_decref(p);
        p = NULL;
    }
    enum err e = api_call(c, "bg.open.accesstoken.create", p, &opts, &res, terr);
    if (e == ERR_OK) {
        api_fill_token(out, res.result);
        res.result = NULL;
    }
    return e;
}

enum err temu_api_accesstoken_info(struct temu_client *c, struct temu_token_info *out,
                                   struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    enum err e = api_call(c, "bg.open.accesstoken.info.get", json_object(), NULL, &res, terr);
    if (e == ERR_OK) {
        api_fill_token(out, res.result);
        res.result = NULL;
    }
    return e;
}

void temu_token_info_clear(struct temu_token_info *out)
{
    if (out == NULL)
        return;
    json_t *at = json_object_get(out->result, "accessToken");
    if (json_is_string(at) && at->refcount == 1 && out->result->refcount == 1)
        sodium_memzero((char *)json_string_value(at), json_string_length(at));
    json_decref(out->result);
    sodium_memzero(out, sizeof *out);
}

/* ---- pages ---- */

void temu_page_clear(struct temu_page *p)
{
    if (p == NULL)
        return;
    json_decref(p->result);
    memset(p, 0, sizeof *p);
}

static void api_fill_page(struct temu_page *out, json_t *result, const char *const *item_keys,
                          const char *const *total_keys)
{
    out->result = result;
    out->total = -1;
    if (json_is_array(result)) {
        out->items = result;
    } else {
        for (size_t i = 0; item_keys[i] != NULL && out->items == NULL; i++) {
            const json_t *v = json_object_get(result, item_keys[i]);
            if (json_is_array(v))
                out->items = v;
        }
        for (size_t i = 0; total_keys[i] != NULL; i++) {
            if (json_object_get(result, total_keys[i]) != NULL) {
                out->total = json_get_int(result, total_keys[i]);
                break;
            }
        }
    }
    out->count = out->items != NULL ? json_array_size(out->items) : 0;
    if (json_is_array(result))
        out->total = (int64_t)out->count;
}

ERR_MUST_USE static enum err api_page_call(struct temu_client *c, const char *type, json_t *params,
                                           const char *const *item_keys,
                                           const char *const *total_keys, struct temu_page *out,
                                           struct temu_error *terr)
{
    struct temu_result res;
    enum err e = api_call(c, type, params, NULL, &res, terr);
    if (e == ERR_OK)
        api_fill_page(out, res.result, item_keys, total_keys);
    return e;
}

static bool api_window_ok(int64_t from, int64_t to)
{
    return (from == 0) == (to == 0) && from >= 0 && to >= from;
}

enum err temu_api_order_list(struct temu_client *c, const struct temu_order_list_req *req,
                             struct temu_page *out, struct temu_error *terr)
{
    static const char *const items[] = {"pageItems", NULL};
    static const char *const totals[] = {"totalItemNum", NULL};
    memset(out, 0, sizeof *out);
    if (req->page_number < 0 || req->page_size < 0 || req->page_size > LIMIT_TEMU_ORDER_PAGE_MAX)
        return api_refuse(terr, "pageNumber must be >= 1 and pageSize from 1 to 100.");
    if (!api_list_ok(req->parent_order_sns, req->parent_order_sn_count))
        return api_refuse(terr, "parentOrderSnList takes 1 to 20 non-empty order numbers.");
    if (!api_window_ok(req->create_after, req->create_before) ||
        !api_window_ok(req->update_at_start, req->update_at_end))
        return api_refuse(terr, "Time windows need both ends, in order.");
    if (req->sortby != NULL && strcmp(req->sortby, "createTime") != 0 &&
        strcmp(req->sortby, "updateTime") != 0)
        return api_refuse(terr, "sortby must be createTime or updateTime.");
    json_t *p = json_object();
    if (p != NULL && (api_set_int(p, "pageNumber", req->page_number) != 0 ||
                      api_set_int(p, "pageSize", req->page_size) != 0 ||
                      api_set_int(p, "parentOrderStatus", req->parent_order_status) != 0 ||
                      api_set_list(p, "parentOrderSnList", req->parent_order_sns,
                                   req->parent_order_sn_count) != 0 ||
                      api_set_int(p, "createAfter", req->create_after) != 0 ||
                      api_set_int(p, "createBefore", req->create_before) != 0 ||
                      api_set_int(p, "updateAtStart", req->update_at_start) != 0 ||
                      api_set_int(p, "updateAtEnd", req->update_at_end) != 0 ||
                      api_set_int(p, "regionId", req->region_id) != 0 ||
                      api_set_str(p, "sortby", req->sortby) != 0)) {
        json_decref(p);
        p = NULL;
    }
    return api_page_call(c, "bg.order.list.v2.get", p, items, totals, out, terr);
}

enum err temu_api_goods_list(struct temu_client *c, const struct temu_goods_list_req *req,
                             struct temu_page *out, struct temu_error *terr)
{
    static const char *const items[] = {"goodsList", NULL};
    static const char *const totals[] = {"total", "totalItemNum", NULL};
    memset(out, 0, sizeof *out);
    if (req->page_no < 1 || req->page_size < 1 || req->page_size > LIMIT_TEMU_GOODS_PAGE_MAX)
        return api_refuse(terr, "pageNo must be >= 1 and pageSize from 1 to 100.");
    if (req->goods_search_type < 1)
        return api_refuse(terr, "goodsSearchType is required (1, 4, 5 or 6).");
    if (!api_window_ok(req->crt_from_ms, req->crt_to_ms) ||
        !api_window_ok(req->status_change_from_ms, req->status_change_to_ms))
        return api_refuse(terr, "Time windows need both ends, in order.");
    json_t *p = json_object();
    if (p != NULL &&
        (api_set_int(p, "pageNo", req->page_no) != 0 ||
         api_set_int(p, "pageSize", req->page_size) != 0 ||
         api_set_int(p, "goodsSearchType", req->goods_search_type) != 0 ||
         api_set_str(p, "orderField", req->order_field) != 0 ||
         api_set_int(p, "orderType", req->order_type) != 0 ||
         api_set_str(p, "searchText", req->search_text) != 0 ||
         api_set_int(p, "crtFrom", req->crt_from_ms) != 0 ||
         api_set_int(p, "crtTo", req->crt_to_ms) != 0 ||
         api_set_int(p, "goodsStatusChangeTimeFrom", req->status_change_from_ms) != 0 ||
         api_set_int(p, "goodsStatusChangeTimeTo", req->status_change_to_ms) != 0)) {
        json_decref(p);
        p = NULL;
    }
    return api_page_call(c, "bg.local.goods.list.query", p, items, totals, out, terr);
}

/* The params of both after-sales lists into *out (NULL when out of memory); ERR_INVAL when
 * refused before sending (terr says why). */
ERR_MUST_USE static enum err api_aftersales_params(const struct temu_aftersales_list_req *req,
                                                   bool windows, json_t **out,
                                                   struct temu_error *terr)
{
    *out = NULL;
    if (req->page_no < 0 || req->page_size < 0 || req->page_size > LIMIT_TEMU_AFTERSALES_PAGE_MAX)
        return api_refuse(terr, "pageNo must be >= 1 and pageSize from 1 to 200.");
    if (!api_list_ok(req->parent_order_sns, req->parent_order_sn_count) ||
        !api_list_ok(req->parent_after_sales_sns, req->parent_after_sales_sn_count))
        return api_refuse(terr, "Order and after-sales lists take 1 to 20 non-empty numbers.");
    if (!api_window_ok(req->create_at_start, req->create_at_end) ||
        !api_window_ok(req->update_at_start, req->update_at_end))
        return api_refuse(terr, "Time windows need both ends, in order.");
    if (!windows && (req->create_at_start != 0 || req->update_at_start != 0))
        return api_refuse(terr, "The cancel list has no time window.");
    json_t *p = json_object();
    if (p != NULL &&
        (api_set_int(p, "pageNo", req->page_no) != 0 ||
         api_set_int(p, "pageSize", req->page_size) != 0 ||
         api_set_list(p, "parentOrderSnList", req->parent_order_sns, req->parent_order_sn_count) !=
             0 ||
         api_set_list(p, "parentAfterSalesSnList", req->parent_after_sales_sns,
                      req->parent_after_sales_sn_count) != 0 ||
         api_set_int(p, "createAtStart", req->create_at_start) != 0 ||
         api_set_int(p, "createAtEnd", req->create_at_end) != 0 ||
         api_set_int(p, "updateAtStart", req->update_at_start) != 0 ||
         api_set_int(p, "updateAtEnd", req->update_at_end) != 0 ||
         api_set_int(p, "afterSalesStatusGroup", req->after_sales_status_group) != 0)) {
        json_decref(p);
        p = NULL;
    }
    *out = p;
    return ERR_OK;
}

enum err temu_api_aftersales_list(struct temu_client *c, const struct temu_aftersales_list_req *req,
                                  struct temu_page *out, struct temu_error *terr)
{
    static const char *const items[] = {"data", "parentAfterSalesList", "list", "pageItems", NULL};
    static const char *const totals[] = {"total", "totalItemNum", "totalCount", NULL};
    json_t *p = NULL;
    memset(out, 0, sizeof *out);
    if (api_aftersales_params(req, true, &p, terr) != ERR_OK)
        return ERR_INVAL;
    return api_page_call(c, "bg.aftersales.parentaftersales.list.get", p, items, totals, out, terr);
}

void temu_aftersales_detail_clear(struct temu_aftersales_detail *d)
{
    if (d == NULL)
        return;
    json_decref(d->result);
    memset(d, 0, sizeof *d);
}

enum err temu_api_aftersales_detail(struct temu_client *c, const char *parent_order_sn,
                                    const char *parent_after_sales_sn,
                                    struct temu_aftersales_detail *out, struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (!api_sn_ok(parent_order_sn) || !api_sn_ok(parent_after_sales_sn))
        return api_refuse(terr, "parentOrderSn and parentAfterSalesSn are both required.");
    json_t *p = json_object();
    if (p != NULL && (api_set_str(p, "parentOrderSn", parent_order_sn) != 0 ||
                      api_set_str(p, "parentAfterSalesSn", parent_after_sales_sn) != 0)) {
        json_decref(p);
        p = NULL;
    }
    enum err e = api_call(c, "temu.aftersales.parentaftersales.detail.get", p, NULL, &res, terr);
    if (e != ERR_OK)
        return e;
    out->result = res.result;
    out->status = json_get_int(res.result, "parentAfterSalesStatus");
    out->type = json_get_int(res.result, "afterSalesType");
    const json_t *sum = json_object_get(res.result, "refundSummary");
    const json_t *lines = json_object_get(res.result, "afterSalesList");
    out->refund_summary = json_is_object(sum) ? sum : NULL;
    out->lines = json_is_array(lines) ? lines : NULL;
    size_t i;
    const json_t *line;
    json_array_foreach(out->lines, i, line)
    {
        const char *desc = json_string_value(json_object_get(line, "afterSalesReasonDesc"));
        const char *comment = json_string_value(json_object_get(line, "buyerComment"));
        int64_t code = json_get_int(line, "afterSalesReasonCode");
        if (out->reason_code == 0 && out->reason_desc == NULL && (code != 0 || desc != NULL)) {
            out->reason_code = code;
            out->reason_desc = desc;
        }
        if ((out->buyer_comment == NULL || out->buyer_comment[0] == '\0') && comment != NULL)
            out->buyer_comment = comment;
    }
    return ERR_OK;
}

enum err temu_api_aftersales_cancel_list(struct temu_client *c,
                                         const struct temu_aftersales_list_req *req,
                                         struct temu_page *out, struct temu_error *terr)
{
    static const char *const items[] = {"data", "list", NULL};
    static const char *const totals[] = {"total", "totalItemNum", NULL};
    json_t *p = NULL;
    memset(out, 0, sizeof *out);
    if (api_aftersales_params(req, false, &p, terr) != ERR_OK)
        return ERR_INVAL;
    return api_page_call(c, "bg.aftersales.cancel.list.get", p, items, totals, out, terr);
}

enum err temu_api_tmc_message_update(struct temu_client *c, const char *const *permit,
                                     size_t permit_count, const char *const *cancel,
                                     size_t cancel_count, struct temu_error *terr)
{
    struct temu_result res;
    if (!api_list_ok(permit, permit_count) || !api_list_ok(cancel, cancel_count) ||
        permit_count + cancel_count == 0)
        return api_refuse(terr, "Give 1 to 20 event codes to permit and/or 1 to 20 to cancel.");
    json_t *p = json_object();
    if (p != NULL && (api_set_list(p, "permitEventCodeList", permit, permit_count) != 0 ||
                      api_set_list(p, "cancelEventCodeList", cancel, cancel_count) != 0)) {
        json_decref(p);
        p = NULL;
    }
    /* Setting the same switches twice is harmless, so a lost answer may be retried. */
    struct temu_call_options o = {.access_token = NULL, .idempotent = 1};
    enum err e = api_call(c, "bg.tmc.message.update", p, &o, &res, terr);
    temu_result_clear(&res);
    return e;
}

enum err temu_api_logistics_companies(struct temu_client *c, int64_t region_id,
                                      struct temu_page *out, struct temu_error *terr)
{
    static const char *const items[] = {"items", "logisticsCompaniesList",
                                        "logisticsServiceProviderList", "list", NULL};
    static const char *const totals[] = {"total", NULL};
    memset(out, 0, sizeof *out);
    if (region_id <= 0)
        return api_refuse(terr, "regionId is required (the shop's region, e.g. 211 for the US).");
    json_t *p = json_object();
    if (p != NULL && api_set_int(p, "regionId", region_id) != 0) {
        json_decref(p);
        p = NULL;
    }
    return api_page_call(c, "bg.logistics.companies.get", p, items, totals, out, terr);
}

/* ---- single orders ---- */

void temu_order_clear(struct temu_order *o)
{
    if (o == NULL)
        return;
    json_decref(o->result);
    memset(o, 0, sizeof *o);
}

ERR_MUST_USE static enum err api_order_call(struct temu_client *c, const char *type,
                                            const char *parent_sn, const char *order_sn,
                                            struct temu_order *out, struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (!api_sn_ok(parent_sn) || (order_sn != NULL && order_sn[0] != '\0' && !api_sn_ok(order_sn)))
        return api_refuse(terr, "parentOrderSn is required (one order number, singular).");
    json_t *p = json_object();
    if (p != NULL && (api_set_str(p, "parentOrderSn", parent_sn) != 0 ||
                      api_set_str(p, "orderSn", order_sn) != 0)) {
        json_decref(p);
        p = NULL;
    }
    enum err e = api_call(c, type, p, NULL, &res, terr);
    if (e != ERR_OK)
        return e;
    out->result = res.result;
    const json_t *parent = json_object_get(res.result, "parentOrderMap");
    const json_t *list = json_object_get(res.result, "orderList");
    out->parent_order = json_is_object(parent) ? parent : NULL;
    out->order_list = json_is_array(list) ? list : NULL;
    return ERR_OK;
}

enum err temu_api_order_detail(struct temu_client *c, const char *parent_order_sn,
                               struct temu_order *out, struct temu_error *terr)
{
    return api_order_call(c, "bg.order.detail.v2.get", parent_order_sn, NULL, out, terr);
}

enum err temu_api_order_shippinginfo(struct temu_client *c, const char *parent_order_sn,
                                     struct temu_order *out, struct temu_error *terr)
{
    return api_order_call(c, "bg.order.shippinginfo.v2.get", parent_order_sn, NULL, out, terr);
}

enum err temu_api_order_amount(struct temu_client *c, const char *parent_order_sn,
                               struct temu_order *out, struct temu_error *terr)
{
    return api_order_call(c, "bg.order.amount.query", parent_order_sn, NULL, out, terr);
}

enum err temu_api_order_amount_v2(struct temu_client *c, const char *parent_order_sn,
                                  struct temu_order *out, struct temu_error *terr)
{
    return api_order_call(c, "temu.order.amount.v2.query", parent_order_sn, NULL, out, terr);
}

bool temu_money_get(const json_t *obj, const char *key, int64_t *minor, char currency[8])
{
    const json_t *m = json_object_get(obj, key);
    const json_t *amount = json_object_get(m, "amount");
    const char *cur = json_string_value(json_object_get(m, "currency"));
    currency[0] = '\0';
    if (!json_is_object(m) || (!json_is_integer(amount) && !json_is_string(amount)))
        return false;
    if (json_is_string(amount) &&
        parse_int64(json_string_value(amount), INT64_MIN, INT64_MAX, minor) != ERR_OK)
        return false;
    if (json_is_integer(amount))
        *minor = (int64_t)json_integer_value(amount);
    if (cur != NULL && strlen(cur) < 8)
        memcpy(currency, cur, strlen(cur) + 1);
    return true;
}

/* ---- carriers, shipments, tracking ---- */

static const char *api_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

bool temu_carrier_at(const struct temu_page *p, size_t i, struct temu_carrier *out)
{
    const json_t *it = p != NULL ? json_array_get(p->items, i) : NULL;
    memset(out, 0, sizeof *out);
    if (!json_is_object(it))
        return false;
    out->id = json_get_int(it, "logisticsServiceProviderId");
    out->name = api_str(it, "logisticsServiceProviderName");
    out->brand = api_str(it, "logisticsBrandName");
    return out->id > 0;
}

void temu_shipments_clear(struct temu_shipments *s)
{
    if (s == NULL)
        return;
    json_decref(s->result);
    free(s->items);
    memset(s, 0, sizeof *s);
}

static void api_fill_shipment(struct temu_shipment *sh, const json_t *it)
{
    const json_t *wh = json_object_get(it, "cooperativeWarehouseDTO");
    const json_t *subs = json_object_get(it, "subPackageShipmentInfoList");
    sh->carrier_id = json_get_int(it, "carrierId");
    sh->carrier_name = api_str(it, "carrierName");
    sh->tracking_number = api_str(it, "trackingNumber");
    sh->sku_id = json_get_int(it, "skuId");
    sh->quantity = json_get_int(it, "quantity");
    sh->package_sn = api_str(it, "packageSn");
    sh->package_delivery_type = json_get_int(it, "packageDeliveryType");
    sh->tracking_warning_label = json_get_int(it, "trackingWarningLabel");
    sh->cooperative_warehouse = json_is_object(wh) ? wh : NULL;
    sh->sub_packages = json_is_array(subs) ? subs : NULL;
}

enum err temu_api_shipment_get(struct temu_client *c, const char *parent_order_sn,
                               const char *order_sn, struct temu_shipments *out,
                               struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (!api_sn_ok(parent_order_sn) || !api_sn_ok(order_sn))
        return api_refuse(terr, "parentOrderSn and orderSn are both required.");
    json_t *p = json_object();
    if (p != NULL && (api_set_str(p, "parentOrderSn", parent_order_sn) != 0 ||
                      api_set_str(p, "orderSn", order_sn) != 0)) {
        json_decref(p);
        p = NULL;
    }
    enum err e = api_call(c, "bg.logistics.shipment.v2.get", p, NULL, &res, terr);
    if (e != ERR_OK)
        return e;
    out->result = res.result;
    const json_t *list = json_object_get(res.result, "shipmentInfoDTO");
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (n > TEMU_SHIPMENTS_MAX)
        n = TEMU_SHIPMENTS_MAX;
    out->items = n > 0 ? calloc(n, sizeof *out->items) : NULL;
    if (n > 0 && out->items == NULL) {
        temu_shipments_clear(out);
        return ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(list, i);
        if (json_is_object(it))
            api_fill_shipment(&out->items[out->count++], it);
    }
    return ERR_OK;
}

void temu_shipment_confirm_clear(struct temu_shipment_confirm *c)
{
    if (c == NULL)
        return;
    json_decref(c->result);
    memset(c, 0, sizeof *c);
}

static bool api_tracking_ok(const char *t)
{
    size_t n = t != NULL ? strlen(t) : 0;
    if (n == 0 || n >= TEMU_TRACKING_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              ch == '-'))
            return false;
    }
    return true;
}

/* One sendRequestList entry as JSON, or NULL when it breaks the documented bounds. */
static json_t *api_send_request(const struct temu_send_request *r)
{
    if (r->carrier_id <= 0 || !api_tracking_ok(r->tracking_number) || r->line_count == 0 ||
        r->line_count > TEMU_SEND_LINES_MAX || r->lines == NULL)
        return NULL;
    json_t *lines = json_array();
    for (size_t i = 0; lines != NULL && i < r->line_count; i++) {
        const struct temu_send_line *l = &r->lines[i];
        if (!api_sn_ok(l->parent_order_sn) || !api_sn_ok(l->order_sn) || l->goods_id <= 0 ||
            l->sku_id <= 0 || l->quantity <= 0 ||
            json_array_append_new(lines,
                                  json_pack("{s:s, s:s, s:I, s:I, s:I}", "parentOrderSn",
                                            l->parent_order_sn, "orderSn", l->order_sn, "goodsId",
                                            (json_int_t)l->goods_id, "skuId", (json_int_t)l->sku_id,
                                            "quantity", (json_int_t)l->quantity)) != 0) {
            json_decref(lines);
            lines = NULL;
        }
    }
    if (lines == NULL)
        return NULL;
    return json_pack("{s:I, s:s, s:o}", "carrierId", (json_int_t)r->carrier_id, "trackingNumber",
                     r->tracking_number, "orderSendInfoList", lines);
}

enum err temu_api_shipment_confirm(struct temu_client *c,
                                   const struct temu_shipment_confirm_req *req,
                                   struct temu_shipment_confirm *out, struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (req->send_type < 0 || req->send_type > 2 || req->request_count == 0 ||
        req->request_count > TEMU_SEND_REQUESTS_MAX || req->requests == NULL ||
        (req->send_type == 0 && req->request_count != 1))
        return api_refuse(terr, "sendType 0-2 with 1 to 20 parcels (exactly one for type 0).");
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < req->request_count; i++) {
        json_t *r = api_send_request(&req->requests[i]);
        if (r == NULL) {
            json_decref(list);
            return api_refuse(terr, "Each parcel needs a carrier, a tracking number of letters, "
                                    "digits and '-', and 1 to 50 order lines with their ids.");
        }
        json_array_append_new(list, r);
    }
    json_t *p =
        json_pack("{s:I, s:o}", "sendType", (json_int_t)req->send_type, "sendRequestList", list);
    struct temu_call_options opts = {.idempotent = 0};
    enum err e = api_call(c, "bg.logistics.shipment.v2.confirm", p, &opts, &res, terr);
    if (e != ERR_OK)
        return e;
    out->result = res.result;
    out->agreement_text = api_str(res.result, "assistantAgreementText");
    const json_t *w = json_object_get(res.result, "warningMessage");
    out->warnings = json_is_array(w) ? w : NULL;
    out->warning_count = out->warnings != NULL ? json_array_size(w) : 0;
    return ERR_OK;
}

void temu_tracking_clear(struct temu_tracking *t)
{
    if (t == NULL)
        return;
    json_decref(t->result);
    free(t->events);
    memset(t, 0, sizeof *t);
}

enum err temu_api_tracking_get(struct temu_client *c, const char *package_sn, const char *language,
                               struct temu_tracking *out, struct temu_error *terr)
{
    struct temu_result res;
    memset(out, 0, sizeof *out);
    if (!api_sn_ok(package_sn) || (language != NULL && strlen(language) > 16))
        return api_refuse(terr, "packageSn is required (one package number).");
    json_t *p = json_object();
    if (p != NULL && (api_set_str(p, "packageSn", package_sn) != 0 ||
                      api_set_str(p, "language", language) != 0)) {
        json_decref(p);
        p = NULL;
    }
    enum err e = api_call(c, "temu.track.trackinginfo.get", p, NULL, &res, terr);
    if (e != ERR_OK)
        return e;
    out->result = res.result;
    out->package_sn = api_str(res.result, "packageSn");
    out->tracking_num = api_str(res.result, "trackingNum");
    const json_t *list = json_object_get(res.result, "trackingInfo");
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (n > TEMU_TRACK_EVENTS_MAX)
        n = TEMU_TRACK_EVENTS_MAX;
    out->events = n > 0 ? calloc(n, sizeof *out->events) : NULL;
    if (n > 0 && out->events == NULL) {
        temu_tracking_clear(out);
        return ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(list, i);
        if (!json_is_object(it))
            continue;
        struct temu_track_event *ev = &out->events[out->count++];
        ev->status = api_str(it, "logisticsStatus");
        ev->updated_at = json_get_int(it, "logisticsUpdatedAt");
        ev->text = api_str(it, "statusText");
    }
    return ERR_OK;
}

#include "aftersales.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbx_limits.h"
#include "world_param.h"

#define AS_SN_MAX       64
#define AS_DAY          86400
#define AS_OPERATE_S    (2 * AS_DAY) /* how long the seller has to act on an open case */
#define AS_ROLE_BUYER   1            /* applyOperatorRole of a buyer's own request */
#define AS_CASES_MAX    SBX_AFTERSALES_MAX
#define AS_CANCELS_MAX  SBX_ORDERS_MAX
#define AS_LANGS        5
#define AS_REASONS      5
#define AS_NO_OPERATION 0

enum {
    AS_APPLIED = 1,
    AS_REFUNDED = 5,
    AS_BUYER_CANCELLED = 6,
    AS_REJECTED = 7,
    AS_WAYBILL_REVIEW = 8,
    AS_RETURN_APPLIED = 10
};

/* The shops' languages, in the order of a reason's comments: en, es, de, fr, it. Every shop's
 * buyers write English or the shop's other language (es, de, fr or it by shop number). */

/*
 * Reasons: the platform's reason code and English description, and what a buyer writes, in
 * each language (the sandbox's own values; the real codes are not published).
 */
struct as_reason {
    int code;
    const char *desc;
    const char *comment[AS_LANGS];
};

static const struct as_reason as_reasons[AS_REASONS] = {
    {101,
     "Item damaged",
     {"The box arrived crushed and the item is cracked.",
      "La caja llegó aplastada y el artículo está roto.",
      "Der Karton kam zerdrückt an und der Artikel hat einen Riss.",
      "Le colis est arrivé écrasé et l'article est fissuré.",
      "La scatola è arrivata schiacciata e l'articolo è crepato."}},
    {102,
     "Wrong item received",
     {"I ordered the blue one but got a grey one.", "Pedí el azul pero recibí uno gris.",
      "Ich habe Blau bestellt, aber Grau bekommen.",
      "J'ai commandé le bleu mais j'ai reçu un gris.",
      "Ho ordinato quello blu ma è arrivato quello grigio."}},
    {103,
     "Not as described",
     {"Much smaller than in the photos.", "Mucho más pequeño que en las fotos.",
      "Viel kleiner als auf den Fotos.", "Beaucoup plus petit que sur les photos.",
      "Molto più piccolo che nelle foto."}},
    {104,
     "Missing parts",
     {"The screws and the power cable are missing.",
      "Faltan los tornillos y el cable de alimentación.", "Die Schrauben und das Netzkabel fehlen.",
      "Les vis et le câble d'alimentation manquent.",
      "Mancano le viti e il cavo di alimentazione."}},
    {105,
     "Package not received",
     {"Tracking says delivered but nothing arrived.",
      "El seguimiento dice entregado pero no llegó nada.",
      "Laut Sendungsverfolgung zugestellt, aber nichts ist angekommen.",
      "Le suivi indique livré mais je n'ai rien reçu.",
      "Il tracking dice consegnato ma non è arrivato nulla."}},
};

struct as_case {
    int64_t mall_id;
    char sn[AS_SN_MAX];
    char order_sn[AS_SN_MAX];
    char child_sn[AS_SN_MAX];
    int type; /* 1 refund only, 2 return and refund */
    int status;
    int return_delivery; /* 0 none, 1 drop-off, 2 pickup */
    int reason;          /* index into as_reasons */
    int lang;            /* the buyer's language: index into a reason's comments */
    int64_t created, updated;
    int64_t goods_id, sku_id, product_sku_id, qty, refund;
    json_t *item; /* the list item, rebuilt on every change */
};

struct as_cancel {
    int64_t mall_id;
    json_t *item;
};

struct aftersales {
    struct as_case *cases;
    size_t ncases, cases_cap;
    struct as_cancel *cancels;
    size_t ncancels, cancels_cap;
};

struct aftersales *aftersales_new(void)
{
    return calloc(1, sizeof(struct aftersales));
}

void aftersales_free(struct aftersales *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->ncases; i++)
        json_decref(a->cases[i].item);
    for (size_t i = 0; i < a->ncancels; i++)
        json_decref(a->cancels[i].item);
    free(a->cases);
    free(a->cancels);
    free(a);
}

/* Makes room for one more element of size in *arr; false when full or out of memory. */
static bool as_grow(void **arr, size_t n, size_t *cap, size_t size, size_t max)
{
    if (n < *cap)
        return true;
    size_t next = *cap == 0 ? 64 : *cap * 2;
    next = next > max ? max : next;
    if (next <= n)
        return false;
    void *p = realloc(*arr, next * size);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = next;
    return true;
}

static int as_group(int status)
{
    if (status == AS_REFUNDED)
        return 2;
    if (status == AS_BUYER_CANCELLED || status == AS_REJECTED)
        return 3;
    return 1;
}

/* What the seller may do now: 1 agree to refund, 2 reject, 10 upload a return label. */
static json_t *as_operations(int status)
{
    if (status == AS_APPLIED)
        return json_pack("[i, i]", 1, 2);
    if (status == AS_RETURN_APPLIED)
        return json_pack("[i]", 10);
    return json_array();
}

/* Rebuilds the list item (the official list's fields) from the case. */
static void as_rebuild(struct as_case *c)
{
    bool open = as_group(c->status) == 1;
    json_decref(c->item);
    c->item = json_pack(
        "{s:s, s:s, s:i, s:i, s:i, s:I, s:o, s:i, s:I, s:I}", "parentAfterSalesSn", c->sn,
        "parentOrderSn", c->order_sn, "afterSalesType", c->type, "afterSalesStatusGroup",
        as_group(c->status), "parentAfterSalesStatus", c->status, "operateExpireTimeMs",
        (json_int_t)(open ? (c->updated + AS_OPERATE_S) * 1000 : AS_NO_OPERATION),
        "availableOperateList", as_operations(c->status), "returnDeliveryType", c->return_delivery,
        "createAt", (json_int_t)c->created, "updateAt", (json_int_t)c->updated);
}

/* The after-sales event of a case (updateAt in milliseconds, as the event table says). */
static json_t *as_event(const struct as_case *c)
{
    return json_pack("{s:I, s:i, s:s, s:s, s:I, s:i, s:i}", "mallId", (json_int_t)c->mall_id,
                     "afterSalesType", c->type, "parentAfterSalesSn", c->sn, "parentOrderSn",
                     c->order_sn, "updateAt", (json_int_t)c->updated * 1000, "applyOperatorRole",
                     AS_ROLE_BUYER, "parentAfterSalesStatus", c->status);
}

/* A historical outcome: mostly refunded, some open, rejected or withdrawn. */
static int as_pick_status(struct prng *g, int type)
{
    int64_t r = prng_range(g, 0, 99);
    if (r < 55)
        return AS_REFUNDED;
    if (r < 65)
        return AS_BUYER_CANCELLED;
    if (r < 73)
        return AS_REJECTED;
    if (r < 85 || type == 1)
        return AS_APPLIED;
    return r < 93 ? AS_RETURN_APPLIED : AS_WAYBILL_REVIEW;
}

static void as_copy(char *dst, const char *src)
{
    snprintf(dst, AS_SN_MAX, "%s", src != NULL ? src : "");
}

static bool as_case_exists(const struct aftersales *a, const char *sn)
{
    for (size_t i = 0; i < a->ncases; i++) {
        if (strcmp(a->cases[i].sn, sn) == 0)
            return true;
    }
    return false;
}

json_t *aftersales_open_case(struct aftersales *a, struct prng *g, size_t shop,
                             const struct as_order *o, int64_t at, bool live)
{
    if (!as_grow((void **)&a->cases, a->ncases, &a->cases_cap, sizeof *a->cases, AS_CASES_MAX))
        return NULL;
    char sn[AS_SN_MAX];
    snprintf(sn, sizeof sn, "%s-D%02zu", o->sn, a->ncases % 99 + 1);
    if (as_case_exists(a, sn))
        return NULL;
    struct as_case *c = &a->cases[a->ncases];
    memset(c, 0, sizeof *c);
    const json_t *child = json_array_get(o->list, 0);
    c->mall_id = o->mall_id;
    as_copy(c->sn, sn);
    as_copy(c->order_sn, o->sn);
    as_copy(c->child_sn, json_string_value(json_object_get(child, "orderSn")));
    c->type = prng_range(g, 0, 99) < 60 ? 1 : 2;
    c->status = live ? AS_APPLIED : as_pick_status(g, c->type);
    c->return_delivery = c->type == 2 ? (int)prng_range(g, 1, 2) : 0;
    c->reason = (int)prng_range(g, 0, AS_REASONS - 1);
    c->lang = prng_range(g, 0, 1) == 0 ? 0 : (int)(1 + shop % (AS_LANGS - 1));
    c->created = live ? at : o->created + prng_range(g, AS_DAY, 10 * AS_DAY);
    c->created = c->created > at ? at : c->created;
    c->updated = c->created;
    if (c->status != AS_APPLIED)
        c->updated = c->created + prng_range(g, 3600, 3 * AS_DAY);
    c->updated = c->updated > at ? at : c->updated;
    c->goods_id = json_integer_value(json_object_get(child, "goodsId"));
    c->sku_id = json_integer_value(json_object_get(child, "skuId"));
    const json_t *product = json_array_get(json_object_get(child, "productList"), 0);
    c->product_sku_id = json_integer_value(json_object_get(product, "productSkuId"));
    c->qty = json_integer_value(json_object_get(child, "quantity"));
    c->qty = c->qty > 0 ? c->qty : 1;
    c->refund = prng_range(g, 100, 5000);
    as_rebuild(c);
    if (c->item == NULL)
        return NULL;
    a->ncases++;
    return as_event(c);
}

json_t *aftersales_cancel(struct aftersales *a, struct prng *g, const struct as_order *o,
                          int64_t at)
{
    if (!as_grow((void **)&a->cancels, a->ncancels, &a->cancels_cap, sizeof *a->cancels,
                 AS_CANCELS_MAX))
        return NULL;
    char sn[AS_SN_MAX];
    snprintf(sn, sizeof sn, "%s-C%02zu", o->sn, a->ncancels % 99 + 1);
    json_t *lines = json_array();
    size_t k;
    const json_t *child;
    json_array_foreach(o->list, k, child)
    {
        const json_t *products = json_object_get(child, "productList");
        const json_t *product = json_array_get(products, 0);
        char line[AS_SN_MAX + 24];
        snprintf(line, sizeof line, "%s-%zu", sn, k + 1);
        json_array_append_new(
            lines,
            json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "afterSalesSn", line, "orderSn",
                      json_string_value(json_object_get(child, "orderSn")), "parentOrderSn", o->sn,
                      "goodsId", json_integer_value(json_object_get(child, "goodsId")),
                      "productSkuId", json_integer_value(json_object_get(product, "productSkuId")),
                      "applyGoodsNumber", json_integer_value(json_object_get(child, "quantity")),
                      "createAtMillis", (json_int_t)at * 1000 - prng_range(g, 0, 999),
                      "productList", products != NULL ? json_deep_copy(products) : json_array()));
    }
    json_t *item = json_pack("{s:s, s:i, s:o}", "parentAfterSalesSn", sn, "parentAfterSalesStatus",
                             AS_REFUNDED, "afterSalesInfoList", lines);
    if (item == NULL)
        return NULL;
    a->cancels[a->ncancels].mall_id = o->mall_id;
    a->cancels[a->ncancels++].item = item;
    return json_pack("{s:I, s:s, s:s, s:i, s:I, s:i}", "mallId", (json_int_t)o->mall_id,
                     "parentAfterSalesSn", sn, "parentOrderSn", o->sn, "parentAfterSalesStatus",
                     AS_REFUNDED, "updateAt", (json_int_t)at * 1000, "applyOperatorRole",
                     AS_ROLE_BUYER);
}

json_t *aftersales_advance(struct aftersales *a, struct prng *g, int64_t now, int64_t *mall_id)
{
    size_t open = 0;
    for (size_t i = 0; i < a->ncases; i++)
        open += as_group(a->cases[i].status) == 1;
    if (open == 0)
        return NULL;
    int64_t pick = prng_range(g, 0, (int64_t)open - 1);
    struct as_case *c = NULL;
    for (size_t i = 0; i < a->ncases && c == NULL; i++) {
        if (as_group(a->cases[i].status) == 1 && pick-- == 0)
            c = &a->cases[i];
    }
    if (c == NULL)
        return NULL;
    int64_t r = prng_range(g, 0, 99);
    if (c->status == AS_APPLIED)
        c->status = c->type == 2 && r < 60 ? AS_RETURN_APPLIED : r < 85 ? AS_REFUNDED : AS_REJECTED;
    else if (c->status == AS_RETURN_APPLIED)
        c->status = AS_WAYBILL_REVIEW;
    else
        c->status = AS_REFUNDED;
    c->updated = now > c->updated ? now : c->updated + 1;
    as_rebuild(c);
    *mall_id = c->mall_id;
    return as_event(c);
}

int64_t aftersales_refunded(const struct aftersales *a, const char *parent_after_sales_sn)
{
    for (size_t i = 0; i < a->ncases; i++) {
        const struct as_case *c = &a->cases[i];
        if (strcmp(c->sn, parent_after_sales_sn) == 0)
            return c->status == AS_REFUNDED ? c->refund : 0;
    }
    return 0;
}

/* ---- the APIs -------------------------------------------------------------------------- */

bool aftersales_handles(const char *type)
{
    return strcmp(type, "bg.aftersales.parentaftersales.list.get") == 0 ||
           strcmp(type, "temu.aftersales.parentaftersales.detail.get") == 0 ||
           strcmp(type, "bg.aftersales.cancel.list.get") == 0;
}

/* The list's filters (shared by both lists; windows only for the case list). */
struct as_filter {
    int64_t no, size, group, c_lo, c_hi, u_lo, u_hi;
    bool c_on, u_on;
    json_t *orders, *cases;
};

static bool as_filter_read(json_t *p, bool windows, struct as_filter *f, struct world_err *e)
{
    memset(f, 0, sizeof *f);
    if (!world_page(p, "pageNo", SBX_AS_PAGE_MAX, &f->no, &f->size, e, 3000000, "BAD_PARAMS"))
        return false;
    if (windows &&
        (!world_window(p, "createAtStart", "createAtEnd", &f->c_lo, &f->c_hi, &f->c_on, e) ||
         !world_window(p, "updateAtStart", "updateAtEnd", &f->u_lo, &f->u_hi, &f->u_on, e)))
        return false;
    if (world_int(p, "afterSalesStatusGroup", false, &f->group) < 0 ||
        !world_str_list(p, "parentOrderSnList", SBX_SN_LIST_MAX, &f->orders) ||
        !world_str_list(p, "parentAfterSalesSnList", SBX_SN_LIST_MAX, &f->cases)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return false;
    }
    return true;
}

/* Adds item to the page when it is on page f->no; counts it. */
static void as_page_add(const struct as_filter *f, json_t *data, size_t *total, const json_t *item)
{
    if (*total >= (size_t)((f->no - 1) * f->size) && *total < (size_t)(f->no * f->size))
        json_array_append_new(data, json_deep_copy(item));
    (*total)++;
}

static json_t *as_list(struct aftersales *a, int64_t mall, json_t *p, struct world_err *e)
{
    struct as_filter f;
    if (!as_filter_read(p, true, &f, e))
        return NULL;
    json_t *data = json_array();
    size_t total = 0;
    /* Newest first: backwards through creation order, which is stable. */
    for (size_t i = a->ncases; i-- > 0;) {
        const struct as_case *c = &a->cases[i];
        if (c->mall_id != mall || (f.group != 0 && as_group(c->status) != f.group) ||
            (f.orders != NULL && !world_list_has(f.orders, c->order_sn)) ||
            (f.cases != NULL && !world_list_has(f.cases, c->sn)) ||
            (f.c_on && (c->created < f.c_lo || c->created > f.c_hi)) ||
            (f.u_on && (c->updated < f.u_lo || c->updated > f.u_hi)))
            continue;
        as_page_add(&f, data, &total, c->item);
    }
    return json_pack("{s:o, s:I, s:I}", "data", data, "total", (json_int_t)total, "pageNumber",
                     (json_int_t)f.no);
}

static json_t *as_cancel_list(struct aftersales *a, int64_t mall, json_t *p, struct world_err *e)
{
    struct as_filter f;
    if (!as_filter_read(p, false, &f, e))
        return NULL;
    json_t *data = json_array();
    size_t total = 0;
    for (size_t i = a->ncancels; i-- > 0;) {
        const json_t *item = a->cancels[i].item;
        const json_t *first = json_array_get(json_object_get(item, "afterSalesInfoList"), 0);
        const char *sn = json_string_value(json_object_get(item, "parentAfterSalesSn"));
        if (a->cancels[i].mall_id != mall ||
            (f.group != 0 && as_group((int)json_integer_value(
                                 json_object_get(item, "parentAfterSalesStatus"))) != f.group) ||
            (f.orders != NULL && !world_list_has(f.orders, json_string_value(json_object_get(
                                                               first, "parentOrderSn")))) ||
            (f.cases != NULL && !world_list_has(f.cases, sn)))
            continue;
        as_page_add(&f, data, &total, item);
    }
    return json_pack("{s:o, s:I, s:I}", "data", data, "total", (json_int_t)total, "pageNumber",
                     (json_int_t)f.no);
}

/* The refund summary of a case: what the buyer gets back, in MoneyAmount objects. */
static json_t *as_refund_summary(const struct as_case *c)
{
    bool paid = c->status == AS_REFUNDED;
    int64_t total = paid ? c->refund : 0, tax = total * 8 / 108;
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "buyerTotalRefund", world_money(total),
                     "taxTotalRefund", world_money(tax), "retailPriceRefundTaxExcl",
                     world_money(total - tax), "shippingAmountRefundTaxExcl", world_money(0),
                     "discountFromSellerRefund", world_money(0), "discountFromTEMURefund",
                     world_money(0));
}

static json_t *as_detail(struct aftersales *a, int64_t mall, json_t *p, struct world_err *e)
{
    const char *order = json_string_value(json_object_get(p, "parentOrderSn"));
    const char *sn = json_string_value(json_object_get(p, "parentAfterSalesSn"));
    if (order == NULL || sn == NULL || *order == '\0' || *sn == '\0') {
        world_fail(e, 130010001, "parentOrderSn and parentAfterSalesSn are required");
        return NULL;
    }
    const struct as_case *c = NULL;
    for (size_t i = 0; i < a->ncases && c == NULL; i++) {
        if (a->cases[i].mall_id == mall && strcmp(a->cases[i].sn, sn) == 0 &&
            strcmp(a->cases[i].order_sn, order) == 0)
            c = &a->cases[i];
    }
    if (c == NULL) {
        world_fail(e, 130010002, "after-sales record not found");
        return NULL;
    }
    const struct as_reason *r = &as_reasons[c->reason];
    char line[AS_SN_MAX + 4];
    snprintf(line, sizeof line, "%s-1", c->sn);
    return json_pack(
        "{s:s, s:s, s:i, s:i, s:o, s:I, s:I, s:o, s:[{s:s, s:s, s:i, s:I, s:o, s:i, s:s, s:s, "
        "s:{s:I, s:I, s:I, s:[]}}]}",
        "parentAfterSalesSn", c->sn, "parentOrderSn", c->order_sn, "parentAfterSalesStatus",
        c->status, "afterSalesType", c->type, "availableOperateList", as_operations(c->status),
        "createAtMillis", (json_int_t)c->created * 1000, "lastUpdateAtMillis",
        (json_int_t)c->updated * 1000, "refundSummary", as_refund_summary(c), "afterSalesList",
        "afterSalesSn", line, "orderSn", c->child_sn, "afterSalesStatus", c->status,
        "applyAfterSalesGoodsNumber", (json_int_t)c->qty, "applyRefundAmount",
        world_money(c->refund), "afterSalesReasonCode", r->code, "afterSalesReasonDesc", r->desc,
        "buyerComment", r->comment[c->lang], "afterSalesGoodsInfo", "goodsId",
        (json_int_t)c->goods_id, "skuId", (json_int_t)c->sku_id, "productSkuId",
        (json_int_t)c->product_sku_id, "productList");
}

json_t *aftersales_call(struct aftersales *a, const char *type, int64_t mall_id, json_t *params,
                        struct world_err *e)
{
    if (strcmp(type, "bg.aftersales.parentaftersales.list.get") == 0)
        return as_list(a, mall_id, params, e);
    if (strcmp(type, "temu.aftersales.parentaftersales.detail.get") == 0)
        return as_detail(a, mall_id, params, e);
    if (strcmp(type, "bg.aftersales.cancel.list.get") == 0)
        return as_cancel_list(a, mall_id, params, e);
    world_fail(e, 3000003, "type not exists");
    return NULL;
}

size_t aftersales_case_count(const struct aftersales *a)
{
    return a->ncases;
}

const json_t *aftersales_case_at(const struct aftersales *a, size_t i)
{
    return i < a->ncases ? a->cases[i].item : NULL;
}

size_t aftersales_cancel_count(const struct aftersales *a)
{
    return a->ncancels;
}

const json_t *aftersales_cancel_at(const struct aftersales *a, size_t i)
{
    return i < a->ncancels ? a->cancels[i].item : NULL;
}

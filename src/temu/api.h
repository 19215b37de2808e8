/*
 * Typed wrappers over temu_client_call() for the APIs the sync engine uses
 * (temu-open-platform.md §3, §5-§8). Each takes a request struct (zero / NULL fields are
 * left out of the call), validates the documented bounds before sending (ERR_INVAL, terr
 * source local), and returns the parsed `result` plus the key typed fields.
 *
 * Ownership: every result struct owns `result` (a jansson reference); the other json_t
 * pointers in it are borrowed from `result` and die with it. Release with the matching
 * *_clear() (safe on a zeroed struct). On failure the struct is left zeroed and terr says why
 * (see temu/client.h).
 *
 * Pagination names differ per API, as the platform does (§5.1): pageNumber for orders,
 * pageNo for goods and after-sales.
 */
#ifndef AICOS_TEMU_API_H
#define AICOS_TEMU_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "temu/client.h"
#include "temu/errors.h"

/* ---- tokens (§3.2, §3.3) ---- */

struct temu_token_info {
    json_t *result;
    char access_token[LIMIT_TEMU_SECRET_BYTES + 1]; /* only from create; wiped on clear */
    int64_t expired_time;                           /* unix seconds; 0 when absent */
    int64_t mall_id;
    int64_t region_id;
    int64_t mall_type;
    const json_t *api_scope_list; /* array of API type strings, or NULL */
};

/*
 * bg.open.accesstoken.create: exchanges a seller authorization code (single use, 10 minutes)
 * for an access token. The code is sent as both access_token and code (§3.2). Never retried
 * after the request may have arrived, because the code is single-use.
 */
ERR_MUST_USE enum err temu_api_accesstoken_create(struct temu_client *c, const char *code,
                                                  struct temu_token_info *out,
                                                  struct temu_error *terr);

/* bg.open.accesstoken.info.get: validates the client's token; fills all but access_token. */
ERR_MUST_USE enum err temu_api_accesstoken_info(struct temu_client *c, struct temu_token_info *out,
                                                struct temu_error *terr);

/* Wipes out->access_token, releases result and zeroes the struct. */
void temu_token_info_clear(struct temu_token_info *out);

/* ---- pages of items ---- */

struct temu_page {
    json_t *result;
    const json_t *items; /* the page's array (pageItems, goodsList, ...), or NULL */
    size_t count;        /* json_array_size(items) */
    int64_t total;       /* total items over all pages; -1 when the answer has no total */
};

void temu_page_clear(struct temu_page *p);

/* bg.order.list.v2.get (§5.1); items = result.pageItems, total = result.totalItemNum. */
struct temu_order_list_req {
    int64_t page_number;         /* 1-based; 0 = platform default (1) */
    int64_t page_size;           /* 1..LIMIT_TEMU_ORDER_PAGE_MAX; 0 = platform default (10) */
    int64_t parent_order_status; /* 0 all, 1 pending, 2 unshipped, 3 canceled, 4 shipped, ... */
    const char *const *parent_order_sns; /* up to LIMIT_TEMU_SN_LIST */
    size_t parent_order_sn_count;
    int64_t create_after, create_before;    /* unix seconds, both or neither */
    int64_t update_at_start, update_at_end; /* unix seconds, both or neither (incremental) */
    int64_t region_id;
    const char *sortby; /* NULL, "createTime" or "updateTime" */
};
ERR_MUST_USE enum err temu_api_order_list(struct temu_client *c,
                                          const struct temu_order_list_req *req,
                                          struct temu_page *out, struct temu_error *terr);

/* ---- one order ---- */

struct temu_order {
    json_t *result;
    const json_t *parent_order; /* result.parentOrderMap, or NULL */
    const json_t *order_list;   /* result.orderList (array), or NULL */
};

void temu_order_clear(struct temu_order *o);

/* bg.order.detail.v2.get (§5.3). */
ERR_MUST_USE enum err temu_api_order_detail(struct temu_client *c, const char *parent_order_sn,
                                            struct temu_order *out, struct temu_error *terr);

/*
 * bg.order.shippinginfo.v2.get (§5.4): the buyer's address. PII: never log the result.
 * parent_order is NULL; the fields (receiptName, addressLine1, ...) are in result.
 */
ERR_MUST_USE enum err temu_api_order_shippinginfo(struct temu_client *c,
                                                  const char *parent_order_sn,
                                                  struct temu_order *out, struct temu_error *terr);

/*
 * bg.order.amount.query (§5.5), a sensitive API (3000032 until Temu grants it). MoneyAmount
 * objects are {"amount": minor units, "currency": "EUR"}.
 */
ERR_MUST_USE enum err temu_api_order_amount(struct temu_client *c, const char *parent_order_sn,
                                            struct temu_order *out, struct temu_error *terr);

/* ---- products (§6.1); items = result.goodsList, total = result.total ---- */

struct temu_goods_list_req {
    int64_t page_no;           /* required, >= 1 */
    int64_t page_size;         /* required, 1..LIMIT_TEMU_GOODS_PAGE_MAX */
    int64_t goods_search_type; /* required native integer: 1 on/off sale, 4 incomplete, 5 draft,
                                  6 deleted */
    const char *order_field;   /* NULL or goodsId, createTime, goodsName, ... */
    int64_t order_type;        /* 0 desc (default, omitted), 1 asc */
    const char *search_text;
    int64_t crt_from_ms, crt_to_ms;                     /* creation window, milliseconds */
    int64_t status_change_from_ms, status_change_to_ms; /* goodsStatusChangeTimeFrom/To */
};
ERR_MUST_USE enum err temu_api_goods_list(struct temu_client *c,
                                          const struct temu_goods_list_req *req,
                                          struct temu_page *out, struct temu_error *terr);

/*
 * ---- after-sales (§8) ----
 * bg.aftersales.parentaftersales.list.get answers result.data[] with total and pageNumber
 * (the official page); items is the first array among data, parentAfterSalesList, list,
 * pageItems; total is total, totalItemNum or totalCount. Each item carries
 * parentAfterSalesStatus (1 applied, 5 refunded, 6 buyer cancelled, 7 rejected, 8 return
 * waybill review, 10 return applied).
 */
struct temu_aftersales_list_req {
    int64_t page_no;                     /* 0 = default (1) */
    int64_t page_size;                   /* 0 = default (10), max LIMIT_TEMU_AFTERSALES_PAGE_MAX */
    const char *const *parent_order_sns; /* up to LIMIT_TEMU_SN_LIST */
    size_t parent_order_sn_count;
    const char *const *parent_after_sales_sns; /* up to LIMIT_TEMU_SN_LIST */
    size_t parent_after_sales_sn_count;
    int64_t create_at_start, create_at_end; /* seconds */
    int64_t update_at_start, update_at_end; /* seconds */
    int64_t after_sales_status_group;       /* 0 = omitted */
};
ERR_MUST_USE enum err temu_api_aftersales_list(struct temu_client *c,
                                               const struct temu_aftersales_list_req *req,
                                               struct temu_page *out, struct temu_error *terr);

/* One after-sales case in full (temu.aftersales.parentaftersales.detail.get). */
struct temu_aftersales_detail {
    json_t *result;
    int64_t status;               /* parentAfterSalesStatus */
    int64_t type;                 /* afterSalesType: 1 refund only, 2 return and refund */
    int64_t reason_code;          /* afterSalesReasonCode of the first afterSalesList entry */
    const char *reason_desc;      /* afterSalesReasonDesc, or NULL */
    const char *buyer_comment;    /* buyerComment (the buyer's own words and language), or NULL */
    const json_t *refund_summary; /* refundSummary {buyerTotalRefund, ...}, or NULL */
    const json_t *lines;          /* afterSalesList (array), or NULL */
};

void temu_aftersales_detail_clear(struct temu_aftersales_detail *d);

/*
 * temu.aftersales.parentaftersales.detail.get: both numbers are required (130010001 without
 * them). Reason and comment come from the first afterSalesList entry that has them.
 */
ERR_MUST_USE enum err temu_api_aftersales_detail(struct temu_client *c, const char *parent_order_sn,
                                                 const char *parent_after_sales_sn,
                                                 struct temu_aftersales_detail *out,
                                                 struct temu_error *terr);

/*
 * bg.aftersales.cancel.list.get: the buyers' cancellation requests; items = result.data
 * ({parentAfterSalesSn, parentAfterSalesStatus, afterSalesInfoList[]}), total = result.total.
 * Same request as the after-sales list, but this list has no time window (the official page),
 * so the four window fields must be 0.
 */
ERR_MUST_USE enum err temu_api_aftersales_cancel_list(struct temu_client *c,
                                                      const struct temu_aftersales_list_req *req,
                                                      struct temu_page *out,
                                                      struct temu_error *terr);

/*
 * bg.tmc.message.update (§9.1): switches webhook events on (permit) and off (cancel) for the
 * token's shop; at most 20 codes each, at least one in all. Idempotent (a switch set twice
 * is the same switch), so retried like a read; 110020007 means more than one call per second.
 */
ERR_MUST_USE enum err temu_api_tmc_message_update(struct temu_client *c, const char *const *permit,
                                                  size_t permit_count, const char *const *cancel,
                                                  size_t cancel_count, struct temu_error *terr);

/* ---- logistics (§7) ---- */

/*
 * bg.logistics.companies.get: regionId is required (the US test shop answers 7000000 without
 * it). The result is an array of {logisticsServiceProviderId, logisticsServiceProviderName,
 * logisticsBrandName} (S-QT, the sandbox), or an object holding it under items (hiscaler/temu-go),
 * logisticsCompaniesList (vidaniello/temu-api), logisticsServiceProviderList or list.
 */
ERR_MUST_USE enum err temu_api_logistics_companies(struct temu_client *c, int64_t region_id,
                                                   struct temu_page *out, struct temu_error *terr);

/* One carrier of a companies page. */
struct temu_carrier {
    int64_t id;        /* logisticsServiceProviderId = carrierId of the shipment APIs */
    const char *name;  /* logisticsServiceProviderName (borrowed), or "" */
    const char *brand; /* logisticsBrandName (borrowed), or "" */
};

/* The i-th carrier of a companies page; false past the end or when it has no id. */
bool temu_carrier_at(const struct temu_page *p, size_t i, struct temu_carrier *out);

/* ---- shipments: bg.logistics.shipment.v2.get / .confirm ---- */

#define TEMU_SHIPMENTS_MAX 200 /* parcels of one sub-order kept from an answer */

/* One shipmentInfoDTO item (strings borrowed from result; "" when absent). */
struct temu_shipment {
    int64_t carrier_id; /* = logisticsServiceProviderId */
    const char *carrier_name;
    const char *tracking_number;
    int64_t sku_id;
    int64_t quantity;
    const char *package_sn;
    int64_t package_delivery_type;       /* 1 seller, 2 seller via Temu channel, 3-4 warehouse */
    int64_t tracking_warning_label;      /* 0 none, 1 no info, 2 maybe wrong, 3-4 address/pickup */
    const json_t *cooperative_warehouse; /* object, or NULL */
    const json_t *sub_packages;          /* subPackageShipmentInfoList array, or NULL */
};

struct temu_shipments {
    json_t *result;
    struct temu_shipment *items; /* count entries (owned) */
    size_t count;
};

void temu_shipments_clear(struct temu_shipments *s);

/* bg.logistics.shipment.v2.get: the parcels of one sub-order (both numbers required). */
ERR_MUST_USE enum err temu_api_shipment_get(struct temu_client *c, const char *parent_order_sn,
                                            const char *order_sn, struct temu_shipments *out,
                                            struct temu_error *terr);

#define TEMU_SEND_REQUESTS_MAX 20 /* sendRequestList entries */
#define TEMU_SEND_LINES_MAX    50 /* orderSendInfoList entries per parcel */
#define TEMU_TRACKING_MAX      64 /* tracking number bytes */

/* One sub-order (or part) in a parcel; goods_id/sku_id are the order line's ids. */
struct temu_send_line {
    const char *parent_order_sn;
    const char *order_sn;
    int64_t goods_id, sku_id, quantity;
};

/* One parcel: a carrier from bg.logistics.companies.get and its tracking number. */
struct temu_send_request {
    int64_t carrier_id;
    const char *tracking_number;
    const struct temu_send_line *lines;
    size_t line_count;
};

struct temu_shipment_confirm_req {
    int64_t send_type; /* 0 one parcel for the order, 1 split into parcels, 2 orders merged */
    const struct temu_send_request *requests;
    size_t request_count;
};

struct temu_shipment_confirm {
    json_t *result;
    const char *agreement_text; /* assistantAgreementText (borrowed), or "" */
    const json_t *warnings;     /* warningMessage: array of strings, or NULL */
    size_t warning_count;
};

void temu_shipment_confirm_clear(struct temu_shipment_confirm *c);

/*
 * bg.logistics.shipment.v2.confirm: uploads carrier and tracking number; the order becomes
 * shipped. Not idempotent at Temu (a second upload fails), so it is never retried once the
 * request may have arrived: callers that retry must first look at shipment.v2.get.
 */
ERR_MUST_USE enum err temu_api_shipment_confirm(struct temu_client *c,
                                                const struct temu_shipment_confirm_req *req,
                                                struct temu_shipment_confirm *out,
                                                struct temu_error *terr);

/* ---- tracking: temu.track.trackinginfo.get ---- */

#define TEMU_TRACK_EVENTS_MAX 200

struct temu_track_event {
    const char *status; /* logisticsStatus (borrowed) */
    int64_t updated_at; /* logisticsUpdatedAt, unix seconds (sent as a string) */
    const char *text;   /* statusText (borrowed) */
};

struct temu_tracking {
    json_t *result;
    const char *package_sn;
    const char *tracking_num;        /* the last-mile number when the parcel has several legs */
    struct temu_track_event *events; /* count entries (owned), in the answer's order */
    size_t count;
};

void temu_tracking_clear(struct temu_tracking *t);

/*
 * The scans of one parcel by packageSn; language NULL for the default (English). Errors
 * 170070010 invalid params, 170070011 not found, 170070012 unsupported language.
 */
ERR_MUST_USE enum err temu_api_tracking_get(struct temu_client *c, const char *package_sn,
                                            const char *language, struct temu_tracking *out,
                                            struct temu_error *terr);

/* ---- money ---- */

/*
 * temu.order.amount.v2.query (estimated settlement): parent_order is result.parentOrderMap
 * {parentOrderSn, salesProceeds{...}, customerPaid{...}}, order_list result.orderList.
 */
ERR_MUST_USE enum err temu_api_order_amount_v2(struct temu_client *c, const char *parent_order_sn,
                                               struct temu_order *out, struct temu_error *terr);

/*
 * Reads the MoneyAmount obj.key = {amount (minor units, number or digit string), currency}.
 * currency gets up to 7 letters ("" when absent). false when the member is absent or malformed.
 */
bool temu_money_get(const json_t *obj, const char *key, int64_t *minor, char currency[8]);

#endif

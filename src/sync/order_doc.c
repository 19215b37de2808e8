/*
 * The stored order document (see sync.h): the content of an order packed as "z1:" + base64
 * of raw deflate with a preset dictionary. An order list item is mostly its field names and a
 * few repeated values, so a dictionary of one item's shape (the documented fields of
 * bg.order.list.v2.get, temu-open-platform.md §5.2, with neutral values) lets even a single
 * order compress to about an eighth. The dictionary is part of the stored format: "z1" rows
 * are only readable with exactly these bytes; a new dictionary needs a new prefix.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sync/sync.h"

#define DOC_PREFIX      "z1:"
#define DOC_PREFIX_LEN  3
#define DOC_LEVEL       6
#define DOC_WINDOW_BITS 12 /* raw deflate, 4 KiB window: a whole order of a few children */
#define DOC_MEM_LEVEL   6  /* small state (about 48 KiB), so no mmap per order */
#define DOC_B64         sodium_base64_VARIANT_ORIGINAL_NO_PADDING

static const char doc_dict[] =
    "{\"orderList\":[{\"canceledQuantityBeforeShipment\":0,\"earliestTimeBuyShippingLabel\":"
    "null,\"earliestTimeGetShippingDocument\":null,\"fulfillmentType\":\"fulfillBySeller\","
    "\"fulfillmentWarning\":[],\"goodsId\":600000000000000,\"goodsName\":\"\","
    "\"inventoryDeductionWarehouseId\":null,\"inventoryDeductionWarehouseName\":null,"
    "\"isCancelledDuringPending\":false,\"orderLabel\":[{\"name\":\"customized_products\","
    "\"value\":0},{\"name\":\"US_to_CA\",\"value\":0}],\"orderPaymentType\":\"PPD\","
    "\"orderSn\":\"211-\",\"orderStatus\":1,\"originalGoodsName\":\"\","
    "\"originalOrderQuantity\":1,\"originalSpecName\":\"\",\"productList\":[{\"extCode\":\"\","
    "\"productId\":0,\"productSkuId\":0,\"soldFactor\":1}],\"quantity\":1,\"skuId\":"
    "600000000000000,\"spec\":\"\",\"thumbUrl\":\"https://\"}],\"parentOrderMap\":{"
    "\"batchOrderNumberList\":null,\"expectShipLatestTime\":1700000000,\"fulfillmentWarning\":"
    "[],\"hasShippingFee\":false,\"latestDeliveryTime\":1700000000,\"orderPaymentType\":"
    "\"PPD\",\"parentOrderLabel\":[{\"name\":\"soon_to_be_overdue\",\"value\":0},{\"name\":"
    "\"past_due\",\"value\":0},{\"name\":\"pending_buyer_cancellation\",\"value\":0},"
    "{\"name\":\"pending_buyer_address_change\",\"value\":0},{\"name\":"
    "\"pending_risk_control_alert\",\"value\":0}],\"parentOrderPendingFinishTime\":1700000000,"
    "\"parentOrderSn\":\"PO-211-\",\"parentOrderStatus\":1,\"parentOrderTime\":1700000000,"
    "\"parentShippingTime\":null,\"regionId\":211,\"shippingMethod\":1,\"siteId\":100,"
    "\"updateTime\":1700000000}}";

const char *sync_order_doc_dict(size_t *len)
{
    *len = sizeof doc_dict - 1;
    return doc_dict;
}

char *sync_order_doc_pack(const char *json, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (len > SYNC_ORDER_DOC_MAX || deflateInit2(&z, DOC_LEVEL, Z_DEFLATED, -DOC_WINDOW_BITS,
                                                 DOC_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *bin = malloc(cap);
    char *out = NULL;
    if (bin != NULL &&
        deflateSetDictionary(&z, (const Bytef *)doc_dict, (uInt)(sizeof doc_dict - 1)) == Z_OK) {
        z.next_in = (Bytef *)(uintptr_t)json;
        z.avail_in = (uInt)len;
        z.next_out = bin;
        z.avail_out = (uInt)cap;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
            size_t b64 = sodium_base64_encoded_len(z.total_out, DOC_B64);
            out = malloc(DOC_PREFIX_LEN + b64);
            if (out != NULL) {
                memcpy(out, DOC_PREFIX, DOC_PREFIX_LEN);
                sodium_bin2base64(out + DOC_PREFIX_LEN, b64, bin, z.total_out, DOC_B64);
            }
        }
    }
    deflateEnd(&z);
    free(bin);
    return out;
}

/* Inflates the n bytes at bin into a new NUL-terminated text; NULL when invalid or too big. */
static char *doc_inflate(const unsigned char *bin, size_t n, size_t *len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return NULL;
    size_t cap = n * 8 + 256;
    char *out = malloc(cap);
    int rc = inflateSetDictionary(&z, (const Bytef *)doc_dict, (uInt)(sizeof doc_dict - 1));
    z.next_in = (Bytef *)(uintptr_t)bin;
    z.avail_in = (uInt)n;
    while (out != NULL && rc == Z_OK) {
        z.next_out = (Bytef *)out + z.total_out;
        z.avail_out = (uInt)(cap - 1 - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if ((rc == Z_OK || rc == Z_BUF_ERROR) && z.avail_out == 0) {
            char *grown = cap * 2 <= SYNC_ORDER_DOC_MAX + 1 ? realloc(out, cap * 2) : NULL;
            if (grown == NULL)
                free(out);
            out = grown;
            cap *= 2;
            rc = Z_OK;
        }
    }
    if (out != NULL && (rc != Z_STREAM_END || z.avail_in != 0)) {
        free(out);
        out = NULL;
    }
    if (out != NULL) {
        out[z.total_out] = '\0';
        *len = z.total_out;
    }
    inflateEnd(&z);
    return out;
}

char *sync_order_doc_text(const char *stored, size_t *len)
{
    size_t n = 0, bin_len = 0;
    if (stored == NULL)
        return NULL;
    if (strncmp(stored, DOC_PREFIX, DOC_PREFIX_LEN) != 0) {
        n = strlen(stored);
        char *copy = malloc(n + 1);
        if (copy != NULL) {
            memcpy(copy, stored, n + 1);
            *len = n;
        }
        return copy;
    }
    stored += DOC_PREFIX_LEN;
    n = strlen(stored);
    unsigned char *bin = malloc(n / 4 * 3 + 3);
    char *out = NULL;
    if (bin != NULL &&
        sodium_base642bin(bin, n / 4 * 3 + 3, stored, n, NULL, &bin_len, NULL, DOC_B64) == 0)
        out = doc_inflate(bin, bin_len, len);
    free(bin);
    return out;
}

json_t *sync_order_doc_load(const char *stored)
{
    size_t len = 0;
    char *text = sync_order_doc_text(stored, &len);
    json_t *doc = text != NULL ? json_loadb(text, len, 0, NULL) : NULL;
    free(text);
    return doc;
}

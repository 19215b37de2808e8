/* world ground truth: counts and content hashes for /_sandbox/truth. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

static void world_hash_json(EVP_MD_CTX *ctx, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    if (text != NULL) {
        EVP_DigestUpdate(ctx, text, strlen(text));
        EVP_DigestUpdate(ctx, "\n", 1);
    }
    free(text);
}

static json_t *world_hash_done(EVP_MD_CTX *ctx)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    EVP_DigestFinal_ex(ctx, md, &len);
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[2 * len] = '\0';
    return json_string(hex);
}

/*
 * How healthy the generated shop looks at the epoch: orders still unshipped past their ship-by
 * time, and parcels by fate (lock held).
 */
static json_t *world_truth_health(const struct world *w)
{
    int64_t late = 0, parcels = 0, fates[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < w->norders; i++) {
        const struct world_order *o = &w->orders[i];
        if ((o->status == ST_UNSHIPPED || o->status == ST_PART_SHIPPED) &&
            o->created + WORLD_SHIP_BY < w->opts.epoch)
            late++;
        size_t k;
        json_t *pk;
        json_array_foreach(o->packages, k, pk)
        {
            int64_t f = json_integer_value(json_object_get(pk, "_fate"));
            parcels++;
            fates[f >= 0 && f < 4 ? f : 0]++;
        }
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "lateUnshipped", (json_int_t)late, "parcels",
                     (json_int_t)parcels, "delivering", (json_int_t)fates[FATE_DELIVERED],
                     "stalled", (json_int_t)fates[FATE_STALLED], "lost",
                     (json_int_t)fates[FATE_LOST], "noTrackingInfo",
                     (json_int_t)fates[FATE_NO_INFO]);
}

json_t *world_truth(struct world *w, bool with_orders)
{
    EVP_MD_CTX *ho = EVP_MD_CTX_new(), *hp = EVP_MD_CTX_new(), *ha = EVP_MD_CTX_new();
    EVP_MD_CTX *hc = EVP_MD_CTX_new();
    json_t *out = NULL;
    if (ho == NULL || hp == NULL || ha == NULL || hc == NULL)
        goto out;
    EVP_DigestInit_ex(hc, EVP_sha256(), NULL);
    EVP_DigestInit_ex(ho, EVP_sha256(), NULL);
    EVP_DigestInit_ex(hp, EVP_sha256(), NULL);
    EVP_DigestInit_ex(ha, EVP_sha256(), NULL);
    pthread_mutex_lock(&w->lock);
    json_t *by_status = json_object(), *shops = json_array(), *list = json_array();
    size_t children = 0;
    for (size_t i = 0; i < w->nshops; i++)
        json_array_append_new(shops,
                              json_pack("{s:I, s:i}", "mallId", (json_int_t)w->shops[i].mall_id,
                                        "regionId", w->shops[i].region_id));
    for (size_t i = 0; i < w->norders; i++) {
        const struct world_order *o = &w->orders[i];
        char key[16];
        snprintf(key, sizeof key, "%d", o->status);
        json_object_set_new(by_status, key,
                            json_integer(json_integer_value(json_object_get(by_status, key)) + 1));
        children += json_array_size(o->list);
        world_hash_json(ho, o->map);
        world_hash_json(ho, o->list);
        world_hash_json(ho, o->address);
        world_hash_json(ho, o->amount);
        if (with_orders)
            json_array_append_new(list, json_pack("{s:I, s:s, s:i, s:I}", "mallId",
                                                  (json_int_t)o->mall_id, "parentOrderSn", o->sn,
                                                  "parentOrderStatus", o->status, "updateTime",
                                                  (json_int_t)o->updated));
    }
    for (size_t i = 0; i < w->nproducts; i++)
        world_hash_json(hp, w->products[i].obj);
    for (size_t i = 0; i < aftersales_case_count(w->as); i++)
        world_hash_json(ha, (json_t *)aftersales_case_at(w->as, i));
    for (size_t i = 0; i < aftersales_cancel_count(w->as); i++)
        world_hash_json(hc, (json_t *)aftersales_cancel_at(w->as, i));
    out = json_pack(
        "{s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:o}, s:{s:o, s:o, s:o, s:o}, s:i, s:I}", "seed",
        (json_int_t)w->opts.seed, "shops", shops, "counts", "orders", (json_int_t)w->norders,
        "subOrders", (json_int_t)children, "products", (json_int_t)w->nproducts, "afterSales",
        (json_int_t)aftersales_case_count(w->as), "cancellations",
        (json_int_t)aftersales_cancel_count(w->as), "ordersByStatus", by_status, "hashes", "orders",
        world_hash_done(ho), "products", world_hash_done(hp), "afterSales", world_hash_done(ha),
        "cancellations", world_hash_done(hc), "activityRate", w->thread_running ? w->rate : 0,
        "epoch", (json_int_t)w->opts.epoch);
    if (out != NULL)
        json_object_set_new(out, "health", world_truth_health(w));
    if (with_orders && out != NULL)
        json_object_set(out, "orders", list);
    json_decref(list);
    pthread_mutex_unlock(&w->lock);
out:
    EVP_MD_CTX_free(ho);
    EVP_MD_CTX_free(hp);
    EVP_MD_CTX_free(ha);
    EVP_MD_CTX_free(hc);
    return out;
}

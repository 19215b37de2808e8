/* world request parameters: typed readers with the platform's coercions and error codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"
#include "world_param.h"

json_t *world_money(int64_t minor)
{
    return json_pack("{s:I, s:s}", "amount", (json_int_t)minor, "currency", "USD");
}

void world_fail(struct world_err *e, long code, const char *msg)
{
    e->code = code;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
}

/*
 * Reads an integer param. Jackson-style servers coerce numeric strings, so "5" is accepted
 * unless strict is set (goodsSearchType must be a native integer, §11.2). Returns 0 absent,
 * 1 present, -1 invalid.
 */
int world_int(json_t *params, const char *key, bool strict, int64_t *out)
{
    json_t *v = json_object_get(params, key);
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (!strict && json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (*s != '\0' && end != NULL && *end == '\0' && errno == 0) {
            *out = x;
            return 1;
        }
    }
    return -1;
}

/* Reads a page number and size with their documented names and bounds. */
bool world_page(json_t *params, const char *no_name, int64_t max, int64_t *no, int64_t *size,
                struct world_err *e, long bad_code, const char *bad_msg)
{
    *no = 1;
    *size = 10;
    if (world_int(params, no_name, false, no) < 0 ||
        world_int(params, "pageSize", false, size) < 0 || *no < 1 || *no > 1000000 || *size < 1 ||
        *size > max) {
        world_fail(e, bad_code, bad_msg);
        return false;
    }
    return true;
}

/* Reads a closed window sent as a pair; both or neither. */
bool world_window(json_t *params, const char *from, const char *to, int64_t *lo, int64_t *hi,
                  bool *on, struct world_err *e)
{
    int a = world_int(params, from, false, lo), b = world_int(params, to, false, hi);
    *on = a == 1 && b == 1;
    if (a < 0 || b < 0 || a != b || (*on && *lo > *hi)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return false;
    }
    return true;
}

/* A string list param (≤ max entries); absent gives NULL. false when malformed. */
bool world_str_list(json_t *params, const char *key, size_t max, json_t **out)
{
    json_t *v = json_object_get(params, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_array(v) || json_array_size(v) > max)
        return false;
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s) if (!json_is_string(s)) return false;
    *out = v;
    return true;
}

bool world_list_has(json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
    return false;
}

struct world_order *world_find_order(struct world *w, int64_t mall, const char *sn)
{
    for (size_t i = 0; i < w->norders; i++)
        if (w->orders[i].mall_id == mall && strcmp(w->orders[i].sn, sn) == 0)
            return &w->orders[i];
    return NULL;
}

/* The singular parentOrderSn of detail/shippinginfo/amount/shipment (a list is an error). */
struct world_order *world_order_param(struct world *w, int64_t mall, json_t *params,
                                      struct world_err *e, long bad_code)
{
    json_t *v = json_object_get(params, "parentOrderSn");
    if (!json_is_string(v) || json_string_length(v) == 0) {
        world_fail(e, bad_code, bad_code == 3000000 ? "BAD_PARAMS" : "invalid param");
        return NULL;
    }
    struct world_order *o = world_find_order(w, mall, json_string_value(v));
    if (o == NULL)
        world_fail(e, 140020002, "order not found");
    return o;
}

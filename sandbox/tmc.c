#include "tmc.h"

#include <stdlib.h>
#include <string.h>

#include "sbx_limits.h"
#include "world_param.h"

#define TMC_CODES_MAX 20 /* per list, the platform's rule */

static const char *const tmc_events[] = {
    "bg_open_event_test", "bg_order_status_change_event", "bg_trade_logistics_address_changed",
    "bg_aftersales_status_change", "bg_cancel_order_status_change"};
#define TMC_EVENTS (sizeof tmc_events / sizeof tmc_events[0])

struct tmc_shop {
    int64_t mall_id;
    unsigned off;      /* bit i: tmc_events[i] switched off */
    int64_t last_call; /* unix seconds of the last accepted call */
};

struct tmc {
    struct tmc_shop shops[SBX_SHOPS_MAX];
    size_t n;
};

struct tmc *tmc_new(void)
{
    return calloc(1, sizeof(struct tmc));
}

void tmc_free(struct tmc *t)
{
    free(t);
}

static int tmc_event_index(const char *code)
{
    for (size_t i = 0; i < TMC_EVENTS; i++) {
        if (strcmp(tmc_events[i], code) == 0)
            return (int)i;
    }
    return -1;
}

static struct tmc_shop *tmc_shop(struct tmc *t, int64_t mall_id, bool add)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->shops[i].mall_id == mall_id)
            return &t->shops[i];
    }
    if (!add || t->n >= SBX_SHOPS_MAX)
        return NULL;
    struct tmc_shop *s = &t->shops[t->n++];
    memset(s, 0, sizeof *s);
    s->mall_id = mall_id;
    s->last_call = -1;
    return s;
}

/* The bit set of a code list; false (e filled) for a malformed list or an unknown code. */
static bool tmc_bits(json_t *params, const char *key, unsigned *bits, struct world_err *e)
{
    json_t *list = NULL;
    *bits = 0;
    if (!world_str_list(params, key, TMC_CODES_MAX, &list)) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        int k = tmc_event_index(json_string_value(v));
        if (k < 0) {
            world_fail(e, 110020009, "The app is not subscribed to this event.");
            return false;
        }
        *bits |= 1u << k;
    }
    return true;
}

json_t *tmc_update(struct tmc *t, int64_t mall_id, json_t *params, int64_t now, struct world_err *e)
{
    unsigned on = 0, off = 0;
    if (!tmc_bits(params, "permitEventCodeList", &on, e) ||
        !tmc_bits(params, "cancelEventCodeList", &off, e))
        return NULL;
    if ((on | off) == 0) {
        world_fail(e, 3000000, "BAD_PARAMS");
        return NULL;
    }
    struct tmc_shop *s = tmc_shop(t, mall_id, true);
    if (s == NULL) {
        world_fail(e, 4000000, "SYSTEM_EXCEPTION");
        return NULL;
    }
    if (s->last_call == now) {
        world_fail(e, 110020007, "Too many message update requests, one per second.");
        return NULL;
    }
    s->last_call = now;
    s->off = (s->off & ~on) | off;
    return json_pack("{s:b}", "success", 1);
}

bool tmc_permits(const struct tmc *t, int64_t mall_id, const char *event_code)
{
    int k = tmc_event_index(event_code);
    for (size_t i = 0; i < t->n; i++) {
        if (t->shops[i].mall_id == mall_id)
            return k < 0 || (t->shops[i].off & (1u << k)) == 0;
    }
    return true;
}

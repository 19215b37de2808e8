/*
 * Mapping profiles (tracking-and-settlement.md §3.5): which header names fill which
 * canonical field, the source, what the file holds (kind), the default currency, the UTC
 * offset of its times and how its amounts are written. Saved in settlement_profiles and
 * reused; three are built in (temu_settle_export, temu_withdrawal, order_amounts).
 */
#ifndef AICOS_SETTLEMENT_PROFILE_H
#define AICOS_SETTLEMENT_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "base/money.h"
#include "settlement/line.h"
#include "store/db.h"

enum settle_field {
    SF_POSTED_AT = 0,
    SF_ORDER_REF,
    SF_TYPE_RAW,
    SF_GROSS,
    SF_FEE,
    SF_NET,
    SF_CURRENCY,
    SF_COUNTERPARTY,
    SF_REFERENCE,
    SF_LINE_ID,
    SF_BALANCE_AFTER,
    SF_STATUS,
    SF_PICKUP_AT,
    SF_DELIVERED_AT,
    SF_AFTER_SALES,
    SF__COUNT
};

#define SETTLE_PROFILE_NAME_MAX 64

struct settle_profile {
    char name[SETTLE_PROFILE_NAME_MAX];
    char source[24];
    char kind[16]; /* lines, withdrawals, credits, expected */
    char currency[MONEY_CODE_LEN + 1];
    int32_t utc_offset_s;
    enum money_style style;
    char map[SF__COUNT][SETTLE_TEXT_MAX]; /* header name per field, "" = not mapped */
};

/* The canonical name of a field ("posted_at", "net", ...). */
const char *settle_field_name(enum settle_field f);

/* The field called name, or -1. */
int settle_field_of_name(const char *name);

/* The built-in profiles, in detection order; *n gets their count. */
const struct settle_profile *settle_profiles_builtin(size_t *n);

/*
 * Checks p (name [a-z0-9_-]{1,63}, source, kind, currency, offset within ±14 h, the fields
 * the kind needs: lines and credits need posted_at and one of net/gross; withdrawals
 * posted_at and net; expected order_ref and net). ERR_INVAL naming what is wrong.
 */
ERR_MUST_USE enum err settle_profile_check(const struct settle_profile *p, struct errbuf *eb);

/* Saves p (checked); ERR_CONFLICT when the name is taken (built-in names included). */
ERR_MUST_USE enum err settle_profile_save(struct db *db, const struct settle_profile *p,
                                          const char *actor, int64_t now, struct errbuf *eb);

/* Loads the profile called name (built-in or saved); ERR_NOTFOUND (unknown_profile). */
ERR_MUST_USE enum err settle_profile_load(struct db *db, const char *name,
                                          struct settle_profile *out, struct errbuf *eb);

/* Every profile as [{name, source, kind, currency, utc_offset_s, style, builtin, mapping{}}]. */
ERR_MUST_USE enum err settle_profile_list(struct db *db, json_t **out, struct errbuf *eb);

/* Parses "en", "de", "plain". */
bool settle_style_parse(const char *s, enum money_style *out);

#endif

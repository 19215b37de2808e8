/*
 * Mapping profiles (profile.h): the built-in ones, checks, and the settlement_profiles table.
 */
#include "settlement/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const settle_field_names[SF__COUNT] = {
    "posted_at",     "order_ref", "type_raw",     "gross",        "fee",
    "net",           "currency",  "counterparty", "reference",    "line_id",
    "balance_after", "status",    "pickup_at",    "delivered_at", "after_sales_open",
};

const char *settle_field_name(enum settle_field f)
{
    return (unsigned)f < SF__COUNT ? settle_field_names[f] : "";
}

int settle_field_of_name(const char *name)
{
    for (int i = 0; i < SF__COUNT; i++) {
        if (strcmp(name, settle_field_names[i]) == 0)
            return i;
    }
    return -1;
}

/* §3.2 (our column names: the real layout was not found), §3.3, and the order amounts. */
static const struct settle_profile settle_builtin[] = {
    {.name = "temu_settle_export",
     .source = "temu_settle_export",
     .kind = "lines",
     .currency = "USD",
     .utc_offset_s = SETTLE_BEIJING_UTC,
     .style = MONEY_STYLE_EN,
     .map = {[SF_POSTED_AT] = "结算时间",
             [SF_ORDER_REF] = "订单编号",
             [SF_TYPE_RAW] = "交易类型",
             [SF_NET] = "结算金额",
             [SF_CURRENCY] = "币种"}},
    {.name = "temu_withdrawal",
     .source = "temu_withdrawal",
     .kind = "withdrawals",
     .currency = "CNY",
     .utc_offset_s = SETTLE_BEIJING_UTC,
     .style = MONEY_STYLE_EN,
     .map = {[SF_TYPE_RAW] = "fund_account",
             [SF_POSTED_AT] = "created_at",
             [SF_NET] = "amount",
             [SF_CURRENCY] = "currency",
             [SF_STATUS] = "status",
             [SF_COUNTERPARTY] = "beneficiary"}},
    {.name = "order_amounts",
     .source = "other",
     .kind = "expected",
     .currency = "USD",
     .utc_offset_s = 0,
     .style = MONEY_STYLE_PLAIN,
     .map = {[SF_ORDER_REF] = "order_sn",
             [SF_NET] = "expected_amount",
             [SF_CURRENCY] = "currency",
             [SF_POSTED_AT] = "ordered_at",
             [SF_PICKUP_AT] = "pickup_at",
             [SF_DELIVERED_AT] = "delivered_at",
             [SF_AFTER_SALES] = "after_sales_open"}},
};

const struct settle_profile *settle_profiles_builtin(size_t *n)
{
    *n = sizeof settle_builtin / sizeof settle_builtin[0];
    return settle_builtin;
}

static bool settle_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SETTLE_PROFILE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

enum err settle_profile_check(const struct settle_profile *p, struct errbuf *eb)
{
    if (!settle_name_ok(p->name))
        return err_set(eb, ERR_INVAL, "bad_profile_name",
                       "profile name must be 1-63 characters a-z, 0-9, '_' or '-'");
    if (!settle_source_valid(p->source))
        return err_set(eb, ERR_INVAL, "bad_source",
                       "source \"%s\" is not one of temu_fund_detail, temu_settle_export, "
                       "temu_withdrawal, payoneer, pingpong, lianlian, worldfirst, airwallex, "
                       "bank, other",
                       p->source);
    bool lines = strcmp(p->kind, "lines") == 0, credits = strcmp(p->kind, "credits") == 0;
    bool wd = strcmp(p->kind, "withdrawals") == 0, exp = strcmp(p->kind, "expected") == 0;
    if (!lines && !credits && !wd && !exp)
        return err_set(eb, ERR_INVAL, "bad_kind",
                       "kind must be lines, credits, withdrawals or expected");
    if (money_currency_exponent(p->currency) < 0)
        return err_set(eb, ERR_INVAL, "bad_currency", "currency \"%s\" is not an ISO 4217 code",
                       p->currency);
    if (p->utc_offset_s < -14 * 3600 || p->utc_offset_s > 14 * 3600)
        return err_set(eb, ERR_INVAL, "bad_offset", "the UTC offset must be within 14 hours");
    bool amount = p->map[SF_NET][0] != '\0' || (!exp && !wd && p->map[SF_GROSS][0] != '\0');
    if (!amount)
        return err_set(eb, ERR_INVAL, "profile_maps_no_amount",
                       "the profile maps no amount: map net (or gross)");
    if (exp ? p->map[SF_ORDER_REF][0] == '\0' : p->map[SF_POSTED_AT][0] == '\0')
        return err_set(eb, ERR_INVAL, "profile_incomplete", "the profile must map %s",
                       exp ? "order_ref" : "posted_at");
    return ERR_OK;
}

static const char *settle_style_name(enum money_style s)
{
    return s == MONEY_STYLE_EN ? "en" : s == MONEY_STYLE_DE ? "de" : "plain";
}

bool settle_style_parse(const char *s, enum money_style *out)
{
    if (strcmp(s, "en") == 0)
        *out = MONEY_STYLE_EN;
    else if (strcmp(s, "de") == 0)
        *out = MONEY_STYLE_DE;
    else if (strcmp(s, "plain") == 0)
        *out = MONEY_STYLE_PLAIN;
    else
        return false;
    return true;
}

static json_t *settle_mapping_json(const struct settle_profile *p)
{
    json_t *m = json_object();
    for (int f = 0; m != NULL && f < SF__COUNT; f++) {
        if (p->map[f][0] != '\0')
            json_object_set_new(m, settle_field_names[f], json_string(p->map[f]));
    }
    return m;
}

enum err settle_profile_save(struct db *db, const struct settle_profile *p, const char *actor,
                             int64_t now, struct errbuf *eb)
{
    enum err e = settle_profile_check(p, eb);
    size_t nb;
    const struct settle_profile *b = settle_profiles_builtin(&nb);
    for (size_t i = 0; e == ERR_OK && i < nb; i++) {
        if (strcmp(b[i].name, p->name) == 0)
            return err_set(eb, ERR_CONFLICT, "profile_exists", "\"%s\" is a built-in profile",
                           p->name);
    }
    if (e != ERR_OK)
        return e;
    json_t *m = settle_mapping_json(p);
    char *text = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(m);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param ps[] = {DB_P_TEXT(p->name),
                            DB_P_TEXT(p->source),
                            DB_P_TEXT(p->kind),
                            DB_P_TEXT(text),
                            DB_P_TEXT(p->currency),
                            DB_P_INT(p->utc_offset_s),
                            DB_P_TEXT(settle_style_name(p->style)),
                            DB_P_INT(now),
                            DB_P_TEXT(actor)};
    e = db_pool_exec(
        db,
        "INSERT INTO settlement_profiles (name, source, kind, mapping, currency, "
        "utc_offset_s, style, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        ps, 9, NULL, eb);
    free(text);
    if (e == ERR_CONFLICT)
        return err_set(eb, ERR_CONFLICT, "profile_exists", "a profile called \"%s\" exists",
                       p->name);
    return e;
}

/* Fills out from one settlement_profiles row (name, source, kind, mapping, currency, ...). */
ERR_MUST_USE static enum err settle_profile_from_row(const struct db_rows *r,
                                                     struct settle_profile *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    settle_copy(out->name, sizeof out->name, db_rows_get(r, 0, 0));
    settle_copy(out->source, sizeof out->source, db_rows_get(r, 0, 1));
    settle_copy(out->kind, sizeof out->kind, db_rows_get(r, 0, 2));
    settle_copy(out->currency, sizeof out->currency, db_rows_get(r, 0, 4));
    out->utc_offset_s = (int32_t)db_rows_int_or(r, 0, 5, 0);
    if (!settle_style_parse(db_rows_get(r, 0, 6), &out->style))
        out->style = MONEY_STYLE_PLAIN;
    json_t *m = json_loads(db_rows_get(r, 0, 3), 0, NULL);
    if (!json_is_object(m)) {
        json_decref(m);
        return err_set(eb, ERR_INTERNAL, NULL, "profile %s has a broken mapping", out->name);
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v)
    {
        int f = settle_field_of_name(k);
        if (f >= 0 && json_is_string(v))
            settle_copy(out->map[f], sizeof out->map[f], json_string_value(v));
    }
    json_decref(m);
    return ERR_OK;
}

enum err settle_profile_load(struct db *db, const char *name, struct settle_profile *out,
                             struct errbuf *eb)
{
    size_t nb;
    const struct settle_profile *b = settle_profiles_builtin(&nb);
    for (size_t i = 0; i < nb; i++) {
        if (strcmp(b[i].name, name) == 0) {
            *out = b[i];
            return ERR_OK;
        }
    }
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(name)};
    enum err e = db_pool_query(db,
                               "SELECT name, source, kind, mapping, currency, utc_offset_s, style "
                               "FROM settlement_profiles WHERE name = $1",
                               p, 1, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0)
        e = err_set(eb, ERR_NOTFOUND, "unknown_profile",
                    "no mapping profile called \"%s\"; see aicos settlement profile list", name);
    if (e == ERR_OK)
        e = settle_profile_from_row(r, out, eb);
    db_rows_free(r);
    return e;
}

static json_t *settle_profile_json(const struct settle_profile *p, bool builtin)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:o}", "name", p->name, "source",
                     p->source, "kind", p->kind, "currency", p->currency, "utc_offset_s",
                     (json_int_t)p->utc_offset_s, "style", settle_style_name(p->style), "builtin",
                     builtin, "mapping", settle_mapping_json(p));
}

enum err settle_profile_list(struct db *db, json_t **out, struct errbuf *eb)
{
    json_t *list = json_array();
    size_t nb;
    const struct settle_profile *b = settle_profiles_builtin(&nb);
    for (size_t i = 0; list != NULL && i < nb; i++)
        json_array_append_new(list, settle_profile_json(&b[i], true));
    struct db_rows *r = NULL;
    enum err e =
        db_pool_query(db, "SELECT name FROM settlement_profiles ORDER BY name", NULL, 0, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        struct settle_profile p;
        e = settle_profile_load(db, db_rows_get(r, i, 0), &p, eb);
        if (e == ERR_OK)
            json_array_append_new(list, settle_profile_json(&p, false));
    }
    db_rows_free(r);
    if (e == ERR_OK && list == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e != ERR_OK) {
        json_decref(list);
        return e;
    }
    *out = list;
    return ERR_OK;
}

/*
 * The daily brief: a short paragraph in Chinese and English made from numbers only (orders in,
 * shipped, late, money at risk, settlement, the top three items), so the same database and the
 * same now give the same words. The money settled and missing is the last reconciliation
 * run's (settlement/totals.h) per currency; before any run the brief says so instead of
 * inventing a number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/internal.h"
#include "base/buf.h"
#include "settlement/totals.h"

struct brief_numbers {
    int64_t orders_in, shipped, late, open_items;
    struct money at_risk;
    struct settle_total settle[SETTLE_TOTALS_MAX];
    size_t nsettle;
    int64_t settled_at; /* the reconciliation run's time; 0: none yet */
};

ERR_MUST_USE static enum err brief_count(struct db_conn *c, const char *sql, int64_t now,
                                         int64_t *out, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(now - 86400), DB_P_INT(now)};
    struct db_rows *r = NULL;
    enum err e = db_query(c, sql, p, 2, &r, eb);
    *out = e == ERR_OK ? db_rows_int_or(r, 0, 0, 0) : 0;
    db_rows_free(r);
    return e;
}

ERR_MUST_USE static enum err brief_numbers(struct db *db, struct brief_numbers *n, int64_t now,
                                           struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = brief_count(c,
                             "SELECT COUNT(*) FROM temu_orders WHERE order_time > $1 AND "
                             "order_time <= $2",
                             now, &n->orders_in, eb);
    e = e ? e
          : brief_count(c,
                        "SELECT COUNT(DISTINCT parent_order_sn) FROM temu_order_status_history "
                        "WHERE status IN (4, 41) AND update_time > $1 AND update_time <= $2",
                        now, &n->shipped, eb);
    e = e ? e
          : brief_count(c,
                        "SELECT COUNT(*) FROM action_items WHERE kind IN ('ship_by_breached', "
                        "'delivery_late') AND state IN ('open', 'snoozed') AND $1 = $1 AND "
                        "$2 = $2",
                        now, &n->late, eb);
    db_release(c);
    if (e == ERR_OK) {
        e = settle_totals(db, n->settle, SETTLE_TOTALS_MAX, &n->nsettle, &n->settled_at, eb);
        if (e == ERR_NOTFOUND) { /* not reconciled yet: said in words */
            n->nsettle = 0;
            n->settled_at = 0;
            e = ERR_OK;
        }
    }
    return e;
}

static void brief_amount(const char *cur, int64_t minor, char *out, size_t len)
{
    struct money m = {.minor = minor};
    snprintf(m.currency, sizeof m.currency, "%s", cur);
    if (money_format(&m, MONEY_STYLE_EN, out, len) != ERR_OK)
        snprintf(out, len, "?");
}

/* The settlement sentence (0 zh, 1 en): per currency, settled and missing money. */
ERR_MUST_USE static enum err brief_settlement(struct buf *b, const struct brief_numbers *n,
                                              int lang)
{
    if (n->settled_at == 0)
        return buf_puts(b, lang == 0 ? "结算:尚未对账,无法计算已结算和缺失金额。"
                                     : "Settlement: not reconciled yet, so money settled and "
                                       "missing cannot be computed. ");
    char at[32];
    time_t t = (time_t)n->settled_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm);
    enum err e =
        buf_printf(b, lang == 0 ? "结算(%s UTC 对账):" : "Settlement (reconciled %s UTC): ", at);
    if (e == ERR_OK && n->nsettle == 0)
        e = buf_puts(b, lang == 0 ? "没有订单。" : "no orders. ");
    for (size_t i = 0; e == ERR_OK && i < n->nsettle; i++) {
        const struct settle_total *x = &n->settle[i];
        char settled[MONEY_FORMAT_MAX], missing[MONEY_FORMAT_MAX];
        brief_amount(x->currency, x->settled_minor, settled, sizeof settled);
        brief_amount(x->currency, x->missing_minor, missing, sizeof missing);
        const char *end = i + 1 < n->nsettle ? (lang == 0 ? ";" : "; ") : (lang == 0 ? "。" : ". ");
        e = lang == 0 ? buf_printf(b, "已结算 %s(%lld 单),缺失 %s(%lld 单)%s", settled,
                                   (long long)x->settled_orders, missing,
                                   (long long)x->missing_orders, end)
                      : buf_printf(b, "%s settled on %lld orders, %s missing on %lld orders%s",
                                   settled, (long long)x->settled_orders, missing,
                                   (long long)x->missing_orders, end);
    }
    return e;
}

/* numbers.settlement: {reconciled_at, totals: [{currency, settled_minor, ...}]} or null. */
static json_t *brief_settlement_json(const struct brief_numbers *n)
{
    if (n->settled_at == 0)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < n->nsettle; i++) {
        const struct settle_total *x = &n->settle[i];
        json_array_append_new(
            a, json_pack(
                   "{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "currency", x->currency, "settled_minor",
                   (json_int_t)x->settled_minor, "settled_orders", (json_int_t)x->settled_orders,
                   "missing_minor", (json_int_t)x->missing_minor, "missing_orders",
                   (json_int_t)x->missing_orders, "pending_minor", (json_int_t)x->pending_minor,
                   "pending_orders", (json_int_t)x->pending_orders));
    }
    return json_pack("{s:I, s:o}", "reconciled_at", (json_int_t)n->settled_at, "totals", a);
}

/* A money object {minor, currency} of the first currency's field, or null. */
static json_t *brief_first(const struct brief_numbers *n, bool missing)
{
    if (n->nsettle == 0)
        return json_null();
    const struct settle_total *x = &n->settle[0];
    return json_pack("{s:I, s:s}", "minor",
                     (json_int_t)(missing ? x->missing_minor : x->settled_minor), "currency",
                     x->currency);
}

/* Sums the money at risk of the listed items in the first currency seen. */
static void brief_money(const json_t *items, struct brief_numbers *n)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        const json_t *m = json_object_get(it, "money_at_risk");
        const char *cur = json_string_value(json_object_get(m, "currency"));
        if (cur == NULL)
            continue;
        if (n->at_risk.currency[0] == '\0')
            snprintf(n->at_risk.currency, sizeof n->at_risk.currency, "%s", cur);
        if (strcmp(cur, n->at_risk.currency) == 0)
            n->at_risk.minor += json_integer_value(json_object_get(m, "minor"));
    }
}

/* Appends the top three items (title, object key) in one language (0 zh, 1 en). */
ERR_MUST_USE static enum err brief_top(struct buf *b, const json_t *items, int lang)
{
    enum err e = ERR_OK;
    size_t n = json_array_size(items) < 3 ? json_array_size(items) : 3;
    if (n == 0)
        return buf_puts(b, lang == 0 ? "没有待办事项。" : "Nothing needs attention.");
    e = buf_puts(b, lang == 0 ? "最需要处理:" : "Top risks: ");
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        const json_t *it = json_array_get(items, i);
        const char *title = json_string_value(json_object_get(it, "title"));
        const char *slash = title != NULL ? strstr(title, " / ") : NULL;
        int zl = slash != NULL ? (int)(slash - title) : 0;
        const char *en = slash != NULL ? slash + 3 : (title ? title : "");
        const char *key = json_string_value(json_object_get(json_object_get(it, "object"), "key"));
        if (lang == 0)
            e = buf_printf(b, "%s%zu) %.*s %s", i ? ";" : "", i + 1, zl, title, key ? key : "");
        else
            e = buf_printf(b, "%s%zu) %s %s", i ? "; " : "", i + 1, en, key ? key : "");
    }
    return e ? e : buf_puts(b, lang == 0 ? "。" : ".");
}

ERR_MUST_USE static enum err brief_text(struct buf *b, const struct brief_numbers *n,
                                        const json_t *items, int lang, struct errbuf *eb)
{
    char money[MONEY_FORMAT_MAX] = "0";
    if (n->at_risk.currency[0] != '\0' &&
        money_format(&n->at_risk, MONEY_STYLE_EN, money, sizeof money) != ERR_OK)
        snprintf(money, sizeof money, "?");
    enum err e =
        lang == 0
            ? buf_printf(b,
                         "过去 24 小时:新订单 %lld 个,发货 %lld 个;逾期 %lld 项。待办 %lld 项,"
                         "涉及金额 %s。",
                         (long long)n->orders_in, (long long)n->shipped, (long long)n->late,
                         (long long)n->open_items, money)
            : buf_printf(b,
                         "Last 24 hours: %lld new orders, %lld shipped; %lld late. %lld open "
                         "items with %s at risk. ",
                         (long long)n->orders_in, (long long)n->shipped, (long long)n->late,
                         (long long)n->open_items, money);
    e = e ? e : brief_settlement(b, n, lang);
    e = e ? e : brief_top(b, items, lang);
    return e ? err_set(eb, e, NULL, "out of memory") : ERR_OK;
}

enum err actions_brief(struct db *db, enum auth_role role, int64_t now, json_t **out,
                       struct errbuf *eb)
{
    struct brief_numbers n;
    struct buf zh = {0}, en = {0};
    json_t *list = NULL;
    memset(&n, 0, sizeof n);
    struct actions_filter f = {.role = role, .limit = ACTIONS_LIST_MAX, .now = now};
    enum err e = brief_numbers(db, &n, now, eb);
    e = e ? e : actions_list(db, &f, &list, eb);
    const json_t *items = json_object_get(list, "items");
    n.open_items = json_integer_value(json_object_get(list, "total"));
    brief_money(items, &n);
    e = e ? e : brief_text(&zh, &n, items, 0, eb);
    e = e ? e : brief_text(&en, &n, items, 1, eb);
    if (e == ERR_OK) {
        json_t *top = json_array();
        for (size_t i = 0; i < 3 && i < json_array_size(items); i++)
            json_array_append(top, json_array_get(items, i));
        *out = json_pack("{s:s, s:s, s:{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}, s:o}", "zh",
                         zh.data, "en", en.data, "numbers", "orders_in", (json_int_t)n.orders_in,
                         "shipped", (json_int_t)n.shipped, "late", (json_int_t)n.late, "open_items",
                         (json_int_t)n.open_items, "money_at_risk",
                         json_pack("{s:I, s:s}", "minor", (json_int_t)n.at_risk.minor, "currency",
                                   n.at_risk.currency),
                         "settled", brief_first(&n, false), "missing", brief_first(&n, true),
                         "settlement", brief_settlement_json(&n), "top", top);
        if (*out == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    json_decref(list);
    free(zh.data);
    free(en.data);
    return e;
}

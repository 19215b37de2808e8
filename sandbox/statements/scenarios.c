/*
 * The scripted discrepancies of tracking-and-settlement.md §4, one scenario each, on top of
 * three ordinary orders. Every script counts what the reconciliation must report.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define S_SALE    "结算-交易收入"
#define S_REFUND  "结算-售后退款"
#define S_SHIPREF "结算-运费退款"
#define S_PENALTY "支出-履约违规"
#define S_CHARGE  "支出-买家拒付"
#define S_FEE     "支出-技术服务费"
#define S_TAX     "账户-税金退回"

void gen_reason(struct gen *g, const char *code, const char *cur, int64_t amount)
{
    json_t *r = json_object_get(g->reasons, code);
    if (r == NULL) {
        r = json_pack("{s:I, s:I, s:s}", "count", (json_int_t)0, "amount_minor", (json_int_t)0,
                      "currency", cur);
        json_object_set_new(g->reasons, code, r);
    }
    json_object_set_new(r, "count",
                        json_integer(json_integer_value(json_object_get(r, "count")) + 1));
    json_object_set_new(
        r, "amount_minor",
        json_integer(json_integer_value(json_object_get(r, "amount_minor")) + amount));
}

struct gen_order *gen_order(struct gen *g, int64_t delivered, int64_t pickup, int hold)
{
    struct gen_order *o = &g->orders[g->norders++];
    memset(o, 0, sizeof *o);
    snprintf(o->sn, sizeof o->sn, "PO-211-%014llu",
             (unsigned long long)prng_range(&g->rng, 10000000000000LL, 99999999999999LL));
    o->amount = prng_range(&g->rng, 1500, 25000);
    o->delivered = delivered;
    o->pickup = pickup;
    o->ordered = (pickup ? pickup : delivered ? delivered : GEN_NOW) - 3 * GEN_DAY;
    o->hold = hold;
    return o;
}

struct gen_line *gen_line(struct gen *g, const char *sheet, const struct gen_order *o,
                          int64_t amount, int64_t posted)
{
    struct gen_line *l = &g->lines[g->nlines++];
    memset(l, 0, sizeof *l);
    l->sheet = sheet;
    snprintf(l->ref, sizeof l->ref, "%s", o ? o->sn : "");
    l->amount = amount;
    l->posted = posted + prng_range(&g->rng, 3600, 20 * 3600);
    g->lines_total++;
    return l;
}

static int64_t gen_settle_day(const struct gen_order *o)
{
    return o->delivered ? o->delivered + GEN_DAY : o->pickup + 45 * GEN_DAY;
}

void gen_sale(struct gen *g, const struct gen_order *o)
{
    gen_line(g, S_SALE, o, o->amount, gen_settle_day(o));
}

void gen_base(struct gen *g)
{
    for (int i = 0; i < 3; i++) {
        struct gen_order *o = gen_order(g, GEN_NOW - (10 + i) * GEN_DAY, 0, 0);
        struct gen_line *l = &g->lines[g->nlines];
        gen_sale(g, o);
        if (i == 1)
            memmove(l->ref, l->ref + 3, strlen(l->ref + 3) + 1); /* "211-…" without "PO-" */
        l->serial = i == 2;
        g->matched++;
    }
}

/* An order settled with one adjustment line: partial with that reason. */
static void gen_adjusted(struct gen *g, const char *sheet, const char *code, int64_t written,
                         int64_t signed_amount)
{
    gen_base(g);
    struct gen_order *o = gen_order(g, GEN_NOW - 8 * GEN_DAY, 0, 0);
    gen_sale(g, o);
    gen_line(g, sheet, o, written, gen_settle_day(o) + GEN_DAY);
    g->partial++;
    gen_reason(g, code, "USD", signed_amount);
}

static void s_partial_refund(struct gen *g)
{
    gen_adjusted(g, S_REFUND, "refund_partial", 500, -500);
}

static void s_full_refund(struct gen *g)
{
    gen_base(g);
    struct gen_order *o = gen_order(g, GEN_NOW - 8 * GEN_DAY, 0, 0);
    gen_sale(g, o);
    gen_line(g, S_REFUND, o, o->amount, gen_settle_day(o) + GEN_DAY);
    g->partial++;
    gen_reason(g, "refund_full", "USD", -o->amount);
}

static void s_chargeback(struct gen *g)
{
    gen_adjusted(g, S_CHARGE, "chargeback", 1299, -1299);
}

static void s_penalty(struct gen *g)
{
    gen_adjusted(g, S_PENALTY, "fulfilment_penalty", 300, -300);
}

static void s_tech_fee(struct gen *g)
{
    gen_adjusted(g, S_FEE, "tech_service_fee", 87, -87);
}

static void s_shipping_refund(struct gen *g)
{
    gen_adjusted(g, S_SHIPREF, "shipping_refund", 399, -399);
}

/* Written negative on purpose: a tax refund is always a credit (§3.1). */
static void s_tax_refund(struct gen *g)
{
    gen_adjusted(g, S_TAX, "tax_refund", -215, 215);
}

/* Never delivered: settled at pickup + 45 (matched), not yet due (timing), overdue (missing). */
static void s_pickup_45(struct gen *g)
{
    gen_base(g);
    struct gen_order *a = gen_order(g, 0, GEN_NOW - 50 * GEN_DAY, 0);
    gen_sale(g, a);
    g->matched++;
    struct gen_order *b = gen_order(g, 0, GEN_NOW - 10 * GEN_DAY, 0);
    gen_reason(g, "timing", "USD", b->amount);
    gen_order(g, 0, GEN_NOW - 60 * GEN_DAY, 0);
    g->missing++;
}

static void s_after_sales_hold(struct gen *g)
{
    gen_base(g);
    struct gen_order *o = gen_order(g, GEN_NOW - 20 * GEN_DAY, 0, 1);
    gen_reason(g, "hold_after_sales", "USD", o->amount);
}

static void s_duplicate_line(struct gen *g)
{
    gen_base(g);
    struct gen_order *o = gen_order(g, GEN_NOW - 6 * GEN_DAY, 0, 0);
    gen_sale(g, o);
    g->lines[g->nlines] = g->lines[g->nlines - 1];
    g->nlines++;
    g->lines_total++;
    g->lines_dup++;
    g->matched++;
    gen_reason(g, "duplicate", "USD", o->amount);
}

static void s_unknown_order(struct gen *g)
{
    gen_base(g);
    struct gen_order stranger;
    memset(&stranger, 0, sizeof stranger);
    snprintf(stranger.sn, sizeof stranger.sn, "PO-211-00000000000042");
    gen_line(g, S_SALE, &stranger, 4242, GEN_NOW - 5 * GEN_DAY);
    g->unexpected++;
    g->lines_unknown++;
}

/* A completed withdrawal credited by the provider at a slightly different amount. */
static void s_fx_difference(struct gen *g)
{
    gen_base(g);
    int64_t at = INT64_C(1792029600); /* 2026-10-15 02:00 UTC (10:00 Beijing) */
    g->wds[g->nwds++] = (struct gen_wd){at, 300000, "提现成功"};
    g->credits[g->ncredits++] = (struct gen_credit){at + GEN_DAY, 297050, "AWX-FX-1"};
    g->wd_matched++;
    g->cr_fx++;
    gen_reason(g, "fx", "CNY", 297050 - 300000);
}

/* Withdrawn the day before National Day, credited on the 5th working day after it. */
static void s_withdrawal_holiday(struct gen *g)
{
    gen_base(g);
    int64_t at = INT64_C(1790733600); /* 2026-09-30 02:00 UTC (10:00 Beijing) */
    g->wds[g->nwds++] = (struct gen_wd){at, 520000, "提现成功"};
    g->wds[g->nwds++] = (struct gen_wd){at + 3600, 100000, "银行处理中"};
    g->credits[g->ncredits++] = (struct gen_credit){INT64_C(1791972000), 520000, "AWX-77"};
    g->wd_matched++;
    g->cr_matched++;
}

/* The ordinary orders read from a settlement export CSV instead of the workbook. */
static void s_settle_export(struct gen *g)
{
    gen_base(g);
    g->csv_lines = true;
}

const struct gen_scenario gen_scenarios[] = {
    {"clean", gen_base},
    {"partial_refund", s_partial_refund},
    {"full_refund", s_full_refund},
    {"chargeback", s_chargeback},
    {"penalty", s_penalty},
    {"tech_service_fee", s_tech_fee},
    {"shipping_refund", s_shipping_refund},
    {"tax_refund", s_tax_refund},
    {"pickup_45", s_pickup_45},
    {"after_sales_hold", s_after_sales_hold},
    {"duplicate_line", s_duplicate_line},
    {"unknown_order", s_unknown_order},
    {"fx_difference", s_fx_difference},
    {"withdrawal_holiday", s_withdrawal_holiday},
    {"settle_export", s_settle_export},
};
const int gen_nscenarios = sizeof gen_scenarios / sizeof gen_scenarios[0];

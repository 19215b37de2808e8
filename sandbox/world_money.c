/*
 * world money: bg.order.amount.query and temu.order.amount.v2.query answers of an order, from
 * its generated lines. MoneyAmount = {amount (minor units), currency}; tax rates are integers
 * scaled by 10^7 (0.08 = 800000), as the live-used SDKs type them (docs/sandbox.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_impl.h"

#define WORLD_TAX_RATE 800000 /* 8 %, scaled by 10^7 */

static int64_t world_tax(int64_t v)
{
    return v * WORLD_TAX_RATE / 10000000;
}

/* The order-level totals, summed over the lines. */
struct world_totals {
    int64_t base, retail, tax, disc_seller, disc_temu, shipping, ship_tax;
};

static json_t *world_money_line(const struct world_line *l, int64_t base_unit, int64_t ds,
                                int64_t ship_tax)
{
    int64_t line = l->unit * l->qty, tax = world_tax(line);
    return json_pack(
        "{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:o, s:o}", "orderSn",
        l->order_sn, "quantity", (json_int_t)l->qty, "basePrice", world_money(base_unit * l->qty),
        "unitBasePrice", world_money(base_unit), "unitRetailPriceVatIncl",
        world_money(l->unit + world_tax(l->unit)), "unitRetailPriceVatExcl", world_money(l->unit),
        "productTaxAmount", world_money(tax), "shipTaxAmount", world_money(ship_tax), "shipTaxRate",
        (json_int_t)WORLD_TAX_RATE, "retailPriceTotalTaxIncl", world_money(line + tax),
        "shipAmountTotalTaxIncl", world_money(0), "productTaxRate", (json_int_t)WORLD_TAX_RATE,
        "discountFromSeller", world_money(ds), "discountFromTEMU", world_money(0));
}

static json_t *world_money_v1(const struct world_order *o, const struct world_totals *t,
                              json_t *lines)
{
    int64_t paid = t->retail + t->tax + t->shipping + t->ship_tax - t->disc_seller - t->disc_temu;
    bool canceled = o->status == ST_CANCELED;
    /* A cancelled order settles nothing: everything but the seller's discount is deducted. */
    int64_t deduction = canceled ? t->base - t->disc_seller : t->base * 3 / 100;
    return json_pack(
        "{s:{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:o}, s:o, s:[]}",
        "parentOrderMap", "parentOrderSn", o->sn, "basePriceTotal", world_money(t->base),
        "shippingAmountTotal", world_money(t->shipping), "taxTotal",
        world_money(t->tax + t->ship_tax), "taxTotalAfterDiscount",
        world_money(t->tax + t->ship_tax), "discountFromSeller", world_money(t->disc_seller),
        "discountFromTEMU", world_money(t->disc_temu), "refundsTotal",
        world_money(canceled ? paid : 0), "estimatedRevenueDeduction", world_money(deduction),
        "estimatedRevenue", world_money(t->base - t->disc_seller - deduction), "customerPaid",
        world_money(paid), "totalDiscount", world_money(t->disc_seller + t->disc_temu),
        "retailPriceTotalTaxIncl", world_money(t->retail + t->tax), "retailPriceTotalTaxExcl",
        world_money(t->retail), "productTaxAmount", world_money(t->tax), "shipTaxAmount",
        world_money(t->ship_tax), "shipAmountTotalTaxIncl", world_money(t->shipping + t->ship_tax),
        "temuTaxTotal", world_money(0), "orderList", lines, "warning");
}

static json_t *world_money_v2(const struct world_order *o, const struct world_totals *t,
                              const struct world_line *lines, size_t n)
{
    int64_t paid = t->retail + t->tax + t->shipping + t->ship_tax - t->disc_seller - t->disc_temu;
    bool canceled = o->status == ST_CANCELED;
    /* A cancelled order settles nothing: everything but the seller's discount is deducted. */
    int64_t deduction = canceled ? t->base - t->disc_seller : t->base * 3 / 100;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "orderSn", lines[i].order_sn,
                            "quantity", (json_int_t)lines[i].qty, "productTaxRate",
                            (json_int_t)WORLD_TAX_RATE, "shipTaxRate", (json_int_t)WORLD_TAX_RATE,
                            "unitBasePrice", world_money(lines[i].unit * 85 / 100),
                            "unitRetailPriceTaxIncl",
                            world_money(lines[i].unit + world_tax(lines[i].unit)),
                            "unitRetailPriceTaxExcl", world_money(lines[i].unit)));
    return json_pack("{s:{s:s, s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o, s:o}}, s:o, s:[]}",
                     "parentOrderMap", "parentOrderSn", o->sn, "salesProceeds", "basePriceTotal",
                     world_money(t->base), "estimatedDeduction", world_money(deduction),
                     "estimatedSettlementTotal", world_money(t->base - t->disc_seller - deduction),
                     "customerPaid", "retailPriceTotalTaxIncl", world_money(t->retail + t->tax),
                     "retailPriceTotalTaxExcl", world_money(t->retail), "shippingTotalTaxIncl",
                     world_money(t->shipping + t->ship_tax), "shippingTotalTaxExcl",
                     world_money(t->shipping), "productRefundsTotal",
                     world_money(canceled ? t->retail + t->tax : 0), "customerPaidTotal",
                     world_money(paid), "orderList", list, "warning");
}

void world_money_fill(struct world_order *o, const struct world_line *lines, size_t n,
                      int64_t shipping, struct prng *g)
{
    struct world_totals t = {0, 0, 0, 0, 0, shipping, world_tax(shipping)};
    json_t *v1_lines = json_array();
    for (size_t i = 0; i < n; i++) {
        int64_t line = lines[i].unit * lines[i].qty, base_unit = lines[i].unit * 85 / 100;
        int64_t ds = prng_range(g, 0, 3) == 0 ? line * 5 / 100 : 0;
        t.base += base_unit * lines[i].qty;
        t.retail += line;
        t.tax += world_tax(line);
        t.disc_seller += ds;
        json_array_append_new(v1_lines,
                              world_money_line(&lines[i], base_unit, ds, i == 0 ? t.ship_tax : 0));
    }
    json_decref(o->amount);
    json_decref(o->amount2);
    o->amount = world_money_v1(o, &t, v1_lines);
    o->amount2 = world_money_v2(o, &t, lines, n);
}

/* The amount of a MoneyAmount member (0 when absent). */
static int64_t world_money_of(const json_t *obj, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(json_object_get(obj, key), "amount"));
}

/*
 * A cancellation after the sale: the buyer is refunded and the estimate drifts to nothing
 * (estimatedRevenue / estimatedSettlementTotal 0, the whole base price deducted), as a seller
 * sees it when the amount is read again (the expected-amounts stream keeps the history).
 */
void world_money_cancel(struct world_order *o)
{
    json_t *m1 = json_object_get(o->amount, "parentOrderMap");
    json_t *p2 = json_object_get(o->amount2, "parentOrderMap");
    json_t *m2 = json_object_get(p2, "customerPaid");
    json_t *s2 = json_object_get(p2, "salesProceeds");
    json_object_set(m1, "refundsTotal", json_object_get(m1, "customerPaid"));
    json_object_set_new(m1, "estimatedRevenueDeduction",
                        world_money(world_money_of(m1, "basePriceTotal") -
                                    world_money_of(m1, "discountFromSeller")));
    json_object_set_new(m1, "estimatedRevenue", world_money(0));
    json_object_set(m2, "productRefundsTotal", json_object_get(m2, "retailPriceTotalTaxIncl"));
    json_object_set_new(s2, "estimatedDeduction",
                        world_money(world_money_of(s2, "estimatedDeduction") +
                                    world_money_of(s2, "estimatedSettlementTotal")));
    json_object_set_new(s2, "estimatedSettlementTotal", world_money(0));
}

void world_money_refund(struct world_order *o, int64_t refund)
{
    json_t *m1 = json_object_get(o->amount, "parentOrderMap");
    json_t *s2 = json_object_get(json_object_get(o->amount2, "parentOrderMap"), "salesProceeds");
    /* The refund without its tax (8 %), at the base price's share of the retail price. */
    int64_t share = (refund - refund * 8 / 108) * 85 / 100;
    int64_t total = world_money_of(s2, "estimatedSettlementTotal");
    int64_t cut = share < total ? share : total;
    json_object_set_new(s2, "estimatedSettlementTotal", world_money(total - cut));
    json_object_set_new(s2, "estimatedDeduction",
                        world_money(world_money_of(s2, "estimatedDeduction") + cut));
    json_object_set_new(m1, "refundsTotal",
                        world_money(world_money_of(m1, "refundsTotal") + refund));
    int64_t rev = world_money_of(m1, "estimatedRevenue");
    json_object_set_new(m1, "estimatedRevenue", world_money(rev - (cut < rev ? cut : rev)));
}

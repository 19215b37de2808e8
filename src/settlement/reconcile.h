/*
 * Reconciliation (tracking-and-settlement.md §2.6), each match with the rule that made it:
 *  1. order → settlement lines on the order number (also without a "PO-" prefix): matched
 *     (|settled − expected| ≤ SETTLE_TOLERANCE_MINOR), partial (the variance carried by
 *     reason codes: refund_partial / refund_full, tech_service_fee, fulfilment_penalty,
 *     chargeback, shipping_refund, tax_refund, ..., rounding, unexplained), missing (the
 *     expected settlement date passed with no line), unexpected (lines of an unknown order);
 *     orders not yet due count under timing or hold_after_sales; repeated lines under
 *     duplicate (and are left out of the sums);
 *  2. lines → wallet movement: where a statement gives balance_after, each line's balance
 *     change is checked (residue: unexplained_balance_delta);
 *  3. wallet → withdrawals: completed ones go on, submitted / processing stay in transit;
 *  4. withdrawal → provider or bank credit: same amount and currency within T … T+5 working
 *     days (CN/US holidays, line.h) is matched; else a credit of the same currency within 3 %
 *     in that window is matched as fx.
 * The results replace the previous run's (settlement_results) and the report is stored.
 */
#ifndef AICOS_SETTLEMENT_RECONCILE_H
#define AICOS_SETTLEMENT_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "base/money.h"
#include "store/db.h"

#define SETTLE_TOLERANCE_MINOR 1 /* minor units an order may differ and still match */
#define SETTLE_CREDIT_WINDOW   5 /* working days from withdrawal to credit */
#define SETTLE_FX_PERCENT      3 /* an fx match differs by at most this share */
#define SETTLE_REASONS_MAX     48

struct settle_reason {
    char code[32];
    char currency[MONEY_CODE_LEN + 1];
    int64_t count, amount_minor;
};

struct settle_report {
    int64_t matched, partial, missing, unexpected, pending;
    int64_t lines_total, lines_duplicate, lines_unknown;
    int64_t wd_matched, wd_unmatched, wd_in_transit;
    int64_t cr_matched, cr_fx, cr_unmatched;
    int64_t balance_checked, balance_breaks;
    struct settle_reason reasons[SETTLE_REASONS_MAX];
    size_t nreasons;
};

/* What the expected settlement date is computed from (one order). */
struct settle_order_times {
    int64_t pickup_at, delivered_at; /* 0: not known */
    bool after_sales_open;
};

/*
 * The platform rule (§2.3): delivered + 1 day, else pickup + 45 days; 0 while an after-sales
 * case is open or when neither time is known.
 */
int64_t settle_expected_date(const struct settle_order_times *t);

/*
 * The times of order sn: the carrier scans of its tracked parcels (tracking_order_times:
 * delivered once every parcel is, the first pickup) where they exist, else the order amounts
 * file (settlement_expected), completed from the synced Temu order (parentShippingTime as
 * pickup) when neither gives a time; held while a Temu after-sales case of the order is open.
 */
ERR_MUST_USE enum err settle_order_times_get(struct db_conn *c, const char *sn,
                                             struct settle_order_times *t, struct errbuf *eb);

/* Runs all four layers as of now, stores results and report; *out (may be NULL) gets it. */
ERR_MUST_USE enum err settle_reconcile(struct db *db, int64_t now, struct settle_report *out,
                                       struct errbuf *eb);

/* The report as JSON with exactly the keys orders, reasons, lines, withdrawals, credits. */
json_t *settle_report_json(const struct settle_report *r);

/* The last stored report (JSON as above) and when it ran; ERR_NOTFOUND before any run. */
ERR_MUST_USE enum err settle_report_load(struct db *db, json_t **out, int64_t *ran_at,
                                         struct errbuf *eb);

#endif

/*
 * temu-statements: scripted settlement statements for the reconciliation tests
 * (tracking-and-settlement.md §4, docs/sandbox.md). Each scenario is a small shop: the
 * orders with their expected amounts (order_amounts CSV, as Temu's amount API would give
 * them), a FundDetail workbook, optionally withdrawals and a provider statement, and the
 * golden reconciliation report the scenario must produce. It links nothing of src/: the
 * golden report is what the script says, counted here, not computed by the product.
 */
#ifndef STMT_GEN_H
#define STMT_GEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../prng.h"

#define GEN_MAX 64
#define GEN_DAY 86400
#define GEN_NOW INT64_C(1792454400) /* 2026-10-20 00:00 UTC: every scenario's "now" */
#define GEN_BJ  (8 * 3600)

struct gen_order {
    char sn[40];
    int64_t amount, ordered, pickup, delivered;
    int hold;
};

struct gen_line {
    const char *sheet; /* a FundDetail sheet name */
    char ref[40];      /* order number as written ("" for none) */
    int64_t amount;    /* minor units as written in the file (magnitude, or signed) */
    int64_t posted;    /* Unix seconds */
    bool serial;       /* written as an Excel date instead of text */
};

struct gen_wd {
    int64_t at, amount;
    const char *status;
};

struct gen_credit {
    int64_t at, amount;
    char ref[32];
};

struct gen {
    const char *name;
    struct prng rng;
    struct gen_order orders[GEN_MAX];
    int norders;
    struct gen_line lines[GEN_MAX * 2];
    int nlines;
    struct gen_wd wds[8];
    int nwds;
    struct gen_credit credits[8];
    int ncredits;
    bool csv_lines; /* the lines go to a settlement export CSV instead of the workbook */
    /* The golden report, counted as the script goes. */
    int64_t matched, partial, missing, unexpected;
    int64_t lines_total, lines_dup, lines_unknown;
    int64_t wd_matched, wd_unmatched, cr_matched, cr_fx, cr_unmatched;
    json_t *reasons;
};

/* Adds count 1 and amount to reason code (currency cur) of the golden report. */
void gen_reason(struct gen *g, const char *code, const char *cur, int64_t amount);

/* A new order of a random amount; delivered/pickup relative to GEN_NOW (0 = none). */
struct gen_order *gen_order(struct gen *g, int64_t delivered, int64_t pickup, int hold);

/* A line on sheet for order o (NULL: no order number) of amount as written. */
struct gen_line *gen_line(struct gen *g, const char *sheet, const struct gen_order *o,
                          int64_t amount, int64_t posted);

/* The sale line of o, posted the day after delivery (or pickup + 45 days): matched. */
void gen_sale(struct gen *g, const struct gen_order *o);

/* Three ordinary orders settled as expected (one written without "PO-", one as a date). */
void gen_base(struct gen *g);

/* Writes the scenario's files into dir (created). false with a message on stderr. */
bool gen_write(struct gen *g, const char *dir);

/* The scenario table: name and script. */
struct gen_scenario {
    const char *name;
    void (*script)(struct gen *g);
};
extern const struct gen_scenario gen_scenarios[];
extern const int gen_nscenarios;

#endif

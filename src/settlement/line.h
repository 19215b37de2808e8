/*
 * The canonical settlement line (tracking-and-settlement.md §3.5) and the vocabulary around
 * it: the sources, the normalized types of the Temu FundDetail sheets (§3.1), the reason
 * code each type explains a variance with (§2.6), withdrawal statuses (§3.3) and the working
 * day calendar the withdrawal → credit window counts in (§2.3: CN and US holidays).
 */
#ifndef AICOS_SETTLEMENT_LINE_H
#define AICOS_SETTLEMENT_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

#define SETTLE_TEXT_MAX    128 /* bytes of a text field, NUL included */
#define SETTLE_SHA256_HEX  65
#define SETTLE_BEIJING_UTC (8 * 3600)

/* One canonical line. Money fields are minor units of currency; has_* say which are set. */
struct settle_line {
    char sheet[SETTLE_TEXT_MAX]; /* the sheet name, "" for a CSV */
    size_t row;                  /* the row or line number a person sees */
    char source[24];             /* settle_source_valid() */
    char line_id[SETTLE_TEXT_MAX];
    int64_t posted_at; /* Unix seconds */
    int32_t utc_offset_s;
    char type_raw[SETTLE_TEXT_MAX];
    char type[32]; /* sale, refund, ..., withdrawal, credit, debit */
    char order_ref[SETTLE_TEXT_MAX];
    bool has_gross, has_fee, has_balance;
    int64_t gross, fee, net, balance_after;
    int raw_sign; /* -1, 0 or 1: the sign as written; net carries the applied sign */
    char currency[MONEY_CODE_LEN + 1];
    char counterparty[SETTLE_TEXT_MAX];
    char reference[SETTLE_TEXT_MAX];
    char status[32]; /* withdrawals: submitted, processing, completed or the raw text */
};

/* True for the §3.5 sources: temu_fund_detail, temu_settle_export, ..., bank, other. */
bool settle_source_valid(const char *source);

/* What a FundDetail sheet (or a transaction type text) is: the normalized type and sign. */
struct settle_sheet_kind {
    const char *name;      /* 结算-交易收入 */
    const char *type;      /* sale */
    int sign;              /* +1 or -1 */
    bool absolute;         /* the sign applies to the absolute value (tax refunds) */
    const char *amount[4]; /* amount column names the parser tries, in order */
};

/* The §3.1 row for a sheet name (exact, after trimming), or NULL. */
const struct settle_sheet_kind *settle_sheet_kind_find(const char *sheet);

/*
 * The sign of an unknown sheet from keywords in its name (退款/拒付/支出 → -1, 结算/收入 →
 * +1), 0 when none says.
 */
int settle_sheet_keyword_sign(const char *sheet);

/* The normalized type of a transaction type text (a §3.1 sheet name or 交易类型), or NULL. */
const char *settle_type_of_text(const char *text, int *sign, bool *absolute);

/* The §2.6 reason code a non-sale line type explains a variance with ("fee" → tech_service_fee). */
const char *settle_reason_of_type(const char *type);

/* Withdrawal status text → submitted, processing, completed, failed, or NULL (keep raw). */
const char *settle_withdrawal_status(const char *raw);

/* True when the UTC day of t is a Saturday, Sunday or a CN/US public holiday of our table. */
bool settle_is_holiday(int64_t t);

/* The end (23:59:59 UTC) of the day n working days after the day of t. */
int64_t settle_add_working_days(int64_t t, int n);

/* The lowercase hex SHA-256 of len bytes. */
void settle_sha256_hex(const void *data, size_t len, char out[SETTLE_SHA256_HEX]);

/* Copies s into out (cap bytes), cut at a UTF-8 character boundary. */
void settle_copy(char *out, size_t cap, const char *s);

/*
 * Reads an amount cell that may end in "(CNY)" (§3.3): the code goes into currency (when
 * given) and the rest is parsed in that currency (or fallback). absent as money_parse().
 * With spreadsheet true, a number of 15 or more significant digits is a binary float as
 * Excel writes it ("97.01000000000001") and is rounded to the currency's decimals; shorter
 * text with too many decimals is still refused.
 */
ERR_MUST_USE enum err settle_parse_amount(const char *text, const char *fallback,
                                          enum money_style style, bool spreadsheet,
                                          struct money *out, bool *absent, struct errbuf *eb);

#endif

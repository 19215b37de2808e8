/*
 * Money as an integer count of minor units plus an ISO 4217 currency code. Never a float:
 * text is parsed digit by digit into int64 with overflow checks, and formatted back the same
 * way. The currency table gives each code its minor-unit exponent (JPY and KRW 0, USD 2,
 * KWD and BHD 3, CLF 4), so "15.90" is 1590 for USD and an error for JPY.
 */
#ifndef AICOS_BASE_MONEY_H
#define AICOS_BASE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MONEY_CODE_LEN   3  /* ISO 4217 alphabetic code */
#define MONEY_FORMAT_MAX 48 /* enough for any int64 with separators, sign and code */

struct money {
    int64_t minor;                     /* amount in minor units (cents for USD) */
    char currency[MONEY_CODE_LEN + 1]; /* "USD", NUL-terminated */
};

/*
 * How amounts are written. PLAIN: "1234.50" (no grouping). EN: "1,234.50". DE: "1.234,50".
 * A parse in EN or DE style accepts the amount with or without grouping, but a grouped
 * amount must have groups of exactly three digits.
 */
enum money_style {
    MONEY_STYLE_PLAIN = 0,
    MONEY_STYLE_EN,
    MONEY_STYLE_DE,
};

/* money_parse() flags. */
#define MONEY_ABSENT_EMPTY 0x1u /* "" (or only spaces) means "no amount" */
#define MONEY_ABSENT_SLASH 0x2u /* "/" means "no amount" (Temu's bill files) */
#define MONEY_ABSENT_DASH  0x4u /* "-" means "no amount" */
#define MONEY_ROUND        0x8u /* round extra decimals half away from zero instead of refusing */

/* The minor-unit exponent of an ISO 4217 code (0..4), or -1 when the code is unknown. */
int money_currency_exponent(const char *code);

/*
 * Parses text (len bytes, need not be NUL-terminated; at most 64 bytes) as an amount in
 * currency, written in style. Leading and trailing ASCII spaces are ignored; one leading '+'
 * or '-' is allowed. Text, exponents, a second separator, bad grouping, more decimals than
 * the currency has (unless MONEY_ROUND; extra zeros are always fine) and amounts beyond
 * int64 are ERR_INVAL with a message quoting the text. An absent amount (per flags) gives
 * ERR_OK with *absent true and out->minor 0; absent may be NULL only when no MONEY_ABSENT_*
 * flag is given. An unknown currency is ERR_INVAL.
 */
ERR_MUST_USE enum err money_parse(const char *text, size_t len, const char *currency,
                                  enum money_style style, unsigned flags, struct money *out,
                                  bool *absent, struct errbuf *eb);

/*
 * Writes m as "<amount> <code>" ("1,234.50 USD", "-15.90 USD", "1500 JPY") into out (cap
 * bytes, MONEY_FORMAT_MAX is always enough). ERR_INVAL for an unknown currency, ERR_TOOBIG
 * when cap is too small (out then holds ""). Every int64 formats, INT64_MIN included.
 */
ERR_MUST_USE enum err money_format(const struct money *m, enum money_style style, char *out,
                                   size_t cap);

/* *out = a + b. ERR_INVAL (code currency_mismatch or money_overflow) leaves *out untouched. */
ERR_MUST_USE enum err money_add(const struct money *a, const struct money *b, struct money *out,
                                struct errbuf *eb);

/* *out = a - b, checked like money_add(). */
ERR_MUST_USE enum err money_sub(const struct money *a, const struct money *b, struct money *out,
                                struct errbuf *eb);

#endif

/*
 * Integer money: parsing, formatting and checked arithmetic (money.h).
 */
#include "base/money.h"

#include <stdlib.h>
#include <string.h>

#define MONEY_TEXT_MAX 64

struct currency {
    char code[MONEY_CODE_LEN + 1];
    int exponent;
};

/*
 * ISO 4217 active codes with their minor units (the list of the maintenance agency), sorted
 * for bsearch. Precious metals, testing and "no currency" codes (XAU, XTS, XXX) have no minor
 * unit and are left out: an amount in them is refused.
 */
static const struct currency currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2},
    {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2},
    {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2},
    {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2},
    {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
    {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0},
    {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2},
    {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2},
    {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
    {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0},
    {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};

static int currency_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct currency *)elem)->code);
}

int money_currency_exponent(const char *code)
{
    if (code == NULL || strlen(code) != MONEY_CODE_LEN)
        return -1;
    const struct currency *c = bsearch(code, currencies, sizeof currencies / sizeof currencies[0],
                                       sizeof currencies[0], currency_cmp);
    return c != NULL ? c->exponent : -1;
}

static int64_t pow10_of(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static void separators(enum money_style style, char *group, char *decimal)
{
    *group = style == MONEY_STYLE_EN ? ',' : style == MONEY_STYLE_DE ? '.' : '\0';
    *decimal = style == MONEY_STYLE_DE ? ',' : '.';
}

ERR_MUST_USE static enum err refuse(struct errbuf *eb, const char *code, const char *t, size_t n,
                                    const char *why)
{
    return err_set(eb, ERR_INVAL, code, "amount \"%.*s\" %s", (int)n, t, why);
}

/* The integer part of t from *i up to the decimal separator (or the end), with its thousands
 * separators checked; *i stops at the separator. */
ERR_MUST_USE static enum err money_parse_whole(const char *t, size_t n, size_t *i, char group,
                                               char decimal, int64_t *whole, size_t *int_digits,
                                               struct errbuf *eb)
{
    size_t group_len = 0;
    bool grouped = false;
    for (; *i < n && t[*i] != decimal; (*i)++) {
        char c = t[*i];
        if (c >= '0' && c <= '9') {
            if (__builtin_mul_overflow(*whole, 10, whole) ||
                __builtin_add_overflow(*whole, c - '0', whole))
                return refuse(eb, "money_overflow", t, n, "is too large");
            (*int_digits)++;
            group_len++;
        } else if (group != '\0' && c == group) {
            /* The first group has 1..3 digits, every later one exactly 3. */
            if (*int_digits == 0 || (grouped ? group_len != 3 : group_len > 3))
                return refuse(eb, "bad_amount", t, n, "has misplaced thousands separators");
            grouped = true;
            group_len = 0;
        } else if (c == 'e' || c == 'E') {
            return refuse(eb, "bad_amount", t, n, "is in exponent notation");
        } else {
            return refuse(eb, "bad_amount", t, n, "is not a number");
        }
    }
    if (grouped && group_len != 3)
        return refuse(eb, "bad_amount", t, n, "has misplaced thousands separators");
    return ERR_OK;
}

/* The fraction of an amount: its first exp digits, how many digits there were in all, and
 * whether the dropped ones round up or lose anything. */
struct money_frac {
    int64_t frac;
    int frac_digits, all_frac;
    bool round_up, lossy;
};

/* The fraction of t after the decimal separator at i, if any (i == n: none). */
ERR_MUST_USE static enum err money_parse_frac(const char *t, size_t n, size_t i, int exp,
                                              struct money_frac *f, struct errbuf *eb)
{
    if (i < n) {
        i++; /* the decimal separator */
        if (i == n)
            return refuse(eb, "bad_amount", t, n, "ends with a decimal separator");
        for (; i < n; i++) {
            char c = t[i];
            if (c < '0' || c > '9')
                return refuse(eb, "bad_amount", t, n,
                              c == 'e' || c == 'E' ? "is in exponent notation" : "is not a number");
            if (f->frac_digits < exp) {
                f->frac = f->frac * 10 + (c - '0');
                f->frac_digits++;
            } else {
                /* Half away from zero needs only the first dropped digit. */
                if (f->all_frac == exp)
                    f->round_up = c >= '5';
                if (c != '0')
                    f->lossy = true; /* extra zeros lose nothing */
            }
            f->all_frac++;
        }
    }
    return ERR_OK;
}

enum err money_parse(const char *text, size_t len, const char *currency, enum money_style style,
                     unsigned flags, struct money *out, bool *absent, struct errbuf *eb)
{
    int exp = money_currency_exponent(currency);
    if (exp < 0)
        return err_set(eb, ERR_INVAL, "unknown_currency",
                       "currency \"%.8s\" is not an ISO 4217 "
                       "code with a minor unit",
                       currency != NULL ? currency : "");
    if (text == NULL)
        len = 0;
    if (len > MONEY_TEXT_MAX)
        return err_set(eb, ERR_INVAL, "bad_amount", "amount \"%.20s…\" is longer than %d bytes",
                       text, MONEY_TEXT_MAX);
    if (memchr(text != NULL ? text : "", '\0', len) != NULL)
        return err_set(eb, ERR_INVAL, "bad_amount", "amount contains a NUL byte");
    const char *s = text != NULL ? text : "";
    size_t b = 0, e = len;
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    const char *t = s + b;
    size_t n = e - b;
    bool is_absent = (n == 0 && (flags & MONEY_ABSENT_EMPTY)) ||
                     (n == 1 && t[0] == '/' && (flags & MONEY_ABSENT_SLASH)) ||
                     (n == 1 && t[0] == '-' && (flags & MONEY_ABSENT_DASH));
    if (absent != NULL)
        *absent = is_absent;
    if (is_absent) {
        out->minor = 0;
        memcpy(out->currency, currency, MONEY_CODE_LEN + 1);
        return ERR_OK;
    }
    if (n == 0)
        return err_set(eb, ERR_INVAL, "bad_amount", "amount is empty");

    char group, decimal;
    separators(style, &group, &decimal);
    size_t i = 0;
    bool negative = false;
    if (t[0] == '+' || t[0] == '-') {
        negative = t[0] == '-';
        i = 1;
    }
    int64_t whole = 0;
    size_t int_digits = 0;
    enum err r = money_parse_whole(t, n, &i, group, decimal, &whole, &int_digits, eb);
    if (r != ERR_OK)
        return r;
    struct money_frac fr = {0};
    r = money_parse_frac(t, n, i, exp, &fr, eb);
    if (r != ERR_OK)
        return r;
    if (int_digits == 0 && fr.all_frac == 0)
        return refuse(eb, "bad_amount", t, n, "has no digits");
    if (fr.lossy && !(flags & MONEY_ROUND))
        return err_set(eb, ERR_INVAL, "too_many_decimals",
                       "amount \"%.*s\" has more decimals than %s allows (%d)", (int)n, t, currency,
                       exp);
    int64_t minor;
    fr.frac *= pow10_of(exp - fr.frac_digits);
    if (__builtin_mul_overflow(whole, pow10_of(exp), &minor) ||
        __builtin_add_overflow(minor, fr.frac, &minor) ||
        (fr.round_up && __builtin_add_overflow(minor, 1, &minor)))
        return refuse(eb, "money_overflow", t, n, "is too large");
    out->minor = negative ? -minor : minor;
    memcpy(out->currency, currency, MONEY_CODE_LEN + 1);
    return ERR_OK;
}

enum err money_format(const struct money *m, enum money_style style, char *out, size_t cap)
{
    if (cap > 0)
        out[0] = '\0';
    int exp = money_currency_exponent(m->currency);
    if (exp < 0)
        return ERR_INVAL;
    char group, decimal;
    separators(style, &group, &decimal);
    /* The magnitude as unsigned, so INT64_MIN has one. */
    uint64_t mag = m->minor < 0 ? (uint64_t)0 - (uint64_t)m->minor : (uint64_t)m->minor;
    char rev[MONEY_FORMAT_MAX];
    size_t r = 0;
    for (int d = 0; d < exp; d++) {
        rev[r++] = (char)('0' + mag % 10);
        mag /= 10;
    }
    if (exp > 0)
        rev[r++] = decimal;
    int digits = 0;
    do {
        if (group != '\0' && digits > 0 && digits % 3 == 0)
            rev[r++] = group;
        rev[r++] = (char)('0' + mag % 10);
        mag /= 10;
        digits++;
    } while (mag > 0);
    if (m->minor < 0)
        rev[r++] = '-';
    size_t need = r + 1 + MONEY_CODE_LEN + 1;
    if (need > cap)
        return ERR_TOOBIG;
    for (size_t k = 0; k < r; k++)
        out[k] = rev[r - 1 - k];
    out[r] = ' ';
    memcpy(out + r + 1, m->currency, MONEY_CODE_LEN + 1);
    return ERR_OK;
}

ERR_MUST_USE static enum err money_combine(const struct money *a, const struct money *b,
                                           bool subtract, struct money *out, struct errbuf *eb)
{
    if (strcmp(a->currency, b->currency) != 0 || money_currency_exponent(a->currency) < 0)
        return err_set(eb, ERR_INVAL, "currency_mismatch", "cannot %s %s and %s",
                       subtract ? "subtract" : "add", a->currency, b->currency);
    int64_t r;
    if (subtract ? __builtin_sub_overflow(a->minor, b->minor, &r)
                 : __builtin_add_overflow(a->minor, b->minor, &r))
        return err_set(eb, ERR_INVAL, "money_overflow", "the %s of two %s amounts is too large",
                       subtract ? "difference" : "sum", a->currency);
    out->minor = r;
    memcpy(out->currency, a->currency, MONEY_CODE_LEN + 1);
    return ERR_OK;
}

enum err money_add(const struct money *a, const struct money *b, struct money *out,
                   struct errbuf *eb)
{
    return money_combine(a, b, false, out, eb);
}

enum err money_sub(const struct money *a, const struct money *b, struct money *out,
                   struct errbuf *eb)
{
    return money_combine(a, b, true, out, eb);
}

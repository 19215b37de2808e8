/*
 * The canonical line's vocabulary (line.h): sources, FundDetail sheets, reason codes,
 * withdrawal statuses and the working-day calendar.
 */
#include "settlement/line.h"

#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "settlement/table.h"

static const char *const settle_sources[] = {
    "temu_fund_detail", "temu_settle_export", "temu_withdrawal", "payoneer", "pingpong",
    "lianlian",         "worldfirst",         "airwallex",       "bank",     "other",
};

bool settle_source_valid(const char *source)
{
    for (size_t i = 0; i < sizeof settle_sources / sizeof settle_sources[0]; i++) {
        if (strcmp(source, settle_sources[i]) == 0)
            return true;
    }
    return false;
}

/* §3.1's sheet table; amount columns are what the reference parser tries, then 金额. */
static const struct settle_sheet_kind settle_sheets[] = {
    {"结算-交易收入", "sale", 1, false, {"交易收入", "结算金额", "金额", NULL}},
    {"结算-售后退款", "refund", -1, false, {"退款金额", "金额", NULL, NULL}},
    {"结算-运费收入", "shipping_income", 1, false, {"运费收入", "金额", NULL, NULL}},
    {"结算-运费退款", "shipping_refund", -1, false, {"运费退款", "金额", NULL, NULL}},
    {"支出-履约违规", "penalty", -1, false, {"违规金额", "扣款金额", "支出金额", "金额"}},
    {"支出-买家拒付", "chargeback", -1, false, {"支出金额", "扣款金额", "金额", NULL}},
    {"支出-技术服务费", "fee", -1, false, {"支出金额", "金额", NULL, NULL}},
    {"其他-售后运费结算", "after_sales_shipping", -1, false, {"金额", "支出金额", NULL, NULL}},
    {"账户-税金退回", "tax_refund", 1, true, {"金额", "退回金额", NULL, NULL}},
    {"退回-税金退回", "tax_refund", 1, true, {"金额", "退回金额", NULL, NULL}},
    {"支出-代扣税金", "tax_withheld", -1, false, {"金额", "支出金额", NULL, NULL}},
    {"结算", "sale", 1, false, {"结算金额", "金额", NULL, NULL}},
};

const struct settle_sheet_kind *settle_sheet_kind_find(const char *sheet)
{
    const char *t;
    size_t n = table_trim(sheet, &t);
    for (size_t i = 0; i < sizeof settle_sheets / sizeof settle_sheets[0]; i++) {
        if (strlen(settle_sheets[i].name) == n && memcmp(settle_sheets[i].name, t, n) == 0)
            return &settle_sheets[i];
    }
    return NULL;
}

int settle_sheet_keyword_sign(const char *sheet)
{
    if (strstr(sheet, "退款") || strstr(sheet, "拒付") || strstr(sheet, "支出"))
        return -1;
    if (strstr(sheet, "结算") || strstr(sheet, "收入"))
        return 1;
    return 0;
}

const char *settle_type_of_text(const char *text, int *sign, bool *absolute)
{
    const struct settle_sheet_kind *k = settle_sheet_kind_find(text);
    if (k == NULL)
        return NULL;
    *sign = k->sign;
    *absolute = k->absolute;
    return k->type;
}

static const struct {
    const char *type, *reason;
} settle_reasons[] = {
    {"refund", "refund_partial"},           {"shipping_income", "shipping_income"},
    {"shipping_refund", "shipping_refund"}, {"penalty", "fulfilment_penalty"},
    {"chargeback", "chargeback"},           {"fee", "tech_service_fee"},
    {"commission", "commission_fee"},       {"after_sales_shipping", "after_sales_shipping"},
    {"tax_refund", "tax_refund"},           {"tax_withheld", "tax_withheld"},
};

const char *settle_reason_of_type(const char *type)
{
    for (size_t i = 0; i < sizeof settle_reasons / sizeof settle_reasons[0]; i++) {
        if (strcmp(type, settle_reasons[i].type) == 0)
            return settle_reasons[i].reason;
    }
    return "unexplained";
}

static const struct {
    const char *raw, *status;
} settle_wd_status[] = {
    {"发起申请", "submitted"},    {"银行处理中", "processing"}, {"提现成功", "completed"},
    {"已到账", "completed"},      {"提现失败", "failed"},       {"submitted", "submitted"},
    {"processing", "processing"}, {"completed", "completed"},   {"failed", "failed"},
};

const char *settle_withdrawal_status(const char *raw)
{
    const char *t;
    size_t n = table_trim(raw, &t);
    for (size_t i = 0; i < sizeof settle_wd_status / sizeof settle_wd_status[0]; i++) {
        if (strlen(settle_wd_status[i].raw) == n && memcmp(settle_wd_status[i].raw, t, n) == 0)
            return settle_wd_status[i].status;
    }
    return NULL;
}

/*
 * Our table of public holidays that stop bank transfers, CN (Spring Festival, Labour Day,
 * National Day) and US (New Year, Independence Day, Thanksgiving, Christmas), 2025..2027:
 * first day and length. Extend it as the years come.
 */
static const struct {
    int y, m, d, days;
} settle_holidays[] = {
    {2025, 1, 1, 1},   {2025, 1, 28, 8},  {2025, 5, 1, 5},   {2025, 7, 4, 1},   {2025, 10, 1, 8},
    {2025, 11, 27, 1}, {2025, 12, 25, 1}, {2026, 1, 1, 3},   {2026, 2, 15, 9},  {2026, 5, 1, 5},
    {2026, 7, 3, 1},   {2026, 10, 1, 7},  {2026, 11, 26, 1}, {2026, 12, 25, 1}, {2027, 1, 1, 3},
    {2027, 2, 5, 9},   {2027, 5, 1, 5},   {2027, 7, 5, 1},   {2027, 10, 1, 7},  {2027, 11, 25, 1},
    {2027, 12, 24, 1},
};

bool settle_is_holiday(int64_t t)
{
    int64_t day = (t >= 0 ? t : t - 86399) / 86400;
    int64_t wd = ((day % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday (4); 0 = Sunday */
    if (wd == 0 || wd == 6)
        return true;
    for (size_t i = 0; i < sizeof settle_holidays / sizeof settle_holidays[0]; i++) {
        int64_t first =
            table_days_from_civil(settle_holidays[i].y, settle_holidays[i].m, settle_holidays[i].d);
        if (day >= first && day < first + settle_holidays[i].days)
            return true;
    }
    return false;
}

int64_t settle_add_working_days(int64_t t, int n)
{
    int64_t day = (t >= 0 ? t : t - 86399) / 86400;
    while (n > 0) {
        day++;
        if (!settle_is_holiday(day * 86400))
            n--;
    }
    return day * 86400 + 86399;
}

/* OpenSSL's SHA-256 (the CPU's SHA instructions where it has them: a statement is hashed
 * whole, and libsodium's portable code cost 7 % of an import). */
void settle_sha256_hex(const void *data, size_t len, char out[SETTLE_SHA256_HEX])
{
    unsigned char h[SHA256_DIGEST_LENGTH];
    SHA256(data, len, h);
    sodium_bin2hex(out, SETTLE_SHA256_HEX, h, sizeof h);
}

void settle_copy(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

enum err settle_parse_amount(const char *text, const char *fallback, enum money_style style,
                             bool spreadsheet, struct money *out, bool *absent, struct errbuf *eb)
{
    const char *t;
    size_t n = table_trim(text, &t);
    char cur[MONEY_CODE_LEN + 1];
    settle_copy(cur, sizeof cur, fallback);
    if (n >= 5 && t[n - 1] == ')' && t[n - 5] == '(') {
        memcpy(cur, t + n - 4, MONEY_CODE_LEN);
        cur[MONEY_CODE_LEN] = '\0';
        n -= 5;
    }
    if (money_currency_exponent(cur) < 0)
        return err_set(eb, ERR_INVAL, "bad_currency", "currency \"%s\" is not an ISO 4217 code",
                       cur);
    unsigned flags = MONEY_ABSENT_EMPTY | MONEY_ABSENT_SLASH | MONEY_ABSENT_DASH;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += t[i] >= '0' && t[i] <= '9';
    if (spreadsheet && digits >= 15)
        flags |= MONEY_ROUND;
    return money_parse(t, n, cur, style, flags, out, absent, eb);
}

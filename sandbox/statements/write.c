/*
 * Writes a scenario's files (gen.h): orders.csv, the FundDetail workbook (libxlsxwriter) or a
 * settlement export CSV, withdrawals.csv, credits.csv (a provider statement with a preamble
 * before its header), scenario.json (now, files in import order, the provider profile) and
 * golden.json.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xlsxwriter.h>

#include "gen.h"

static const struct {
    const char *sheet, *amount;
} gen_sheets[] = {
    {"结算-交易收入", "交易收入"}, {"结算-售后退款", "退款金额"}, {"结算-运费退款", "运费退款"},
    {"支出-履约违规", "违规金额"}, {"支出-买家拒付", "支出金额"}, {"支出-技术服务费", "支出金额"},
    {"账户-税金退回", "金额"},
};

static void gen_time_text(int64_t t, int offset, char *out, size_t cap)
{
    time_t tt = (time_t)(t + offset);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
}

static void gen_money_text(int64_t minor, char *out, size_t cap)
{
    int64_t a = minor < 0 ? -minor : minor;
    snprintf(out, cap, "%s%lld.%02lld", minor < 0 ? "-" : "", (long long)(a / 100),
             (long long)(a % 100));
}

static FILE *gen_open(const char *dir, const char *name, json_t *files)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "temu-statements: cannot write %s: %s\n", path, strerror(errno));
    else if (files != NULL)
        json_array_append_new(files, json_string(name));
    return f;
}

static bool gen_orders_csv(const struct gen *g, const char *dir, json_t *files)
{
    FILE *f = gen_open(dir, "orders.csv", files);
    if (f == NULL)
        return false;
    fputs("order_sn,expected_amount,currency,ordered_at,pickup_at,delivered_at,"
          "after_sales_open\n",
          f);
    for (int i = 0; i < g->norders; i++) {
        const struct gen_order *o = &g->orders[i];
        char m[32];
        gen_money_text(o->amount, m, sizeof m);
        fprintf(f, "%s,%s,USD,%lld,%lld,%lld,%d\n", o->sn, m, (long long)o->ordered,
                (long long)o->pickup, (long long)o->delivered, o->hold);
    }
    return fclose(f) == 0;
}

/* One sheet: header, lines, a 合计 row and an amount-only trailing row. */
static void gen_sheet(const struct gen *g, lxw_workbook *wb, int k, lxw_format *datefmt)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, gen_sheets[k].sheet);
    const char *head[] = {"账务时间", "订单编号", "币种", "账务类型", gen_sheets[k].amount, "备注"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    lxw_row_t r = 1;
    int64_t total = 0;
    for (int i = 0; i < g->nlines; i++) {
        const struct gen_line *l = &g->lines[i];
        if (strcmp(l->sheet, gen_sheets[k].sheet) != 0)
            continue;
        char t[32];
        gen_time_text(l->posted, GEN_BJ, t, sizeof t);
        if (l->serial) {
            time_t tt = (time_t)(l->posted + GEN_BJ);
            struct tm tm;
            gmtime_r(&tt, &tm);
            lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                               tm.tm_hour,        tm.tm_min,     tm.tm_sec};
            worksheet_write_datetime(ws, r, 0, &dt, datefmt);
        } else {
            worksheet_write_string(ws, r, 0, t, NULL);
        }
        worksheet_write_string(ws, r, 1, l->ref[0] ? l->ref : "/", NULL);
        worksheet_write_string(ws, r, 2, "USD", NULL);
        worksheet_write_string(ws, r, 3, gen_sheets[k].sheet, NULL);
        worksheet_write_number(ws, r, 4, (double)l->amount / 100.0, NULL);
        worksheet_write_string(ws, r, 5, "/", NULL);
        total += l->amount;
        r++;
    }
    worksheet_write_string(ws, r, 0, "合计", NULL);
    worksheet_write_number(ws, r, 4, (double)total / 100.0, NULL);
    worksheet_write_number(ws, r + 1, 4, (double)total / 100.0, NULL);
}

static bool gen_workbook(const struct gen *g, const char *dir, json_t *files)
{
    char name[128], path[1024];
    snprintf(name, sizeof name, "Shop %s FundDetail-%lld000-%04x.xlsx", g->name, (long long)GEN_NOW,
             (unsigned)(g->nlines * 2654435761u) & 0xffffu);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    lxw_workbook *wb = workbook_new(path);
    if (wb == NULL)
        return false;
    lxw_format *datefmt = workbook_add_format(wb);
    format_set_num_format(datefmt, "yyyy-mm-dd hh:mm:ss");
    for (int k = 0; k < (int)(sizeof gen_sheets / sizeof gen_sheets[0]); k++) {
        bool used = k == 0;
        for (int i = 0; i < g->nlines && !used; i++)
            used = strcmp(g->lines[i].sheet, gen_sheets[k].sheet) == 0;
        if (used)
            gen_sheet(g, wb, k, datefmt);
    }
    lxw_worksheet *note = workbook_add_worksheet(wb, "说明");
    worksheet_write_string(note, 0, 0, "本文件由 temu-statements 生成 (generated)", NULL);
    json_array_append_new(files, json_string(name));
    return workbook_close(wb) == LXW_NO_ERROR;
}

static bool gen_export_csv(const struct gen *g, const char *dir, json_t *files)
{
    FILE *f = gen_open(dir, "settle_export.csv", files);
    if (f == NULL)
        return false;
    fputs("\xEF\xBB\xBF订单编号,结算时间,币种,交易类型,结算金额\n", f);
    for (int i = 0; i < g->nlines; i++) {
        char t[32], m[32];
        gen_time_text(g->lines[i].posted, GEN_BJ, t, sizeof t);
        gen_money_text(g->lines[i].amount, m, sizeof m);
        fprintf(f, "%s,%s,USD,%s,%s\n", g->lines[i].ref, t, g->lines[i].sheet, m);
    }
    return fclose(f) == 0;
}

static bool gen_payout_csvs(const struct gen *g, const char *dir, json_t *files)
{
    char t[32], m[32];
    FILE *f = g->nwds ? gen_open(dir, "withdrawals.csv", files) : NULL;
    if (g->nwds && f == NULL)
        return false;
    if (f != NULL) {
        fputs("fund_account,created_at,amount,currency,status,beneficiary\n", f);
        for (int i = 0; i < g->nwds; i++) {
            gen_time_text(g->wds[i].at, GEN_BJ, t, sizeof t);
            gen_money_text(g->wds[i].amount, m, sizeof m);
            fprintf(f, "货款提现,%s,%s(CNY),CNY,%s,中国银行 (6217)\n", t, m, g->wds[i].status);
        }
        if (fclose(f) != 0)
            return false;
    }
    f = g->ncredits ? gen_open(dir, "credits.csv", files) : NULL;
    if (g->ncredits && f == NULL)
        return false;
    if (f != NULL) {
        fputs("Airwallex account statement\nAccount,GEN-1\n\nDate,Description,Amount,Currency,"
              "Reference\n",
              f);
        for (int i = 0; i < g->ncredits; i++) {
            gen_time_text(g->credits[i].at, 0, t, sizeof t);
            gen_money_text(g->credits[i].amount, m, sizeof m);
            fprintf(f, "%s,Payout from Temu,%s,CNY,%s\n", t, m, g->credits[i].ref);
        }
        if (fclose(f) != 0)
            return false;
    }
    return true;
}

static json_t *gen_golden(const struct gen *g)
{
    return json_pack("{s:{s:I, s:I, s:I, s:I}, s:O, s:{s:I, s:I, s:I}, s:{s:I, s:I}, "
                     "s:{s:I, s:I, s:I}}",
                     "orders", "matched", (json_int_t)g->matched, "partial", (json_int_t)g->partial,
                     "missing", (json_int_t)g->missing, "unexpected", (json_int_t)g->unexpected,
                     "reasons", g->reasons, "lines", "total", (json_int_t)g->lines_total,
                     "duplicate", (json_int_t)g->lines_dup, "unknown_order",
                     (json_int_t)g->lines_unknown, "withdrawals", "matched",
                     (json_int_t)g->wd_matched, "unmatched", (json_int_t)g->wd_unmatched, "credits",
                     "matched", (json_int_t)g->cr_matched, "fx", (json_int_t)g->cr_fx, "unmatched",
                     (json_int_t)g->cr_unmatched);
}

static bool gen_json(const char *dir, const char *name, json_t *j)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok = j != NULL && json_dump_file(j, path, JSON_INDENT(2) | JSON_SORT_KEYS) == 0;
    json_decref(j);
    return ok;
}

bool gen_write(struct gen *g, const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "temu-statements: cannot create %s: %s\n", dir, strerror(errno));
        return false;
    }
    json_t *files = json_array();
    bool ok = gen_orders_csv(g, dir, files) &&
              (g->csv_lines ? gen_export_csv(g, dir, files) : gen_workbook(g, dir, files)) &&
              gen_payout_csvs(g, dir, files);
    json_t *profile = json_pack(
        "{s:s, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "name", "provider_credits",
        "source", "airwallex", "kind", "credits", "currency", "CNY", "utc_offset_hours", 0, "style",
        "plain", "map", "posted_at", "Date", "net", "Amount", "currency", "Currency", "reference",
        "Reference", "counterparty", "Description");
    json_t *sc = json_pack("{s:s, s:I, s:o, s:[o]}", "name", g->name, "now", (json_int_t)GEN_NOW,
                           "files", files, "profiles", profile);
    ok = ok && gen_json(dir, "scenario.json", sc);
    return ok && gen_json(dir, "golden.json", gen_golden(g));
}

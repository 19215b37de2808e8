/*
 * Rows to canonical lines (import_private.h): the header of each sheet or file, summary rows
 * (合计 / 总计, amount-only rows), the fields of a line, and the INSERT of each line (or the
 * upsert of an order's expected amount with its history).
 */
#include <stdio.h>
#include <string.h>

#include "base/parse.h"
#include "settlement/expected.h"
#include "settlement/import_private.h"
#include "settlement/xlsx.h"

/* FundDetail column names per field; amount names come from the sheet's row of §3.1. */
static const char *const fd_time_names[] = {"账务时间", "时间", "到账时间"};
static const char *const fd_other_names[] = {"订单编号", "币种", "账务类型", "交易类型"};
static const enum settle_field fd_other_fields[] = {SF_ORDER_REF, SF_CURRENCY, SF_TYPE_RAW,
                                                    SF_TYPE_RAW};
static const char *const fd_generic_amounts[] = {"金额", "支出金额", "结算金额", "扣款金额"};

static void settle_imp_add_name(struct settle_imp *imp, const char *name, enum settle_field f)
{
    if (imp->hdr.spec.nnames < SF__COUNT) {
        imp->names[imp->hdr.spec.nnames] = name;
        imp->name_field[imp->hdr.spec.nnames] = (int)f;
        imp->hdr.spec.nnames++;
    }
}

/* The names a FundDetail sheet's header row is read with (at least the time and an amount). */
static void settle_imp_fund_names(struct settle_imp *imp)
{
    for (size_t i = 0; i < sizeof fd_time_names / sizeof fd_time_names[0]; i++)
        settle_imp_add_name(imp, fd_time_names[i], SF_POSTED_AT);
    for (size_t i = 0; i < sizeof fd_other_names / sizeof fd_other_names[0]; i++)
        settle_imp_add_name(imp, fd_other_names[i], fd_other_fields[i]);
    const char *const *am = imp->kind != NULL ? imp->kind->amount : fd_generic_amounts;
    for (size_t i = 0; i < 4 && am[i] != NULL; i++)
        settle_imp_add_name(imp, am[i], SF_NET);
}

enum err settle_imp_sheet_begin(struct settle_imp *imp, const char *sheet, struct errbuf *eb)
{
    imp->sheet = sheet;
    imp->header_done = false;
    memset(&imp->hdr, 0, sizeof imp->hdr);
    for (int f = 0; f < SF__COUNT; f++)
        imp->col[f] = -1;
    imp->hdr.spec.nnames = 0;
    if (imp->p != NULL) {
        for (int f = 0; f < SF__COUNT; f++) {
            if (imp->p->map[f][0] != '\0')
                settle_imp_add_name(imp, imp->p->map[f], (enum settle_field)f);
        }
        imp->hdr.spec.min_matches = imp->hdr.spec.nnames;
        imp->hdr.spec.max_rows = 30;
    } else {
        imp->kind = settle_sheet_kind_find(sheet);
        imp->sheet_sign = imp->kind != NULL ? imp->kind->sign : settle_sheet_keyword_sign(sheet);
        settle_imp_fund_names(imp);
        imp->hdr.spec.min_matches = 2;
        imp->hdr.spec.max_rows = 5;
    }
    struct table_header_spec spec = imp->hdr.spec;
    spec.names = imp->names;
    return table_header_init(&imp->hdr, &spec, eb);
}

void settle_imp_note(struct settle_imp *imp, size_t row, const char *message)
{
    if (imp->notes != NULL && json_array_size(imp->notes) < 200)
        json_array_append_new(imp->notes, json_pack("{s:s, s:I, s:s}", "sheet", imp->sheet, "row",
                                                    (json_int_t)row, "message", message));
}

static const char *settle_cell(const struct table_row *row, long col, char *buf, size_t cap)
{
    if (col < 0 || (size_t)col >= row->ncells)
        return "";
    const char *t;
    size_t n = table_trim(row->cells[col], &t);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, t, n);
    buf[n] = '\0';
    return buf;
}

/* A summary row: any cell with 合计 or 总计, or only the amount cell filled. */
static bool settle_is_summary(const struct settle_imp *imp, const struct table_row *row)
{
    size_t filled = 0;
    bool amount = false;
    for (size_t i = 0; i < row->ncells; i++) {
        if (strstr(row->cells[i], "合计") || strstr(row->cells[i], "总计"))
            return true;
        const char *t;
        size_t n = table_trim(row->cells[i], &t);
        if (n > 0 && !(n == 1 && (t[0] == '/' || t[0] == '-'))) {
            filled++;
            amount = amount || (long)i == imp->col[SF_NET] || (long)i == imp->col[SF_GROSS];
        }
    }
    return filled == 1 && amount;
}

static bool settle_all_digits(const char *s)
{
    size_t dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p < '0' || *p > '9')
            return false;
    }
    return *s != '\0' && dots <= 1;
}

/* A time cell: an Excel serial in a workbook, Unix seconds in a CSV, or date-time text. */
ERR_MUST_USE static enum err settle_time(const struct settle_imp *imp, const struct table_row *row,
                                         long col, bool required, int64_t *out, struct errbuf *eb)
{
    char buf[64];
    const char *t = settle_cell(row, col, buf, sizeof buf);
    *out = 0;
    if (t[0] == '\0' || strcmp(t, "/") == 0 || strcmp(t, "0") == 0) {
        if (!required)
            return ERR_OK;
        return err_set(eb, ERR_INVAL, "bad_time", "no time in column %s",
                       imp->names[0] != NULL ? imp->names[0] : "?");
    }
    if (settle_all_digits(t)) {
        if (imp->xlsx)
            return xlsx_serial_to_unix(t, imp->date1904,
                                       imp->p ? imp->p->utc_offset_s : SETTLE_BEIJING_UTC, out, eb);
        return parse_int64(t, 0, INT64_C(253402300799), out) == ERR_OK
                   ? ERR_OK
                   : err_set(eb, ERR_INVAL, "bad_time", "time \"%s\" is out of range", t);
    }
    return table_time_parse(t, imp->p ? imp->p->utc_offset_s : SETTLE_BEIJING_UTC, out, eb);
}

/* An amount cell in the line's currency (a "(CNY)" suffix or the currency column wins). */
ERR_MUST_USE static enum err settle_amount(const struct settle_imp *imp,
                                           const struct table_row *row, long col,
                                           struct settle_line *l, int64_t *out, bool *absent,
                                           struct errbuf *eb)
{
    char buf[96];
    struct money m;
    enum err e =
        settle_parse_amount(settle_cell(row, col, buf, sizeof buf), l->currency,
                            imp->p ? imp->p->style : MONEY_STYLE_EN, imp->xlsx, &m, absent, eb);
    if (e == ERR_OK) {
        *out = m.minor;
        memcpy(l->currency, m.currency, sizeof l->currency);
    } else if (e == ERR_INVAL) {
        char name[TABLE_COLUMN_NAME_MAX], msg[200];
        table_column_name((size_t)col, name);
        snprintf(msg, sizeof msg, "%s", errbuf_message(eb, e));
        e = err_set(eb, e, errbuf_code(eb, e), "row %zu column %s: %s", row->number, name, msg);
    }
    return e;
}

/* The type and applied sign of a line; false when the type cannot be told (skipped). */
static bool settle_line_type(const struct settle_imp *imp, struct settle_line *l)
{
    const char *kind = imp->p ? imp->p->kind : "lines";
    int sign = imp->sheet_sign;
    bool absolute = imp->kind != NULL && imp->kind->absolute;
    const char *type = imp->kind != NULL ? imp->kind->type : NULL;
    if (strcmp(kind, "withdrawals") == 0) {
        const char *st = settle_withdrawal_status(l->status);
        if (st != NULL)
            settle_copy(l->status, sizeof l->status, st);
        settle_copy(l->type, sizeof l->type, "withdrawal");
        return true;
    }
    if (strcmp(kind, "credits") == 0) {
        settle_copy(l->type, sizeof l->type, l->net >= 0 ? "credit" : "debit");
        return true;
    }
    if (imp->p != NULL && imp->p->map[SF_TYPE_RAW][0] == '\0') {
        /* A statement that names no transaction type: the amount keeps the sign it has. */
        settle_copy(l->type, sizeof l->type, l->net < 0 ? "other_debit" : "other_credit");
        return true;
    }
    if (imp->p != NULL || type == NULL) {
        const char *t = l->type_raw[0] ? settle_type_of_text(l->type_raw, &sign, &absolute) : NULL;
        if (t != NULL)
            type = t;
        else if (imp->p == NULL && sign != 0)
            type = sign < 0 ? "other_debit" : "other_credit";
    }
    if (type == NULL)
        return false;
    settle_copy(l->type, sizeof l->type, type);
    /* Amounts are read as magnitudes and get the type's sign (§3.1); raw_sign keeps the file's. */
    int64_t mag = l->net < 0 ? -l->net : l->net;
    (void)absolute;
    l->net = sign < 0 ? -mag : mag;
    return true;
}

/* Reads every field of a data row into l (ERR_INVAL with the row and column on a bad cell). */
ERR_MUST_USE static enum err settle_fields(struct settle_imp *imp, const struct table_row *row,
                                           struct settle_line *l, bool *absent, struct errbuf *eb)
{
    char buf[SETTLE_TEXT_MAX];
    memset(l, 0, sizeof *l);
    l->row = row->number;
    settle_copy(l->sheet, sizeof l->sheet, imp->sheet);
    settle_copy(l->source, sizeof l->source, imp->p ? imp->p->source : "temu_fund_detail");
    l->utc_offset_s = imp->p ? imp->p->utc_offset_s : SETTLE_BEIJING_UTC;
    settle_copy(l->currency, sizeof l->currency, imp->p ? imp->p->currency : "CNY");
    const char *cur = settle_cell(row, imp->col[SF_CURRENCY], buf, sizeof buf);
    if (cur[0] != '\0' && strcmp(cur, "/") != 0)
        settle_copy(l->currency, sizeof l->currency, cur);
    settle_copy(l->order_ref, sizeof l->order_ref,
                settle_cell(row, imp->col[SF_ORDER_REF], buf, sizeof buf));
    if (strcmp(l->order_ref, "/") == 0)
        l->order_ref[0] = '\0';
    settle_copy(l->type_raw, sizeof l->type_raw,
                imp->col[SF_TYPE_RAW] >= 0
                    ? settle_cell(row, imp->col[SF_TYPE_RAW], buf, sizeof buf)
                    : imp->sheet);
    settle_copy(l->counterparty, sizeof l->counterparty,
                settle_cell(row, imp->col[SF_COUNTERPARTY], buf, sizeof buf));
    settle_copy(l->reference, sizeof l->reference,
                settle_cell(row, imp->col[SF_REFERENCE], buf, sizeof buf));
    settle_copy(l->line_id, sizeof l->line_id,
                settle_cell(row, imp->col[SF_LINE_ID], buf, sizeof buf));
    settle_copy(l->status, sizeof l->status,
                settle_cell(row, imp->col[SF_STATUS], buf, sizeof buf));
    bool exp = imp->p != NULL && strcmp(imp->p->kind, "expected") == 0;
    enum err e = settle_time(imp, row, imp->col[SF_POSTED_AT], !exp, &l->posted_at, eb);
    bool a_net = true, a_gross = true, a_fee = true, a_bal = true;
    if (e == ERR_OK && imp->col[SF_NET] >= 0)
        e = settle_amount(imp, row, imp->col[SF_NET], l, &l->net, &a_net, eb);
    if (e == ERR_OK && imp->col[SF_GROSS] >= 0)
        e = settle_amount(imp, row, imp->col[SF_GROSS], l, &l->gross, &a_gross, eb);
    if (e == ERR_OK && imp->col[SF_FEE] >= 0)
        e = settle_amount(imp, row, imp->col[SF_FEE], l, &l->fee, &a_fee, eb);
    if (e == ERR_OK && imp->col[SF_BALANCE_AFTER] >= 0)
        e = settle_amount(imp, row, imp->col[SF_BALANCE_AFTER], l, &l->balance_after, &a_bal, eb);
    if (e != ERR_OK)
        return e;
    l->has_gross = !a_gross, l->has_fee = !a_fee, l->has_balance = !a_bal;
    if (a_net && l->has_gross)
        l->net = l->gross - (l->has_fee ? l->fee : 0), a_net = false;
    else if (!a_net && l->has_gross && l->has_fee && l->net != l->gross - l->fee)
        return err_set(eb, ERR_INVAL, "net_mismatch", "row %zu: net is not gross minus fee",
                       row->number);
    *absent = a_net;
    l->raw_sign = l->net > 0 ? 1 : l->net < 0 ? -1 : 0;
    return ERR_OK;
}

static void settle_total_add(struct settle_imp *imp, const struct settle_line *l)
{
    for (size_t i = 0; i < imp->ntotals; i++) {
        struct settle_total *t = &imp->totals[i];
        if (strcmp(t->type, l->type) == 0 && strcmp(t->currency, l->currency) == 0) {
            t->count++;
            t->sum += l->net;
            return;
        }
    }
    if (imp->ntotals < SETTLE_TOTALS_MAX) {
        struct settle_total *t = &imp->totals[imp->ntotals++];
        settle_copy(t->type, sizeof t->type, l->type);
        settle_copy(t->currency, sizeof t->currency, l->currency);
        t->count = 1;
        t->sum = l->net;
    }
}

/*
 * The columns of a line; an optional one is left out of a batch's INSERT when every line of
 * the batch has its default there ('' or NULL, the table's defaults), so a statement binds
 * only what it carries (a Temu export has no gross, fee, counterparty, reference, status,
 * balance or line id of its own).
 */
static const struct {
    const char *name;
    bool optional;
} settle_cols[SETTLE_LINE_COLUMNS] = {
    {"id", false},         {"sheet", true},      {"row_number", false},
    {"line_id", true},     {"posted_at", false}, {"utc_offset_s", false},
    {"type_raw", false},   {"type", false},      {"order_ref", false},
    {"gross_minor", true}, {"fee_minor", true},  {"net_minor", false},
    {"raw_sign", false},   {"currency", false},  {"counterparty", true},
    {"reference", true},   {"status", true},     {"balance_after_minor", true},
};

static void settle_line_params(const struct settle_line *l, int64_t key,
                               struct db_param v[SETTLE_LINE_COLUMNS])
{
    struct db_param p[SETTLE_LINE_COLUMNS] = {
        DB_P_INT(key),
        DB_P_TEXT(l->sheet),
        DB_P_INT((int64_t)l->row),
        DB_P_TEXT(l->line_id),
        DB_P_INT(l->posted_at),
        DB_P_INT(l->utc_offset_s),
        DB_P_TEXT(l->type_raw),
        DB_P_TEXT(l->type),
        DB_P_TEXT(l->order_ref),
        l->has_gross ? DB_P_INT(l->gross) : DB_P_NULL,
        l->has_fee ? DB_P_INT(l->fee) : DB_P_NULL,
        DB_P_INT(l->net),
        DB_P_INT(l->raw_sign),
        DB_P_TEXT(l->currency),
        DB_P_TEXT(l->counterparty),
        DB_P_TEXT(l->reference),
        DB_P_TEXT(l->status),
        l->has_balance ? DB_P_INT(l->balance_after) : DB_P_NULL,
    };
    memcpy(v, p, sizeof p);
}

/* A parameter that is its column's default: NULL, or '' for text. */
static bool settle_is_default(const struct db_param *p)
{
    return p->type == DB_NULL || (p->type == DB_TEXT && p->text[0] == '\0');
}

/* The INSERT of n lines with the columns of mask (bit k: column k). */
ERR_MUST_USE static enum err settle_batch_sql(struct settle_imp *imp, size_t n, uint32_t mask,
                                              size_t ncols, struct errbuf *eb)
{
    if (imp->sql_lines == n && imp->sql_mask == mask)
        return ERR_OK;
    size_t off = (size_t)snprintf(imp->sql, sizeof imp->sql, "INSERT INTO settlement_lines (");
    for (size_t k = 0, c = 0; k < SETTLE_LINE_COLUMNS && off < sizeof imp->sql; k++) {
        if (mask & (UINT32_C(1) << k))
            off += (size_t)snprintf(imp->sql + off, sizeof imp->sql - off, "%s%s", c++ ? ", " : "",
                                    settle_cols[k].name);
    }
    if (off < sizeof imp->sql)
        off += (size_t)snprintf(imp->sql + off, sizeof imp->sql - off, ") VALUES ");
    for (size_t i = 0; i < n && off < sizeof imp->sql; i++) {
        for (size_t k = 0; k < ncols && off < sizeof imp->sql; k++)
            off += (size_t)snprintf(imp->sql + off, sizeof imp->sql - off, "%s$%zu%s",
                                    k == 0 ? (i == 0 ? "(" : ",(") : ",", i * ncols + k + 1,
                                    k + 1 == ncols ? ")" : "");
    }
    if (off >= sizeof imp->sql)
        return err_set(eb, ERR_INTERNAL, NULL, "the line batch statement is too long");
    imp->sql_lines = n;
    imp->sql_mask = mask;
    return ERR_OK;
}

enum err settle_imp_flush(struct settle_imp *imp, struct errbuf *eb)
{
    size_t n = imp->nbatch, ncols = 0, np = 0;
    if (n == 0)
        return ERR_OK;
    uint32_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        settle_line_params(&imp->batch[i], imp->keys[i], imp->params[i]);
        for (size_t k = 0; k < SETTLE_LINE_COLUMNS; k++) {
            if (!settle_cols[k].optional || !settle_is_default(&imp->params[i][k]))
                mask |= UINT32_C(1) << k;
        }
    }
    for (size_t k = 0; k < SETTLE_LINE_COLUMNS; k++)
        ncols += (mask >> k) & 1u;
    /* Packed: the kept parameters of line i follow those of line i - 1. */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < SETTLE_LINE_COLUMNS; k++) {
            if (mask & (UINT32_C(1) << k))
                imp->packed[np++] = imp->params[i][k];
        }
    }
    imp->nbatch = 0;
    enum err e = settle_batch_sql(imp, n, mask, ncols, eb);
    return e ? e : db_exec(imp->c, imp->sql, imp->packed, np, NULL, eb);
}

/* Queues a line (its key: the file's number and its place in the file) for the next batch; a
 * line without its own id is read with its provenance as id (SETTLE_LINE_ID_SQL). */
ERR_MUST_USE static enum err settle_store_line(struct settle_imp *imp, struct settle_line *l,
                                               struct errbuf *eb)
{
    if (l != &imp->batch[imp->nbatch])
        imp->batch[imp->nbatch] = *l;
    imp->keys[imp->nbatch++] = imp->file_no * SETTLE_FILE_KEY_SPAN + ++imp->seq;
    return imp->nbatch == SETTLE_LINE_BATCH ? settle_imp_flush(imp, eb) : ERR_OK;
}

/* An order's expected amount: upserted, with a history row whenever the amount moves. */
ERR_MUST_USE static enum err settle_store_expected(struct settle_imp *imp,
                                                   const struct table_row *row,
                                                   const struct settle_line *l, struct errbuf *eb)
{
    int64_t pickup = 0, delivered = 0;
    char buf[16];
    enum err e = settle_time(imp, row, imp->col[SF_PICKUP_AT], false, &pickup, eb);
    e = e ? e : settle_time(imp, row, imp->col[SF_DELIVERED_AT], false, &delivered, eb);
    if (e != ERR_OK)
        return e;
    const char *hold = settle_cell(row, imp->col[SF_AFTER_SALES], buf, sizeof buf);
    bool open = strcmp(hold, "1") == 0 || strcmp(hold, "true") == 0 || strcmp(hold, "yes") == 0;
    struct settle_expected x = {l->order_ref, "",     l->currency, imp->sha, l->net,
                                l->posted_at, pickup, delivered,   open};
    return settle_expected_put(imp->c, &x, imp->now, NULL, eb);
}

static void settle_imp_bad(struct settle_imp *imp, const struct errbuf *eb, enum err e)
{
    if (imp->nbad < SETTLE_BAD_ROWS_SHOWN)
        snprintf(imp->bad[imp->nbad], sizeof imp->bad[0], "%s%s%s", imp->sheet,
                 imp->sheet[0] ? ": " : "", errbuf_message(eb, e));
    imp->nbad++;
}

/* The header row: its columns per field, first name found wins. */
static void settle_imp_columns(struct settle_imp *imp)
{
    imp->header_done = true;
    for (size_t i = 0; i < imp->hdr.spec.nnames; i++) {
        int f = imp->name_field[i];
        if (imp->hdr.column[i] >= 0 && imp->col[f] < 0)
            imp->col[f] = imp->hdr.column[i];
    }
}

enum err settle_imp_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    struct settle_imp *imp = ctx;
    if (!imp->header_done) {
        enum err e = table_header_feed(&imp->hdr, row, eb);
        if (e == ERR_OK && imp->hdr.found)
            settle_imp_columns(imp);
        return e;
    }
    if (settle_is_summary(imp, row)) {
        imp->skipped++;
        return ERR_OK;
    }
    /* Read straight into the next batch slot (written only when the line is stored). */
    struct settle_line *lp = &imp->batch[imp->nbatch];
    bool absent = false;
    struct errbuf inner = {{0}, {0}};
    enum err e = settle_fields(imp, row, lp, &absent, &inner);
    if (e == ERR_INVAL || e == ERR_PARSE) {
        if (strncmp(errbuf_message(&inner, e), "row ", 4) != 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s", errbuf_message(&inner, e));
            e = err_set(&inner, e, errbuf_code(&inner, e), "row %zu: %s", row->number, msg);
        }
        settle_imp_bad(imp, &inner, e);
        return ERR_OK;
    }
    if (e != ERR_OK)
        return err_set(eb, e, errbuf_code(&inner, e), "%s", errbuf_message(&inner, e));
    if (absent) {
        imp->skipped++;
        return ERR_OK;
    }
    if (imp->p != NULL && strcmp(imp->p->kind, "expected") == 0) {
        imp->lines++;
        return settle_store_expected(imp, row, lp, eb);
    }
    if (!settle_line_type(imp, lp)) {
        char msg[200];
        snprintf(msg, sizeof msg, "transaction type \"%.80s\" is not known; row skipped",
                 lp->type_raw);
        settle_imp_note(imp, row->number, msg);
        imp->skipped++;
        return ERR_OK;
    }
    settle_total_add(imp, lp);
    imp->lines++;
    return settle_store_line(imp, lp, eb);
}

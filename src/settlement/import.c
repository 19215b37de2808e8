/*
 * Statement file import (import.h): size cap, hash, detection of the format and profile, one
 * transaction per file, control total.
 */
#include "settlement/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settlement/csv_reader.h"
#include "settlement/import_private.h"
#include "settlement/xlsx.h"

void settle_import_result_clear(struct settle_import_result *r)
{
    json_decref(r->totals);
    json_decref(r->notes);
    r->totals = NULL;
    r->notes = NULL;
}

/* The import row of sha when it exists: r filled, *found true. */
ERR_MUST_USE static enum err settle_import_existing(struct db *db, struct settle_import_result *r,
                                                    bool *found, struct errbuf *eb)
{
    struct db_rows *rows = NULL;
    struct db_param p[] = {DB_P_TEXT(r->sha256)};
    enum err e = db_pool_query(db,
                               "SELECT profile, source, kind, lines, skipped, totals FROM "
                               "settlement_imports WHERE file_sha256 = $1",
                               p, 1, &rows, eb);
    *found = e == ERR_OK && db_rows_count(rows) == 1;
    if (*found) {
        settle_copy(r->profile, sizeof r->profile, db_rows_get(rows, 0, 0));
        settle_copy(r->source, sizeof r->source, db_rows_get(rows, 0, 1));
        settle_copy(r->kind, sizeof r->kind, db_rows_get(rows, 0, 2));
        r->lines = (size_t)db_rows_int_or(rows, 0, 3, 0);
        r->skipped = (size_t)db_rows_int_or(rows, 0, 4, 0);
        json_decref(r->totals);
        r->totals = json_loads(db_rows_get(rows, 0, 5), 0, NULL);
        r->existed = true;
    }
    db_rows_free(rows);
    return e;
}

struct settle_detect {
    struct table_header h[8];
    const char *names[8][SF__COUNT];
    size_t n, rows;
    long found;
};

ERR_MUST_USE static enum err settle_detect_row(void *ctx, const struct table_row *row,
                                               struct errbuf *eb)
{
    struct settle_detect *d = ctx;
    for (size_t i = 0; i < d->n; i++) {
        struct errbuf ignored = {{0}, {0}};
        if (table_header_feed(&d->h[i], row, &ignored) == ERR_OK && d->h[i].found) {
            d->found = (long)i;
            return err_set(eb, ERR_CONFLICT, "detected", "detected");
        }
    }
    return ++d->rows >= 30 ? err_set(eb, ERR_CONFLICT, "detected", "none") : ERR_OK;
}

/* The built-in profile whose header a CSV carries, or ERR_NOTFOUND asking for --profile. */
ERR_MUST_USE static enum err settle_detect_csv(const void *data, size_t len,
                                               const struct settle_profile **out, struct errbuf *eb)
{
    struct settle_detect d;
    memset(&d, 0, sizeof d);
    d.found = -1;
    const struct settle_profile *b = settle_profiles_builtin(&d.n);
    for (size_t i = 0; i < d.n && i < 8; i++) {
        size_t k = 0;
        for (int f = 0; f < SF__COUNT; f++) {
            if (b[i].map[f][0] != '\0')
                d.names[i][k++] = b[i].map[f];
        }
        struct table_header_spec spec = {d.names[i], k, k, 30};
        if (table_header_init(&d.h[i], &spec, eb) != ERR_OK)
            return ERR_INTERNAL;
    }
    struct errbuf inner = {{0}, {0}};
    enum err e = csv_reader_read_buffer(data, len, NULL, settle_detect_row, &d, NULL, &inner);
    if (e != ERR_OK && e != ERR_CONFLICT)
        return err_set(eb, e, errbuf_code(&inner, e), "%s", errbuf_message(&inner, e));
    if (d.found < 0)
        return err_set(eb, ERR_NOTFOUND, "header_not_found",
                       "the header maps nothing: no built-in statement header (Temu settlement "
                       "export, withdrawals, order amounts) in the first rows; save a mapping "
                       "profile and import with --profile");
    *out = &b[d.found];
    return ERR_OK;
}

static bool settle_has_fund_sheets(const struct xlsx *x)
{
    for (size_t i = 0; i < xlsx_sheet_count(x); i++) {
        if (settle_sheet_kind_find(xlsx_sheet_name(x, i)) != NULL)
            return true;
    }
    return false;
}

/* Reads every sheet of a FundDetail workbook, or the first sheet with a profile's header. */
ERR_MUST_USE static enum err settle_read_xlsx(struct settle_imp *imp, struct xlsx *x,
                                              struct errbuf *eb)
{
    imp->xlsx = true;
    imp->date1904 = xlsx_date1904(x);
    for (size_t i = 0; i < xlsx_sheet_count(x); i++) {
        const char *name = xlsx_sheet_name(x, i);
        enum err e = settle_imp_sheet_begin(imp, name, eb);
        if (e != ERR_OK)
            return e;
        if (imp->p == NULL && imp->kind == NULL && imp->sheet_sign == 0) {
            settle_imp_note(imp, 0, "unknown sheet: no known transaction type; skipped");
            continue;
        }
        e = xlsx_sheet_read(x, i, settle_imp_row, imp, eb);
        if (e == ERR_OK && !imp->header_done)
            e = table_header_finish(&imp->hdr, eb);
        if (e == ERR_NOTFOUND && imp->p == NULL) {
            settle_imp_note(imp, 0, errbuf_message(eb, e));
            continue;
        }
        if (e == ERR_NOTFOUND && imp->p != NULL && i + 1 < xlsx_sheet_count(x))
            continue;
        if (e != ERR_OK || imp->p != NULL)
            return e;
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err settle_read(struct settle_imp *imp, const void *data, size_t len,
                                         struct xlsx *x, struct errbuf *eb)
{
    if (x != NULL)
        return settle_read_xlsx(imp, x, eb);
    enum err e = settle_imp_sheet_begin(imp, "", eb);
    e = e ? e : csv_reader_read_buffer(data, len, NULL, settle_imp_row, imp, NULL, eb);
    return e == ERR_OK ? table_header_finish(&imp->hdr, eb) : e;
}

/* The sum of every line, in their one currency; ERR_INVAL when they have several. */
ERR_MUST_USE static enum err settle_control_check(const struct settle_imp *imp, const char *control,
                                                  struct errbuf *eb)
{
    struct money sum = {0, ""};
    for (size_t i = 0; i < imp->ntotals; i++) {
        if (sum.currency[0] != '\0' && strcmp(sum.currency, imp->totals[i].currency) != 0)
            return err_set(eb, ERR_INVAL, "control_total_currencies",
                           "the file has lines in %s and %s: a control total needs one currency",
                           sum.currency, imp->totals[i].currency);
        memcpy(sum.currency, imp->totals[i].currency, sizeof sum.currency);
        sum.minor += imp->totals[i].sum;
    }
    if (sum.currency[0] == '\0')
        settle_copy(sum.currency, sizeof sum.currency, imp->p ? imp->p->currency : "CNY");
    struct money want;
    bool absent = false;
    enum err e =
        settle_parse_amount(control, sum.currency, MONEY_STYLE_EN, false, &want, &absent, eb);
    if (e == ERR_OK && (absent || strcmp(want.currency, sum.currency) != 0))
        e = err_set(eb, ERR_INVAL, "bad_control_total", "the control total must be an amount in %s",
                    sum.currency);
    if (e != ERR_OK || want.minor == sum.minor)
        return e;
    char a[MONEY_FORMAT_MAX], b[MONEY_FORMAT_MAX];
    if (money_format(&want, MONEY_STYLE_EN, a, sizeof a) != ERR_OK ||
        money_format(&sum, MONEY_STYLE_EN, b, sizeof b) != ERR_OK)
        return err_set(eb, ERR_INTERNAL, NULL, "cannot format the control total");
    return err_set(eb, ERR_INVAL, "control_total_mismatch",
                   "control total %s disagrees with the file's lines, which sum to %s; nothing "
                   "was imported",
                   a, b);
}

static json_t *settle_totals_json(const struct settle_imp *imp)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < imp->ntotals; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I}", "type", imp->totals[i].type,
                                           "currency", imp->totals[i].currency, "count",
                                           (json_int_t)imp->totals[i].count, "amount_minor",
                                           (json_int_t)imp->totals[i].sum));
    return a;
}

ERR_MUST_USE static enum err settle_bad_rows(const struct settle_imp *imp, struct errbuf *eb)
{
    char msg[1024];
    size_t off = (size_t)snprintf(msg, sizeof msg,
                                  "%zu row(s) could not be read; nothing was "
                                  "imported:",
                                  imp->nbad);
    for (size_t i = 0; i < imp->nbad && i < 5 && off < sizeof msg; i++)
        off += (size_t)snprintf(msg + off, sizeof msg - off, " %s;", imp->bad[i]);
    return err_set(eb, ERR_INVAL, "bad_rows", "%s", msg);
}

/* The transaction: the import row, every line, the checks, the totals. */
ERR_MUST_USE static enum err settle_import_tx(struct settle_imp *imp, const void *data, size_t len,
                                              struct xlsx *x, const struct settle_import_opts *o,
                                              struct settle_import_result *r, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(r->sha256),
                           DB_P_TEXT(o->file_name ? o->file_name : ""),
                           DB_P_TEXT(r->profile),
                           DB_P_TEXT(r->source),
                           DB_P_TEXT(r->kind),
                           DB_P_INT(o->now),
                           DB_P_TEXT(o->actor ? o->actor : "")};
    struct db_rows *no = NULL;
    enum err e = db_begin(imp->c, eb);
    e = e ? e
          : db_query(imp->c,
                     "INSERT INTO settlement_imports (file_sha256, file_name, profile, source, "
                     "kind, lines, skipped, totals, imported_at, imported_by, file_no) VALUES ($1, "
                     "$2, $3, $4, $5, 0, 0, '[]', $6, $7, (SELECT COALESCE(MAX(file_no), 0) + 1 "
                     "FROM settlement_imports)) RETURNING file_no",
                     p, 7, &no, eb);
    if (e == ERR_OK &&
        (db_rows_count(no) != 1 || (imp->file_no = db_rows_int_or(no, 0, 0, 0)) <= 0))
        e = err_set(eb, ERR_DB, NULL, "the import row got no file number");
    db_rows_free(no);
    e = e ? e : settle_read(imp, data, len, x, eb);
    e = e ? e : settle_imp_flush(imp, eb);
    if (e == ERR_OK && imp->nbad > 0)
        e = settle_bad_rows(imp, eb);
    if (e == ERR_OK && o->control_total != NULL)
        e = settle_control_check(imp, o->control_total, eb);
    json_t *totals = settle_totals_json(imp);
    char *text = totals ? json_dumps(totals, JSON_COMPACT) : NULL;
    if (e == ERR_OK && text == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    struct db_param u[] = {DB_P_TEXT(r->sha256), DB_P_INT((int64_t)imp->lines),
                           DB_P_INT((int64_t)imp->skipped), DB_P_TEXT(text ? text : "[]")};
    e = e ? e
          : db_exec(imp->c,
                    "UPDATE settlement_imports SET lines = $2, skipped = $3, totals = $4 WHERE "
                    "file_sha256 = $1",
                    u, 4, NULL, eb);
    e = e ? e : db_commit(imp->c, eb);
    if (e != ERR_OK)
        err_discard(db_rollback(imp->c));
    free(text);
    r->lines = imp->lines;
    r->skipped = imp->skipped;
    r->totals = totals;
    return e;
}

/* Chooses the profile: --profile, FundDetail sheets, or a built-in CSV header. */
ERR_MUST_USE static enum err settle_choose(struct db *db, const void *data, size_t len,
                                           struct xlsx *x, const struct settle_import_opts *o,
                                           struct settle_profile *prof, bool *fund,
                                           struct errbuf *eb)
{
    *fund = false;
    if (o->profile != NULL && o->profile[0] != '\0')
        return settle_profile_load(db, o->profile, prof, eb);
    if (x != NULL && settle_has_fund_sheets(x)) {
        *fund = true;
        return ERR_OK;
    }
    if (x != NULL)
        return err_set(eb, ERR_NOTFOUND, "header_not_found",
                       "the workbook has no Temu FundDetail sheet; import it with --profile");
    const struct settle_profile *b = NULL;
    enum err e = settle_detect_csv(data, len, &b, eb);
    if (e == ERR_OK && b != NULL)
        *prof = *b;
    return e;
}

/* One attempt: the reading state, the transaction on a connection of its own. */
ERR_MUST_USE static enum err settle_import_run(struct db *db, const void *data, size_t len,
                                               struct xlsx *x, const struct settle_import_opts *o,
                                               const struct settle_profile *prof, bool fund,
                                               struct settle_import_result *r, struct errbuf *eb)
{
    struct settle_imp *imp = calloc(1, sizeof *imp);
    if (imp == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    imp->sha = r->sha256;
    imp->now = o->now;
    imp->p = fund ? NULL : prof;
    imp->notes = json_array();
    r->notes = imp->notes;
    settle_copy(r->profile, sizeof r->profile, fund ? "temu_fund_detail" : prof->name);
    settle_copy(r->source, sizeof r->source, fund ? "temu_fund_detail" : prof->source);
    settle_copy(r->kind, sizeof r->kind, fund ? "lines" : prof->kind);
    imp->c = db_acquire(db);
    enum err e = settle_import_tx(imp, data, len, x, o, r, eb);
    db_release(imp->c);
    free(imp);
    return e;
}

enum err settle_import_buffer(struct db *db, const void *data, size_t len,
                              const struct settle_import_opts *o, struct settle_import_result *r,
                              struct errbuf *eb)
{
    memset(r, 0, sizeof *r);
    if ((uint64_t)len > SETTLE_FILE_MAX_BYTES)
        return err_set(eb, ERR_TOOBIG, "file_too_big",
                       "the file is %zu bytes; statements over %llu MiB are refused", len,
                       (unsigned long long)(SETTLE_FILE_MAX_BYTES >> 20));
    settle_sha256_hex(data, len, r->sha256);
    bool found = false;
    enum err e = settle_import_existing(db, r, &found, eb);
    if (e != ERR_OK || found)
        return e;
    struct xlsx *x = NULL;
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        e = xlsx_open_buffer(data, len, NULL, &x, eb);
        if (e != ERR_OK)
            return e;
    }
    struct settle_profile prof;
    bool fund = false;
    e = settle_choose(db, data, len, x, o, &prof, &fund, eb);
    /* A conflict: the same file imported meanwhile (done), or another file took the next file
     * number first (PostgreSQL, concurrent imports): then once more. */
    for (int attempt = 0; e == ERR_OK && attempt < 2; attempt++) {
        e = settle_import_run(db, data, len, x, o, &prof, fund, r, eb);
        if (e != ERR_CONFLICT)
            break;
        if (settle_import_existing(db, r, &found, eb) == ERR_OK && found) {
            e = ERR_OK;
            break;
        }
        if (attempt == 0) {
            settle_import_result_clear(r);
            e = ERR_OK;
        }
    }
    xlsx_free(x);
    return e;
}

enum err settle_import_file(struct db *db, const char *path, const struct settle_import_opts *o,
                            struct settle_import_result *r, struct errbuf *eb)
{
    memset(r, 0, sizeof *r);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return err_set(eb, ERR_IO, "cannot_read", "cannot read %s: not a regular file", path);
    if ((uint64_t)st.st_size > SETTLE_FILE_MAX_BYTES)
        return err_set(eb, ERR_TOOBIG, "file_too_big",
                       "%s is %lld bytes; statements over %llu MiB are refused (nothing was read)",
                       path, (long long)st.st_size,
                       (unsigned long long)(SETTLE_FILE_MAX_BYTES >> 20));
    FILE *f = fopen(path, "rb");
    size_t n = (size_t)st.st_size;
    char *data = f ? malloc(n ? n : 1) : NULL;
    bool ok = data != NULL && fread(data, 1, n, f) == n;
    if (f)
        fclose(f);
    enum err e = ok ? settle_import_buffer(db, data, n, o, r, eb)
                    : err_set(eb, ERR_IO, "cannot_read", "cannot read %s", path);
    free(data);
    return e;
}

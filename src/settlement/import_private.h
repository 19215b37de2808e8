/*
 * Between import.c (file, detection, transaction, totals) and import_rows.c (rows to
 * canonical lines, FundDetail sheets, mapped files). Not part of the module's interface.
 */
#ifndef AICOS_SETTLEMENT_IMPORT_PRIVATE_H
#define AICOS_SETTLEMENT_IMPORT_PRIVATE_H

#include "settlement/import.h"
#include "settlement/profile.h"
#include "settlement/table.h"

#define SETTLE_TOTALS_MAX   64
#define SETTLE_LINE_BATCH   64 /* lines per INSERT */
#define SETTLE_LINE_COLUMNS 18 /* parameters per line */

struct settle_total {
    char type[32];
    char currency[MONEY_CODE_LEN + 1];
    int64_t count, sum;
};

struct settle_imp {
    struct db_conn *c;
    const char *sha;
    int64_t now;
    const struct settle_profile *p; /* the profile rows are mapped through */
    bool xlsx;
    int date1904;
    /* The current sheet (FundDetail) or file. */
    const char *sheet;
    const struct settle_sheet_kind *kind; /* NULL: mapped, or an unknown sheet by keyword */
    int sheet_sign;
    bool header_done;
    struct table_header hdr;
    const char *names[SF__COUNT];
    int name_field[SF__COUNT];
    long col[SF__COUNT];
    /* Results. */
    size_t lines, skipped, nbad;
    char bad[SETTLE_BAD_ROWS_SHOWN][240];
    json_t *notes;
    struct settle_total totals[SETTLE_TOTALS_MAX];
    size_t ntotals;
    /* The lines not yet written, their statement (built for sql_lines lines) and parameters. */
    int64_t file_no, seq;
    struct settle_line batch[SETTLE_LINE_BATCH];
    int64_t keys[SETTLE_LINE_BATCH];
    size_t nbatch, sql_lines;
    uint32_t sql_mask; /* the columns sql has (bit k: column k) */
    char sql[SETTLE_LINE_BATCH * SETTLE_LINE_COLUMNS * 8 + 512];
    struct db_param params[SETTLE_LINE_BATCH][SETTLE_LINE_COLUMNS];
    struct db_param packed[SETTLE_LINE_BATCH * SETTLE_LINE_COLUMNS];
};

/* Resets the per-sheet state; with p NULL the sheet is a FundDetail one (kind or sign). */
ERR_MUST_USE enum err settle_imp_sheet_begin(struct settle_imp *imp, const char *sheet,
                                             struct errbuf *eb);

/* The table_row_fn of every reader: header, summary rows, then one line (or skip) per row. */
ERR_MUST_USE enum err settle_imp_row(void *ctx, const struct table_row *row, struct errbuf *eb);

/* Writes the queued lines (one INSERT); the import calls it once more after the last row. */
ERR_MUST_USE enum err settle_imp_flush(struct settle_imp *imp, struct errbuf *eb);

/* Adds a note {sheet, row, message} (row 0: the whole sheet). */
void settle_imp_note(struct settle_imp *imp, size_t row, const char *message);

#endif

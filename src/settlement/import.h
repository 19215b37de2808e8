/*
 * Statement file import (tracking-and-settlement.md Part 3). A file is read whole (capped at
 * SETTLE_FILE_MAX_BYTES, refused before reading when larger), hashed, and imported in one
 * transaction: every canonical line (line.h) with its provenance, or nothing. Formats:
 *  - Temu FundDetail .xlsx (§3.1): one sheet per transaction type, Chinese headers, "/" for
 *    empty, summary rows skipped, Beijing time; unknown sheets get the keyword sign or are
 *    skipped and reported;
 *  - CSV with a built-in profile found by its header: temu_settle_export (§3.2),
 *    temu_withdrawal (§3.3), order_amounts (the expected amount of each order, with history);
 *  - any CSV or single-sheet XLSX through a saved mapping profile (§3.5; profile.h), the
 *    header row found automatically.
 * Re-importing the same bytes is a no-op; a control total that disagrees fails the import;
 * unparseable rows fail it with their row numbers.
 */
#ifndef AICOS_SETTLEMENT_IMPORT_H
#define AICOS_SETTLEMENT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "settlement/line.h"
#include "store/db.h"

#define SETTLE_FILE_MAX_BYTES ((uint64_t)64 * 1024 * 1024)
#define SETTLE_BAD_ROWS_SHOWN 20 /* row errors quoted in the message and notes */
/*
 * A line's key (settlement_lines.id): its file's number (settlement_imports.file_no, 1, 2, ...
 * in import order) times SETTLE_FILE_KEY_SPAN plus its place in the file (1, 2, ...), so a
 * file's lines are one key range. SETTLE_FILE_KEY_SQL is the span as an SQL literal.
 */
#define SETTLE_FILE_KEY_SPAN (INT64_C(1) << 40)
#define SETTLE_FILE_KEY_SQL  "1099511627776"
/* A line's id as read (l: settlement_lines, i: its import): the statement's own, else the
 * provenance "<first 16 hex of the file's SHA-256>/<sheet>/<row>" (not stored). */
#define SETTLE_LINE_ID_SQL                                                                         \
    "CASE WHEN l.line_id <> '' THEN l.line_id ELSE substr(i.file_sha256, 1, 16) || '/' || "        \
    "l.sheet || '/' || CAST(l.row_number AS TEXT) END"

struct settle_import_opts {
    const char *file_name;     /* shown in lists; the path's last part */
    const char *profile;       /* NULL: detect (FundDetail sheets or a built-in header) */
    const char *control_total; /* NULL or the expected sum of the lines ("1,234.50") */
    const char *actor;
    int64_t now;
};

struct settle_import_result {
    char sha256[SETTLE_SHA256_HEX];
    bool existed; /* the same file was imported before: nothing changed */
    char profile[64];
    char source[24];
    char kind[16]; /* lines, withdrawals, credits, expected */
    size_t lines, skipped;
    json_t *totals; /* [{type, currency, count, amount_minor}] (owned; free with _clear) */
    json_t *notes;  /* [{sheet, row, message}] skipped sheets and rows (owned) */
};

/* Frees what r owns; NULL-safe members. */
void settle_import_result_clear(struct settle_import_result *r);

/*
 * Imports the len bytes at data. ERR_OK with r->existed when already imported. Errors:
 * ERR_TOOBIG over the cap, ERR_PARSE for an unreadable workbook or CSV, ERR_NOTFOUND
 * (header_not_found, unknown_profile) when nothing maps, ERR_INVAL for rows that cannot be
 * read (the message quotes the first rows) or a control total that disagrees
 * (control_total_mismatch), ERR_DB. Nothing is stored on any error.
 */
ERR_MUST_USE enum err settle_import_buffer(struct db *db, const void *data, size_t len,
                                           const struct settle_import_opts *o,
                                           struct settle_import_result *r, struct errbuf *eb);

/* settle_import_buffer() of the file at path; a file over the cap is refused unread. */
ERR_MUST_USE enum err settle_import_file(struct db *db, const char *path,
                                         const struct settle_import_opts *o,
                                         struct settle_import_result *r, struct errbuf *eb);

#endif

/*
 * export: one writer of tables for every front end (the audit log, settlement lists, …).
 *
 * A table is a sequence of rows of typed cells: text, integers and plain decimals. The writer
 * streams them as CSV (RFC 4180: CRLF line ends, fields with a comma, a quote, CR or LF quoted
 * with quotes doubled; optional UTF-8 byte-order mark so spreadsheets read UTF-8) or as XLSX
 * (one worksheet, libxlsxwriter in constant-memory mode, assembled in a temporary file that is
 * copied to the output at the end and removed).
 *
 * Formula injection: a text cell that starts with '=', '+', '-', '@', a tab, a CR or any other
 * control character would be evaluated (or mangled) by a spreadsheet. In CSV such a cell is
 * written with a leading apostrophe (and quoted); in XLSX every text cell is a string cell,
 * never a formula, so it is shown as written. Numbers typed as numbers (export_cell_int,
 * export_cell_decimal) are checked to be plain numbers and stay numbers: "-15.90" is a number
 * in XLSX and an unquoted -15.90 in CSV, because a checked number cannot be a formula.
 *
 * Errors are sticky: the cell and row functions record the first failure (too many rows or
 * columns, a cell over its limit, a decimal that is not one, a write error) and ignore what
 * follows; export_finish() returns it. Invalid UTF-8 in text becomes U+FFFD.
 *
 *     struct export_options o;
 *     export_options_init(&o, EXPORT_CSV);
 *     struct export *x;
 *     if (export_open(&o, out, &x, eb) != ERR_OK) ...
 *     export_cell_text(x, "id"); export_cell_text(x, "amount"); export_row_end(x);
 *     export_cell_int(x, 7); export_cell_decimal(x, "-15.90"); export_row_end(x);
 *     e = export_finish(x, eb);   (writes the rest, frees x)
 */
#ifndef AICOS_EXPORT_EXPORT_H
#define AICOS_EXPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

#define EXPORT_ROWS_MAX       1048576            /* XLSX's row limit, header included */
#define EXPORT_COLS_MAX       16384              /* XLSX's column limit */
#define EXPORT_CELL_BYTES_MAX 32767              /* XLSX's cell text limit */
#define EXPORT_SHEET_NAME_MAX 31                 /* XLSX's sheet name limit */
#define EXPORT_ROW_BYTES_MAX  (64 * 1024 * 1024) /* one CSV row, encoded */

enum export_format { EXPORT_CSV, EXPORT_XLSX };

struct export_options {
    enum export_format format;
    bool bom;              /* CSV: start with the UTF-8 byte-order mark */
    const char *sheet;     /* XLSX: worksheet name (1..31 bytes, none of []:*?/\); "Sheet1" */
    size_t max_rows;       /* 1..EXPORT_ROWS_MAX, rows of the whole table */
    size_t max_cols;       /* 1..EXPORT_COLS_MAX */
    size_t max_cell_bytes; /* 1..EXPORT_CELL_BYTES_MAX, bytes of one text cell */
    const char *tmpdir;    /* XLSX: folder of the temporary file; NULL: $TMPDIR or /tmp */
};

struct export;

/* Fills o with the defaults of format (no BOM, "Sheet1", the XLSX maxima). */
void export_options_init(struct export_options *o, enum export_format format);

/*
 * Starts a table written to out (not closed by the writer). ERR_INVAL naming the option for
 * values out of bounds; ERR_IO when the XLSX temporary file cannot be made. *x is freed by
 * export_finish() or export_free().
 */
ERR_MUST_USE enum err export_open(const struct export_options *o, FILE *out, struct export **x,
                                  struct errbuf *eb);

/* export_open, then a header row of the n texts heads (on failure *x is NULL). */
ERR_MUST_USE enum err export_open_table(const struct export_options *o, FILE *out,
                                        const char *const *heads, size_t n, struct export **x,
                                        struct errbuf *eb);

/* A text cell (NULL is an empty cell). */
void export_cell_text(struct export *x, const char *s);

/* An integer cell (XLSX: a number when |v| <= 2^53, else its digits as text). */
void export_cell_int(struct export *x, int64_t v);

/* A time as an ISO 8601 UTC text cell ("2026-12-04T21:30:00Z"); t <= 0 is an empty cell. */
void export_cell_utc(struct export *x, int64_t t);

/*
 * A decimal cell: s must match -?[0-9]+(\.[0-9]{1,4})? (at most 18 digits), as money_format
 * writes amounts; anything else is an ERR_INVAL for the table. XLSX: a number shown with as
 * many decimals as s has.
 */
void export_cell_decimal(struct export *x, const char *s);

/* Ends the current row (a row may be empty). */
void export_row_end(struct export *x);

/*
 * Completes the file (XLSX: closes the workbook and copies it to out), frees x (NULL is
 * ERR_INVAL) and returns the first error of the table, or ERR_IO when writing out failed.
 */
ERR_MUST_USE enum err export_finish(struct export *x, struct errbuf *eb);

/* Abandons a table (the temporary file is removed); NULL is a no-op. */
void export_free(struct export *x);

/* True when a text cell must be neutralized (its first byte is = + - @ or a control byte). */
bool export_needs_neutralizing(const char *s);

/*
 * Appends s as one CSV field to b: neutralized with a leading apostrophe when
 * export_needs_neutralizing(s), quoted when neutralized or holding , " CR or LF.
 */
ERR_MUST_USE enum err export_csv_field(struct buf *b, const char *s);

/* True when s is a decimal export_cell_decimal accepts; *decimals gets its fraction digits. */
bool export_decimal_valid(const char *s, int *decimals);

#endif

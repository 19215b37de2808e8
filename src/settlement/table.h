/*
 * A row of a statement file as both readers deliver it (xlsx.h, csv_reader.h), and what
 * callers do with such rows: column letters for messages, cells trimmed of half- and
 * full-width spaces, amounts read from a cell with an error that names the row and column,
 * and the header-row detector (the first row that names enough of a profile's columns).
 */
#ifndef AICOS_SETTLEMENT_TABLE_H
#define AICOS_SETTLEMENT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/money.h"

#define TABLE_COLUMN_NAME_MAX 8 /* "XFD" and beyond, NUL included */

/*
 * One row. number is the row as a person sees it: the spreadsheet row (1-based) for XLSX,
 * the line the record starts on for CSV. cells[i] is column i (0 = A), never NULL, "" when
 * empty; the array and strings live until the row callback returns.
 */
struct table_row {
    size_t number;
    size_t ncells;
    const char *const *cells;
};

/*
 * Called once per row; a result other than ERR_OK stops the reader, which returns it (and
 * whatever the callback put into eb).
 */
typedef enum err (*table_row_fn)(void *ctx, const struct table_row *row, struct errbuf *eb);

/* Writes the spreadsheet letters of column index col (0 -> "A", 26 -> "AA") into out. */
void table_column_name(size_t col, char out[TABLE_COLUMN_NAME_MAX]);

/*
 * The cell text between leading and trailing ASCII spaces, tabs, no-break spaces (U+00A0)
 * and ideographic spaces (U+3000): *start points into s, the result is its length.
 */
size_t table_trim(const char *s, const char **start);

/*
 * Reads cell col of row as an amount (money_parse() with currency, style and flags). A
 * missing column counts as an empty cell. Errors carry "row N column C: " before
 * money_parse()'s message, e.g. `row 5 column C: amount "abc" is not a number`.
 */
ERR_MUST_USE enum err table_cell_money(const struct table_row *row, size_t col,
                                       const char *currency, enum money_style style, unsigned flags,
                                       struct money *out, bool *absent, struct errbuf *eb);

/*
 * Parses a local date-time as statements write it, "yyyy-MM-dd HH:mm:ss" ("/" between the
 * date parts also accepted; seconds, or the whole time, may be left out), read at
 * utc_offset_s east of UTC (Beijing: 8 * 3600), into Unix seconds. Surrounding spaces are
 * ignored (table_trim()). Impossible dates (2025-02-29, 24:00), years outside 1970..9999 and
 * anything else are ERR_INVAL (code bad_time) quoting the text. Excel serial numbers are
 * xlsx_serial_to_unix()'s.
 */
ERR_MUST_USE enum err table_time_parse(const char *text, int32_t utc_offset_s, int64_t *out,
                                       struct errbuf *eb);

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (integers only). */
int64_t table_days_from_civil(int64_t y, int m, int d);

#define TABLE_HEADER_NAMES_MAX 64 /* expected names in one profile */

/*
 * What a header row should contain: names (UTF-8, compared after table_trim(), ASCII case
 * ignored), of which at least min_matches must appear, within the first max_rows rows.
 */
struct table_header_spec {
    const char *const *names;
    size_t nnames;
    size_t min_matches;
    size_t max_rows;
};

/* The detector's state; fill spec, then feed rows with table_header_feed(). */
struct table_header {
    struct table_header_spec spec;
    size_t rows_seen;
    bool found;
    size_t row_number;                   /* the header row, once found */
    long column[TABLE_HEADER_NAMES_MAX]; /* per expected name: its column, or -1 */
    size_t best_matches, best_row;       /* for the error when none is found */
};

/*
 * Starts detection. ERR_INVAL when the spec is empty, asks for more matches than names, has
 * more than TABLE_HEADER_NAMES_MAX names or max_rows 0.
 */
ERR_MUST_USE enum err table_header_init(struct table_header *h,
                                        const struct table_header_spec *spec, struct errbuf *eb);

/*
 * Looks at the next row. ERR_OK with h->found set on the header row (the first occurrence of
 * a name wins; later rows are then ignored), ERR_OK with found false to go on, and
 * ERR_NOTFOUND (code header_not_found) once max_rows rows matched too little; the message
 * names the best row and how many names it matched.
 */
ERR_MUST_USE enum err table_header_feed(struct table_header *h, const struct table_row *row,
                                        struct errbuf *eb);

/*
 * The end of the file before a header was found: ERR_NOTFOUND like table_header_feed(), or
 * ERR_OK when found.
 */
ERR_MUST_USE enum err table_header_finish(const struct table_header *h, struct errbuf *eb);

#endif

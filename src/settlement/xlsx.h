/*
 * A streaming reader of .xlsx workbooks (Office Open XML spreadsheets) on libzip and libexpat.
 * It lists the sheets (xl/workbook.xml and its relationships), loads the shared strings and
 * streams the rows of one sheet as arrays of cell strings: shared and inline strings as text,
 * numbers exactly as written in the file (never through a float), booleans "0"/"1", errors
 * as their text ("#N/A"); dates stay serial numbers (xlsx_serial_to_unix() converts them).
 *
 * Every size is bounded before or while it is read (struct xlsx_limits): entries in the
 * archive, bytes per entry and in all (counted while inflating, not trusted from headers),
 * the inflation ratio (zip bombs), sheets, shared strings, rows, cells per row and in all,
 * bytes per cell. Each violation is its own error naming the entry, sheet, row or column.
 * Documents with a DTD are refused (no entity expansion).
 */
#ifndef AICOS_SETTLEMENT_XLSX_H
#define AICOS_SETTLEMENT_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "settlement/table.h"

struct xlsx_limits {
    size_t max_entries;       /* files in the archive */
    uint64_t max_entry_bytes; /* inflated bytes of one file */
    uint64_t max_total_bytes; /* inflated bytes of everything read */
    uint64_t max_ratio;       /* inflated / compressed bytes of one file */
    size_t max_sheets;
    size_t max_shared_strings; /* entries of xl/sharedStrings.xml */
    size_t max_rows;           /* rows of one sheet */
    size_t max_row_cells;      /* columns of one row (the last filled column counts) */
    uint64_t max_cells;        /* cells of one sheet */
    size_t max_cell_bytes;     /* text of one cell or shared string */
};

/*
 * Defaults that any real statement passes: 1000 entries, 256 MiB per entry and 512 MiB in
 * all, ratio 200, 256 sheets, 1,000,000 shared strings, 1,048,576 rows (Excel's maximum),
 * 1024 cells per row, 20,000,000 cells per sheet, 32,767 bytes per cell (Excel's maximum).
 */
void xlsx_limits_default(struct xlsx_limits *lim);

struct xlsx;

/*
 * Opens the workbook at path (or the len bytes at data, which must outlive the handle),
 * checks the archive against lim (NULL: the defaults), reads the sheet list and the shared
 * strings. ERR_PARSE for anything that is not a readable workbook (not a zip, truncated,
 * no xl/workbook.xml, malformed XML), ERR_TOOBIG for a limit, ERR_IO when path cannot be
 * read, ERR_NOMEM. *out is NULL on failure.
 */
ERR_MUST_USE enum err xlsx_open_file(const char *path, const struct xlsx_limits *lim,
                                     struct xlsx **out, struct errbuf *eb);
ERR_MUST_USE enum err xlsx_open_buffer(const void *data, size_t len, const struct xlsx_limits *lim,
                                       struct xlsx **out, struct errbuf *eb);

/* Closes the workbook; NULL is a no-op. */
void xlsx_free(struct xlsx *x);

/* Number of sheets, in workbook order. */
size_t xlsx_sheet_count(const struct xlsx *x);

/* Name of sheet i (UTF-8), or NULL when i is out of range. */
const char *xlsx_sheet_name(const struct xlsx *x, size_t i);

/* Index of the sheet called name, or -1. */
long xlsx_sheet_find(const struct xlsx *x, const char *name);

/* 1 when the workbook counts dates from 1904 (workbookPr date1904), else 0. */
int xlsx_date1904(const struct xlsx *x);

/*
 * Streams the rows of sheet i to fn, in file order. Rows with no cells are not delivered;
 * cells between filled ones are "". Row numbers come from the file (r="5") or count on.
 * ERR_NOTFOUND for a bad index, ERR_PARSE for malformed XML or a bad cell (a shared-string
 * index out of range, a column before the previous one), ERR_TOOBIG for a limit, or what
 * fn returned.
 */
ERR_MUST_USE enum err xlsx_sheet_read(struct xlsx *x, size_t i, table_row_fn fn, void *ctx,
                                      struct errbuf *eb);

/*
 * Converts an Excel date serial as written ("45678", "45678.75") to Unix seconds, reading
 * the serial as local time at utc_offset_s east of UTC (Beijing: 8 * 3600) and rounding to
 * the second. date1904 as from xlsx_date1904(). Serials before 1900-03-01 (where Excel's
 * calendar is wrong), after 9999-12-31, negative or not a plain decimal are ERR_INVAL.
 */
ERR_MUST_USE enum err xlsx_serial_to_unix(const char *serial, int date1904, int32_t utc_offset_s,
                                          int64_t *out, struct errbuf *eb);

#endif

/*
 * A streaming CSV reader on libcsv for statement files: strict quoting, UTF-8 with or
 * without a byte-order mark, or GB18030 (what Excel and WPS write for Chinese Windows),
 * detected and converted to UTF-8 with iconv. Detection: a UTF-8 BOM means UTF-8 (and must
 * then be valid); otherwise the whole file valid as UTF-8 means UTF-8 (so plain ASCII is
 * UTF-8); anything else is read as GB18030, and a byte that is not GB18030 either fails
 * with its line. UTF-16 files (BOM FF FE or FE FF) are refused with a hint.
 *
 * Rows go to a table_row_fn (table.h) numbered by the line they start on (1-based, so they
 * match what an editor shows; blank lines produce no row). Bounded: file bytes, rows,
 * fields per row, bytes per field and per row; a NUL byte is refused. Every error names the
 * line.
 */
#ifndef AICOS_SETTLEMENT_CSV_READER_H
#define AICOS_SETTLEMENT_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "settlement/table.h"

struct csv_reader_limits {
    uint64_t max_bytes; /* the whole file, before conversion */
    size_t max_rows;
    size_t max_fields;      /* per row */
    size_t max_field_bytes; /* per field, after conversion */
    size_t max_row_bytes;   /* all fields of one row, after conversion */
};

/* 256 MiB, 5,000,000 rows, 1024 fields, 32,767 bytes per field, 1 MiB per row. */
void csv_reader_limits_default(struct csv_reader_limits *lim);

enum csv_reader_encoding {
    CSV_READER_UTF8 = 0,
    CSV_READER_UTF8_BOM,
    CSV_READER_GB18030,
};

/* "utf-8", "utf-8 with BOM", "gb18030". */
const char *csv_reader_encoding_name(enum csv_reader_encoding enc);

struct csv_reader_options {
    unsigned char delimiter;                /* 0 means ',' */
    const struct csv_reader_limits *limits; /* NULL means the defaults */
};

/*
 * Reads the file at path (or the len bytes at data) and calls fn for every row. encoding
 * (may be NULL) receives what was detected. ERR_IO when the file cannot be read, ERR_TOOBIG
 * for a limit, ERR_PARSE for bad quoting or bytes that are no supported encoding, or what
 * fn returned. Rows delivered before an error stay delivered: callers that must be
 * all-or-nothing collect in a transaction.
 */
ERR_MUST_USE enum err csv_reader_read_file(const char *path, const struct csv_reader_options *opt,
                                           table_row_fn fn, void *ctx,
                                           enum csv_reader_encoding *encoding, struct errbuf *eb);
ERR_MUST_USE enum err csv_reader_read_buffer(const void *data, size_t len,
                                             const struct csv_reader_options *opt, table_row_fn fn,
                                             void *ctx, enum csv_reader_encoding *encoding,
                                             struct errbuf *eb);

#endif

/*
 * Private to the XLSX reader (xlsx.c: the archive, the workbook and its shared strings;
 * xlsx_sheet.c: the rows of a sheet and dates). Nothing outside src/settlement/xlsx*.c
 * includes this.
 */
#ifndef AICOS_SETTLEMENT_XLSX_PRIVATE_H
#define AICOS_SETTLEMENT_XLSX_PRIVATE_H

#include <expat.h>
#include <stdbool.h>
#include <zip.h>

#include "settlement/xlsx.h"

#define XLSX_MAX_ROW 1048576 /* Excel's last row */

struct sheet {
    char *name;
    char *rid;
    char *path;
};

struct xlsx {
    zip_t *zip;
    struct xlsx_limits lim;
    uint64_t total_read;
    struct sheet *sheets;
    size_t nsheets;
    int date1904;
    char *shared_target; /* from the workbook relationships, or NULL */
    /* Shared strings: NUL-terminated one after the other in strings, offsets in offset. */
    char *strings;
    size_t strings_len, strings_cap;
    size_t *offset;
    size_t count, offset_cap;
};

/* Growable byte text with a ceiling; the text stays NUL-terminated. */
struct text {
    char *p;
    size_t len, cap, max;
};

/* Appends n bytes to t, keeping it NUL-terminated; false past t->max or out of memory. */
bool xlsx_text_add(struct text *t, const char *s, size_t n);

/* The local part of an expat name "uri|local". */
const char *xlsx_local(const char *name);

/* The value of attribute name (local part compared), or NULL. */
const char *xlsx_attr(const char **atts, const char *name);

/* What every parse context starts with, so handlers can stop the parser with an error. */
struct xml_base {
    XML_Parser parser;
    enum err err;
    struct errbuf *eb;
};

/* Records e (the first error wins) and stops the parser. */
void xlsx_xml_stop(struct xml_base *b, enum err e);

/* A namespace-aware parser with base as user data and DTDs refused; NULL without memory. */
XML_Parser xlsx_parser_new(struct xml_base *base, struct errbuf *eb);

/*
 * Inflates the archive entry name into base's parser, counting what it really inflates
 * against the limits (entry, total, ratio). With required false a missing entry is
 * ERR_NOTFOUND without a message.
 */
ERR_MUST_USE enum err xlsx_entry_parse(struct xlsx *x, const char *name, bool required,
                                       struct xml_base *base, struct errbuf *eb);

#endif

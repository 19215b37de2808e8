/* Between export.c (the table, CSV) and export_xlsx.c (the XLSX back end); private. */
#ifndef AICOS_EXPORT_PRIVATE_H
#define AICOS_EXPORT_PRIVATE_H

#include "export/export.h"

struct export_xlsx;

struct export
{
    struct export_options o;
    FILE *out;
    enum err err;    /* the first failure, sticky */
    char why[256];   /* its sentence */
    size_t row;      /* rows ended so far */
    size_t col;      /* cells in the current row */
    struct buf line; /* CSV: the current row */
    struct export_xlsx *xlsx;
};

/* Records the first failure of the table. */
void export_fail(struct export *x, enum err e, const char *why);

/* The XLSX back end: open, one cell at (x->row, x->col), finish (copy to out), free. */
ERR_MUST_USE enum err export_xlsx_open(struct export *x, struct errbuf *eb);
void export_xlsx_text(struct export *x, const char *s);
void export_xlsx_number(struct export *x, double v, int decimals);
ERR_MUST_USE enum err export_xlsx_finish(struct export *x, struct errbuf *eb);
void export_xlsx_free(struct export *x);

#endif

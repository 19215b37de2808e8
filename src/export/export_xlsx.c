/*
 * The XLSX back end of export: libxlsxwriter in constant-memory mode (each row goes to disk as
 * soon as the next begins, text as inline strings) writing a temporary file made with mkstemp
 * (mode 0600); export_xlsx_finish() closes the workbook, copies the file to the output in
 * blocks and removes it. Text is always a string cell, never a formula.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "export/export_private.h"

#define EXPORT_XLSX_PATH_MAX 1024
#define EXPORT_XLSX_DECIMALS 5 /* number formats for 0..4 decimals */

struct export_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *num[EXPORT_XLSX_DECIMALS];
    char path[EXPORT_XLSX_PATH_MAX];
    bool closed;
};

enum err export_xlsx_open(struct export *x, struct errbuf *eb)
{
    struct export_xlsx *w = calloc(1, sizeof *w);
    if (w == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory starting an export.");
    x->xlsx = w;
    const char *dir = x->o.tmpdir;
    if (dir == NULL || dir[0] == '\0')
        dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    int n = snprintf(w->path, sizeof w->path, "%s/aicos-export-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof w->path)
        return err_set(eb, ERR_INVAL, "export_tmpdir", "The temporary folder's name is too long.");
    int fd = mkstemp(w->path);
    if (fd < 0) {
        int errnum = errno;
        w->path[0] = '\0';
        return err_set(eb, ERR_IO, "export_tmpfile", "Cannot create a temporary file in %s: %s.",
                       dir, strerror(errnum));
    }
    close(fd);
    lxw_workbook_options lo = {.constant_memory = LXW_TRUE, .tmpdir = (char *)dir};
    w->wb = workbook_new_opt(w->path, &lo);
    w->ws = w->wb != NULL ? workbook_add_worksheet(w->wb, x->o.sheet) : NULL;
    static const char *const fmts[EXPORT_XLSX_DECIMALS] = {"0", "0.0", "0.00", "0.000", "0.0000"};
    for (int i = 0; w->ws != NULL && i < EXPORT_XLSX_DECIMALS; i++) {
        w->num[i] = workbook_add_format(w->wb);
        if (w->num[i] == NULL)
            return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory starting an export.");
        format_set_num_format(w->num[i], fmts[i]);
    }
    if (w->ws == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "libxlsxwriter could not start a workbook.");
    return ERR_OK;
}

static void export_xlsx_check(struct export *x, lxw_error le)
{
    if (le != LXW_NO_ERROR) {
        char why[200];
        snprintf(why, sizeof why, "Writing the XLSX cell failed: %s.", lxw_strerror(le));
        export_fail(x, ERR_IO, why);
    }
}

void export_xlsx_text(struct export *x, const char *s)
{
    if (s[0] == '\0')
        return; /* an empty cell is no cell */
    export_xlsx_check(
        x, worksheet_write_string(x->xlsx->ws, (lxw_row_t)x->row, (lxw_col_t)x->col, s, NULL));
}

void export_xlsx_number(struct export *x, double v, int decimals)
{
    if (decimals < 0 || decimals >= EXPORT_XLSX_DECIMALS)
        decimals = 0;
    export_xlsx_check(x, worksheet_write_number(x->xlsx->ws, (lxw_row_t)x->row, (lxw_col_t)x->col,
                                                v, x->xlsx->num[decimals]));
}

/* Copies the finished file to out. */
ERR_MUST_USE static enum err export_xlsx_copy(const char *path, FILE *out, struct errbuf *eb)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return err_set(eb, ERR_IO, "export_tmpfile", "Cannot read the finished workbook: %s.",
                       strerror(errno));
    char block[64 * 1024];
    size_t n;
    enum err e = ERR_OK;
    while (e == ERR_OK && (n = fread(block, 1, sizeof block, in)) > 0) {
        if (fwrite(block, 1, n, out) != n)
            e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
    }
    if (e == ERR_OK && ferror(in))
        e = err_set(eb, ERR_IO, "export_tmpfile", "Reading the finished workbook failed.");
    fclose(in);
    if (e == ERR_OK && (fflush(out) != 0 || ferror(out)))
        e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
    return e;
}

enum err export_xlsx_finish(struct export *x, struct errbuf *eb)
{
    struct export_xlsx *w = x->xlsx;
    lxw_error le = workbook_close(w->wb);
    w->closed = true;
    w->wb = NULL;
    if (le != LXW_NO_ERROR)
        return err_set(eb, ERR_IO, "export_xlsx", "libxlsxwriter could not write the workbook: %s.",
                       lxw_strerror(le));
    return export_xlsx_copy(w->path, x->out, eb);
}

void export_xlsx_free(struct export *x)
{
    struct export_xlsx *w = x->xlsx;
    if (w == NULL)
        return;
    if (!w->closed && w->wb != NULL) {
        /* Closing writes the file we then remove; libxlsxwriter has no other way to free. */
        lxw_error le = workbook_close(w->wb);
        (void)le;
    }
    if (w->path[0] != '\0')
        unlink(w->path);
    free(w);
    x->xlsx = NULL;
}

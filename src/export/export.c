#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "export/export_private.h"

void export_options_init(struct export_options *o, enum export_format format)
{
    memset(o, 0, sizeof *o);
    o->format = format;
    o->sheet = "Sheet1";
    o->max_rows = EXPORT_ROWS_MAX;
    o->max_cols = EXPORT_COLS_MAX;
    o->max_cell_bytes = EXPORT_CELL_BYTES_MAX;
}

void export_fail(struct export *x, enum err e, const char *why)
{
    if (x->err != ERR_OK)
        return;
    x->err = e;
    snprintf(x->why, sizeof x->why, "%s", why);
}

static bool export_sheet_name_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    return n >= 1 && n <= EXPORT_SHEET_NAME_MAX && strpbrk(s, "[]:*?/\\") == NULL &&
           json_utf8_valid(s) && s[0] != '\'';
}

ERR_MUST_USE static enum err export_check(const struct export_options *o, struct errbuf *eb)
{
    if (o->format != EXPORT_CSV && o->format != EXPORT_XLSX)
        return err_set(eb, ERR_INVAL, "export_format", "The export format must be CSV or XLSX.");
    if (o->max_rows < 1 || o->max_rows > EXPORT_ROWS_MAX)
        return err_set(eb, ERR_INVAL, "export_max_rows", "max_rows must be 1 to %d.",
                       EXPORT_ROWS_MAX);
    if (o->max_cols < 1 || o->max_cols > EXPORT_COLS_MAX)
        return err_set(eb, ERR_INVAL, "export_max_cols", "max_cols must be 1 to %d.",
                       EXPORT_COLS_MAX);
    if (o->max_cell_bytes < 1 || o->max_cell_bytes > EXPORT_CELL_BYTES_MAX)
        return err_set(eb, ERR_INVAL, "export_max_cell_bytes", "max_cell_bytes must be 1 to %d.",
                       EXPORT_CELL_BYTES_MAX);
    if (o->format == EXPORT_XLSX && !export_sheet_name_ok(o->sheet))
        return err_set(eb, ERR_INVAL, "export_sheet",
                       "The sheet name must be 1 to 31 bytes of UTF-8 without []:*?/\\.");
    return ERR_OK;
}

enum err export_open(const struct export_options *o, FILE *out, struct export **x,
                     struct errbuf *eb)
{
    *x = NULL;
    if (out == NULL)
        return err_set(eb, ERR_INVAL, "export_out", "The export needs an output.");
    enum err e = export_check(o, eb);
    if (e != ERR_OK)
        return e;
    struct export *t = calloc(1, sizeof *t);
    if (t == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory starting an export.");
    t->o = *o;
    t->out = out;
    t->line.max = EXPORT_ROW_BYTES_MAX;
    if (o->format == EXPORT_XLSX) {
        e = export_xlsx_open(t, eb);
    } else if (o->bom && fwrite("\xEF\xBB\xBF", 1, 3, out) != 3) {
        e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
    }
    if (e != ERR_OK) {
        export_free(t);
        return e;
    }
    *x = t;
    return ERR_OK;
}

enum err export_open_table(const struct export_options *o, FILE *out, const char *const *heads,
                           size_t n, struct export **x, struct errbuf *eb)
{
    enum err e = export_open(o, out, x, eb);
    if (e != ERR_OK)
        return e;
    for (size_t i = 0; i < n; i++)
        export_cell_text(*x, heads[i]);
    export_row_end(*x);
    return ERR_OK;
}

bool export_needs_neutralizing(const char *s)
{
    unsigned char c = s != NULL ? (unsigned char)s[0] : 0;
    if (c == 0)
        return false;
    return c == '=' || c == '+' || c == '-' || c == '@' || c < 0x20 || c == 0x7f;
}

enum err export_csv_field(struct buf *b, const char *s)
{
    s = s != NULL ? s : "";
    bool neutral = export_needs_neutralizing(s);
    enum err e = ERR_OK;
    if (!neutral && strpbrk(s, ",\"\r\n") == NULL)
        return buf_puts(b, s);
    e = buf_puts(b, neutral ? "\"'" : "\"");
    for (const char *p = s; e == ERR_OK && *p; p++) {
        size_t n = strcspn(p, "\"");
        e = buf_append(b, p, n);
        p += n;
        if (e == ERR_OK && *p == '"')
            e = buf_puts(b, "\"\"");
        if (*p == '\0')
            break;
    }
    return e == ERR_OK ? buf_puts(b, "\"") : e;
}

bool export_decimal_valid(const char *s, int *decimals)
{
    const char *p = s;
    int digits = 0, frac = -1;
    if (p == NULL)
        return false;
    if (*p == '-')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (digits == 0)
        return false;
    if (*p == '.') {
        frac = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            frac++;
        if (frac < 1 || frac > 4)
            return false;
    }
    if (*p != '\0' || digits + (frac > 0 ? frac : 0) > 18)
        return false;
    if (decimals != NULL)
        *decimals = frac > 0 ? frac : 0;
    return true;
}

/* Checks that one more cell fits; false (and the table failed) when not. */
static bool export_cell_room(struct export *x)
{
    if (x->err != ERR_OK)
        return false;
    if (x->row >= x->o.max_rows) {
        export_fail(x, ERR_TOOBIG, "The export has more rows than its limit.");
        return false;
    }
    if (x->col >= x->o.max_cols) {
        export_fail(x, ERR_TOOBIG, "A row of the export has more columns than its limit.");
        return false;
    }
    return true;
}

/* CSV: appends one field (already encoded or raw) to the current row. */
static void export_csv_put(struct export *x, const char *s, bool raw)
{
    enum err e = x->col > 0 ? buf_puts(&x->line, ",") : ERR_OK;
    if (e == ERR_OK)
        e = raw ? buf_puts(&x->line, s) : export_csv_field(&x->line, s);
    if (e != ERR_OK)
        export_fail(x, e, "A row of the export does not fit in memory.");
}

void export_cell_text(struct export *x, const char *s)
{
    if (x == NULL || !export_cell_room(x))
        return;
    s = s != NULL ? s : "";
    if (strlen(s) > x->o.max_cell_bytes) {
        export_fail(x, ERR_TOOBIG, "A cell of the export is longer than its limit.");
        return;
    }
    char *clean = json_utf8_valid(s) ? NULL : json_utf8_sanitize(s);
    if (!json_utf8_valid(s) && clean == NULL) {
        export_fail(x, ERR_NOMEM, "Out of memory writing the export.");
        return;
    }
    if (x->o.format == EXPORT_XLSX)
        export_xlsx_text(x, clean != NULL ? clean : s);
    else
        export_csv_put(x, clean != NULL ? clean : s, false);
    free(clean);
    x->col++;
}

void export_cell_int(struct export *x, int64_t v)
{
    if (x == NULL || !export_cell_room(x))
        return;
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)v);
    const int64_t exact = (int64_t)1 << 53;
    if (x->o.format == EXPORT_CSV)
        export_csv_put(x, digits, true);
    else if (v >= -exact && v <= exact)
        export_xlsx_number(x, (double)v, 0);
    else
        export_xlsx_text(x, digits);
    x->col++;
}

void export_cell_utc(struct export *x, int64_t t)
{
    char s[32] = "";
    time_t tt = (time_t)t;
    struct tm tm;
    if (t > 0 && gmtime_r(&tt, &tm) != NULL)
        strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    export_cell_text(x, s);
}

void export_cell_decimal(struct export *x, const char *s)
{
    if (x == NULL || !export_cell_room(x))
        return;
    int decimals = 0;
    if (!export_decimal_valid(s, &decimals)) {
        export_fail(x, ERR_INVAL, "A number cell of the export is not a plain decimal.");
        return;
    }
    if (x->o.format == EXPORT_CSV)
        export_csv_put(x, s, true);
    else
        export_xlsx_number(x, strtod(s, NULL), decimals);
    x->col++;
}

void export_row_end(struct export *x)
{
    if (x == NULL || x->err != ERR_OK)
        return;
    if (x->row >= x->o.max_rows) {
        export_fail(x, ERR_TOOBIG, "The export has more rows than its limit.");
        return;
    }
    if (x->o.format == EXPORT_CSV) {
        if (buf_puts(&x->line, "\r\n") != ERR_OK)
            export_fail(x, ERR_NOMEM, "A row of the export does not fit in memory.");
        else if (fwrite(x->line.data, 1, x->line.len, x->out) != x->line.len)
            export_fail(x, ERR_IO, "Writing the export failed.");
        buf_reset(&x->line);
    }
    x->row++;
    x->col = 0;
}

enum err export_finish(struct export *x, struct errbuf *eb)
{
    if (x == NULL)
        return err_set(eb, ERR_INVAL, "export_none", "No export to finish.");
    if (x->err == ERR_OK && x->col > 0)
        export_row_end(x); /* a last row without its end still counts */
    enum err e = x->err;
    if (e != ERR_OK) {
        err_discard(err_set(eb, e, "export_failed", "%s", x->why));
    } else if (x->o.format == EXPORT_XLSX) {
        e = export_xlsx_finish(x, eb);
    } else if (fflush(x->out) != 0 || ferror(x->out)) {
        e = err_set(eb, ERR_IO, "write_failed", "Writing the export failed.");
    }
    export_free(x);
    return e;
}

void export_free(struct export *x)
{
    if (x == NULL)
        return;
    export_xlsx_free(x);
    buf_free(&x->line);
    free(x);
}

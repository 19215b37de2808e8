/*
 * The rows of one sheet (xlsx_sheet_read) and Excel date serials (xlsx_serial_to_unix) of the
 * streaming XLSX reader (xlsx.h); the archive and workbook side is xlsx.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/xlsx.h"
#include "settlement/xlsx_private.h"

#define XLSX_MAX_COLUMN  16384 /* Excel's last column, XFD */
#define XLSX_DAY_SECONDS 86400
#define XLSX_SERIAL_MIN  61      /* 1900-03-01 */
#define XLSX_SERIAL_MAX  2958465 /* 9999-12-31 */
#define XLSX_EPOCH_1900  25569   /* serial of 1970-01-01 */
#define XLSX_EPOCH_1904  24107
#define XLSX_FRAC_DIGITS 12

/* ---- a sheet's rows ---- */

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_OTHER };

struct sheet_ctx {
    struct xml_base base;
    struct xlsx *x;
    const char *sheet;
    table_row_fn fn;
    void *fn_ctx;
    size_t row, rows, next_col, col;
    uint64_t cells_total;
    bool in_row, in_cell, in_value, in_is, in_rph;
    enum cell_type type;
    struct text value;
    struct text rowtext; /* the row's cell strings, NUL-terminated one after the other */
    size_t *cell_off;    /* per column: offset into rowtext, or SIZE_MAX for "" */
    size_t ncells;
    const char **cells;
};

static void sheet_fail(struct sheet_ctx *c, enum err e, const char *code, const char *what)
{
    char col[TABLE_COLUMN_NAME_MAX];
    table_column_name(c->col, col);
    xlsx_xml_stop(&c->base, err_set(c->base.eb, e, code, "sheet \"%s\" row %zu column %s: %s",
                                    c->sheet, c->row, col, what));
}

/* "C12" -> column 2; the row part is ignored (the row element gives it). -1 when malformed. */
static long column_of(const char *ref)
{
    long col = 0;
    size_t i = 0;
    while (ref[i] >= 'A' && ref[i] <= 'Z' && i < 3)
        col = col * 26 + (ref[i++] - 'A' + 1);
    if (i == 0 || col > XLSX_MAX_COLUMN)
        return -1;
    if (ref[i] != '\0' && (ref[i] < '0' || ref[i] > '9'))
        return -1;
    return col - 1;
}

static long row_of(const char *s)
{
    long v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9' && i < 8; i++)
        v = v * 10 + (s[i] - '0');
    return (i == 0 || s[i] != '\0' || v < 1 || v > XLSX_MAX_ROW) ? -1 : v;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sheet_ctx *c = ud;
    const char *el = xlsx_local(name);
    if (strcmp(el, "row") == 0) {
        const char *r = xlsx_attr(atts, "r");
        long n = r != NULL ? row_of(r) : (long)c->row + 1;
        if (n < 0) {
            xlsx_xml_stop(&c->base,
                          err_set(c->base.eb, ERR_PARSE, "xlsx_bad_cell",
                                  "sheet \"%s\": row number \"%.20s\" after row %zu is not valid",
                                  c->sheet, r, c->row));
            return;
        }
        if (++c->rows > c->x->lim.max_rows) {
            xlsx_xml_stop(&c->base, err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_rows",
                                            "sheet \"%s\" has more than %zu rows", c->sheet,
                                            c->x->lim.max_rows));
            return;
        }
        c->row = (size_t)n;
        c->in_row = true;
        c->next_col = 0;
        c->ncells = 0;
        c->rowtext.len = 0;
    } else if (strcmp(el, "c") == 0 && c->in_row) {
        const char *r = xlsx_attr(atts, "r"), *t = xlsx_attr(atts, "t");
        long col = r != NULL ? column_of(r) : (long)c->next_col;
        c->col = col < 0 ? c->next_col : (size_t)col;
        if (col < 0) {
            sheet_fail(c, ERR_PARSE, "xlsx_bad_cell", "the cell reference is not valid");
            return;
        }
        if ((size_t)col < c->next_col) {
            sheet_fail(c, ERR_PARSE, "xlsx_bad_cell", "the cell comes before the previous one");
            return;
        }
        if ((size_t)col >= c->x->lim.max_row_cells) {
            char msg[96];
            snprintf(msg, sizeof msg, "the row has more than %zu cells", c->x->lim.max_row_cells);
            sheet_fail(c, ERR_TOOBIG, "xlsx_row_too_long", msg);
            return;
        }
        if (++c->cells_total > c->x->lim.max_cells) {
            char msg[96];
            snprintf(msg, sizeof msg, "the sheet has more than %llu cells",
                     (unsigned long long)c->x->lim.max_cells);
            sheet_fail(c, ERR_TOOBIG, "xlsx_too_many_cells", msg);
            return;
        }
        c->type = t == NULL || strcmp(t, "n") == 0 ? CELL_NUMBER
                  : strcmp(t, "s") == 0            ? CELL_SHARED
                  : strcmp(t, "inlineStr") == 0    ? CELL_INLINE
                                                   : CELL_OTHER;
        c->in_cell = true;
        c->value.len = 0;
        if (c->value.p != NULL)
            c->value.p[0] = '\0';
    } else if (c->in_cell && strcmp(el, "v") == 0) {
        c->in_value = c->type != CELL_INLINE;
    } else if (c->in_cell && strcmp(el, "is") == 0) {
        c->in_is = true;
    } else if (c->in_is && strcmp(el, "rPh") == 0) {
        c->in_rph = true;
    } else if (c->in_is && !c->in_rph && strcmp(el, "t") == 0) {
        c->in_value = true;
    }
}

static bool row_put(struct sheet_ctx *c, const char *s, size_t n)
{
    size_t need = c->col + 1;
    size_t *o = realloc(c->cell_off, need * sizeof *o);
    if (o == NULL)
        return false;
    c->cell_off = o;
    for (size_t k = c->ncells; k < need; k++)
        o[k] = SIZE_MAX;
    c->ncells = need;
    if (n == 0)
        return true;
    size_t at = c->rowtext.len;
    if (!xlsx_text_add(&c->rowtext, s, n) || !xlsx_text_add(&c->rowtext, "\0", 1))
        return false;
    o[c->col] = at;
    return true;
}

static void cell_end(struct sheet_ctx *c)
{
    c->in_cell = c->in_value = c->in_is = c->in_rph = false;
    c->next_col = c->col + 1;
    const char *v = c->value.len ? c->value.p : "";
    size_t n = c->value.len;
    if (c->type == CELL_SHARED) {
        long idx = -1;
        if (n > 0 && n <= 9 && strspn(v, "0123456789") == n) {
            idx = 0;
            for (size_t k = 0; k < n; k++)
                idx = idx * 10 + (v[k] - '0');
        }
        if (idx < 0 || (size_t)idx >= c->x->count) {
            char msg[128];
            snprintf(msg, sizeof msg,
                     "shared string \"%.20s\" does not exist (the workbook has %zu)", v,
                     c->x->count);
            sheet_fail(c, ERR_PARSE, "xlsx_bad_cell", msg);
            return;
        }
        v = c->x->strings + c->x->offset[idx];
        n = strlen(v);
    }
    if (!row_put(c, v, n))
        xlsx_xml_stop(&c->base, ERR_NOMEM);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct sheet_ctx *c = ud;
    const char *el = xlsx_local(name);
    if (strcmp(el, "c") == 0 && c->in_cell) {
        cell_end(c);
    } else if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
        c->in_value = false;
    } else if (strcmp(el, "rPh") == 0) {
        c->in_rph = false;
    } else if (strcmp(el, "is") == 0) {
        c->in_is = false;
    } else if (strcmp(el, "row") == 0 && c->in_row) {
        c->in_row = false;
        if (c->ncells == 0)
            return;
        const char **cells = realloc(c->cells, c->ncells * sizeof *cells);
        if (cells == NULL) {
            xlsx_xml_stop(&c->base, ERR_NOMEM);
            return;
        }
        c->cells = cells;
        for (size_t k = 0; k < c->ncells; k++)
            cells[k] = c->cell_off[k] == SIZE_MAX ? "" : c->rowtext.p + c->cell_off[k];
        struct table_row row = {c->row, c->ncells, cells};
        enum err e = c->fn(c->fn_ctx, &row, c->base.eb);
        if (e != ERR_OK)
            xlsx_xml_stop(&c->base, e);
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
    struct sheet_ctx *c = ud;
    if (!c->in_value)
        return;
    if (!xlsx_text_add(&c->value, s, (size_t)len)) {
        if (c->value.len + (size_t)len > c->value.max) {
            char msg[96];
            snprintf(msg, sizeof msg, "the cell is longer than %zu bytes",
                     c->x->lim.max_cell_bytes);
            sheet_fail(c, ERR_TOOBIG, "xlsx_cell_too_big", msg);
        } else {
            xlsx_xml_stop(&c->base, ERR_NOMEM);
        }
    }
}

enum err xlsx_sheet_read(struct xlsx *x, size_t i, table_row_fn fn, void *ctx, struct errbuf *eb)
{
    if (i >= x->nsheets)
        return err_set(eb, ERR_NOTFOUND, "xlsx_no_sheet", "the workbook has no sheet %zu", i);
    struct sheet_ctx c = {.x = x, .sheet = x->sheets[i].name, .fn = fn, .fn_ctx = ctx};
    c.value.max = x->lim.max_cell_bytes;
    /* A row holds at most max_row_cells cells of max_cell_bytes each, plus their NULs. */
    c.rowtext.max = SIZE_MAX;
    XML_Parser p = xlsx_parser_new(&c.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetElementHandler(p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(p, sheet_text);
    enum err e = xlsx_entry_parse(x, x->sheets[i].path, true, &c.base, eb);
    XML_ParserFree(p);
    free(c.value.p);
    free(c.rowtext.p);
    free(c.cell_off);
    free(c.cells);
    return e;
}

enum err xlsx_serial_to_unix(const char *serial, int date1904, int32_t utc_offset_s, int64_t *out,
                             struct errbuf *eb)
{
    const char *s = serial != NULL ? serial : "";
    int64_t days = 0, frac = 0, scale = 1;
    size_t i = 0, int_digits = 0, frac_digits = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        if (int_digits >= 7)
            goto bad;
        days = days * 10 + (s[i] - '0');
    }
    if (s[i] == '.') {
        for (i++; s[i] >= '0' && s[i] <= '9'; i++, frac_digits++) {
            if (frac_digits < XLSX_FRAC_DIGITS) {
                frac = frac * 10 + (s[i] - '0');
                scale *= 10;
            }
        }
        if (frac_digits == 0)
            goto bad;
    }
    if (int_digits == 0 || s[i] != '\0')
        goto bad;
    int64_t epoch = date1904 ? XLSX_EPOCH_1904 : XLSX_EPOCH_1900;
    if ((!date1904 && days < XLSX_SERIAL_MIN) || days > XLSX_SERIAL_MAX)
        return err_set(eb, ERR_INVAL, "bad_date",
                       "date serial \"%.32s\" is outside 1900-03-01 .. 9999-12-31", s);
    int64_t secs = (frac * XLSX_DAY_SECONDS + scale / 2) / scale;
    *out = (days - epoch) * XLSX_DAY_SECONDS + secs - utc_offset_s;
    return ERR_OK;
bad:
    return err_set(eb, ERR_INVAL, "bad_date", "date serial \"%.32s\" is not a plain number", s);
}

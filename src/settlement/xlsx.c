/*
 * Streaming .xlsx reader (xlsx.h): libzip inflates one entry at a time in 64 KiB chunks into
 * an expat parser; nothing but the shared strings and the current row is kept in memory.
 */
#include "settlement/xlsx.h"

#include <expat.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_CHUNK       (64 * 1024)
#define XLSX_RATIO_FLOOR (1024 * 1024) /* entries smaller than this may inflate any ratio */
#define XLSX_PATH_MAX    512
#define XLSX_NAME_MAX    256     /* sheet names (Excel allows 31 characters) */
#define XLSX_MAX_ROW     1048576 /* Excel's last row */
#define XLSX_MAX_COLUMN  16384   /* Excel's last column, XFD */
#define XLSX_DAY_SECONDS 86400
#define XLSX_SERIAL_MIN  61      /* 1900-03-01 */
#define XLSX_SERIAL_MAX  2958465 /* 9999-12-31 */
#define XLSX_EPOCH_1900  25569   /* serial of 1970-01-01 */
#define XLSX_EPOCH_1904  24107
#define XLSX_FRAC_DIGITS 12

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

static bool text_add(struct text *t, const char *s, size_t n)
{
    if (n > t->max - t->len)
        return false;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (p == NULL)
            return false;
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
    return true;
}

void xlsx_limits_default(struct xlsx_limits *lim)
{
    lim->max_entries = 1000;
    lim->max_entry_bytes = 256u * 1024 * 1024;
    lim->max_total_bytes = 512u * 1024 * 1024;
    lim->max_ratio = 200;
    lim->max_sheets = 256;
    lim->max_shared_strings = 1000000;
    lim->max_rows = XLSX_MAX_ROW;
    lim->max_row_cells = 1024;
    lim->max_cells = 20000000;
    lim->max_cell_bytes = 32767;
}

/* The local part of an expat name "uri|local". */
static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar != NULL ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* What every parse context starts with, so handlers can stop the parser with an error. */
struct xml_base {
    XML_Parser parser;
    enum err err;
    struct errbuf *eb;
};

static void xml_stop(struct xml_base *b, enum err e)
{
    if (b->err == ERR_OK)
        b->err = e;
    XML_StopParser(b->parser, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    struct xml_base *b = ud;
    err_set(b->eb, ERR_PARSE, "xlsx_dtd", "the workbook's XML declares a DTD, which is refused");
    xml_stop(b, ERR_PARSE);
}

/*
 * A libzip error as ours. Only opening a file by path can be an I/O failure (file_open);
 * inside an archive, or in memory, every libzip complaint is about the bytes (ERR_PARSE).
 */
static enum err zip_failure(struct errbuf *eb, zip_error_t *ze, const char *what, bool file_open)
{
    int code = zip_error_code_zip(ze);
    if (code == ZIP_ER_MEMORY)
        return ERR_NOMEM;
    if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS)
        return err_set(eb, ERR_PARSE, "xlsx_not_zip",
                       "%s: not a zip archive, or a truncated one (%s)", what,
                       zip_error_strerror(ze));
    bool io = file_open && (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ ||
                            code == ZIP_ER_SEEK);
    return err_set(eb, io ? ERR_IO : ERR_PARSE, "xlsx_zip", "%s: %s", what, zip_error_strerror(ze));
}

/*
 * Inflates entry name into parser p, counting what it really inflates against the limits.
 * With required false a missing entry is ERR_NOTFOUND without a message.
 */
static enum err entry_parse(struct xlsx *x, const char *name, bool required, struct xml_base *base,
                            struct errbuf *eb)
{
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0)
        idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return required ? err_set(eb, ERR_PARSE, "xlsx_missing_part",
                                  "the workbook has no %s: not an .xlsx file", name)
                        : ERR_NOTFOUND;
    zip_stat_t st;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0)
        return zip_failure(eb, zip_get_error(x->zip), name, false);
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (zf == NULL)
        return zip_failure(eb, zip_get_error(x->zip), name, false);
    enum err e = ERR_OK;
    char *chunk = malloc(XLSX_CHUNK);
    if (chunk == NULL) {
        e = ERR_NOMEM;
        goto out;
    }
    uint64_t inflated = 0;
    uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, XLSX_CHUNK);
        if (n < 0) {
            e = zip_failure(eb, zip_file_get_error(zf), name, false);
            goto out;
        }
        inflated += (uint64_t)n;
        x->total_read += (uint64_t)n;
        if (inflated > x->lim.max_entry_bytes) {
            e = err_set(eb, ERR_TOOBIG, "xlsx_entry_too_big", "%s inflates to more than %llu bytes",
                        name, (unsigned long long)x->lim.max_entry_bytes);
            goto out;
        }
        if (x->total_read > x->lim.max_total_bytes) {
            e = err_set(eb, ERR_TOOBIG, "xlsx_too_big",
                        "the workbook inflates to more than %llu bytes (at %s)",
                        (unsigned long long)x->lim.max_total_bytes, name);
            goto out;
        }
        if (inflated > XLSX_RATIO_FLOOR && inflated / (comp ? comp : 1) > x->lim.max_ratio) {
            e = err_set(eb, ERR_TOOBIG, "xlsx_zip_bomb",
                        "%s inflates more than %llu times its compressed size (a zip bomb?)", name,
                        (unsigned long long)x->lim.max_ratio);
            goto out;
        }
        if (XML_Parse(base->parser, chunk, (int)n, n == 0) != XML_STATUS_OK) {
            if (base->err != ERR_OK) {
                e = base->err;
            } else {
                e = err_set(eb, ERR_PARSE, "xlsx_bad_xml", "%s: malformed XML at line %lu: %s",
                            name, (unsigned long)XML_GetCurrentLineNumber(base->parser),
                            XML_ErrorString(XML_GetErrorCode(base->parser)));
            }
            goto out;
        }
        if (n == 0)
            break;
    }
out:
    free(chunk);
    zip_fclose(zf);
    return e;
}

static XML_Parser parser_new(struct xml_base *base, struct errbuf *eb)
{
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    if (p == NULL)
        return NULL;
    base->parser = p;
    base->err = ERR_OK;
    base->eb = eb;
    XML_SetUserData(p, base);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    return p;
}

/* ---- workbook.xml and its relationships ---- */

struct book_ctx {
    struct xml_base base;
    struct xlsx *x;
};

static char *dup_bounded(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max)
        return NULL;
    char *d = malloc(n + 1);
    if (d != NULL)
        memcpy(d, s, n + 1);
    return d;
}

static void XMLCALL book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct book_ctx *c = ud;
    struct xlsx *x = c->x;
    const char *el = local(name);
    if (strcmp(el, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        x->date1904 = d != NULL && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
        return;
    }
    if (strcmp(el, "sheet") != 0)
        return;
    const char *sname = attr(atts, "name"), *rid = attr(atts, "id");
    if (sname == NULL || rid == NULL) {
        err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                "xl/workbook.xml: a sheet has no name or no relationship id");
        xml_stop(&c->base, ERR_PARSE);
        return;
    }
    if (x->nsheets >= x->lim.max_sheets) {
        err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_sheets",
                "the workbook has more than %zu sheets", x->lim.max_sheets);
        xml_stop(&c->base, ERR_TOOBIG);
        return;
    }
    struct sheet *grown = realloc(x->sheets, (x->nsheets + 1) * sizeof *grown);
    if (grown == NULL) {
        xml_stop(&c->base, ERR_NOMEM);
        return;
    }
    x->sheets = grown;
    struct sheet *s = &x->sheets[x->nsheets];
    s->name = dup_bounded(sname, XLSX_NAME_MAX);
    s->rid = dup_bounded(rid, XLSX_NAME_MAX);
    s->path = NULL;
    x->nsheets++;
    if (s->name == NULL || s->rid == NULL) {
        err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                "xl/workbook.xml: a sheet name or id is longer than %d bytes", XLSX_NAME_MAX);
        xml_stop(&c->base, ERR_PARSE);
    }
}

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/sheet1.xml" absolute. */
static char *part_path(const char *target)
{
    char path[XLSX_PATH_MAX];
    int n = target[0] == '/' ? snprintf(path, sizeof path, "%s", target + 1)
                             : snprintf(path, sizeof path, "xl/%s", target);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    return dup_bounded(path, XLSX_PATH_MAX);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct book_ctx *c = ud;
    struct xlsx *x = c->x;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (id == NULL || target == NULL || type == NULL)
        return;
    size_t tl = strlen(type);
    if (tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0 && x->shared_target == NULL) {
        x->shared_target = part_path(target);
        return;
    }
    for (size_t i = 0; i < x->nsheets; i++) {
        if (x->sheets[i].path == NULL && strcmp(x->sheets[i].rid, id) == 0) {
            x->sheets[i].path = part_path(target);
            if (x->sheets[i].path == NULL) {
                err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                        "xl/_rels/workbook.xml.rels: the path of sheet \"%s\" is too long",
                        x->sheets[i].name);
                xml_stop(&c->base, ERR_PARSE);
            }
        }
    }
}

/* ---- sharedStrings.xml ---- */

struct shared_ctx {
    struct xml_base base;
    struct xlsx *x;
    struct text cur;
    bool in_si, in_t, in_rph;
};

static void XMLCALL shared_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct shared_ctx *c = ud;
    const char *el = local(name);
    if (strcmp(el, "si") == 0) {
        c->in_si = true;
        c->cur.len = 0;
    } else if (strcmp(el, "rPh") == 0) {
        c->in_rph = true; /* phonetic reading of East Asian text, not the text itself */
    } else if (strcmp(el, "t") == 0 && c->in_si && !c->in_rph) {
        c->in_t = true;
    }
}

static void XMLCALL shared_end(void *ud, const XML_Char *name)
{
    struct shared_ctx *c = ud;
    struct xlsx *x = c->x;
    const char *el = local(name);
    if (strcmp(el, "t") == 0) {
        c->in_t = false;
    } else if (strcmp(el, "rPh") == 0) {
        c->in_rph = false;
    } else if (strcmp(el, "si") == 0 && c->in_si) {
        c->in_si = false;
        if (x->count >= x->lim.max_shared_strings) {
            err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_strings",
                    "the workbook has more than %zu shared strings", x->lim.max_shared_strings);
            xml_stop(&c->base, ERR_TOOBIG);
            return;
        }
        if (x->count == x->offset_cap) {
            size_t cap = x->offset_cap ? x->offset_cap * 2 : 256;
            size_t *o = realloc(x->offset, cap * sizeof *o);
            if (o == NULL) {
                xml_stop(&c->base, ERR_NOMEM);
                return;
            }
            x->offset = o;
            x->offset_cap = cap;
        }
        /* text_add() leaves a NUL after the text; keeping it ends this string. */
        struct text all = {x->strings, x->strings_len, x->strings_cap, SIZE_MAX};
        if (!text_add(&all, c->cur.len ? c->cur.p : "", c->cur.len)) {
            xml_stop(&c->base, ERR_NOMEM);
            return;
        }
        x->offset[x->count++] = x->strings_len;
        x->strings = all.p;
        x->strings_len = all.len + 1;
        x->strings_cap = all.cap;
    }
}

static void XMLCALL shared_text(void *ud, const XML_Char *s, int len)
{
    struct shared_ctx *c = ud;
    if (!c->in_t)
        return;
    if (!text_add(&c->cur, s, (size_t)len)) {
        if (c->cur.len + (size_t)len > c->cur.max)
            err_set(c->base.eb, ERR_TOOBIG, "xlsx_cell_too_big",
                    "shared string %zu is longer than %zu bytes", c->x->count,
                    c->x->lim.max_cell_bytes);
        xml_stop(&c->base, c->cur.len + (size_t)len > c->cur.max ? ERR_TOOBIG : ERR_NOMEM);
    }
}

/* ---- opening ---- */

static enum err check_archive(struct xlsx *x, struct errbuf *eb)
{
    zip_int64_t n = zip_get_num_entries(x->zip, 0);
    if (n < 0 || (uint64_t)n > x->lim.max_entries)
        return err_set(eb, ERR_TOOBIG, "xlsx_too_many_entries",
                       "the archive has more than %zu files", x->lim.max_entries);
    uint64_t total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st) != 0)
            return zip_failure(eb, zip_get_error(x->zip), "the archive", false);
        const char *name = (st.valid & ZIP_STAT_NAME) ? st.name : "?";
        if (!(st.valid & ZIP_STAT_SIZE))
            continue;
        if (st.size > x->lim.max_entry_bytes)
            return err_set(eb, ERR_TOOBIG, "xlsx_entry_too_big",
                           "%.200s inflates to %llu bytes, more than %llu", name,
                           (unsigned long long)st.size, (unsigned long long)x->lim.max_entry_bytes);
        total += st.size;
        if (total > x->lim.max_total_bytes)
            return err_set(eb, ERR_TOOBIG, "xlsx_too_big",
                           "the workbook inflates to more than %llu bytes",
                           (unsigned long long)x->lim.max_total_bytes);
        uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
        if (st.size > XLSX_RATIO_FLOOR && st.size / (comp ? comp : 1) > x->lim.max_ratio)
            return err_set(eb, ERR_TOOBIG, "xlsx_zip_bomb",
                           "%.200s inflates %llu times its compressed size, more than %llu "
                           "(a zip bomb?)",
                           name, (unsigned long long)(st.size / (comp ? comp : 1)),
                           (unsigned long long)x->lim.max_ratio);
    }
    return ERR_OK;
}

static enum err load_book(struct xlsx *x, struct errbuf *eb)
{
    struct book_ctx bc = {.x = x};
    XML_Parser p = parser_new(&bc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetStartElementHandler(p, book_start);
    enum err e = entry_parse(x, "xl/workbook.xml", true, &bc.base, eb);
    XML_ParserFree(p);
    if (e != ERR_OK)
        return e;
    p = parser_new(&bc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetStartElementHandler(p, rels_start);
    e = entry_parse(x, "xl/_rels/workbook.xml.rels", true, &bc.base, eb);
    XML_ParserFree(p);
    if (e != ERR_OK)
        return e;
    for (size_t i = 0; i < x->nsheets; i++)
        if (x->sheets[i].path == NULL)
            return err_set(eb, ERR_PARSE, "xlsx_bad_workbook",
                           "sheet \"%s\" has no part in xl/_rels/workbook.xml.rels",
                           x->sheets[i].name);

    struct shared_ctx sc = {.x = x};
    sc.cur.max = x->lim.max_cell_bytes;
    p = parser_new(&sc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetElementHandler(p, shared_start, shared_end);
    XML_SetCharacterDataHandler(p, shared_text);
    e = entry_parse(x, x->shared_target ? x->shared_target : "xl/sharedStrings.xml", false,
                    &sc.base, eb);
    XML_ParserFree(p);
    free(sc.cur.p);
    return e == ERR_NOTFOUND ? ERR_OK : e;
}

static enum err open_zip(zip_t *zip, const struct xlsx_limits *lim, struct xlsx **out,
                         struct errbuf *eb)
{
    struct xlsx *x = calloc(1, sizeof *x);
    if (x == NULL) {
        zip_discard(zip);
        return ERR_NOMEM;
    }
    x->zip = zip;
    if (lim != NULL)
        x->lim = *lim;
    else
        xlsx_limits_default(&x->lim);
    enum err e = check_archive(x, eb);
    if (e == ERR_OK)
        e = load_book(x, eb);
    if (e != ERR_OK) {
        xlsx_free(x);
        return e;
    }
    *out = x;
    return ERR_OK;
}

enum err xlsx_open_file(const char *path, const struct xlsx_limits *lim, struct xlsx **out,
                        struct errbuf *eb)
{
    *out = NULL;
    int code = 0;
    zip_t *zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (zip == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        enum err e = zip_failure(eb, &ze, path, true);
        zip_error_fini(&ze);
        return e;
    }
    return open_zip(zip, lim, out, eb);
}

enum err xlsx_open_buffer(const void *data, size_t len, const struct xlsx_limits *lim,
                          struct xlsx **out, struct errbuf *eb)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (src == NULL) {
        zip_error_fini(&ze);
        return ERR_NOMEM;
    }
    zip_t *zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (zip == NULL) {
        zip_source_free(src);
        enum err e = zip_failure(eb, &ze, "the workbook", false);
        zip_error_fini(&ze);
        return e;
    }
    zip_error_fini(&ze);
    return open_zip(zip, lim, out, eb);
}

void xlsx_free(struct xlsx *x)
{
    if (x == NULL)
        return;
    if (x->zip != NULL)
        zip_discard(x->zip);
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rid);
        free(x->sheets[i].path);
    }
    free(x->sheets);
    free(x->shared_target);
    free(x->strings);
    free(x->offset);
    free(x);
}

size_t xlsx_sheet_count(const struct xlsx *x)
{
    return x->nsheets;
}

const char *xlsx_sheet_name(const struct xlsx *x, size_t i)
{
    return i < x->nsheets ? x->sheets[i].name : NULL;
}

long xlsx_sheet_find(const struct xlsx *x, const char *name)
{
    for (size_t i = 0; i < x->nsheets; i++)
        if (strcmp(x->sheets[i].name, name) == 0)
            return (long)i;
    return -1;
}

int xlsx_date1904(const struct xlsx *x)
{
    return x->date1904;
}

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
    err_set(c->base.eb, e, code, "sheet \"%s\" row %zu column %s: %s", c->sheet, c->row, col, what);
    xml_stop(&c->base, e);
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
    const char *el = local(name);
    if (strcmp(el, "row") == 0) {
        const char *r = attr(atts, "r");
        long n = r != NULL ? row_of(r) : (long)c->row + 1;
        if (n < 0) {
            err_set(c->base.eb, ERR_PARSE, "xlsx_bad_cell",
                    "sheet \"%s\": row number \"%.20s\" after row %zu is not valid", c->sheet, r,
                    c->row);
            xml_stop(&c->base, ERR_PARSE);
            return;
        }
        if (++c->rows > c->x->lim.max_rows) {
            err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_rows",
                    "sheet \"%s\" has more than %zu rows", c->sheet, c->x->lim.max_rows);
            xml_stop(&c->base, ERR_TOOBIG);
            return;
        }
        c->row = (size_t)n;
        c->in_row = true;
        c->next_col = 0;
        c->ncells = 0;
        c->rowtext.len = 0;
    } else if (strcmp(el, "c") == 0 && c->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
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
    if (!text_add(&c->rowtext, s, n) || !text_add(&c->rowtext, "\0", 1))
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
        xml_stop(&c->base, ERR_NOMEM);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct sheet_ctx *c = ud;
    const char *el = local(name);
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
            xml_stop(&c->base, ERR_NOMEM);
            return;
        }
        c->cells = cells;
        for (size_t k = 0; k < c->ncells; k++)
            cells[k] = c->cell_off[k] == SIZE_MAX ? "" : c->rowtext.p + c->cell_off[k];
        struct table_row row = {c->row, c->ncells, cells};
        enum err e = c->fn(c->fn_ctx, &row, c->base.eb);
        if (e != ERR_OK)
            xml_stop(&c->base, e);
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
    struct sheet_ctx *c = ud;
    if (!c->in_value)
        return;
    if (!text_add(&c->value, s, (size_t)len)) {
        if (c->value.len + (size_t)len > c->value.max) {
            char msg[96];
            snprintf(msg, sizeof msg, "the cell is longer than %zu bytes",
                     c->x->lim.max_cell_bytes);
            sheet_fail(c, ERR_TOOBIG, "xlsx_cell_too_big", msg);
        } else {
            xml_stop(&c->base, ERR_NOMEM);
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
    XML_Parser p = parser_new(&c.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetElementHandler(p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(p, sheet_text);
    enum err e = entry_parse(x, x->sheets[i].path, true, &c.base, eb);
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

/*
 * Streaming .xlsx reader (xlsx.h): libzip inflates one entry at a time in 64 KiB chunks into
 * an expat parser; nothing but the shared strings and the current row is kept in memory.
 */
#include "settlement/xlsx.h"
#include "settlement/xlsx_private.h"

#include <expat.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_CHUNK       (64 * 1024)
#define XLSX_RATIO_FLOOR (1024 * 1024) /* entries smaller than this may inflate any ratio */
#define XLSX_PATH_MAX    512
#define XLSX_NAME_MAX    256 /* sheet names (Excel allows 31 characters) */

bool xlsx_text_add(struct text *t, const char *s, size_t n)
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
const char *xlsx_local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar != NULL ? bar + 1 : name;
}

const char *xlsx_attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(xlsx_local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

void xlsx_xml_stop(struct xml_base *b, enum err e)
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
    xlsx_xml_stop(b, err_set(b->eb, ERR_PARSE, "xlsx_dtd",
                             "the workbook's XML declares a DTD, which is refused"));
}

/*
 * A libzip error as ours. Only opening a file by path can be an I/O failure (file_open);
 * inside an archive, or in memory, every libzip complaint is about the bytes (ERR_PARSE).
 */
ERR_MUST_USE static enum err zip_failure(struct errbuf *eb, zip_error_t *ze, const char *what,
                                         bool file_open)
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
enum err xlsx_entry_parse(struct xlsx *x, const char *name, bool required, struct xml_base *base,
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

XML_Parser xlsx_parser_new(struct xml_base *base, struct errbuf *eb)
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
    const char *el = xlsx_local(name);
    if (strcmp(el, "workbookPr") == 0) {
        const char *d = xlsx_attr(atts, "date1904");
        x->date1904 = d != NULL && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
        return;
    }
    if (strcmp(el, "sheet") != 0)
        return;
    const char *sname = xlsx_attr(atts, "name"), *rid = xlsx_attr(atts, "id");
    if (sname == NULL || rid == NULL) {
        xlsx_xml_stop(&c->base,
                      err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                              "xl/workbook.xml: a sheet has no name or no relationship id"));
        return;
    }
    if (x->nsheets >= x->lim.max_sheets) {
        xlsx_xml_stop(&c->base,
                      err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_sheets",
                              "the workbook has more than %zu sheets", x->lim.max_sheets));
        return;
    }
    struct sheet *grown = realloc(x->sheets, (x->nsheets + 1) * sizeof *grown);
    if (grown == NULL) {
        xlsx_xml_stop(&c->base, ERR_NOMEM);
        return;
    }
    x->sheets = grown;
    struct sheet *s = &x->sheets[x->nsheets];
    s->name = dup_bounded(sname, XLSX_NAME_MAX);
    s->rid = dup_bounded(rid, XLSX_NAME_MAX);
    s->path = NULL;
    x->nsheets++;
    if (s->name == NULL || s->rid == NULL) {
        xlsx_xml_stop(&c->base,
                      err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                              "xl/workbook.xml: a sheet name or id is longer than %d bytes",
                              XLSX_NAME_MAX));
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
    if (strcmp(xlsx_local(name), "Relationship") != 0)
        return;
    const char *id = xlsx_attr(atts, "Id"), *target = xlsx_attr(atts, "Target"),
               *type = xlsx_attr(atts, "Type");
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
                xlsx_xml_stop(
                    &c->base,
                    err_set(c->base.eb, ERR_PARSE, "xlsx_bad_workbook",
                            "xl/_rels/workbook.xml.rels: the path of sheet \"%s\" is too long",
                            x->sheets[i].name));
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
    const char *el = xlsx_local(name);
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
    const char *el = xlsx_local(name);
    if (strcmp(el, "t") == 0) {
        c->in_t = false;
    } else if (strcmp(el, "rPh") == 0) {
        c->in_rph = false;
    } else if (strcmp(el, "si") == 0 && c->in_si) {
        c->in_si = false;
        if (x->count >= x->lim.max_shared_strings) {
            xlsx_xml_stop(&c->base, err_set(c->base.eb, ERR_TOOBIG, "xlsx_too_many_strings",
                                            "the workbook has more than %zu shared strings",
                                            x->lim.max_shared_strings));
            return;
        }
        if (x->count == x->offset_cap) {
            size_t cap = x->offset_cap ? x->offset_cap * 2 : 256;
            size_t *o = realloc(x->offset, cap * sizeof *o);
            if (o == NULL) {
                xlsx_xml_stop(&c->base, ERR_NOMEM);
                return;
            }
            x->offset = o;
            x->offset_cap = cap;
        }
        /* xlsx_text_add() leaves a NUL after the text; keeping it ends this string. */
        struct text all = {x->strings, x->strings_len, x->strings_cap, SIZE_MAX};
        if (!xlsx_text_add(&all, c->cur.len ? c->cur.p : "", c->cur.len)) {
            xlsx_xml_stop(&c->base, ERR_NOMEM);
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
    if (!xlsx_text_add(&c->cur, s, (size_t)len)) {
        enum err e = ERR_NOMEM;
        if (c->cur.len + (size_t)len > c->cur.max)
            e = err_set(c->base.eb, ERR_TOOBIG, "xlsx_cell_too_big",
                        "shared string %zu is longer than %zu bytes", c->x->count,
                        c->x->lim.max_cell_bytes);
        xlsx_xml_stop(&c->base, e);
    }
}

/* ---- opening ---- */

ERR_MUST_USE static enum err check_archive(struct xlsx *x, struct errbuf *eb)
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

ERR_MUST_USE static enum err load_book(struct xlsx *x, struct errbuf *eb)
{
    struct book_ctx bc = {.x = x};
    XML_Parser p = xlsx_parser_new(&bc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetStartElementHandler(p, book_start);
    enum err e = xlsx_entry_parse(x, "xl/workbook.xml", true, &bc.base, eb);
    XML_ParserFree(p);
    if (e != ERR_OK)
        return e;
    p = xlsx_parser_new(&bc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetStartElementHandler(p, rels_start);
    e = xlsx_entry_parse(x, "xl/_rels/workbook.xml.rels", true, &bc.base, eb);
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
    p = xlsx_parser_new(&sc.base, eb);
    if (p == NULL)
        return ERR_NOMEM;
    XML_SetElementHandler(p, shared_start, shared_end);
    XML_SetCharacterDataHandler(p, shared_text);
    e = xlsx_entry_parse(x, x->shared_target ? x->shared_target : "xl/sharedStrings.xml", false,
                         &sc.base, eb);
    XML_ParserFree(p);
    free(sc.cur.p);
    return e == ERR_NOTFOUND ? ERR_OK : e;
}

ERR_MUST_USE static enum err open_zip(zip_t *zip, const struct xlsx_limits *lim, struct xlsx **out,
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

/*
 * Streaming CSV reader (csv_reader.h). Two passes over the input: the first checks size,
 * NUL bytes and UTF-8 validity to choose the encoding; the second converts (GB18030 through
 * iconv), cuts the text at line ends into pieces of at most CSV_PIECE bytes and feeds them to
 * libcsv, so the line number of every row is known and no field grows much past its limit
 * before it is refused.
 */
#include "settlement/csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CSV_CHUNK (64 * 1024)
#define CSV_PIECE 4096

void csv_reader_limits_default(struct csv_reader_limits *lim)
{
    lim->max_bytes = 256u * 1024 * 1024;
    lim->max_rows = 5000000;
    lim->max_fields = 1024;
    lim->max_field_bytes = 32767;
    lim->max_row_bytes = 1024 * 1024;
}

const char *csv_reader_encoding_name(enum csv_reader_encoding enc)
{
    switch (enc) {
    case CSV_READER_UTF8_BOM:
        return "utf-8 with BOM";
    case CSV_READER_GB18030:
        return "gb18030";
    case CSV_READER_UTF8:
        break;
    }
    return "utf-8";
}

/* ---- the input ---- */

struct source {
    FILE *f;
    const unsigned char *data;
    size_t len, pos;
};

/* Up to cap bytes into buf; -1 on a read error. */
static long source_read(struct source *s, unsigned char *buf, size_t cap)
{
    if (s->f != NULL) {
        size_t n = fread(buf, 1, cap, s->f);
        return ferror(s->f) ? -1 : (long)n;
    }
    size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (long)n;
}

static bool source_rewind(struct source *s)
{
    s->pos = 0;
    return s->f == NULL || fseek(s->f, 0, SEEK_SET) == 0;
}

/* ---- pass 1: size, NUL bytes, UTF-8 ---- */

struct utf8_state {
    int need;
    unsigned char lo, hi;
};

static bool utf8_step(struct utf8_state *u, unsigned char b)
{
    if (u->need > 0) {
        if (b < u->lo || b > u->hi)
            return false;
        u->need--;
        u->lo = 0x80;
        u->hi = 0xBF;
        return true;
    }
    u->lo = 0x80;
    u->hi = 0xBF;
    if (b < 0x80)
        return true;
    if (b >= 0xC2 && b <= 0xDF) {
        u->need = 1;
    } else if (b == 0xE0) {
        u->need = 2;
        u->lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        u->need = 2;
    } else if (b == 0xED) {
        u->need = 2;
        u->hi = 0x9F; /* no surrogates */
    } else if (b == 0xF0) {
        u->need = 3;
        u->lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
        u->need = 3;
    } else if (b == 0xF4) {
        u->need = 3;
        u->hi = 0x8F;
    } else {
        return false;
    }
    return true;
}

/* The length of the run of ASCII bytes at p (at most n). */
static size_t ascii_run(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        if ((w & UINT64_C(0x8080808080808080)) != 0)
            break;
    }
    while (i < n && p[i] < 0x80)
        i++;
    return i;
}

/* The line ends in p[0..n). */
static size_t count_lines(const unsigned char *p, size_t n)
{
    size_t c = 0;
    for (const unsigned char *q; n > 0 && (q = memchr(p, '\n', n)) != NULL; c++) {
        n -= (size_t)(q - p) + 1;
        p = q + 1;
    }
    return c;
}

ERR_MUST_USE static enum err detect(struct source *src, const struct csv_reader_limits *lim,
                                    enum csv_reader_encoding *enc, size_t *skip, unsigned char *buf,
                                    struct errbuf *eb)
{
    struct utf8_state u = {0, 0x80, 0xBF};
    bool valid = true, first = true;
    uint64_t total = 0;
    size_t line = 1, bad_line = 0;
    *skip = 0;
    *enc = CSV_READER_UTF8;
    for (;;) {
        long n = source_read(src, buf, CSV_CHUNK);
        if (n < 0)
            return err_set(eb, ERR_IO, "csv_read", "the file cannot be read");
        if (n == 0)
            break;
        size_t start = 0;
        if (first) {
            first = false;
            if (n >= 2 &&
                ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF)))
                return err_set(eb, ERR_PARSE, "csv_encoding",
                               "the file is UTF-16; save it as CSV UTF-8 and import that");
            if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
                *enc = CSV_READER_UTF8_BOM;
                *skip = start = 3;
            }
        }
        total += (uint64_t)n;
        if (total > lim->max_bytes)
            return err_set(eb, ERR_TOOBIG, "csv_too_big", "the file is larger than %llu bytes",
                           (unsigned long long)lim->max_bytes);
        /* Runs of ASCII are skipped a word at a time; lines are counted only where a line
         * number is needed (a bad byte) and once per chunk. */
        const unsigned char *nul = memchr(buf + start, '\0', (size_t)n - start);
        size_t end = nul != NULL ? (size_t)(nul - buf) : (size_t)n;
        for (size_t i = start; valid && i < end; i++) {
            if (u.need == 0 && (i += ascii_run(buf + i, end - i)) >= end)
                break;
            if (!utf8_step(&u, buf[i])) {
                valid = false;
                bad_line = line + count_lines(buf + start, i - start);
            }
        }
        if (nul != NULL)
            return err_set(eb, ERR_PARSE, "csv_nul",
                           "line %zu: the file has a NUL byte "
                           "(not a text file?)",
                           line + count_lines(buf + start, end - start));
        line += count_lines(buf + start, (size_t)n - start);
    }
    if (valid && u.need > 0) {
        valid = false;
        bad_line = line;
    }
    if (!valid) {
        if (*enc == CSV_READER_UTF8_BOM)
            return err_set(eb, ERR_PARSE, "csv_encoding",
                           "line %zu: the file starts with a UTF-8 byte-order mark but is not "
                           "valid UTF-8",
                           bad_line);
        *enc = CSV_READER_GB18030;
    }
    return ERR_OK;
}

/* ---- pass 2: libcsv ---- */

struct reader {
    struct csv_parser p;
    const struct csv_reader_limits *lim;
    table_row_fn fn;
    void *fn_ctx;
    struct errbuf *eb;
    enum err err;
    size_t line, row_start, rows;
    bool at_row_start;
    char *text; /* the row's fields, NUL-terminated one after the other */
    size_t text_len, text_cap;
    size_t *off;
    size_t nfields, off_cap;
    const char **cells;
};

static void fail(struct reader *r, enum err e, const char *code, const char *what, size_t value)
{
    if (r->err != ERR_OK)
        return;
    r->err = err_set(r->eb, e, code, "line %zu: %s %zu", r->row_start, what, value);
}

static void on_field(void *s, size_t len, void *ud)
{
    struct reader *r = ud;
    if (r->err != ERR_OK)
        return;
    if (r->nfields >= r->lim->max_fields) {
        fail(r, ERR_TOOBIG, "csv_row_too_long", "the row has more fields than", r->lim->max_fields);
        return;
    }
    if (len > r->lim->max_field_bytes) {
        fail(r, ERR_TOOBIG, "csv_field_too_big", "a field is longer than", r->lim->max_field_bytes);
        return;
    }
    if (r->text_len + len + 1 > r->lim->max_row_bytes) {
        fail(r, ERR_TOOBIG, "csv_row_too_long", "the row is longer than", r->lim->max_row_bytes);
        return;
    }
    if (r->nfields == r->off_cap) {
        size_t cap = r->off_cap ? r->off_cap * 2 : 16;
        size_t *o = realloc(r->off, cap * sizeof *o);
        const char **c = realloc(r->cells, cap * sizeof *c);
        if (o != NULL)
            r->off = o;
        if (c != NULL)
            r->cells = c;
        if (o == NULL || c == NULL) {
            r->err = ERR_NOMEM;
            return;
        }
        r->off_cap = cap;
    }
    if (r->text_len + len + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 256;
        while (cap < r->text_len + len + 1)
            cap *= 2;
        char *t = realloc(r->text, cap);
        if (t == NULL) {
            r->err = ERR_NOMEM;
            return;
        }
        r->text = t;
        r->text_cap = cap;
    }
    if (len > 0)
        memcpy(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    r->off[r->nfields++] = r->text_len;
    r->text_len += len + 1;
}

static void on_row(int c, void *ud)
{
    (void)c;
    struct reader *r = ud;
    if (r->err == ERR_OK && ++r->rows > r->lim->max_rows)
        fail(r, ERR_TOOBIG, "csv_too_many_rows", "the file has more rows than", r->lim->max_rows);
    if (r->err == ERR_OK && r->nfields > 0) {
        for (size_t k = 0; k < r->nfields; k++)
            r->cells[k] = r->text + r->off[k];
        struct table_row row = {r->row_start, r->nfields, r->cells};
        r->err = r->fn(r->fn_ctx, &row, r->eb);
    }
    r->nfields = 0;
    r->text_len = 0;
    r->at_row_start = true;
}

static bool blank_line(const char *s, size_t n)
{
    return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

ERR_MUST_USE static enum err parse_failure(struct reader *r)
{
    return err_set(r->eb, ERR_PARSE, "csv_bad_quotes",
                   "line %zu: malformed quoting (a quote inside an unquoted field, text after "
                   "a closing quote, or a quoted field that is never closed)",
                   r->row_start);
}

/* Feeds n bytes of UTF-8, cut at line ends and into pieces of at most CSV_PIECE bytes. */
ERR_MUST_USE static enum err feed(struct reader *r, const char *s, size_t n)
{
    while (n > 0 && r->err == ERR_OK) {
        const char *nl = memchr(s, '\n', n < CSV_PIECE ? n : CSV_PIECE);
        size_t k = nl != NULL ? (size_t)(nl - s) + 1 : (n < CSV_PIECE ? n : CSV_PIECE);
        if (r->at_row_start && !blank_line(s, k)) {
            r->row_start = r->line;
            r->at_row_start = false;
        }
        if (csv_parse(&r->p, s, k, on_field, on_row, r) != k && r->err == ERR_OK)
            return parse_failure(r);
        if (r->err == ERR_OK && r->p.entry_pos > r->lim->max_field_bytes)
            fail(r, ERR_TOOBIG, "csv_field_too_big", "a field is longer than",
                 r->lim->max_field_bytes);
        if (nl != NULL)
            r->line++;
        s += k;
        n -= k;
    }
    return r->err;
}

ERR_MUST_USE static enum err convert_and_feed(struct reader *r, struct source *src,
                                              enum csv_reader_encoding enc, size_t skip,
                                              unsigned char *buf)
{
    enum err e = ERR_OK;
    iconv_t cd = (iconv_t)-1;
    char *out = NULL;
    if (enc == CSV_READER_GB18030) {
        cd = iconv_open("UTF-8", "GB18030");
        out = malloc(CSV_CHUNK * 2);
        if (cd == (iconv_t)-1 || out == NULL) {
            e = err_set(r->eb, ERR_INTERNAL, "csv_iconv", "GB18030 conversion is unavailable");
            goto out;
        }
    }
    size_t kept = 0; /* bytes of an incomplete GB18030 sequence carried to the next chunk */
    uint64_t offset = 0;
    for (;;) {
        long n = source_read(src, buf + kept, CSV_CHUNK - kept);
        if (n < 0) {
            e = err_set(r->eb, ERR_IO, "csv_read", "the file cannot be read");
            goto out;
        }
        size_t have = kept + (size_t)n, start = 0;
        if (skip > 0) {
            start = skip;
            skip = 0;
        }
        if (cd == (iconv_t)-1) {
            if (n == 0)
                break;
            if ((e = feed(r, (const char *)buf + start, have - start)) != ERR_OK)
                goto out;
            continue;
        }
        char *in = (char *)buf + start;
        size_t inleft = have - start;
        while (inleft > 0) {
            char *o = out;
            size_t oleft = CSV_CHUNK * 2;
            size_t rc = iconv(cd, &in, &inleft, &o, &oleft);
            int why = rc == (size_t)-1 ? errno : 0;
            if ((e = feed(r, out, (size_t)(o - out))) != ERR_OK)
                goto out;
            if (why == EILSEQ || (why == EINVAL && n == 0)) {
                e = err_set(r->eb, ERR_PARSE, "csv_encoding",
                            "line %zu: the file is neither UTF-8 nor GB18030 (byte %llu)", r->line,
                            (unsigned long long)(offset + (uint64_t)(in - (char *)buf)));
                goto out;
            }
            if (why == EINVAL)
                break; /* an incomplete sequence: read more */
        }
        offset += (uint64_t)(in - (char *)buf);
        memmove(buf, in, inleft);
        kept = inleft;
        if (n == 0)
            break;
    }
    if (csv_fini(&r->p, on_field, on_row, r) != 0 && r->err == ERR_OK)
        e = parse_failure(r);
    else
        e = r->err;
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(out);
    return e;
}

ERR_MUST_USE static enum err read_source(struct source *src, const struct csv_reader_options *opt,
                                         table_row_fn fn, void *ctx,
                                         enum csv_reader_encoding *encoding, struct errbuf *eb)
{
    struct csv_reader_limits defaults;
    csv_reader_limits_default(&defaults);
    const struct csv_reader_limits *lim =
        opt != NULL && opt->limits != NULL ? opt->limits : &defaults;
    unsigned char *buf = malloc(CSV_CHUNK);
    if (buf == NULL)
        return ERR_NOMEM;
    struct reader r = {.lim = lim,
                       .fn = fn,
                       .fn_ctx = ctx,
                       .eb = eb,
                       .line = 1,
                       .row_start = 1,
                       .at_row_start = true};
    bool parser = false;
    enum csv_reader_encoding enc;
    size_t skip;
    enum err e = detect(src, lim, &enc, &skip, buf, eb);
    if (e != ERR_OK)
        goto out;
    if (encoding != NULL)
        *encoding = enc;
    if (!source_rewind(src)) {
        e = err_set(eb, ERR_IO, "csv_read", "the file cannot be read twice");
        goto out;
    }
    if (csv_init(&r.p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        e = ERR_NOMEM;
        goto out;
    }
    parser = true;
    csv_set_delim(&r.p, opt != NULL && opt->delimiter != 0 ? opt->delimiter : ',');
    e = convert_and_feed(&r, src, enc, skip, buf);
out:
    if (parser)
        csv_free(&r.p);
    free(r.text);
    free(r.off);
    free(r.cells);
    free(buf);
    return e;
}

enum err csv_reader_read_file(const char *path, const struct csv_reader_options *opt,
                              table_row_fn fn, void *ctx, enum csv_reader_encoding *encoding,
                              struct errbuf *eb)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(eb, ERR_IO, "csv_open", "%s: %s", path, strerror(errno));
    struct csv_reader_limits defaults;
    csv_reader_limits_default(&defaults);
    const struct csv_reader_limits *lim =
        opt != NULL && opt->limits != NULL ? opt->limits : &defaults;
    struct stat st;
    enum err e;
    if (fstat(fileno(f), &st) == 0 && (uint64_t)st.st_size > lim->max_bytes) {
        e = err_set(eb, ERR_TOOBIG, "csv_too_big", "%s is %lld bytes, more than %llu", path,
                    (long long)st.st_size, (unsigned long long)lim->max_bytes);
    } else {
        struct source src = {.f = f};
        e = read_source(&src, opt, fn, ctx, encoding, eb);
    }
    fclose(f);
    return e;
}

enum err csv_reader_read_buffer(const void *data, size_t len, const struct csv_reader_options *opt,
                                table_row_fn fn, void *ctx, enum csv_reader_encoding *encoding,
                                struct errbuf *eb)
{
    struct source src = {.data = data, .len = len};
    return read_source(&src, opt, fn, ctx, encoding, eb);
}

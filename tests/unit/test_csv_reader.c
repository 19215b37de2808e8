/*
 * Unit tests for settlement/csv_reader: quoting and line numbers, BOM, GB18030 (converted
 * here with iconv, across chunk boundaries), wrong encodings, each limit, header detection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/csv_reader.h"
#include "testsupport.h"

struct dump {
    char *text;
    size_t len, cap;
    size_t rows;
};

static enum err dump_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    (void)eb;
    struct dump *d = ctx;
    d->rows++;
    for (size_t i = 0; i <= row->ncells; i++) {
        const char *s = i == 0 ? "" : row->cells[i - 1];
        size_t need = strlen(s) + 32;
        if (d->len + need > d->cap) {
            d->cap = (d->len + need) * 2;
            d->text = realloc(d->text, d->cap);
            assert_non_null(d->text);
        }
        if (i == 0)
            d->len += (size_t)snprintf(d->text + d->len, d->cap - d->len, "%zu:", row->number);
        else
            d->len +=
                (size_t)snprintf(d->text + d->len, d->cap - d->len, "%s%s", i > 1 ? "|" : "", s);
    }
    d->len += (size_t)snprintf(d->text + d->len, d->cap - d->len, "\n");
    return ERR_OK;
}

static const char *read_ok(const char *data, size_t len, const struct csv_reader_options *opt,
                           enum csv_reader_encoding want_enc, struct dump *d)
{
    struct errbuf eb = {{0}, {0}};
    enum csv_reader_encoding enc = (enum csv_reader_encoding)99;
    enum err e = csv_reader_read_buffer(data, len, opt, dump_row, d, &enc, &eb);
    if (e != ERR_OK)
        fail_msg("read failed: %s", eb.msg);
    assert_int_equal(enc, want_enc);
    return d->text != NULL ? d->text : "";
}

static void read_bad(const char *data, size_t len, const struct csv_reader_options *opt,
                     enum err want, const char *code, const char *msg)
{
    struct errbuf eb = {{0}, {0}};
    struct dump d = {0};
    enum err e = csv_reader_read_buffer(data, len, opt, dump_row, &d, NULL, &eb);
    if (e != want)
        fail_msg("got %d (%s), want %d", (int)e, eb.msg, (int)want);
    assert_string_equal(eb.code, code);
    assert_string_equal(eb.msg, msg);
    free(d.text);
}

static void test_rows_and_lines(void **state)
{
    (void)state;
    const char csv[] = "订单编号,金额,备注\n"
                       "211-1,15.90,\"a, quoted \"\"note\"\"\"\n"
                       "211-2,\"1,234.50\",\"two\nlines\"\n"
                       "\n"
                       "\r\n"
                       "211-3,,  spaced  \r\n"
                       "last,row";
    struct dump d = {0};
    assert_string_equal(read_ok(csv, strlen(csv), NULL, CSV_READER_UTF8, &d),
                        "1:订单编号|金额|备注\n"
                        "2:211-1|15.90|a, quoted \"note\"\n"
                        "3:211-2|1,234.50|two\nlines\n"
                        "7:211-3||spaced\n"
                        "8:last|row\n");
    free(d.text);
    /* Semicolons, as Excel writes CSV in German. */
    const char de[] = "Datum;Betrag\n2025-01-02;1.234,50\n";
    struct csv_reader_options opt = {';', NULL};
    struct dump d2 = {0};
    assert_string_equal(read_ok(de, strlen(de), &opt, CSV_READER_UTF8, &d2),
                        "1:Datum|Betrag\n2:2025-01-02|1.234,50\n");
    free(d2.text);
    struct dump d3 = {0};
    assert_string_equal(read_ok("", 0, NULL, CSV_READER_UTF8, &d3), "");
    assert_int_equal(d3.rows, 0);
}

static void test_bom(void **state)
{
    (void)state;
    const char csv[] = "\xEF\xBB\xBF订单编号,金额\r\n211-1,15.90\r\n";
    struct dump d = {0};
    assert_string_equal(read_ok(csv, strlen(csv), NULL, CSV_READER_UTF8_BOM, &d),
                        "1:订单编号|金额\n2:211-1|15.90\n");
    free(d.text);
    read_bad("\xEF\xBB\xBF"
             "a,b\nc,\xFF\n",
             11, NULL, ERR_PARSE, "csv_encoding",
             "line 2: the file starts with a UTF-8 byte-order mark but is not valid UTF-8");
    read_bad("\xFF\xFE"
             "a\0,\0",
             6, NULL, ERR_PARSE, "csv_encoding",
             "the file is UTF-16; save it as CSV UTF-8 and import that");
    assert_string_equal(csv_reader_encoding_name(CSV_READER_UTF8), "utf-8");
    assert_string_equal(csv_reader_encoding_name(CSV_READER_UTF8_BOM), "utf-8 with BOM");
    assert_string_equal(csv_reader_encoding_name(CSV_READER_GB18030), "gb18030");
}

/* text converted from UTF-8 to GB18030; *len gets its length. */
static char *to_gb18030(const char *text, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(text), cap = inleft * 2 + 16, outleft = cap;
    char *out = malloc(cap), *o = out, *in = (char *)text;
    assert_non_null(out);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *len = cap - outleft;
    return out;
}

static void test_gb18030(void **state)
{
    (void)state;
    const char utf8[] = "订单编号,交易收入,币种\n211-1,\"15.90\",人民币\n";
    size_t len;
    char *gb = to_gb18030(utf8, &len);
    assert_true(len < strlen(utf8)); /* really another encoding: two bytes per character */
    struct dump d = {0};
    assert_string_equal(read_ok(gb, len, NULL, CSV_READER_GB18030, &d),
                        "1:订单编号|交易收入|币种\n2:211-1|15.90|人民币\n");
    free(d.text);
    free(gb);

    /* 300 KiB, shifted by one byte so that chunk ends split two-byte characters. */
    size_t lines = 20000;
    char *big = malloc(lines * 16 + 8);
    assert_non_null(big);
    size_t at = (size_t)snprintf(big, 8, "x\n");
    for (size_t i = 0; i < lines; i++)
        at += (size_t)snprintf(big + at, 17, "账务,%05zu\n", i);
    gb = to_gb18030(big, &len);
    assert_true(len > 128 * 1024);
    struct dump d2 = {0};
    read_ok(gb, len, NULL, CSV_READER_GB18030, &d2);
    assert_int_equal(d2.rows, lines + 1);
    assert_non_null(strstr(d2.text, "\n20001:账务|19999\n"));
    assert_non_null(strstr(d2.text, "\n2:账务|00000\n"));
    free(d2.text);
    free(gb);
    free(big);

    /* Neither UTF-8 nor GB18030. */
    read_bad("a,b\n\xFF\xFF,c\n", 9, NULL, ERR_PARSE, "csv_encoding",
             "line 2: the file is neither UTF-8 nor GB18030 (byte 4)");
    /* Ends inside a two-byte character. */
    read_bad("a,b\n\xB6", 5, NULL, ERR_PARSE, "csv_encoding",
             "line 2: the file is neither UTF-8 nor GB18030 (byte 4)");
}

static void test_malformed(void **state)
{
    (void)state;
    read_bad("a,b\nc,\"d\"e\n", 11, NULL, ERR_PARSE, "csv_bad_quotes",
             "line 2: malformed quoting (a quote inside an unquoted field, text after a closing "
             "quote, or a quoted field that is never closed)");
    read_bad("a,b\nc,\"d\n\ne\n", 12, NULL, ERR_PARSE, "csv_bad_quotes",
             "line 2: malformed quoting (a quote inside an unquoted field, text after a closing "
             "quote, or a quoted field that is never closed)");
    read_bad("a,b\n\nc\0d\n", 9, NULL, ERR_PARSE, "csv_nul",
             "line 3: the file has a NUL byte (not a text file?)");
    /* Past the first 64 KiB chunk, after long ASCII runs and some UTF-8: still the right line. */
    const char row[] = "abcdefghijklmnopqrstuvw,账务,0123456789\n";
    size_t rows = 5000, n = 3 + rows * (sizeof row - 1);
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < rows; i++)
        memcpy(big + 3 + i * (sizeof row - 1), row, sizeof row - 1);
    memcpy(big + n, "x,\xC3(\n", 5);
    read_bad(big, n + 5, NULL, ERR_PARSE, "csv_encoding",
             "line 5001: the file starts with a UTF-8 byte-order mark but is not valid UTF-8");
    memcpy(big + n, "x\n\ny\0\n", 6);
    read_bad(big, n + 6, NULL, ERR_PARSE, "csv_nul",
             "line 5003: the file has a NUL byte (not a text file?)");
    free(big);
}

static void test_limits(void **state)
{
    (void)state;
    struct csv_reader_limits lim;
    csv_reader_limits_default(&lim);
    lim.max_fields = 2;
    struct csv_reader_options opt = {0, &lim};
    read_bad("a,b\nc,d\ne,f,g\n", 14, &opt, ERR_TOOBIG, "csv_row_too_long",
             "line 3: the row has more fields than 2");
    csv_reader_limits_default(&lim);
    lim.max_rows = 2;
    read_bad("a\nb\nc\n", 6, &opt, ERR_TOOBIG, "csv_too_many_rows",
             "line 3: the file has more rows than 2");
    csv_reader_limits_default(&lim);
    lim.max_bytes = 5;
    read_bad("a,b\nc,d\n", 8, &opt, ERR_TOOBIG, "csv_too_big", "the file is larger than 5 bytes");
    csv_reader_limits_default(&lim);
    lim.max_row_bytes = 10;
    read_bad("a,b\nabcdef,ghijkl\n", 18, &opt, ERR_TOOBIG, "csv_row_too_long",
             "line 2: the row is longer than 10");
    /* A field far longer than the limit is refused while it grows, quoted or not. */
    csv_reader_limits_default(&lim);
    lim.max_field_bytes = 100;
    size_t n = 1024 * 1024;
    char *huge = malloc(n);
    assert_non_null(huge);
    memcpy(huge, "a,b\n\"", 5);
    memset(huge + 5, 'x', n - 5);
    read_bad(huge, n, &opt, ERR_TOOBIG, "csv_field_too_big", "line 2: a field is longer than 100");
    huge[4] = 'x';
    read_bad(huge, n, &opt, ERR_TOOBIG, "csv_field_too_big", "line 2: a field is longer than 100");
    free(huge);
}

static enum err stop_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    size_t *seen = ctx;
    (*seen)++;
    if (row->number == 2)
        return err_set(eb, ERR_INVAL, "stop", "stopped at line %zu", row->number);
    return ERR_OK;
}

static void test_files_and_callback(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("csv");
    char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/a.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("h1,h2\nv1,v2\nw1,w2\n", f);
    fclose(f);
    size_t seen = 0;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(csv_reader_read_file(path, NULL, stop_row, &seen, NULL, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "stop");
    assert_int_equal(seen, 2);
    struct csv_reader_limits lim;
    csv_reader_limits_default(&lim);
    lim.max_bytes = 10;
    struct csv_reader_options opt = {0, &lim};
    assert_int_equal(csv_reader_read_file(path, &opt, stop_row, &seen, NULL, &eb), ERR_TOOBIG);
    assert_string_equal(eb.code, "csv_too_big");
    assert_non_null(strstr(eb.msg, "is 18 bytes, more than 10"));
    snprintf(path, sizeof path, "%s/missing.csv", dir);
    assert_int_equal(csv_reader_read_file(path, NULL, stop_row, &seen, NULL, &eb), ERR_IO);
    assert_string_equal(eb.code, "csv_open");
    free(dir);
}

/* A bank statement with a title block: the header is found, then amounts are read. */
struct statement {
    struct table_header h;
    int64_t total;
    size_t lines;
};

static enum err statement_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    struct statement *s = ctx;
    if (!s->h.found) {
        return table_header_feed(&s->h, row, eb);
    }
    struct money m;
    bool absent;
    enum err e = table_cell_money(row, (size_t)s->h.column[1], "EUR", MONEY_STYLE_DE,
                                  MONEY_ABSENT_EMPTY, &m, &absent, eb);
    if (e == ERR_OK) {
        s->total += m.minor;
        s->lines++;
    }
    return e;
}

static void test_header_detection(void **state)
{
    (void)state;
    static const char *names[] = {"Buchungstag", "Betrag", "Waehrung", "Verwendungszweck"};
    struct table_header_spec spec = {names, 4, 3, 5};
    const char csv[] = "Kontoauszug;;\n"
                       "Konto;DE00 1234;\n"
                       "\n"
                       "Buchungstag;Verwendungszweck;Betrag;Waehrung\n"
                       "02.01.2025;PingPong 1;1.234,50;EUR\n"
                       "03.01.2025;Gebuehr;-2,50;EUR\n";
    struct statement s = {.total = 0};
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(table_header_init(&s.h, &spec, &eb), ERR_OK);
    struct csv_reader_options opt = {';', NULL};
    assert_int_equal(csv_reader_read_buffer(csv, strlen(csv), &opt, statement_row, &s, NULL, &eb),
                     ERR_OK);
    assert_int_equal(s.h.row_number, 4);
    assert_int_equal(s.h.column[1], 2);
    assert_int_equal(s.lines, 2);
    assert_int_equal(s.total, 123200);

    /* Text in an amount cell: the error names the line and the column. */
    const char bad[] = "Buchungstag;Verwendungszweck;Betrag;Waehrung\n"
                       "02.01.2025;x;1.234,50;EUR\n"
                       "03.01.2025;y;zwei Euro;EUR\n";
    struct statement s2 = {.total = 0};
    assert_int_equal(table_header_init(&s2.h, &spec, &eb), ERR_OK);
    assert_int_equal(csv_reader_read_buffer(bad, strlen(bad), &opt, statement_row, &s2, NULL, &eb),
                     ERR_INVAL);
    assert_string_equal(eb.msg, "row 3 column C: amount \"zwei Euro\" is not a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_lines),   cmocka_unit_test(test_bom),
        cmocka_unit_test(test_gb18030),          cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),           cmocka_unit_test(test_files_and_callback),
        cmocka_unit_test(test_header_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

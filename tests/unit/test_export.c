/*
 * Unit tests for export: the formula-injection rule as a table (every dangerous first byte,
 * the safe ones, typed numbers), CSV framing (RFC 4180 quoting, CRLF, BOM, UTF-8 repair),
 * XLSX read back with the settlement reader (values) and with libzip (text is a string cell,
 * never a formula; typed numbers are numbers), and each limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "export/export.h"
#include "settlement/xlsx.h"
#include "testsupport.h"

/* One row of the neutralization table: the cell and its CSV field. */
struct neutral_case {
    const char *cell;
    bool neutralized;
    const char *csv;
};

static const struct neutral_case neutral_cases[] = {
    {"=1+1", true, "\"'=1+1\""},
    {"+1", true, "\"'+1\""},
    {"-1", true, "\"'-1\""},
    {"@SUM(A1)", true, "\"'@SUM(A1)\""},
    {"\tx", true, "\"'\tx\""},
    {"\rx", true, "\"'\rx\""},
    {"\nx", true, "\"'\nx\""},
    {"\x01x", true, "\"'\x01x\""},
    {"\x1fx", true, "\"'\x1fx\""},
    {"\x7fx", true, "\"'\x7fx\""},
    {"=cmd|' /C calc'!A0", true, "\"'=cmd|' /C calc'!A0\""},
    {"=\"q\"", true, "\"'=\"\"q\"\"\""},
    {"", false, ""},
    {"plain", false, "plain"},
    {"a=b", false, "a=b"},
    {" =x", false, " =x"},
    {"15.90", false, "15.90"},
    {"a,b", false, "\"a,b\""},
    {"say \"hi\"", false, "\"say \"\"hi\"\"\""},
    {"two\nlines", false, "\"two\nlines\""},
    {"中文 / English", false, "中文 / English"},
};

static void test_neutralize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof neutral_cases / sizeof neutral_cases[0]; i++) {
        const struct neutral_case *c = &neutral_cases[i];
        struct buf b = {0};
        assert_int_equal(export_csv_field(&b, c->cell), ERR_OK);
        if (export_needs_neutralizing(c->cell) != c->neutralized ||
            strcmp(b.data ? b.data : "", c->csv) != 0)
            fail_msg("case %zu (%s): got %s", i, c->cell, b.data ? b.data : "");
        buf_free(&b);
    }
}

static void test_decimal_valid(void **state)
{
    (void)state;
    static const char *const good[] = {"0", "-15.90", "15.9", "1234567890.1234", "-0.01"};
    static const char *const bad[] = {"",     "-",    "1.",  ".5",    "1.23456",
                                      "1e5",  "=1+1", "+1",  "1,000", " 1",
                                      "0x10", "1-1",  "--1", "1.2.3", "1234567890123456789"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(export_decimal_valid(good[i], NULL));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (export_decimal_valid(bad[i], NULL))
            fail_msg("accepted %s", bad[i]);
    int d = -1;
    assert_true(export_decimal_valid("-15.90", &d));
    assert_int_equal(d, 2);
}

/* Writes the sample table in format; returns the bytes (free them). */
static char *write_sample(enum export_format format, bool bom, size_t *len)
{
    char *data = NULL;
    FILE *out = open_memstream(&data, len);
    assert_non_null(out);
    struct export_options o;
    export_options_init(&o, format);
    o.bom = bom;
    o.sheet = "审计 Audit";
    struct export *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(export_open(&o, out, &x, &eb), ERR_OK);
    export_cell_text(x, "id");
    export_cell_text(x, "amount");
    export_cell_text(x, "note");
    export_row_end(x);
    export_cell_int(x, 7);
    export_cell_decimal(x, "-15.90");
    export_cell_text(x, "=HYPERLINK(\"http://x\")");
    export_row_end(x);
    export_cell_int(x, -3);
    export_cell_decimal(x, "1234.5");
    export_cell_text(x, "bad \xff byte, \"quoted\"");
    export_row_end(x);
    export_cell_text(x, "-2"); /* text that looks like a number stays neutralized text */
    export_cell_text(x, "\x01x");
    assert_int_equal(export_finish(x, &eb), ERR_OK); /* the last row without its end */
    assert_int_equal(fclose(out), 0);
    return data;
}

static void test_csv(void **state)
{
    (void)state;
    size_t len = 0;
    char *csv = write_sample(EXPORT_CSV, true, &len);
    const char *want = "\xEF\xBB\xBF"
                       "id,amount,note\r\n"
                       "7,-15.90,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"
                       "-3,1234.5,\"bad \xEF\xBF\xBD byte, \"\"quoted\"\"\"\r\n"
                       "\"'-2\",\"'\x01x\"\r\n";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(csv, want, len);
    free(csv);
    csv = write_sample(EXPORT_CSV, false, &len);
    assert_true(strncmp(csv, "id,", 3) == 0);
    free(csv);
}

static void test_table_and_utc(void **state)
{
    (void)state;
    char *data = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&data, &len);
    assert_non_null(out);
    static const char *const heads[] = {"at", "none"};
    struct export_options o;
    struct export *x = NULL;
    struct errbuf eb = {{0}, {0}};
    export_options_init(&o, EXPORT_CSV);
    assert_int_equal(export_open_table(&o, out, heads, 2, &x, &eb), ERR_OK);
    export_cell_utc(x, 1796420000);
    export_cell_utc(x, 0);
    export_row_end(x);
    assert_int_equal(export_finish(x, &eb), ERR_OK);
    fclose(out);
    assert_string_equal(data, "at,none\r\n2026-12-04T21:33:20Z,\r\n");
    free(data);
    /* A table without an output is refused before any row. */
    x = NULL;
    assert_int_equal(export_open_table(&o, NULL, heads, 2, &x, &eb), ERR_INVAL);
    assert_null(x);
}

struct rows {
    char text[2048];
    size_t len;
};

static enum err collect_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    (void)eb;
    struct rows *r = ctx;
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%zu:", row->number);
    for (size_t i = 0; i < row->ncells; i++)
        r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s%s", i ? "|" : "",
                                   row->cells[i]);
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "\n");
    return ERR_OK;
}

/* The worksheet XML of the archive (free it). */
static char *sheet_xml(const char *data, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    zip_stat_t st;
    assert_int_equal(zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st), 0);
    char *xml = calloc(1, (size_t)st.size + 1);
    zip_file_t *f = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, xml, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_close(z);
    return xml;
}

static void test_xlsx_read_back(void **state)
{
    (void)state;
    size_t len = 0;
    char *data = write_sample(EXPORT_XLSX, false, &len);
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_buffer(data, len, NULL, &x, &eb), ERR_OK);
    assert_int_equal(xlsx_sheet_count(x), 1);
    assert_string_equal(xlsx_sheet_name(x, 0), "审计 Audit");
    struct rows r = {{0}, 0};
    assert_int_equal(xlsx_sheet_read(x, 0, collect_row, &r, &eb), ERR_OK);
    assert_string_equal(r.text, "1:id|amount|note\n"
                                "2:7|-15.9|=HYPERLINK(\"http://x\")\n"
                                "3:-3|1234.5|bad \xEF\xBF\xBD byte, \"quoted\"\n"
                                "4:-2|_x0001_x\n");
    /* libxlsxwriter writes a control character the way Excel does (_x0001_); the reader
     * gives the cell's text as stored. */
    xlsx_free(x);
    /* The cell types: no formula anywhere; the typed numbers are number cells (no t=), the
     * texts that start with = and - are inline strings. */
    char *xml = sheet_xml(data, len);
    assert_null(strstr(xml, "<f>"));
    assert_non_null(strstr(xml, "<c r=\"B2\" s=\"2\"><v>-15.9</v></c>"));
    assert_non_null(strstr(xml, "<c r=\"A3\" s=\"1\"><v>-3</v></c>"));
    assert_non_null(strstr(xml, "<c r=\"C2\" t=\"inlineStr\">"));
    assert_non_null(strstr(xml, "<c r=\"A4\" t=\"inlineStr\"><is><t>-2</t></is></c>"));
    free(xml);
    free(data);
}

/* Opens a table in format on a memory stream with max_rows and max_cols. */
static struct export *open_small(enum export_format format, size_t rows, size_t cols, FILE **out,
                                 char **data, size_t *len)
{
    *out = open_memstream(data, len);
    struct export_options o;
    export_options_init(&o, format);
    o.max_rows = rows;
    o.max_cols = cols;
    o.max_cell_bytes = 8;
    struct export *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(export_open(&o, *out, &x, &eb), ERR_OK);
    return x;
}

/* Finishes x expecting want, then closes its stream. */
static void finish_small(struct export *x, FILE *out, char **data, enum err want)
{
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(export_finish(x, &eb), want);
    if (want == ERR_INVAL)
        assert_true(ts_contains(errbuf_message(&eb, ERR_INVAL), "not a plain decimal"));
    fclose(out);
    free(*data);
    *data = NULL;
}

static void test_limits(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        enum export_format format = f == 0 ? EXPORT_CSV : EXPORT_XLSX;
        FILE *out;
        char *data = NULL;
        size_t len = 0;
        struct export *x = open_small(format, 2, 2, &out, &data, &len);
        export_row_end(x);
        export_row_end(x);
        export_cell_text(x, "third"); /* a third row */
        finish_small(x, out, &data, ERR_TOOBIG);
        x = open_small(format, 2, 2, &out, &data, &len);
        export_cell_text(x, "a");
        export_cell_text(x, "b");
        export_cell_text(x, "c");
        finish_small(x, out, &data, ERR_TOOBIG);
        x = open_small(format, 2, 2, &out, &data, &len);
        export_cell_text(x, "123456789");
        finish_small(x, out, &data, ERR_TOOBIG);
        x = open_small(format, 2, 2, &out, &data, &len);
        export_cell_decimal(x, "=1+1");
        finish_small(x, out, &data, ERR_INVAL);
        x = open_small(format, 2, 2, &out, &data, &len);
        export_free(x); /* abandoned: the temporary file goes too */
        fclose(out);
        free(data);
    }
    struct export_options o;
    export_options_init(&o, EXPORT_XLSX);
    o.sheet = "a/b";
    struct export *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(export_open(&o, stdout, &x, &eb), ERR_INVAL);
    export_options_init(&o, EXPORT_CSV);
    o.max_rows = 0;
    assert_int_equal(export_open(&o, stdout, &x, &eb), ERR_INVAL);
    assert_int_equal(export_finish(NULL, &eb), ERR_INVAL);
    export_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_and_utc),  cmocka_unit_test(test_neutralize_table),
        cmocka_unit_test(test_decimal_valid),  cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xlsx_read_back), cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for settlement/xlsx: a FundDetail-like workbook written at test time with libzip
 * from XML in this file (shared and inline strings, numbers, a date serial, "/" cells, a
 * summary row, text in an amount cell, a sheet with namespace prefixes), one written by
 * libxlsxwriter (a real writer), and bad archives: not a zip, truncated, corrupted, a zip
 * bomb, a DTD, each limit.
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
#include <xlsxwriter.h>
#include <zip.h>

#include "settlement/xlsx.h"
#include "testsupport.h"

struct part {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen(data) */
};

static char *tmp;

static const char *path_in_tmp(const char *file)
{
    static char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", tmp, file);
    return path;
}

/* Writes the parts as a zip archive (deflated) to file in the temporary folder. */
static const char *write_zip(const char *file, const struct part *parts, size_t n)
{
    const char *path = path_in_tmp(file);
    int code = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *src = zip_source_buffer(z, parts[i].data, len, 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return path;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define REL_WS  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
#define REL_SS  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

static const char workbook_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><workbookPr/><sheets>"
    "<sheet name=\"结算-交易收入\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"支出-技术服务费\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";

static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"" NS_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_WS "\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL_WS "\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL_SS "\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";

/* 0 账务时间, 1 订单编号, 2 币种, 3 交易收入, 4 CNY, 5 合计, 6 rich text with a phonetic run. */
static const char shared_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"" NS_MAIN "\" count=\"7\" "
    "uniqueCount=\"7\"><si><t>账务时间</t></si><si><t>订单编号</t></si><si><t>币种</t></si>"
    "<si><t>交易收入</t></si><si><t>CNY</t></si><si><t>合计</t></si>"
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Rich </t></r><r><t>text &amp; more</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si></sst>";

static const char sheet1_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>45678.5</v></c>"
    "<c r=\"B2\" t=\"inlineStr\"><is><t>PO-211-01234567890123</t></is></c>"
    "<c r=\"C2\" t=\"s\"><v>4</v></c><c r=\"D2\"><v>15.9</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>TEXT(1,\"x\")</f><v>2025-01-02 10:00:00</v></c>"
    "<c r=\"B3\" t=\"inlineStr\"><is><t>211-01234567890124</t></is></c>"
    "<c r=\"C3\" t=\"s\"><v>4</v></c><c r=\"D3\" t=\"inlineStr\"><is><t>/</t></is></c></row>"
    "<row r=\"4\"/>"
    "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>5</v></c><c r=\"D5\"><v>15.9</v></c></row>"
    "<row r=\"6\"><c r=\"B6\" t=\"s\"><v>6</v></c><c r=\"C6\" t=\"b\"><v>1</v></c>"
    "<c r=\"D6\" t=\"inlineStr\"><is><t>abc</t></is></c><c r=\"E6\" t=\"e\"><v>#N/A</v></c>"
    "</row>"
    "<row><c><v>-1234.5</v></c><c t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c>"
    "</row></sheetData></worksheet>";

/* Prefixed elements, as some .NET writers produce. */
static const char sheet2_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:worksheet xmlns:x=\"" NS_MAIN "\">"
    "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>支出金额</x:t></x:is>"
    "</x:c></x:row><x:row r=\"2\"><x:c r=\"A2\"><x:v>3.2</x:v></x:c></x:row></x:sheetData>"
    "</x:worksheet>";

static const char *write_funddetail(const char *file)
{
    const struct part parts[] = {
        {"[Content_Types].xml", "<Types/>", 0},      {"xl/workbook.xml", workbook_xml, 0},
        {"xl/_rels/workbook.xml.rels", rels_xml, 0}, {"xl/sharedStrings.xml", shared_xml, 0},
        {"xl/worksheets/sheet1.xml", sheet1_xml, 0}, {"xl/worksheets/sheet2.xml", sheet2_xml, 0},
    };
    return write_zip(file, parts, sizeof parts / sizeof parts[0]);
}

/* Rows as text: "<number>:<cell>|<cell>…\n". */
struct dump {
    char text[4096];
    size_t len;
    size_t stop_at; /* return ERR_INVAL at this row number (0: never) */
};

static enum err dump_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    struct dump *d = ctx;
    if (d->stop_at != 0 && row->number == d->stop_at)
        return err_set(eb, ERR_INVAL, "stop", "stopped at row %zu", row->number);
    d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "%zu:", row->number);
    for (size_t i = 0; i < row->ncells; i++)
        d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "%s%s", i ? "|" : "",
                                   row->cells[i]);
    d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "\n");
    return ERR_OK;
}

/* Writes the FundDetail-like workbook to file and opens it with the default limits. */
static struct xlsx *open_funddetail(const char *file)
{
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    if (xlsx_open_file(write_funddetail(file), NULL, &x, &eb) != ERR_OK)
        fail_msg("open %s: %s", file, eb.msg);
    return x;
}

static void test_funddetail(void **state)
{
    (void)state;
    struct xlsx *x = open_funddetail("fd.xlsx");
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_sheet_count(x), 2);
    assert_string_equal(xlsx_sheet_name(x, 0), "结算-交易收入");
    assert_string_equal(xlsx_sheet_name(x, 1), "支出-技术服务费");
    assert_null(xlsx_sheet_name(x, 2));
    assert_int_equal(xlsx_sheet_find(x, "支出-技术服务费"), 1);
    assert_int_equal(xlsx_sheet_find(x, "nope"), -1);
    assert_int_equal(xlsx_date1904(x), 0);

    struct dump d = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 0, dump_row, &d, &eb), ERR_OK);
    assert_string_equal(d.text, "1:账务时间|订单编号|币种|交易收入\n"
                                "2:45678.5|PO-211-01234567890123|CNY|15.9\n"
                                "3:2025-01-02 10:00:00|211-01234567890124|CNY|/\n"
                                "5:合计|||15.9\n"
                                "6:|Rich text & more|1|abc|#N/A\n"
                                "7:-1234.5|ab\n");
    struct dump d2 = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 1, dump_row, &d2, &eb), ERR_OK);
    assert_string_equal(d2.text, "1:支出金额\n2:3.2\n");
    /* A sheet can be read again. */
    struct dump d3 = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 1, dump_row, &d3, &eb), ERR_OK);
    assert_string_equal(d3.text, d2.text);
    assert_int_equal(xlsx_sheet_read(x, 2, dump_row, &d3, &eb), ERR_NOTFOUND);

    /* The callback's error stops the reader and comes back unchanged. */
    struct dump stop = {.stop_at = 3};
    memset(&eb, 0, sizeof eb);
    assert_int_equal(xlsx_sheet_read(x, 0, dump_row, &stop, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "stop");
    assert_string_equal(stop.text, "1:账务时间|订单编号|币种|交易收入\n"
                                   "2:45678.5|PO-211-01234567890123|CNY|15.9\n");
    xlsx_free(x);
    xlsx_free(NULL);
}

/* Reads the amount column (D) of the FundDetail sheet with table_cell_money(). */
struct amounts {
    int64_t sum;
    size_t absent;
    struct errbuf eb;
    bool failed;
};

static enum err amount_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    struct amounts *a = ctx;
    if (row->number == 1 || row->number == 5)
        return ERR_OK; /* header and summary */
    struct money m;
    bool absent;
    enum err e = table_cell_money(row, 3, "CNY", MONEY_STYLE_PLAIN,
                                  MONEY_ABSENT_SLASH | MONEY_ABSENT_EMPTY, &m, &absent, eb);
    if (e != ERR_OK)
        return e;
    a->sum += m.minor;
    a->absent += absent;
    return ERR_OK;
}

static void test_text_in_amount_cell(void **state)
{
    (void)state;
    struct xlsx *x = open_funddetail("amount.xlsx");
    struct errbuf eb = {{0}, {0}};
    struct amounts a = {0};
    assert_int_equal(xlsx_sheet_read(x, 0, amount_row, &a, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "bad_amount");
    assert_string_equal(eb.msg, "row 6 column D: amount \"abc\" is not a number");
    assert_int_equal(a.sum, 1590); /* row 2 */
    assert_int_equal(a.absent, 1); /* row 3: "/" */
    xlsx_free(x);
}

static void test_serial_dates(void **state)
{
    (void)state;
    int64_t t = 0;
    struct errbuf eb = {{0}, {0}};
    /* 2025-01-21 12:00 in Beijing is 04:00 UTC. */
    assert_int_equal(xlsx_serial_to_unix("45678.5", 0, 8 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737432000);
    assert_int_equal(xlsx_serial_to_unix("45678", 0, 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737417600);
    assert_int_equal(xlsx_serial_to_unix("25569", 0, 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 0);
    /* 1904 system: serial 0 is 1904-01-01. */
    assert_int_equal(xlsx_serial_to_unix("24107", 1, 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 0);
    /* 10:00:00 is 0.416666…; rounding gives the exact second. */
    assert_int_equal(xlsx_serial_to_unix("45678.416666666664", 0, 8 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737417600 + 10 * 3600 - 8 * 3600);
    assert_int_equal(xlsx_serial_to_unix("45678.999999999", 0, 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737417600 + 86400);
    /* Negative offsets (west of UTC). */
    assert_int_equal(xlsx_serial_to_unix("45678", 0, -5 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737417600 + 5 * 3600);
    const char *bad[] = {"",   "abc",      "-1", "1e5",     "45678.",
                         ".5", "45678.5x", "60", "2958466", "99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&eb, 0, sizeof eb);
        if (xlsx_serial_to_unix(bad[i], 0, 0, &t, &eb) != ERR_INVAL)
            fail_msg("serial \"%s\" was accepted", bad[i]);
        assert_string_equal(eb.code, "bad_date");
    }
    assert_int_equal(xlsx_serial_to_unix(NULL, 0, 0, &t, &eb), ERR_INVAL);
}

/* libxlsxwriter, a real writer: shared strings, numbers, a date. */
static void test_libxlsxwriter(void **state)
{
    (void)state;
    const char *path = path_in_tmp("writer.xlsx");
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "结算-售后退款");
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Sheet B");
    assert_non_null(ws);
    assert_non_null(ws2);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd hh:mm:ss");
    worksheet_write_string(ws, 0, 0, "订单编号", NULL);
    worksheet_write_string(ws, 0, 1, "退款金额", NULL);
    worksheet_write_string(ws, 0, 2, "账务时间", NULL);
    worksheet_write_string(ws, 1, 0, "PO-211-1", NULL);
    worksheet_write_number(ws, 1, 1, 15.9, NULL);
    lxw_datetime when = {2025, 1, 21, 12, 0, 0};
    worksheet_write_datetime(ws, 1, 2, &when, date);
    worksheet_write_string(ws, 3, 0, "合计", NULL);
    worksheet_write_number(ws, 3, 1, 1234567.89, NULL);
    worksheet_write_number(ws2, 0, 2, -7, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_file(path, NULL, &x, &eb), ERR_OK);
    assert_int_equal(xlsx_sheet_count(x), 2);
    assert_string_equal(xlsx_sheet_name(x, 0), "结算-售后退款");
    struct dump d = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 0, dump_row, &d, &eb), ERR_OK);
    assert_string_equal(d.text, "1:订单编号|退款金额|账务时间\n"
                                "2:PO-211-1|15.9|45678.5\n"
                                "4:合计|1234567.89\n");
    struct dump d2 = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 1, dump_row, &d2, &eb), ERR_OK);
    assert_string_equal(d2.text, "1:||-7\n");
    xlsx_free(x);

    /* The same bytes from memory. */
    size_t len;
    unsigned char *data = slurp(path, &len);
    assert_int_equal(xlsx_open_buffer(data, len, NULL, &x, &eb), ERR_OK);
    struct dump d3 = {.len = 0};
    assert_int_equal(xlsx_sheet_read(x, 0, dump_row, &d3, &eb), ERR_OK);
    assert_string_equal(d3.text, d.text);
    xlsx_free(x);
    free(data);
}

static void expect_open(const char *path, const struct xlsx_limits *lim, enum err want,
                        const char *code, const char *needle)
{
    struct xlsx *x = (struct xlsx *)&x;
    struct errbuf eb = {{0}, {0}};
    enum err e = xlsx_open_file(path, lim, &x, &eb);
    if (e != want)
        fail_msg("open %s: got %d (%s), want %d", path, (int)e, eb.msg, (int)want);
    assert_null(x);
    assert_string_equal(eb.code, code);
    if (needle != NULL && strstr(eb.msg, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", eb.msg, needle);
}

static void test_not_a_workbook(void **state)
{
    (void)state;
    FILE *f = fopen(path_in_tmp("text.xlsx"), "w");
    assert_non_null(f);
    fputs("this is not a zip file\n", f);
    fclose(f);
    expect_open(path_in_tmp("text.xlsx"), NULL, ERR_PARSE, "xlsx_not_zip", "not a zip");
    expect_open(path_in_tmp("missing.xlsx"), NULL, ERR_IO, "xlsx_zip", NULL);
    const struct part only[] = {{"hello.txt", "hi", 0}};
    expect_open(write_zip("nowb.xlsx", only, 1), NULL, ERR_PARSE, "xlsx_missing_part",
                "xl/workbook.xml");
    const struct part bad_xml[] = {{"xl/workbook.xml", "<workbook><sheets>", 0},
                                   {"xl/_rels/workbook.xml.rels", rels_xml, 0}};
    expect_open(write_zip("badxml.xlsx", bad_xml, 2), NULL, ERR_PARSE, "xlsx_bad_xml",
                "xl/workbook.xml: malformed XML");
    const struct part norel[] = {
        {"xl/workbook.xml", workbook_xml, 0},
        {"xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"" NS_PKG "\"/>", 0}};
    expect_open(write_zip("norel.xlsx", norel, 2), NULL, ERR_PARSE, "xlsx_bad_workbook",
                "结算-交易收入");
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_buffer("PK", 2, NULL, &x, &eb), ERR_PARSE);
    assert_null(x);
    assert_int_equal(xlsx_open_buffer(NULL, 0, NULL, &x, &eb), ERR_PARSE);
}

static void test_truncated_and_corrupt(void **state)
{
    (void)state;
    size_t len;
    unsigned char *data = slurp(write_funddetail("whole.xlsx"), &len);
    /* Cut anywhere: the end-of-central-directory record is gone. */
    size_t cuts[] = {len / 2, len - 10, 30};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        struct xlsx *x = NULL;
        struct errbuf eb = {{0}, {0}};
        assert_int_equal(xlsx_open_buffer(data, cuts[i], NULL, &x, &eb), ERR_PARSE);
        assert_string_equal(eb.code, "xlsx_not_zip");
        assert_null(x);
        FILE *f = fopen(path_in_tmp("cut.xlsx"), "wb");
        assert_non_null(f);
        fwrite(data, 1, cuts[i], f);
        fclose(f);
        expect_open(path_in_tmp("cut.xlsx"), NULL, ERR_PARSE, "xlsx_not_zip", "truncated");
    }
    /* Damage the compressed bytes of every entry but keep the directory: inflating or the CRC
     * check fails, on opening (workbook, shared strings) or on reading a sheet. */
    unsigned char *bad = malloc(len);
    assert_non_null(bad);
    memcpy(bad, data, len);
    for (size_t i = 0; i + 4 < len; i++) {
        if (bad[i] == 'P' && bad[i + 1] == 'K' && bad[i + 2] == 3 && bad[i + 3] == 4) {
            size_t name_len = bad[i + 26] | (size_t)bad[i + 27] << 8;
            size_t extra = bad[i + 28] | (size_t)bad[i + 29] << 8;
            size_t at = i + 30 + name_len + extra;
            for (size_t k = 2; k < 8 && at + k < len; k++)
                bad[at + k] ^= 0x5A;
        }
    }
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    enum err e = xlsx_open_buffer(bad, len, NULL, &x, &eb);
    if (e == ERR_OK) {
        struct dump d = {.len = 0};
        e = xlsx_sheet_read(x, 0, dump_row, &d, &eb);
        xlsx_free(x);
    }
    assert_int_equal(e, ERR_PARSE);
    assert_true(strcmp(eb.code, "xlsx_zip") == 0 || strcmp(eb.code, "xlsx_bad_xml") == 0);
    free(bad);
    free(data);
}

static void test_zip_bomb(void **state)
{
    (void)state;
    /* 20 MiB of spaces inside an XML element deflate to about 20 KiB: ratio ~1000. */
    size_t n = 20 * 1024 * 1024;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    memcpy(big, "<sst>", 5);
    memcpy(big + n - 6, "</sst>", 6);
    const struct part parts[] = {{"xl/workbook.xml", workbook_xml, 0},
                                 {"xl/_rels/workbook.xml.rels", rels_xml, 0},
                                 {"xl/sharedStrings.xml", big, n}};
    const char *path = write_zip("bomb.xlsx", parts, 3);
    expect_open(path, NULL, ERR_TOOBIG, "xlsx_zip_bomb", "xl/sharedStrings.xml");
    /* Allowed a higher ratio, the per-entry size limit still stops it. */
    struct xlsx_limits lim;
    xlsx_limits_default(&lim);
    lim.max_ratio = 100000;
    lim.max_entry_bytes = 1024 * 1024;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_entry_too_big", "xl/sharedStrings.xml");
    lim.max_entry_bytes = 64u * 1024 * 1024;
    lim.max_total_bytes = 10u * 1024 * 1024;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_too_big", NULL);
    /* With every limit raised the same file opens: the refusals above were the limits. */
    lim.max_total_bytes = 64u * 1024 * 1024;
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_file(path, &lim, &x, &eb), ERR_OK);
    xlsx_free(x);
    free(big);
}

static void test_dtd_refused(void **state)
{
    (void)state;
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                         "<sst><si><t>&b;</t></si></sst>";
    const struct part parts[] = {{"xl/workbook.xml", workbook_xml, 0},
                                 {"xl/_rels/workbook.xml.rels", rels_xml, 0},
                                 {"xl/sharedStrings.xml", laughs, 0}};
    expect_open(write_zip("dtd.xlsx", parts, 3), NULL, ERR_PARSE, "xlsx_dtd", "DTD");
}

static void expect_read(const char *path, const struct xlsx_limits *lim, enum err want,
                        const char *code, const char *msg)
{
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_file(path, lim, &x, &eb), ERR_OK);
    struct dump d = {.len = 0};
    enum err e = xlsx_sheet_read(x, 0, dump_row, &d, &eb);
    if (e != want)
        fail_msg("read: got %d (%s), want %d", (int)e, eb.msg, (int)want);
    assert_string_equal(eb.code, code);
    assert_string_equal(eb.msg, msg);
    xlsx_free(x);
}

static void test_limits(void **state)
{
    (void)state;
    const char *path = write_funddetail("limits.xlsx");
    struct xlsx_limits lim;
    xlsx_limits_default(&lim);
    lim.max_entries = 5;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_too_many_entries", "more than 5 files");
    xlsx_limits_default(&lim);
    lim.max_sheets = 1;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_too_many_sheets", "more than 1 sheets");
    xlsx_limits_default(&lim);
    lim.max_shared_strings = 6;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_too_many_strings", "more than 6 shared");
    xlsx_limits_default(&lim);
    lim.max_cell_bytes = 8;
    expect_open(path, &lim, ERR_TOOBIG, "xlsx_cell_too_big", "shared string 0 is longer");
    xlsx_limits_default(&lim);
    lim.max_cell_bytes = 20;
    expect_read(path, &lim, ERR_TOOBIG, "xlsx_cell_too_big",
                "sheet \"结算-交易收入\" row 2 column B: the cell is longer than 20 bytes");
    xlsx_limits_default(&lim);
    lim.max_row_cells = 4;
    expect_read(path, &lim, ERR_TOOBIG, "xlsx_row_too_long",
                "sheet \"结算-交易收入\" row 6 column E: the row has more than 4 cells");
    xlsx_limits_default(&lim);
    lim.max_rows = 3;
    expect_read(path, &lim, ERR_TOOBIG, "xlsx_too_many_rows",
                "sheet \"结算-交易收入\" has more than 3 rows");
    xlsx_limits_default(&lim);
    lim.max_cells = 10;
    expect_read(path, &lim, ERR_TOOBIG, "xlsx_too_many_cells",
                "sheet \"结算-交易收入\" row 3 column C: the sheet has more than 10 cells");
}

static const char *write_one_sheet(const char *file, const char *sheet)
{
    const struct part parts[] = {{"xl/workbook.xml", workbook_xml, 0},
                                 {"xl/_rels/workbook.xml.rels", rels_xml, 0},
                                 {"xl/sharedStrings.xml", shared_xml, 0},
                                 {"xl/worksheets/sheet1.xml", sheet, 0}};
    return write_zip(file, parts, 4);
}

static void test_bad_cells(void **state)
{
    (void)state;
    expect_read(write_one_sheet("ss.xlsx", "<worksheet><sheetData><row r=\"4\"><c r=\"B4\" "
                                           "t=\"s\"><v>7</v></c></row></sheetData></worksheet>"),
                NULL, ERR_PARSE, "xlsx_bad_cell",
                "sheet \"结算-交易收入\" row 4 column B: shared string \"7\" does not exist (the "
                "workbook has 7)");
    expect_read(write_one_sheet("order.xlsx", "<worksheet><sheetData><row r=\"2\"><c r=\"C2\">"
                                              "<v>1</v></c><c r=\"B2\"><v>2</v></c></row>"
                                              "</sheetData></worksheet>"),
                NULL, ERR_PARSE, "xlsx_bad_cell",
                "sheet \"结算-交易收入\" row 2 column B: the cell comes before the previous one");
    expect_read(write_one_sheet("ref.xlsx", "<worksheet><sheetData><row r=\"2\"><c r=\"2B\">"
                                            "<v>1</v></c></row></sheetData></worksheet>"),
                NULL, ERR_PARSE, "xlsx_bad_cell",
                "sheet \"结算-交易收入\" row 2 column A: the cell reference is not valid");
    expect_read(write_one_sheet("row.xlsx", "<worksheet><sheetData><row r=\"0\"/></sheetData>"
                                            "</worksheet>"),
                NULL, ERR_PARSE, "xlsx_bad_cell",
                "sheet \"结算-交易收入\": row number \"0\" after row 0 is not valid");
    expect_read(write_one_sheet("trunc.xlsx", "<worksheet><sheetData><row r=\"1\">"), NULL,
                ERR_PARSE, "xlsx_bad_xml",
                "xl/worksheets/sheet1.xml: malformed XML at line 1: no element found");
}

static int setup(void **state)
{
    (void)state;
    tmp = ts_tmpdir("xlsx");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(tmp);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funddetail),     cmocka_unit_test(test_text_in_amount_cell),
        cmocka_unit_test(test_serial_dates),   cmocka_unit_test(test_libxlsxwriter),
        cmocka_unit_test(test_not_a_workbook), cmocka_unit_test(test_truncated_and_corrupt),
        cmocka_unit_test(test_zip_bomb),       cmocka_unit_test(test_dtd_refused),
        cmocka_unit_test(test_limits),         cmocka_unit_test(test_bad_cells),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

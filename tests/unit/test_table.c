/* Unit tests for settlement/table: column names, trimming, amounts from cells, header rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "settlement/table.h"

static void test_column_names(void **state)
{
    (void)state;
    char n[TABLE_COLUMN_NAME_MAX];
    size_t cols[] = {0, 1, 25, 26, 27, 51, 52, 701, 702, 16383};
    const char *want[] = {"A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        table_column_name(cols[i], n);
        assert_string_equal(n, want[i]);
    }
}

static void test_trim(void **state)
{
    (void)state;
    const char *t;
    size_t n = table_trim(" \t\xE3\x80\x80订单编号\xC2\xA0 \xE3\x80\x80", &t);
    assert_int_equal(n, strlen("订单编号"));
    assert_memory_equal(t, "订单编号", n);
    assert_int_equal(table_trim("   ", &t), 0);
    assert_int_equal(table_trim("", &t), 0);
    n = table_trim("a b", &t);
    assert_int_equal(n, 3);
}

static void test_cell_money(void **state)
{
    (void)state;
    /* U+3000 (ideographic space) before the amount. */
    const char *cells[] = {"211-1", "\u30001,234.50 ", "/", "12 元"};
    struct table_row row = {42, 4, cells};
    struct money m;
    bool absent = true;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(table_cell_money(&row, 1, "CNY", MONEY_STYLE_EN, 0, &m, &absent, &eb), ERR_OK);
    assert_int_equal(m.minor, 123450);
    assert_false(absent);
    assert_int_equal(
        table_cell_money(&row, 2, "CNY", MONEY_STYLE_EN, MONEY_ABSENT_SLASH, &m, &absent, &eb),
        ERR_OK);
    assert_true(absent);
    /* A column past the end of the row is an empty cell. */
    assert_int_equal(
        table_cell_money(&row, 9, "CNY", MONEY_STYLE_EN, MONEY_ABSENT_EMPTY, &m, &absent, &eb),
        ERR_OK);
    assert_true(absent);
    assert_int_equal(table_cell_money(&row, 9, "CNY", MONEY_STYLE_EN, 0, &m, &absent, &eb),
                     ERR_INVAL);
    assert_string_equal(eb.msg, "row 42 column J: amount is empty");
    assert_int_equal(table_cell_money(&row, 3, "CNY", MONEY_STYLE_EN, 0, &m, &absent, &eb),
                     ERR_INVAL);
    assert_string_equal(eb.code, "bad_amount");
    assert_string_equal(eb.msg, "row 42 column D: amount \"12 元\" is not a number");
    assert_int_equal(table_cell_money(&row, 1, "JPY", MONEY_STYLE_EN, 0, &m, &absent, &eb),
                     ERR_INVAL);
    assert_string_equal(eb.code, "too_many_decimals");
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t t = 0;
    struct errbuf eb = {{0}, {0}};
    /* 2025-01-21 12:00 in Beijing is 04:00 UTC (the same instant as serial 45678.5). */
    assert_int_equal(table_time_parse("2025-01-21 12:00:00", 8 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737432000);
    assert_int_equal(table_time_parse(" 2025/01/21 12:00 ", 8 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737432000);
    assert_int_equal(table_time_parse("2025-01-21T04:00:00", 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737432000);
    assert_int_equal(table_time_parse("2025-01-21", 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 1737417600);
    assert_int_equal(table_time_parse("1970-01-01 08:00:00", 8 * 3600, &t, &eb), ERR_OK);
    assert_int_equal(t, 0);
    assert_int_equal(table_time_parse("2024-02-29 23:59:59", 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 1709251199);
    assert_int_equal(table_time_parse("2000-03-01", 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 951868800);
    assert_int_equal(table_time_parse("9999-12-31 23:59:59", 0, &t, &eb), ERR_OK);
    assert_int_equal(t, 253402300799);
    const char *bad[] = {"",
                         "abc",
                         "2025-02-29",
                         "1900-02-29",
                         "2025-13-01",
                         "2025-00-10",
                         "2025-01-32",
                         "2025-01-21 24:00:00",
                         "2025-01-21 12:60",
                         "2025-01-21 12:00:60",
                         "2025-01/21",
                         "2025-1-21",
                         "2025-01-21 12",
                         "2025-01-21 12:00:00Z",
                         "2025-01-21 12:00:00.5",
                         "1969-12-31 23:59:59",
                         "45678.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&eb, 0, sizeof eb);
        if (table_time_parse(bad[i], 0, &t, &eb) != ERR_INVAL)
            fail_msg("time \"%s\" was accepted", bad[i]);
        assert_string_equal(eb.code, "bad_time");
    }
    assert_string_equal(eb.msg, "time \"45678.5\" is not a date-time like 2025-01-21 12:00:00");
    assert_int_equal(table_time_parse(NULL, 0, &t, &eb), ERR_INVAL);
}

static const char *names[] = {"账务时间", "订单编号", "币种", "交易收入"};

static void feed(struct table_header *h, size_t number, const char *const *cells, size_t n,
                 enum err want)
{
    struct table_row row = {number, n, cells};
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(table_header_feed(h, &row, &eb), want);
}

static void test_header_found(void **state)
{
    (void)state;
    struct table_header_spec spec = {names, 4, 3, 5};
    struct table_header h;
    assert_int_equal(table_header_init(&h, &spec, NULL), ERR_OK);
    const char *title[] = {"Store A FundDetail", "", ""};
    const char *partial[] = {"订单编号", "x"};
    const char *header[] = {"",        "\xE3\x80\x80订单编号 ", "ACCOUNT", "账务时间", "交易收入",
                            "订单编号"};
    const char *data[] = {"2025-01-01", "211-1", "CNY", "1.00"};
    feed(&h, 1, title, 3, ERR_OK);
    assert_false(h.found);
    feed(&h, 2, partial, 2, ERR_OK);
    assert_false(h.found);
    feed(&h, 4, header, 6, ERR_OK);
    assert_true(h.found);
    assert_int_equal(h.row_number, 4);
    assert_int_equal(h.column[0], 3);
    assert_int_equal(h.column[1], 1); /* the first occurrence */
    assert_int_equal(h.column[2], -1);
    assert_int_equal(h.column[3], 4);
    feed(&h, 5, data, 4, ERR_OK); /* ignored once found */
    assert_int_equal(h.row_number, 4);
    assert_int_equal(table_header_finish(&h, NULL), ERR_OK);

    /* ASCII case is ignored. */
    const char *en[] = {"Date", "Amount", "Currency"};
    const char *en_row[] = {"DATE", " amount", "currency "};
    struct table_header_spec en_spec = {en, 3, 3, 1};
    assert_int_equal(table_header_init(&h, &en_spec, NULL), ERR_OK);
    feed(&h, 1, en_row, 3, ERR_OK);
    assert_true(h.found);
}

static void test_header_missing(void **state)
{
    (void)state;
    struct table_header_spec spec = {names, 4, 3, 2};
    struct table_header h;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(table_header_init(&h, &spec, NULL), ERR_OK);
    const char *r1[] = {"订单编号"};
    const char *r2[] = {"订单编号", "币种"};
    feed(&h, 1, r1, 1, ERR_OK);
    struct table_row row = {3, 2, r2};
    assert_int_equal(table_header_feed(&h, &row, &eb), ERR_NOTFOUND);
    assert_string_equal(eb.code, "header_not_found");
    assert_string_equal(eb.msg, "no header row in the first 2 rows: the best, row 3, names 2 of "
                                "the 4 expected columns (at least 3 needed)");
    /* Fewer rows than max_rows in the file: finish says so. */
    assert_int_equal(table_header_init(&h, &spec, NULL), ERR_OK);
    const char *none[] = {"x"};
    feed(&h, 1, none, 1, ERR_OK);
    assert_int_equal(table_header_finish(&h, &eb), ERR_NOTFOUND);
    assert_string_equal(eb.msg,
                        "no header row: none of the first 1 rows names any expected column");
    /* Bad specs. */
    struct table_header_spec bad[] = {{names, 0, 0, 5},
                                      {names, 4, 0, 5},
                                      {names, 4, 5, 5},
                                      {names, 4, 2, 0},
                                      {names, TABLE_HEADER_NAMES_MAX + 1, 1, 5}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(table_header_init(&h, &bad[i], &eb), ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_names),   cmocka_unit_test(test_trim),
        cmocka_unit_test(test_cell_money),     cmocka_unit_test(test_header_found),
        cmocka_unit_test(test_header_missing), cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

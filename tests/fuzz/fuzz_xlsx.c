/*
 * Fuzz target: the XLSX reader (settlement/xlsx.h) on any bytes, under small limits. Opening
 * and reading every sheet must give ERR_OK or a classified refusal (ERR_PARSE, ERR_TOOBIG,
 * ERR_INVAL from the row callback) with a message, and no leak or crash; every delivered row
 * has its cells non-NULL, and amounts and dates in cells go through their parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum err touch_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    size_t *cells = ctx;
    if (row->number == 0 || row->ncells == 0)
        abort();
    for (size_t i = 0; i < row->ncells; i++) {
        if (row->cells[i] == NULL)
            abort();
        (*cells)++;
        struct money m;
        bool absent;
        err_discard(
            table_cell_money(row, i, "CNY", MONEY_STYLE_EN, MONEY_ABSENT_SLASH, &m, &absent, eb));
        int64_t t;
        err_discard(xlsx_serial_to_unix(row->cells[i], 0, 8 * 3600, &t, eb));
    }
    return ERR_OK;
}

static void check(enum err e, const struct errbuf *eb)
{
    if (e == ERR_OK)
        return;
    if (e != ERR_PARSE && e != ERR_TOOBIG && e != ERR_NOTFOUND)
        abort();
    if (eb->msg[0] == '\0')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlsx_limits lim;
    xlsx_limits_default(&lim);
    lim.max_entry_bytes = 4u * 1024 * 1024;
    lim.max_total_bytes = 8u * 1024 * 1024;
    lim.max_rows = 10000;
    lim.max_cells = 100000;
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    enum err e = xlsx_open_buffer(data, size, &lim, &x, &eb);
    check(e, &eb);
    if (e != ERR_OK) {
        if (x != NULL)
            abort();
        return 0;
    }
    size_t cells = 0;
    for (size_t i = 0; i < xlsx_sheet_count(x); i++) {
        if (xlsx_sheet_name(x, i) == NULL)
            abort();
        memset(&eb, 0, sizeof eb);
        check(xlsx_sheet_read(x, i, touch_row, &cells, &eb), &eb);
    }
    if (cells > lim.max_cells * xlsx_sheet_count(x))
        abort();
    xlsx_free(x);
    return 0;
}

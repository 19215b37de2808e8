/*
 * Fuzz target: the CSV reader (settlement/csv_reader.h) on any bytes, under small limits,
 * with the header detector and the amount parser on every row. The result must be ERR_OK or
 * a classified refusal (ERR_PARSE, ERR_TOOBIG, ERR_NOTFOUND from the detector) with a
 * message; rows respect the field limit; no leak or crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/csv_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
    struct table_header h;
    size_t max_fields;
};

static enum err on_row(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    struct state *s = ctx;
    if (row->number == 0 || row->ncells == 0 || row->ncells > s->max_fields)
        abort();
    for (size_t i = 0; i < row->ncells; i++) {
        if (row->cells[i] == NULL)
            abort();
        struct money m;
        bool absent;
        /* Any answer will do: the fuzzer looks for crashes and limit breaches. */
        err_discard(table_cell_money(row, i, "USD", MONEY_STYLE_EN,
                                     MONEY_ABSENT_EMPTY | MONEY_ABSENT_SLASH | MONEY_ROUND, &m,
                                     &absent, eb));
    }
    memset(eb, 0, sizeof *eb);
    return table_header_feed(&s->h, row, eb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[] = {"订单编号", "amount", "currency", "date"};
    struct csv_reader_limits lim;
    csv_reader_limits_default(&lim);
    lim.max_fields = 64;
    lim.max_field_bytes = 1024;
    lim.max_row_bytes = 8192;
    struct state s;
    struct table_header_spec spec = {names, 4, 2, 50};
    if (table_header_init(&s.h, &spec, NULL) != ERR_OK)
        abort();
    s.max_fields = lim.max_fields;
    /* The first byte picks the delimiter, so ';' and tab files are fuzzed too. */
    struct csv_reader_options opt = {size > 0 && data[0] == ';'    ? ';'
                                     : size > 0 && data[0] == '\t' ? '\t'
                                                                   : ',',
                                     &lim};
    struct errbuf eb = {{0}, {0}};
    enum err e = csv_reader_read_buffer(data, size, &opt, on_row, &s, NULL, &eb);
    if (e != ERR_OK && e != ERR_PARSE && e != ERR_TOOBIG && e != ERR_NOTFOUND)
        abort();
    if (e != ERR_OK && eb.msg[0] == '\0')
        abort();
    return 0;
}

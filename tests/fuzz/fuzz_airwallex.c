/*
 * Fuzz target: the Airwallex answers (settlements list, one settlement, balance history), as
 * the payout sync parses them. Any bytes give ERR_OK or ERR_PARSE; what parses has an id, a
 * known currency on both amounts, a fee of the same currency, and no page is half filled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "settlement/airwallex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum err e, const struct airwallex_page *p)
{
    if (e != ERR_OK && e != ERR_PARSE && e != ERR_NOMEM)
        abort();
    if (e != ERR_OK && (p->lines != NULL || p->n != 0))
        abort();
    for (size_t i = 0; e == ERR_OK && i < p->n; i++) {
        const struct airwallex_line *l = &p->lines[i];
        if (l->id[0] == '\0' || money_currency_exponent(l->amount.currency) < 0 ||
            strcmp(l->amount.currency, l->fee.currency) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct airwallex_page p;
    struct errbuf eb = {{0}, {0}};
    enum err e = airwallex_parse_settlements(body, size, true, &p, &eb);
    check(e, &p);
    airwallex_page_clear(&p);
    e = airwallex_parse_settlements(body, size, false, &p, &eb);
    check(e, &p);
    airwallex_page_clear(&p);
    e = airwallex_parse_history(body, size, &p, &eb);
    check(e, &p);
    airwallex_page_clear(&p);
    return 0;
}

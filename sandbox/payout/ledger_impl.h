/* Between ledger.c (data, generation) and ledger_query.c (the API answers); private. */
#ifndef PO_LEDGER_IMPL_H
#define PO_LEDGER_IMPL_H

#include <pthread.h>

#include "../prng.h"
#include "ledger.h"

struct po_settlement {
    char id[PO_ID_MAX];
    char currency[4];
    int64_t amount, fee; /* minor units */
    int64_t created_at, settled_at, estimated_at;
    bool settled;
};

struct po_history {
    char id[PO_ID_MAX];
    char currency[4];
    int64_t amount, balance, fee;
    int64_t created_at;
    const char *type, *source_type;
    char source[PO_ID_MAX];
    char description[PO_TEXT_MAX];
    char rate[PO_RATE_MAX];
};

struct ledger {
    pthread_mutex_t lock;
    struct prng ids;
    struct po_settlement *s;
    size_t ns;
    struct po_history *h;
    size_t nh;
    int64_t balance_usd, balance_eur, balance_cny;
};

/* Appends s as a JSON string (quotes, backslashes and control bytes escaped). */
void ledger_json_str(struct sbuf *b, const char *s);

/* Appends minor as a JSON number with two decimals ("-15.90"). */
void ledger_json_amount(struct sbuf *b, int64_t minor);

#endif

/*
 * Between reconcile.c (the layers) and reconcile_load.c (what they read and write).
 */
#ifndef AICOS_SETTLEMENT_RECONCILE_PRIVATE_H
#define AICOS_SETTLEMENT_RECONCILE_PRIVATE_H

#include "settlement/reconcile.h"

struct rec_order {
    char *sn, *key; /* key: sn without a "PO-" prefix */
    int64_t amount;
    char currency[MONEY_CODE_LEN + 1];
    struct settle_order_times t;
    int64_t settled;
    bool seen;
    bool tracked; /* the tracking domain has parcels of it (while loading) */
};

struct rec_line {
    char *id, *order_ref, *key, *type, *status, *source, *file, *sheet;
    int64_t row, net, posted_at, balance;
    bool has_balance, duplicate, used;
    char currency[MONEY_CODE_LEN + 1];
};

struct rec_data {
    struct rec_order *orders;
    size_t norders;
    struct rec_line *lines;
    size_t nlines;
};

/* Loads every expected order (sorted by key) and every line (in provenance order). */
ERR_MUST_USE enum err rec_load(struct db_conn *c, struct rec_data *d, struct errbuf *eb);

void rec_data_free(struct rec_data *d);

/* "PO-211-1" → "211-1"; other text unchanged. */
const char *rec_key(const char *ref);

/* One result row of layer (1..4) for ref; seq 0 is the match, later ones its reasons. */
struct rec_result {
    int layer;
    const char *ref, *status, *rule, *reason, *currency, *other;
    int64_t seq, amount;
};

/* Replaces the stored results and report with these (in the caller's transaction). */
ERR_MUST_USE enum err rec_store_begin(struct db_conn *c, struct errbuf *eb);
ERR_MUST_USE enum err rec_store(struct db_conn *c, const struct rec_result *r, struct errbuf *eb);
ERR_MUST_USE enum err rec_store_report(struct db_conn *c, int64_t now, const json_t *report,
                                       struct errbuf *eb);

#endif

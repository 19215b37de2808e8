/*
 * Read-only settlement queries for the console and GET /api/v1/settlements…: imports with
 * their totals, lines with filters, reconciliation results, one order's expected and
 * settled money. Parameterized; bounded by SETTLE_QUERY_MAX rows.
 */
#ifndef AICOS_SETTLEMENT_QUERY_H
#define AICOS_SETTLEMENT_QUERY_H

#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "base/money.h"
#include "store/db.h"

#define SETTLE_QUERY_MAX     500
#define SETTLE_QUERY_DEFAULT 100

/* {"imports": [{file_sha256, file_name, profile, source, kind, lines, skipped, totals[],
 * imported_at, imported_by}]}, newest first. */
ERR_MUST_USE enum err settle_query_imports(struct db *db, int64_t limit, json_t **out,
                                           struct errbuf *eb);

struct settle_lines_filter {
    const char *file;  /* file_sha256 or NULL */
    const char *order; /* order_ref (also without "PO-") or NULL */
    const char *type;  /* normalized type or NULL */
    int64_t limit, offset;
};

/* {"lines": [{file_sha256, sheet, row, source, line_id, posted_at, type_raw, type, order_ref,
 * net_minor, currency, status, reference}]} in provenance order. */
ERR_MUST_USE enum err settle_query_lines(struct db *db, const struct settle_lines_filter *f,
                                         json_t **out, struct errbuf *eb);

/* {"results": [{layer, ref, seq, status, rule, reason, amount_minor, currency, other_ref}]}
 * of the last run; layer 0 / status NULL: all. */
ERR_MUST_USE enum err settle_query_results(struct db *db, int layer, const char *status,
                                           int64_t limit, json_t **out, struct errbuf *eb);

/* {"order_sn", "expected": {amount_minor, currency, pickup_at, delivered_at, after_sales_open,
 * expected_settlement_at} or null, "history": [...], "settled_minor", "lines": [...],
 * "results": [...]} */
ERR_MUST_USE enum err settle_query_order(struct db *db, const char *sn, json_t **out,
                                         struct errbuf *eb);

/* {"streams": [{connection_id, last_run_at, last_ok_at, asked, stored, moved, failed,
 * last_error}]}: the expected-amounts stream of each connection (expected.h), by connection. */
ERR_MUST_USE enum err settle_query_amount_streams(struct db *db, json_t **out, struct errbuf *eb);

#define SETTLE_SN_MAX 96

/* One order's last reconciliation result (layer 1) as the action center reads it. */
struct settle_order_state {
    char sn[SETTLE_SN_MAX];
    char status[16]; /* matched, partial, missing, unexpected, pending */
    char currency[MONEY_CODE_LEN + 1];
    int64_t expected_minor;    /* the order's expected amount (0: unexpected) */
    int64_t variance_minor;    /* settled - expected */
    int64_t unexplained_minor; /* the unexplained residue (partial), the sum (unexpected) */
    int64_t expected_at;       /* the expected settlement date (0: not known) */
};

/*
 * The results of conn's orders (its expected orders, and unexpected lines of its synced
 * orders): of keys[0..n) when keys is not NULL, else up to max orders after the key after in
 * key order. *got gets the count; out has room for max (n when keys is not NULL; at most 60).
 */
ERR_MUST_USE enum err settle_order_states(struct db_conn *c, const char *conn,
                                          const char *const *keys, size_t n, const char *after,
                                          size_t max, struct settle_order_state *out, size_t *got,
                                          struct errbuf *eb);

#endif

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

#endif

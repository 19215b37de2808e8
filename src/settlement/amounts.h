/*
 * The amounts of an order as Temu's temu.order.amount.v2.query gives them (issue 16: the
 * console shows each order's value): what the buyer paid (customerPaid.customerPaidTotal) and
 * the estimated settlement, stored with the answer by the amounts refresh (expected.h) in
 * order_amounts (migration 25). Read by the orders list (a page's orders at once) and the
 * order page (with the answer's breakdown and per-item prices).
 */
#ifndef AICOS_SETTLEMENT_AMOUNTS_H
#define AICOS_SETTLEMENT_AMOUNTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

#define SETTLE_AMOUNTS_BATCH 100 /* orders read at once */

/* Stores the amounts of order sn of connection conn from the v2 answer result
 * ({parentOrderMap, orderList}); paid_minor is -1 when the answer lacks
 * customerPaid.customerPaidTotal. */
ERR_MUST_USE enum err settle_order_amount_put(struct db_conn *c, const char *conn, const char *sn,
                                              const json_t *result, int64_t now, struct errbuf *eb);

/* *out = {"<conn> <sn>": {paid_minor (-1: not given), currency, settle_minor, fetched_at}} for the
 * orders (conns[i], sns[i]) of i < n (n <= SETTLE_AMOUNTS_BATCH) that have amounts. */
ERR_MUST_USE enum err settle_order_amounts_get(struct db *db, const char *const *conns,
                                               const char *const *sns, size_t n, json_t **out,
                                               struct errbuf *eb);

/* *out = {paid_minor, currency, settle_minor, fetched_at, "answer": {parentOrderMap,
 * orderList}} of one order, or NULL (ERR_OK) when it has none. */
ERR_MUST_USE enum err settle_order_amount_get(struct db *db, const char *conn, const char *sn,
                                              json_t **out, struct errbuf *eb);

#endif

/*
 * On-demand buyer shipping info (issue 7, orders stream: "shipping info (buyer PII) fetched only
 * when needed and stored encrypted"; temu-open-platform.md §5.4).
 *
 * The sync never fetches the buyer's address. Only shipping_get() does, when someone asks for
 * one order's address: it answers from the encrypted copy in the vault when that copy is
 * younger than SHIPPING_FRESH_S, and otherwise calls bg.order.shippinginfo.v2.get with the
 * order's connection and seals the answer with vault_put() under
 * pii/orders/<connection id>/<order number in lower case> (a BLAKE2b digest of the number when
 * it does not fit a secret name). The sealed value names the exact order, so two numbers that
 * differ only in case can never be served each other's address. Vault rotation re-seals these
 * copies like any other secret. The address is never logged and never stored in plain text;
 * callers audit each access.
 */
#ifndef AICOS_SYNC_SHIPPING_H
#define AICOS_SYNC_SHIPPING_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"
#include "temu/errors.h"

#define SHIPPING_FRESH_S (24 * 3600) /* how long an encrypted copy is served without Temu */

/* Where an answer came from: "vault" (the encrypted copy) or "temu" (fetched now). */
struct shipping_result {
    char connection_id[CONNECT_ID_LEN + 1];
    const char *source; /* static */
};

/* SHIPPING_STORED only reads the encrypted copy; SHIPPING_FETCH also asks Temu when it is
 * missing or stale (and stores the answer). */
enum shipping_mode { SHIPPING_STORED, SHIPPING_FETCH };

/*
 * The buyer's shipping info of parent order sn (connection_id may be NULL: the first
 * connection holding sn) at time now, as a new JSON object {connection_id, parent_order_sn,
 * source, fetched_at, shipping: {receiptName, ..., warning}}; the caller owns *out and must
 * never log it. actor is recorded as the writer of the encrypted copy. Errors: ERR_NOTFOUND
 * "order_not_found", or "shipping_not_fetched" in SHIPPING_STORED mode without a fresh copy;
 * ERR_UNAVAILABLE "vault_unavailable" when no master key is configured; ERR_UPSTREAM
 * "temu_token_rejected" (auth; the connection is marked), "temu_unavailable" (retryable, after the
 * client's retries) or "temu_call_failed" with Temu's code in the message (terr, which may be NULL,
 * gets the Temu error); the connection's own errors (token_missing, credentials_missing) as
 * connect_token_get()/connect_client_new() give them.
 */
ERR_MUST_USE enum err shipping_get(const struct connect_env *env, const char *connection_id,
                                   const char *sn, enum shipping_mode mode, const char *actor,
                                   int64_t now, json_t **out, struct shipping_result *res,
                                   struct temu_error *terr, struct errbuf *eb);

#endif

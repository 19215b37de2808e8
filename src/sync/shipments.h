/*
 * Shipment confirm (issue 11): a seller uploads the carrier and tracking number of a parcel
 * for a synced parent order (bg.logistics.shipment.v2.confirm), from the console or
 * POST /api/v1/orders/{sn}/shipments.
 *
 * The carrier must come from the shop's carrier list (bg.logistics.companies.get, cached in
 * temu_carriers for SHIPMENTS_CARRIERS_FRESH_S), the tracking number must have a tracking
 * number's shape (and the carrier's, for carriers whose shape is well known), and the parcel
 * holds the order's sub-orders that are still unshipped in the synced data (or the ones named).
 *
 * Idempotent on retry: every upload is recorded in temu_shipment_uploads under (connection,
 * parent order, tracking number) before Temu is called. A repeated request for a confirmed
 * upload answers the recorded result without calling Temu (replayed). A request whose earlier
 * attempt may have reached Temu (the answer was lost) first looks at shipment.v2.get: when
 * Temu already has the tracking number, the upload is marked confirmed without a second
 * confirm. A definite refusal by Temu removes the record, so a corrected request can follow.
 * The caller audits.
 */
#ifndef AICOS_SYNC_SHIPMENTS_H
#define AICOS_SYNC_SHIPMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"
#include "temu/errors.h"

#define SHIPMENTS_CARRIERS_FRESH_S (24 * 3600) /* a cached carrier list is used this long */
#define SHIPMENTS_TRACKING_MIN     8
#define SHIPMENTS_TRACKING_MAX     40
#define SHIPMENTS_LINES_MAX        50 /* sub-orders in one parcel (platform rule) */

struct shipment_req {
    const char *connection_id;    /* NULL: the first connection holding sn */
    const char *sn;               /* parent order number */
    int64_t carrier_id;           /* logisticsServiceProviderId from the carrier list */
    const char *tracking_number;  /* spaces are dropped, letters upper-cased */
    const char *const *order_sns; /* sub-orders in the parcel; NULL/0: every unshipped one */
    size_t order_sn_count;
};

/*
 * Normalizes a tracking number into out (spaces and dashes dropped, upper case) and checks its
 * shape: SHIPMENTS_TRACKING_MIN..MAX letters and digits with at least 4 digits, plus the
 * carrier's own shape for USPS, UPS and FedEx (by name). ERR_INVAL "tracking_invalid" with the
 * reason otherwise.
 */
ERR_MUST_USE enum err shipment_tracking_check(const char *carrier_name, const char *in,
                                              char out[SHIPMENTS_TRACKING_MAX + 1],
                                              struct errbuf *eb);

/*
 * Confirms the shipment at time now as actor. *out (owned by the caller) is
 * {connection_id, parent_order_sn, carrier_id, carrier_name, tracking_number, order_sns[],
 * state, warnings[], replayed, created_at, confirmed_at}; *created is true when this call
 * uploaded it. Errors: ERR_INVAL bad_carrier / tracking_invalid / bad_order_sns,
 * ERR_NOTFOUND order_not_found, ERR_CONFLICT order_not_shippable / shipment_conflict (the
 * tracking number is recorded with another carrier), ERR_UPSTREAM temu_token_rejected,
 * temu_call_failed (Temu's code and message), ERR_UNAVAILABLE temu_unavailable (the answer was
 * lost; retrying is safe), and the connection's own errors.
 */
ERR_MUST_USE enum err shipment_confirm(const struct connect_env *env,
                                       const struct shipment_req *req, const char *actor,
                                       int64_t now, json_t **out, bool *created,
                                       struct temu_error *terr, struct errbuf *eb);

/*
 * The carriers of connection conn for region_id as a new array [{carrier_id, name}], from the
 * cache when fresh (or when fetch is false), else fetched from Temu and cached.
 */
ERR_MUST_USE enum err shipments_carriers(const struct connect_env *env, const char *conn,
                                         int64_t region_id, int64_t now, bool fetch, json_t **out,
                                         struct temu_error *terr, struct errbuf *eb);

/* The recorded uploads of parent order sn on conn, newest first, as a new array. */
ERR_MUST_USE enum err shipments_list(struct db *db, const char *conn, const char *sn, json_t **out,
                                     struct errbuf *eb);

#endif

/*
 * The tracking domain's storage steps, private to src/tracking: settings rows, applying an
 * update to a parcel, evaluating flags, and the quota ledger. Callers hold a connection; the
 * functions that say so run inside the caller's transaction.
 */
#ifndef AICOS_TRACKING_STORE_H
#define AICOS_TRACKING_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"
#include "tracking/provider.h"

/* A settings value into out ("" when absent). */
ERR_MUST_USE enum err tstore_setting(struct db_conn *c, const char *name, char *out, size_t len,
                                     struct errbuf *eb);
ERR_MUST_USE enum err tstore_setting_put(struct db_conn *c, const char *name, const char *value,
                                         int64_t now, struct errbuf *eb);

/*
 * Applies u to parcel id inside the caller's transaction: new events inserted (a repeat is
 * ignored), the status and raw status taken only when u is not older than what is stored
 * (latest_at), first/last scan, pickup and delivery times; reg_state "stopped" when u says
 * so; refreshed_at = now and next_poll_at. *changed says whether anything new was stored.
 */
ERR_MUST_USE enum err tstore_apply(struct db_conn *c, const char *id,
                                   const struct tracking_update *u, int64_t now, bool *changed,
                                   struct errbuf *eb);

/*
 * Evaluates the flags of every open parcel (or only id when not NULL) at now, raising new
 * ones and clearing those whose condition ended, in one transaction. Adds to *raised and
 * *cleared; *open gets the open parcels.
 */
ERR_MUST_USE enum err tstore_flags_eval(struct db *db, const char *id, int64_t now, int64_t *raised,
                                        int64_t *cleared, int64_t *open, struct errbuf *eb);

/*
 * Reserves up to want numbers of key_id's quota for registration in one transaction: each
 * number gets a ledger row (state reserved, holder "host:pid") unless it has one; at most the
 * remaining quota are reserved (remain is lowered). ok[i] says whether numbers[i] was reserved now.
 */
ERR_MUST_USE enum err tstore_reserve(struct db *db, const char *key_id, const char *holder,
                                     const char *const *numbers, const int64_t *carriers, size_t n,
                                     int64_t now, bool *ok, struct errbuf *eb);

/*
 * Records the result of a reserved number: accepted, rejected (code), or released (a
 * temporary refusal: the row goes, so it can be reserved again); an unspent reservation gives
 * its unit back to remain.
 */
ERR_MUST_USE enum err tstore_reserve_done(struct db_conn *c, const char *key_id, const char *number,
                                          const char *state, int64_t code, bool spent, int64_t now,
                                          struct errbuf *eb);

/* Sets key_id's remaining quota as the provider reported it (asked at wall time since), less
 * open reservations and those made since. */
ERR_MUST_USE enum err tstore_quota_set(struct db *db, const char *key_id, int64_t remain,
                                       int64_t since, int64_t now, struct errbuf *eb);

/*
 * The mapped carrier of a Temu carrier (its id when > 0 and mapped, else its name) into *code
 * (0: not mapped, left to auto-detection) and *lane (the mapping's, else domestic).
 */
ERR_MUST_USE enum err tracking_carrier_resolve(struct db_conn *c, int64_t temu_id, const char *name,
                                               int64_t *code, enum tracking_lane *lane,
                                               struct errbuf *eb);

/*
 * 17TRACK detected code as the carrier of number (register origin 1): the Temu carrier of an
 * unmapped parcel with that number gets a mapping with source "detected", unless one exists.
 * In the caller's transaction.
 */
ERR_MUST_USE enum err tstore_carrier_learn(struct db_conn *c, const char *number, int64_t code,
                                           int64_t now, struct errbuf *eb);

/*
 * Reconciles missed pushes with 17TRACK's gettracklist (reconcile.c): parcels older than
 * 17TRACK's track_time become due now, lost stop pushes are applied, numbers 17TRACK tracks
 * get an accepted ledger row. At most TRACKING_RECONCILE_PAGES pages a call, from the stored
 * watermark; stop (may be NULL) is asked between pages. Adds to *listed and *missed.
 */
ERR_MUST_USE enum err tracking_reconcile(struct db *db, struct tracking_provider *p,
                                         const char *key_id, int64_t now, bool (*stop)(void *),
                                         void *stop_ctx, int64_t *listed, int64_t *missed,
                                         struct errbuf *eb);

/*
 * Parcels waiting for registration without a carrier take the mapping of their Temu carrier
 * when one exists now (mapped after they arrived, or while another provider followed them).
 */
ERR_MUST_USE enum err tstore_carriers_apply(struct db *db, int64_t now, struct errbuf *eb);

/* Hex id of a parcel: the first TRACKING_ID_LEN characters of BLAKE2b(connection \n package). */
void tstore_shipment_id(const char *connection_id, const char *package_sn, char *out);

#endif

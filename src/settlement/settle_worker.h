/*
 * The settlement worker of `aicos serve` and `aicos worker` (see settle_worker.c): the
 * scheduled payout-provider import and the expected-amounts stream.
 */
#ifndef AICOS_SETTLEMENT_SETTLE_WORKER_H
#define AICOS_SETTLEMENT_SETTLE_WORKER_H

#include "base/config.h"
#include "settlement/payout.h"

struct settle_worker;

/*
 * Starts the thread when a vault is open and AICOS_PAYOUT_SYNC_INTERVAL_S or
 * AICOS_SETTLE_AMOUNTS_INTERVAL_S is above 0; *out stays NULL (and ERR_OK) otherwise. db, v and cfg
 * must outlive it.
 */
ERR_MUST_USE enum err settle_worker_start(struct db *db, struct vault *v, const struct config *cfg,
                                          struct settle_worker **out, struct errbuf *eb);

/* Stops the thread after its current turn and frees; NULL is a no-op. */
void settle_worker_stop(struct settle_worker *w);

#endif

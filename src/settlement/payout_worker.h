/* The scheduled payout sync of `aicos serve` and `aicos worker` (see payout_worker.c). */
#ifndef AICOS_SETTLEMENT_PAYOUT_WORKER_H
#define AICOS_SETTLEMENT_PAYOUT_WORKER_H

#include "base/config.h"
#include "settlement/payout.h"

struct payout_worker;

/*
 * Starts the thread when AICOS_PAYOUT_SYNC_INTERVAL_S > 0 and a vault is open; *out stays
 * NULL (and ERR_OK) otherwise. db and v must outlive it.
 */
ERR_MUST_USE enum err payout_worker_start(struct db *db, struct vault *v, const struct config *cfg,
                                          struct payout_worker **out, struct errbuf *eb);

/* Stops the thread after its current turn and frees; NULL is a no-op. */
void payout_worker_stop(struct payout_worker *w);

#endif

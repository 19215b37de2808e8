/* Between payout.c (credential, storage, queries) and payout_sync.c (the sync); private. */
#ifndef AICOS_SETTLEMENT_PAYOUT_PRIVATE_H
#define AICOS_SETTLEMENT_PAYOUT_PRIVATE_H

#include "settlement/payout.h"

/* Upserts the page's lines of feed in one transaction; counts into res. */
ERR_MUST_USE enum err payout_store_page(struct db *db, const char *feed,
                                        const struct airwallex_page *p, int64_t now,
                                        struct payout_sync_result *res, struct errbuf *eb);

/* The checkpoint of feed (-1 when the feed never completed a window). */
ERR_MUST_USE enum err payout_checkpoint_get(struct db *db, const char *feed, int64_t *out,
                                            struct errbuf *eb);

/*
 * Records a run of feed: checkpoint (-1 keeps it), the time, and error ("" after success).
 */
ERR_MUST_USE enum err payout_state_put(struct db *db, const char *feed, int64_t checkpoint,
                                       int64_t now, const char *error, struct errbuf *eb);

/* Reads the vault credential into id and key (AIRWALLEX_CRED_MAX + 1 each; wipe them). */
ERR_MUST_USE enum err payout_credential_read(struct vault *v, char *id, char *key,
                                             struct errbuf *eb);

#endif

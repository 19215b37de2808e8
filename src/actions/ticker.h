/* The action center's timer for `aicos worker` (ticker.c). */
#ifndef AICOS_ACTIONS_TICKER_H
#define AICOS_ACTIONS_TICKER_H

#include "actions/actions.h"

struct actions_ticker;

/* Called after every pass (e.g. the notification outbox); may be NULL. */
typedef void (*actions_tick_fn)(void *ctx, struct db *db, int64_t now);

/* Starts the timer thread: a full pass after tick_s (0: ACTIONS_TICK_S), then a window pass every
 * tick_s and a full pass every ACTIONS_FULL_EVERY_S. */
ERR_MUST_USE enum err actions_ticker_start(struct db *db, int64_t tick_s, actions_tick_fn after,
                                           void *after_ctx, struct actions_ticker **out,
                                           struct errbuf *eb);

/* Stops and frees it (NULL is fine); waits for a running pass. */
void actions_ticker_stop(struct actions_ticker *t);

#endif

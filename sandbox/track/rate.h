/*
 * rate: requests per second per API key (§1.4: 3/s, then HTTP 429). A sliding window over the
 * last second on the monotonic clock, so "a 4th request within one second" is refused however
 * the requests fall against wall-clock seconds.
 */
#ifndef TK_RATE_H
#define TK_RATE_H

#include <stdbool.h>

struct rate;

/* limit requests per second per key (0: unlimited). NULL when out of memory. */
struct rate *rate_new(int limit);

/* NULL is a no-op. */
void rate_free(struct rate *r);

/* Changes the limit (0 to TK_RATE_MAX). */
void rate_set(struct rate *r, int limit);

/* The current limit. */
int rate_get(struct rate *r);

/* Counts one request of key; false (and not counted) when over the limit. */
bool rate_take(struct rate *r, const char *key);

#endif

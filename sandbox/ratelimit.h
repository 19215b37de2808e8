/*
 * ratelimit: requests per second per app key (temu-open-platform.md §4.3: default 20 QPS per
 * app_key). A fixed one-second window on the monotonic clock: simple, and exactly what the
 * Go SDK's "wait for the next second" handling expects.
 */
#ifndef SBX_RATELIMIT_H
#define SBX_RATELIMIT_H

#include <stdbool.h>

struct ratelimit;

/* limit requests per second per key (0: unlimited); http429 answers HTTP 429 when over. */
struct ratelimit *ratelimit_new(int limit, bool http429);

/* NULL is a no-op. */
void ratelimit_free(struct ratelimit *r);

/* Changes the settings at run time. */
void ratelimit_set(struct ratelimit *r, int limit, bool http429);

/* Counts one request of key; false when it is over the limit. *http429 tells how to answer. */
bool ratelimit_take(struct ratelimit *r, const char *key, bool *http429);

/* Current settings. */
void ratelimit_get(struct ratelimit *r, int *limit, bool *http429);

#endif

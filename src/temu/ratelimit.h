/*
 * A thread-safe token bucket for the per-app request budget (temu-open-platform.md §4.3:
 * 20 requests/s per app key by default). The bucket holds at most `burst` tokens and gains
 * `rate` tokens per second. Taking a token never fails: when the bucket is empty the caller
 * is told how long to wait, and the token is reserved for it, so concurrent callers queue up
 * fairly. The limiter reads no clock itself: callers pass monotonic nanoseconds, so tests
 * drive it with a fake clock.
 *
 * Share one limiter between all clients that use the same app key.
 */
#ifndef AICOS_TEMU_RATELIMIT_H
#define AICOS_TEMU_RATELIMIT_H

#include <stdint.h>

#include "base/err.h"

struct temu_ratelimit;

/*
 * Creates a full bucket of `burst` tokens refilled at `rate` per second. rate must be
 * 1..LIMIT_TEMU_RATE_MAX and burst 1..rate*10 (0 means burst = rate); ERR_INVAL otherwise,
 * ERR_NOMEM. The caller frees it with temu_ratelimit_free().
 */
ERR_MUST_USE enum err temu_ratelimit_new(uint32_t rate, uint32_t burst,
                                         struct temu_ratelimit **out);

/* Frees the limiter; NULL is a no-op. No call may be in progress. */
void temu_ratelimit_free(struct temu_ratelimit *rl);

/*
 * Takes one token at monotonic time now_ns and returns how many nanoseconds the caller must
 * wait before sending (0 when a token was available). Thread-safe. Time going backwards is
 * treated as no time passing.
 */
uint64_t temu_ratelimit_reserve(struct temu_ratelimit *rl, uint64_t now_ns);

/* Configured rate (tokens per second) and burst. */
uint32_t temu_ratelimit_rate(const struct temu_ratelimit *rl);
uint32_t temu_ratelimit_burst(const struct temu_ratelimit *rl);

#endif

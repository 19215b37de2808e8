/*
 * vclock: the sandbox's clock, wall time plus a shift that the admin API can move, so tests
 * can expire codes and tokens or skew timestamps without waiting.
 */
#ifndef SBX_VCLOCK_H
#define SBX_VCLOCK_H

#include <stdint.h>

/* Current sandbox time in unix seconds. */
int64_t vclock_now(void);

/* Current sandbox time in unix milliseconds. */
int64_t vclock_now_ms(void);

/* Sets the shift (seconds added to wall time); returns the new sandbox time. */
int64_t vclock_set_shift(int64_t shift_s);

/* Adds to the shift; returns the new sandbox time. */
int64_t vclock_advance(int64_t delta_s);

/* The current shift in seconds. */
int64_t vclock_shift(void);

/* Monotonic milliseconds for rate limits and retry schedules (not shifted). */
int64_t vclock_mono_ms(void);

/* Sleeps ms milliseconds. */
void vclock_sleep_ms(int64_t ms);

#endif

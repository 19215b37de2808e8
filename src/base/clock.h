/* Time helpers: wall-clock timestamps in UTC ISO 8601 and a monotonic clock for durations. */
#ifndef AICOS_BASE_CLOCK_H
#define AICOS_BASE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLOCK_ISO_LEN 32

/* Writes the current UTC time as 2026-11-28T15:25:48.123Z into dst (CLOCK_ISO_LEN bytes). */
void clock_now_iso(char dst[CLOCK_ISO_LEN]);

/* Monotonic nanoseconds, for measuring durations only. */
uint64_t clock_mono_ns(void);

#endif

#include "base/clock.h"

#include <stdio.h>
#include <time.h>

void clock_now_iso(char dst[CLOCK_ISO_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char secs[24];
    if (strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        secs[0] = '\0';
    snprintf(dst, CLOCK_ISO_LEN, "%s.%03dZ", secs, (int)(ts.tv_nsec / 1000000L));
}

uint64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#include "vclock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t vclock_shift_s;

int64_t vclock_now(void)
{
    return (int64_t)time(NULL) + atomic_load(&vclock_shift_s);
}

int64_t vclock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&vclock_shift_s) * 1000;
}

int64_t vclock_set_shift(int64_t shift_s)
{
    atomic_store(&vclock_shift_s, shift_s);
    return vclock_now();
}

int64_t vclock_advance(int64_t delta_s)
{
    atomic_fetch_add(&vclock_shift_s, delta_s);
    return vclock_now();
}

int64_t vclock_shift(void)
{
    return atomic_load(&vclock_shift_s);
}

int64_t vclock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vclock_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    /* A signal may cut the sleep short; finishing the remainder keeps injected latency honest. */
    for (int i = 0; i < 100 && nanosleep(&ts, &ts) != 0; i++)
        ;
}

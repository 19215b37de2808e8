#include "temu/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/limits.h"

#define NS_PER_S 1000000000ull

/*
 * Implemented as GCRA, which is exactly a token bucket: `tat` is the theoretical arrival
 * time of the next request at the steady rate; a request may go `tolerance` ahead of it,
 * which is what a bucket of `burst` tokens allows.
 */
struct temu_ratelimit {
    pthread_mutex_t lock;
    uint32_t rate;
    uint32_t burst;
    uint64_t interval_ns;  /* one token's worth of time */
    uint64_t tolerance_ns; /* (burst - 1) tokens' worth of time */
    uint64_t tat;          /* 0 until the first request */
    uint64_t last_now;
};

enum err temu_ratelimit_new(uint32_t rate, uint32_t burst, struct temu_ratelimit **out)
{
    *out = NULL;
    if (burst == 0)
        burst = rate;
    if (rate < 1 || rate > LIMIT_TEMU_RATE_MAX || burst < 1 || burst > rate * 10u)
        return ERR_INVAL;
    struct temu_ratelimit *rl = calloc(1, sizeof *rl);
    if (rl == NULL)
        return ERR_NOMEM;
    if (pthread_mutex_init(&rl->lock, NULL) != 0) {
        free(rl);
        return ERR_NOMEM;
    }
    rl->rate = rate;
    rl->burst = burst;
    rl->interval_ns = NS_PER_S / rate;
    rl->tolerance_ns = rl->interval_ns * (burst - 1);
    *out = rl;
    return ERR_OK;
}

void temu_ratelimit_free(struct temu_ratelimit *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

uint64_t temu_ratelimit_reserve(struct temu_ratelimit *rl, uint64_t now_ns)
{
    pthread_mutex_lock(&rl->lock);
    if (now_ns < rl->last_now)
        now_ns = rl->last_now;
    rl->last_now = now_ns;
    uint64_t tat = rl->tat > now_ns ? rl->tat : now_ns;
    uint64_t allow_at = tat > rl->tolerance_ns ? tat - rl->tolerance_ns : 0;
    uint64_t wait = allow_at > now_ns ? allow_at - now_ns : 0;
    rl->tat = tat + rl->interval_ns;
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

uint32_t temu_ratelimit_rate(const struct temu_ratelimit *rl)
{
    return rl->rate;
}

uint32_t temu_ratelimit_burst(const struct temu_ratelimit *rl)
{
    return rl->burst;
}

#include "prng.h"

static uint64_t prng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void prng_seed(struct prng *g, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        g->s[i] = prng_splitmix(&x);
}

static uint64_t prng_rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

uint64_t prng_next(struct prng *g)
{
    uint64_t *s = g->s;
    uint64_t result = prng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = prng_rotl(s[3], 45);
    return result;
}

int64_t prng_range(struct prng *g, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0)
        return (int64_t)prng_next(g);
    /* Rejection sampling keeps the distribution uniform; the loop ends with probability 1,
     * and the bound below keeps it finite even for a broken state. */
    uint64_t limit = UINT64_MAX - (UINT64_MAX % span);
    uint64_t v = prng_next(g);
    for (int i = 0; i < 64 && v >= limit; i++)
        v = prng_next(g);
    return (int64_t)((uint64_t)lo + v % span);
}

double prng_unit(struct prng *g)
{
    return (double)(prng_next(g) >> 11) * (1.0 / 9007199254740992.0);
}

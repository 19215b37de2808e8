/*
 * prng: the sandbox's own deterministic generator (xoshiro256**, seeded through splitmix64).
 * Same seed, same sequence, on every machine; never the C library's generator, whose
 * sequence differs between platforms. Not for secrets.
 */
#ifndef SBX_PRNG_H
#define SBX_PRNG_H

#include <stdint.h>

struct prng {
    uint64_t s[4];
};

/* Seeds the generator; stream separates independent sequences drawn from one seed. */
void prng_seed(struct prng *g, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t prng_next(struct prng *g);

/* A uniform integer in [lo, hi] (hi >= lo). */
int64_t prng_range(struct prng *g, int64_t lo, int64_t hi);

/* A uniform double in [0, 1). */
double prng_unit(struct prng *g);

#endif

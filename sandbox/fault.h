/*
 * fault: injected failures for the emulated API (temu-sandbox /openapi/router, track-sandbox
 * /track/v2.2/), from start-up flags or the admin API. Each rule fires with a probability drawn
 * from the module's own seeded prng, for a number of requests or until cleared, so a failing
 * test can be replayed with the same seed and request sequence. Every fired fault is logged to
 * stderr with the program's name and the request's sequence number.
 */
#ifndef SBX_FAULT_H
#define SBX_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum fault_kind {
    FAULT_NONE,
    FAULT_LATENCY,   /* delay the answer by param milliseconds */
    FAULT_RESET,     /* close the connection with a TCP reset, no answer */
    FAULT_HTTP,      /* HTTP status param (5xx) with a short text body */
    FAULT_SYSTEM,    /* internal error: Temu envelope 4000000, 17TRACK code -18010003 */
    FAULT_MALFORMED, /* HTTP 200 with a body that is not JSON */
    FAULT_TRUNCATED, /* HTTP 200 whose body stops halfway (Content-Length is the full size) */
    FAULT_NULL       /* success with "result": null, as an empty US shop's goods list was seen */
};

/* What to do to one request: latency plus at most one other fault. */
struct fault_action {
    int latency_ms;
    enum fault_kind kind;
    int http_status;
    uint64_t seq; /* the request's sequence number, for the log */
};

struct fault;

/* No rules yet; seed drives the draws. NULL when out of memory. */
struct fault *fault_new(uint64_t seed);

/* NULL is a no-op. */
void fault_free(struct fault *f);

/*
 * Adds a rule. kind: latency, reset, http, system, malformed, truncated, null; probability in
 * (0,1];
 * count > 0 limits it to that many firings (0: until cleared); param is the latency in ms or
 * the HTTP status. On error writes a sentence into err.
 */
bool fault_add(struct fault *f, const char *kind, double probability, int count, int param,
               char *err, size_t errlen);

/* Parses a start-up flag value "kind[:probability[:param]]" and adds it. */
bool fault_add_spec(struct fault *f, const char *spec, char *err, size_t errlen);

/* Removes every rule and restarts the draws from seed. */
void fault_reset(struct fault *f, uint64_t seed);

/* Decides the faults of the next router request. */
void fault_pick(struct fault *f, struct fault_action *out);

/* The rules and the seed, for GET /_sandbox/faults. */
json_t *fault_json(struct fault *f);

#endif

/*
 * Request metrics in Prometheus text format: a counter per route and status, and a latency
 * histogram per route. Lock-free (atomics); routes are fixed at creation.
 */
#ifndef AICOS_HTTP_METRICS_H
#define AICOS_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "http/router.h"

struct metrics;

/* New registry for the route table (borrowed; must outlive the registry). */
struct metrics *metrics_new(const struct route *routes, size_t nroutes);

/* NULL is a no-op. */
void metrics_free(struct metrics *m);

/*
 * Records one finished request. route is an index into the table, or (size_t)-1 when no
 * route matched.
 */
void metrics_observe(struct metrics *m, size_t route, int status, uint64_t duration_ns);

/* Appends the exposition text, including aicos_build_info and uptime. */
ERR_MUST_USE enum err metrics_render(struct metrics *m, struct buf *out, const char *version,
                                     const char *commit, uint64_t uptime_s);

#endif

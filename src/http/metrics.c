#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

/* The statuses this server produces; anything else is counted as "other". */
static const int metrics_statuses[] = {200, 201, 202, 204, 301, 302, 303, 304, 400, 401, 403, 404,
                                       405, 409, 413, 414, 415, 422, 429, 431, 500, 502, 503, 504};
#define METRICS_NSTATUS (sizeof metrics_statuses / sizeof metrics_statuses[0])
#define METRICS_SLOTS   (METRICS_NSTATUS + 1)

/* Histogram upper bounds in seconds (the last bucket is +Inf). */
static const double metrics_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
#define METRICS_NBOUNDS (sizeof metrics_bounds / sizeof metrics_bounds[0])

struct metrics_route {
    _Atomic uint64_t by_status[METRICS_SLOTS];
    _Atomic uint64_t buckets[METRICS_NBOUNDS + 1];
    _Atomic uint64_t sum_ns;
    _Atomic uint64_t count;
};

struct metrics {
    const struct route *routes;
    size_t nroutes;
    struct metrics_route per[]; /* nroutes + 1: the last is "unmatched" */
};

struct metrics *metrics_new(const struct route *routes, size_t nroutes)
{
    struct metrics *m = calloc(1, sizeof *m + (nroutes + 1) * sizeof(struct metrics_route));
    if (m == NULL)
        return NULL;
    m->routes = routes;
    m->nroutes = nroutes;
    return m;
}

void metrics_free(struct metrics *m)
{
    free(m);
}

void metrics_observe(struct metrics *m, size_t route, int status, uint64_t duration_ns)
{
    if (m == NULL)
        return;
    struct metrics_route *r = &m->per[route < m->nroutes ? route : m->nroutes];
    size_t slot = METRICS_NSTATUS;
    for (size_t i = 0; i < METRICS_NSTATUS; i++) {
        if (metrics_statuses[i] == status) {
            slot = i;
            break;
        }
    }
    atomic_fetch_add_explicit(&r->by_status[slot], 1, memory_order_relaxed);
    double secs = (double)duration_ns / 1e9;
    size_t b = 0;
    while (b < METRICS_NBOUNDS && secs > metrics_bounds[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_ns, duration_ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

static void metrics_route_label(const struct metrics *m, size_t i, const char **method,
                                const char **route)
{
    if (i < m->nroutes) {
        *method = m->routes[i].method;
        *route = m->routes[i].pattern;
    } else {
        *method = "any";
        *route = "unmatched";
    }
}

enum err metrics_render(struct metrics *m, struct buf *out, const char *version, const char *commit,
                        uint64_t uptime_s)
{
    unsigned bad = 0;
    bad |= buf_puts(out, "# HELP aicos_build_info Build information of the running aicos.\n"
                         "# TYPE aicos_build_info gauge\n");
    bad |= buf_printf(out, "aicos_build_info{version=\"%s\",commit=\"%s\"} 1\n", version, commit);
    bad |= buf_printf(out,
                      "# HELP aicos_uptime_seconds Seconds since the server started.\n"
                      "# TYPE aicos_uptime_seconds gauge\naicos_uptime_seconds %llu\n",
                      (unsigned long long)uptime_s);
    bad |= buf_puts(out, "# HELP aicos_http_requests_total HTTP requests by route and status.\n"
                         "# TYPE aicos_http_requests_total counter\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        const char *method, *route;
        metrics_route_label(m, i, &method, &route);
        for (size_t s = 0; s < METRICS_SLOTS; s++) {
            uint64_t v = atomic_load_explicit(&m->per[i].by_status[s], memory_order_relaxed);
            if (v == 0)
                continue;
            if (s < METRICS_NSTATUS)
                bad |= buf_printf(out,
                                  "aicos_http_requests_total{method=\"%s\",route=\"%s\","
                                  "status=\"%d\"} %llu\n",
                                  method, route, metrics_statuses[s], (unsigned long long)v);
            else
                bad |= buf_printf(out,
                                  "aicos_http_requests_total{method=\"%s\",route=\"%s\","
                                  "status=\"other\"} %llu\n",
                                  method, route, (unsigned long long)v);
        }
    }
    bad |= buf_puts(out, "# HELP aicos_http_request_duration_seconds Time to answer a request.\n"
                         "# TYPE aicos_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        uint64_t count = atomic_load_explicit(&m->per[i].count, memory_order_relaxed);
        if (count == 0)
            continue;
        const char *method, *route;
        metrics_route_label(m, i, &method, &route);
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= METRICS_NBOUNDS; b++) {
            cumulative += atomic_load_explicit(&m->per[i].buckets[b], memory_order_relaxed);
            if (b < METRICS_NBOUNDS)
                bad |= buf_printf(out,
                                  "aicos_http_request_duration_seconds_bucket{method=\"%s\","
                                  "route=\"%s\",le=\"%g\"} %llu\n",
                                  method, route, metrics_bounds[b], (unsigned long long)cumulative);
            else
                bad |= buf_printf(out,
                                  "aicos_http_request_duration_seconds_bucket{method=\"%s\","
                                  "route=\"%s\",le=\"+Inf\"} %llu\n",
                                  method, route, (unsigned long long)cumulative);
        }
        double sum = (double)atomic_load_explicit(&m->per[i].sum_ns, memory_order_relaxed) / 1e9;
        bad |= buf_printf(out,
                          "aicos_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} "
                          "%.6f\n"
                          "aicos_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
                          "%llu\n",
                          method, route, sum, method, route, (unsigned long long)cumulative);
    }
    return bad == 0 ? ERR_OK : ERR_NOMEM;
}

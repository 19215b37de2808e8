/* Unit tests for http/metrics: counters, cumulative histograms, labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/metrics.h"

static enum err h_dummy(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)resp;
    (void)eb;
    return ERR_OK;
}

static const struct route routes[] = {
    {"GET", "/healthz", h_dummy, ROUTE_PUBLIC, "health", "meta", NULL, 0},
    {"POST", "/api/v1/things/{id}", h_dummy, 0, "create", "things", NULL, 0},
    {"GET", "/never", h_dummy, 0, "never requested", "meta", NULL, 0},
};
#define NROUTES (sizeof routes / sizeof routes[0])

#define MS(x) ((uint64_t)(x)*1000000u)
#define US(x) ((uint64_t)(x)*1000u)

/* Renders m into a fresh buffer; the caller frees it. */
static void render(struct metrics *m, struct buf *b)
{
    memset(b, 0, sizeof *b);
    assert_int_equal(metrics_render(m, b, "1.2.3", "abc123", 42), ERR_OK);
    assert_non_null(b->data);
}

/* Asserts that text holds line as a whole line. */
static void has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return;
    }
    fail_msg("missing line: %s\n--- output ---\n%s", line, text);
}

static void lacks(const char *text, const char *fragment)
{
    if (strstr(text, fragment) != NULL)
        fail_msg("unexpected: %s\n--- output ---\n%s", fragment, text);
}

static void test_empty_registry(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    struct buf b;
    render(m, &b);
    has_line(b.data, "# TYPE aicos_build_info gauge");
    has_line(b.data, "aicos_build_info{version=\"1.2.3\",commit=\"abc123\"} 1");
    has_line(b.data, "# TYPE aicos_uptime_seconds gauge");
    has_line(b.data, "aicos_uptime_seconds 42");
    has_line(b.data, "# TYPE aicos_http_requests_total counter");
    has_line(b.data, "# TYPE aicos_http_request_duration_seconds histogram");
    /* Nothing observed: no samples at all. */
    lacks(b.data, "aicos_http_requests_total{");
    lacks(b.data, "aicos_http_request_duration_seconds_bucket{");
    assert_int_equal(b.data[b.len - 1], '\n');
    buf_free(&b);
    metrics_free(m);
    metrics_free(NULL);
}

static void test_counters(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, 0, 200, US(100));
    metrics_observe(m, 0, 200, US(200));
    metrics_observe(m, 0, 503, US(300));
    metrics_observe(m, 1, 201, MS(3));
    metrics_observe(m, 1, 422, MS(4));
    metrics_observe(m, 1, 422, MS(4));
    struct buf b;
    render(m, &b);
    has_line(b.data,
             "aicos_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2");
    has_line(b.data,
             "aicos_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"} 1");
    has_line(b.data, "aicos_http_requests_total{method=\"POST\",route=\"/api/v1/things/{id}\","
                     "status=\"201\"} 1");
    has_line(b.data, "aicos_http_requests_total{method=\"POST\",route=\"/api/v1/things/{id}\","
                     "status=\"422\"} 2");
    /* Routes and statuses without requests have no samples. */
    lacks(b.data, "route=\"/never\"");
    lacks(b.data, "status=\"404\"");
    lacks(b.data, "status=\"other\"");
    lacks(b.data, "route=\"unmatched\"");
    buf_free(&b);
    metrics_free(m);
}

/* A status outside the known list is counted under "other". */
static void test_unknown_status_is_other(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, 0, 418, MS(1));
    metrics_observe(m, 0, 299, MS(1));
    metrics_observe(m, 0, 0, MS(1));
    metrics_observe(m, 0, 200, MS(1));
    struct buf b;
    render(m, &b);
    has_line(b.data,
             "aicos_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"other\"} 3");
    has_line(b.data,
             "aicos_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1");
    lacks(b.data, "status=\"418\"");
    buf_free(&b);
    metrics_free(m);
}

/* Requests that matched no route are labelled method="any", route="unmatched". */
static void test_unmatched_route(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, (size_t)-1, 404, US(50));
    metrics_observe(m, (size_t)-1, 404, US(50));
    metrics_observe(m, (size_t)-1, 405, US(50));
    /* An index past the table is also unmatched, not out of bounds. */
    metrics_observe(m, NROUTES, 404, US(50));
    metrics_observe(m, 1000, 404, US(50));
    struct buf b;
    render(m, &b);
    has_line(b.data,
             "aicos_http_requests_total{method=\"any\",route=\"unmatched\",status=\"404\"} 4");
    has_line(b.data,
             "aicos_http_requests_total{method=\"any\",route=\"unmatched\",status=\"405\"} 1");
    has_line(b.data, "aicos_http_request_duration_seconds_count{method=\"any\","
                     "route=\"unmatched\"} 5");
    lacks(b.data, "route=\"/healthz\"");
    buf_free(&b);
    metrics_free(m);
}

/* Buckets are cumulative, upper bounds inclusive, and +Inf equals the count. */
static void test_histogram_cumulative(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, 0, 200, US(300));  /* 0.0003 s: first bucket */
    metrics_observe(m, 0, 200, MS(1));    /* exactly 0.001 s: the le="0.001" bucket */
    metrics_observe(m, 0, 200, MS(2));    /* 0.002 s */
    metrics_observe(m, 0, 200, MS(40));   /* 0.04 s */
    metrics_observe(m, 0, 200, MS(5000)); /* exactly 5 s */
    metrics_observe(m, 0, 500, MS(7000)); /* beyond the last bound: +Inf only */
    struct buf b;
    render(m, &b);
    static const struct {
        const char *le;
        unsigned count;
    } want[] = {
        {"0.0005", 1}, {"0.001", 2}, {"0.0025", 3}, {"0.005", 3}, {"0.01", 3},
        {"0.025", 3},  {"0.05", 4},  {"0.1", 4},    {"0.25", 4},  {"0.5", 4},
        {"1", 4},      {"2.5", 4},   {"5", 5},      {"+Inf", 6},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char line[256];
        snprintf(line, sizeof line,
                 "aicos_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\","
                 "le=\"%s\"} %u",
                 want[i].le, want[i].count);
        has_line(b.data, line);
    }
    has_line(b.data, "aicos_http_request_duration_seconds_sum{method=\"GET\",route=\"/healthz\"} "
                     "12.043300");
    has_line(b.data,
             "aicos_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 6");
    /* The buckets appear in increasing order of le. */
    const char *prev = b.data;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char frag[32];
        snprintf(frag, sizeof frag, "le=\"%s\"}", want[i].le);
        const char *at = strstr(prev, frag);
        assert_non_null(at);
        prev = at;
    }
    buf_free(&b);
    metrics_free(m);
}

/* Each route has its own histogram. */
static void test_histograms_per_route(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, 0, 200, MS(1));
    metrics_observe(m, 1, 201, MS(600));
    metrics_observe(m, (size_t)-1, 404, MS(1));
    struct buf b;
    render(m, &b);
    has_line(b.data, "aicos_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\","
                     "le=\"0.001\"} 1");
    has_line(b.data, "aicos_http_request_duration_seconds_bucket{method=\"POST\","
                     "route=\"/api/v1/things/{id}\",le=\"0.5\"} 0");
    has_line(b.data, "aicos_http_request_duration_seconds_bucket{method=\"POST\","
                     "route=\"/api/v1/things/{id}\",le=\"1\"} 1");
    has_line(b.data, "aicos_http_request_duration_seconds_bucket{method=\"any\","
                     "route=\"unmatched\",le=\"0.001\"} 1");
    has_line(b.data, "aicos_http_request_duration_seconds_count{method=\"POST\","
                     "route=\"/api/v1/things/{id}\"} 1");
    lacks(b.data, "aicos_http_request_duration_seconds_bucket{method=\"GET\",route=\"/never\"");
    buf_free(&b);
    metrics_free(m);
}

/* Render appends and reports a full buffer. */
static void test_render_appends_and_limits(void **state)
{
    (void)state;
    struct metrics *m = metrics_new(routes, NROUTES);
    assert_non_null(m);
    metrics_observe(m, 0, 200, MS(1));
    struct buf b = {0};
    assert_int_equal(buf_puts(&b, "# prefix\n"), ERR_OK);
    assert_int_equal(metrics_render(m, &b, "v", "c", 0), ERR_OK);
    assert_int_equal(strncmp(b.data, "# prefix\n# HELP aicos_build_info ", 33), 0);
    has_line(b.data, "aicos_uptime_seconds 0");
    buf_free(&b);

    struct buf small = {.max = 64};
    assert_int_not_equal(metrics_render(m, &small, "v", "c", 0), ERR_OK);
    buf_free(&small);

    metrics_observe(NULL, 0, 200, 1);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_registry),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_unknown_status_is_other),
        cmocka_unit_test(test_unmatched_route),
        cmocka_unit_test(test_histogram_cumulative),
        cmocka_unit_test(test_histograms_per_route),
        cmocka_unit_test(test_render_appends_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

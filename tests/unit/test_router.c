/* Unit tests for http/router: matching, captured parameters, 404 vs 405, pattern checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/router.h"

static enum err h_dummy(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)resp;
    (void)eb;
    return ERR_OK;
}

static const struct route routes[] = {
    {"GET", "/", h_dummy, ROUTE_PUBLIC, "root", "meta", "text/html", 0},
    {"GET", "/healthz", h_dummy, ROUTE_PUBLIC, "health", "meta", "application/json", 0},
    {"GET", "/api/v1/things", h_dummy, 0, "list", "things", "application/json", 0},
    {"POST", "/api/v1/things", h_dummy, ROUTE_JSON_BODY, "create", "things", "application/json", 0},
    {"GET", "/api/v1/things/{id}", h_dummy, 0, "get", "things", "application/json", 0},
    {"DELETE", "/api/v1/things/{id}", h_dummy, 0, "delete", "things", "application/json", 0},
    {"PATCH", "/api/v1/things/{id}", h_dummy, ROUTE_JSON_BODY, "patch", "things", NULL, 0},
    {"GET", "/api/v1/things/{id}/parts/{part}", h_dummy, 0, "part", "things", NULL, 0},
    {"GET", "/api/v1/things/export", h_dummy, 0, "export (shadowed by {id})", "things", NULL, 0},
    {"PUT", "/api/v1/shops/{shop}/orders/{order}/lines/{line}", h_dummy, 0, "line", "o", NULL, 0},
};
#define NROUTES (sizeof routes / sizeof routes[0])

struct fixture {
    struct http_req req;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    f.req.arena = arena_new(64 * 1024);
    if (f.req.arena == NULL)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(f->req.arena);
    return 0;
}

/* Matches expecting ROUTER_FOUND and returns the route index. */
static size_t found(struct http_req *req, const char *method, const char *path)
{
    size_t index = 12345;
    char allow[64] = "untouched";
    enum router_result r =
        router_match(routes, NROUTES, method, path, req, &index, allow, sizeof allow);
    if (r != ROUTER_FOUND)
        fail_msg("%s %s: result %d, expected ROUTER_FOUND", method, path, (int)r);
    assert_true(index < NROUTES);
    assert_string_equal(routes[index].method, method);
    return index;
}

static void not_found(struct http_req *req, const char *method, const char *path)
{
    size_t index = 12345;
    char allow[64] = "untouched";
    enum router_result r =
        router_match(routes, NROUTES, method, path, req, &index, allow, sizeof allow);
    if (r != ROUTER_NO_PATH)
        fail_msg("%s %s: result %d, expected ROUTER_NO_PATH", method, path, (int)r);
    assert_int_equal(index, 12345);
    assert_string_equal(allow, "");
}

static void test_literal(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(found(&f->req, "GET", "/healthz"), 1);
    assert_int_equal(f->req.nparams, 0);
    assert_int_equal(found(&f->req, "GET", "/"), 0);
    assert_int_equal(found(&f->req, "GET", "/api/v1/things"), 2);
    assert_int_equal(found(&f->req, "POST", "/api/v1/things"), 3);
}

static void test_params_captured(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(found(&f->req, "GET", "/api/v1/things/42"), 4);
    assert_int_equal(f->req.nparams, 1);
    assert_string_equal(f->req.param_names[0], "id");
    assert_string_equal(f->req.param_values[0], "42");
    assert_string_equal(http_req_param(&f->req, "id"), "42");
    assert_null(http_req_param(&f->req, "part"));

    assert_int_equal(found(&f->req, "GET", "/api/v1/things/a-b.c_d%20e/parts/wheel"), 7);
    assert_int_equal(f->req.nparams, 2);
    assert_string_equal(http_req_param(&f->req, "id"), "a-b.c_d%20e");
    assert_string_equal(http_req_param(&f->req, "part"), "wheel");

    assert_int_equal(found(&f->req, "PUT", "/api/v1/shops/s1/orders/o2/lines/3"), 9);
    assert_int_equal(f->req.nparams, 3);
    assert_string_equal(http_req_param(&f->req, "shop"), "s1");
    assert_string_equal(http_req_param(&f->req, "order"), "o2");
    assert_string_equal(http_req_param(&f->req, "line"), "3");

    /* The earlier route wins: "export" is captured as {id}. */
    assert_int_equal(found(&f->req, "GET", "/api/v1/things/export"), 4);
    assert_string_equal(http_req_param(&f->req, "id"), "export");

    /* Parameters live in the request arena. */
    assert_true(arena_used(f->req.arena) > 0);
}

/* A later match with fewer parameters does not leave stale ones behind. */
static void test_params_reset(void **state)
{
    struct fixture *f = *state;
    found(&f->req, "GET", "/api/v1/things/7/parts/9");
    assert_int_equal(f->req.nparams, 2);
    found(&f->req, "GET", "/healthz");
    assert_int_equal(f->req.nparams, 0);
    assert_null(http_req_param(&f->req, "id"));
}

static void test_no_path(void **state)
{
    struct fixture *f = *state;
    not_found(&f->req, "GET", "/nothing");
    not_found(&f->req, "GET", "/healthzz");
    not_found(&f->req, "GET", "/health");
    not_found(&f->req, "GET", "/api/v1/thing");
    not_found(&f->req, "GET", "/api/v1/things/1/parts");
    not_found(&f->req, "GET", "/api/v1/things/1/parts/2/3");
    not_found(&f->req, "GET", "/api/v1/things/1/2");
    not_found(&f->req, "GET", "/API/V1/things");
    not_found(&f->req, "GET", "");
    not_found(&f->req, "GET", "healthz");
    not_found(&f->req, "GET", "//");
    not_found(&f->req, "GET", "/api//v1/things");
    not_found(&f->req, "GET", "//healthz");
    not_found(&f->req, "GET", "/api/v1/things//parts/x");
    assert_int_equal(f->req.nparams, 0);
}

/* A trailing slash is a different path: neither the literal nor an empty {param} matches. */
static void test_trailing_slash(void **state)
{
    struct fixture *f = *state;
    not_found(&f->req, "GET", "/healthz/");
    not_found(&f->req, "GET", "/api/v1/things/");
    not_found(&f->req, "DELETE", "/api/v1/things/");
    not_found(&f->req, "GET", "/api/v1/things/42/");
    not_found(&f->req, "GET", "/api/v1/things/42/parts/");
}

static void test_wrong_method_lists_allow(void **state)
{
    struct fixture *f = *state;
    size_t index = 12345;
    char allow[64];

    assert_int_equal(router_match(routes, NROUTES, "PUT", "/api/v1/things/42", &f->req, &index,
                                  allow, sizeof allow),
                     ROUTER_NO_METHOD);
    assert_string_equal(allow, "GET, DELETE, PATCH");
    assert_int_equal(index, 12345);

    assert_int_equal(router_match(routes, NROUTES, "DELETE", "/api/v1/things", &f->req, &index,
                                  allow, sizeof allow),
                     ROUTER_NO_METHOD);
    assert_string_equal(allow, "GET, POST");

    assert_int_equal(
        router_match(routes, NROUTES, "POST", "/healthz", &f->req, &index, allow, sizeof allow),
        ROUTER_NO_METHOD);
    assert_string_equal(allow, "GET");

    /* Methods are case-sensitive. */
    assert_int_equal(
        router_match(routes, NROUTES, "get", "/healthz", &f->req, &index, allow, sizeof allow),
        ROUTER_NO_METHOD);
    assert_string_equal(allow, "GET");

    /* A NULL allow buffer is accepted. */
    assert_int_equal(router_match(routes, NROUTES, "PUT", "/healthz", &f->req, &index, NULL, 0),
                     ROUTER_NO_METHOD);
}

/* A short Allow buffer holds whole method names only, never a cut-off one. */
static void test_allow_truncated_cleanly(void **state)
{
    struct fixture *f = *state;
    size_t index;
    char allow[12];
    memset(allow, 'x', sizeof allow);
    assert_int_equal(router_match(routes, NROUTES, "PUT", "/api/v1/things/1", &f->req, &index,
                                  allow, sizeof allow),
                     ROUTER_NO_METHOD);
    /* "GET, DELETE" is 11 bytes and fits; ", PATCH" does not. */
    assert_string_equal(allow, "GET, DELETE");

    char tiny[6];
    assert_int_equal(router_match(routes, NROUTES, "PUT", "/api/v1/things/1", &f->req, &index, tiny,
                                  sizeof tiny),
                     ROUTER_NO_METHOD);
    assert_string_equal(tiny, "GET");

    char none[3];
    assert_int_equal(router_match(routes, NROUTES, "PUT", "/api/v1/things/1", &f->req, &index, none,
                                  sizeof none),
                     ROUTER_NO_METHOD);
    assert_string_equal(none, "");
}

/* When the arena cannot hold the parameters the route is not reported as found. */
static void test_arena_exhausted(void **state)
{
    (void)state;
    struct http_req req;
    memset(&req, 0, sizeof req);
    req.arena = arena_new(16);
    assert_non_null(req.arena);
    size_t index = 12345;
    enum router_result r =
        router_match(routes, NROUTES, "GET", "/api/v1/things/1", &req, &index, NULL, 0);
    assert_int_not_equal(r, ROUTER_FOUND);
    assert_int_equal(index, 12345);
    arena_free(req.arena);
}

static void test_pattern_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "/",
        "/healthz",
        "/api/v1/things",
        "/api/v1/things/{id}",
        "/api/v1/things/{id}/parts/{part}",
        "/{a}",
        "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}",
        "/a-b/c_d/e.f",
    };
    static const char *const bad[] = {
        "",
        "healthz",
        "api/v1",
        "//",
        "/a/",
        "/a//b",
        "/api/v1/things/",
        "/{}",
        "/{",
        "/}",
        "/{id",
        "/id}",
        "/{a}b",
        "/a{b}",
        "/x/{a{b}}",
        "/{a}}",
        "/{{a}",
        "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!router_pattern_valid(good[i]))
            fail_msg("refused good pattern %s", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (router_pattern_valid(bad[i]))
            fail_msg("accepted bad pattern %s", bad[i]);
    }
    assert_false(router_pattern_valid(NULL));
}

/* Every pattern in the test table is itself valid. */
static void test_table_patterns_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROUTES; i++)
        assert_true(router_pattern_valid(routes[i].pattern));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_captured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_slash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_method_lists_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_truncated_cleanly, setup, teardown),
        cmocka_unit_test(test_arena_exhausted),
        cmocka_unit_test(test_pattern_valid),
        cmocka_unit_test(test_table_patterns_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The OpenAPI document lists exactly the routes of the router table. */
#include "testsupport.h"

#include <ctype.h>
#include <string.h>

#include "api/openapi.h"
#include "auth/roles.h"
#include "routes/routes.h"

static void lower(const char *in, char *out, size_t len)
{
    size_t i = 0;
    for (; in[i] && i < len - 1; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static void test_document_matches_routes(void **state)
{
    (void)state;
    json_t *doc = api_openapi_document(api_routes, api_routes_count);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    assert_true(json_is_object(paths));
    size_t listed = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *r = &api_routes[i];
        char method[16];
        lower(r->method, method, sizeof method);
        json_t *op = json_object_get(json_object_get(paths, r->pattern), method);
        if (r->flags & ROUTE_INTERNAL) {
            assert_null(op);
            continue;
        }
        listed++;
        if (op == NULL)
            fail_msg("%s %s is missing from the OpenAPI document", r->method, r->pattern);
        /* Every {param} of the pattern is declared as a path parameter. */
        size_t braces = 0;
        for (const char *p = r->pattern; *p; p++)
            braces += *p == '{';
        assert_int_equal(json_array_size(json_object_get(op, "parameters")), braces);
        assert_int_equal(json_object_get(op, "requestBody") != NULL,
                         (r->flags & ROUTE_JSON_BODY) != 0);
        /* Security (issue 18): public operations declare none; every other one both schemes
         * with the route's least role, exactly as the auth hook enforces it. */
        json_t *sec = json_object_get(op, "security");
        assert_true(json_is_array(sec));
        if (r->flags & ROUTE_PUBLIC) {
            assert_int_equal(json_array_size(sec), 0);
            assert_null(json_object_get(op, "x-aicos-min-role"));
            continue;
        }
        const char *role =
            auth_role_name((enum auth_role)(r->min_role ? r->min_role : ROLE_SELLER_ADMIN));
        assert_int_equal(json_array_size(sec), 2);
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(json_array_get(sec, 0), "bearer"), 0)),
            role);
        assert_string_equal(json_string_value(json_array_get(
                                json_object_get(json_array_get(sec, 1), "session"), 0)),
                            role);
        assert_string_equal(json_string_value(json_object_get(op, "x-aicos-min-role")), role);
        assert_non_null(json_object_get(json_object_get(op, "responses"), "401"));
        assert_non_null(json_object_get(json_object_get(op, "responses"), "403"));
    }
    /* And nothing else is in it. */
    size_t documented = 0;
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        const char *m;
        json_t *op;
        json_object_foreach(item, m, op)
        {
            (void)op;
            int found = 0;
            for (size_t i = 0; i < api_routes_count; i++) {
                char method[16];
                lower(api_routes[i].method, method, sizeof method);
                if (strcmp(api_routes[i].pattern, path) == 0 && strcmp(method, m) == 0)
                    found = 1;
            }
            if (!found)
                fail_msg("%s %s is documented but not routed", m, path);
            documented++;
        }
    }
    assert_int_equal(documented, listed);
    json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(schemes, "bearer"), "scheme")), "bearer");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(schemes, "session"), "in")), "cookie");
    assert_int_equal(json_array_size(json_object_get(doc, "security")), 2);
    json_decref(doc);
}

static void test_route_patterns_valid_and_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < api_routes_count; i++) {
        assert_true(router_pattern_valid(api_routes[i].pattern));
        assert_non_null(api_routes[i].handler);
        assert_non_null(api_routes[i].summary);
        for (size_t j = i + 1; j < api_routes_count; j++)
            assert_false(strcmp(api_routes[i].pattern, api_routes[j].pattern) == 0 &&
                         strcmp(api_routes[i].method, api_routes[j].method) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_matches_routes),
        cmocka_unit_test(test_route_patterns_valid_and_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

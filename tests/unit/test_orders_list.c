/*
 * The orders list written straight into a buffer (query_orders_list_write, behind
 * GET /api/v1/orders) gives exactly the bytes of the jansson document query_orders_list()
 * builds for the console, for every shape of request, on SQLite and (as test_orders_list_pg)
 * PostgreSQL: pages, cursors, filters, searches, labels, totals past the count's cap, empty
 * answers and stored text that needs escapes.
 */
#include "testsupport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/jsonw.h"
#include "store/db.h"
#include "store/migrate.h"
#include "sync/query.h"

static struct db *db;

/* 1,200 orders (more than LIMIT_QUERY_COUNT_MAX) over two connections, two sub-orders each,
 * labels on some, and order numbers that need JSON escapes. */
static const char *const fill =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) "
    "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, update_time, "
    "ship_by, labels, region_id, content_hash, data, first_synced_at, synced_at) "
    "SELECT CASE WHEN i % 10 = 0 THEN 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' "
    "ELSE 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' END, "
    "CASE WHEN i % 100 = 3 THEN 'PO-\"Q\\' || CAST(i AS TEXT) || '-caf\xc3\xa9' "
    "ELSE 'PO-211-' || CAST(100000000 + i * 7 AS TEXT) END, "
    "CASE WHEN i % 5 = 0 THEN 4 WHEN i % 5 = 1 THEN 2 WHEN i % 5 = 2 THEN 1 "
    "WHEN i % 5 = 3 THEN 5 ELSE 3 END, "
    "1764547200 - i * 2, 1764547200 - i / 2, 1764547200 - i + 172800, "
    "CASE WHEN i % 7 = 0 THEN '[\"past_due\"]' WHEN i % 11 = 0 THEN '[\"past_due\",\"x_y\"]' "
    "ELSE '[]' END, 211, 'h', '{}', 1764547200, 1764547200 FROM n";

static const char *const fill_items =
    "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, goods_id, "
    "sku_id, quantity, goods_name, spec) SELECT o.connection_id, o.parent_order_sn || '-' || "
    "CAST(k.k AS TEXT), o.parent_order_sn, 2, 600000 + o.ship_by % 50, o.ship_by * 2 + k.k, 1, "
    "'Cotton shirt', 'M' FROM temu_orders o, "
    "(SELECT 1 AS k UNION ALL SELECT 2) k WHERE o.order_time % 3 <> 0";

static int setup(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    struct errbuf eb = {0};
    ts_fresh_db_url("orders_list", url, sizeof url);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK ||
        db_pool_exec(db, fill, NULL, 0, NULL, &eb) != ERR_OK ||
        db_pool_exec(db, fill_items, NULL, 0, NULL, &eb) != ERR_OK)
        fail_msg("setup: %s", eb.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* The list for the query string args (k=v&... without escapes) both ways; returns the jansson
 * document (the caller frees it) after checking that the bytes agree. */
static json_t *both_ways(const char *args)
{
    static char copy[512];
    const char *names[16], *values[16];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", args);
    for (char *p = copy; *p != '\0' && n < 16;) {
        char *amp = strchr(p, '&'), *eq = strchr(p, '=');
        if (amp != NULL)
            *amp = '\0';
        assert_non_null(eq);
        *eq = '\0';
        names[n] = p;
        values[n++] = eq + 1;
        p = amp ? amp + 1 : p + strlen(p);
    }
    struct query_orders_args a = {0};
    const char **slot[] = {&a.connection_id, &a.status,     &a.label,
                           &a.ship_before,   &a.ship_after, &a.q,
                           &a.page,          &a.limit,      &a.cursor};
    const char *keys[] = {"connection_id", "status", "label", "ship_before", "ship_after", "q",
                          "page",          "limit",  "cursor"};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (strcmp(names[i], keys[k]) == 0)
                *slot[k] = values[i];
    struct query_orders_filter f;
    struct errbuf eb = {0};
    json_t *doc = NULL;
    struct buf want = {0}, got = {0};
    struct jsonw w;
    if (query_orders_filter_parse(&a, &f, &eb) != ERR_OK ||
        query_orders_list(db, &f, &doc, &eb) != ERR_OK)
        fail_msg("%s: %s", args, eb.msg);
    jsonw_init(&w, &got);
    if (query_orders_list_write(db, &f, &w, &eb) != ERR_OK)
        fail_msg("%s written: %s", args, eb.msg);
    assert_int_equal(json_dump_to_buf(doc, &want), ERR_OK);
    if (strcmp(want.data, got.data) != 0)
        fail_msg("%s:\n jansson %s\n written %s", args, want.data, got.data);
    buf_free(&want);
    buf_free(&got);
    return doc;
}

static void test_same_bytes(void **state)
{
    (void)state;
    static const char *const shapes[] = {
        "limit=50",
        "limit=7&page=2",
        "limit=100&page=10",
        "label=past_due&limit=100&page=5", /* past the end: no orders */
        "status=2&limit=20",
        "connection_id=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&limit=30&page=3",
        "label=past_due&limit=40",
        "label=x_y&status=3",
        "label=nothing_has_it",
        "q=PO-211-1000000",
        "q=po-\"q",
        "q=Cotton",
        "ship_before=1764600000&limit=10",
        "ship_after=1764700000&connection_id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        json_decref(both_ways(shapes[i]));
    /* Cursor pages: follow next_cursor four times from the first page. */
    json_t *doc = both_ways("limit=25");
    assert_false(json_is_true(json_object_get(doc, "total_exact"))); /* 1,200 > the cap */
    for (int step = 0; step < 4; step++) {
        const char *cur = json_string_value(json_object_get(doc, "next_cursor"));
        assert_non_null(cur);
        char args[400];
        snprintf(args, sizeof args, "limit=25&cursor=%s", cur);
        json_decref(doc);
        doc = both_ways(args);
        assert_int_equal(json_array_size(json_object_get(doc, "orders")), 25);
    }
    json_decref(doc);
}

/* A stored order number that is not UTF-8 is an internal error, not a half-written answer
 * taken for a good one. */
static void test_bad_text_refused(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    if (db_kind(db) == DB_KIND_POSTGRES)
        skip(); /* PostgreSQL stores no such text */
    if (db_pool_exec(db,
                     "UPDATE temu_orders SET parent_order_sn = 'PO-\xff' WHERE parent_order_sn = "
                     "'PO-211-100000007'",
                     NULL, 0, NULL, &eb) != ERR_OK)
        fail_msg("update: %s", eb.msg);
    struct query_orders_args a = {.limit = "5"}; /* the newest order is the first shown */
    struct query_orders_filter f;
    struct buf got = {0};
    struct jsonw w;
    assert_int_equal(query_orders_filter_parse(&a, &f, &eb), ERR_OK);
    jsonw_init(&w, &got);
    assert_int_equal(query_orders_list_write(db, &f, &w, &eb), ERR_INTERNAL);
    buf_free(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_bad_text_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

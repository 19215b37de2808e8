/*
 * Integration: the console data pages of issue 7 against the real aicos and temu-sandbox, on
 * SQLite and PostgreSQL. A sandbox shop is synced with `aicos sync run`; then the orders list
 * (JSON and HTML) with its filters and paging bounds, the order detail and its 404, HTML
 * escaping of a hostile search, the /sync page with the retry form (CSRF, roles) and the
 * resume form, the honest /cases page, the order status history (a changed order shows two
 * entries, a run without changes adds none), and the products list (JSON and HTML) with its
 * SKUs, filters, paging bounds and escaping, empty until the products stream has synced.
 */
#include "testsupport.h"
#include "ts_app.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"

#define APP_KEY    "pagesappkey000000000000000000001"
#define APP_SECRET "pagesappsecret00000000000000000000000000001"
#define ORDERS     "300"

static struct ts_app app;
static char conn_id[64];

/* How often needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The integer in the first cell of sql's answer (sql has no parameters). */
static long long db_int(const char *sql)
{
    return ts_db_int(app.db_url, sql);
}

/* A request to aicos with headers; fails unless the status is want (0: any). */
static void req(const char *method, const char *path, const char *hdr, const char *ctype,
                const char *body, int want, struct ts_http_resp *r)
{
    if (!ts_http_ex(app.server.port, method, path, hdr, ctype, body, r))
        fail_msg("%s %s: no answer", method, path);
    if (want != 0 && r->status != want)
        fail_msg("%s %s: status %d, want %d: %.400s", method, path, r->status, want, r->body);
}

/* A page as hdr; returns the body (malloc'd). */
static char *page(const char *path, const char *hdr, int want)
{
    struct ts_http_resp r;
    req("GET", path, hdr, NULL, NULL, want, &r);
    char *body = strdup(r.body);
    ts_http_free(&r);
    return body;
}

static void expect_error(const char *path, const char *code)
{
    json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 422);
    const char *got = json_string_value(json_object_get(json_object_get(d, "error"), "code"));
    if (got == NULL || strcmp(got, code) != 0)
        fail_msg("%s: error %s, want %s", path, got ? got : "(none)", code);
    json_decref(d);
}

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    char *sandbox_args[] = {(char *)"--shops",      (char *)"1",      (char *)"--orders",
                            (char *)ORDERS,         (char *)"--seed", (char *)"31",
                            (char *)"--rate-limit", (char *)"0",      NULL};
    ts_app_prepare(
        &app, "pages",
        "[{\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
        "\",\"name\":\"Pages\",\"scopes\":[\"bg.order.list.v2.get\",\"bg.order.detail.v2.get\","
        "\"bg.local.goods.list.query\",\"bg.aftersales.parentaftersales.list.get\"]}]",
        sandbox_args);
    char *env[] = {(char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    ts_app_serve(&app, env);
    ts_app_role_headers(&app);
    ts_app_put_credentials(&app, APP_KEY, APP_SECRET);
    ts_app_connect_shop(&app, "{\"app_key\":\"" APP_KEY "\"}", conn_id, sizeof conn_id, NULL, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_app_teardown(&app);
}

static void test_empty_pages(void **state)
{
    (void)state;
    json_t *d = ts_api_as(&app, "GET", "/api/v1/orders", app.viewer_hdr, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 0);
    json_decref(d);
    char *b = page("/orders", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "id=\"orders-empty\""));
    assert_true(ts_contains(b, "No orders have been synced yet"));
    assert_true(ts_contains(b, "href=\"/orders\" class=\"active\""));
    assert_false(ts_contains(b, "style=") || ts_contains(b, "<script"));
    free(b);
    b = page("/products", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "The products stream is not synced yet"));
    assert_false(ts_contains(b, "id=\"product-list\""));
    free(b);
    d = ts_api_as(&app, "GET", "/api/v1/products", app.viewer_hdr, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 0);
    assert_int_equal(json_array_size(json_object_get(d, "products")), 0);
    json_decref(d);
    b = page("/cases", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "Temu offers no buyer-chat API"));
    assert_true(ts_contains(b, "after-sales requests (returns / refunds), cancellation requests "
                               "and address-change requests"));
    assert_true(ts_contains(b, "id=\"cases-empty\""));
    free(b);
    b = page("/sync", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "No sync has run yet"));
    free(b);
}

/* Walks the whole list 7 at a time by next_cursor: every order once, in the list's order, the
 * same as page numbers give, and next_cursor null on the last page (issue 17, keyset paging). */
static void check_cursor_walk(long long total)
{
    char path[1024];
    long long seen = 0;
    char *cursor = NULL;
    for (int step = 0; step < 1000; step++) {
        if (cursor == NULL)
            snprintf(path, sizeof path, "/api/v1/orders?limit=7");
        else
            snprintf(path, sizeof path, "/api/v1/orders?limit=7&cursor=%s", cursor);
        json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        snprintf(path, sizeof path, "/api/v1/orders?limit=7&page=%d", step + 1);
        json_t *byn = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        const json_t *a = json_object_get(d, "orders"), *b = json_object_get(byn, "orders");
        assert_int_equal(json_array_size(a), json_array_size(b));
        for (size_t i = 0; i < json_array_size(a); i++)
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(a, i), "parent_order_sn")),
                json_string_value(json_object_get(json_array_get(b, i), "parent_order_sn")));
        seen += (long long)json_array_size(a);
        assert_true(json_is_true(json_object_get(d, "total_exact")));
        assert_true(cursor == NULL || json_is_null(json_object_get(d, "page")));
        free(cursor);
        const char *next = json_string_value(json_object_get(d, "next_cursor"));
        cursor = next ? strdup(next) : NULL;
        /* next_page goes with next_cursor on a cheap first page. */
        assert_true(step > 0 || (next != NULL) == json_is_integer(json_object_get(d, "next_page")));
        json_decref(d);
        json_decref(byn);
        if (cursor == NULL)
            break;
    }
    assert_null(cursor);
    assert_int_equal(seen, total);
}

/* Search by a sub-order's goods id, SKU id and number, and by words of its product name: the
 * order holding it is found (issue 17, search on indexed columns and a full-text index). */
static void check_search_ids(const json_t *all)
{
    const char *sn = json_string_value(
        json_object_get(json_array_get(json_object_get(all, "orders"), 3), "parent_order_sn"));
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/orders/%s", sn);
    json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    const json_t *item = json_array_get(json_object_get(d, "items"), 0);
    char q[4][160];
    snprintf(q[0], sizeof q[0], "%lld",
             (long long)json_integer_value(json_object_get(item, "goods_id")));
    snprintf(q[1], sizeof q[1], "%lld",
             (long long)json_integer_value(json_object_get(item, "sku_id")));
    snprintf(q[2], sizeof q[2], "%s", json_string_value(json_object_get(item, "order_sn")));
    /* The product name's last word (letters only: safe in a URL as it is). */
    const char *name = json_string_value(json_object_get(item, "goods_name"));
    const char *w = strrchr(name, ' ') ? strrchr(name, ' ') + 1 : name;
    size_t n = strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    snprintf(q[3], sizeof q[3], "%.*s", (int)n, w);
    for (size_t k = 0; k < 4; k++) {
        if (q[k][0] == '\0')
            continue;
        snprintf(path, sizeof path, "/api/v1/orders?limit=100&q=%s", q[k]);
        json_t *r = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        bool found = false;
        size_t i;
        const json_t *o;
        json_array_foreach(json_object_get(r, "orders"), i, o)
        {
            if (strcmp(json_string_value(json_object_get(o, "parent_order_sn")), sn) == 0)
                found = true;
        }
        /* A common word may match more orders than one page holds. */
        if (!found && json_integer_value(json_object_get(r, "total")) <= 100)
            fail_msg("search %s did not find order %s", q[k], sn);
        json_decref(r);
    }
    json_decref(d);
}

/* Filters together (issue 17: each shape has its own statement): the order o, labelled label,
 * is found by its label with its status, by its number's start with its label and with its
 * status, and not with another status. */
static void check_combined(const json_t *o, const char *label)
{
    const char *sn = json_string_value(json_object_get(o, "parent_order_sn"));
    long long st = (long long)json_integer_value(json_object_get(o, "status"));
    long long other = st == 2 ? 1 : 2;
    char path[1024];
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "/api/v1/orders?label=%s&status=%lld", label,
                 k == 0 ? st : other);
        json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        assert_int_equal(json_integer_value(json_object_get(d, "total")), k == 0 ? 1 : 0);
        json_decref(d);
    }
    const char *const more[] = {"&status=", "&label=", "&status="};
    for (size_t k = 0; k < 3; k++) {
        char val[128];
        if (k == 1)
            snprintf(val, sizeof val, "%s", label);
        else
            snprintf(val, sizeof val, "%lld", k == 0 ? st : other);
        snprintf(path, sizeof path, "/api/v1/orders?limit=100&q=%.*s%s%s", (int)strlen(sn) - 1, sn,
                 more[k], val);
        json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        bool found = false;
        size_t i;
        const json_t *r;
        json_array_foreach(json_object_get(d, "orders"), i, r)
        {
            if (strcmp(json_string_value(json_object_get(r, "parent_order_sn")), sn) == 0)
                found = true;
            if (k != 1)
                assert_int_equal(json_integer_value(json_object_get(r, "status")),
                                 k == 0 ? st : other);
        }
        assert_true(found == (k != 2));
        json_decref(d);
    }
}

static void test_sync_then_lists(void **state)
{
    (void)state;
    /* Sync the shop: a backfill over the sandbox's whole history. */
    ts_app_sync_days(&app, conn_id, "orders", 92);

    json_t *all = ts_api_as(&app, "GET", "/api/v1/orders?limit=100", app.viewer_hdr, NULL, 200);
    long long total = (long long)json_integer_value(json_object_get(all, "total"));
    assert_true(total >= 100);
    assert_int_equal(json_array_size(json_object_get(all, "orders")), 100);

    /* Paging: 7 per page, the last page partial, a page past the end empty. */
    json_t *d = ts_api_as(&app, "GET", "/api/v1/orders?limit=7&page=2", app.viewer_hdr, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(d, "total")), total);
    assert_int_equal(json_integer_value(json_object_get(d, "pages")), (total + 6) / 7);
    assert_int_equal(json_array_size(json_object_get(d, "orders")), 7);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "orders"), 0), "parent_order_sn")),
                        json_string_value(json_object_get(
                            json_array_get(json_object_get(all, "orders"), 7), "parent_order_sn")));
    json_decref(d);
    d = ts_api_as(&app, "GET", "/api/v1/orders?limit=7&page=9999", app.viewer_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "orders")), 0);
    json_decref(d);
    check_cursor_walk(total);
    check_search_ids(all);
    /* Bounds and bad filters: 422 with a named code. */
    expect_error("/api/v1/orders?page=0", "bad_page");
    expect_error("/api/v1/orders?page=10001", "bad_page");
    expect_error("/api/v1/orders?page=abc", "bad_page");
    expect_error("/api/v1/orders?cursor=t1.zz.00", "bad_cursor");
    expect_error("/api/v1/orders?cursor=x", "bad_cursor");
    expect_error("/api/v1/orders?limit=0", "bad_limit");
    expect_error("/api/v1/orders?limit=101", "bad_limit");
    expect_error("/api/v1/orders?status=x", "bad_status");
    expect_error("/api/v1/orders?label=Bad%21", "bad_label");
    expect_error("/api/v1/orders?ship_before=2026-13-01", "bad_ship_before");
    expect_error("/api/v1/orders?ship_after=2026-02-31", "bad_ship_after");

    /* Filters, each checked against the full list. */
    const json_t *first = json_array_get(json_object_get(all, "orders"), 0);
    long long status = (long long)json_integer_value(json_object_get(first, "status"));
    long long ship_by = 0;
    const char *label = NULL;
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(all, "orders"), i, o)
    {
        if (ship_by == 0)
            ship_by = (long long)json_integer_value(json_object_get(o, "ship_by"));
        if (label == NULL && json_array_size(json_object_get(o, "labels")) > 0)
            label = json_string_value(json_array_get(json_object_get(o, "labels"), 0));
    }
    char path[256];
    snprintf(path, sizeof path, "/api/v1/orders?limit=100&status=%lld", status);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_true(json_integer_value(json_object_get(d, "total")) >= 1);
    json_array_foreach(json_object_get(d, "orders"), i, o)
        assert_int_equal(json_integer_value(json_object_get(o, "status")), status);
    json_decref(d);
    if (ship_by > 0) {
        snprintf(path, sizeof path, "/api/v1/orders?limit=100&ship_after=%lld", ship_by);
        d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        long long after = (long long)json_integer_value(json_object_get(d, "total"));
        assert_true(after >= 1);
        json_array_foreach(json_object_get(d, "orders"), i, o)
            assert_true(json_integer_value(json_object_get(o, "ship_by")) >= ship_by);
        json_decref(d);
        snprintf(path, sizeof path, "/api/v1/orders?limit=100&ship_before=%lld", ship_by);
        d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        json_array_foreach(json_object_get(d, "orders"), i, o)
        {
            long long s = (long long)json_integer_value(json_object_get(o, "ship_by"));
            assert_true(s > 0 && s < ship_by);
        }
        assert_true(json_integer_value(json_object_get(d, "total")) + after <= total);
        json_decref(d);
    }
    /* The sandbox labels late orders (past_due, soon_to_be_overdue) as the real list does;
     * give three orders labels it never sets (the next sync leaves them, its content hash is
     * unchanged). "pending_risk_controlXalert" proves "_" is no LIKE wildcard. */
    char sql[512];
    const char *const set[3] = {"[\"pending_risk_control_alert\",\"soon_to_be_overdue\"]",
                                "[\"pending_risk_controlXalert\"]",
                                "[\"pending_buyer_cancellation\"]"};
    for (size_t k = 0; k < 3; k++) {
        const json_t *row = json_array_get(json_object_get(all, "orders"), 10 + k);
        snprintf(sql, sizeof sql,
                 "UPDATE temu_orders SET labels = '%s' WHERE parent_order_sn = '%s'", set[k],
                 json_string_value(json_object_get(row, "parent_order_sn")));
        ts_db_exec(app.db_url, sql);
    }
    const char *const labels[2] = {label, "pending_risk_control_alert"};
    for (size_t n = label != NULL ? 0 : 1; n < 2; n++) {
        label = labels[n];
        snprintf(path, sizeof path, "/api/v1/orders?limit=100&label=%s", label);
        d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        assert_true(json_integer_value(json_object_get(d, "total")) >= 1);
        json_array_foreach(json_object_get(d, "orders"), i, o)
        {
            bool has = false;
            size_t k;
            const json_t *l;
            json_array_foreach(json_object_get(o, "labels"), k, l)
            {
                if (strcmp(json_string_value(l), label) == 0)
                    has = true;
            }
            assert_true(has);
        }
        if (n == 1)
            assert_int_equal(json_integer_value(json_object_get(d, "total")), 1);
        json_decref(d);
        if (n == 1)
            check_combined(json_array_get(json_object_get(all, "orders"), 10), label);
        char *cases = page("/cases", app.viewer_hdr, 200);
        assert_true(ts_contains(cases, "pending_buyer_cancellation</span>"));
        assert_true(ts_contains(cases, "Order label"));
        free(cases);
    }
    /* Search by the start of an order number (case-insensitively). */
    char sn[80], part[80];
    snprintf(sn, sizeof sn, "%s", json_string_value(json_object_get(first, "parent_order_sn")));
    snprintf(part, sizeof part, "%.*s", (int)strlen(sn) - 1, sn);
    for (char *p = part; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    snprintf(path, sizeof path, "/api/v1/orders?q=%s", part);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_true(json_integer_value(json_object_get(d, "total")) >= 1);
    assert_true(json_integer_value(json_object_get(d, "total")) < total);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "orders"), 0), "parent_order_sn")),
                        sn);
    json_decref(d);
    d = ts_api_as(&app, "GET", "/api/v1/orders?q=100%25", app.viewer_hdr, NULL,
                  200); /* % is not a wildcard */
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 0);
    json_decref(d);

    /* Detail, JSON and HTML, and the 404s. */
    snprintf(path, sizeof path, "/api/v1/orders/%s", sn);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "items")),
                     json_integer_value(json_object_get(first, "items")));
    assert_true(json_array_size(json_object_get(d, "items")) >= 1);
    /* First stored: one history entry, the current status. */
    assert_int_equal(json_array_size(json_object_get(d, "status_history")), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(d, "status_history"), 0), "status")),
                     json_integer_value(json_object_get(first, "status")));
    json_decref(d);
    json_decref(
        ts_api_as(&app, "GET", "/api/v1/orders/PO-NO-SUCH-ORDER", app.viewer_hdr, NULL, 404));
    snprintf(path, sizeof path, "/orders/%s?connection_id=%s", sn, conn_id);
    char *b = page(path, app.viewer_hdr, 200);
    assert_true(ts_contains(b, sn));
    assert_true(ts_contains(b, "id=\"items\""));
    assert_true(ts_contains(b, "id=\"status-history\""));
    assert_int_equal(count_of(b, "class=\"history-entry\""), 1);
    free(b);
    b = page("/orders/PO-NO-SUCH-ORDER", app.viewer_hdr, 404);
    assert_true(ts_contains(b, "No such order"));
    free(b);

    /* The HTML list: rows, filters kept in the pager, bounds as a 422 page. */
    b = page("/orders?limit=5&status=", app.viewer_hdr, 200);
    assert_true(ts_contains(b, sn));
    assert_true(ts_contains(b, "rel=\"next\" href=\"/orders?limit=5&amp;page=2\""));
    free(b);
    b = page("/orders?page=0", app.viewer_hdr, 422);
    assert_true(ts_contains(b, "page must be an integer"));
    free(b);
    /* A hostile search is escaped wherever it is shown. */
    b = page("/orders?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27", app.viewer_hdr, 200);
    assert_false(ts_contains(b, "<script>alert(1)"));
    assert_true(ts_contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;") ||
                ts_contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;"));
    assert_true(ts_contains(b, "q=%3Cscript%3Ealert%281%29") || !ts_contains(b, "rel=\"next\""));
    free(b);
    json_decref(all);
}

/* Signs in as a new operator account; cookie "aicos_session=..." and its CSRF token. */
static void operator_session(char *cookie, size_t clen, char *csrf, size_t slen)
{
    char *env[] = {app.env_db, NULL};
    char *args[] = {(char *)"user",
                    (char *)"add",
                    (char *)"pageoper",
                    (char *)"--role",
                    (char *)"operator",
                    (char *)"--generate",
                    NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("user add: %s", err);
    const char *p = strstr(out, "(shown once): ");
    assert_non_null(p);
    p += strlen("(shown once): ");
    char body[256], v[512];
    snprintf(body, sizeof body, "{\"username\":\"pageoper\",\"password\":\"%.*s\"}",
             (int)strcspn(p, "\n"), p);
    free(out);
    free(err);
    struct ts_http_resp r;
    req("POST", "/api/v1/session", NULL, "application/json", body, 201, &r);
    assert_true(ts_http_header(&r, "Set-Cookie", v, sizeof v));
    snprintf(cookie, clen, "%.*s", (int)strcspn(v, ";"), v);
    json_t *doc = json_loads(r.body, 0, NULL);
    snprintf(csrf, slen, "%s", json_string_value(json_object_get(doc, "csrf_token")));
    json_decref(doc);
    ts_http_free(&r);
}

static void test_sync_page_retry_resume(void **state)
{
    (void)state;
    char *b = page("/sync", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "id=\"runs\""));
    assert_true(ts_contains(b, conn_id));
    assert_true(ts_contains(b, "orders"));
    assert_false(ts_contains(b, "action=\"/sync/retry\"")); /* a viewer gets no buttons */
    free(b);
    b = page("/sync", app.operator_hdr, 200);
    assert_true(ts_contains(b, "action=\"/sync/retry\""));
    assert_false(ts_contains(b, "action=\"/sync/resume\""));
    free(b);

    char cookie[160], csrf[96], hdr[320], body[256];
    operator_session(cookie, sizeof cookie, csrf, sizeof csrf);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    b = page("/sync", hdr, 200);
    assert_true(ts_contains(b, csrf)); /* the forms carry the session's token */
    free(b);
    struct ts_http_resp r;
    const char *form = "application/x-www-form-urlencoded";
    /* Without the CSRF token, or with a wrong one: refused before anything runs. */
    snprintf(body, sizeof body, "connection_id=%s&stream=orders", conn_id);
    req("POST", "/sync/retry", hdr, form, body, 403, &r);
    ts_http_free(&r);
    snprintf(body, sizeof body, "connection_id=%s&stream=orders&csrf_token=x%s", conn_id, csrf);
    req("POST", "/sync/retry", hdr, form, body, 403, &r);
    ts_http_free(&r);
    json_t *runs = ts_api_as(&app, "GET", "/api/v1/sync/runs", app.admin_hdr, NULL, 200);
    size_t before = json_array_size(json_object_get(runs, "runs"));
    json_decref(runs);
    snprintf(body, sizeof body, "connection_id=%s&stream=orders&csrf_token=%s", conn_id, csrf);
    req("POST", "/sync/retry", hdr, form, body, 303, &r);
    char loc[128];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/sync");
    ts_http_free(&r);
    runs = ts_api_as(&app, "GET", "/api/v1/sync/runs", app.admin_hdr, NULL, 200);
    size_t after = json_array_size(json_object_get(runs, "runs"));
    assert_true(after >= before + 1);
    json_decref(runs);
    /* Post/redirect/get: the page shows the session's notice once; a reload neither shows it
     * again nor runs the stream again. */
    b = page("/sync", hdr, 200);
    assert_true(ts_contains(b, "id=\"flash\""));
    assert_true(ts_contains(b, "The sync run finished successfully."));
    free(b);
    b = page("/sync", hdr, 200);
    assert_false(ts_contains(b, "The sync run finished successfully."));
    free(b);
    runs = ts_api_as(&app, "GET", "/api/v1/sync/runs", app.admin_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(runs, "runs")), after);
    json_decref(runs);
    /* Roles: a viewer may not retry; an operator may not resume. Bad input is a 422 page. */
    req("POST", "/sync/retry", app.viewer_hdr, form, body, 403, &r);
    ts_http_free(&r);
    req("POST", "/sync/resume", app.operator_hdr, form, body, 403, &r);
    ts_http_free(&r);
    req("POST", "/sync/retry", app.operator_hdr, form, "stream=orders", 422, &r);
    assert_true(ts_contains(r.body, "connection_id is required"));
    ts_http_free(&r);
    /* A browser's refused post is post/redirect/get too: the page says why, once. */
    snprintf(body, sizeof body, "stream=orders&csrf_token=%s", csrf);
    req("POST", "/sync/retry", hdr, form, body, 303, &r);
    ts_http_free(&r);
    b = page("/sync", hdr, 200);
    assert_true(ts_contains(b, "notice error"));
    assert_true(ts_contains(b, "connection_id is required"));
    free(b);
    b = page("/sync", hdr, 200);
    assert_false(ts_contains(b, "connection_id is required"));
    free(b);

    /* A paused stream shows Resume to ops; resuming clears it. */
    ts_db_exec(app.db_url, "UPDATE sync_state SET paused = 1, consecutive_failures = 5");
    b = page("/sync", app.ops_hdr, 200);
    assert_true(ts_contains(b, "action=\"/sync/resume\""));
    assert_true(ts_contains(b, "class=\"pill paused\""));
    free(b);
    snprintf(body, sizeof body, "connection_id=%s&stream=orders", conn_id);
    req("POST", "/sync/resume", app.ops_hdr, form, body, 303, &r);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/sync"); /* an API token has no session: no notice to keep */
    ts_http_free(&r);
    b = page("/sync", app.ops_hdr, 200);
    assert_false(ts_contains(b, "class=\"pill paused\""));
    assert_false(ts_contains(b, "The stream was resumed"));
    free(b);
    req("POST", "/sync/resume", app.ops_hdr, form, "connection_id=nosuchconnection&stream=orders",
        404, &r);
    ts_http_free(&r);
}

/* Runs `aicos sync run` for stream (orders incrementally); returns its stdout (malloc'd). */
static char *sync_stream(const char *stream)
{
    char *env[] = {app.env_db, app.env_key, app.env_gw, (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *args[] = {
        (char *)"sync", (char *)"run", (char *)"--connection", conn_id, (char *)"--stream",
        (char *)stream, NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("sync run %s: %s %s", stream, out, err);
    free(err);
    return out;
}

static long long run_count(const char *out, const char *key)
{
    const char *p = strstr(out, key);
    assert_non_null(p);
    return strtoll(p + strlen(key), NULL, 10);
}

#define HISTORY_ROWS "SELECT COUNT(*) FROM temu_order_status_history"
#define ORDER_ROWS   "SELECT COUNT(*) FROM temu_orders"

static void test_status_history(void **state)
{
    (void)state;
    /* After the backfill every order has exactly one entry: its status when first stored. */
    long long orders0 = db_int(ORDER_ROWS), hist0 = db_int(HISTORY_ROWS);
    assert_true(orders0 >= 100);
    assert_int_equal(hist0, orders0);
    assert_int_equal(db_int("SELECT COUNT(*) FROM temu_orders o WHERE (SELECT COUNT(*) FROM "
                            "temu_order_status_history h WHERE h.connection_id = o.connection_id "
                            "AND h.parent_order_sn = o.parent_order_sn) <> 1"),
                     0);
    /* The statuses before the sandbox moves on. */
    struct db *db = NULL;
    struct db_rows *before = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(app.db_url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    assert_int_equal(db_query(c,
                              "SELECT parent_order_sn, status FROM temu_orders ORDER BY "
                              "parent_order_sn",
                              NULL, 0, &before, &eb),
                     ERR_OK);
    db_release(c);

    /* Live activity: new orders and status changes; then an incremental run. */
    json_decref(ts_sbx(&app, "POST", "/_sandbox/activity/step", "{\"events\":60}"));
    ts_sleep_ms(2100); /* a run reads updates up to the second before it starts */
    char *out = sync_stream("orders");
    long long updated = run_count(out, "updated=");
    free(out);
    long long orders1 = db_int(ORDER_ROWS), hist1 = db_int(HISTORY_ROWS);
    assert_true(orders1 > orders0);

    /* Which orders changed status, and one of them to look at. */
    long long changed = 0;
    char sn[80] = "", path[256], sql[256];
    long long old_status = 0, new_status = 0;
    c = db_acquire(db);
    for (size_t i = 0; i < db_rows_count(before); i++) {
        struct db_rows *now = NULL;
        struct db_param p[] = {DB_P_TEXT(db_rows_get(before, i, 0))};
        assert_int_equal(db_query(c, "SELECT status FROM temu_orders WHERE parent_order_sn = $1", p,
                                  1, &now, &eb),
                         ERR_OK);
        long long was = strtoll(db_rows_get(before, i, 1), NULL, 10);
        long long is = strtoll(db_rows_get(now, 0, 0), NULL, 10);
        if (was != is) {
            changed++;
            if (sn[0] == '\0') {
                snprintf(sn, sizeof sn, "%s", db_rows_get(before, i, 0));
                old_status = was;
                new_status = is;
            }
        }
        db_rows_free(now);
    }
    db_release(c);
    db_rows_free(before);
    db_close(db);
    assert_true(changed >= 1);
    assert_true(updated >= changed);
    /* One entry per new order and one per status change, nothing else. */
    assert_int_equal(hist1, hist0 + (orders1 - orders0) + changed);

    /* The changed order: two entries, oldest first, in the JSON and on the page. */
    snprintf(path, sizeof path, "/api/v1/orders/%s", sn);
    json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    const json_t *h = json_object_get(d, "status_history");
    assert_int_equal(json_array_size(h), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 0), "status")),
                     old_status);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 1), "status")),
                     new_status);
    assert_int_equal(json_integer_value(json_object_get(d, "status")), new_status);
    assert_true(json_integer_value(json_object_get(json_array_get(h, 1), "update_time")) >=
                json_integer_value(json_object_get(json_array_get(h, 0), "update_time")));
    assert_true(json_integer_value(json_object_get(json_array_get(h, 1), "seen_at")) > 0);
    json_decref(d);
    snprintf(path, sizeof path, "/orders/%s?connection_id=%s", sn, conn_id);
    char *b = page(path, app.viewer_hdr, 200);
    assert_int_equal(count_of(b, "class=\"history-entry\""), 2);
    assert_false(ts_contains(b, "No status history"));
    free(b);

    /* Again without changes: no entry added. */
    out = sync_stream("orders");
    assert_int_equal(run_count(out, "added="), 0);
    assert_int_equal(run_count(out, "updated="), 0);
    free(out);
    assert_int_equal(db_int(HISTORY_ROWS), hist1);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM temu_order_status_history WHERE parent_order_sn = '%s'", sn);
    assert_int_equal(db_int(sql), 2);
}

static void expect_products_error(const char *path, const char *code)
{
    expect_error(path, code);
}

static void test_products(void **state)
{
    (void)state;
    char *out = sync_stream("products");
    long long added = run_count(out, "added=");
    free(out);
    json_t *t = ts_sbx(&app, "GET", "/_sandbox/truth", NULL);
    long long want =
        (long long)json_integer_value(json_object_get(json_object_get(t, "counts"), "products"));
    json_decref(t);
    long long rows = db_int("SELECT COUNT(*) FROM temu_products");
    long long sku_rows = db_int("SELECT COUNT(*) FROM temu_product_skus");
    assert_true(want >= 10);
    assert_int_equal(rows, want);
    assert_int_equal(added, want);

    /* Every page of 7: the counts match the stored rows, no product twice, SKUs complete. */
    long long seen = 0, skus = 0, pages = 0, prev_goods = -1;
    for (long long pg = 1; pages == 0 || pg <= pages; pg++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/products?limit=7&page=%lld", pg);
        json_t *d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        assert_int_equal(json_integer_value(json_object_get(d, "total")), rows);
        pages = (long long)json_integer_value(json_object_get(d, "pages"));
        assert_int_equal(pages, (rows + 6) / 7);
        assert_false(json_is_true(json_object_get(d, "skus_truncated")));
        size_t i;
        const json_t *p;
        json_array_foreach(json_object_get(d, "products"), i, p)
        {
            long long g = (long long)json_integer_value(json_object_get(p, "goods_id"));
            assert_true(prev_goods < 0 || g < prev_goods); /* highest goods id first, no repeat */
            prev_goods = g;
            assert_string_equal(json_string_value(json_object_get(p, "connection_id")), conn_id);
            assert_true(json_array_size(json_object_get(p, "skus")) >= 1);
            skus += (long long)json_array_size(json_object_get(p, "skus"));
            seen++;
        }
        json_decref(d);
    }
    assert_int_equal(seen, rows);
    assert_int_equal(skus, sku_rows);
    json_t *d =
        ts_api_as(&app, "GET", "/api/v1/products?limit=7&page=9999", app.viewer_hdr, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "products")), 0);
    json_decref(d);

    /* The buckets split the products; each filter returns only its bucket. */
    const char *const buckets[] = {"1", "4", "5", "6"};
    long long sum = 0;
    for (size_t k = 0; k < 4; k++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/products?limit=100&bucket=%s", buckets[k]);
        d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
        sum += (long long)json_integer_value(json_object_get(d, "total"));
        size_t i;
        const json_t *p;
        json_array_foreach(json_object_get(d, "products"), i, p) assert_int_equal(
            json_integer_value(json_object_get(p, "bucket")), strtoll(buckets[k], NULL, 10));
        json_decref(d);
    }
    assert_int_equal(sum, rows);

    /* Bounds and bad filters: 422 with a named code. */
    expect_products_error("/api/v1/products?page=0", "bad_page");
    expect_products_error("/api/v1/products?page=10001", "bad_page");
    expect_products_error("/api/v1/products?limit=0", "bad_limit");
    expect_products_error("/api/v1/products?limit=101", "bad_limit");
    expect_products_error("/api/v1/products?bucket=2", "bad_bucket");
    expect_products_error("/api/v1/products?bucket=x", "bad_bucket");
    expect_products_error("/api/v1/products?q="
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "bad_search");

    /* Search by goods id (exactly one) and by part of the name, case-insensitively. */
    d = ts_api_as(&app, "GET", "/api/v1/products?limit=1", app.viewer_hdr, NULL, 200);
    const json_t *top = json_array_get(json_object_get(d, "products"), 0);
    long long goods = (long long)json_integer_value(json_object_get(top, "goods_id"));
    char name[128], path[256];
    snprintf(name, sizeof name, "%s", json_string_value(json_object_get(top, "goods_name")));
    size_t top_skus = json_array_size(json_object_get(top, "skus"));
    json_decref(d);
    snprintf(path, sizeof path, "/api/v1/products?q=%lld", goods);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 1);
    json_decref(d);
    for (char *p = name; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p == ' ' ? '\0' : *p);
    snprintf(path, sizeof path, "/api/v1/products?limit=100&q=%s", name);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_true(json_integer_value(json_object_get(d, "total")) >= 1);
    json_decref(d);
    d = ts_api_as(&app, "GET", "/api/v1/products?q=100%25", app.viewer_hdr, NULL,
                  200); /* % is no wildcard */
    assert_int_equal(json_integer_value(json_object_get(d, "total")), 0);
    json_decref(d);

    /* The page: every product and SKU of the first 100, no inline script or style. */
    char *b = page("/products?limit=100", app.viewer_hdr, 200);
    assert_int_equal(count_of(b, "<tr class=\"product\">"), rows < 100 ? rows : 100);
    if (rows <= 100)
        assert_int_equal(count_of(b, "<tr class=\"sku\">"), sku_rows);
    assert_true(ts_contains(b, "href=\"/products\" class=\"active\""));
    assert_false(ts_contains(b, "style=") || ts_contains(b, "<script"));
    assert_false(ts_contains(b, "not synced yet"));
    free(b);
    b = page("/products?limit=3", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "rel=\"next\" href=\"/products?limit=3&amp;page=2\""));
    free(b);
    b = page("/products?bucket=2", app.viewer_hdr, 422);
    assert_true(ts_contains(b, "bucket must be"));
    free(b);

    /* Hostile names and specs, and a hostile search, are escaped wherever they are shown. */
    snprintf(path, sizeof path,
             "UPDATE temu_products SET goods_name = '<script>alert(1)</script>\"''x' WHERE "
             "goods_id = %lld",
             goods);
    ts_db_exec(app.db_url, path);
    snprintf(path, sizeof path,
             "UPDATE temu_product_skus SET spec_name = '<img src=x onerror=alert(2)>' WHERE "
             "goods_id = %lld",
             goods);
    ts_db_exec(app.db_url, path);
    snprintf(path, sizeof path, "/products?q=%lld", goods);
    b = page(path, app.viewer_hdr, 200);
    assert_false(ts_contains(b, "<script>alert(1)"));
    assert_false(ts_contains(b, "<img src=x"));
    assert_true(ts_contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;x") ||
                ts_contains(b, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;x"));
    assert_int_equal(count_of(b, "&lt;img src=x onerror=alert(2)&gt;"), (int)top_skus);
    free(b);
    snprintf(path, sizeof path, "/api/v1/products?q=%lld", goods);
    d = ts_api_as(&app, "GET", path, app.viewer_hdr, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "products"), 0), "goods_name")),
                        "<script>alert(1)</script>\"'x");
    json_decref(d);
    b = page("/products?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27", app.viewer_hdr, 200);
    assert_true(ts_contains(b, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\"") ||
                ts_contains(b, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;\""));
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_pages),    cmocka_unit_test(test_sync_then_lists),
        cmocka_unit_test(test_status_history), cmocka_unit_test(test_sync_page_retry_resume),
        cmocka_unit_test(test_products),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Integration: settlement over HTTP (issue 13), against the real aicos on SQLite and
 * PostgreSQL. The upload form takes multipart/form-data (other types 415, a malformed body
 * 400, a body over the server's limit 413, a viewer 403, unreadable rows 422 with the row),
 * reconciliation runs from the API, the JSON routes list imports, lines, results and one
 * order's money, the pages render, and the Payment Settlement registry row moves from
 * not_configured to degraded (an overdue order named with its amount) to configured, and to
 * connected once a payout provider credential is stored.
 */
#include "testsupport.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[TS_PATH_MAX], env_key[TS_PATH_MAX + 32];
static struct ts_server server;
static char op_tok[160], viewer_tok[160];
#define BOUNDARY "----aicosTestBoundary7"
static const char *const multipart = "multipart/form-data; boundary=" BOUNDARY;

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("settlehttp", db_url, sizeof db_url);
    char *dir = ts_tmpdir("settlekey");
    ts_master_key_file(dir, env_key, sizeof env_key);
    free(dir);
    char *env[] = {env_key, (char *)"AICOS_HTTP_BODY_MAX_BYTES=16384", NULL};
    ts_server_start(&server, db_url, env);
    ts_bearer_header(db_url, "operator", op_tok, sizeof op_tok);
    ts_bearer_header(db_url, "viewer", viewer_tok, sizeof viewer_tok);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* The server's exit status includes its sanitizers' verdict (leaks, undefined behaviour). */
    return server.proc.pid > 0 && ts_server_stop(&server) != 0 ? -1 : 0;
}

static void req(const char *method, const char *path, const char *hdr, const char *ctype,
                const char *body, int want, struct ts_http_resp *r)
{
    if (!ts_http_ex(server.port, method, path, hdr, ctype, body, r))
        fail_msg("%s %s: no answer", method, path);
    if (want != 0 && r->status != want)
        fail_msg("%s %s: %d, want %d: %s", method, path, r->status, want, r->body);
}

/* A multipart body with a profile field and one file part. */
static char *upload_body(const char *name, const char *content)
{
    size_t n = strlen(content) + 512;
    char *b = malloc(n);
    snprintf(b, n,
             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\n\r\n"
             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
             "Content-Type: text/csv\r\n\r\n%s\r\n--" BOUNDARY "--\r\n",
             name, content);
    return b;
}

static void upload(const char *hdr, const char *name, const char *content, int want)
{
    char *body = upload_body(name, content);
    struct ts_http_resp r;
    req("POST", "/settlements/import", hdr, multipart, body, want, &r);
    ts_http_free(&r);
    free(body);
}

static const char *registry_status(json_t *doc, const char *key, const char **risk)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(doc, "integrations"), i, row)
    {
        if (strcmp(json_string_value(json_object_get(row, "key")), key) == 0) {
            *risk = json_string_value(json_object_get(row, "risk"));
            return json_string_value(json_object_get(row, "status"));
        }
    }
    fail_msg("no registry row %s", key);
    return NULL;
}

static json_t *get_json(const char *path)
{
    struct ts_http_resp r;
    req("GET", path, op_tok, NULL, NULL, 200, &r);
    json_t *j = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    assert_non_null(j);
    return j;
}

static const char orders_csv[] =
    "order_sn,expected_amount,currency,ordered_at,pickup_at,delivered_at,after_sales_open\n"
    "PO-211-1,15.90,USD,1700000000,1700086400,1700300000,0\n"
    "PO-211-2,20.00,USD,1700000000,1700086400,1700300000,0\n";
static const char lines_csv[] = "订单编号,结算时间,币种,交易类型,结算金额\n"
                                "PO-211-1,2023-11-20 10:00:00,USD,结算-交易收入,15.90\n";

static void test_registry_before_anything(void **state)
{
    (void)state;
    json_t *doc = get_json("/api/v1/integrations");
    const char *risk = NULL;
    assert_string_equal(registry_status(doc, "payment_settlement", &risk), "not_configured");
    json_decref(doc);
}

static void test_upload_refusals(void **state)
{
    (void)state;
    struct ts_http_resp r;
    req("POST", "/settlements/import", op_tok, "text/csv", lines_csv, 415, &r);
    ts_http_free(&r);
    req("POST", "/settlements/import", op_tok, multipart, "garbage", 400, &r);
    ts_http_free(&r);
    upload(viewer_tok, "lines.csv", lines_csv, 403);
    char *big = malloc(20000);
    memset(big, 'a', 19999);
    big[19999] = '\0';
    upload(op_tok, "big.csv", big, 413);
    free(big);
    const char bad[] = "order_sn,expected_amount,currency,ordered_at,pickup_at,delivered_at,"
                       "after_sales_open\nPO-9,abc,USD,0,0,0,0\n";
    char *body = upload_body("bad.csv", bad);
    req("POST", "/settlements/import", op_tok, multipart, body, 422, &r);
    assert_true(ts_contains(r.body, "row 2 column B"));
    ts_http_free(&r);
    free(body);
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM settlement_imports"), 0);
}

static void test_import_reconcile_and_read(void **state)
{
    (void)state;
    upload(op_tok, "orders.csv", orders_csv, 303);
    upload(op_tok, "lines.csv", lines_csv, 303);
    upload(op_tok, "lines.csv", lines_csv, 303); /* again: a no-op */
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM settlement_lines"), 1);
    struct ts_http_resp r;
    req("POST", "/api/v1/settlements/reconcile", op_tok, NULL, NULL, 200, &r);
    json_t *rep = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    json_t *orders = json_object_get(json_object_get(rep, "report"), "orders");
    assert_int_equal(json_integer_value(json_object_get(orders, "matched")), 1);
    assert_int_equal(json_integer_value(json_object_get(orders, "missing")), 1);
    json_decref(rep);
    json_t *imports = get_json("/api/v1/settlements/imports");
    assert_int_equal(json_array_size(json_object_get(imports, "imports")), 2);
    json_decref(imports);
    json_t *lines = get_json("/api/v1/settlements/lines?order=211-1");
    assert_int_equal(json_array_size(json_object_get(lines, "lines")), 1);
    json_decref(lines);
    json_t *o = get_json("/api/v1/settlements/orders/PO-211-1");
    assert_int_equal(json_integer_value(json_object_get(o, "settled_minor")), 1590);
    json_decref(o);
    json_t *res = get_json("/api/v1/settlements/reconciliation?status=missing");
    assert_int_equal(json_array_size(json_object_get(res, "results")), 1);
    json_decref(res);
    req("GET", "/api/v1/settlements/lines?limit=abc", op_tok, NULL, NULL, 422, &r);
    ts_http_free(&r);
    /* The lines as CSV (amount a plain decimal) and as XLSX (a zip archive). */
    req("GET", "/settlements/lines/export.csv", op_tok, NULL, NULL, 200, &r);
    assert_true(ts_contains(r.body, "file_sha256,sheet,row,posted_at,type,type_raw,order_ref,net,"
                                    "currency,status,reference\r\n"));
    assert_true(ts_contains(r.body, ",15.90,USD,"));
    ts_http_free(&r);
    req("GET", "/settlements/lines/export.xlsx?type=no_such_type", op_tok, NULL, NULL, 200, &r);
    assert_true(r.body_len > 4 && memcmp(r.body, "PK", 2) == 0);
    ts_http_free(&r);
    req("GET", "/settlements?status=missing", op_tok, NULL, NULL, 200, &r);
    assert_true(ts_contains(r.body, "PO-211-2"));
    ts_http_free(&r);
    req("GET", "/settlements/orders/PO-211-1", op_tok, NULL, NULL, 200, &r);
    assert_true(ts_contains(r.body, "15.90 USD"));
    ts_http_free(&r);
    json_t *doc = get_json("/api/v1/integrations");
    const char *risk = NULL;
    assert_string_equal(registry_status(doc, "payment_settlement", &risk), "degraded");
    assert_true(ts_contains(risk, "PO-211-2") && ts_contains(risk, "20.00 USD"));
    json_decref(doc);
}

static void test_configured_once_nothing_is_overdue(void **state)
{
    (void)state;
    const char more[] = "订单编号,结算时间,币种,交易类型,结算金额\n"
                        "PO-211-2,2023-11-21 10:00:00,USD,结算-交易收入,20.00\n";
    upload(op_tok, "more.csv", more, 303);
    struct ts_http_resp r;
    req("POST", "/api/v1/settlements/reconcile", op_tok, NULL, NULL, 200, &r);
    ts_http_free(&r);
    json_t *doc = get_json("/api/v1/integrations");
    const char *risk = NULL;
    assert_string_equal(registry_status(doc, "payment_settlement", &risk), "configured");
    assert_string_equal(risk, "Settlement import pending real API credential");
    json_decref(doc);
}

/* A payout provider credential under the name the row looks for: connected. The row reads the
 * name only, so a placeholder sealed value is enough here. */
static void test_connected_with_a_credential(void **state)
{
    (void)state;
    ts_db_exec(db_url, "INSERT INTO vault_keys (id, wrapped_key, state, created_at) VALUES "
                       "('k-test', 'x', 'retired', 'now')");
    ts_db_exec(db_url, "INSERT INTO secrets (name, key_id, sealed, masked, updated_at, "
                       "updated_by) VALUES ('airwallex', 'k-test', 'x', '****', 'now', 'test')");
    json_t *doc = get_json("/api/v1/integrations");
    const char *risk = NULL;
    assert_string_equal(registry_status(doc, "payment_settlement", &risk), "connected");
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_before_anything),
        cmocka_unit_test(test_upload_refusals),
        cmocka_unit_test(test_import_reconcile_and_read),
        cmocka_unit_test(test_configured_once_nothing_is_overdue),
        cmocka_unit_test(test_connected_with_a_credential),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Integration: the console as a product (issue 16), against the real aicos on SQLite and
 * PostgreSQL. Error answers are console pages for a browser (404, 405, 413, 414, 422, 403 and
 * the Temu callback's refusal) and stay JSON for the API; post/redirect/get with a session
 * flash notice shown once (users, tokens); the Users, API tokens, Audit log and Secrets pages
 * with their role checks, audit entries and the CSV export's formula neutralization.
 */
#include "testsupport.h"

#include "routes/routes.h"
#include "settlement/xlsx.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char db_url[TS_PATH_MAX], env_key[TS_PATH_MAX + 32];
static struct ts_server server;
static char admin_hdr[400], admin_csrf[96], viewer_hdr[400], ops_tok[160], viewer_tok[160];
static const char *const form = "application/x-www-form-urlencoded";
#define HTML "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("console", db_url, sizeof db_url);
    char *dir = ts_tmpdir("consolekey");
    ts_master_key_file(dir, env_key, sizeof env_key);
    free(dir);
    char *env[] = {env_key, NULL};
    ts_server_start(&server, db_url, env);
    char cookie[160], csrf[96];
    ts_session_login(db_url, server.port, "boss", "seller_admin", cookie, sizeof cookie, admin_csrf,
                     sizeof admin_csrf);
    snprintf(admin_hdr, sizeof admin_hdr, "Cookie: %s\r\n" HTML, cookie);
    ts_session_login(db_url, server.port, "watcher", "viewer", cookie, sizeof cookie, csrf,
                     sizeof csrf);
    snprintf(viewer_hdr, sizeof viewer_hdr, "Cookie: %s\r\n" HTML, cookie);
    ts_bearer_header(db_url, "ops", ops_tok, sizeof ops_tok);
    ts_bearer_header(db_url, "viewer", viewer_tok, sizeof viewer_tok);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_server_teardown(&server);
}

/* A row callback looking for one cell's exact text. */
struct xlsx_find {
    const char *text;
    bool found;
};

static enum err xlsx_find_cell(void *ctx, const struct table_row *row, struct errbuf *eb)
{
    (void)eb;
    struct xlsx_find *f = ctx;
    for (size_t i = 0; i < row->ncells; i++)
        f->found = f->found || strcmp(row->cells[i], f->text) == 0;
    return ERR_OK;
}

static void req(const char *method, const char *path, const char *hdr, const char *ctype,
                const char *body, int want, struct ts_http_resp *r)
{
    if (!ts_http_ex(server.port, method, path, hdr, ctype, body, r))
        fail_msg("%s %s: no answer", method, path);
    if (want != 0 && r->status != want)
        fail_msg("%s %s: status %d, want %d: %.400s", method, path, r->status, want, r->body);
}

/* The answer is a console page in the layout (navigation, the error card) of status want. */
static void expect_page(const struct ts_http_resp *r, int want, const char *title)
{
    char ct[128];
    assert_int_equal(r->status, want);
    assert_true(ts_http_header(r, "Content-Type", ct, sizeof ct));
    assert_true(ts_contains(ct, "text/html"));
    assert_true(ts_contains(r->body, "<nav"));
    assert_true(ts_contains(r->body, "id=\"error\""));
    assert_true(ts_contains(r->body, "id=\"error-next\""));
    if (title != NULL && !ts_contains(r->body, title))
        fail_msg("no \"%s\" in %.600s", title, r->body);
    assert_false(ts_contains(r->body, "{\"error\""));
}

/* The answer is the JSON error code of status want. */
static void expect_json(const struct ts_http_resp *r, int want, const char *code)
{
    assert_int_equal(r->status, want);
    json_t *d = json_loads(r->body, 0, NULL);
    const char *got = json_string_value(json_object_get(json_object_get(d, "error"), "code"));
    if (got == NULL || strcmp(got, code) != 0)
        fail_msg("error %s, want %s: %.300s", got ? got : "(none)", code, r->body);
    json_decref(d);
}

static void test_error_pages(void **state)
{
    (void)state;
    struct ts_http_resp r;
    /* 404: a browser gets a page, the API and curl's default keep JSON. */
    req("GET", "/no-such-page", HTML, NULL, NULL, 404, &r);
    expect_page(&r, 404, "页面不存在 / Page not found");
    ts_http_free(&r);
    req("GET", "/no-such-page", NULL, NULL, NULL, 404, &r);
    expect_json(&r, 404, "unknown_route");
    ts_http_free(&r);
    req("GET", "/api/v1/no-such", HTML, NULL, NULL, 404, &r);
    expect_json(&r, 404, "unknown_route");
    ts_http_free(&r);
    req("GET", "/no-such-page", HTML "Authorization: Bearer x\r\n", NULL, NULL, 404, &r);
    expect_json(&r, 404, "unknown_route");
    ts_http_free(&r);
    /* 405 keeps its Allow header. */
    char allow[64];
    req("DELETE", "/orders", HTML, NULL, NULL, 405, &r);
    expect_page(&r, 405, "Method not allowed");
    assert_true(ts_http_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET");
    ts_http_free(&r);
    /* 414: an over-long search. */
    char path[3000] = "/orders?q=";
    memset(path + 10, 'a', 2600);
    path[2610] = '\0';
    req("GET", path, admin_hdr, NULL, NULL, 414, &r);
    expect_page(&r, 414, "网址过长 / Address too long");
    ts_http_free(&r);
    req("GET", path, NULL, NULL, NULL, 414, &r);
    expect_json(&r, 414, "uri_too_long");
    ts_http_free(&r);
    /* 413: a body over the limit is refused from its Content-Length, never read. */
    static const char big[] = "POST /login HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: 99999999\r\nConnection: close\r\n\r\n";
    assert_true(ts_http_raw(server.port, big, sizeof big - 1, &r));
    expect_page(&r, 413, "内容过大 / Request too large");
    ts_http_free(&r);
    /* 422: a bad filter of the CSV export (a handler's JSON error becomes the page). */
    req("GET", "/audit/export.csv?outcome=maybe", admin_hdr, NULL, NULL, 422, &r);
    expect_page(&r, 422, "无法处理 / Cannot process");
    assert_true(ts_contains(r.body, "outcome must be success, failure or denied"));
    ts_http_free(&r);
    req("GET", "/audit/export.csv?outcome=maybe", ops_tok, NULL, NULL, 422, &r);
    expect_json(&r, 422, "bad_query");
    ts_http_free(&r);
    /* 403: a role too low is told what to do next; the API gets JSON. */
    req("GET", "/users", viewer_hdr, NULL, NULL, 403, &r);
    expect_page(&r, 403, "没有权限 / Not allowed");
    assert_true(ts_contains(r.body, "Ask a seller admin"));
    assert_true(ts_contains(r.body, "Your role (viewer) cannot do this"));
    ts_http_free(&r);
    req("GET", "/users", viewer_tok, NULL, NULL, 403, &r);
    expect_json(&r, 403, "forbidden");
    ts_http_free(&r);
    /* A form without its CSRF token: a page saying nothing was done. */
    req("POST", "/users", admin_hdr, form, "name=x&role=viewer", 403, &r);
    expect_page(&r, 403, "没有权限 / Not allowed");
    assert_true(ts_contains(r.body, "The form was stale or came from another site"));
    ts_http_free(&r);
    /* The Temu callback (a /api/ path Seller Center sends the browser to) refuses with a page. */
    const char *cb = "/api/v1/integrations/temu/authorization/callback?code=abc&state=forged";
    req("GET", cb, HTML, NULL, NULL, 0, &r);
    assert_true(r.status >= 400 && r.status < 500);
    expect_page(&r, r.status, "Temu 授权失败 / Temu authorization failed");
    assert_true(ts_contains(r.body, "nothing was stored"));
    assert_true(ts_contains(r.body, "href=\"/integrations\""));
    ts_http_free(&r);
    req("GET", cb, "Accept: application/json\r\n", NULL, NULL, 0, &r);
    assert_true(r.status >= 400 && r.status < 500);
    assert_true(ts_contains(r.body, "{\"error\""));
    ts_http_free(&r);
}

/* POSTs a console form as the admin session; wants 303 to location. */
static void admin_post(const char *path, const char *fields, const char *location)
{
    char body[2048], loc[128];
    struct ts_http_resp r;
    snprintf(body, sizeof body, "%s%scsrf_token=%s", fields, *fields ? "&" : "", admin_csrf);
    req("POST", path, admin_hdr, form, body, 303, &r);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, location);
    ts_http_free(&r);
}

/* GETs path as the admin; the body (malloc'd). */
static char *admin_page(const char *path)
{
    struct ts_http_resp r;
    req("GET", path, admin_hdr, NULL, NULL, 200, &r);
    char *b = strdup(r.body);
    ts_http_free(&r);
    return b;
}

/* Follows a redirect: the notice is on the page once, and gone on a reload. Returns the first
 * page's body (malloc'd). */
static char *flash_once(const char *path, const char *notice)
{
    char *b = admin_page(path);
    if (!ts_contains(b, "id=\"flash\"") || !ts_contains(b, notice))
        fail_msg("%s: no flash \"%s\"", path, notice);
    char *again = admin_page(path);
    assert_false(ts_contains(again, "id=\"flash\""));
    assert_false(ts_contains(again, notice));
    free(again);
    return b;
}

static long long db_count(const char *sql)
{
    return ts_db_int(db_url, sql);
}

/* The one-time value after "prefix" in body (up to '<'), copied into out. */
static void value_after(const char *body, const char *prefix, char *out, size_t len)
{
    const char *p = strstr(body, prefix);
    if (p == NULL)
        fail_msg("no \"%s\" in the page", prefix);
    p += strlen(prefix);
    snprintf(out, len, "%.*s", (int)strcspn(p, "<"), p);
}

static void test_users_prg(void **state)
{
    (void)state;
    admin_post("/users", "name=alice&role=viewer", "/users");
    /* Until the next page shows it, the notice waits sealed: the database cannot read it. */
    assert_int_equal(db_count("SELECT COUNT(*) FROM session_flash WHERE message LIKE '%alice%'"),
                     0);
    assert_int_equal(db_count("SELECT COUNT(*) FROM session_flash"), 1);
    char *b = flash_once("/users", "User alice was added");
    char pw[64];
    value_after(b, "first password (shown once): ", pw, sizeof pw);
    assert_true(strlen(pw) >= 16);
    assert_true(ts_contains(b, "data-user=\"alice\""));
    free(b);
    /* The reloads re-posted nothing: one user, one audit entry. */
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'alice'"), 1);
    assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.add' AND "
                              "target = 'alice' AND outcome = 'success'"),
                     1);
    /* The generated password signs in. */
    char body[200];
    snprintf(body, sizeof body, "{\"username\":\"alice\",\"password\":\"%s\"}", pw);
    struct ts_http_resp r;
    req("POST", "/api/v1/session", NULL, "application/json", body, 201, &r);
    ts_http_free(&r);

    admin_post("/users/alice/role", "role=operator", "/users");
    free(flash_once("/users", "alice is now operator"));
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'alice' AND role = "
                              "'operator'"),
                     1);
    admin_post("/users/alice/password", "", "/users");
    b = flash_once("/users", "New password for alice (shown once): ");
    char pw2[64];
    value_after(b, "New password for alice (shown once): ", pw2, sizeof pw2);
    assert_string_not_equal(pw, pw2);
    free(b);
    admin_post("/users/alice/disable", "", "/users");
    b = flash_once("/users", "alice was disabled");
    assert_true(ts_contains(b, "Disabled"));
    free(b);
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'alice' AND disabled = 1"),
                     1);
    admin_post("/users/alice/enable", "", "/users");
    free(flash_once("/users", "alice can sign in again"));
    /* Refusals come back the same way, as an error notice, and change nothing. */
    admin_post("/users", "name=bob&role=emperor", "/users");
    b = flash_once("/users", "The role must be one of");
    assert_true(ts_contains(b, "notice error"));
    free(b);
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'bob'"), 0);
    admin_post("/users/boss/disable", "", "/users");
    free(flash_once("/users", "You cannot change your own role, disable yourself"));
    admin_post("/users/boss/password", "", "/users"); /* would end this very session */
    free(flash_once("/users", "reset your own password here"));
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'boss' AND disabled = 0"),
                     1);
    /* Without the CSRF token nothing happens. */
    req("POST", "/users", admin_hdr, form, "name=mallory&role=viewer", 403, &r);
    ts_http_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'mallory'"), 0);
}

static void test_tokens_prg(void **state)
{
    (void)state;
    admin_post("/tokens", "name=%3Dcmd%7Ccalc&role=viewer", "/tokens");
    char *b = flash_once("/tokens", "it is shown only this once: ");
    char secret[128], hdr[200];
    value_after(b, "it is shown only this once: ", secret, sizeof secret);
    assert_true(strncmp(secret, "aicos_", 6) == 0);
    assert_true(ts_contains(b, "=cmd|calc"));
    free(b);
    b = admin_page("/tokens");
    assert_false(ts_contains(b, secret)); /* never again */
    free(b);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", secret);
    struct ts_http_resp r;
    req("GET", "/api/v1/orders", hdr, NULL, NULL, 200, &r);
    ts_http_free(&r);
    char id[32], path[64];
    snprintf(id, sizeof id, "%lld", db_count("SELECT id FROM api_tokens WHERE name = '=cmd|calc'"));
    snprintf(path, sizeof path, "/tokens/%s/revoke", id);
    admin_post(path, "", "/tokens");
    b = flash_once("/tokens", "The token was revoked.");
    assert_true(ts_contains(b, "Revoked"));
    free(b);
    req("GET", "/api/v1/orders", hdr, NULL, NULL, 401, &r);
    ts_http_free(&r);
    admin_post(path, "", "/tokens"); /* again: refused, said on the page */
    free(flash_once("/tokens", "notice error"));
    assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke' AND "
                              "outcome = 'success'"),
                     1);
}

/* The reader's language (Accept-Language, then their own choice from the layout's switch or
 * /settings) and time zone; every form answers 303 and its notice shows once. */
static void test_language_and_time_zone(void **state)
{
    (void)state;
    struct ts_http_resp r;
    req("GET", "/no-such-page", HTML "Accept-Language: en-US,en;q=0.9\r\n", NULL, NULL, 404, &r);
    assert_true(ts_contains(r.body, "Check the address"));
    assert_false(ts_contains(r.body, "请检查网址"));
    assert_true(ts_contains(r.body, "<html lang=\"en\">"));
    ts_http_free(&r);
    req("GET", "/no-such-page", HTML "Accept-Language: zh-CN,zh;q=0.9,en;q=0.5\r\n", NULL, NULL,
        404, &r);
    assert_true(ts_contains(r.body, "请检查网址"));
    assert_false(ts_contains(r.body, "Check the address"));
    ts_http_free(&r);
    /* The switch: English from now on, whatever the browser says. */
    admin_post("/settings/language", "lang=en", "/settings");
    char *b = flash_once("/settings", "Your language and time zone were saved.");
    assert_true(ts_contains(b, "<html lang=\"en\">"));
    assert_true(ts_contains(b, "aria-pressed=\"true\" lang=\"en\""));
    free(b);
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'boss' AND lang = 'en'"), 1);
    assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log WHERE action = "
                              "'user.set_preferences' AND outcome = 'success'"),
                     1);
    /* A zone the database does not have: refused, nothing changes. */
    admin_post("/settings/preferences", "lang=zh&tz=Mars%2FOlympus", "/settings");
    free(flash_once("/settings", "not in the tz database"));
    assert_int_equal(db_count("SELECT COUNT(*) FROM users WHERE name = 'boss' AND tz = 'UTC' AND "
                              "lang = 'en'"),
                     1);
    admin_post("/settings/preferences", "lang=&tz=Asia%2FShanghai", "/settings");
    free(flash_once("/settings", "您的语言和时区已保存。"));
    b = admin_page("/audit");
    assert_true(ts_contains(b, " UTC+08:00</time>"));
    free(b);
    admin_post("/settings/preferences", "lang=&tz=UTC", "/settings");
    free(admin_page("/settings"));
    /* An API token has no preferences: refused, nothing stored. */
    req("POST", "/settings/preferences", viewer_tok, form, "lang=en&tz=UTC", 0, &r);
    assert_int_equal(r.status / 100, 4);
    assert_true(ts_contains(r.body, "no_preferences"));
    ts_http_free(&r);
    /* Integrations opens with what to do now. */
    b = admin_page("/integrations");
    assert_true(ts_contains(b, "id=\"now\""));
    assert_true(ts_contains(b, "id=\"now-act\""));
    assert_true(ts_contains(b, "id=\"now-dev\""));
    assert_true(ts_contains(b, "<details class=\"card runbook\""));
    assert_false(ts_contains(b, "MSG_"));
    free(b);
}

/* The shop dashboard from synced rows: counts, on-time share, the SVG chart, the switcher. */
static void test_dashboard(void **state)
{
    (void)state;
    char sql[2048];
    long long now = (long long)time(NULL);
    snprintf(sql, sizeof sql,
             "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
             "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
             "synced_at) VALUES ('c1', 'PO-1', 2, %lld, %lld, %lld, '[]', 211, 'h', '{}', 1, 1), "
             "('c1', 'PO-2', 4, %lld, %lld, %lld, '[]', 211, 'h', '{}', 1, 1), "
             "('c1', 'PO-3', 4, %lld, %lld, %lld, '[]', 211, 'h', '{}', 1, 1)",
             now - 60, now - 60, now - 30, now - 50, now - 50, now + 3600, now - 40, now - 40,
             now - 7200);
    ts_db_exec(db_url, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, status, "
             "seen_at, update_time) VALUES ('c1', 'PO-2', 4, 1, %lld), ('c1', 'PO-3', 4, 1, %lld)",
             now - 50, now - 40);
    ts_db_exec(db_url, sql);
    ts_db_exec(db_url, "INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, "
                       "parent_order_sn, status_group, status, case_type, create_at, update_at, "
                       "content_hash, data, first_synced_at, synced_at) VALUES ('c1', 'AS-1', "
                       "'PO-1', 1, 1, 1, 1, 1, 'h', '{}', 1, 1), ('c1', 'AS-2', 'PO-2', 1, 5, 1, "
                       "1, 1, 'h', '{}', 1, 1)");
    /* The search finds an order by its product's name, SKU or goods id. */
    ts_db_exec(db_url,
               "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, "
               "status, goods_id, sku_id, quantity, data) VALUES ('c1', 'PO-2-1', 'PO-2', 4, "
               "601099, 17592, 1, '{\"goodsName\":\"Blue Ceramic Mug\",\"skuId\":17592}')");
    static const char *const finds[] = {"/orders?q=ceramic+mug", "/orders?q=17592",
                                        "/orders?q=601099"};
    for (size_t k = 0; k < sizeof finds / sizeof finds[0]; k++) {
        char *found = admin_page(finds[k]);
        if (!ts_contains(found, ">PO-2</a>") || ts_contains(found, ">PO-1</a>"))
            fail_msg("%s does not find exactly PO-2", finds[k]);
        free(found);
    }
    /* The CSV export of the filtered list: a formula-looking cell is neutralized. */
    ts_db_exec(db_url, "INSERT INTO temu_orders (connection_id, parent_order_sn, status, "
                       "order_time, update_time, ship_by, labels, region_id, content_hash, data, "
                       "first_synced_at, synced_at) VALUES ('c1', '=HYPERLINK(1)', 5, 1, 1, 0, "
                       "'[\"past_due\",\"x\"]', 211, 'h', '{}', 1, 1)");
    struct ts_http_resp csv;
    req("GET", "/orders/export.csv?q=%3DHYPERLINK", admin_hdr, NULL, NULL, 200, &csv);
    assert_true(ts_contains(csv.body, "connection_id,parent_order_sn,status,status_en,labels"));
    assert_true(ts_contains(csv.body, "c1,\"'=HYPERLINK(1)\",receipted,received,past_due;x,,"
                                      "1970-01-01T00:00:01Z,1970-01-01T00:00:01Z,0\r\n"));
    assert_false(ts_contains(csv.body, "PO-1"));
    ts_http_free(&csv);
    req("GET", "/orders/export.csv?status=abc", admin_hdr, NULL, NULL, 422, &csv);
    assert_true(ts_contains(csv.body, "id=\"error\""));
    ts_http_free(&csv);
    ts_db_exec(db_url, "DELETE FROM temu_orders WHERE connection_id = 'c1' AND parent_order_sn "
                       "= '=HYPERLINK(1)'");
    char *b = admin_page("/dashboard");
    assert_true(ts_contains(b, "id=\"dash-orders\""));
    assert_true(ts_contains(b, "Orders</div><div class=\"v\">3</div>"));
    assert_true(ts_contains(b, "Late parcels</div><div class=\"v\">1</div>"));
    assert_true(ts_contains(b, "Open buyer cases</div><div class=\"v\">1</div>"));
    assert_true(ts_contains(b, "50% shipped on time (1 of 2)"));
    assert_true(ts_contains(b, "<svg class=\"chart\""));
    assert_true(ts_contains(b, ": 3</title></rect>")); /* today's bar: three orders */
    assert_false(ts_contains(b, "<script"));
    assert_true(ts_contains(b, "id=\"shop-switcher\""));
    free(b);
    struct ts_http_resp r;
    req("GET", "/dashboard?connection_id=nope", admin_hdr, NULL, NULL, 404, &r);
    assert_true(ts_contains(r.body, "id=\"error\""));
    ts_http_free(&r);
    req("GET", "/dashboard", viewer_hdr, NULL, NULL, 200, &r); /* a viewer may look */
    ts_http_free(&r);
    /* The order page lists the order's buyer cases, states as words with the code beside. */
    b = admin_page("/orders/PO-1?connection_id=c1");
    assert_true(ts_contains(b, "id=\"order-cases\""));
    assert_true(ts_contains(b, "title=\"aftersales_status_1\">已申请 / applied</span>"));
    assert_true(ts_contains(b, "仅退款 / refund only"));
    assert_false(ts_contains(b, "group 1 · status"));
    free(b);
    ts_db_exec(db_url, "DELETE FROM temu_order_status_history");
    ts_db_exec(db_url, "DELETE FROM temu_orders");
    ts_db_exec(db_url, "DELETE FROM temu_order_items");
    ts_db_exec(db_url, "DELETE FROM temu_aftersales");
}

/* Every console form of the route table, posted by a signed-in browser (a value that names
 * nothing, so each is a refusal or a harmless action): 303 to a console page, which shows the
 * notice once; a reload of that page shows nothing and posts nothing. The two forms whose
 * answer is a link to follow at once (docs/console.md) may answer 200 instead, and a form
 * naming a missing thing the console's 404 page. */
static void test_every_form_prg(void **state)
{
    (void)state;
    size_t checked = 0;
    /* An order the order forms can name (a shipment form redirects to its page). */
    ts_db_exec(db_url, "INSERT INTO temu_orders (connection_id, parent_order_sn, status, "
                       "order_time, update_time, ship_by, labels, region_id, content_hash, data, "
                       "first_synced_at, synced_at) VALUES ('c1', '999999', 2, 1, 1, 0, '[]', "
                       "211, 'h', '{}', 1, 1)");
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *rt = &api_routes[i];
        if (strcmp(rt->method, "POST") != 0 || !(rt->flags & ROUTE_PAGE) ||
            !(rt->flags & ROUTE_FORM_BODY) || strcmp(rt->pattern, "/login") == 0 ||
            strcmp(rt->pattern, "/logout") == 0)
            continue;
        char path[256], body[256], loc[256];
        size_t o = 0;
        for (const char *p = rt->pattern; *p && o + 7 < sizeof path; p++) {
            if (*p == '{') {
                memcpy(path + o, "999999", 6);
                o += 6;
                p = strchr(p, '}');
            } else {
                path[o++] = *p;
            }
        }
        path[o] = '\0';
        snprintf(body, sizeof body, "probe=1&csrf_token=%s", admin_csrf);
        struct ts_http_resp r;
        req("POST", path, admin_hdr, form, body, 0, &r);
        bool link_form = strcmp(rt->pattern, "/integrations/temu/dev") == 0 ||
                         strcmp(rt->pattern, "/integrations/temu/launch") == 0;
        /* A form naming a thing that does not exist may answer the console's 404 page (the
         * order forms): nothing was done, so even a re-post does nothing. */
        bool missing = r.status == 404 && ts_contains(r.body, "id=\"error\"");
        if (r.status != 303 && !(link_form && r.status == 200) && !missing)
            fail_msg("POST %s answered %d, want 303: %.300s", path, r.status, r.body);
        if (r.status == 303) {
            assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
            assert_true(loc[0] == '/' && loc[1] != '/');
            char *first = admin_page(loc);
            if (!ts_contains(first, "id=\"flash\""))
                fail_msg("POST %s: %s shows no notice", path, loc);
            free(first);
            long long after = db_count("SELECT COUNT(*) FROM audit_log");
            char *again = admin_page(loc); /* the reload */
            assert_false(ts_contains(again, "id=\"flash\""));
            free(again);
            assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log"), after);
        }
        ts_http_free(&r);
        checked++;
    }
    assert_true(checked >= 15);
    ts_db_exec(db_url, "DELETE FROM temu_orders");
    admin_post("/settings/preferences", "lang=&tz=UTC", "/settings");
    free(admin_page("/settings"));
}

/* The mainland sign-off's free text is limited (1,000 bytes) and a role below ops is refused:
 * nothing is stored either way. */
static void test_signoff_limits(void **state)
{
    (void)state;
    static char body[1400];
    char note[1002];
    memset(note, 'n', 1001);
    note[1001] = '\0';
    snprintf(body, sizeof body,
             "cleared_by=Ops+team&cleared_domain=on&cleared_hosting=on&cleared_data=on&"
             "cleared_compliance=on&note=%s",
             note);
    admin_post("/deploy/mainland/sign-off", body, "/deploy");
    free(flash_once("/deploy", "note must have 1 to 1000 characters"));
    assert_int_equal(db_count("SELECT COUNT(*) FROM deploy_signoffs"), 0);
    struct ts_http_resp r;
    snprintf(body, sizeof body,
             "{\"cleared_by\":\"x\",\"cleared\":[\"domain\",\"hosting\",\"data\","
             "\"compliance\"],\"note\":\"%s\"}",
             note);
    req("POST", "/api/v1/deploy/strategies/mainland/sign-off", ops_tok, "application/json", body, 0,
        &r);
    assert_true(ts_contains(r.body, "note must have 1 to 1000 characters"));
    assert_int_equal(r.status / 100, 4);
    ts_http_free(&r);
    req("POST", "/deploy/mainland/sign-off", viewer_hdr, form, "cleared_by=x", 403, &r);
    assert_true(ts_contains(r.body, "id=\"error\""));
    ts_http_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM deploy_signoffs"), 0);
}

static void test_audit_and_secrets(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char *b = admin_page("/audit?action=token.");
    assert_true(ts_contains(b, "id=\"audit-filters\""));
    assert_true(ts_contains(b, "token.create"));
    assert_false(ts_contains(b, "user.add"));
    assert_true(ts_contains(b, "href=\"/audit/export.csv?action=token.\""));
    free(b);
    b = admin_page("/audit?outcome=failure&action=user.");
    assert_true(ts_contains(b, "user.add"));       /* the refused role */
    assert_false(ts_contains(b, "user.set_role")); /* succeeded */
    free(b);
    req("GET", "/audit?since=yesterday", admin_hdr, NULL, NULL, 422, &r);
    assert_true(ts_contains(r.body, "since and until are dates"));
    ts_http_free(&r);
    /* The CSV export: every cell that starts a formula is neutralized. */
    req("GET", "/audit/export.csv?action=token.create", admin_hdr, NULL, NULL, 200, &r);
    char ct[64];
    assert_true(ts_http_header(&r, "Content-Type", ct, sizeof ct));
    assert_true(ts_contains(ct, "text/csv"));
    assert_true(ts_contains(r.body, "\"'=cmd|calc\""));
    assert_false(ts_contains(r.body, ",=cmd"));
    ts_http_free(&r);
    /* The XLSX export of the same filter: a workbook whose cell holds the text as a string. */
    assert_true(ts_contains(b = admin_page("/audit?action=token."),
                            "href=\"/audit/export.xlsx?action=token.\""));
    free(b);
    req("GET", "/audit/export.xlsx?action=token.create", admin_hdr, NULL, NULL, 200, &r);
    assert_true(ts_http_header(&r, "Content-Type", ct, sizeof ct));
    assert_true(ts_contains(ct, "spreadsheetml"));
    struct xlsx *x = NULL;
    struct errbuf eb = {{0}, {0}};
    assert_int_equal(xlsx_open_buffer(r.body, r.body_len, NULL, &x, &eb), ERR_OK);
    struct xlsx_find find = {"=cmd|calc", false};
    assert_int_equal(xlsx_sheet_read(x, 0, xlsx_find_cell, &find, &eb), ERR_OK);
    assert_true(find.found);
    xlsx_free(x);
    ts_http_free(&r);
    req("GET", "/audit/export.xlsx?outcome=maybe", admin_hdr, NULL, NULL, 422, &r);
    ts_http_free(&r);
    /* Roles: the audit log and secrets are for ops and up; users and tokens for admins. */
    req("GET", "/audit", ops_tok, NULL, NULL, 200, &r);
    ts_http_free(&r);
    req("GET", "/audit", viewer_hdr, NULL, NULL, 403, &r);
    ts_http_free(&r);
    req("GET", "/tokens", ops_tok, NULL, NULL, 403, &r);
    ts_http_free(&r);
    /* Secrets: names, key ids and masked values, never the value. */
    const char *cred = "{\"region\":\"us\",\"app_key\":\"consoleappkey0000000000000000001\","
                       "\"app_secret\":\"consolesecretvalue00000000000000000000001\"}";
    req("PUT", "/api/v1/integrations/temu/credentials", ops_tok, "application/json", cred, 200, &r);
    ts_http_free(&r);
    b = admin_page("/secrets");
    assert_true(ts_contains(b, "id=\"secrets\""));
    assert_true(ts_contains(b, "id=\"vault-keys\""));
    assert_true(ts_contains(b, "No rotation pending"));
    assert_false(ts_contains(b, "consolesecretvalue00000000000000000000001"));
    assert_false(ts_contains(b, "consoleappkey0000000000000000001"));
    free(b);
    /* The navigation names the new pages. */
    b = admin_page("/orders");
    assert_true(ts_contains(b, "href=\"/users\""));
    assert_true(ts_contains(b, "href=\"/tokens\""));
    assert_true(ts_contains(b, "href=\"/audit\""));
    assert_true(ts_contains(b, "href=\"/secrets\""));
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_pages),
        cmocka_unit_test(test_users_prg),
        cmocka_unit_test(test_tokens_prg),
        cmocka_unit_test(test_audit_and_secrets),
        cmocka_unit_test(test_language_and_time_zone),
        cmocka_unit_test(test_dashboard),
        cmocka_unit_test(test_every_form_prg),
        cmocka_unit_test(test_signoff_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

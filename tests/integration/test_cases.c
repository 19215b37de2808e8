/*
 * Integration: buyer cases with classification and reply drafts (issue 15) against the real
 * aicos on SQLite and PostgreSQL. Cases, orders and parcel uploads are stored the way the
 * sync streams store them; the tests set the intent with a relabel, so nothing depends on
 * which label the classifier picks (its wiring is checked structurally). JSON API: list with
 * filters, one case with facts and the template draft, relabel (stored as a correction),
 * propose, sent / copied / discarded with accepted or edited, refusals; pages: /cases and the
 * case page with highlighted facts, the relabel and draft forms (post/redirect/get); a
 * parcel of the tracking domain with stored events: the draft quotes the newest one.
 */
#include "testsupport.h"
#include "ts_stub.h"
#include "ts_app.h"

#include "base/buf.h"

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE1 "PO-211-20531946082830118-D01"
#define CASE2 "PO-211-77700000000000001-D01"

static char db_url[TS_PATH_MAX], env_key[TS_PATH_MAX + 32];
static struct ts_server server;
static char admin_hdr[400], admin_csrf[96], tok_hdr[160], viewer_hdr[160];
static const char *const form = "application/x-www-form-urlencoded";

static void seed(void)
{
    ts_db_exec(db_url,
               "INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, "
               "parent_order_sn, status_group, status, case_type, create_at, update_at, "
               "content_hash, data, first_synced_at, synced_at, reason_desc, buyer_comment) "
               "VALUES ('conn-1', '" CASE1 "', 'PO-211-20531946082830118', 1, 1, 1, 1764800000, "
               "1764800000, 'h', '{}', 1764800000, 1764800000, 'Package not received', "
               "'where is my parcel?!'), ('conn-1', '" CASE2 "', 'PO-211-77700000000000001', 1, "
               "1, 1, 1764700000, 1764700000, 'h', '{}', 1764700000, 1764700000, '', "
               "'hello')");
    ts_db_exec(db_url,
               "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
               "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, "
               "synced_at) VALUES ('conn-1', 'PO-211-20531946082830118', 4, 1764000000, "
               "1764000000, 1764200000, '[]', 211, 'h', "
               "'{\"parentOrderMap\":{\"latestDeliveryTime\":1765238400}}', 1764000000, "
               "1764000000)");
    ts_db_exec(db_url,
               "INSERT INTO temu_shipment_uploads (connection_id, parent_order_sn, "
               "tracking_number, carrier_id, carrier_name, order_sns, state, warnings, actor, "
               "created_at, confirmed_at) VALUES ('conn-1', 'PO-211-20531946082830118', "
               "'9400111899562938501736', 7, 'USPS', '[]', 'confirmed', '[]', 'boss', "
               "1764100000, 1764100000)");
}

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("cases", db_url, sizeof db_url);
    char *dir = ts_tmpdir("caseskey");
    ts_master_key_file(dir, env_key, sizeof env_key);
    free(dir);
    char *env[] = {env_key, NULL};
    ts_server_start(&server, db_url, env);
    seed();
    char cookie[160];
    ts_session_login(db_url, server.port, "boss", "seller_admin", cookie, sizeof cookie, admin_csrf,
                     sizeof admin_csrf);
    snprintf(admin_hdr, sizeof admin_hdr,
             "Cookie: %s\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8\r\n", cookie);
    ts_bearer_header(db_url, "operator", tok_hdr, sizeof tok_hdr);
    ts_bearer_header(db_url, "viewer", viewer_hdr, sizeof viewer_hdr);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_server_teardown(&server);
}

static json_t *api(const char *method, const char *path, const char *hdr, const char *body,
                   int want)
{
    return ts_api_at(server.port, method, path, hdr != NULL ? hdr : tok_hdr, body, want);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

static void test_list_and_classification(void **state)
{
    (void)state;
    json_t *d = api("GET", "/api/v1/cases", NULL, NULL, 200);
    const json_t *cases = json_object_get(d, "cases");
    assert_int_equal(json_array_size(cases), 2);
    const json_t *c = json_array_get(cases, 0);
    assert_string_equal(str(c, "id"), CASE1);
    const json_t *t = json_object_get(c, "triage");
    /* whatever the classifier picked: a label, a confidence in [0, 1], a band and a language */
    assert_true(strlen(str(t, "intent")) > 0);
    double conf = json_real_value(json_object_get(t, "confidence"));
    assert_true(conf >= 0.0 && conf <= 1.0);
    assert_true(strcmp(str(t, "band"), "low") == 0 || strcmp(str(t, "band"), "medium") == 0 ||
                strcmp(str(t, "band"), "high") == 0);
    assert_true(strlen(str(t, "lang")) > 0);
    json_decref(d);
    /* classified once: a stored row per case */
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM case_triage"), 2);
    json_decref(api("GET", "/api/v1/cases?intent=nonsense", NULL, NULL, 422));
    json_decref(api("GET", "/api/v1/cases?priority=urgentest", NULL, NULL, 422));
    json_decref(api("GET", "/api/v1/cases?limit=0", NULL, NULL, 422));
    json_decref(api("GET", "/api/v1/cases/PO-none", NULL, NULL, 404));
}

static void test_facts_relabel_and_drafts(void **state)
{
    (void)state;
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/label", NULL,
                    "{\"label\":\"where_is_my_order\"}", 200));
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM ai_corrections WHERE label = "
                                       "'where_is_my_order'"),
                     1);
    json_t *d = api("GET", "/api/v1/cases/" CASE1, NULL, NULL, 200);
    const json_t *t = json_object_get(d, "triage"), *f = json_object_get(d, "facts");
    const json_t *dr = json_object_get(d, "draft");
    assert_string_equal(str(t, "intent"), "where_is_my_order");
    assert_string_equal(str(t, "relabel"), "where_is_my_order");
    assert_string_equal(str(f, "order"), "PO-211-20531946082830118");
    assert_string_equal(str(f, "carrier"), "USPS");
    assert_string_equal(str(f, "tracking"), "9400111899562938501736");
    assert_string_equal(str(f, "promised"), "2025-12-09");
    assert_string_equal(str(f, "case_status"), "open");
    assert_true(json_is_null(json_object_get(f, "refund")));
    assert_string_equal(str(f, "ship_state"), "shipped");
    assert_string_equal(str(json_object_get(d, "case"), "buyer_comment"), "where is my parcel?!");
    assert_string_equal(str(dr, "kind"), "reply");
    assert_string_equal(str(dr, "state"), "shipped");
    assert_true(ts_contains(str(dr, "text"), "9400111899562938501736"));
    assert_true(ts_contains(str(dr, "text"), "2025-12-09"));
    assert_true(json_array_size(json_object_get(dr, "facts_used")) >= 4);
    assert_false(json_is_true(json_object_get(d, "llm_enabled")));
    json_decref(d);
    /* propose (LLM off: the template), then sent with an edit */
    d = api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, "{\"action\":\"propose\"}", 201);
    assert_string_equal(str(d, "source"), "template");
    assert_string_equal(str(d, "state"), "proposed");
    assert_string_equal(str(d, "llm_note"), "off");
    char body[512], id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    snprintf(body, sizeof body,
             "{\"action\":\"sent\",\"draft_id\":\"%s\",\"text\":\"Hello, it is on its way.\"}", id);
    d = api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, body, 200);
    assert_string_equal(str(d, "state"), "edited");
    assert_string_equal(str(d, "action"), "sent");
    assert_string_equal(str(d, "final_text"), "Hello, it is on its way.");
    json_decref(d);
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, body, 409)); /* decided */
    /* copied without a stored draft: the template, unchanged */
    d = api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, "{\"action\":\"copied\"}", 200);
    assert_string_equal(str(d, "state"), "accepted");
    json_decref(d);
    d = api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, "{\"action\":\"discarded\"}", 200);
    assert_string_equal(str(d, "state"), "discarded");
    json_decref(d);
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, "{\"action\":\"shout\"}", 422));
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/draft", NULL,
                    "{\"action\":\"sent\",\"draft_id\":\"nope\"}", 404));
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/label", NULL, "{\"label\":\"nope\"}", 422));
    json_decref(
        api("POST", "/api/v1/cases/" CASE1 "/label", viewer_hdr, "{\"label\":\"escalate\"}", 403));
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM reply_drafts"), 3);
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
                                       "'case.%'"),
                     1 + 2 + 1 + 1 + 1 + 1 + 1 + 1);
}

static void test_checklist_and_missing_fact(void **state)
{
    (void)state;
    json_decref(
        api("POST", "/api/v1/cases/" CASE1 "/label", NULL, "{\"label\":\"escalate\"}", 200));
    json_t *d = api("GET", "/api/v1/cases/" CASE1, NULL, NULL, 200);
    const json_t *dr = json_object_get(d, "draft");
    assert_string_equal(str(dr, "kind"), "checklist");
    assert_true(json_array_size(json_object_get(dr, "checklist")) >= 3);
    assert_string_equal(str(json_object_get(d, "triage"), "priority"), "high");
    json_decref(d);
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/draft", NULL, "{}", 409));
    struct ts_http_resp r;
    assert_true(ts_http_ex(server.port, "GET", "/cases/" CASE1, admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "id=\"checklist\""));
    assert_false(ts_contains(r.body, "id=\"draft-form\"")); /* nothing to send */
    ts_http_free(&r);
    d = api("GET", "/api/v1/cases?priority=high", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "cases")), 1);
    json_decref(d);
    /* the second case's order is not synced: no tracking draft, and why */
    json_decref(api("POST", "/api/v1/cases/" CASE2 "/label", NULL,
                    "{\"label\":\"where_is_my_order\"}", 200));
    d = api("GET", "/api/v1/cases/" CASE2, NULL, NULL, 200);
    dr = json_object_get(d, "draft");
    assert_string_equal(str(dr, "kind"), "none");
    assert_true(ts_contains(str(dr, "why"), "not synced"));
    json_decref(d);
    assert_true(ts_http_ex(server.port, "GET", "/cases/" CASE2, admin_hdr, NULL, NULL, &r));
    assert_true(ts_contains(r.body, "id=\"no-draft\""));
    assert_true(ts_contains(r.body, "not synced"));
    ts_http_free(&r);
    /* a refund question on an open case: no refund named, the status instead */
    json_decref(
        api("POST", "/api/v1/cases/" CASE2 "/label", NULL, "{\"label\":\"refund_status\"}", 200));
    d = api("GET", "/api/v1/cases/" CASE2, NULL, NULL, 200);
    dr = json_object_get(d, "draft");
    assert_string_equal(str(dr, "state"), "pending");
    assert_false(ts_contains(str(dr, "text"), "refund"));
    json_decref(d);
    d = api("GET", "/api/v1/cases?intent=refund_status", NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(d, "cases")), 1);
    json_decref(d);
}

static void test_pages(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char body[600], loc[256];
    assert_true(
        ts_http_ex(server.port, "GET", "/cases?intent=refund_status", admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "href=\"/cases/" CASE2 "?connection_id=conn-1\""));
    assert_false(ts_contains(r.body, "href=\"/cases/" CASE1));
    assert_true(ts_contains(r.body, "id=\"case-filters\""));
    ts_http_free(&r);
    snprintf(body, sizeof body, "label=where_is_my_order&connection_id=conn-1&csrf_token=%s",
             admin_csrf);
    assert_true(
        ts_http_ex(server.port, "POST", "/cases/" CASE1 "/label", admin_hdr, form, body, &r));
    assert_int_equal(r.status, 303);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/cases/" CASE1 "?connection_id=conn-1");
    ts_http_free(&r);
    assert_true(ts_http_ex(server.port, "GET", loc, admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "where is my parcel?!"));
    assert_true(ts_contains(r.body, "id=\"facts\""));
    assert_true(ts_contains(r.body, "<mark class=\"fact\" data-fact=\"tracking\""));
    assert_true(ts_contains(r.body, "id=\"draft-form\""));
    assert_true(ts_contains(r.body, "The label is saved."));
    ts_http_free(&r);
    snprintf(body, sizeof body, "action=sent&connection_id=conn-1&draft_id=&text=&csrf_token=%s",
             admin_csrf);
    assert_true(
        ts_http_ex(server.port, "POST", "/cases/" CASE1 "/draft", admin_hdr, form, body, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM reply_drafts WHERE action = 'sent' "
                                       "AND state = 'accepted'"),
                     1);
    assert_true(ts_http_ex(server.port, "GET", "/cases/PO-none", admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 404); /* a console page, not JSON */
    assert_true(ts_contains(r.body, "id=\"error\""));
    ts_http_free(&r);
    assert_true(ts_http_ex(server.port, "GET", "/cases?priority=high", admin_hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "cases-empty")); /* the escalated case was relabelled back */
    ts_http_free(&r);
    /* a refused form comes back as the page's notice, nothing stored */
    snprintf(body, sizeof body, "label=bogus&connection_id=conn-1&csrf_token=%s", admin_csrf);
    assert_true(
        ts_http_ex(server.port, "POST", "/cases/" CASE1 "/label", admin_hdr, form, body, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    assert_int_equal(ts_db_int(db_url, "SELECT COUNT(*) FROM ai_corrections WHERE label = "
                                       "'bogus'"),
                     0);
}

/* A paid refund is a fact (amount in minor units from the detail's refund summary); a case id
 * held by two connections needs connection_id. */
static void test_refund_and_ambiguity(void **state)
{
    (void)state;
    ts_db_exec(db_url,
               "INSERT INTO temu_aftersales (connection_id, parent_after_sales_sn, "
               "parent_order_sn, status_group, status, case_type, create_at, update_at, "
               "content_hash, data, first_synced_at, synced_at, refund_summary, buyer_comment) "
               "VALUES ('conn-1', 'PO-9-1-D01', 'PO-9-1', 3, 5, 1, 1764600000, 1764600000, 'h', "
               "'{}', 1764600000, 1764600000, '{\"buyerTotalRefund\":{\"amount\":1234,"
               "\"currency\":\"USD\"}}', 'money?'), ('conn-2', 'PO-9-1-D01', 'PO-9-1', 3, 5, "
               "1, 1764600000, 1764600000, 'h', '{}', 1764600000, 1764600000, '', 'money?')");
    json_decref(api("GET", "/api/v1/cases/PO-9-1-D01", NULL, NULL, 409));
    json_decref(api("POST", "/api/v1/cases/PO-9-1-D01/label", NULL,
                    "{\"label\":\"refund_status\",\"connection_id\":\"conn-1\"}", 200));
    json_t *d = api("GET", "/api/v1/cases/PO-9-1-D01?connection_id=conn-1", NULL, NULL, 200);
    const json_t *dr = json_object_get(d, "draft");
    assert_string_equal(str(json_object_get(d, "facts"), "refund"), "12.34 USD");
    assert_string_equal(str(dr, "state"), "refunded");
    assert_true(ts_contains(str(dr, "text"), "12.34 USD"));
    json_decref(d);
    /* the other connection's copy says nothing of an amount: no refund fact */
    d = api("GET", "/api/v1/cases/PO-9-1-D01?connection_id=conn-2", NULL, NULL, 200);
    assert_true(json_is_null(json_object_get(json_object_get(d, "facts"), "refund")));
    json_decref(d);
}

/* ---- a stub OpenAI-compatible endpoint (real HTTP on loopback) for the LLM wiring ---- */

struct stub {
    struct ts_stub http;
    bool hallucinate; /* append a date that is no fact */
    char auth[160];   /* the last Authorization header */
};

/* The answer: the draft it was sent, back as the "reworded" reply in the asked language. */
static char *stub_reply(const struct stub *s, const struct buf *body)
{
    json_t *req = json_loads(body->data ? body->data : "", 0, NULL);
    const char *content = json_string_value(
        json_object_get(json_array_get(json_object_get(req, "messages"), 1), "content"));
    json_t *user = content ? json_loads(content, 0, NULL) : NULL;
    char reply[1024];
    snprintf(reply, sizeof reply, "%s%s", str(user, "draft"), s->hallucinate ? " 2031-01-01" : "");
    json_t *inner = json_pack("{s:s, s:s, s:[]}", "reply", reply, "language", str(user, "language"),
                              "used_facts");
    char *inner_text = json_dumps(inner, JSON_COMPACT);
    json_t *ans = json_pack("{s:[{s:{s:s, s:s}}]}", "choices", "message", "role", "assistant",
                            "content", inner_text);
    char *out = json_dumps(ans, JSON_COMPACT);
    json_decref(ans);
    free(inner_text);
    json_decref(inner);
    json_decref(user);
    json_decref(req);
    return out;
}

static enum MHD_Result stub_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const struct buf *body)
{
    struct stub *s = cls;
    (void)url;
    (void)method;
    const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    snprintf(s->auth, sizeof s->auth, "%s", a ? a : "");
    char *text = stub_reply(s, body);
    enum MHD_Result ret = ts_stub_answer(conn, 200, text, strlen(text));
    free(text);
    return ret;
}

/* A second aicos on the same database with AICOS_LLM_URL at the stub: the key from the vault
 * reaches the endpoint, its guarded wording is stored, a hallucinated date falls back. */
static void test_llm_wiring(void **state)
{
    (void)state;
    struct stub s = {0};
    ts_stub_start(&s.http, stub_handler, &s);
    char env_llm[128];
    snprintf(env_llm, sizeof env_llm, "AICOS_LLM_URL=http://127.0.0.1:%u/v1/chat/completions",
             s.http.port);
    char *env[] = {env_key, env_llm, NULL};
    struct ts_server llm_server;
    ts_server_start(&llm_server, db_url, env);
    char ops_hdr[160];
    ts_bearer_header(db_url, "ops", ops_hdr, sizeof ops_hdr);
    json_decref(ts_api_at(llm_server.port, "PUT", "/api/v1/llm/key", tok_hdr,
                          "{\"api_key\":\"sk-test-123\"}", 403)); /* operators may not */
    json_decref(ts_api_at(llm_server.port, "PUT", "/api/v1/llm/key", ops_hdr,
                          "{\"api_key\":\"sk-test-123\"}", 200));
    json_decref(ts_api_at(llm_server.port, "POST", "/api/v1/cases/" CASE1 "/label", tok_hdr,
                          "{\"label\":\"where_is_my_order\"}", 200));
    json_t *d = ts_api_at(llm_server.port, "GET", "/api/v1/cases/" CASE1, tok_hdr, NULL, 200);
    assert_true(json_is_true(json_object_get(d, "llm_enabled")));
    json_decref(d);
    d = ts_api_at(llm_server.port, "POST", "/api/v1/cases/" CASE1 "/draft", tok_hdr,
                  "{\"action\":\"propose\"}", 201);
    assert_string_equal(str(d, "source"), "llm");
    assert_string_equal(s.auth, "Bearer sk-test-123");
    json_decref(d);
    s.hallucinate = true;
    d = ts_api_at(llm_server.port, "POST", "/api/v1/cases/" CASE1 "/draft", tok_hdr,
                  "{\"action\":\"propose\"}", 201);
    assert_string_equal(str(d, "source"), "template");
    assert_true(ts_contains(str(d, "llm_note"), "guard number"));
    assert_false(ts_contains(str(d, "text"), "2031"));
    json_decref(d);
    ts_server_stop(&llm_server);
    ts_stub_stop(&s.http);
}

/* The tracking domain's parcel of the order: its carrier and number win over the upload, and
 * the draft quotes its newest stored event with that event's date. */
static void test_tracking_event_fact(void **state)
{
    (void)state;
    ts_db_exec(db_url,
               "INSERT INTO tracking_shipments (id, connection_id, parent_order_sn, order_sn, "
               "package_sn, tracking_number, temu_carrier_id, carrier_name, carrier, lane, "
               "provider, reg_state, reg_error, status, raw_status, raw_sub_status, shipped_at, "
               "promise_at, first_event_at, last_event_at, latest_at, picked_up_at, delivered_at, "
               "registered_at, refreshed_at, next_poll_at, created_at, updated_at) VALUES "
               "('0123456789abcdef0123456789abcdef', 'conn-1', 'PO-211-20531946082830118', "
               "'PO-211-20531946082830118-01', 'PK-1', '1Z999AA10123456784', 7, 'UPS', 100002, "
               "'express', '17track', 'registered', '', 'in_transit', 'InTransit', '', "
               "1764100000, 1765238400, 1764200000, 1764950400, 1764950400, 1764200000, 0, "
               "1764100000, 1764950400, 0, 1764100000, 1764950400)");
    ts_db_exec(db_url,
               "INSERT INTO tracking_events (shipment_id, event_key, at, status, raw_status, "
               "description, location, received_at) VALUES ('0123456789abcdef0123456789abcdef', "
               "'k1', 1764200000, 'in_transit', 'InTransit', 'Origin Scan', 'Shenzhen', "
               "1764200100), ('0123456789abcdef0123456789abcdef', 'k2', 1764950400, "
               "'in_transit', 'InTransit', 'Arrived at UPS Facility', 'Louisville', 1764950500)");
    json_decref(api("POST", "/api/v1/cases/" CASE1 "/label", NULL,
                    "{\"label\":\"where_is_my_order\"}", 200));
    json_t *d = api("GET", "/api/v1/cases/" CASE1, NULL, NULL, 200);
    const json_t *f = json_object_get(d, "facts"), *dr = json_object_get(d, "draft");
    assert_string_equal(str(f, "carrier"), "UPS");
    assert_string_equal(str(f, "tracking"), "1Z999AA10123456784");
    assert_string_equal(str(f, "last_event"), "Arrived at UPS Facility"); /* the newest */
    assert_string_equal(str(f, "event_date"), "2025-12-05");
    assert_string_equal(str(dr, "state"), "shipped_event");
    assert_true(ts_contains(str(dr, "text"), "Arrived at UPS Facility"));
    assert_true(ts_contains(str(dr, "text"), "2025-12-05"));
    assert_true(ts_contains(str(dr, "text"), "1Z999AA10123456784"));
    assert_false(ts_contains(str(dr, "text"), "Origin Scan"));
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_and_classification),
        cmocka_unit_test(test_facts_relabel_and_drafts),
        cmocka_unit_test(test_checklist_and_missing_fact),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_refund_and_ambiguity),
        cmocka_unit_test(test_llm_wiring),
        cmocka_unit_test(test_tracking_event_fact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

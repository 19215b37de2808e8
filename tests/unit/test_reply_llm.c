/*
 * The LLM rewording (src/reply/llm.c) against a stub OpenAI-compatible chat completions
 * server (libmicrohttpd on loopback, real HTTP): a good answer is used; a timeout, HTTP 500,
 * malformed JSON, a hallucinated number, a made-up link, a refund promise and a wrong
 * language each keep the template draft with the reason. The request asks for the JSON
 * schema and carries the draft and the facts.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "reply/llm.h"
#include "ts_stub.h"

struct stub {
    struct ts_stub http;
    const char *reply; /* the JSON text put in choices[0].message.content */
    char *last_body;   /* the last request body */
};

static enum MHD_Result stub_answer(struct MHD_Connection *conn, unsigned status, const char *t)
{
    return ts_stub_answer(conn, status, t, strlen(t));
}

static enum MHD_Result stub_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const struct buf *body)
{
    struct stub *s = cls;
    (void)method;
    free(s->last_body);
    s->last_body = strdup(body->data ? body->data : "");
    if (strcmp(url, "/slow/v1/chat/completions") == 0)
        ts_sleep_ms(1500);
    if (strcmp(url, "/fail/v1/chat/completions") == 0)
        return stub_answer(conn, 500, "{\"error\":\"boom\"}");
    if (strcmp(url, "/garbage/v1/chat/completions") == 0)
        return stub_answer(conn, 200, "{\"choices\": [ {\"message\": ");
    json_t *ans = json_pack("{s:[{s:{s:s, s:s}}]}", "choices", "message", "role", "assistant",
                            "content", s->reply);
    char *text = json_dumps(ans, JSON_COMPACT);
    enum MHD_Result r = stub_answer(conn, 200, text);
    free(text);
    json_decref(ans);
    return r;
}

static int stub_setup(void **state)
{
    struct stub *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ts_stub_start(&s->http, stub_handler, s);
    *state = s;
    return 0;
}

static int stub_teardown(void **state)
{
    struct stub *s = *state;
    ts_stub_stop(&s->http);
    free(s->last_body);
    free(s);
    return 0;
}

/* A shipped order's facts and its English template draft. */
static void draft_of(struct reply_facts *f, struct reply_draft *d, const char *lang)
{
    memset(f, 0, sizeof *f);
    snprintf(f->value[REPLY_FACT_ORDER], REPLY_FACT_MAX, "PO-211-20531946082830118");
    snprintf(f->value[REPLY_FACT_CASE], REPLY_FACT_MAX, "PO-211-20531946082830118-D01");
    snprintf(f->value[REPLY_FACT_CASE_STATUS], REPLY_FACT_MAX, "open");
    snprintf(f->value[REPLY_FACT_CARRIER], REPLY_FACT_MAX, "USPS");
    snprintf(f->value[REPLY_FACT_TRACKING], REPLY_FACT_MAX, "9400111899562938501736");
    snprintf(f->value[REPLY_FACT_PROMISED], REPLY_FACT_MAX, "2026-12-09");
    f->ship = REPLY_SHIP_SHIPPED;
    assert_int_equal(reply_draft_build(f, "where_is_my_order", lang, d, NULL), ERR_OK);
    assert_int_equal(d->kind, REPLY_DRAFT_REPLY);
}

/* Rewords with the stub at path answering reply; returns the result. */
static struct reply_llm_result run(struct stub *s, const char *path, const char *reply,
                                   const char *lang)
{
    char url[128];
    struct reply_facts f;
    struct reply_draft d;
    struct reply_llm_result r;
    draft_of(&f, &d, lang);
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s/v1/chat/completions", s->http.port, path);
    struct reply_llm_cfg cfg = {.url = url, .model = "stub", .timeout_ms = 300};
    s->reply = reply;
    reply_llm_reword(&cfg, &d, &f, &r);
    if (!r.used)
        assert_string_equal(r.text, d.text); /* the template stays */
    return r;
}

static void test_llm_good(void **state)
{
    struct stub *s = *state;
    struct reply_llm_result r =
        run(s, "",
            "{\"reply\":\"Hi! Your order PO-211-20531946082830118 is on its way with USPS "
            "(tracking 9400111899562938501736) and should arrive by 2026-12-09.\","
            "\"language\":\"en\",\"used_facts\":[\"order\",\"carrier\"]}",
            "en");
    assert_true(r.used);
    assert_non_null(strstr(r.text, "should arrive by 2026-12-09"));
    json_t *body = json_loads(s->last_body, 0, NULL);
    assert_non_null(body);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(body, "response_format"), "type")),
        "json_schema");
    assert_non_null(strstr(s->last_body, "9400111899562938501736")); /* the facts JSON */
    assert_non_null(strstr(s->last_body, "used_facts"));             /* the schema */
    json_decref(body);
}

static void test_llm_faults(void **state)
{
    struct stub *s = *state;
    struct reply_llm_result r = run(s, "/slow", "{}", "en");
    assert_false(r.used);
    assert_string_equal(r.reason, "timeout");
    r = run(s, "/fail", "{}", "en");
    assert_false(r.used);
    assert_string_equal(r.reason, "http 500");
    r = run(s, "/garbage", "{}", "en");
    assert_false(r.used);
    assert_non_null(strstr(r.reason, "malformed"));
    r = run(s, "", "this is not JSON", "en");
    assert_false(r.used);
    assert_non_null(strstr(r.reason, "malformed JSON"));
    r = run(s, "",
            "{\"reply\":\"Your order PO-211-20531946082830118 arrives on 2026-12-11.\","
            "\"language\":\"en\",\"used_facts\":[]}",
            "en");
    assert_false(r.used); /* a hallucinated date */
    assert_non_null(strstr(r.reason, "guard number"));
    r = run(s, "",
            "{\"reply\":\"Your order has shipped, track it on usps.com today.\","
            "\"language\":\"en\",\"used_facts\":[]}",
            "en");
    assert_false(r.used);
    assert_non_null(strstr(r.reason, "guard link"));
    r = run(s, "",
            "{\"reply\":\"Sorry! We will refund your order in full.\","
            "\"language\":\"en\",\"used_facts\":[]}",
            "en");
    assert_false(r.used);
    assert_non_null(strstr(r.reason, "guard promise"));
    r = run(s, "",
            "{\"reply\":\"Your order has shipped with USPS.\",\"language\":\"en\","
            "\"used_facts\":[]}",
            "de");
    assert_false(r.used); /* asked for German */
    assert_non_null(strstr(r.reason, "language"));
    r = run(s, "",
            "{\"reply\":\"Hallo, your order has shipped with USPS and the tracking is "
            "fine.\",\"language\":\"de\",\"used_facts\":[]}",
            "de");
    assert_false(r.used); /* claims German, writes English */
    assert_non_null(strstr(r.reason, "guard language"));
}

static void test_llm_off(void **state)
{
    (void)state;
    struct reply_facts f;
    struct reply_draft d;
    struct reply_llm_result r;
    draft_of(&f, &d, "en");
    struct reply_llm_cfg cfg = {0};
    assert_false(reply_llm_enabled(&cfg));
    reply_llm_reword(&cfg, &d, &f, &r);
    assert_false(r.used);
    assert_string_equal(r.reason, "off");
    assert_string_equal(r.text, d.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_good),
        cmocka_unit_test(test_llm_faults),
        cmocka_unit_test(test_llm_off),
    };
    return cmocka_run_group_tests(tests, stub_setup, stub_teardown);
}

/*
 * Unit tests for temu/webhook: the two official examples of temu-open-platform.md §9.4/§9.5
 * (decryption and both signature variants), tampering, malformed input and a round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "temu/webhook.h"

#define SECRET     "12345678abcdefgh"
#define CIPHER     "sQmNTAKR2o4HrmCO3OchFgGyJU5Qta57+JQxxgVyVPU="
#define PLAIN      "{\"orderSn\":\"XXYYZZ\",\"status\":1}"
#define SIG_EXT    "b5143d1a831453afbcf76d4621baa74a2dc07a486f26f5a956c6e50c61a338fb"
#define SIG_NO_EXT "987875c01ea5c7f608502fb92e1de102c59e1c9195c010ab8a80bdb501a04fbc"

static struct temu_webhook_headers headers(const char *sig)
{
    struct temu_webhook_headers h = {"demo-test-app", "bg_test_event", "1726127013525", "{}", sig};
    return h;
}

static void test_decrypt_official(void **state)
{
    (void)state;
    char *plain = NULL;
    size_t len = 0;
    assert_int_equal(temu_webhook_decrypt(SECRET, 16, CIPHER, strlen(CIPHER), &plain, &len, NULL),
                     ERR_OK);
    assert_int_equal(len, strlen(PLAIN));
    assert_string_equal(plain, PLAIN);
    free(plain);
}

static void test_sign_both_variants(void **state)
{
    (void)state;
    struct temu_webhook_headers h = headers(NULL);
    char sig[TEMU_WEBHOOK_SIG_HEX_LEN + 1];
    assert_int_equal(temu_webhook_sign(SECRET, 16, &h, PLAIN, strlen(PLAIN), true, sig), ERR_OK);
    assert_string_equal(sig, SIG_EXT);
    assert_int_equal(temu_webhook_sign(SECRET, 16, &h, PLAIN, strlen(PLAIN), false, sig), ERR_OK);
    assert_string_equal(sig, SIG_NO_EXT);
    /* Without the header there is only one message: the one without ext. */
    h.ext_param = NULL;
    assert_int_equal(temu_webhook_sign(SECRET, 16, &h, PLAIN, strlen(PLAIN), true, sig), ERR_OK);
    assert_string_equal(sig, SIG_NO_EXT);
}

static void test_verify_official_examples(void **state)
{
    (void)state;
    enum temu_webhook_variant v;
    /* Example 1: ext param signed. */
    struct temu_webhook_headers h = headers(SIG_EXT);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), &v, NULL), ERR_OK);
    assert_int_equal(v, TEMU_WEBHOOK_WITH_EXT);
    /* Example 2: the HTTP example sent x-tm-ext-param: {} but signed without it. */
    h = headers(SIG_NO_EXT);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), &v, NULL), ERR_OK);
    assert_int_equal(v, TEMU_WEBHOOK_WITHOUT_EXT);
    /* Uppercase hex is the same signature. */
    char upper[] = SIG_EXT;
    for (char *p = upper; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    h = headers(upper);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), &v, NULL), ERR_OK);
}

static void test_verify_rejects(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    enum temu_webhook_variant v = TEMU_WEBHOOK_WITH_EXT;
    /* One changed hex digit. */
    char bad[] = SIG_EXT;
    bad[10] = bad[10] == '0' ? '1' : '0';
    struct temu_webhook_headers h = headers(bad);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), &v, &eb), ERR_AUTH);
    assert_int_equal(v, TEMU_WEBHOOK_NONE);
    /* Another plaintext, another timestamp, another secret. */
    h = headers(SIG_EXT);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, "{}", 2, NULL, NULL), ERR_AUTH);
    h.timestamp = "1726127013526";
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_AUTH);
    h = headers(SIG_EXT);
    assert_int_equal(
        temu_webhook_verify("12345678abcdefgX", 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
        ERR_AUTH);
    /* The ext variant cannot match once the header is gone. */
    h.ext_param = NULL;
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_AUTH);
    /* Malformed signatures and missing headers. */
    h = headers("abc");
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_AUTH);
    h = headers(NULL);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_AUTH);
    char nothex[] = SIG_EXT;
    nothex[63] = 'g';
    h = headers(nothex);
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_AUTH);
    h = headers(SIG_EXT);
    h.app_key = NULL;
    assert_int_equal(temu_webhook_verify(SECRET, 16, &h, PLAIN, strlen(PLAIN), NULL, NULL),
                     ERR_INVAL);
}

static void test_decrypt_rejects(void **state)
{
    (void)state;
    char *plain = NULL;
    size_t len = 0;
    struct errbuf eb = {0};
    assert_int_equal(temu_webhook_decrypt("tiny5", 5, CIPHER, strlen(CIPHER), &plain, &len, &eb),
                     ERR_INVAL);
    assert_null(plain);
    assert_null(strstr(eb.msg, "tiny5"));
    assert_int_equal(temu_webhook_decrypt(SECRET, 16, "!!!!", 4, &plain, &len, NULL), ERR_INVAL);
    assert_int_equal(temu_webhook_decrypt(SECRET, 16, "", 0, &plain, &len, NULL), ERR_INVAL);
    assert_int_equal(temu_webhook_decrypt(SECRET, 16, "QUJD", 4, &plain, &len, NULL), ERR_INVAL);
    /* The right length, the wrong key: the padding check fails (or, rarely, garbage). */
    enum err e =
        temu_webhook_decrypt("XXXXXXXXXXXXXXXX", 16, CIPHER, strlen(CIPHER), &plain, &len, NULL);
    if (e == ERR_OK) {
        assert_string_not_equal(plain, PLAIN);
        free(plain);
    } else {
        assert_int_equal(e, ERR_INVAL);
    }
    assert_int_equal(
        temu_webhook_decrypt(SECRET, 16, CIPHER "AAAA", strlen(CIPHER) + 4, &plain, &len, NULL),
        ERR_INVAL);
}

static void test_round_trip_and_open(void **state)
{
    (void)state;
    const char event[] = "{\"mallId\":1,\"parentOrderSn\":\"PO-211-1\",\"orderStatus\":2}";
    char *b64 = NULL;
    assert_int_equal(temu_webhook_encrypt(SECRET "tail", 20, event, strlen(event), &b64, NULL),
                     ERR_OK);
    struct temu_webhook_headers h = {"app", "bg_order_status_change_event", "1726127013525", NULL,
                                     NULL};
    char sig[TEMU_WEBHOOK_SIG_HEX_LEN + 1];
    assert_int_equal(temu_webhook_sign(SECRET "tail", 20, &h, event, strlen(event), false, sig),
                     ERR_OK);
    h.signature = sig;
    char body[512];
    snprintf(body, sizeof body, "{\"eventData\":\"%s\"}", b64);
    json_t *ev = NULL;
    assert_int_equal(temu_webhook_open(SECRET "tail", 20, "app", &h, body, strlen(body), &ev, NULL),
                     ERR_OK);
    assert_string_equal(json_string_value(json_object_get(ev, "parentOrderSn")), "PO-211-1");
    json_decref(ev);
    /* Wrong app key, missing eventData, not JSON. */
    assert_int_equal(
        temu_webhook_open(SECRET "tail", 20, "other", &h, body, strlen(body), &ev, NULL), ERR_AUTH);
    assert_int_equal(temu_webhook_open(SECRET "tail", 20, NULL, &h, "{}", 2, &ev, NULL), ERR_PARSE);
    assert_int_equal(temu_webhook_open(SECRET "tail", 20, NULL, &h, "nope", 4, &ev, NULL),
                     ERR_PARSE);
    /* The official example through the whole path. */
    struct temu_webhook_headers off = headers(SIG_NO_EXT);
    const char offbody[] = "{\"eventData\":\"" CIPHER "\"}";
    assert_int_equal(
        temu_webhook_open(SECRET, 16, "demo-test-app", &off, offbody, strlen(offbody), &ev, NULL),
        ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(ev, "status")), 1);
    json_decref(ev);
    free(b64);
}

/* Opens body for event code with a signature over `signed_text`. */
static enum err open_signed(const char *code, const char *signed_text, const char *body,
                            json_t **ev)
{
    struct temu_webhook_headers h = {"app", code, "1726127013525", "{}", NULL};
    char sig[TEMU_WEBHOOK_SIG_HEX_LEN + 1];
    assert_int_equal(
        temu_webhook_sign(SECRET "tail", 20, &h, signed_text, strlen(signed_text), true, sig),
        ERR_OK);
    h.signature = sig;
    return temu_webhook_open(SECRET "tail", 20, "app", &h, body, strlen(body), ev, NULL);
}

/*
 * The portal's test event may come unencrypted (before the fix: "eventData is not valid
 * base64"); it is still authenticated by the signature over eventData as sent. Any other
 * event must decrypt, and an unencrypted test event with a wrong signature is refused.
 */
static void test_unencrypted_portal_test_event(void **state)
{
    (void)state;
    json_t *ev = NULL;
    /* eventData as a JSON string holding the event, and as an object. */
    const char text[] = "{\"mallId\":7,\"test\":true}";
    const char body_str[] = "{\"eventData\":\"{\\\"mallId\\\":7,\\\"test\\\":true}\"}";
    assert_int_equal(open_signed(TEMU_WEBHOOK_TEST_EVENT, text, body_str, &ev), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(ev, "mallId")), 7);
    json_decref(ev);
    const char body_obj[] = "{\"eventData\":{\"mallId\":7,\"test\":true}}";
    assert_int_equal(open_signed(TEMU_WEBHOOK_TEST_EVENT, text, body_obj, &ev), ERR_OK);
    assert_true(json_is_true(json_object_get(ev, "test")));
    json_decref(ev);
    /* Plain text that is not JSON is kept as text. */
    assert_int_equal(
        open_signed(TEMU_WEBHOOK_TEST_EVENT, "hello", "{\"eventData\":\"hello\"}", &ev), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(ev, "text")), "hello");
    json_decref(ev);
    /* Signed over something else: refused. */
    assert_int_equal(open_signed(TEMU_WEBHOOK_TEST_EVENT, "other", body_str, &ev), ERR_AUTH);
    assert_null(ev);
    /* No other event is accepted unencrypted, however it is signed. */
    assert_int_equal(open_signed("bg_order_status_change_event", text, body_str, &ev), ERR_INVAL);
    assert_int_equal(open_signed("bg_aftersales_status_change", text, body_obj, &ev), ERR_PARSE);
    assert_null(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decrypt_official),
        cmocka_unit_test(test_sign_both_variants),
        cmocka_unit_test(test_verify_official_examples),
        cmocka_unit_test(test_verify_rejects),
        cmocka_unit_test(test_decrypt_rejects),
        cmocka_unit_test(test_round_trip_and_open),
        cmocka_unit_test(test_unencrypted_portal_test_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

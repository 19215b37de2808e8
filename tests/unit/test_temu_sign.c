/*
 * Unit tests for temu/sign: the three worked examples of temu-open-platform.md §2.2, the
 * canonicalization rules (nesting, booleans, numbers, omission, unicode, ordering) and the
 * promise that the body and the signature are made from the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "temu/sign.h"

#define EX_SECRET "c7e0a1a63542be4de3cb5488f9fba8149e8fc290"
#define EX_NESTED                                                                                  \
    "[{\"orderSendInfoList\":[{\"quantity\":1,\"orderSn\":\"211-21905473070712792\","              \
    "\"parentOrderSn\":\"PO-211-21905452099192792\",\"goodsId\":601099548666279,\"skuId\":"        \
    "17592352673534}],\"carrierId\":\"699272611\",\"trackingNumber\":\"270324232756\"}]"

static json_t *load(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (v == NULL)
        fail_msg("bad test JSON: %s", jerr.text);
    return v;
}

/* Canonical concatenation of a JSON text, as a malloc'd string. */
static char *canon(const char *text)
{
    json_t *p = load(text);
    struct buf b = {0};
    assert_int_equal(temu_sign_canonicalize(p, &b, NULL), ERR_OK);
    json_decref(p);
    char *s = buf_steal(&b);
    assert_non_null(s);
    return s;
}

static void sign_text(const char *secret, const char *text, char out[TEMU_SIGN_HEX_LEN + 1])
{
    json_t *p = load(text);
    struct buf body = {0};
    assert_int_equal(temu_sign_body(p, secret, strlen(secret), &body, out, NULL), ERR_OK);
    buf_free(&body);
    json_decref(p);
}

static const char example1[] =
    "{\"app_key\":\"f9d5cc9313893a20d5aa85c654e8f503\",\"data_type\":\"JSON\","
    "\"access_token\":\"2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym\","
    "\"sendRequestList\":" EX_NESTED ",\"sendType\":0,\"timestamp\":1711009072,"
    "\"type\":\"bg.logistics.shipment.confirm\"}";

static void test_example1(void **state)
{
    (void)state;
    char *c = canon(example1);
    assert_string_equal(c, "access_token2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym"
                           "app_keyf9d5cc9313893a20d5aa85c654e8f503"
                           "data_typeJSON"
                           "sendRequestList" EX_NESTED "sendType0"
                           "timestamp1711009072"
                           "typebg.logistics.shipment.confirm");
    char sign[TEMU_SIGN_HEX_LEN + 1];
    assert_int_equal(temu_sign_digest(EX_SECRET, strlen(EX_SECRET), c, strlen(c), sign), ERR_OK);
    assert_string_equal(sign, "4CCF219942D4180C6DDA3CE36C1B838F");
    sign_text(EX_SECRET, example1, sign);
    assert_string_equal(sign, "4CCF219942D4180C6DDA3CE36C1B838F");
    free(c);
}

static void test_example2(void **state)
{
    (void)state;
    const char text[] =
        "{\"app_key\":\"f00df00df00df00df00df00df00df00d\",\"data_type\":\"JSON\","
        "\"access_token\":\"z0exampletokenz0exampletokenz0exampletokenz0exampletoken\","
        "\"sendRequestList\":" EX_NESTED ",\"sendType\":0,\"timestamp\":1711009072,"
        "\"type\":\"bg.logistics.shipment.confirm\"}";
    char sign[TEMU_SIGN_HEX_LEN + 1];
    sign_text("cafef00dcafef00dcafef00dcafef00dcafef00d", text, sign);
    assert_string_equal(sign, "7286CF9573ACE90B570185BD97FEB438");
}

static void test_example3(void **state)
{
    (void)state;
    const char text[] = "{\"access_token\":\"TOKEN\",\"app_key\":\"KEY\",\"data_type\":\"JSON\","
                        "\"timestamp\":1700000000,\"type\":\"bg.order.list.v2.get\","
                        "\"pageNumber\":1,\"pageSize\":100,"
                        "\"parentOrderSnList\":[\"PO-211-1\",\"PO-211-2\"],\"flag\":true}";
    char *c = canon(text);
    assert_string_equal(c, "access_tokenTOKENapp_keyKEYdata_typeJSONflagtruepageNumber1"
                           "pageSize100parentOrderSnList[\"PO-211-1\",\"PO-211-2\"]"
                           "timestamp1700000000typebg.order.list.v2.get");
    char sign[TEMU_SIGN_HEX_LEN + 1];
    sign_text("SECRET", text, sign);
    assert_string_equal(sign, "947D616F3485DFCE9D246F8B27F07103");
    free(c);
}

/* A wrong recipe must not pass by accident: HMAC or a different secret gives another sign. */
static void test_secret_matters(void **state)
{
    (void)state;
    char sign[TEMU_SIGN_HEX_LEN + 1];
    sign_text(EX_SECRET "x", example1, sign);
    assert_string_not_equal(sign, "4CCF219942D4180C6DDA3CE36C1B838F");
    assert_int_equal(temu_sign_digest("S", 1, "", 0, sign), ERR_OK);
    assert_string_equal(sign, "D53AEB78ABC83A52AB8982F5C82A3D5B"); /* MD5("SS") */
}

static void test_body_agrees_with_sign(void **state)
{
    (void)state;
    json_t *p = load(example1);
    struct buf body = {0};
    char sign[TEMU_SIGN_HEX_LEN + 1];
    assert_int_equal(temu_sign_body(p, EX_SECRET, strlen(EX_SECRET), &body, sign, NULL), ERR_OK);
    /* The nested value appears in the body byte for byte as it was signed. */
    assert_non_null(strstr(body.data, "\"sendRequestList\":" EX_NESTED));
    assert_non_null(strstr(body.data, "\"sign\":\"4CCF219942D4180C6DDA3CE36C1B838F\""));
    assert_null(strstr(body.data, EX_SECRET));
    /* Whoever verifies the body as sent (§2.4) gets the same signature. */
    json_t *sent = load(body.data);
    struct buf c = {0};
    char again[TEMU_SIGN_HEX_LEN + 1];
    assert_int_equal(temu_sign_canonicalize(sent, &c, NULL), ERR_OK);
    assert_int_equal(temu_sign_digest(EX_SECRET, strlen(EX_SECRET), c.data, c.len, again), ERR_OK);
    assert_string_equal(again, sign);
    buf_free(&c);
    json_decref(sent);
    buf_free(&body);
    json_decref(p);
}

/* Cross-checked with Python hashlib + json.dumps(ensure_ascii=False, separators=(',',':')). */
static void test_edge_cases(void **state)
{
    (void)state;
    const char text[] = "{\"b\":false,\"B\":true,\"a\":-5,\"z\":null,\"e\":\"\",\"arr\":[],"
                        "\"obj\":{},\"u\":\"\xc3\xa9\xe4\xb8\xad/\\\"q\","
                        "\"n\":{\"z\":1,\"a\":[\"x/y\",\"\\u00fc\"]}}";
    char *c = canon(text);
    /* Uppercase sorts first; null, "", [] and {} are left out; booleans are lowercase; the
     * nested object keeps its own key order; non-ASCII is raw UTF-8; "/" is not escaped; a
     * top-level string is signed raw (its quote unescaped). */
    assert_string_equal(c, "Btruea-5bfalsen{\"z\":1,\"a\":[\"x/y\",\"\xc3\xbc\"]}"
                           "u\xc3\xa9\xe4\xb8\xad/\"q");
    char sign[TEMU_SIGN_HEX_LEN + 1];
    sign_text("SECRET", text, sign);
    assert_string_equal(sign, "3F0CAD3B6F788B508E279F47DA348F28");
    free(c);

    /* The omitted keys are not in the body either; the quote is escaped there. */
    json_t *p = load(text);
    struct buf body = {0};
    assert_int_equal(temu_sign_body(p, "SECRET", 6, &body, NULL, NULL), ERR_OK);
    assert_null(strstr(body.data, "\"z\":null"));
    assert_null(strstr(body.data, "\"e\""));
    assert_null(strstr(body.data, "\"arr\""));
    assert_null(strstr(body.data, "\"obj\""));
    assert_non_null(strstr(body.data, "\"u\":\"\xc3\xa9\xe4\xb8\xad/\\\"q\""));
    buf_free(&body);
    json_decref(p);
}

static void test_body_escapes(void **state)
{
    (void)state;
    json_t *p = load("{\"s\":\"q\\\"b\\\\t\\tc\\u0001\\u007f\\u00e9\"}");
    struct buf body = {0};
    assert_int_equal(temu_sign_body(p, "S", 1, &body, NULL, NULL), ERR_OK);
    /* Escaped in the body (as jansson would), raw in the signature. */
    assert_non_null(strstr(body.data, "{\"s\":\"q\\\"b\\\\t\\tc\\u0001\x7f\xc3\xa9\",\"sign\":\""));
    json_t *back = load(body.data);
    assert_true(json_equal(json_object_get(back, "s"), json_object_get(p, "s")));
    json_decref(back);
    buf_free(&body);
    json_decref(p);
}

static void test_numbers(void **state)
{
    (void)state;
    char *c = canon("{\"big\":9223372036854775807,\"neg\":-9223372036854775808,\"zero\":0}");
    assert_string_equal(c, "big9223372036854775807neg-9223372036854775808zero0");
    free(c);
}

static void test_sign_key_ignored(void **state)
{
    (void)state;
    char *c = canon("{\"sign\":\"ABC\",\"type\":\"t\"}");
    assert_string_equal(c, "typet");
    free(c);
    json_t *p = load("{\"sign\":\"ABC\",\"type\":\"t\"}");
    struct buf body = {0};
    assert_int_equal(temu_sign_body(p, "S", 1, &body, NULL, NULL), ERR_OK);
    assert_null(strstr(body.data, "ABC"));
    buf_free(&body);
    json_decref(p);
}

static void expect_inval(const char *text, const char *code)
{
    json_t *p = load(text);
    struct buf b = {0};
    struct errbuf eb = {0};
    assert_int_equal(temu_sign_canonicalize(p, &b, &eb), ERR_INVAL);
    assert_string_equal(eb.code, code);
    memset(&eb, 0, sizeof eb);
    assert_int_equal(temu_sign_body(p, "S", 1, &b, NULL, &eb), ERR_INVAL);
    assert_string_equal(eb.code, code);
    buf_free(&b);
    json_decref(p);
}

static void test_refused(void **state)
{
    (void)state;
    expect_inval("{\"price\":1.5}", "temu_param_real");
    expect_inval("{\"list\":[{\"price\":2.0}]}", "temu_param_real");
    expect_inval("{\"bad key\":1}", "temu_param_key");
    expect_inval("{\"\":1}", "temu_param_key");
    expect_inval("{\"k\\\"q\":1}", "temu_param_key");
    expect_inval("{\"s\":\"a\\u0000b\"}", "temu_param_nul");
    expect_inval("[1,2]", "temu_params_not_object");
    /* Too many parameters. */
    json_t *p = json_object();
    for (int i = 0; i < 65; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        json_object_set_new(p, k, json_integer(i));
    }
    struct buf b = {0};
    struct errbuf eb = {0};
    assert_int_equal(temu_sign_canonicalize(p, &b, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "temu_too_many_params");
    buf_free(&b);
    json_decref(p);
}

static void test_too_big(void **state)
{
    (void)state;
    json_t *p = load("{\"type\":\"bg.order.list.v2.get\",\"x\":\"0123456789\"}");
    struct buf b = {.max = 16};
    assert_int_equal(temu_sign_body(p, "S", 1, &b, NULL, NULL), ERR_TOOBIG);
    buf_free(&b);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example1),
        cmocka_unit_test(test_example2),
        cmocka_unit_test(test_example3),
        cmocka_unit_test(test_secret_matters),
        cmocka_unit_test(test_body_agrees_with_sign),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_body_escapes),
        cmocka_unit_test(test_sign_key_ignored),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

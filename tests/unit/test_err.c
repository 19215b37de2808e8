/* Unit tests for base/err: the error table and the errbuf helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "base/err.h"

/* Every enum value has a non-empty snake_case code and a sentence ending in a period. */
static void test_every_value_has_code_and_message(void **state)
{
    (void)state;
    for (int e = 0; e < ERR__COUNT; e++) {
        const char *code = err_code((enum err)e);
        const char *msg = err_message((enum err)e);
        assert_non_null(code);
        assert_non_null(msg);
        assert_true(strlen(code) > 0);
        assert_true(strlen(code) < ERRBUF_CODE_MAX);
        for (const char *p = code; *p; p++)
            assert_true(islower((unsigned char)*p) || *p == '_');
        size_t mlen = strlen(msg);
        assert_true(mlen > 1);
        assert_true(isupper((unsigned char)msg[0]));
        assert_true(msg[mlen - 1] == '.');
    }
}

/* Codes are shown to API clients and must identify the error, so no two may be equal. */
static void test_codes_are_unique(void **state)
{
    (void)state;
    for (int i = 0; i < ERR__COUNT; i++) {
        for (int j = i + 1; j < ERR__COUNT; j++)
            assert_string_not_equal(err_code((enum err)i), err_code((enum err)j));
    }
}

static void test_known_codes(void **state)
{
    (void)state;
    assert_string_equal(err_code(ERR_OK), "ok");
    assert_string_equal(err_code(ERR_NOTFOUND), "not_found");
    assert_string_equal(err_code(ERR_METHOD), "method_not_allowed");
    assert_string_equal(err_code(ERR_CONFIG), "bad_configuration");
    assert_string_equal(err_code(ERR_INTERNAL), "internal_error");
}

/* Values outside the enum fall back to the internal error instead of reading past the table. */
static void test_out_of_range(void **state)
{
    (void)state;
    assert_string_equal(err_code(ERR__COUNT), "internal_error");
    assert_string_equal(err_message(ERR__COUNT), err_message(ERR_INTERNAL));
    assert_string_equal(err_code((enum err)1000), "internal_error");
    assert_string_equal(err_message((enum err)1000), err_message(ERR_INTERNAL));
}

static void test_err_set_fills_buffer(void **state)
{
    (void)state;
    struct errbuf eb;
    memset(&eb, 'x', sizeof eb);
    assert_int_equal(err_set(&eb, ERR_INVAL, "bad_sku", "SKU %s is %d chars", "A-1", 3), ERR_INVAL);
    assert_string_equal(eb.code, "bad_sku");
    assert_string_equal(eb.msg, "SKU A-1 is 3 chars");
    assert_string_equal(errbuf_code(&eb, ERR_INVAL), "bad_sku");
    assert_string_equal(errbuf_message(&eb, ERR_INVAL), "SKU A-1 is 3 chars");
}

/* A NULL code clears any earlier code so the enum's default is reported. */
static void test_err_set_null_code_uses_default(void **state)
{
    (void)state;
    struct errbuf eb;
    assert_int_equal(err_set(&eb, ERR_INVAL, "old_code", "first"), ERR_INVAL);
    assert_int_equal(err_set(&eb, ERR_NOTFOUND, NULL, "no thing %d", 7), ERR_NOTFOUND);
    assert_string_equal(eb.code, "");
    assert_string_equal(errbuf_code(&eb, ERR_NOTFOUND), "not_found");
    assert_string_equal(errbuf_message(&eb, ERR_NOTFOUND), "no thing 7");
}

static void test_err_set_null_errbuf(void **state)
{
    (void)state;
    assert_int_equal(err_set(NULL, ERR_DB, "x", "y %d", 1), ERR_DB);
    assert_string_equal(errbuf_code(NULL, ERR_DB), "database_error");
    assert_string_equal(errbuf_message(NULL, ERR_DB), err_message(ERR_DB));
}

/* An empty errbuf reports the defaults for the given error. */
static void test_errbuf_empty_falls_back(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_string_equal(errbuf_code(&eb, ERR_AUTH), "unauthenticated");
    assert_string_equal(errbuf_message(&eb, ERR_AUTH), err_message(ERR_AUTH));
}

/* Overlong codes and messages are truncated and stay NUL-terminated. */
static void test_err_set_truncates(void **state)
{
    (void)state;
    char longcode[200];
    memset(longcode, 'c', sizeof longcode - 1);
    longcode[sizeof longcode - 1] = '\0';
    char longmsg[2000];
    memset(longmsg, 'm', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    struct errbuf eb;
    assert_int_equal(err_set(&eb, ERR_TOOBIG, longcode, "%s", longmsg), ERR_TOOBIG);
    assert_int_equal(strlen(eb.code), ERRBUF_CODE_MAX - 1);
    assert_int_equal(strlen(eb.msg), ERRBUF_MSG_MAX - 1);
    assert_memory_equal(eb.code, longcode, ERRBUF_CODE_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_value_has_code_and_message),
        cmocka_unit_test(test_codes_are_unique),
        cmocka_unit_test(test_known_codes),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_err_set_fills_buffer),
        cmocka_unit_test(test_err_set_null_code_uses_default),
        cmocka_unit_test(test_err_set_null_errbuf),
        cmocka_unit_test(test_errbuf_empty_falls_back),
        cmocka_unit_test(test_err_set_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

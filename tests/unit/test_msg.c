/* Unit tests for web/msg (the message catalog and the reader's language), the money and time
 * widgets in each language and time zone, and base/tz (the tz database without TZ). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/tz.h"
#include "web/msg.h"
#include "web/widget.h"

static struct buf out;
static struct html h;

static int fresh(void **state)
{
    (void)state;
    buf_free(&out);
    html_init(&h, &out);
    return 0;
}

static const char *text(void)
{
    assert_int_equal(html_err(&h), ERR_OK);
    return out.data != NULL ? out.data : "";
}

/* Every id has a key and both languages; keys are unique; the two slot counts agree; no text
 * holds markup (the catalog is escaped as text). */
static void test_every_key_in_both_languages(void **state)
{
    (void)state;
    for (unsigned i = 0; i < MSG_COUNT; i++) {
        const struct web_msg *m = web_msg_at(i);
        assert_non_null(m);
        assert_non_null(m->key);
        assert_non_null(m->zh);
        assert_non_null(m->en);
        assert_true(*m->zh != '\0' && *m->en != '\0');
        for (unsigned j = 0; j < i; j++)
            assert_string_not_equal(web_msg_at(j)->key, m->key);
        int zs = 0, es = 0;
        for (const char *p = m->zh; (p = strstr(p, "{}")) != NULL; p += 2)
            zs++;
        for (const char *p = m->en; (p = strstr(p, "{}")) != NULL; p += 2)
            es++;
        assert_int_equal(zs, es);
        assert_null(strchr(m->en, '<'));
        assert_null(strchr(m->zh, '<'));
    }
    assert_null(web_msg_at(MSG_COUNT));
    assert_string_equal(web_msg(WEB_LANG_EN, MSG_COUNT), "");
}

/* A rendered message never shows its key, in any language. */
static void test_no_raw_key_rendered(void **state)
{
    for (int lang = WEB_LANG_BOTH; lang <= WEB_LANG_EN; lang++) {
        for (unsigned i = 0; i < MSG_COUNT; i++) {
            fresh(state);
            h.lang = lang;
            widget_msgf(&h, (int)i, "a", "b", "c", "d");
            assert_null(strstr(text(), web_msg_at(i)->key));
            assert_null(strstr(text(), "{}"));
            assert_true(strlen(text()) > 0);
        }
    }
}

static void test_language_choice(void **state)
{
    (void)state;
    assert_int_equal(web_lang_from_accept(NULL), WEB_LANG_BOTH);
    assert_int_equal(web_lang_from_accept(""), WEB_LANG_BOTH);
    assert_int_equal(web_lang_from_accept("fr-FR,de;q=0.5"), WEB_LANG_BOTH);
    assert_int_equal(web_lang_from_accept("en-US,en;q=0.9"), WEB_LANG_EN);
    assert_int_equal(web_lang_from_accept("zh-CN,zh;q=0.9,en;q=0.8"), WEB_LANG_ZH);
    assert_int_equal(web_lang_from_accept("fr, en;q=0.3, zh;q=0.7"), WEB_LANG_ZH);
    assert_int_equal(web_lang_from_accept("ZH-tw"), WEB_LANG_ZH);
    assert_int_equal(web_lang_from_accept("enx, zhuang"), WEB_LANG_BOTH);
    enum web_lang l;
    assert_true(web_lang_parse("", &l) && l == WEB_LANG_BOTH);
    assert_true(web_lang_parse("en", &l) && l == WEB_LANG_EN);
    assert_false(web_lang_parse("fr", &l));
    assert_int_equal(web_msg_for_code("not_cleared"), MSG_V_NOT_CLEARED);
    assert_int_equal(web_msg_for_code("no_such_code"), -1);
    /* The refusals of the Integrations workbench's forms (src/connect, src/app/temu.c) and the
     * settings forms all have their words in the catalog. */
    static const char *const codes[] = {
        "bad_access_token",     "token_missing",
        "bad_region",           "region_mismatch",
        "credentials_missing",  "temu_verify_failed",
        "gates_closed",         "dev_refused_in_production",
        "session_not_open",     "state_cancelled",
        "state_used",           "session_not_found",
        "different_shop",       "state_expired",
        "state_missing",        "state_unknown",
        "code_missing",         "authorization_denied",
        "vault_unavailable",    "manual_authorization_only",
        "connection_not_found", "bad_setting",
        "bad_shop_name",        "amount_api_not_granted",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (web_msg_for_code(codes[i]) < 0)
            fail_msg("no catalog entry for the code %s", codes[i]);
    }
    /* Every launch gate of src/connect/gates.c has its next step in both languages. */
    static const char *const gates[] = {"app_credentials", "public_callback", "production_env",
                                        "preflight", "security"};
    for (size_t i = 0; i < sizeof gates / sizeof gates[0]; i++)
        assert_true(web_msg_for_gate(gates[i]) >= 0);
    assert_int_equal(web_msg_for_gate("nope"), -1);
    /* Every progress step of src/readiness/progress.c has its next action in both languages. */
    static const char *const steps[] = {
        "app_credentials",      "public_callback_url",  "dns",
        "production_env",       "deployment_preflight", "callback_reachable",
        "seller_authorization", "first_sync",           "general"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        assert_true(web_msg_for_step(steps[i]) >= 0);
    assert_int_equal(web_msg_for_step("nope"), -1);
}

static void test_message_languages(void **state)
{
    fresh(state);
    h.lang = WEB_LANG_EN;
    widget_msgf(&h, MSG_I_NOW_OTHER, "ops");
    assert_string_equal(text(), "The ops role must act now (not you):");
    fresh(state);
    h.lang = WEB_LANG_ZH;
    widget_msgf(&h, MSG_I_NOW_OTHER, "<b>");
    assert_string_equal(text(), "现在需要 &lt;b&gt; 处理(不是您):");
    fresh(state);
    widget_msg(&h, MSG_W_JUST_NOW);
    assert_string_equal(text(), "刚刚 / just now");
}

/* Money: 0, negative, large, and currencies of 0 and 3 decimals, grouped. */
static void test_money_formats(void **state)
{
    static const struct {
        int64_t minor;
        const char *cur, *want;
    } cases[] = {
        {0, "USD", "0.00 USD"},
        {1590, "USD", "15.90 USD"},
        {-5, "USD", "-0.05 USD"},
        {-123456789, "EUR", "-1,234,567.89 EUR"},
        {INT64_MAX, "USD", "92,233,720,368,547,758.07 USD"},
        {1500, "JPY", "1,500 JPY"},
        {0, "JPY", "0 JPY"},
        {1234, "KWD", "1.234 KWD"},
        {-1234567, "BHD", "-1,234.567 BHD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh(state);
        widget_money_minor(&h, cases[i].minor, cases[i].cur);
        char want[96];
        snprintf(want, sizeof want, "<span class=\"money\">%s</span>", cases[i].want);
        assert_string_equal(text(), want);
    }
    fresh(state);
    widget_money_minor(&h, 12, "XXZ"); /* unknown currency: the units and the code */
    assert_string_equal(text(), "12 XXZ");
    fresh(state);
    widget_money(&h, "1234567.5", "USD");
    assert_string_equal(text(), "<span class=\"money\">1,234,567.50 USD</span>");
    fresh(state);
    widget_money(&h, "12.5", "JPY"); /* not an amount of JPY: as given */
    assert_string_equal(text(), "12.5 JPY");
}

static void test_time_zones(void **state)
{
    const struct tz_zone *z = NULL;
    assert_int_equal(tz_load("Asia/Shanghai", &z, NULL), ERR_OK);
    assert_non_null(z);
    assert_int_equal(tz_offset(z, 1764774549), 8 * 3600);
    const struct tz_zone *again = NULL;
    assert_int_equal(tz_load("Asia/Shanghai", &again, NULL), ERR_OK);
    assert_ptr_equal(z, again); /* read once */
    fresh(state);
    h.tz = z;
    widget_time(&h, 1764774549); /* 2025-12-03 15:09:09 UTC */
    assert_string_equal(
        text(), "<time datetime=\"2025-12-03T15:09:09Z\">2025-12-03 23:09 UTC+08:00</time>");
    const struct tz_zone *ny = NULL;
    assert_int_equal(tz_load("America/New_York", &ny, NULL), ERR_OK);
    assert_int_equal(tz_offset(ny, 1764774549), -5 * 3600); /* December: EST */
    assert_int_equal(tz_offset(ny, 1751500800), -4 * 3600); /* July: EDT */
    fresh(state);
    widget_time(&h, 0);
    assert_string_equal(text(), "—");
    fresh(state);
    h.tz = NULL;
    widget_time_ago(&h, 1764774549, 1764774549 + 3 * 3600 + 5);
    assert_non_null(strstr(text(), "2025-12-03 15:09 UTC</time>"));
    assert_non_null(strstr(text(), "(3 小时前 / 3 h ago)"));
    const struct tz_zone *u = (const struct tz_zone *)1;
    assert_int_equal(tz_load("UTC", &u, NULL), ERR_OK);
    assert_null(u);
    assert_int_equal(tz_load("../etc/passwd", &u, NULL), ERR_INVAL);
    assert_int_equal(tz_load("Mars/Olympus", &u, NULL), ERR_NOTFOUND);
    assert_false(tz_name_ok("/etc/zone"));
    assert_true(tz_name_ok("Etc/GMT+5"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_in_both_languages),
        cmocka_unit_test(test_no_raw_key_rendered),
        cmocka_unit_test(test_language_choice),
        cmocka_unit_test(test_message_languages),
        cmocka_unit_test_setup(test_money_formats, fresh),
        cmocka_unit_test(test_time_zones),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    buf_free(&out);
    return rc;
}

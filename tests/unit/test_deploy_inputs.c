/*
 * Unit tests of the deployment inputs and host rules: address classification (IPv4, IPv6,
 * mapped), names that can never be public, origins, passwords, e-mails, master keys, DNS
 * resolution of local names and literals, and the sslip.io suggestion.
 */
#include "testsupport.h"

#include <string.h>

#include "deploy/dns.h"
#include "deploy/inputs.h"

static void test_ip_classes(void **state)
{
    (void)state;
    static const struct {
        const char *ip;
        enum deploy_addr_class cls;
    } cases[] = {
        {"8.8.8.8", DEPLOY_ADDR_PUBLIC},
        {"47.237.184.1", DEPLOY_ADDR_PUBLIC},
        {"127.0.0.1", DEPLOY_ADDR_LOOPBACK},
        {"127.255.0.9", DEPLOY_ADDR_LOOPBACK},
        {"10.0.0.5", DEPLOY_ADDR_PRIVATE},
        {"172.16.0.1", DEPLOY_ADDR_PRIVATE},
        {"172.31.255.255", DEPLOY_ADDR_PRIVATE},
        {"172.32.0.1", DEPLOY_ADDR_PUBLIC},
        {"192.168.1.1", DEPLOY_ADDR_PRIVATE},
        {"100.64.0.1", DEPLOY_ADDR_PRIVATE},
        {"169.254.169.254", DEPLOY_ADDR_LINK_LOCAL},
        {"0.0.0.0", DEPLOY_ADDR_RESERVED},
        {"192.0.2.10", DEPLOY_ADDR_RESERVED},
        {"198.51.100.1", DEPLOY_ADDR_RESERVED},
        {"203.0.113.7", DEPLOY_ADDR_RESERVED},
        {"224.0.0.1", DEPLOY_ADDR_RESERVED},
        {"255.255.255.255", DEPLOY_ADDR_RESERVED},
        {"::1", DEPLOY_ADDR_LOOPBACK},
        {"[::1]", DEPLOY_ADDR_LOOPBACK},
        {"::", DEPLOY_ADDR_RESERVED},
        {"fe80::1", DEPLOY_ADDR_LINK_LOCAL},
        {"fd00::1", DEPLOY_ADDR_PRIVATE},
        {"fc12:3456::1", DEPLOY_ADDR_PRIVATE},
        {"ff02::1", DEPLOY_ADDR_RESERVED},
        {"2001:db8::1", DEPLOY_ADDR_RESERVED},
        {"::ffff:10.1.2.3", DEPLOY_ADDR_PRIVATE},
        {"::ffff:8.8.4.4", DEPLOY_ADDR_PUBLIC},
        {"2606:4700:4700::1111", DEPLOY_ADDR_PUBLIC},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum deploy_addr_class c = DEPLOY_ADDR_PUBLIC;
        if (!deploy_ip_literal_classify(cases[i].ip, &c) || c != cases[i].cls)
            fail_msg("%s: got %s, want %s", cases[i].ip, deploy_addr_class_name(c),
                     deploy_addr_class_name(cases[i].cls));
    }
    enum deploy_addr_class c;
    assert_false(deploy_ip_literal_classify("example.com", &c));
    assert_false(deploy_ip_literal_classify("1.2.3", &c));
}

static void test_host_names(void **state)
{
    (void)state;
    const char *refused[] = {"localhost",
                             "LOCALHOST",
                             "app.localhost",
                             "printer.local",
                             "db.internal",
                             "nas.lan",
                             "router.home.arpa",
                             "intranet",
                             "api.test",
                             "x.invalid",
                             "shop.example",
                             "10.0.0.1.sslip.io",
                             "api.192-168-1-9.sslip.io",
                             "127.0.0.1.nip.io",
                             "10.0.0.1",
                             "[fe80::1]"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct errbuf eb = {0};
        if (deploy_host_check_public(refused[i], &eb) != ERR_INVAL)
            fail_msg("%s was accepted", refused[i]);
        assert_string_equal(eb.code, "host_not_public");
    }
    const char *ok[] = {"api.example.com", "47.237.184.1.sslip.io", "8.8.8.8",
                        "console.shop-example.com"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct errbuf eb = {0};
        if (deploy_host_check_public(ok[i], &eb) != ERR_OK)
            fail_msg("%s refused: %s", ok[i], eb.msg);
    }
}

static void test_origins(void **state)
{
    (void)state;
    struct deploy_origin o;
    struct errbuf eb = {0};
    assert_int_equal(deploy_origin_check("--api-origin", "https://API.Example.com/", &o, &eb),
                     ERR_OK);
    assert_string_equal(o.origin, "https://api.example.com");
    assert_string_equal(o.host, "api.example.com");
    assert_int_equal(o.port, 443);
    assert_int_equal(deploy_origin_check("--api-origin", "https://api.example.com:443", &o, &eb),
                     ERR_OK);
    assert_string_equal(o.origin, "https://api.example.com");
    assert_int_equal(deploy_origin_check("--api-origin", "https://api.example.com:8443", &o, &eb),
                     ERR_OK);
    assert_string_equal(o.origin, "https://api.example.com:8443");
    static const struct {
        const char *in, *code;
    } bad[] = {
        {"http://api.example.com", "origin_not_https"},
        {"ftp://api.example.com", "bad_origin"},
        {"api.example.com", "bad_origin"},
        {"https://api.example.com/path", "bad_origin"},
        {"https://user@api.example.com", "bad_origin"},
        {"https://api.example.com:0", "bad_origin"},
        {"https://api.example.com:99999", "bad_origin"},
        {"https://", "bad_origin"},
        {"https://-bad.example.com", "bad_origin"},
        {"https://a..b.com", "bad_origin"},
        {"https://localhost", "host_not_public"},
        {"https://127.0.0.1", "host_not_public"},
        {"https://[::1]", "host_not_public"},
        {"https://[fe80::1]", "host_not_public"},
        {"https://192.168.0.10", "host_not_public"},
        {"https://169.254.1.1", "host_not_public"},
        {"https://shop.local", "host_not_public"},
        {"https://8.8.8.8", "origin_is_ip"},
        {"https://[2606:4700:4700::1111]", "origin_is_ip"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eb = (struct errbuf){0};
        if (deploy_origin_check("--api-origin", bad[i].in, &o, &eb) != ERR_INVAL ||
            strcmp(eb.code, bad[i].code) != 0)
            fail_msg("%s: code %s (%s), want %s", bad[i].in, eb.code, eb.msg, bad[i].code);
        assert_true(ts_contains(eb.msg, "--api-origin"));
    }
}

static void test_callback_urls(void **state)
{
    (void)state;
    struct deploy_origin api, web;
    char url[DEPLOY_URL_MAX];
    assert_int_equal(deploy_origin_parse("a", "https://api.example.com", &api, NULL), ERR_OK);
    assert_int_equal(deploy_origin_parse("w", "https://web.example.com", &web, NULL), ERR_OK);
    deploy_callback_url(DEPLOY_CALLBACK_API, &api, &web, url, sizeof url);
    assert_string_equal(url,
                        "https://api.example.com/api/v1/integrations/temu/authorization/callback");
    deploy_callback_url(DEPLOY_CALLBACK_WEB_BRIDGE, &api, &web, url, sizeof url);
    assert_string_equal(url, "https://web.example.com/integrations/temu/callback");
    enum deploy_callback_mode m;
    assert_true(deploy_callback_mode_parse("web-bridge", &m));
    assert_int_equal(m, DEPLOY_CALLBACK_WEB_BRIDGE);
    assert_false(deploy_callback_mode_parse("WebBridge", &m));
}

static void test_passwords(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_int_equal(deploy_password_check("Str0ng-Passw0rd-xyz", &eb), ERR_OK);
    assert_int_equal(deploy_password_check("abcdefghijklmnoP1", &eb), ERR_OK);
    static const struct {
        const char *pw, *says;
    } bad[] = {
        {"Sh0rt", "11 more character(s)"},
        {"alllowercase12345", "an upper-case letter"},
        {"ALLUPPERCASE12345", "a lower-case letter"},
        {"NoDigitsAtAllHere", "a digit"},
        {"with space In1234567", "without spaces"},
        {"Dollar$ign1234567", "$"},
        {"Hash#Sign12345678", "#"},
        {"Quote'Sign1234567", "quotes"},
        {"", "16 more character(s)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eb = (struct errbuf){0};
        if (deploy_password_check(bad[i].pw, &eb) != ERR_INVAL || !ts_contains(eb.msg, bad[i].says))
            fail_msg("\"%s\": %s", bad[i].pw, eb.msg);
        assert_string_equal(eb.code, "weak_password");
        if (bad[i].pw[0] != '\0')
            assert_false(ts_contains(eb.msg, bad[i].pw)); /* never echoed */
    }
    char longpw[200];
    memset(longpw, 'a', sizeof longpw - 1);
    longpw[sizeof longpw - 1] = '\0';
    longpw[0] = 'A';
    longpw[1] = '1';
    assert_int_equal(deploy_password_check(longpw, &eb), ERR_INVAL);
    assert_true(ts_contains(eb.msg, "fewer character(s)"));
}

static void test_emails(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_int_equal(deploy_email_check("ops@example.com", &eb), ERR_OK);
    assert_int_equal(deploy_email_check("first.last+tls@mail.shop-example.co.uk", &eb), ERR_OK);
    const char *bad[] = {"ops",
                         "ops@",
                         "@example.com",
                         "ops@localhost",
                         "ops@@x.com",
                         "o ps@x.com",
                         "ops@exa mple.com",
                         "o{p}s@x.com",
                         "ops@x.c0m",
                         "a..b@x.com",
                         ".ops@x.com",
                         "ops@-x.com",
                         "ops@x..com",
                         "ops@x.com\n",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eb = (struct errbuf){0};
        if (deploy_email_check(bad[i], &eb) != ERR_INVAL)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_string_equal(eb.code, "bad_email");
    }
}

static void test_master_keys(void **state)
{
    (void)state;
    char a[64], b[64];
    assert_int_equal(deploy_master_key_new(a, sizeof a), ERR_OK);
    assert_int_equal(deploy_master_key_new(b, sizeof b), ERR_OK);
    assert_int_equal(strlen(a), 44);
    assert_true(deploy_master_key_valid(a));
    assert_string_not_equal(a, b);
    assert_false(deploy_master_key_valid("c2hvcnQ="));
    assert_false(deploy_master_key_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_false(deploy_master_key_valid("!!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_true(deploy_master_key_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    char small[10];
    assert_int_equal(deploy_master_key_new(small, sizeof small), ERR_INTERNAL);
}

static void test_dns_resolution(void **state)
{
    (void)state;
    struct deploy_dns_result r;
    deploy_dns_resolve("localhost", &r);
    assert_true(r.resolved);
    assert_true(r.count >= 1);
    assert_false(r.all_public);
    assert_int_equal(r.classes[0], DEPLOY_ADDR_LOOPBACK);
    deploy_dns_resolve("8.8.8.8", &r);
    assert_true(r.resolved);
    assert_true(r.all_public);
    assert_string_equal(r.addrs[0], "8.8.8.8");

    struct deploy_findings f = {0};
    struct deploy_dns_result a, w;
    deploy_dns_check("8.8.8.8", "2606:4700:4700::1111", &a, &w, &f);
    assert_int_equal(f.blockers, 0);
    deploy_findings_free(&f);
    deploy_dns_check("localhost", "10.1.2.3", &a, &w, &f);
    assert_int_equal(f.blockers, 2);
    assert_true(deploy_findings_has(&f, "dns.not_public", DEPLOY_BLOCKER));
    assert_true(ts_contains(f.items[0].message, "loopback"));
    assert_true(ts_contains(f.items[1].message, "private"));
    deploy_findings_free(&f);
    deploy_dns_check("no-such-host.invalid", "8.8.8.8", &a, &w, &f);
    assert_true(deploy_findings_has(&f, "dns.unresolved", DEPLOY_BLOCKER));
    assert_int_equal(f.blockers, 1);
    deploy_findings_free(&f);
}

static void test_suggest_host(void **state)
{
    (void)state;
    char dotted[64], dashed[64];
    struct errbuf eb = {0};
    assert_int_equal(
        deploy_suggest_host("47.237.184.1", dotted, sizeof dotted, dashed, sizeof dashed, &eb),
        ERR_OK);
    assert_string_equal(dotted, "47.237.184.1.sslip.io");
    assert_string_equal(dashed, "47-237-184-1.sslip.io");
    const char *bad[] = {"10.0.0.1", "192.168.1.20", "127.0.0.1",   "169.254.0.1", "0.0.0.0",
                         "::1",      "2606:4700::1", "example.com", "1.2.3",       ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (deploy_suggest_host(bad[i], dotted, sizeof dotted, dashed, sizeof dashed, &eb) !=
            ERR_INVAL)
            fail_msg("%s was accepted", bad[i]);
    }
    assert_int_equal(
        deploy_suggest_host("10.0.0.1", dotted, sizeof dotted, dashed, sizeof dashed, &eb),
        ERR_INVAL);
    assert_true(ts_contains(eb.msg, "private"));
}

static void test_findings_format(void **state)
{
    (void)state;
    struct deploy_findings f = {0};
    deploy_findings_add(&f, "a.b", DEPLOY_BLOCKER, "do this", "bad %d", 1);
    deploy_findings_add(&f, "c.d", DEPLOY_WARNING, "", "meh");
    assert_int_equal(f.blockers, 1);
    assert_int_equal(f.warnings, 1);
    json_t *j = deploy_findings_to_json(&f, "preflight");
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "preflight");
    assert_int_equal(json_integer_value(json_object_get(j, "blockers")), 1);
    json_t *first = json_array_get(json_object_get(j, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "a.b");
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "blocker");
    assert_string_equal(json_string_value(json_object_get(first, "message")), "bad 1");
    assert_string_equal(json_string_value(json_object_get(first, "fix")), "do this");
    json_decref(j);
    for (int i = 0; i < LIMIT_DEPLOY_FINDINGS + 10; i++)
        deploy_findings_add(&f, "x", DEPLOY_BLOCKER, "", "n");
    assert_int_equal(f.count, LIMIT_DEPLOY_FINDINGS);
    assert_int_equal(f.dropped, 12);
    assert_int_equal(f.blockers, LIMIT_DEPLOY_FINDINGS + 11);
    deploy_findings_free(&f);
    deploy_findings_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_classes),   cmocka_unit_test(test_host_names),
        cmocka_unit_test(test_origins),      cmocka_unit_test(test_callback_urls),
        cmocka_unit_test(test_passwords),    cmocka_unit_test(test_emails),
        cmocka_unit_test(test_master_keys),  cmocka_unit_test(test_dns_resolution),
        cmocka_unit_test(test_suggest_host), cmocka_unit_test(test_findings_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

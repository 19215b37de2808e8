/*
 * Unit tests at the seams of src/connect, on SQLite and PostgreSQL without a Temu platform:
 * common (seller types, ids, expiry), gates (callback URL, diagnostics, launch blockers),
 * session (create, URL encoding, list, cancel, open count, purposes), authorize (every
 * refusal before the state is consumed, each storing nothing; a denial consuming it),
 * connections (empty list and
 * summary, unknown ids) and client (credentials presence).
 */
#include "testsupport.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/url.h"
#include "connect/connect.h"
#include "store/migrate.h"
#include "temu/credentials.h"
#include "vault/vault.h"

struct fixture {
    struct config cfg;
    struct db *db;
    struct vault *vault;
    struct connect_env env;
};

static const char *const *fx_vars;

static const char *fx_lookup(const char *name, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; fx_vars != NULL && fx_vars[i] != NULL; i += 2) {
        if (strcmp(fx_vars[i], name) == 0)
            return fx_vars[i + 1];
    }
    return NULL;
}

/* A migrated database, a vault (when with_vault) and a configuration from vars. */
static void fx_open(struct fixture *fx, const char *name, bool with_vault, const char *const *vars)
{
    char url[TS_PATH_MAX];
    struct errbuf eb = {0};
    memset(fx, 0, sizeof *fx);
    fx_vars = vars;
    if (config_load(&fx->cfg, fx_lookup, NULL, &eb) != ERR_OK)
        fail_msg("config: %s", eb.msg);
    ts_fresh_db_url(name, url, sizeof url);
    if (db_open(url, 2, &fx->db, &eb) != ERR_OK || migrate_apply(fx->db, NULL, &eb) != ERR_OK)
        fail_msg("database: %s", eb.msg);
    if (with_vault) {
        unsigned char key[32];
        randombytes_buf(key, sizeof key);
        assert_int_equal(vault_open(fx->db, key, &fx->vault, &eb), ERR_OK);
    }
    fx->env = (struct connect_env){.cfg = &fx->cfg, .db = fx->db, .vault = fx->vault};
}

static void fx_close(struct fixture *fx)
{
    vault_free(fx->vault);
    db_close(fx->db);
}

static void fx_store_credentials(struct fixture *fx)
{
    char mk[VAULT_MASKED_MAX], ms[VAULT_MASKED_MAX];
    struct errbuf eb = {0};
    assert_int_equal(temu_credentials_store(fx->vault, TEMU_REGION_US, "appkeyABC1234567",
                                            "appsecretXYZ7890appsecretXYZ7890", "test", mk, ms,
                                            &eb),
                     ERR_OK);
}

static void test_common(void **state)
{
    (void)state;
    enum connect_seller_type t = CONNECT_SELLER_CROSS_BORDER;
    assert_true(connect_seller_type_parse(NULL, &t) && t == CONNECT_SELLER_LOCAL);
    assert_true(connect_seller_type_parse("cross_border", &t) && t == CONNECT_SELLER_CROSS_BORDER);
    assert_true(connect_seller_type_parse("", &t) && t == CONNECT_SELLER_LOCAL);
    assert_false(connect_seller_type_parse("Local", &t));
    assert_string_equal(connect_seller_type_name(CONNECT_SELLER_CROSS_BORDER), "cross_border");
    assert_int_equal(connect_days_left(1000 + 86400 * 3 + 5, 1000), 3);
    assert_int_equal(connect_days_left(1000, 1000), 0);
    assert_int_equal(connect_days_left(999, 1000), -1);
    assert_int_equal(connect_days_left(1000 - 86400 - 1, 1000), -2);
    assert_string_equal(connect_expiry_warning(-1), "expired");
    assert_string_equal(connect_expiry_warning(0), "1d");
    assert_string_equal(connect_expiry_warning(7), "7d");
    assert_string_equal(connect_expiry_warning(30), "30d");
    assert_null(connect_expiry_warning(31));
    char a[CONNECT_ID_LEN + 1], b[CONNECT_ID_LEN + 1];
    connect_random_id(a);
    connect_random_id(b);
    assert_true(connect_id_valid(a) && connect_id_valid(b));
    assert_string_not_equal(a, b);
    assert_false(connect_id_valid("abc"));
    a[3] = 'g';
    assert_false(connect_id_valid(a));
    char lower[16];
    connect_region_lower(TEMU_REGION_EU, lower, sizeof lower);
    assert_string_equal(lower, "eu");
}

static void test_gates(void **state)
{
    (void)state;
    static const char *const web[] = {"AICOS_API_ORIGIN",
                                      "https://api.shop-example.com",
                                      "AICOS_WEB_ORIGIN",
                                      "https://shop-example.com",
                                      "AICOS_TEMU_CALLBACK_MODE",
                                      "web-bridge",
                                      NULL};
    struct fixture fx;
    struct errbuf eb = {0};
    fx_open(&fx, "connect_gates", false, web);
    char url[CONNECT_URL_MAX];
    connect_callback_url(&fx.cfg, url, sizeof url);
    assert_true(strncmp(url, "https://shop-example.com/", 25) == 0);
    json_t *d = connect_callback_diagnostics(&fx.cfg);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "callback_url")), url);
    assert_true(json_is_true(json_object_get(d, "callback_public")));
    assert_string_equal(json_string_value(json_object_get(d, "environment")), "development");
    json_decref(d);

    /* No vault, development, no preflight: every gate but the public callback is closed. */
    json_t *list = NULL;
    assert_int_equal(connect_launch_blockers(&fx.env, TEMU_REGION_US, &list, &eb), ERR_OK);
    const char *want[] = {"app_credentials", "production_env", "preflight", "security"};
    assert_int_equal(json_array_size(list), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *g = json_array_get(list, i);
        assert_string_equal(json_string_value(json_object_get(g, "gate")), want[i]);
        assert_non_null(json_string_value(json_object_get(g, "next_action")));
    }
    json_decref(list);
    assert_false(connect_credentials_present(&fx.env, TEMU_REGION_US));
    fx_close(&fx);

    /* Loopback http origins: the public callback gate closes too. */
    fx_open(&fx, "connect_gates_local", false, NULL);
    d = connect_callback_diagnostics(&fx.cfg);
    assert_true(json_is_false(json_object_get(d, "callback_public")));
    assert_non_null(json_string_value(json_object_get(d, "callback_problem")));
    json_decref(d);
    assert_int_equal(connect_launch_blockers(&fx.env, TEMU_REGION_US, &list, &eb), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "gate")),
                        "public_callback");
    json_decref(list);
    fx_close(&fx);
}

/* The value of name=... in url's query, percent-escapes kept. */
static void query_value(const char *url, const char *name, char *out, size_t len)
{
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    const char *p = strstr(url, key);
    assert_non_null(p);
    p += strlen(key);
    size_t n = strcspn(p, "&");
    assert_true(n < len);
    memcpy(out, p, n);
    out[n] = '\0';
}

static void test_session_lifecycle(void **state)
{
    (void)state;
    struct fixture fx;
    struct errbuf eb = {0};
    struct connect_session_out out;
    struct connect_session_req rq = {
        .region = TEMU_REGION_US, .purpose = CONNECT_PURPOSE_DEV, .actor = "alice"};
    fx_open(&fx, "connect_session_novault", false, NULL);
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_UNAVAILABLE);
    assert_string_equal(eb.code, "vault_unavailable");
    fx_close(&fx);

    fx_open(&fx, "connect_session", true, NULL);
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_CONFLICT);
    assert_string_equal(eb.code, "credentials_missing");
    fx_store_credentials(&fx);
    assert_true(connect_credentials_present(&fx.env, TEMU_REGION_US));
    rq.seller_type = CONNECT_SELLER_CROSS_BORDER;
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_INVAL);
    assert_string_equal(eb.code, "manual_authorization_only");
    rq.seller_type = CONNECT_SELLER_LOCAL;
    rq.connection_id = "0123456789abcdef0123456789abcdef";
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_NOTFOUND);
    rq.connection_id = NULL;
    rq.purpose = CONNECT_PURPOSE_PRODUCTION;
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_CONFLICT);
    assert_string_equal(eb.code, "gates_closed");
    rq.purpose = CONNECT_PURPOSE_DEV;

    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_OK);
    assert_true(connect_id_valid(out.id));
    assert_int_equal(out.expires_at, 1000 + CONNECT_SESSION_TTL_S);
    assert_true(strncmp(out.url, "https://seller.temu.com/", 24) == 0);
    char v[CONNECT_URL_MAX], enc[CONNECT_URL_MAX];
    query_value(out.url, "appKey", v, sizeof v);
    assert_string_equal(v, "appkeyABC1234567");
    query_value(out.url, "redirect_uri", v, sizeof v);
    struct buf b = {.max = CONNECT_URL_MAX};
    assert_int_equal(url_encode(&b, out.redirect_uri), ERR_OK);
    snprintf(enc, sizeof enc, "%s", b.data);
    buf_free(&b);
    assert_string_equal(v, enc);
    assert_non_null(strstr(v, "%3A%2F%2F"));
    query_value(out.url, "state", v, sizeof v);
    assert_true(strlen(v) >= 32);

    int64_t n = -1;
    assert_int_equal(connect_session_open_count(&fx.env, 1000, &n, &eb), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(connect_session_open_count(&fx.env, out.expires_at, &n, &eb), ERR_OK);
    assert_int_equal(n, 0);
    json_t *list = NULL;
    assert_int_equal(connect_session_list(&fx.env, "bob", 1000, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(connect_session_list(&fx.env, NULL, 1000, &list, &eb), ERR_OK);
    assert_int_equal(json_array_size(list), 1);
    json_t *s = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(s, "state")), "open");
    assert_string_equal(json_string_value(json_object_get(s, "purpose")), "dev");
    assert_true(json_is_false(json_object_get(s, "production_path")));
    json_decref(list);

    assert_int_equal(connect_session_cancel(&fx.env, out.id, "bob", false, 1001, &eb),
                     ERR_NOTFOUND);
    assert_int_equal(connect_session_cancel(&fx.env, out.id, "alice", false, 1001, &eb), ERR_OK);
    assert_int_equal(connect_session_cancel(&fx.env, out.id, "alice", true, 1002, &eb),
                     ERR_CONFLICT);
    assert_string_equal(eb.code, "session_not_open");
    assert_int_equal(connect_session_cancel(&fx.env, "nope", "alice", true, 1002, &eb),
                     ERR_NOTFOUND);
    fx_close(&fx);
}

/* Calls the callback and expects its refusal code, the session staying as it was. */
static void expect_callback(struct fixture *fx, const char *code, const char *state,
                            const char *error_param, int64_t now, enum err want,
                            const char *want_code)
{
    struct connect_result res;
    struct temu_error te;
    struct errbuf eb = {0};
    assert_int_equal(connect_callback(&fx->env, code, state, error_param, now, &res, &te, &eb),
                     want);
    assert_string_equal(eb.code, want_code);
}

static void test_callback_refusals(void **state)
{
    (void)state;
    struct fixture fx;
    struct errbuf eb = {0};
    struct connect_session_out out;
    struct connect_session_req rq = {
        .region = TEMU_REGION_US, .purpose = CONNECT_PURPOSE_DEV, .actor = "alice"};
    fx_open(&fx, "connect_callback", true, NULL);
    fx_store_credentials(&fx);
    assert_int_equal(connect_session_create(&fx.env, &rq, 1000, &out, &eb), ERR_OK);
    char st[CONNECT_URL_MAX];
    query_value(out.url, "state", st, sizeof st);

    expect_callback(&fx, "code", NULL, NULL, 1001, ERR_BADREQ, "state_missing");
    expect_callback(&fx, "code", "", NULL, 1001, ERR_BADREQ, "state_missing");
    expect_callback(&fx, "code", "unknownstate", NULL, 1001, ERR_BADREQ, "state_unknown");
    char longstate[300];
    memset(longstate, 'a', sizeof longstate - 1);
    longstate[sizeof longstate - 1] = '\0';
    expect_callback(&fx, "code", longstate, NULL, 1001, ERR_BADREQ, "state_unknown");
    expect_callback(&fx, NULL, st, NULL, 1001, ERR_BADREQ, "code_missing");
    expect_callback(&fx, "code", st, NULL, out.expires_at, ERR_BADREQ, "state_expired");
    /* None of these consumed the state. */
    int64_t n = 0;
    assert_int_equal(connect_session_open_count(&fx.env, 1001, &n, &eb), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(connect_session_cancel(&fx.env, out.id, "alice", false, 1002, &eb), ERR_OK);
    expect_callback(&fx, "code", st, NULL, 1003, ERR_CONFLICT, "state_cancelled");
    /* A denial ends its session: the state is consumed, a later approval is refused. */
    assert_int_equal(connect_session_create(&fx.env, &rq, 2000, &out, &eb), ERR_OK);
    query_value(out.url, "state", st, sizeof st);
    expect_callback(&fx, "code", st, "access_denied", 2001, ERR_BADREQ, "authorization_denied");
    assert_int_equal(connect_session_open_count(&fx.env, 2001, &n, &eb), ERR_OK);
    assert_int_equal(n, 0);
    expect_callback(&fx, "code", st, NULL, 2002, ERR_CONFLICT, "state_used");

    struct connect_result res;
    struct temu_error te;
    assert_int_equal(
        connect_manual(&fx.env, TEMU_REGION_US, "short", NULL, "alice", 1004, &res, &te, &eb),
        ERR_INVAL);
    assert_string_equal(eb.code, "bad_access_token");
    assert_int_equal(connect_manual(&fx.env, TEMU_REGION_US, "tokenwith space", NULL, "alice", 1004,
                                    &res, &te, &eb),
                     ERR_INVAL);
    assert_int_equal(connect_manual(&fx.env, TEMU_REGION_US, "goodtoken123",
                                    "0123456789abcdef0123456789abcdef", "alice", 1004, &res, &te,
                                    &eb),
                     ERR_NOTFOUND);
    fx_close(&fx);
}

static void test_connections_empty(void **state)
{
    (void)state;
    struct fixture fx;
    struct errbuf eb = {0};
    fx_open(&fx, "connect_connections", true, NULL);
    json_t *list = NULL;
    assert_int_equal(connect_connection_list(&fx.env, 1000, &list, &eb), ERR_OK);
    assert_true(json_is_array(list) && json_array_size(list) == 0);
    json_decref(list);
    struct connect_summary sum;
    assert_int_equal(connect_summary_get(&fx.env, 1000, &sum, &eb), ERR_OK);
    assert_int_equal(sum.active + sum.failed + sum.open_sessions, 0);
    enum temu_region region;
    char *token = NULL;
    size_t len = 0;
    assert_int_equal(
        connect_token_get(&fx.env, "0123456789abcdef0123456789abcdef", &region, &token, &len, &eb),
        ERR_NOTFOUND);
    assert_string_equal(eb.code, "connection_not_found");
    assert_int_equal(connect_token_get(&fx.env, "not-an-id", &region, &token, &len, &eb),
                     ERR_NOTFOUND);
    assert_null(token);
    json_t *out = NULL;
    assert_int_equal(connect_connection_check(&fx.env, "not-an-id", 1000, &out, NULL, &eb),
                     ERR_NOTFOUND);
    assert_null(out);
    fx_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common),
        cmocka_unit_test(test_gates),
        cmocka_unit_test(test_session_lifecycle),
        cmocka_unit_test(test_callback_refusals),
        cmocka_unit_test(test_connections_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

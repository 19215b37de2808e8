/*
 * Integration: the deployment planner over HTTP against the real aicos, on SQLite and
 * PostgreSQL. The plan follows the facts (nothing recorded → pending; `aicos deploy
 * preflight` records → pass; a re-run from the console after a defect → blocked), DNS and
 * smoke re-runs are recorded, the mainland sign-off approves the strategy, is audited and is
 * revoked, bad input changes nothing, the deployment packet answers a Bearer token without
 * secrets, and the /deploy page renders the section and its forms (with CSRF).
 */
#include "testsupport.h"

#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOOD_PW    "Str0ng-Passw0rd-xyz"
#define APP_KEY    "f00df00df00df00df00df00df00df00d"
#define APP_SECRET "cafef00dcafef00dcafef00dcafef00dcafef00d"

static char db_url[TS_PATH_MAX], env_db[TS_PATH_MAX + 32];
static char *work;
static char infra[TS_PATH_MAX];
static struct ts_server server;
static char ops_token[96], viewer_token[96], admin_token[96];
static char api_origin[64], web_origin[64];

static int setup(void **state)
{
    (void)state;
    static char env_dir[TS_PATH_MAX + 32], env_key[TS_PATH_MAX + 32], env_api[96], env_web[96];
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("deploy_api", db_url, sizeof db_url);
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    work = ts_tmpdir("deploy-api");
    snprintf(infra, sizeof infra, "%s/infra", work);
    snprintf(env_dir, sizeof env_dir, "AICOS_DEPLOY_DIR=%s", infra);

    /* A master key, so Temu credentials can be stored for the packet test. */
    unsigned char key[32];
    char b64[64], path[TS_PATH_MAX];
    randombytes_buf(key, sizeof key);
    sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    snprintf(path, sizeof path, "%s/master.key", work);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_true(write(fd, b64, strlen(b64)) > 0);
    close(fd);
    snprintf(env_key, sizeof env_key, "AICOS_MASTER_KEY_FILE=%s", path);

    /* HTTPS origins on loopback ports where nothing listens: DNS and smoke stay offline. */
    unsigned p1 = ts_free_port(), p2 = ts_free_port();
    snprintf(api_origin, sizeof api_origin, "https://localhost:%u", p1);
    snprintf(web_origin, sizeof web_origin, "https://localhost:%u", p2);
    snprintf(env_api, sizeof env_api, "AICOS_API_ORIGIN=%s", api_origin);
    snprintf(env_web, sizeof env_web, "AICOS_WEB_ORIGIN=%s", web_origin);
    char *env[] = {env_dir, env_key, env_api, env_web, NULL};
    ts_server_start(&server, db_url, env);
    ts_make_token(db_url, "ops", ops_token, sizeof ops_token);
    ts_make_token(db_url, "viewer", viewer_token, sizeof viewer_token);
    ts_make_token(db_url, "seller_admin", admin_token, sizeof admin_token);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.proc.pid > 0)
        ts_server_stop(&server);
    free(work);
    return 0;
}

/* One request with a Bearer token (NULL: none); fails the test when nothing answers. */
static void call(const char *token, const char *method, const char *path, const char *body,
                 struct ts_http_resp *r)
{
    char hdr[160] = "";
    if (token != NULL)
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", token);
    if (!ts_http_ex(server.port, method, path, hdr, body ? "application/json" : NULL, body, r))
        fail_msg("%s %s: no answer", method, path);
}

static json_t *call_json(const char *token, const char *method, const char *path, const char *body,
                         int want)
{
    struct ts_http_resp r;
    call(token, method, path, body, &r);
    if (r.status != want)
        fail_msg("%s %s: %d, want %d: %s", method, path, r.status, want, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    if (doc == NULL)
        fail_msg("%s %s: not JSON: %s", method, path, r.body);
    ts_http_free(&r);
    return doc;
}

static const char *get(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (b != NULL)
        v = json_object_get(v, b);
    return json_string_value(v);
}

static const char *item_status(const json_t *plan, const char *list, const char *id)
{
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(plan, list), i, in)
    {
        if (strcmp(get(in, "id", NULL), id) == 0)
            return get(in, "status", NULL);
    }
    fail_msg("no %s %s", list, id);
    return NULL;
}

static json_t *plan(void)
{
    return call_json(ops_token, "GET", "/api/v1/deploy/plan", NULL, 200);
}

static const char *error_code(const json_t *doc)
{
    return get(json_object_get(doc, "error"), "code", NULL);
}

static void test_plan_follows_preflight(void **state)
{
    (void)state;
    json_t *p = plan();
    assert_string_equal(get(p, "preflight", "status"), "pending");
    assert_string_equal(get(p, "smoke", "status"), "pending");
    assert_string_equal(get(json_object_get(p, "dns"), "api", "status"), "pending");
    assert_string_equal(get(p, "dns", "status"), "blocked"); /* localhost is not public */
    assert_string_equal(get(p, "deploy_dir", NULL), infra);
    assert_string_equal(item_status(p, "strategies", "mainland_china_hosting"), "review_required");
    assert_string_equal(item_status(p, "inputs", "env_files"), "warning");
    char want[160];
    snprintf(want, sizeof want, "%s/api/v1/integrations/temu/authorization/callback", api_origin);
    assert_string_equal(get(p, "callback", "url"), want);
    json_decref(p);
    /* seller_admin is above ops; viewer is refused. */
    json_decref(call_json(admin_token, "GET", "/api/v1/deploy/plan", NULL, 200));
    json_t *no = call_json(viewer_token, "GET", "/api/v1/deploy/plan", NULL, 403);
    assert_string_equal(error_code(no), "forbidden");
    json_decref(no);

    /* No production folder yet: the console cannot run the preflight, nothing is recorded. */
    json_t *e = call_json(ops_token, "POST", "/api/v1/deploy/preflight", NULL, 404);
    assert_string_equal(error_code(e), "deploy_dir_missing");
    json_decref(e);
    p = plan();
    assert_string_equal(get(p, "preflight", "status"), "pending");
    json_decref(p);

    /* The command line generates the files and records a clean preflight. */
    char *gen[] = {(char *)"deploy",
                   (char *)"init-env",
                   (char *)"--api-origin=https://api.shop-example.com",
                   (char *)"--web-origin=https://console.shop-example.com",
                   (char *)"--acme-email=ops@shop-example.com",
                   (char *)"--postgres-password=" GOOD_PW,
                   (char *)"--out",
                   work,
                   NULL};
    assert_int_equal(ts_aicos_run(gen, NULL, NULL, NULL), 0);
    char *pf[] = {(char *)"deploy", (char *)"preflight", (char *)"--dir", infra, NULL};
    char *env[] = {env_db, NULL};
    assert_int_equal(ts_aicos_run(pf, env, NULL, NULL), 0);
    p = plan();
    assert_string_equal(get(p, "preflight", "status"), "pass");
    assert_string_equal(item_status(p, "inputs", "tls_email"), "pass");
    assert_string_equal(item_status(p, "inputs", "postgres_password"), "pass");
    assert_string_equal(item_status(p, "inputs", "env_files"), "pass");
    assert_true(
        json_is_true(json_object_get(json_array_get(json_object_get(p, "files"), 1), "exists")));
    json_decref(p);

    /* A defect, re-checked from the console: blocked, and the input says why. */
    char envp[TS_PATH_MAX + 32];
    snprintf(envp, sizeof envp, "%s/production.env", infra);
    assert_int_equal(chmod(envp, 0644), 0);
    usleep(5000);
    json_t *res = call_json(ops_token, "POST", "/api/v1/deploy/preflight", NULL, 200);
    assert_string_equal(get(res, "status", NULL), "blocked");
    struct ts_http_resp raw;
    call(ops_token, "GET", "/api/v1/deploy/plan", NULL, &raw);
    assert_false(ts_contains(raw.body, GOOD_PW));
    ts_http_free(&raw);
    json_decref(res);
    p = plan();
    assert_string_equal(get(p, "preflight", "status"), "blocked");
    assert_string_equal(item_status(p, "inputs", "env_files"), "blocked");
    bool listed = false;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(p, "blockers"), i, b) listed =
        listed || strcmp(json_string_value(b), "Production env files") == 0;
    assert_true(listed);
    json_decref(p);
    assert_int_equal(chmod(envp, 0600), 0);
}

static void test_dns_and_smoke_reruns(void **state)
{
    (void)state;
    json_t *d = call_json(ops_token, "POST", "/api/v1/deploy/dns", NULL, 200);
    assert_string_equal(get(d, "kind", NULL), "dns");
    assert_string_equal(get(d, "status", NULL), "blocked"); /* localhost is loopback */
    json_decref(d);
    json_t *p = plan();
    assert_string_equal(get(json_object_get(p, "dns"), "api", "status"), "blocked");
    assert_string_equal(item_status(p, "inputs", "deployment_host"), "blocked");
    json_decref(p);

    /* Smoke: bad bodies are refused and change nothing; a run is recorded. */
    json_t *e = call_json(ops_token, "POST", "/api/v1/deploy/smoke", "{\"tok\":\"x\"}", 422);
    assert_string_equal(error_code(e), "unknown_field");
    json_decref(e);
    e = call_json(ops_token, "POST", "/api/v1/deploy/smoke", "{\"token\":5}", 422);
    json_decref(e);
    p = plan();
    assert_string_equal(get(p, "smoke", "status"), "pending");
    json_decref(p);
    json_t *s = call_json(ops_token, "POST", "/api/v1/deploy/smoke", "{}", 200);
    assert_string_equal(get(s, "status", NULL), "blocked"); /* nothing listens there */
    json_decref(s);
    p = plan();
    assert_string_equal(get(p, "smoke", "status"), "blocked");
    json_decref(p);
}

static bool audit_has(const char *action, const char *outcome)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/audit?action=%s", action);
    json_t *doc = call_json(ops_token, "GET", path, NULL, 200);
    bool found = false;
    size_t i;
    json_t *en;
    json_array_foreach(json_object_get(doc, "entries"), i, en) found =
        found || strcmp(get(en, "outcome", NULL), outcome) == 0;
    json_decref(doc);
    return found;
}

static void test_mainland_sign_off(void **state)
{
    (void)state;
    const char *path = "/api/v1/deploy/strategies/mainland/sign-off";
    const char *bad[] = {
        "{}",
        "{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\"]}",
        "{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"],"
        "\"extra\":1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        json_decref(call_json(ops_token, "POST", path, bad[i], 422));
    json_decref(call_json(viewer_token, "POST", path, bad[0], 403));
    json_t *p = plan();
    assert_string_equal(item_status(p, "strategies", "mainland_china_hosting"), "review_required");
    json_decref(p);
    assert_false(audit_has("deploy.mainland.sign_off", "success"));

    const char *good = "{\"cleared_by\":\"Li Wei, company ops\",\"cleared\":[\"domain\","
                       "\"hosting\",\"data\",\"compliance\"],\"note\":\"ICP filing done\"}";
    json_t *so = call_json(ops_token, "POST", path, good, 201);
    assert_string_equal(get(so, "status", NULL), "approved");
    json_decref(so);
    json_decref(call_json(ops_token, "POST", path, good, 409));
    p = plan();
    assert_string_equal(item_status(p, "strategies", "mainland_china_hosting"), "approved");
    json_decref(p);
    assert_true(audit_has("deploy.mainland.sign_off", "success"));

    char revoke[128];
    snprintf(revoke, sizeof revoke, "%s/revoke", path);
    json_decref(call_json(ops_token, "POST", revoke, "{}", 422));
    json_t *rv = call_json(ops_token, "POST", revoke, "{\"reason\":\"moving to HK\"}", 200);
    assert_string_equal(get(rv, "status", NULL), "review_required");
    json_decref(rv);
    json_decref(call_json(ops_token, "POST", revoke, "{\"reason\":\"again\"}", 404));
    p = plan();
    assert_string_equal(item_status(p, "strategies", "mainland_china_hosting"), "review_required");
    json_decref(p);
    assert_true(audit_has("deploy.mainland.revoke", "success"));
}

static void test_deployment_packet(void **state)
{
    (void)state;
    const char *path = "/api/v1/integrations/temu/deployment-packet";
    json_decref(call_json(NULL, "GET", path, NULL, 401));
    json_decref(call_json(viewer_token, "GET", path, NULL, 403));
    json_t *pk = call_json(ops_token, "GET", path, NULL, 200);
    assert_string_equal(get(pk, "callback_mode", NULL), "api");
    assert_string_equal(get(pk, "api_origin", NULL), api_origin);
    assert_false(json_is_true(json_object_get(pk, "credentials_configured")));
    json_decref(pk);
    json_decref(call_json(
        ops_token, "PUT", "/api/v1/integrations/temu/credentials",
        "{\"region\":\"EU\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", 200));
    struct ts_http_resp r;
    call(ops_token, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "\"region\":\"eu\""));
    assert_false(ts_contains(r.body, APP_SECRET));
    assert_false(ts_contains(r.body, APP_KEY));
    assert_false(ts_contains(r.body, "cafe"));
    ts_http_free(&r);
}

static void test_deploy_page(void **state)
{
    (void)state;
    struct ts_http_resp r;
    call(NULL, "GET", "/deploy", NULL, &r);
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    call(ops_token, "GET", "/deploy", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "公网回调部署 / Public Callback Deployment"));
    assert_true(ts_contains(r.body, "status-review_required"));
    assert_true(ts_contains(r.body, "status-recommended"));
    assert_true(ts_contains(r.body, "status-blocked"));
    assert_true(ts_contains(r.body, "action=\"/deploy/preflight\""));
    assert_true(ts_contains(r.body, "生产运维 / ops"));
    assert_false(ts_contains(r.body, "style="));
    assert_false(ts_contains(r.body, "<script"));
    ts_http_free(&r);

    /* A signed-in ops user records the sign-off with the form: CSRF required. */
    char pw[64] = "", body[512], hdr[512], cookie[160] = "", csrf[80] = "";
    char *env[] = {env_db, NULL};
    char *args[] = {
        (char *)"user",       (char *)"add", (char *)"formops", (char *)"--role", (char *)"ops",
        (char *)"--generate", NULL};
    char *out = NULL;
    assert_int_equal(ts_aicos_run(args, env, &out, NULL), 0);
    const char *s = strstr(out, "(shown once): ");
    assert_non_null(s);
    s += strlen("(shown once): ");
    snprintf(pw, sizeof pw, "%.*s", (int)strcspn(s, "\n"), s);
    free(out);
    snprintf(body, sizeof body, "{\"username\":\"formops\",\"password\":\"%s\"}", pw);
    assert_true(ts_http(server.port, "POST", "/api/v1/session", "application/json", body, &r));
    assert_int_equal(r.status, 201);
    char setc[512];
    assert_true(ts_http_header(&r, "Set-Cookie", setc, sizeof setc));
    snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(setc, ";"), setc);
    json_t *doc = json_loads(r.body, 0, NULL);
    snprintf(csrf, sizeof csrf, "%s", get(doc, "csrf_token", NULL));
    json_decref(doc);
    ts_http_free(&r);

    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    const char *form = "cleared_by=Form+Ops&cleared_domain=on&cleared_hosting=on&cleared_data="
                       "on&cleared_compliance=on&note=";
    assert_true(ts_http_ex(server.port, "POST", "/deploy/mainland/sign-off", hdr,
                           "application/x-www-form-urlencoded", form, &r));
    assert_int_equal(r.status, 403);
    ts_http_free(&r);
    call(ops_token, "GET", "/deploy", NULL, &r);
    assert_false(ts_contains(r.body, "name=\"csrf_token\"")); /* tokens need none */
    ts_http_free(&r);

    snprintf(body, sizeof body, "csrf_token=%s&%s", csrf, form);
    assert_true(ts_http_ex(server.port, "POST", "/deploy/mainland/sign-off", hdr,
                           "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    char loc[128];
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/deploy");
    ts_http_free(&r);
    assert_true(ts_http_ex(server.port, "GET", "/deploy", hdr, NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    assert_true(ts_contains(r.body, "status-approved"));
    assert_true(ts_contains(r.body, "Form Ops"));
    assert_true(ts_contains(r.body, "name=\"csrf_token\""));
    ts_http_free(&r);

    /* A form missing an item: post/redirect/get to the page, which says why once; nothing
     * changes. */
    snprintf(body, sizeof body, "csrf_token=%s&reason=", csrf);
    assert_true(ts_http_ex(server.port, "POST", "/deploy/mainland/revoke", hdr,
                           "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/deploy");
    ts_http_free(&r);
    assert_true(ts_http_ex(server.port, "GET", "/deploy", hdr, NULL, NULL, &r));
    assert_true(ts_contains(r.body, "notice error"));
    assert_true(ts_contains(r.body, "reason"));
    assert_true(ts_contains(r.body, "status-approved")); /* still signed off */
    ts_http_free(&r);
    assert_true(ts_http_ex(server.port, "GET", "/deploy", hdr, NULL, NULL, &r));
    assert_false(ts_contains(r.body, "id=\"flash\""));
    ts_http_free(&r);
    snprintf(body, sizeof body, "csrf_token=%s&reason=done", csrf);
    assert_true(ts_http_ex(server.port, "POST", "/deploy/mainland/revoke", hdr,
                           "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
    snprintf(body, sizeof body, "csrf_token=%s", csrf);
    assert_true(ts_http_ex(server.port, "POST", "/deploy/dns", hdr,
                           "application/x-www-form-urlencoded", body, &r));
    assert_int_equal(r.status, 303);
    ts_http_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_follows_preflight),
        cmocka_unit_test(test_dns_and_smoke_reruns),
        cmocka_unit_test(test_mainland_sign_off),
        cmocka_unit_test(test_deployment_packet),
        cmocka_unit_test(test_deploy_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

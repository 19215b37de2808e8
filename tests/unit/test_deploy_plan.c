/*
 * Unit tests of the deployment plan (src/deploy/plan.h) on SQLite and PostgreSQL: statuses
 * follow the recorded facts (nothing recorded → pending; preflight findings → the matching
 * production input blocked or warning; DNS findings → the host's status), the callback URL
 * follows the origins and the mode, a bare IP gets its sslip.io suggestion, the mainland
 * sign-off is validated (bad input stores nothing), approves the strategy and is revoked,
 * the deployment packet never carries a secret, and the HTML section escapes everything.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/config.h"
#include "deploy/plan.h"
#include "deploy/record.h"
#include "store/migrate.h"
#include "web/deploy_section.h"

static struct db *db;

static const char *fake_lookup(const char *name, void *ctx)
{
    const char *const *env = ctx;
    size_t n = strlen(name);
    for (size_t i = 0; env[i] != NULL; i++) {
        if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
            return env[i] + n + 1;
    }
    return NULL;
}

static void load_cfg(struct config *cfg, const char *const *env)
{
    struct errbuf eb = {0};
    if (config_load(cfg, fake_lookup, (void *)env, &eb) != ERR_OK)
        fail_msg("config: %s", eb.msg);
}

static const char *const prod_env[] = {"AICOS_API_ORIGIN=https://api.example.com",
                                       "AICOS_WEB_ORIGIN=https://console.example.com",
                                       "AICOS_DEPLOY_DIR=/nonexistent/aicos-test/infra", NULL};

static int setup(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    struct errbuf eb = {0};
    ts_fresh_db_url("deploy_plan", url, sizeof url);
    assert_int_equal(db_open(url, 2, &db, &eb), ERR_OK);
    assert_int_equal(migrate_apply(db, NULL, &eb), ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static json_t *plan_now(const struct config *cfg)
{
    json_t *plan = NULL;
    struct errbuf eb = {0};
    if (deploy_plan_build(cfg, db, &plan, &eb) != ERR_OK)
        fail_msg("plan: %s", eb.msg);
    return plan;
}

static const char *input_status(const json_t *plan, const char *id)
{
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(plan, "inputs"), i, in)
    {
        if (strcmp(json_string_value(json_object_get(in, "id")), id) == 0)
            return json_string_value(json_object_get(in, "status"));
    }
    fail_msg("no input %s", id);
    return NULL;
}

static const char *strategy_status(const json_t *plan, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(plan, "strategies"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return json_string_value(json_object_get(s, "status"));
    }
    fail_msg("no strategy %s", id);
    return NULL;
}

static const char *path_str(const json_t *obj, const char *a, const char *b)
{
    const json_t *v = json_object_get(obj, a);
    if (b != NULL)
        v = json_object_get(v, b);
    return json_string_value(v);
}

static bool has_command(const json_t *plan, const char *needle)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(plan, "commands"), i, c)
    {
        if (ts_contains(json_string_value(json_object_get(c, "command")), needle))
            return true;
    }
    return false;
}

static void record(const char *kind, const char *id, enum deploy_severity sev, const char *msg)
{
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    if (id != NULL)
        deploy_findings_add(&f, id, sev, "fix it", "%s", msg);
    assert_int_equal(deploy_record(db, kind, &f, &eb), ERR_OK);
    deploy_findings_free(&f);
    usleep(5000); /* results are ordered by their millisecond timestamps */
}

/* Must run first: the database is fresh. */
static void test_plan_pending_then_facts(void **state)
{
    (void)state;
    struct config cfg;
    load_cfg(&cfg, prod_env);
    json_t *plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "preflight", "status"), "pending");
    assert_string_equal(path_str(plan, "smoke", "status"), "pending");
    assert_string_equal(path_str(plan, "dns", "status"), "pending");
    assert_string_equal(path_str(plan, "callback", "url"),
                        "https://api.example.com/api/v1/integrations/temu/authorization/callback");
    assert_string_equal(path_str(plan, "callback", "status"), "pass");
    assert_string_equal(input_status(plan, "deployment_host"), "warning"); /* DNS unchecked */
    assert_string_equal(input_status(plan, "tls_email"), "blocked");
    assert_string_equal(input_status(plan, "postgres_password"), "blocked");
    assert_string_equal(input_status(plan, "env_files"), "warning");
    assert_string_equal(strategy_status(plan, DEPLOY_STRATEGY_QUICK), "recommended");
    assert_string_equal(strategy_status(plan, DEPLOY_STRATEGY_EXISTING), "ready_if_available");
    assert_string_equal(strategy_status(plan, DEPLOY_STRATEGY_MAINLAND), "review_required");
    assert_false(json_is_true(json_object_get(plan, "ready")));
    assert_true(has_command(plan, "--api-origin https://api.example.com"));
    assert_true(has_command(plan, "aicos deploy preflight --dir /nonexistent/aicos-test/infra"));
    assert_true(has_command(plan, "aicos deploy dns --api-host api.example.com --web-host "
                                  "console.example.com"));
    assert_true(has_command(plan, "--out /nonexistent/aicos-test"));
    assert_int_equal(json_array_size(json_object_get(plan, "files")), 3);
    assert_false(
        json_is_true(json_object_get(json_array_get(json_object_get(plan, "files"), 0), "exists")));
    json_decref(plan);

    /* A clean preflight, DNS and smoke: everything passes and the plan is ready. */
    record("preflight", "caddy.headers", DEPLOY_WARNING, "no HSTS");
    record("dns", NULL, DEPLOY_BLOCKER, NULL);
    record("smoke", NULL, DEPLOY_BLOCKER, NULL);
    plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "preflight", "status"), "pass");
    assert_string_equal(path_str(plan, "dns", "status"), "pass");
    for (size_t i = 0; i < 4; i++) {
        const char *ids[] = {"deployment_host", "tls_email", "postgres_password", "env_files"};
        assert_string_equal(input_status(plan, ids[i]), "pass");
    }
    assert_true(json_is_true(json_object_get(plan, "ready")));
    assert_int_equal(json_array_size(json_object_get(plan, "blockers")), 0);
    json_decref(plan);

    /* Each preflight finding lands on its input. */
    record("preflight", "acme.email", DEPLOY_BLOCKER, "AICOS_ACME_EMAIL is malformed");
    plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "preflight", "status"), "blocked");
    assert_string_equal(input_status(plan, "tls_email"), "blocked");
    assert_string_equal(input_status(plan, "postgres_password"), "pass");
    assert_false(json_is_true(json_object_get(plan, "ready")));
    json_decref(plan);
    record("preflight", "env.required", DEPLOY_BLOCKER,
           "AICOS_POSTGRES_PASSWORD is missing or empty in infra/production.env.");
    plan = plan_now(&cfg);
    assert_string_equal(input_status(plan, "tls_email"), "pass");
    assert_string_equal(input_status(plan, "postgres_password"), "blocked");
    assert_string_equal(input_status(plan, "env_files"), "blocked");
    json_decref(plan);
    record("preflight", "env.unknown", DEPLOY_WARNING, "AICOS_X is not a setting aicos knows");
    plan = plan_now(&cfg);
    assert_string_equal(input_status(plan, "env_files"), "warning");
    json_decref(plan);

    /* DNS: the host named in the finding is blocked, the other passes. */
    record("dns", "dns.not_public", DEPLOY_BLOCKER,
           "The Web host console.example.com resolves to 10.0.0.1 (private), not public.");
    plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "dns", "status"), "blocked");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(plan, "dns"), "web"), "status")),
                        "blocked");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(plan, "dns"), "api"), "status")),
                        "pass");
    assert_string_equal(input_status(plan, "deployment_host"), "blocked");
    json_decref(plan);
}

static void test_plan_origins_and_modes(void **state)
{
    (void)state;
    struct config cfg;
    const char *const bridge[] = {"AICOS_API_ORIGIN=https://api.example.com",
                                  "AICOS_WEB_ORIGIN=https://console.example.com", NULL};
    load_cfg(&cfg, bridge);
    /* Set directly: the AICOS_TEMU_CALLBACK_MODE row belongs to the Temu authorization module. */
    snprintf(cfg.temu_callback_mode, sizeof cfg.temu_callback_mode, "web-bridge");
    json_t *plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "callback", "url"),
                        "https://console.example.com/integrations/temu/callback");
    assert_string_equal(path_str(plan, "callback", "mode"), "web-bridge");
    assert_true(has_command(plan, "bootstrap-test --callback-mode web-bridge"));
    assert_true(has_command(plan, "--out .")); /* the default folder infra */
    json_decref(plan);

    const char *const ip[] = {"AICOS_API_ORIGIN=https://47.237.184.1",
                              "AICOS_WEB_ORIGIN=https://47.237.184.1", NULL};
    load_cfg(&cfg, ip);
    plan = plan_now(&cfg);
    json_t *quick = json_array_get(json_object_get(plan, "strategies"), 0);
    assert_string_equal(json_string_value(json_object_get(quick, "suggested_host")),
                        "47.237.184.1.sslip.io");
    assert_true(has_command(plan, "aicos deploy suggest-host --ip 47.237.184.1"));
    assert_true(has_command(plan, "--api-origin https://47.237.184.1.sslip.io"));
    assert_string_equal(path_str(plan, "callback", "status"), "blocked"); /* IP literal */
    json_decref(plan);

    const char *const dev[] = {NULL};
    load_cfg(&cfg, dev);
    plan = plan_now(&cfg);
    assert_string_equal(path_str(plan, "callback", "status"), "blocked");
    assert_true(ts_contains(path_str(plan, "callback", "reason"), "https"));
    assert_string_equal(input_status(plan, "deployment_host"), "blocked");
    assert_true(has_command(plan, "--api-origin https://<api-host>"));
    json_decref(plan);
}

static json_t *parse(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_signoff(void **state)
{
    (void)state;
    struct config cfg;
    struct errbuf eb = {0};
    json_t *out = NULL;
    load_cfg(&cfg, prod_env);
    static const struct {
        const char *body, *code;
    } bad[] = {
        {"[]", "bad_body"},
        {"{\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"]}", "bad_field"},
        {"{\"cleared_by\":\"\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"]}",
         "bad_field"},
        {"{\"cleared_by\":\"A\\nB\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"]}",
         "bad_field"},
        {"{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\",\"data\"]}", "not_cleared"},
        {"{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"legal\"]}",
         "bad_field"},
        {"{\"cleared_by\":\"Li\",\"cleared\":\"all\"}", "bad_field"},
        {"{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"],"
         "\"approved\":true}",
         "unknown_field"},
        {"{\"cleared_by\":\"Li\",\"cleared\":[\"domain\",\"hosting\",\"data\",\"compliance\"],"
         "\"note\":7}",
         "bad_field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *b = parse(bad[i].body);
        eb = (struct errbuf){0};
        assert_int_equal(deploy_signoff_record(db, "opsuser", b, &out, &eb), ERR_INVAL);
        if (strcmp(errbuf_code(&eb, ERR_INVAL), bad[i].code) != 0)
            fail_msg("%s: %s (%s)", bad[i].body, eb.code, eb.msg);
        assert_null(out);
        json_decref(b);
    }
    char longname[LIMIT_DEPLOY_SIGNOFF_NAME_BYTES + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    json_t *b = json_pack("{s:s, s:[s,s,s,s]}", "cleared_by", longname, "cleared", "domain",
                          "hosting", "data", "compliance");
    assert_int_equal(deploy_signoff_record(db, "opsuser", b, &out, &eb), ERR_INVAL);
    json_decref(b);
    assert_int_equal(deploy_signoff_current(db, &out, &eb), ERR_OK);
    assert_true(json_is_null(out));
    json_decref(out);

    json_t *rb = parse("{\"reason\":\"nothing\"}");
    assert_int_equal(deploy_signoff_revoke(db, "opsuser", rb, &out, &eb), ERR_NOTFOUND);

    b = parse("{\"cleared_by\":\"Li Wei <ops>\",\"cleared\":[\"compliance\",\"data\","
              "\"hosting\",\"domain\"],\"note\":\"ICP filed\"}");
    assert_int_equal(deploy_signoff_record(db, "opsuser", b, &out, &eb), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(out, "recorded_by")), "opsuser");
    assert_string_equal(json_string_value(json_array_get(json_object_get(out, "cleared"), 0)),
                        "domain");
    json_decref(out);
    assert_int_equal(deploy_signoff_record(db, "other", b, &out, &eb), ERR_CONFLICT);
    json_decref(b);

    json_t *plan = plan_now(&cfg);
    assert_string_equal(strategy_status(plan, DEPLOY_STRATEGY_MAINLAND), "approved");
    json_decref(plan);

    /* The section shows the approval, escaped. */
    struct buf html = {0};
    assert_int_equal(web_deploy_section(&html, &cfg, db), ERR_OK);
    assert_true(ts_contains(html.data, "公网回调部署 / Public Callback Deployment"));
    assert_true(ts_contains(html.data, "status-approved"));
    assert_true(ts_contains(html.data, "Li Wei &lt;ops&gt;"));
    assert_false(ts_contains(html.data, "<ops>"));
    assert_false(ts_contains(html.data, "style="));
    assert_false(ts_contains(html.data, "<script"));
    buf_free(&html);

    json_t *bad_reason = parse("{\"reason\":\"\"}");
    assert_int_equal(deploy_signoff_revoke(db, "opsuser", bad_reason, &out, &eb), ERR_INVAL);
    json_decref(bad_reason);
    assert_int_equal(deploy_signoff_revoke(db, "opsuser", rb, &out, &eb), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(out, "revoke_reason")), "nothing");
    json_decref(out);
    assert_int_equal(deploy_signoff_revoke(db, "opsuser", rb, &out, &eb), ERR_NOTFOUND);
    json_decref(rb);
    plan = plan_now(&cfg);
    assert_string_equal(strategy_status(plan, DEPLOY_STRATEGY_MAINLAND), "review_required");
    json_decref(plan);
}

static void test_packet_and_rerun(void **state)
{
    (void)state;
    struct config cfg;
    struct errbuf eb = {0};
    json_t *out = NULL;
    const char *const env[] = {"AICOS_API_ORIGIN=https://api.example.com",
                               "AICOS_WEB_ORIGIN=https://console.example.com",
                               "AICOS_TEMU_APP_KEY=f00df00df00df00df00df00df00df00d",
                               "AICOS_TEMU_APP_SECRET_FILE=/run/secrets/temu",
                               "AICOS_TEMU_REGION=eu",
                               "AICOS_DEPLOY_DIR=/nonexistent/aicos-test/infra",
                               NULL};
    load_cfg(&cfg, env);
    assert_int_equal(deploy_packet_build(&cfg, NULL, &out, &eb), ERR_OK);
    char *text = json_dumps(out, JSON_COMPACT);
    assert_false(ts_contains(text, "f00df00d"));
    assert_false(ts_contains(text, "/run/secrets"));
    assert_true(ts_contains(text, "\"region\":\"eu\""));
    assert_true(ts_contains(text, "\"origins_production_ready\":true"));
    assert_true(ts_contains(text, DEPLOY_SELLER_CENTER_URL));
    free(text);
    json_decref(out);

    assert_int_equal(deploy_check_rerun(&cfg, db, "preflight", NULL, &out, &eb), ERR_NOTFOUND);
    assert_string_equal(eb.code, "deploy_dir_missing");
    assert_int_equal(deploy_check_rerun(&cfg, db, "launch", NULL, &out, &eb), ERR_INVAL);
    assert_int_equal(deploy_check_latest(db, "launch", &out, &eb), ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_pending_then_facts),
        cmocka_unit_test(test_plan_origins_and_modes),
        cmocka_unit_test(test_signoff),
        cmocka_unit_test(test_packet_and_rerun),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

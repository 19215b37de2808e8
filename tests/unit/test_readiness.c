/*
 * Unit: the readiness seams (src/readiness) on SQLite and PostgreSQL, without HTTP: the
 * progress engine's eight steps and the integration registry computed from a fresh database,
 * a configuration, the vault and recorded deployment checks and sync runs, each state change
 * moving exactly the step it concerns.
 */
#include "testsupport.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "connect/connect.h"
#include "deploy/findings.h"
#include "deploy/record.h"
#include "readiness/readiness.h"
#include "store/db.h"
#include "store/migrate.h"
#include "temu/credentials.h"
#include "vault/vault.h"

#define NOW INT64_C(1800000000)

static char url[TS_PATH_MAX];
static struct db *db;
static struct config cfg;

/* The configuration lookup: "NAME=value" strings, NULL-terminated. */
static const char *lookup(const char *name, void *ctx)
{
    size_t n = strlen(name);
    for (const char *const *kv = ctx; *kv != NULL; kv++) {
        if (strncmp(*kv, name, n) == 0 && (*kv)[n] == '=')
            return *kv + n + 1;
    }
    return NULL;
}

static void load_config(const char *const *vars)
{
    struct errbuf eb = {0};
    if (config_load(&cfg, lookup, (void *)vars, &eb) != ERR_OK)
        fail_msg("config: %s", eb.msg);
}

static int setup(void **state)
{
    (void)state;
    struct errbuf eb = {0};
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("readiness", url, sizeof url);
    if (db_open(url, 2, &db, &eb) != ERR_OK || migrate_apply(db, NULL, &eb) != ERR_OK) {
        fprintf(stderr, "set-up: %s\n", eb.msg);
        return -1;
    }
    static const char *const dev[] = {NULL};
    load_config(dev);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static json_t *progress(struct vault *v)
{
    struct connect_env env = {&cfg, db, v};
    struct errbuf eb = {0};
    json_t *p = NULL;
    if (readiness_progress(&env, NOW, &p, &eb) != ERR_OK)
        fail_msg("progress: %s", eb.msg);
    return p;
}

/* Field of step key in p. */
static const char *step_field(const json_t *p, const char *key, const char *field)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(p, "steps"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "key")), key) == 0)
            return json_string_value(json_object_get(s, field));
    }
    fail_msg("no step %s", key);
    return NULL;
}

/* Status of step key in p. */
static const char *step(const json_t *p, const char *key)
{
    return step_field(p, key, "status");
}

/* The Temu row's status in the registry. */
static const char *temu_status(struct vault *v, char *out, size_t len)
{
    struct connect_env env = {&cfg, db, v};
    struct errbuf eb = {0};
    json_t *r = NULL;
    if (readiness_registry(&env, NOW, &r, &eb) != ERR_OK)
        fail_msg("registry: %s", eb.msg);
    json_t *rows = json_object_get(r, "integrations");
    assert_int_equal(json_array_size(rows), 3);
    json_t *temu = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(temu, "key")), "temu");
    snprintf(out, len, "%s", json_string_value(json_object_get(temu, "status")));
    json_decref(r);
    return out;
}

static void record(const char *kind, const char *id, enum deploy_severity sev)
{
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    if (id != NULL)
        deploy_findings_add(&f, id, sev, "Fix it.", "A finding of the test.");
    assert_int_equal(deploy_record(db, kind, &f, &eb), ERR_OK);
    deploy_findings_free(&f);
}

/* A finished sync run with outcome (and error_message msg). */
static void insert_run(const char *id, int started, const char *outcome, const char *msg)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO sync_runs (id, connection_id, stream, trigger_kind, holder, started_at, "
             "finished_at, outcome, error_message) VALUES ('%s', 'c1', 'orders', 'manual', 'h', "
             "%d, %d, '%s', '%s')",
             id, started, started + 1, outcome, msg);
    ts_db_exec(url, sql);
}

static void test_fresh_install(void **state)
{
    (void)state;
    json_t *p = progress(NULL);
    assert_int_equal(json_array_size(json_object_get(p, "steps")), READINESS_STEPS);
    /* No vault, development origins, nothing recorded, no shop, no sync. */
    assert_string_equal(step(p, "app_credentials"), "blocked");
    assert_string_equal(step(p, "public_callback_url"), "blocked");
    assert_string_equal(step(p, "dns"), "pending");
    assert_string_equal(step(p, "production_env"), "pending");
    assert_string_equal(step(p, "deployment_preflight"), "pending");
    assert_string_equal(step(p, "callback_reachable"), "pending");
    assert_string_equal(step(p, "seller_authorization"), "blocked");
    assert_string_equal(step(p, "first_sync"), "pending");
    assert_int_equal(json_integer_value(json_object_get(p, "done")), 0);
    assert_int_equal(json_integer_value(json_object_get(p, "percent")), 0);
    assert_string_equal(json_string_value(json_object_get(p, "fraction")), "0/8");
    json_t *b = json_object_get(p, "blocker");
    assert_string_equal(json_string_value(json_object_get(b, "step")), "app_credentials");
    assert_true(ts_contains(json_string_value(json_object_get(b, "message")), "master key"));
    assert_false(
        json_is_true(json_object_get(json_object_get(p, "safety"), "shop_password_required")));
    json_decref(p);
    char st[32];
    assert_string_equal(temu_status(NULL, st, sizeof st), "not_configured");
}

static void test_steps_follow_state(void **state)
{
    (void)state;
    struct vault *v = NULL;
    struct errbuf eb = {0};
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    assert_int_equal(vault_open(db, key, &v, &eb), ERR_OK);
    char st[32];
    /* A vault without credentials: still blocked, now for the missing App Key. */
    json_t *p = progress(v);
    assert_string_equal(step(p, "app_credentials"), "blocked");
    assert_true(ts_contains(
        json_string_value(json_object_get(json_object_get(p, "blocker"), "message")), "App Key"));
    json_decref(p);
    char mk[VAULT_MASKED_MAX], ms[VAULT_MASKED_MAX];
    assert_int_equal(temu_credentials_store(v, TEMU_REGION_US, "readinessappkey0000000000000001",
                                            "readinesssecret00000000000000000000000001", "test", mk,
                                            ms, &eb),
                     ERR_OK);
    p = progress(v);
    assert_string_equal(step(p, "app_credentials"), "pass");
    assert_string_equal(json_string_value(json_object_get(p, "fraction")), "1/8");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "blocker"), "step")),
                        "public_callback_url");
    json_decref(p);
    assert_string_equal(temu_status(v, st, sizeof st), "configured");

    /* Public HTTPS origins pass the callback step; production makes a clean preflight pass. */
    static const char *const prod[] = {"AICOS_API_ORIGIN=https://api.example.com",
                                       "AICOS_WEB_ORIGIN=https://app.example.com", NULL};
    load_config(prod);
    record("dns", NULL, DEPLOY_WARNING);
    record("preflight", "env.syntax", DEPLOY_BLOCKER);
    record("smoke", "smoke.hsts", DEPLOY_WARNING);
    p = progress(v);
    assert_string_equal(step(p, "public_callback_url"), "pass");
    assert_string_equal(step(p, "dns"), "pass");
    assert_string_equal(step(p, "production_env"), "blocked");
    assert_string_equal(step(p, "deployment_preflight"), "blocked");
    assert_string_equal(step(p, "callback_reachable"), "warning");
    json_decref(p);
    record("preflight", NULL, DEPLOY_WARNING);
    p = progress(v);
    assert_string_equal(step(p, "production_env"), "warning"); /* this server is development */
    assert_string_equal(step(p, "deployment_preflight"), "pass");
    assert_string_equal(json_string_value(json_object_get(p, "fraction")), "6/8");
    json_decref(p);

    /* Sync runs: a failure blocks step 8 with its message, a success passes it. */
    insert_run("r1", 10, "failed", "the gateway said no");
    p = progress(v);
    assert_string_equal(step(p, "first_sync"), "blocked");
    assert_true(ts_contains(step_field(p, "first_sync", "reason"), "the gateway said no"));
    json_decref(p);
    insert_run("r2", 20, "success", "");
    p = progress(v);
    assert_string_equal(step(p, "first_sync"), "pass");
    assert_string_equal(step(p, "seller_authorization"), "blocked");
    json_decref(p);
    vault_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_install),
        cmocka_unit_test(test_steps_follow_state),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * Unit tests of `deploy init-env`: every refusal writes nothing; the generated files are
 * right (env mode 0600 with every setting and a fresh master key, callback URL per mode,
 * CORS), the Caddyfile passes Caddy's own validator, the compose file passes libyaml and
 * structural checks, existing files need --force, and the repository's infra/Dockerfile is
 * the template the binary writes.
 */
#include "testsupport.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "deploy/initenv.h"
#include "deploy/preflight.h"
#include "deploy/templates.h"

#define GOOD_PW "Str0ng-Passw0rd-xyz"

static struct deploy_initenv_opts good_opts(const char *dir)
{
    struct deploy_initenv_opts o = {
        .api_origin = "https://api.shop-example.com",
        .web_origin = "https://console.shop-example.com",
        .acme_email = "ops@shop-example.com",
        .postgres_password = GOOD_PW,
        .out_dir = dir,
    };
    return o;
}

static bool path_exists(const char *dir, const char *rel)
{
    char p[TS_PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return access(p, F_OK) == 0;
}

/* The value of NAME= in an env text, copied into out; false when absent. */
static bool env_value(const char *text, const char *name, char *out, size_t len)
{
    char key[128];
    snprintf(key, sizeof key, "\n%s=", name);
    const char *p = strstr(text, key);
    if (p == NULL)
        return false;
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    snprintf(out, len, "%.*s", (int)n, p);
    return true;
}

static void refuse(struct deploy_initenv_opts o, enum err want, const char *code, const char *says)
{
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    enum err e = deploy_initenv_run(&o, &res, &eb);
    if (e != want || strcmp(eb.code, code) != 0 || (says != NULL && !ts_contains(eb.msg, says)))
        fail_msg("api=%s web=%s email=%s mode=%s: got %s/%s \"%s\", want %s", o.api_origin,
                 o.web_origin, o.acme_email, o.callback_mode ? o.callback_mode : "-", err_code(e),
                 eb.code, eb.msg, code);
    if (o.postgres_password != NULL && o.postgres_password[0] != '\0')
        assert_false(ts_contains(eb.msg, o.postgres_password));
    if (o.out_dir != NULL && path_exists(o.out_dir, "infra"))
        fail_msg("a refusal (%s) wrote %s/infra", code, o.out_dir);
}

static void test_refusals_write_nothing(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("initenv-refuse");
    struct deploy_initenv_opts o;
    const char *origins[][2] = {
        {"http://api.shop-example.com", "origin_not_https"},
        {"https://localhost", "host_not_public"},
        {"https://app.localhost", "host_not_public"},
        {"https://shop.local", "host_not_public"},
        {"https://127.0.0.1", "host_not_public"},
        {"https://10.1.2.3", "host_not_public"},
        {"https://172.20.0.4", "host_not_public"},
        {"https://192.168.1.10", "host_not_public"},
        {"https://169.254.10.10", "host_not_public"},
        {"https://100.64.1.1", "host_not_public"},
        {"https://[::1]", "host_not_public"},
        {"https://[fe80::1]", "host_not_public"},
        {"https://[fd12:3456::1]", "host_not_public"},
        {"https://[::ffff:192.168.0.1]", "host_not_public"},
        {"https://10.0.0.7.sslip.io", "host_not_public"},
        {"https://intranet", "host_not_public"},
        {"https://8.8.8.8", "origin_is_ip"},
        {"https://api.shop-example.com/path", "bad_origin"},
        {"api.shop-example.com", "bad_origin"},
    };
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        o = good_opts(dir);
        o.api_origin = origins[i][0];
        refuse(o, ERR_INVAL, origins[i][1], "--api-origin");
        o = good_opts(dir);
        o.web_origin = origins[i][0];
        refuse(o, ERR_INVAL, origins[i][1], "--web-origin");
    }
    const char *weak[] = {"short1A",
                          "alllowercase12345",
                          "ALLUPPERCASE12345",
                          "NoDigitsAtAllHere",
                          "Has Space 12345aa",
                          "Dollar$ign1234567",
                          ""};
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
        o = good_opts(dir);
        o.postgres_password = weak[i];
        refuse(o, ERR_INVAL, "weak_password", "PostgreSQL password");
    }
    o = good_opts(dir);
    o.postgres_password = "alllowercase12345";
    refuse(o, ERR_INVAL, "weak_password", "missing: an upper-case letter");
    const char *emails[] = {"ops",        "ops@localhost", "ops@",        "@shop-example.com",
                            "o ps@x.com", "ops@x.c0m",     "o{ps}@x.com", "ops@x..com"};
    for (size_t i = 0; i < sizeof emails / sizeof emails[0]; i++) {
        o = good_opts(dir);
        o.acme_email = emails[i];
        refuse(o, ERR_INVAL, "bad_email", "--acme-email");
    }
    o = good_opts(dir);
    o.callback_mode = "bridge";
    refuse(o, ERR_INVAL, "bad_callback_mode", "api or web-bridge");
    o = good_opts(dir);
    o.acme_email = NULL;
    refuse(o, ERR_INVAL, "missing_option", "--acme-email");
    char missing[TS_PATH_MAX];
    snprintf(missing, sizeof missing, "%s/no-such-folder", dir);
    o = good_opts(missing);
    refuse(o, ERR_NOTFOUND, "no_such_folder", "no-such-folder");
    assert_false(path_exists(dir, "no-such-folder"));
    free(dir);
}

static void check_compose_yaml(const char *path)
{
    char *text = ts_read_file(path);
    yaml_parser_t parser;
    yaml_document_t doc;
    assert_true(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc))
        fail_msg("compose file is not YAML: %s", parser.problem);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    assert_non_null(root);
    assert_int_equal(root->type, YAML_MAPPING_NODE);
    /* Top-level keys: services and volumes; services: postgres, migrate, app, caddy. */
    const char *want_services[] = {"postgres", "migrate", "app", "caddy"};
    bool seen[4] = {false};
    bool have_volumes = false;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        if (strcmp((const char *)k->data.scalar.value, "volumes") == 0)
            have_volumes = v->type == YAML_MAPPING_NODE;
        if (strcmp((const char *)k->data.scalar.value, "services") != 0)
            continue;
        assert_int_equal(v->type, YAML_MAPPING_NODE);
        for (yaml_node_pair_t *s = v->data.mapping.pairs.start; s < v->data.mapping.pairs.top;
             s++) {
            yaml_node_t *sk = yaml_document_get_node(&doc, s->key);
            for (size_t i = 0; i < 4; i++) {
                if (strcmp((const char *)sk->data.scalar.value, want_services[i]) == 0)
                    seen[i] = true;
            }
        }
    }
    for (size_t i = 0; i < 4; i++) {
        if (!seen[i])
            fail_msg("compose has no %s service", want_services[i]);
    }
    assert_true(have_volumes);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    /* The password is only referenced, never written into the compose file. */
    assert_false(ts_contains(text, GOOD_PW));
    assert_true(ts_contains(text, "${AICOS_POSTGRES_PASSWORD"));
    free(text);
}

static void generate_and_check(const char *mode, const char *api, const char *web,
                               const char *want_callback)
{
    char *dir = ts_tmpdir("initenv-ok");
    struct deploy_initenv_opts o = good_opts(dir);
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    o.callback_mode = mode;
    o.api_origin = api;
    o.web_origin = web;
    if (deploy_initenv_run(&o, &res, &eb) != ERR_OK)
        fail_msg("init-env failed: %s", eb.msg);
    assert_string_equal(res.callback_url, want_callback);
    struct stat st;
    assert_int_equal(stat(res.env_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(res.compose_path, &st), 0);
    assert_int_equal(stat(res.caddyfile_path, &st), 0);
    assert_true(res.wrote_dockerfile);

    char *env = ts_read_file(res.env_path);
    char v[512];
    assert_true(env_value(env, "AICOS_ENV", v, sizeof v));
    assert_string_equal(v, "production");
    assert_true(env_value(env, "AICOS_CALLBACK_URL", v, sizeof v));
    assert_string_equal(v, want_callback);
    assert_true(env_value(env, "AICOS_TEMU_CALLBACK_MODE", v, sizeof v));
    assert_string_equal(v, mode != NULL ? mode : "api");
    assert_true(env_value(env, "AICOS_CORS_ORIGINS", v, sizeof v));
    assert_true(ts_contains(v, web));
    assert_true(env_value(env, "AICOS_DATABASE_URL", v, sizeof v));
    assert_string_equal(v, "postgres://aicos:" GOOD_PW "@postgres:5432/aicos");
    assert_true(env_value(env, "AICOS_MASTER_KEY", v, sizeof v));
    unsigned char key[40];
    size_t keylen = 0;
    assert_int_equal(sodium_base642bin(key, sizeof key, v, strlen(v), NULL, &keylen, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_int_equal(keylen, 32);
    const char *required[] = {"AICOS_LISTEN",     "AICOS_API_ORIGIN",        "AICOS_WEB_ORIGIN",
                              "AICOS_ACME_EMAIL", "AICOS_POSTGRES_PASSWORD", "AICOS_IMAGE"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        assert_true(env_value(env, required[i], v, sizeof v));
    free(env);

    /* Caddy's own validator accepts the Caddyfile. */
    eb = (struct errbuf){0};
    if (deploy_caddy_validate(res.caddyfile_path, &eb) != ERR_OK)
        fail_msg("caddy validate: %s (%s)", eb.msg, eb.code);
    char *caddy = ts_read_file(res.caddyfile_path);
    assert_true(ts_contains(caddy, "email ops@shop-example.com"));
    assert_true(ts_contains(caddy, "reverse_proxy app:8080"));
    assert_true(ts_contains(caddy, "Strict-Transport-Security"));
    assert_true(ts_contains(caddy, "max_size"));
    free(caddy);
    check_compose_yaml(res.compose_path);

    /* And the preflight has nothing to say about a fresh folder. */
    char infra[TS_PATH_MAX];
    snprintf(infra, sizeof infra, "%s/infra", dir);
    struct deploy_findings f = {0};
    assert_int_equal(deploy_preflight_run(infra, &f, &eb), ERR_OK);
    for (size_t i = 0; i < f.count; i++) {
        if (f.items[i].severity == DEPLOY_BLOCKER || strcmp(f.items[i].id, "build.commit") != 0)
            fail_msg("fresh folder: %s %s", f.items[i].id, f.items[i].message);
    }
    deploy_findings_free(&f);
    free(dir);
}

static void test_generates_valid_files(void **state)
{
    (void)state;
    generate_and_check(NULL, "https://api.shop-example.com", "https://console.shop-example.com",
                       "https://api.shop-example.com/api/v1/integrations/temu/authorization/"
                       "callback");
    generate_and_check("web-bridge", "https://api.shop-example.com",
                       "https://console.shop-example.com",
                       "https://console.shop-example.com/integrations/temu/callback");
    /* One host for both, and a non-default port. */
    generate_and_check("api", "https://47.237.184.1.sslip.io", "https://47.237.184.1.sslip.io",
                       "https://47.237.184.1.sslip.io/api/v1/integrations/temu/authorization/"
                       "callback");
    generate_and_check("api", "https://api.shop-example.com:8443",
                       "https://console.shop-example.com",
                       "https://api.shop-example.com:8443/api/v1/integrations/temu/"
                       "authorization/callback");
}

static void test_existing_files_need_force(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("initenv-force");
    struct deploy_initenv_opts o = good_opts(dir);
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    assert_int_equal(deploy_initenv_run(&o, &res, &eb), ERR_OK);
    char *before = ts_read_file(res.env_path);
    char *caddy_before = ts_read_file(res.caddyfile_path);
    o.web_origin = "https://other.shop-example.com";
    eb = (struct errbuf){0};
    assert_int_equal(deploy_initenv_run(&o, &res, &eb), ERR_CONFLICT);
    assert_string_equal(eb.code, "files_exist");
    assert_true(ts_contains(eb.msg, "--force"));
    assert_true(ts_contains(eb.msg, "production.env"));
    char *after = ts_read_file(res.env_path);
    char *caddy_after = ts_read_file(res.caddyfile_path);
    assert_string_equal(before, after);
    assert_string_equal(caddy_before, caddy_after);
    free(after);
    free(caddy_after);

    /* Only one of the three existing is enough to refuse. */
    assert_int_equal(unlink(res.env_path), 0);
    assert_int_equal(unlink(res.compose_path), 0);
    assert_int_equal(deploy_initenv_run(&o, &res, &eb), ERR_CONFLICT);
    assert_false(path_exists(dir, "infra/production.env"));

    /* A Dockerfile the user changed is kept even with --force. */
    FILE *fp = fopen(res.dockerfile_path, "a");
    assert_non_null(fp);
    fputs("# local change\n", fp);
    fclose(fp);
    o.force = true;
    assert_int_equal(deploy_initenv_run(&o, &res, &eb), ERR_OK);
    assert_false(res.wrote_dockerfile);
    char *docker = ts_read_file(res.dockerfile_path);
    assert_true(ts_contains(docker, "# local change"));
    free(docker);
    after = ts_read_file(res.env_path);
    assert_string_not_equal(before, after); /* a new master key */
    assert_true(ts_contains(after, "https://other.shop-example.com"));
    struct stat st;
    assert_int_equal(stat(res.env_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(before);
    free(after);
    free(caddy_before);
    free(dir);
}

static void test_no_temp_files_left(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("initenv-tmp");
    struct deploy_initenv_opts o = good_opts(dir);
    struct deploy_initenv_result res;
    assert_int_equal(deploy_initenv_run(&o, &res, NULL), ERR_OK);
    o.force = true;
    assert_int_equal(deploy_initenv_run(&o, &res, NULL), ERR_OK);
    const char *subdirs[] = {"infra", "infra/caddy"};
    for (size_t s = 0; s < 2; s++) {
        char p[TS_PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, subdirs[s]);
        DIR *d = opendir(p);
        assert_non_null(d);
        for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
            if (strstr(e->d_name, ".tmp") != NULL)
                fail_msg("temporary file left: %s/%s", p, e->d_name);
        }
        closedir(d);
    }
    free(dir);
}

static void test_write_failure_leaves_nothing(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("initenv-fail");
    /* infra/caddy exists as a file, so the Caddyfile cannot be written. */
    char p[TS_PATH_MAX];
    snprintf(p, sizeof p, "%s/infra", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/infra/caddy", dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fclose(fp);
    struct deploy_initenv_opts o = good_opts(dir);
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    assert_int_equal(deploy_initenv_run(&o, &res, &eb), ERR_IO);
    assert_false(path_exists(dir, "infra/production.env"));
    assert_false(path_exists(dir, "infra/docker-compose.prod.yml"));
    free(dir);
}

static void test_repository_dockerfile_is_the_template(void **state)
{
    (void)state;
    char p[TS_PATH_MAX];
    snprintf(p, sizeof p, "%s/infra/Dockerfile", AICOS_SOURCE_DIR);
    char *text = ts_read_file(p);
    assert_string_equal(text, deploy_dockerfile_text());
    free(text);
    snprintf(p, sizeof p, "%s/infra/Dockerfile.dockerignore", AICOS_SOURCE_DIR);
    text = ts_read_file(p);
    assert_string_equal(text, deploy_dockerignore_text());
    assert_true(ts_contains(text, "infra/production.env"));
    free(text);
    /* The repository folder itself passes the Dockerfile's structural check. */
    struct deploy_findings f = {0};
    snprintf(p, sizeof p, "%s/infra", AICOS_SOURCE_DIR);
    assert_int_equal(deploy_preflight_run(p, &f, NULL), ERR_OK);
    assert_false(deploy_findings_has(&f, "dockerfile.missing", DEPLOY_BLOCKER));
    assert_false(deploy_findings_has(&f, "dockerfile.structure", DEPLOY_BLOCKER));
    deploy_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals_write_nothing),
        cmocka_unit_test(test_generates_valid_files),
        cmocka_unit_test(test_existing_files_need_force),
        cmocka_unit_test(test_no_temp_files_left),
        cmocka_unit_test(test_write_failure_leaves_nothing),
        cmocka_unit_test(test_repository_dockerfile_is_the_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of `deploy preflight`: a freshly generated folder has no blocker, and every
 * finding is produced by one precise defect of the env file, the compose file, the
 * Caddyfile, the Dockerfile or the build.
 */
#include "testsupport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "deploy/initenv.h"
#include "deploy/preflight.h"
#include "version.h"

#define GOOD_PW "Str0ng-Passw0rd-xyz"

enum op { SET_VAR, DEL_VAR, REPLACE, APPEND, REMOVE, CHMOD_644, MAKE_DIR };

struct pf_case {
    const char *id;
    enum deploy_severity sev;
    const char *file; /* relative to infra/ */
    enum op op;
    const char *a, *b;
};

static const struct pf_case cases[] = {
    /* env file */
    {"env.missing", DEPLOY_BLOCKER, "production.env", REMOVE, NULL, NULL},
    {"env.permissions", DEPLOY_BLOCKER, "production.env", CHMOD_644, NULL, NULL},
    {"env.unreadable", DEPLOY_BLOCKER, "production.env", MAKE_DIR, NULL, NULL},
    {"env.syntax", DEPLOY_BLOCKER, "production.env", APPEND, "this line is wrong\n", NULL},
    {"env.duplicate", DEPLOY_BLOCKER, "production.env", APPEND, "AICOS_ENV=production\n", NULL},
    {"env.unknown", DEPLOY_WARNING, "production.env", APPEND, "AICOS_LISTN=0.0.0.0:8080\n", NULL},
    {"env.required", DEPLOY_BLOCKER, "production.env", DEL_VAR, "AICOS_MASTER_KEY", NULL},
    {"env.required", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CALLBACK_URL", ""},
    {"env.production", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_ENV", "development"},
    {"env.config", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_HTTP_THREADS", "0"},
    {"env.listen", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_LISTEN", "127.0.0.1:8080"},
    {"origin.api", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_API_ORIGIN",
     "http://api.shop-example.com"},
    {"origin.web", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_WEB_ORIGIN",
     "https://console.local"},
    {"origin.web", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_WEB_ORIGIN",
     "https://192.168.1.5"},
    {"callback.mode", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_TEMU_CALLBACK_MODE",
     "popup"},
    {"callback.url", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_TEMU_CALLBACK_MODE",
     "web-bridge"},
    {"callback.url", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CALLBACK_URL",
     "https://api.shop-example.com/callback"},
    {"cors.wildcard", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CORS_ORIGINS", "*"},
    {"cors.invalid", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CORS_ORIGINS",
     "https://console.shop-example.com,notanorigin"},
    {"cors.insecure", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CORS_ORIGINS",
     "https://console.shop-example.com, http://evil.example.net"},
    {"cors.missing_web", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_CORS_ORIGINS",
     "https://api.shop-example.com"},
    {"master_key.shape", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_MASTER_KEY", "c2hvcnQ="},
    {"postgres.password", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_POSTGRES_PASSWORD",
     "weakpassword"},
    {"database.url", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_DATABASE_URL",
     "sqlite:var/aicos.db"},
    {"database.host", DEPLOY_WARNING, "production.env", REPLACE, "@postgres:5432",
     "@db.example.net:5432"},
    {"database.password_mismatch", DEPLOY_BLOCKER, "production.env", REPLACE,
     "postgres://aicos:Str0ng", "postgres://aicos:Xtr0ng"},
    {"acme.email", DEPLOY_BLOCKER, "production.env", SET_VAR, "AICOS_ACME_EMAIL", "not-an-email"},
    {"build.image_tag", DEPLOY_WARNING, "production.env", SET_VAR, "AICOS_IMAGE", "aicos:0.0.1"},
    /* compose file */
    {"compose.missing", DEPLOY_BLOCKER, "docker-compose.prod.yml", REMOVE, NULL, NULL},
    {"compose.yaml", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE, "name: aicos",
     "name: [aicos"},
    {"compose.services", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "  caddy:\n    image: caddy:2", "  proxy:\n    image: caddy:2"},
    {"compose.image", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "    image: postgres:15-bookworm\n", ""},
    {"compose.image", DEPLOY_WARNING, "docker-compose.prod.yml", REPLACE,
     "image: aicos:" AICOS_VERSION, "image: aicos:0.0.1"},
    {"compose.healthcheck", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "    healthcheck:\n      test: [\"CMD-SHELL\"",
     "    x-healthcheck:\n      test: [\"CMD-SHELL\""},
    {"compose.restart", DEPLOY_WARNING, "docker-compose.prod.yml", REPLACE,
     "    image: caddy:2\n    restart: unless-stopped\n", "    image: caddy:2\n"},
    {"compose.env_file", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "    env_file: [production.env]\n    command: [\"aicos\", \"migrate\"]",
     "    command: [\"aicos\", \"migrate\"]"},
    {"compose.command", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "command: [\"aicos\", \"serve\", \"--no-migrate\"]", "command: [\"sleep\", \"infinity\"]"},
    {"compose.volumes", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "      - postgres-data:/var/lib/postgresql/data\n", "      - postgres-data:/tmp/data\n"},
    {"compose.volumes", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE, "\n  caddy-data:\n",
     "\n"},
    {"compose.ports", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE, "      - \"443:443\"\n",
     ""},
    {"compose.depends_on", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "condition: service_completed_successfully", "condition: service_started"},
    {"compose.secret_inline", DEPLOY_BLOCKER, "docker-compose.prod.yml", REPLACE,
     "${AICOS_POSTGRES_PASSWORD:?pass --env-file infra/production.env}", GOOD_PW},
    /* Caddyfile */
    {"caddy.missing", DEPLOY_BLOCKER, "caddy/Caddyfile", REMOVE, NULL, NULL},
    {"caddy.hosts", DEPLOY_BLOCKER, "caddy/Caddyfile", REPLACE, "console.shop-example.com {",
     "other.shop-example.com {"},
    {"caddy.email", DEPLOY_BLOCKER, "caddy/Caddyfile", REPLACE, "\temail ops@shop-example.com\n",
     ""},
    {"caddy.email", DEPLOY_WARNING, "caddy/Caddyfile", REPLACE, "email ops@", "email admin@"},
    {"caddy.tls_internal", DEPLOY_BLOCKER, "caddy/Caddyfile", REPLACE, "\tencode zstd gzip\n",
     "\tencode zstd gzip\n\ttls internal\n"},
    {"caddy.upstream", DEPLOY_BLOCKER, "caddy/Caddyfile", REPLACE, "reverse_proxy app:8080",
     "reverse_proxy app:9090"},
    {"caddy.headers", DEPLOY_WARNING, "caddy/Caddyfile", REPLACE,
     "\t\tStrict-Transport-Security \"max-age=31536000; includeSubDomains\"\n", ""},
    {"caddy.body_limit", DEPLOY_WARNING, "caddy/Caddyfile", REPLACE,
     "\trequest_body {\n\t\tmax_size 1MiB\n\t}\n", ""},
    {"caddy.validate", DEPLOY_BLOCKER, "caddy/Caddyfile", REPLACE, "\tencode zstd gzip\n",
     "\tbogus_directive on\n"},
    /* Dockerfile */
    {"dockerfile.missing", DEPLOY_BLOCKER, "Dockerfile", REMOVE, NULL, NULL},
    {"dockerfile.structure", DEPLOY_BLOCKER, "Dockerfile", REPLACE, "COPY --from=build", "COPY"},
    {"dockerfile.structure", DEPLOY_BLOCKER, "Dockerfile", REPLACE, "make release",
     "cmake --build ."},
};

static char *fresh_infra(void)
{
    char *dir = ts_tmpdir("preflight");
    struct deploy_initenv_opts o = {
        .api_origin = "https://api.shop-example.com",
        .web_origin = "https://console.shop-example.com",
        .acme_email = "ops@shop-example.com",
        .postgres_password = GOOD_PW,
        .out_dir = dir,
    };
    struct deploy_initenv_result res;
    struct errbuf eb = {0};
    if (deploy_initenv_run(&o, &res, &eb) != ERR_OK)
        fail_msg("init-env: %s", eb.msg);
    char *infra = malloc(TS_PATH_MAX);
    assert_non_null(infra);
    snprintf(infra, TS_PATH_MAX, "%s/infra", dir);
    free(dir);
    return infra;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w"); /* keeps the existing mode */
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void apply(const char *infra, const struct pf_case *c)
{
    char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", infra, c->file);
    char *text = ts_read_file(path);
    struct buf out = {0};
    switch (c->op) {
    case SET_VAR:
    case DEL_VAR: {
        size_t nl = strlen(c->a);
        bool found = false;
        for (char *line = text; *line;) {
            char *end = strchr(line, '\n');
            size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
            if (strncmp(line, c->a, nl) == 0 && line[nl] == '=') {
                found = true;
                if (c->op == SET_VAR)
                    assert_int_equal(buf_printf(&out, "%s=%s\n", c->a, c->b), ERR_OK);
            } else {
                assert_int_equal(buf_printf(&out, "%.*s\n", (int)len, line), ERR_OK);
            }
            line += len + (end != NULL);
        }
        if (!found)
            fail_msg("%s: no %s in %s", c->id, c->a, path);
        write_text(path, out.data);
        break;
    }
    case REPLACE: {
        const char *p = strstr(text, c->a);
        if (p == NULL)
            fail_msg("%s: \"%s\" not found in %s", c->id, c->a, path);
        const char *start = text;
        while (p != NULL) {
            assert_int_equal(buf_printf(&out, "%.*s%s", (int)(p - start), start, c->b), ERR_OK);
            start = p + strlen(c->a);
            p = strstr(start, c->a);
        }
        assert_int_equal(buf_puts(&out, start), ERR_OK);
        write_text(path, out.data != NULL ? out.data : "");
        break;
    }
    case APPEND:
        assert_int_equal(buf_printf(&out, "%s%s", text, c->a), ERR_OK);
        write_text(path, out.data);
        break;
    case REMOVE:
        assert_int_equal(unlink(path), 0);
        break;
    case CHMOD_644:
        assert_int_equal(chmod(path, 0644), 0);
        break;
    case MAKE_DIR:
        assert_int_equal(unlink(path), 0);
        assert_int_equal(mkdir(path, 0700), 0);
        break;
    }
    buf_free(&out);
    free(text);
}

static void test_fresh_folder_passes(void **state)
{
    (void)state;
    char *infra = fresh_infra();
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    assert_int_equal(deploy_preflight_run(infra, &f, &eb), ERR_OK);
    assert_int_equal(f.blockers, 0);
    for (size_t i = 0; i < f.count; i++) {
        if (strcmp(f.items[i].id, "build.commit") != 0)
            fail_msg("unexpected %s: %s", f.items[i].id, f.items[i].message);
    }
    deploy_findings_free(&f);
    free(infra);
}

static void test_every_finding(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *infra = fresh_infra();
        apply(infra, &cases[i]);
        struct deploy_findings f = {0};
        struct errbuf eb = {0};
        assert_int_equal(deploy_preflight_run(infra, &f, &eb), ERR_OK);
        if (!deploy_findings_has(&f, cases[i].id, cases[i].sev)) {
            for (size_t k = 0; k < f.count; k++)
                print_message("  got %s %s: %s\n", deploy_severity_name(f.items[k].severity),
                              f.items[k].id, f.items[k].message);
            fail_msg("case %zu: expected %s %s", i, deploy_severity_name(cases[i].sev),
                     cases[i].id);
        }
        const struct deploy_finding *it = deploy_findings_find(&f, cases[i].id);
        assert_true(it->message[0] != '\0');
        assert_true(it->fix[0] != '\0');
        for (size_t k = 0; k < f.count; k++) {
            /* No finding ever shows a secret. */
            if (ts_contains(f.items[k].message, GOOD_PW) || ts_contains(f.items[k].fix, GOOD_PW))
                fail_msg("%s shows the password", f.items[k].id);
        }
        if (cases[i].sev == DEPLOY_BLOCKER)
            assert_true(f.blockers > 0);
        deploy_findings_free(&f);
        free(infra);
    }
}

static void test_caddy_not_installed(void **state)
{
    (void)state;
    char *infra = fresh_infra();
    char *saved = strdup(getenv("PATH"));
    char *empty = ts_tmpdir("nopath");
    setenv("PATH", empty, 1);
    struct deploy_findings f = {0};
    assert_int_equal(deploy_preflight_run(infra, &f, NULL), ERR_OK);
    setenv("PATH", saved, 1);
    assert_true(deploy_findings_has(&f, "caddy.not_installed", DEPLOY_WARNING));
    assert_int_equal(f.blockers, 0);
    deploy_findings_free(&f);
    /* With Caddy missing, the structural checks still catch a broken file. */
    const struct pf_case c = {"caddy.hosts", DEPLOY_BLOCKER,           "caddy/Caddyfile",
                              REPLACE,       "api.shop-example.com {", "wrong.shop-example.com {"};
    apply(infra, &c);
    setenv("PATH", empty, 1);
    assert_int_equal(deploy_preflight_run(infra, &f, NULL), ERR_OK);
    setenv("PATH", saved, 1);
    assert_true(deploy_findings_has(&f, "caddy.hosts", DEPLOY_BLOCKER));
    deploy_findings_free(&f);
    free(saved);
    free(empty);
    free(infra);
}

static void test_build_checks(void **state)
{
    (void)state;
    struct deploy_findings f = {0};
    deploy_preflight_check_build("0.1.0", "abc123def456", "aicos:0.1.0", &f);
    assert_int_equal(f.count, 0);
    deploy_preflight_check_build("0.1.0", "unknown", "aicos:0.1.0", &f);
    assert_true(deploy_findings_has(&f, "build.commit", DEPLOY_WARNING));
    deploy_findings_free(&f);
    deploy_preflight_check_build("0.1.0", "abc", "aicos:0.2.0", &f);
    assert_true(deploy_findings_has(&f, "build.image_tag", DEPLOY_WARNING));
    assert_int_equal(f.blockers, 0);
    deploy_findings_free(&f);
}

static void test_cannot_run(void **state)
{
    (void)state;
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    assert_int_equal(deploy_preflight_run("/nonexistent/infra", &f, &eb), ERR_NOTFOUND);
    assert_true(ts_contains(eb.msg, "--dir"));
    assert_int_equal(f.count, 0);
    /* An empty folder runs, and says what is missing. */
    char *dir = ts_tmpdir("preflight-empty");
    assert_int_equal(deploy_preflight_run(dir, &f, &eb), ERR_OK);
    assert_true(deploy_findings_has(&f, "env.missing", DEPLOY_BLOCKER));
    assert_true(deploy_findings_has(&f, "compose.missing", DEPLOY_BLOCKER));
    assert_true(deploy_findings_has(&f, "caddy.missing", DEPLOY_BLOCKER));
    assert_true(deploy_findings_has(&f, "dockerfile.missing", DEPLOY_BLOCKER));
    deploy_findings_free(&f);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_folder_passes), cmocka_unit_test(test_every_finding),
        cmocka_unit_test(test_caddy_not_installed), cmocka_unit_test(test_build_checks),
        cmocka_unit_test(test_cannot_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

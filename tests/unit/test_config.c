/* Unit tests for base/config: defaults, validation of every variable, masking, printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "base/config.h"

/* A fake environment: pairs of name and value, ended by a NULL name. */
struct fake_env {
    const char *name;
    const char *value;
};

static const char *fake_lookup(const char *name, void *ctx)
{
    for (const struct fake_env *e = ctx; e != NULL && e->name != NULL; e++) {
        if (strcmp(e->name, name) == 0)
            return e->value;
    }
    return NULL;
}

/* Loads a configuration in which only name is set (to value). */
static enum err load_one(const char *name, const char *value, struct config *c, struct errbuf *eb)
{
    const struct fake_env env[] = {{name, value}, {NULL, NULL}};
    memset(eb, 0, sizeof *eb);
    return config_load(c, fake_lookup, (void *)env, eb);
}

/* Index of a variable in the table, failing the test when it is missing. */
static unsigned row_of(const char *name)
{
    for (unsigned i = 0; i < config_count(); i++) {
        if (strcmp(config_var_name(i), name) == 0)
            return i;
    }
    fail_msg("%s is not in the configuration table", name);
    return 0;
}

static void test_table(void **state)
{
    (void)state;
    assert_true(config_count() >= 8);
    assert_true(config_count() <=
                sizeof(((struct config *)0)->source) / sizeof(enum config_source));
    for (unsigned i = 0; i < config_count(); i++) {
        const char *name = config_var_name(i);
        assert_non_null(name);
        assert_int_equal(strncmp(name, "AICOS_", 6), 0);
        assert_true(config_is_known(name));
    }
    assert_null(config_var_name(config_count()));
    assert_null(config_var_name(1000));
}

static void test_is_known(void **state)
{
    (void)state;
    assert_true(config_is_known("AICOS_ENV"));
    assert_true(config_is_known("AICOS_LISTEN"));
    assert_true(config_is_known("AICOS_DATABASE_URL"));
    assert_true(config_is_known("AICOS_HTTP_BODY_MAX_BYTES"));
    assert_false(config_is_known("AICOS_NOPE"));
    assert_false(config_is_known("aicos_listen"));
    assert_false(config_is_known("AICOS_LISTEN "));
    assert_false(config_is_known("AICOS_"));
    assert_false(config_is_known(""));
    assert_false(config_is_known("PATH"));
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb = {0};
    assert_int_equal(config_load(&c, fake_lookup, NULL, &eb), ERR_OK);
    assert_int_equal(c.env, CONFIG_ENV_DEVELOPMENT);
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.listen_port, 8080);
    assert_string_equal(c.database_url, "sqlite:var/aicos.db");
    assert_int_equal(c.log_level, LOG_INFO);
    assert_string_equal(c.api_origin, "http://127.0.0.1:8080");
    assert_string_equal(c.web_origin, "http://127.0.0.1:8080");
    assert_int_equal(c.http_threads, 4);
    assert_int_equal(c.http_body_max, 1048576);
    for (unsigned i = 0; i < config_count(); i++)
        assert_int_equal(c.source[i], CONFIG_SOURCE_DEFAULT);
}

static void test_all_set(void **state)
{
    (void)state;
    const struct fake_env env[] = {
        {"AICOS_ENV", "production"},
        {"AICOS_LISTEN", "[::1]:0"},
        {"AICOS_DATABASE_URL", "postgres://aicos:pw@db:5432/aicos"},
        {"AICOS_LOG_LEVEL", "debug"},
        {"AICOS_API_ORIGIN", "https://api.example.com/"},
        {"AICOS_WEB_ORIGIN", "https://shop.example.com:8443"},
        {"AICOS_HTTP_THREADS", "64"},
        {"AICOS_HTTP_BODY_MAX_BYTES", "1024"},
        {NULL, NULL},
    };
    struct config c;
    struct errbuf eb = {0};
    assert_int_equal(config_load(&c, fake_lookup, (void *)env, &eb), ERR_OK);
    assert_int_equal(c.env, CONFIG_ENV_PRODUCTION);
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 0);
    assert_string_equal(c.database_url, "postgres://aicos:pw@db:5432/aicos");
    assert_int_equal(c.log_level, LOG_DEBUG);
    assert_string_equal(c.api_origin, "https://api.example.com");
    assert_string_equal(c.web_origin, "https://shop.example.com:8443");
    assert_int_equal(c.http_threads, 64);
    assert_int_equal(c.http_body_max, 1024);
    for (unsigned i = 0; i < config_count(); i++) {
        bool set = false;
        for (const struct fake_env *f = env; f->name != NULL; f++)
            set = set || strcmp(f->name, config_var_name(i)) == 0;
        assert_int_equal(c.source[i], set ? CONFIG_SOURCE_ENV : CONFIG_SOURCE_DEFAULT);
    }
}

/* Only the variables that were set are reported as coming from the environment. */
static void test_sources(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb;
    assert_int_equal(load_one("AICOS_LOG_LEVEL", "warn", &c, &eb), ERR_OK);
    assert_int_equal(c.log_level, LOG_WARN);
    for (unsigned i = 0; i < config_count(); i++) {
        enum config_source want =
            i == row_of("AICOS_LOG_LEVEL") ? CONFIG_SOURCE_ENV : CONFIG_SOURCE_DEFAULT;
        assert_int_equal(c.source[i], want);
    }
}

static void test_good_values(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb;
    assert_int_equal(load_one("AICOS_LISTEN", "0.0.0.0:80", &c, &eb), ERR_OK);
    assert_string_equal(c.listen_host, "0.0.0.0");
    assert_int_equal(c.listen_port, 80);
    assert_int_equal(load_one("AICOS_LISTEN", "localhost:0", &c, &eb), ERR_OK);
    assert_int_equal(c.listen_port, 0);
    assert_int_equal(load_one("AICOS_DATABASE_URL", "sqlite:/tmp/x.db", &c, &eb), ERR_OK);
    assert_string_equal(c.database_url, "sqlite:/tmp/x.db");
    assert_int_equal(load_one("AICOS_DATABASE_URL", "postgresql://u@h/d", &c, &eb), ERR_OK);
    /* The shortest postgres URLs name only a host and are valid for libpq. */
    assert_int_equal(load_one("AICOS_DATABASE_URL", "postgres://db", &c, &eb), ERR_OK);
    assert_string_equal(c.database_url, "postgres://db");
    assert_int_equal(load_one("AICOS_DATABASE_URL", "postgresql://h", &c, &eb), ERR_OK);
    assert_int_equal(load_one("AICOS_LOG_LEVEL", "error", &c, &eb), ERR_OK);
    assert_int_equal(c.log_level, LOG_ERROR);
    assert_int_equal(load_one("AICOS_HTTP_THREADS", "1", &c, &eb), ERR_OK);
    assert_int_equal(c.http_threads, 1);
    assert_int_equal(load_one("AICOS_HTTP_BODY_MAX_BYTES", "67108864", &c, &eb), ERR_OK);
    assert_int_equal(c.http_body_max, 67108864);
    assert_int_equal(load_one("AICOS_ENV", "development", &c, &eb), ERR_OK);
    assert_int_equal(c.env, CONFIG_ENV_DEVELOPMENT);
}

/* A trailing slash on an origin is dropped; the rest is kept as written. */
static void test_origin_normalized(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"https://api.example.com/", "https://api.example.com"},
        {"https://api.example.com", "https://api.example.com"},
        {"http://localhost:8080/", "http://localhost:8080"},
        {"http://[::1]:8080/", "http://[::1]:8080"},
        {"http://[::1]", "http://[::1]"},
        {"http://10.0.0.1:1", "http://10.0.0.1:1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        struct errbuf eb;
        enum err e = load_one("AICOS_API_ORIGIN", cases[i].in, &c, &eb);
        if (e != ERR_OK)
            fail_msg("%s refused: %s", cases[i].in, eb.msg);
        assert_string_equal(c.api_origin, cases[i].want);
        assert_int_equal(load_one("AICOS_WEB_ORIGIN", cases[i].in, &c, &eb), ERR_OK);
        assert_string_equal(c.web_origin, cases[i].want);
    }
}

/* Every bad value is ERR_CONFIG with a message that starts with the variable's name. */
static void test_bad_values(void **state)
{
    (void)state;
    static char too_long[LIMIT_STRING_BYTES + 2];
    memset(too_long, 'a', sizeof too_long - 1);
    static const struct {
        const char *var, *value;
    } cases[] = {
        {"AICOS_ENV", "staging"},
        {"AICOS_ENV", "Production"},
        {"AICOS_ENV", ""},
        {"AICOS_LISTEN", "nohost"},
        {"AICOS_LISTEN", "127.0.0.1"},
        {"AICOS_LISTEN", ":8080"},
        {"AICOS_LISTEN", "127.0.0.1:65536"},
        {"AICOS_LISTEN", "127.0.0.1:-1"},
        {"AICOS_LISTEN", "::1:8080"},
        {"AICOS_LISTEN", "127.0.0.1:80\n"},
        {"AICOS_LISTEN", ""},
        {"AICOS_DATABASE_URL", "mysql://u:p@h/db"},
        {"AICOS_DATABASE_URL", "var/aicos.db"},
        {"AICOS_DATABASE_URL", "sqlite:"},
        {"AICOS_DATABASE_URL", "postgres://"},
        {"AICOS_DATABASE_URL", "postgresql://"},
        {"AICOS_DATABASE_URL", ""},
        {"AICOS_LOG_LEVEL", "verbose"},
        {"AICOS_LOG_LEVEL", "INFO"},
        {"AICOS_LOG_LEVEL", ""},
        {"AICOS_LOG_LEVEL", too_long},
        {"AICOS_API_ORIGIN", "https://api.example.com/v1"},
        {"AICOS_API_ORIGIN", "https://api.example.com//"},
        {"AICOS_API_ORIGIN", "ftp://example.com"},
        {"AICOS_API_ORIGIN", "example.com"},
        {"AICOS_API_ORIGIN", "http://"},
        {"AICOS_API_ORIGIN", "https:///"},
        {"AICOS_API_ORIGIN", "http://user@example.com"},
        {"AICOS_API_ORIGIN", "http://example.com?x=1"},
        {"AICOS_API_ORIGIN", "http://example.com#top"},
        {"AICOS_API_ORIGIN", "http://example.com:0"},
        {"AICOS_API_ORIGIN", "http://example.com:65536"},
        {"AICOS_API_ORIGIN", "http://example.com:"},
        {"AICOS_API_ORIGIN", "http://example.com:80/x"},
        {"AICOS_API_ORIGIN", "HTTP://example.com"},
        {"AICOS_API_ORIGIN", "http://[::1"},
        {"AICOS_API_ORIGIN", "http://a]:80"},
        {"AICOS_API_ORIGIN", "http://[]"},
        {"AICOS_API_ORIGIN", "http://[::1]x"},
        {"AICOS_API_ORIGIN", "http://exa mple.com"},
        {"AICOS_WEB_ORIGIN", "https://shop.example.com/console"},
        {"AICOS_WEB_ORIGIN", "ws://shop.example.com"},
        {"AICOS_HTTP_THREADS", "0"},
        {"AICOS_HTTP_THREADS", "65"},
        {"AICOS_HTTP_THREADS", "-1"},
        {"AICOS_HTTP_THREADS", "four"},
        {"AICOS_HTTP_THREADS", "4 "},
        {"AICOS_HTTP_THREADS", ""},
        {"AICOS_HTTP_BODY_MAX_BYTES", "1023"},
        {"AICOS_HTTP_BODY_MAX_BYTES", "67108865"},
        {"AICOS_HTTP_BODY_MAX_BYTES", "1e6"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        struct errbuf eb;
        enum err e = load_one(cases[i].var, cases[i].value, &c, &eb);
        if (e != ERR_CONFIG)
            fail_msg("%s=\"%.40s\" returned %d, expected ERR_CONFIG", cases[i].var, cases[i].value,
                     (int)e);
        size_t vlen = strlen(cases[i].var);
        if (strncmp(eb.msg, cases[i].var, vlen) != 0 || eb.msg[vlen] != ':')
            fail_msg("message for %s does not name it: %s", cases[i].var, eb.msg);
        assert_string_equal(errbuf_code(&eb, e), "bad_configuration");
    }
}

/* Integer errors say the range and echo the offending value. */
static void test_int_error_message(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb;
    assert_int_equal(load_one("AICOS_HTTP_THREADS", "65", &c, &eb), ERR_CONFIG);
    assert_string_equal(eb.msg, "AICOS_HTTP_THREADS: must be an integer from 1 to 64, got \"65\"");
    assert_int_equal(load_one("AICOS_HTTP_THREADS", "0", &c, &eb), ERR_CONFIG);
    assert_string_equal(eb.msg, "AICOS_HTTP_THREADS: must be an integer from 1 to 64, got \"0\"");
    assert_int_equal(load_one("AICOS_API_ORIGIN", "ftp://x", &c, &eb), ERR_CONFIG);
    assert_non_null(strstr(eb.msg, "http:// or https://"));
    assert_non_null(strstr(eb.msg, "\"ftp://x\""));
}

/* A rejected database URL is never echoed, because it may carry a password. */
static void test_bad_db_url_not_echoed(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb;
    assert_int_equal(
        load_one("AICOS_DATABASE_URL", "mysql://aicos:hunter2secret@db/aicos", &c, &eb),
        ERR_CONFIG);
    assert_int_equal(strncmp(eb.msg, "AICOS_DATABASE_URL:", 19), 0);
    assert_null(strstr(eb.msg, "hunter2secret"));
    assert_int_equal(load_one("AICOS_DATABASE_URL", "postgres://u:hunter2secret\x01@db/x", &c, &eb),
                     ERR_CONFIG);
    assert_int_equal(strncmp(eb.msg, "AICOS_DATABASE_URL:", 19), 0);
    assert_null(strstr(eb.msg, "hunter2secret"));
}

/* The first bad variable is the one reported, even when later ones are fine. */
static void test_first_error_wins(void **state)
{
    (void)state;
    const struct fake_env env[] = {
        {"AICOS_HTTP_THREADS", "100"},
        {"AICOS_LOG_LEVEL", "loud"},
        {NULL, NULL},
    };
    struct config c;
    struct errbuf eb = {0};
    assert_int_equal(config_load(&c, fake_lookup, (void *)env, &eb), ERR_CONFIG);
    assert_int_equal(strncmp(eb.msg, "AICOS_LOG_LEVEL:", 16), 0);
}

static void test_from_env(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb = {0};
    assert_int_equal(setenv("AICOS_HTTP_THREADS", "7", 1), 0);
    assert_int_equal(setenv("AICOS_LOG_LEVEL", "warn", 1), 0);
    assert_int_equal(config_from_env(&c, &eb), ERR_OK);
    assert_int_equal(c.http_threads, 7);
    assert_int_equal(c.log_level, LOG_WARN);
    assert_int_equal(setenv("AICOS_HTTP_THREADS", "65", 1), 0);
    assert_int_equal(config_from_env(&c, &eb), ERR_CONFIG);
    assert_int_equal(strncmp(eb.msg, "AICOS_HTTP_THREADS:", 19), 0);
    unsetenv("AICOS_HTTP_THREADS");
    unsetenv("AICOS_LOG_LEVEL");
}

static void mask_is(const char *url, const char *want)
{
    char dst[256];
    memset(dst, 'x', sizeof dst);
    config_mask_url(url, dst, sizeof dst);
    assert_string_equal(dst, want);
}

static void test_mask_url(void **state)
{
    (void)state;
    mask_is("postgres://aicos:s3cret@db:5432/aicos", "postgres://aicos:****@db:5432/aicos");
    mask_is("postgresql://u:p@h/d", "postgresql://u:****@h/d");
    mask_is("postgres://u:@h/d", "postgres://u:****@h/d");
    mask_is("postgres://u:pa:ss@h/d", "postgres://u:****@h/d");
    mask_is("postgres://user@db:5432/aicos", "postgres://user@db:5432/aicos");
    mask_is("postgres://db:5432/aicos", "postgres://db:5432/aicos");
    mask_is("postgres://db", "postgres://db");
    mask_is("sqlite:var/aicos.db", "sqlite:var/aicos.db");
    mask_is("sqlite:/a:b@c", "sqlite:/a:b@c");
    mask_is("", "");
    /* libpq also takes the password as a query parameter; then the query is hidden. */
    mask_is("postgres://u@db/aicos?password=s3cret", "postgres://u@db/aicos?****");
    mask_is("postgres://db/a?sslmode=require&password=s3cret&x=1", "postgres://db/a?****");
    mask_is("postgres://u:p@db/a?sslpassword=k3y", "postgres://u:****@db/a?****");
    mask_is("postgres://db/a?sslmode=require", "postgres://db/a?sslmode=require");
}

/* A short destination truncates the result but never exposes the password. */
static void test_mask_url_truncates(void **state)
{
    (void)state;
    char dst[16];
    config_mask_url("postgres://u:secretpw@h/d", dst, sizeof dst);
    assert_string_equal(dst, "postgres://u:**");
    char one[1];
    config_mask_url("postgres://u:secretpw@h/d", one, sizeof one);
    assert_string_equal(one, "");
}

static void test_origin_is_https(void **state)
{
    (void)state;
    assert_true(config_origin_is_https("https://a.example"));
    assert_false(config_origin_is_https("http://a.example"));
    assert_false(config_origin_is_https("HTTPS://a.example"));
    assert_false(config_origin_is_https(""));
}

/* Runs config_print into memory; the caller frees the result. */
static char *print_to_string(const struct config *c)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    config_print(c, f);
    assert_int_equal(fclose(f), 0);
    assert_non_null(out);
    return out;
}

static void test_print_masks_password(void **state)
{
    (void)state;
    const struct fake_env env[] = {
        {"AICOS_DATABASE_URL", "postgres://aicos:S3cr3t-Pa55@db.internal:5432/aicos"},
        {"AICOS_LISTEN", "[::1]:9000"},
        {NULL, NULL},
    };
    struct config c;
    struct errbuf eb = {0};
    assert_int_equal(config_load(&c, fake_lookup, (void *)env, &eb), ERR_OK);
    char *out = print_to_string(&c);
    assert_null(strstr(out, "S3cr3t-Pa55"));
    assert_null(strstr(out, "S3cr3t"));
    assert_non_null(strstr(out, "\nAICOS_DATABASE_URL=postgres://aicos:****@db.internal:5432/aicos"
                                "  # from environment; "));
    assert_non_null(strstr(out, "\nAICOS_LISTEN=[::1]:9000  # from environment; "));
    assert_non_null(strstr(out, "\nAICOS_HTTP_THREADS=4  # default; "));
    assert_non_null(strstr(out, "\nAICOS_LOG_LEVEL=info  # default; "));
    assert_int_equal(strncmp(out, "AICOS_ENV=development  # default; ", 34), 0);

    /* One line per table row, each NAME=value with a known name. */
    unsigned lines = 0;
    for (char *line = out; *line != '\0';) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        char *eq = memchr(line, '=', (size_t)(nl - line));
        assert_non_null(eq);
        assert_true(lines < config_count());
        char name[64];
        assert_true((size_t)(eq - line) < sizeof name);
        memcpy(name, line, (size_t)(eq - line));
        name[eq - line] = '\0';
        assert_string_equal(name, config_var_name(lines));
        lines++;
        line = nl + 1;
    }
    assert_int_equal(lines, config_count());
    free(out);
}

/* A password given as a query parameter is not printed either. */
static void test_print_masks_query_password(void **state)
{
    (void)state;
    struct config c;
    struct errbuf eb;
    assert_int_equal(
        load_one("AICOS_DATABASE_URL", "postgresql://aicos@db/aicos?password=Qu3ryPw", &c, &eb),
        ERR_OK);
    char *out = print_to_string(&c);
    assert_null(strstr(out, "Qu3ryPw"));
    assert_non_null(strstr(out, "AICOS_DATABASE_URL=postgresql://aicos@db/aicos?****  #"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_is_known),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_all_set),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_origin_normalized),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_int_error_message),
        cmocka_unit_test(test_bad_db_url_not_echoed),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_from_env),
        cmocka_unit_test(test_mask_url),
        cmocka_unit_test(test_mask_url_truncates),
        cmocka_unit_test(test_origin_is_https),
        cmocka_unit_test(test_print_masks_password),
        cmocka_unit_test(test_print_masks_query_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for base/log: the key=value line format, quoting, level filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

/* Captured stderr: log_kv output is redirected into a temporary file while a test runs. */
struct capture {
    int saved_fd;
    int file_fd;
    char text[16384];
    size_t len;
};

static void capture_start(struct capture *c)
{
    char path[] = "/tmp/aicos-test-log-XXXXXX";
    c->file_fd = mkstemp(path);
    assert_true(c->file_fd >= 0);
    assert_int_equal(unlink(path), 0);
    fflush(stderr);
    c->saved_fd = dup(STDERR_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(c->file_fd, STDERR_FILENO) >= 0);
    c->len = 0;
    c->text[0] = '\0';
}

/* Restores stderr and reads what was written into c->text. */
static void capture_stop(struct capture *c)
{
    fflush(stderr);
    assert_true(dup2(c->saved_fd, STDERR_FILENO) >= 0);
    close(c->saved_fd);
    assert_int_equal(lseek(c->file_fd, 0, SEEK_SET), 0);
    ssize_t n;
    while ((n = read(c->file_fd, c->text + c->len, sizeof c->text - 1 - c->len)) > 0)
        c->len += (size_t)n;
    assert_true(n == 0);
    c->text[c->len] = '\0';
    close(c->file_fd);
}

/* The part of the line after "ts=... level=X ", for comparisons independent of the time. */
static const char *after_level(const char *line)
{
    const char *p = strstr(line, " event=");
    assert_non_null(p);
    return p + 1;
}

static int setup(void **state)
{
    (void)state;
    log_set_level(LOG_DEBUG);
    return 0;
}

static void test_line_format(void **state)
{
    (void)state;
    struct capture c;
    capture_start(&c);
    log_kv(LOG_INFO, "http.request", "rid", "r-1", "status", "200", "path", "/api/v1/x", NULL);
    capture_stop(&c);
    regex_t re;
    assert_int_equal(
        regcomp(&re,
                "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                "level=info event=http\\.request rid=r-1 status=200 "
                "path=/api/v1/x\n$",
                REG_EXTENDED | REG_NOSUB),
        0);
    int rc = regexec(&re, c.text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        fail_msg("unexpected line: %s", c.text);
}

static void test_levels_named(void **state)
{
    (void)state;
    static const struct {
        enum log_level level;
        const char *name;
    } cases[] = {
        {LOG_DEBUG, "debug"}, {LOG_INFO, "info"}, {LOG_WARN, "warn"}, {LOG_ERROR, "error"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture c;
        capture_start(&c);
        log_kv(cases[i].level, "e", NULL);
        capture_stop(&c);
        char want[64];
        snprintf(want, sizeof want, " level=%s event=e\n", cases[i].name);
        assert_non_null(strstr(c.text, want));
    }
}

static void test_quoting(void **state)
{
    (void)state;
    static const struct {
        const char *value, *want;
    } cases[] = {
        {"plain", "k=plain\n"},
        {"with space", "k=\"with space\"\n"},
        {"say \"hi\"", "k=\"say \\\"hi\\\"\"\n"},
        {"line1\nline2", "k=\"line1\\nline2\"\n"},
        {"a=b", "k=\"a=b\"\n"},
        {"back\\slash", "k=\"back\\\\slash\"\n"},
        {"tab\there", "k=\"tab\\x09here\"\n"},
        {"cr\rlf", "k=\"cr\\x0dlf\"\n"},
        {"del\x7f", "k=\"del\\x7f\"\n"},
        {"", "k=\"\"\n"},
        {"caf\xc3\xa9", "k=caf\xc3\xa9\n"},
        {"/path?q=1", "k=\"/path?q=1\"\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture c;
        capture_start(&c);
        log_kv(LOG_INFO, "q", "k", cases[i].value, NULL);
        capture_stop(&c);
        char want[128];
        snprintf(want, sizeof want, "event=q %s", cases[i].want);
        assert_string_equal(after_level(c.text), want);
    }
}

/* A NULL value is written as an empty quoted string and does not end the list. */
static void test_null_value(void **state)
{
    (void)state;
    struct capture c;
    capture_start(&c);
    log_kv(LOG_WARN, "db.slow", "sql", (const char *)NULL, "ms", "12", NULL);
    capture_stop(&c);
    assert_string_equal(after_level(c.text), "event=db.slow sql=\"\" ms=12\n");
}

/* Event names are escaped like values. */
static void test_event_escaped(void **state)
{
    (void)state;
    struct capture c;
    capture_start(&c);
    log_kv(LOG_INFO, "bad event\n", NULL);
    capture_stop(&c);
    assert_string_equal(after_level(c.text), "event=\"bad event\\n\"\n");
}

/* An injected newline never starts a forged second line. */
static void test_one_line_per_event(void **state)
{
    (void)state;
    struct capture c;
    capture_start(&c);
    log_kv(LOG_INFO, "login", "user", "bob\nts=x level=error event=forged", NULL);
    log_kv(LOG_INFO, "second", NULL);
    capture_stop(&c);
    unsigned lines = 0;
    for (const char *p = c.text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    assert_non_null(strstr(c.text, "user=\"bob\\nts=x level=error event=forged\"\n"));
}

static void test_level_filtering(void **state)
{
    (void)state;
    struct capture c;
    log_set_level(LOG_WARN);
    assert_false(log_enabled(LOG_DEBUG));
    assert_false(log_enabled(LOG_INFO));
    assert_true(log_enabled(LOG_WARN));
    assert_true(log_enabled(LOG_ERROR));
    capture_start(&c);
    log_kv(LOG_DEBUG, "hidden.debug", NULL);
    log_kv(LOG_INFO, "hidden.info", NULL);
    log_kv(LOG_WARN, "shown.warn", NULL);
    log_kv(LOG_ERROR, "shown.error", NULL);
    capture_stop(&c);
    assert_null(strstr(c.text, "hidden"));
    assert_non_null(strstr(c.text, "level=warn event=shown.warn\n"));
    assert_non_null(strstr(c.text, "level=error event=shown.error\n"));

    log_set_level(LOG_ERROR);
    capture_start(&c);
    log_kv(LOG_WARN, "hidden.warn", NULL);
    capture_stop(&c);
    assert_int_equal(c.len, 0);

    log_set_level(LOG_DEBUG);
    assert_true(log_enabled(LOG_DEBUG));
    capture_start(&c);
    log_kv(LOG_DEBUG, "shown.debug", NULL);
    capture_stop(&c);
    assert_non_null(strstr(c.text, "level=debug event=shown.debug\n"));
}

/* An oversized value is cut, but the event stays one line ending in a newline. */
static void test_long_value_truncated(void **state)
{
    (void)state;
    static char big[10000];
    memset(big, 'v', sizeof big - 1);
    struct capture c;
    capture_start(&c);
    log_kv(LOG_INFO, "big", "k", big, NULL);
    capture_stop(&c);
    assert_true(c.len > 1000);
    assert_true(c.len <= 4096);
    assert_int_equal(c.text[c.len - 1], '\n');
    assert_ptr_equal(strchr(c.text, '\n'), c.text + c.len - 1);
}

static void test_level_parse_and_name(void **state)
{
    (void)state;
    enum log_level l = LOG_INFO;
    assert_true(log_level_parse("debug", &l));
    assert_int_equal(l, LOG_DEBUG);
    assert_true(log_level_parse("warn", &l));
    assert_int_equal(l, LOG_WARN);
    assert_true(log_level_parse("error", &l));
    assert_int_equal(l, LOG_ERROR);
    assert_true(log_level_parse("info", &l));
    assert_int_equal(l, LOG_INFO);
    l = LOG_ERROR;
    assert_false(log_level_parse("warning", &l));
    assert_false(log_level_parse("INFO", &l));
    assert_false(log_level_parse("", &l));
    assert_int_equal(l, LOG_ERROR);
    assert_string_equal(log_level_name(LOG_DEBUG), "debug");
    assert_string_equal(log_level_name(LOG_ERROR), "error");
    assert_string_equal(log_level_name((enum log_level)42), "info");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_format, setup),
        cmocka_unit_test_setup(test_levels_named, setup),
        cmocka_unit_test_setup(test_quoting, setup),
        cmocka_unit_test_setup(test_null_value, setup),
        cmocka_unit_test_setup(test_event_escaped, setup),
        cmocka_unit_test_setup(test_one_line_per_event, setup),
        cmocka_unit_test_setup(test_level_filtering, setup),
        cmocka_unit_test_setup(test_long_value_truncated, setup),
        cmocka_unit_test_setup(test_level_parse_and_name, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

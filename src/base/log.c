#include "base/log.h"

#include "base/clock.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

static _Atomic int log_min_level = LOG_INFO;

static const char *const log_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
    atomic_store(&log_min_level, (int)level);
}

bool log_enabled(enum log_level level)
{
    return (int)level >= atomic_load(&log_min_level);
}

bool log_level_parse(const char *name, enum log_level *out)
{
    for (int i = LOG_DEBUG; i <= LOG_ERROR; i++) {
        if (strcmp(name, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

const char *log_level_name(enum log_level level)
{
    if ((int)level < LOG_DEBUG || (int)level > LOG_ERROR)
        return "info";
    return log_names[level];
}

/* Appends s at *pos in line, never past LOG_LINE_MAX - 2 (room for '\n'). */
static void log_put(char *line, size_t *pos, const char *s, size_t n)
{
    size_t room = LOG_LINE_MAX - 2 - *pos;
    if (n > room)
        n = room;
    memcpy(line + *pos, s, n);
    *pos += n;
}

static bool log_needs_quotes(const char *v)
{
    if (*v == '\0')
        return true;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
            return true;
    }
    return false;
}

static void log_put_value(char *line, size_t *pos, const char *v)
{
    if (v == NULL)
        v = "";
    if (!log_needs_quotes(v)) {
        log_put(line, pos, v, strlen(v));
        return;
    }
    log_put(line, pos, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            log_put(line, pos, esc, 2);
        } else if (*p == '\n') {
            log_put(line, pos, "\\n", 2);
        } else if (*p < ' ' || *p == 0x7f) {
            int n = snprintf(esc, sizeof esc, "\\x%02x", *p);
            log_put(line, pos, esc, (size_t)n);
        } else {
            log_put(line, pos, (const char *)p, 1);
        }
    }
    log_put(line, pos, "\"", 1);
}

void log_kv(enum log_level level, const char *event, ...)
{
    if (!log_enabled(level))
        return;
    char line[LOG_LINE_MAX];
    size_t pos = 0;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    char head[96];
    int n = snprintf(head, sizeof head, "ts=%s level=%s event=", now, log_level_name(level));
    log_put(line, &pos, head, (size_t)n);
    log_put_value(line, &pos, event);
    va_list ap;
    va_start(ap, event);
    for (;;) {
        const char *key = va_arg(ap, const char *);
        if (key == NULL)
            break;
        const char *value = va_arg(ap, const char *);
        log_put(line, &pos, " ", 1);
        log_put(line, &pos, key, strlen(key));
        log_put(line, &pos, "=", 1);
        log_put_value(line, &pos, value);
    }
    va_end(ap);
    line[pos++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, pos);
    (void)w;
}

/*
 * Structured logging: one line per event on stderr,
 *   ts=2026-11-28T15:25:48.123Z level=info event=http.request rid=... key=value ...
 * Values containing spaces, quotes, '=' or control characters are quoted and escaped so a
 * line always parses back. Secrets and Authorization headers must never be passed here.
 */
#ifndef AICOS_BASE_LOG_H
#define AICOS_BASE_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the minimum level that is written; thread-safe. */
void log_set_level(enum log_level level);

/* True when an event of this level would be written: check it before costly formatting. */
bool log_enabled(enum log_level level);

/* Parses "debug", "info", "warn", "error"; false if the name is unknown. */
bool log_level_parse(const char *name, enum log_level *out);

/* Name of a level ("info"). */
const char *log_level_name(enum log_level level);

/*
 * Writes one event. After the event name come key/value string pairs terminated by NULL;
 * a NULL value is written as an empty quoted string. The line is written with one write().
 */
void log_kv(enum log_level level, const char *event, ...) __attribute__((sentinel));

#endif

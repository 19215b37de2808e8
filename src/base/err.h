/*
 * The project-wide error enum and the optional detail buffer that goes with it.
 *
 * Every fallible function returns enum err. Callers that want to know why pass a
 * struct errbuf; callers that do not pass NULL. The errbuf carries a machine code
 * (snake_case, stable, shown to API clients) and a human sentence.
 */
#ifndef AICOS_BASE_ERR_H
#define AICOS_BASE_ERR_H

#include <stddef.h>

/*
 * Marks a function whose enum err result must be used: a caller that drops it gets a
 * compiler warning (an error in this build). Discard on purpose with err_discard(), with a comment.
 */
#define ERR_MUST_USE __attribute__((warn_unused_result))

enum err {
    ERR_OK = 0,
    ERR_NOMEM,       /* allocation failed */
    ERR_INVAL,       /* well-formed input that fails validation (HTTP 422) */
    ERR_PARSE,       /* malformed input: bad JSON, bad syntax (HTTP 400) */
    ERR_BADREQ,      /* a request the protocol forbids (HTTP 400) */
    ERR_TOOBIG,      /* input larger than its limit (HTTP 413) */
    ERR_MEDIA,       /* unsupported content type (HTTP 415) */
    ERR_NOTFOUND,    /* no such thing (HTTP 404) */
    ERR_METHOD,      /* the path exists, the method does not (HTTP 405) */
    ERR_CONFLICT,    /* state conflict, duplicate (HTTP 409) */
    ERR_AUTH,        /* not authenticated (HTTP 401) */
    ERR_FORBIDDEN,   /* authenticated but not allowed (HTTP 403) */
    ERR_LIMIT,       /* rate limit or quota reached (HTTP 429) */
    ERR_DB,          /* database failure (HTTP 500) */
    ERR_SCHEMA,      /* database schema missing, behind or newer than the program */
    ERR_IO,          /* file or socket failure (HTTP 500) */
    ERR_UPSTREAM,    /* an external system failed (HTTP 502) */
    ERR_UNAVAILABLE, /* temporarily cannot serve (HTTP 503) */
    ERR_CONFIG,      /* bad configuration value */
    ERR_INTERNAL,    /* a bug or an impossible state (HTTP 500) */
    ERR__COUNT
};

/*
 * Drops an enum err on purpose (GCC ignores a `(void)` cast on a must-use result). Say why in a
 * comment beside every use.
 */
static inline void err_discard(enum err e)
{
    (void)e;
}

#define ERRBUF_CODE_MAX 48
#define ERRBUF_MSG_MAX  512

struct errbuf {
    char code[ERRBUF_CODE_MAX]; /* machine code, empty means "use err_code(err)" */
    char msg[ERRBUF_MSG_MAX];   /* one human sentence */
};

/* Short stable name of an error ("not_found"); never NULL. */
const char *err_code(enum err e);

/* Default human sentence for an error; never NULL. */
const char *err_message(enum err e);

/*
 * Fills eb (if not NULL) with a machine code (NULL keeps the default for e) and a
 * printf-style message, and returns e so callers can write `return err_set(...)`.
 */
ERR_MUST_USE enum err err_set(struct errbuf *eb, enum err e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The code to report: eb->code if set, else err_code(e). */
const char *errbuf_code(const struct errbuf *eb, enum err e);

/* The message to report: eb->msg if set, else err_message(e). */
const char *errbuf_message(const struct errbuf *eb, enum err e);

#endif

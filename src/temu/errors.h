/*
 * Temu errors: the classification of every gateway error code of temu-open-platform.md §4.2
 * (plus the CN gateway's codes and the documented auth/tmc business codes), an operator hint
 * for each, and struct temu_error, the typed error every Temu call reports.
 *
 * Classes decide what the program does next:
 *   retryable  try again with backoff (4000000, 4000004, transport failures, HTTP 5xx/429)
 *   auth       the seller's token is missing, unknown, expired, replaced or lacks a scope:
 *              ask the seller to (re-)authorize (3000030-3000034, 5000000)
 *   config     the operator must fix something: secret/signature, app key, clock skew,
 *              IP whitelist, region or gateway URL
 *   permanent  this request will not succeed as sent (bad parameters, sunset API, ...)
 */
#ifndef AICOS_TEMU_ERRORS_H
#define AICOS_TEMU_ERRORS_H

#include <stddef.h>
#include <stdint.h>

#define TEMU_CODE_SUCCESS   1000000 /* errorCode of a successful answer */
#define TEMU_ERROR_MSG_MAX  256
#define TEMU_REQUEST_ID_MAX 96

enum temu_error_class {
    TEMU_ERROR_NONE = 0,
    TEMU_ERROR_RETRYABLE,
    TEMU_ERROR_AUTH,
    TEMU_ERROR_CONFIG,
    TEMU_ERROR_PERMANENT,
};

/* Where a failure was detected. */
enum temu_error_source {
    TEMU_SOURCE_NONE = 0,
    TEMU_SOURCE_LOCAL,     /* refused before sending: bad parameters, no token, ... */
    TEMU_SOURCE_TRANSPORT, /* DNS, connect, TLS, timeout, reset, response over the size cap */
    TEMU_SOURCE_HTTP,      /* an HTTP status other than 200 */
    TEMU_SOURCE_ENVELOPE,  /* HTTP 200 but not a valid {success, errorCode, ...} envelope */
    TEMU_SOURCE_GATEWAY,   /* success:false with an errorCode */
    TEMU_SOURCE_INNER,     /* success:true outside, result.success/operateResult false inside */
};

/* One known error code. */
struct temu_error_info {
    int64_t code;
    enum temu_error_class cls;
    const char *name; /* the platform's errorMsg, abridged */
    const char *hint; /* one sentence for the operator */
};

/* The typed error of a Temu call. Plain data: no cleanup needed. */
struct temu_error {
    enum temu_error_class cls;
    enum temu_error_source source;
    int64_t code;                         /* Temu errorCode; 0 when there was none */
    int http_status;                      /* 0 when no HTTP answer arrived */
    int attempts;                         /* requests sent, retries included */
    char message[TEMU_ERROR_MSG_MAX];     /* errorMsg or transport detail; no control bytes */
    char request_id[TEMU_REQUEST_ID_MAX]; /* Temu requestId when known */
    const char *hint;                     /* static operator hint; never NULL once set */
};

/* The entry for code, or NULL when the code is not in the table. */
const struct temu_error_info *temu_error_lookup(int64_t code);

/* Class of a Temu errorCode; unknown codes are TEMU_ERROR_PERMANENT, 1000000 is NONE. */
enum temu_error_class temu_error_classify(int64_t code);

/* Operator hint for a Temu errorCode; a generic sentence for unknown codes; never NULL. */
const char *temu_error_hint(int64_t code);

/*
 * Class of an HTTP status from the gateway: 200 is NONE, 429 and 5xx RETRYABLE, any other
 * status CONFIG (the gateway URL is probably wrong).
 */
enum temu_error_class temu_error_classify_http(int status);

/* "retryable", "auth", "config", "permanent" or "none". */
const char *temu_error_class_name(enum temu_error_class cls);

/* "local", "transport", "http", "envelope", "gateway", "inner" or "none". */
const char *temu_error_source_name(enum temu_error_source src);

/* Number of table entries and entry i (NULL past the end), for listing and tests. */
size_t temu_error_count(void);
const struct temu_error_info *temu_error_at(size_t i);

/* Resets e to "no error". */
void temu_error_clear(struct temu_error *e);

/*
 * Fills e with class, source, code and message (copied with control bytes replaced by '?',
 * truncated on a UTF-8 boundary) and the matching hint (hint may be NULL to take the table's).
 */
void temu_error_set(struct temu_error *e, enum temu_error_class cls, enum temu_error_source src,
                    int64_t code, const char *message, const char *hint);

#endif

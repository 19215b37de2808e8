/*
 * Checked parsing of numbers and other small values. The only way this program turns
 * text into integers.
 */
#ifndef AICOS_BASE_PARSE_H
#define AICOS_BASE_PARSE_H

#include <stdint.h>

#include "base/err.h"

/*
 * Parses all of s as a base-10 integer within [min, max]. Leading/trailing space, signs
 * on unsigned ranges, empty strings, overflow and trailing garbage are ERR_INVAL.
 */
ERR_MUST_USE enum err parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Bytes the decimal text of any int64 needs, without a NUL ("-9223372036854775808"). */
#define PARSE_INT64_DIGITS 20

/*
 * The inverse of parse_int64(): v in decimal ("%lld", a '-' for negatives, no leading zeros)
 * at the END of out; returns where it starts (out + PARSE_INT64_DIGITS - its length). No NUL.
 * For the hot paths that print many integers (JSON lists, database cells) without printf.
 */
char *parse_int64_text(int64_t v, char out[PARSE_INT64_DIGITS]);

/*
 * Splits "host:port" (or "[v6]:port") into host (copied into host, hostlen bytes) and port.
 * The port must be 1..65535 (0 allowed when allow_zero). ERR_INVAL on any defect.
 */
ERR_MUST_USE enum err parse_host_port(const char *s, char *host, unsigned hostlen, unsigned *port,
                                      int allow_zero);

#endif

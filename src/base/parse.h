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

/*
 * Splits "host:port" (or "[v6]:port") into host (copied into host, hostlen bytes) and port.
 * The port must be 1..65535 (0 allowed when allow_zero). ERR_INVAL on any defect.
 */
ERR_MUST_USE enum err parse_host_port(const char *s, char *host, unsigned hostlen, unsigned *port,
                                      int allow_zero);

#endif

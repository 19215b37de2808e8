/*
 * canon: the Temu request signature as the gateway checks it (temu-open-platform.md §2.2,
 * §2.4), written independently of the client in src/temu/. The body is scanned by our own
 * order-preserving JSON scanner that keeps number tokens exactly as sent, because a parser
 * that converts numbers (1.0, 1e3, big ids) would re-print them differently from the client.
 *
 * Real clients disagree on details the documents leave open, so several canonical forms are
 * accepted (each bit of a variant picks one side of one disagreement):
 *   CANON_TOP_ESCAPED      top-level strings signed JSON-escaped (official Python sample) or
 *                          raw (JS, Qt, Go clients);
 *   CANON_NESTED_VERBATIM  nested strings signed as they appear in the body (escapes kept,
 *                          e.g. \u00e9 or \/) or re-escaped minimally (raw UTF-8, "/" bare);
 *   CANON_OMIT_EMPTY       null and "" values left out of the sign (Go SDK) or signed as
 *                          "null" and "" (Python sample).
 */
#ifndef SBX_CANON_H
#define SBX_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

#define CANON_TOP_ESCAPED     1u
#define CANON_NESTED_VERBATIM 2u
#define CANON_OMIT_EMPTY      4u
#define CANON_VARIANTS        8u /* variants are 0 .. CANON_VARIANTS-1 */

/*
 * Writes into out (initialised by the caller) the sorted key+value concatenation of every
 * top-level key of the JSON object body except "sign", without the secret. Returns false when
 * the body is not a JSON object within the limits.
 */
bool canon_build(const char *body, size_t len, unsigned variant, struct sbuf *out);

/* Writes uppercase hex MD5(secret + canon + secret) into out (33 bytes with the NUL). */
bool canon_sign(const char *secret, const char *canon, size_t canon_len, char out[33]);

/* True when sign (hex, any case) matches the body under any accepted variant. */
bool canon_verify(const char *body, size_t len, const char *secret, const char *sign);

#endif

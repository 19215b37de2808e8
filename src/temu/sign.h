/*
 * Request signing for the Temu Open Platform (temu-open-platform.md §2.2): MD5 over
 * app_secret + the byte-wise sorted concatenation of key + valueString + app_secret, as 32
 * uppercase hex characters. Not HMAC.
 *
 * valueString rules, applied to every top-level parameter except "sign":
 *   string          its characters, unquoted and unescaped (as the JS, Qt and Go clients do)
 *   integer         decimal digits
 *   true / false    lowercase literal
 *   object / array  compact JSON (no spaces; keys in the order of the json_t, which jansson
 *                   keeps in insertion order; non-ASCII raw UTF-8; "/" not escaped),
 *                   serialized ONCE: the very same text is spliced into the body, so body
 *                   and signature always agree
 *   null, "", [], {}  omitted from both the signature and the body
 *   real numbers    refused (ERR_INVAL): the platform has no canonical form for them; send
 *                   amounts as strings or integers
 * Keys must be 1..64 characters of [A-Za-z0-9_.-]; at most LIMIT_TEMU_PARAMS of them.
 */
#ifndef AICOS_TEMU_SIGN_H
#define AICOS_TEMU_SIGN_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define TEMU_SIGN_HEX_LEN 32 /* characters of a signature, without the NUL */

/*
 * Appends to concat the canonical concatenation of params (a JSON object) WITHOUT the secret:
 * the sorted key + valueString pairs. A "sign" member is ignored. ERR_INVAL (with a message
 * naming the key) for a non-object, a bad key, a real number, a string holding NUL, or too
 * many keys; ERR_TOOBIG past concat->max; ERR_NOMEM.
 */
ERR_MUST_USE enum err temu_sign_canonicalize(const json_t *params, struct buf *concat,
                                             struct errbuf *eb);

/*
 * Computes uppercase hex MD5(secret + concat + secret) into out (NUL-terminated). The secret
 * is fed to the digest directly and never copied. ERR_INTERNAL if the MD5 implementation is
 * unavailable (e.g. a FIPS-only OpenSSL).
 */
ERR_MUST_USE enum err temu_sign_digest(const char *secret, size_t secret_len, const char *concat,
                                       size_t concat_len, char out[TEMU_SIGN_HEX_LEN + 1]);

/*
 * Signs params with secret and appends to body the complete JSON request body: every
 * non-omitted parameter, each value written with exactly the text that was signed, plus
 * "sign". If sign_out is not NULL it receives the signature. The body never contains the
 * secret. Errors as temu_sign_canonicalize(); on error body may hold a partial document.
 */
ERR_MUST_USE enum err temu_sign_body(const json_t *params, const char *secret, size_t secret_len,
                                     struct buf *body, char sign_out[TEMU_SIGN_HEX_LEN + 1],
                                     struct errbuf *eb);

#endif

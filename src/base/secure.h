/*
 * Small security primitives on libsodium: random tokens, token hashing, constant-time
 * comparison, and wiping. Call secure_init() once before any of them (the program's
 * subcommands do; tests call it in setup).
 */
#ifndef AICOS_BASE_SECURE_H
#define AICOS_BASE_SECURE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define SECURE_TOKEN_LEN 43 /* base64url (no padding) of 32 random bytes */
#define SECURE_HASH_HEX  65 /* 64 hex digits of BLAKE2b-256 plus NUL */

/* Initializes libsodium; ERR_INTERNAL if it cannot (no entropy source). */
ERR_MUST_USE enum err secure_init(void);

/* Writes a fresh random token (SECURE_TOKEN_LEN chars + NUL) into out. */
void secure_token(char out[SECURE_TOKEN_LEN + 1]);

/* Hex BLAKE2b-256 of s: how session ids and API tokens are stored. */
void secure_hash_hex(const char *s, char out[SECURE_HASH_HEX]);

/* Constant-time equality of two NUL-terminated strings (length may leak, content not). */
bool secure_equal(const char *a, const char *b);

/* Zeroes n bytes in a way the compiler cannot drop. */
void secure_wipe(void *p, size_t n);

/* Uniform random integer in [0, upper). */
unsigned secure_uniform(unsigned upper);

#endif

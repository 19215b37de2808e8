/*
 * Operator passwords: Argon2id hashes (libsodium's crypto_pwhash_str, which embeds the salt
 * and parameters), a strength rule, and generation of strong passwords.
 */
#ifndef AICOS_AUTH_PASSWORD_H
#define AICOS_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define AUTH_PASSWORD_MIN  12
#define AUTH_PASSWORD_MAX  256
#define AUTH_HASH_MAX      128 /* crypto_pwhash_STRBYTES */
#define AUTH_GENERATED_LEN 20

/* Hashes password into out (AUTH_HASH_MAX bytes). ERR_NOMEM when Argon2 cannot allocate. */
ERR_MUST_USE enum err auth_password_hash(const char *password, char out[AUTH_HASH_MAX]);

/* True when password matches the stored hash. Takes the same time for any wrong password. */
bool auth_password_verify(const char *hash, const char *password);

/* Checks length and that the password is not trivially weak; ERR_INVAL with a reason. */
ERR_MUST_USE enum err auth_password_check(const char *password, struct errbuf *eb);

/* Writes a random password of AUTH_GENERATED_LEN characters from an unambiguous alphabet. */
void auth_password_generate(char out[AUTH_GENERATED_LEN + 1]);

#endif

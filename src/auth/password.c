#include "auth/password.h"

#include <sodium.h>
#include <string.h>

#include "base/secure.h"

/*
 * Interactive limits (2 passes, 64 MiB): about 0.1 s per login on a small server, which is
 * what makes an offline guess expensive while keeping sign-in quick.
 */
#define AUTH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define AUTH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

enum err auth_password_hash(const char *password, char out[AUTH_HASH_MAX])
{
    _Static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
    if (crypto_pwhash_str(out, password, strlen(password), AUTH_OPSLIMIT, AUTH_MEMLIMIT) != 0)
        return ERR_NOMEM;
    return ERR_OK;
}

bool auth_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

enum err auth_password_check(const char *password, struct errbuf *eb)
{
    size_t len = strlen(password);
    if (len < AUTH_PASSWORD_MIN)
        return err_set(eb, ERR_INVAL, "password_too_short",
                       "The password must have at least %d characters.", AUTH_PASSWORD_MIN);
    if (len > AUTH_PASSWORD_MAX)
        return err_set(eb, ERR_INVAL, "password_too_long",
                       "The password must have at most %d characters.", AUTH_PASSWORD_MAX);
    size_t distinct = 0;
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < len; i++) {
        if (!seen[(unsigned char)password[i]]++)
            distinct++;
    }
    if (distinct < 5)
        return err_set(eb, ERR_INVAL, "password_too_simple",
                       "The password repeats too few characters; use at least 5 different ones.");
    return ERR_OK;
}

void auth_password_generate(char out[AUTH_GENERATED_LEN + 1])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i < AUTH_GENERATED_LEN; i++)
        out[i] = alphabet[secure_uniform((unsigned)(sizeof alphabet - 1))];
    out[AUTH_GENERATED_LEN] = '\0';
}

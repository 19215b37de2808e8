#include "base/secure.h"

#include <sodium.h>
#include <string.h>

enum err secure_init(void)
{
    return sodium_init() < 0 ? ERR_INTERNAL : ERR_OK;
}

void secure_token(char out[SECURE_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SECURE_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void secure_hash_hex(const char *s, char out[SECURE_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
    sodium_bin2hex(out, SECURE_HASH_HEX, h, sizeof h);
}

bool secure_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}

void secure_wipe(void *p, size_t n)
{
    if (p != NULL)
        sodium_memzero(p, n);
}

unsigned secure_uniform(unsigned upper)
{
    return upper == 0 ? 0 : randombytes_uniform(upper);
}

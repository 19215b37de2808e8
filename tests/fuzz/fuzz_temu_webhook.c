/*
 * Fuzz target: webhook decryption and verification. The input is the base64 eventData (and,
 * when it decrypts, also serves as a signature header). Whatever decrypts must re-encrypt to
 * a ciphertext that decrypts to the same plaintext; verification never crashes and never
 * accepts the fuzzed signature unless it is the real one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "temu/webhook.h"

#define FUZZ_SECRET "12345678abcdefgh"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *plain = NULL, *b64 = NULL, *plain2 = NULL;
    size_t len = 0, len2 = 0;
    char sig[TEMU_WEBHOOK_SIG_HEX_LEN + 1];
    char given[TEMU_WEBHOOK_SIG_HEX_LEN + 1];
    size_t glen = size < TEMU_WEBHOOK_SIG_HEX_LEN ? size : TEMU_WEBHOOK_SIG_HEX_LEN;
    memcpy(given, data, glen);
    given[glen] = '\0';
    struct temu_webhook_headers h = {"app", "bg_test_event", "1726127013525", "{}", given};
    if (temu_webhook_decrypt(FUZZ_SECRET, 16, (const char *)data, size, &plain, &len, NULL) !=
        ERR_OK)
        goto verify;
    if (temu_webhook_encrypt(FUZZ_SECRET, 16, plain, len, &b64, NULL) != ERR_OK ||
        temu_webhook_decrypt(FUZZ_SECRET, 16, b64, strlen(b64), &plain2, &len2, NULL) != ERR_OK ||
        len2 != len || memcmp(plain, plain2, len) != 0)
        abort();
    if (temu_webhook_sign(FUZZ_SECRET, 16, &h, plain, len, true, sig) != ERR_OK)
        abort();
    h.signature = sig;
    if (temu_webhook_verify(FUZZ_SECRET, 16, &h, plain, len, NULL, NULL) != ERR_OK)
        abort();
verify:
    h.signature = given;
    enum err e = temu_webhook_verify(FUZZ_SECRET, 16, &h, (const char *)data, size, NULL, NULL);
    if (e != ERR_OK && e != ERR_AUTH)
        abort();
    free(plain);
    free(plain2);
    free(b64);
    return 0;
}

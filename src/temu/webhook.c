#include "temu/webhook.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"

#define AES_BLOCK 16

enum err temu_webhook_decrypt(const char *secret, size_t secret_len, const char *b64,
                              size_t b64_len, char **plain, size_t *plain_len, struct errbuf *eb)
{
    unsigned char *cipher = NULL;
    unsigned char *out = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    size_t cipher_len = 0;
    enum err e = ERR_INVAL;
    *plain = NULL;
    *plain_len = 0;
    if (secret_len < TEMU_WEBHOOK_KEY_BYTES)
        return err_set(eb, ERR_INVAL, "temu_webhook_secret",
                       "The app secret is shorter than 16 bytes.");
    if (b64_len > LIMIT_TEMU_WEBHOOK_BYTES)
        return err_set(eb, ERR_TOOBIG, "temu_webhook_too_big",
                       "The webhook eventData is larger than %d bytes.", LIMIT_TEMU_WEBHOOK_BYTES);
    cipher = malloc(b64_len / 4 * 3 + 3);
    if (cipher == NULL)
        return ERR_NOMEM;
    const char *end = NULL;
    if (sodium_base642bin(cipher, b64_len / 4 * 3 + 3, b64, b64_len, NULL, &cipher_len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + b64_len) {
        e = err_set(eb, ERR_INVAL, "temu_webhook_base64", "eventData is not valid base64.");
        goto out;
    }
    if (cipher_len == 0 || cipher_len % AES_BLOCK != 0) {
        e = err_set(eb, ERR_INVAL, "temu_webhook_cipher",
                    "eventData is not a whole number of AES blocks.");
        goto out;
    }
    e = ERR_NOMEM;
    out = malloc(cipher_len + AES_BLOCK + 1);
    ctx = EVP_CIPHER_CTX_new();
    if (out == NULL || ctx == NULL)
        goto out;
    const unsigned char *key = (const unsigned char *)secret;
    int n1 = 0, n2 = 0;
    e = ERR_INVAL;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, key) != 1 ||
        EVP_DecryptUpdate(ctx, out, &n1, cipher, (int)cipher_len) != 1 ||
        EVP_DecryptFinal_ex(ctx, out + n1, &n2) != 1) {
        e = err_set(eb, ERR_INVAL, "temu_webhook_decrypt",
                    "eventData does not decrypt with this app's secret (bad padding).");
        goto out;
    }
    out[n1 + n2] = '\0';
    *plain = (char *)out;
    *plain_len = (size_t)(n1 + n2);
    out = NULL;
    e = ERR_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    if (out != NULL) {
        sodium_memzero(out, cipher_len + AES_BLOCK + 1);
        free(out);
    }
    free(cipher);
    return e;
}

enum err temu_webhook_encrypt(const char *secret, size_t secret_len, const char *plain,
                              size_t plain_len, char **b64, struct errbuf *eb)
{
    unsigned char *cipher = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    enum err e = ERR_NOMEM;
    *b64 = NULL;
    if (secret_len < TEMU_WEBHOOK_KEY_BYTES)
        return err_set(eb, ERR_INVAL, "temu_webhook_secret",
                       "The app secret is shorter than 16 bytes.");
    if (plain_len > LIMIT_TEMU_WEBHOOK_BYTES / 2)
        return err_set(eb, ERR_TOOBIG, "temu_webhook_too_big", "The event is too large.");
    cipher = malloc(plain_len + AES_BLOCK);
    ctx = EVP_CIPHER_CTX_new();
    if (cipher == NULL || ctx == NULL)
        goto out;
    const unsigned char *key = (const unsigned char *)secret;
    int n1 = 0, n2 = 0;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, key) != 1 ||
        EVP_EncryptUpdate(ctx, cipher, &n1, (const unsigned char *)plain, (int)plain_len) != 1 ||
        EVP_EncryptFinal_ex(ctx, cipher + n1, &n2) != 1) {
        e = err_set(eb, ERR_INTERNAL, NULL, "AES-128-CBC encryption failed.");
        goto out;
    }
    size_t len = (size_t)(n1 + n2);
    size_t b64_cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    *b64 = malloc(b64_cap);
    if (*b64 == NULL)
        goto out;
    sodium_bin2base64(*b64, b64_cap, cipher, len, sodium_base64_VARIANT_ORIGINAL);
    e = ERR_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    free(cipher);
    return e;
}

static void webhook_pair(crypto_auth_hmacsha256_state *st, const char *name, const char *value,
                         size_t value_len)
{
    crypto_auth_hmacsha256_update(st, (const unsigned char *)name, strlen(name));
    crypto_auth_hmacsha256_update(st, (const unsigned char *)value, value_len);
}

/* The raw 32-byte MAC of one variant. */
ERR_MUST_USE static enum err webhook_mac(const char *secret, size_t secret_len,
                                         const struct temu_webhook_headers *h, const char *plain,
                                         size_t plain_len, bool with_ext,
                                         unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    if (h->app_key == NULL || h->event_code == NULL || h->timestamp == NULL || plain == NULL)
        return ERR_INVAL;
    if (sodium_init() < 0)
        return ERR_INTERNAL;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, secret_len);
    /* The byte-wise order of the names: eventData < x-tm-app-key < x-tm-event-code <
     * x-tm-ext-param < x-tm-timestamp. */
    webhook_pair(&st, "eventData", plain, plain_len);
    webhook_pair(&st, "x-tm-app-key", h->app_key, strlen(h->app_key));
    webhook_pair(&st, "x-tm-event-code", h->event_code, strlen(h->event_code));
    if (with_ext && h->ext_param != NULL)
        webhook_pair(&st, "x-tm-ext-param", h->ext_param, strlen(h->ext_param));
    webhook_pair(&st, "x-tm-timestamp", h->timestamp, strlen(h->timestamp));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    return ERR_OK;
}

enum err temu_webhook_sign(const char *secret, size_t secret_len,
                           const struct temu_webhook_headers *h, const char *plain,
                           size_t plain_len, bool with_ext, char out[TEMU_WEBHOOK_SIG_HEX_LEN + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    enum err e = webhook_mac(secret, secret_len, h, plain, plain_len, with_ext, mac);
    if (e != ERR_OK)
        return e;
    sodium_bin2hex(out, TEMU_WEBHOOK_SIG_HEX_LEN + 1, mac, sizeof mac);
    return ERR_OK;
}

enum err temu_webhook_verify(const char *secret, size_t secret_len,
                             const struct temu_webhook_headers *h, const char *plain,
                             size_t plain_len, enum temu_webhook_variant *variant,
                             struct errbuf *eb)
{
    unsigned char given[crypto_auth_hmacsha256_BYTES];
    unsigned char with[crypto_auth_hmacsha256_BYTES];
    unsigned char without[crypto_auth_hmacsha256_BYTES];
    size_t given_len = 0;
    const char *end = NULL;
    if (variant != NULL)
        *variant = TEMU_WEBHOOK_NONE;
    if (webhook_mac(secret, secret_len, h, plain, plain_len, true, with) != ERR_OK ||
        webhook_mac(secret, secret_len, h, plain, plain_len, false, without) != ERR_OK)
        return err_set(eb, ERR_INVAL, "temu_webhook_headers",
                       "The webhook lacks x-tm-app-key, x-tm-event-code or x-tm-timestamp.");
    const char *sig = h->signature != NULL ? h->signature : "";
    if (strlen(sig) != TEMU_WEBHOOK_SIG_HEX_LEN ||
        sodium_hex2bin(given, sizeof given, sig, TEMU_WEBHOOK_SIG_HEX_LEN, NULL, &given_len,
                       &end) != 0 ||
        given_len != sizeof given || end != sig + TEMU_WEBHOOK_SIG_HEX_LEN)
        return err_set(eb, ERR_AUTH, "temu_webhook_signature",
                       "x-tm-signature is not 64 hex characters.");
    /* Both comparisons always run, so timing does not tell which variant was tried. */
    int match_with = h->ext_param != NULL && sodium_memcmp(given, with, sizeof given) == 0;
    int match_without = sodium_memcmp(given, without, sizeof given) == 0;
    sodium_memzero(with, sizeof with);
    sodium_memzero(without, sizeof without);
    if (!match_with && !match_without)
        return err_set(eb, ERR_AUTH, "temu_webhook_signature",
                       "x-tm-signature does not match this app's secret.");
    if (variant != NULL)
        *variant = match_with ? TEMU_WEBHOOK_WITH_EXT : TEMU_WEBHOOK_WITHOUT_EXT;
    return ERR_OK;
}

/*
 * The portal's Test button (bg_open_event_test) may deliver eventData unencrypted, as a JSON
 * string or object (a production receiver reports it and verifies over the raw eventData).
 * Only for that event code, and only when eventData does not decrypt: the signature is
 * checked over eventData as sent (its compact JSON text when it is an object), so the
 * delivery is still authenticated by the app secret; what is skipped is the encryption. The
 * event changes no data (it refreshes no stream). The plaintext is parsed as JSON when it is
 * JSON, else kept as {"text": ...}.
 */
ERR_MUST_USE static enum err webhook_open_test(const char *secret, size_t secret_len,
                                               const struct temu_webhook_headers *h,
                                               const json_t *data, json_t **event,
                                               struct errbuf *eb)
{
    char *text = NULL;
    if (json_is_string(data)) {
        size_t n = json_string_length(data);
        if ((text = malloc(n + 1)) != NULL) {
            memcpy(text, json_string_value(data), n);
            text[n] = '\0';
        }
    } else {
        text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    size_t len = strlen(text);
    enum err e = temu_webhook_verify(secret, secret_len, h, text, len, NULL, eb);
    if (e == ERR_OK && json_parse_strict(text, len, LIMIT_JSON_DEPTH, event, NULL) != ERR_OK) {
        *event = json_pack("{s:s}", "text", text);
        e = *event != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    free(text);
    return e;
}

enum err temu_webhook_open(const char *secret, size_t secret_len, const char *expected_app_key,
                           const struct temu_webhook_headers *h, const char *body, size_t body_len,
                           json_t **event, struct errbuf *eb)
{
    json_t *doc = NULL;
    char *plain = NULL;
    size_t plain_len = 0;
    enum err e;
    *event = NULL;
    if (body_len > LIMIT_TEMU_WEBHOOK_BYTES)
        return err_set(eb, ERR_TOOBIG, "temu_webhook_too_big",
                       "The webhook body is larger than %d bytes.", LIMIT_TEMU_WEBHOOK_BYTES);
    if (expected_app_key != NULL &&
        (h->app_key == NULL || strcmp(h->app_key, expected_app_key) != 0))
        return err_set(eb, ERR_AUTH, "temu_webhook_app_key",
                       "x-tm-app-key does not name this app.");
    e = json_parse_strict(body, body_len, LIMIT_JSON_DEPTH, &doc, eb);
    if (e != ERR_OK)
        goto out;
    const char *data = json_get_string(doc, "eventData");
    bool test = h->event_code != NULL && strcmp(h->event_code, TEMU_WEBHOOK_TEST_EVENT) == 0;
    if (test && json_is_object(json_object_get(doc, "eventData"))) {
        e = webhook_open_test(secret, secret_len, h, json_object_get(doc, "eventData"), event, eb);
        goto out;
    }
    if (data == NULL) {
        e = err_set(eb, ERR_PARSE, "temu_webhook_body", "The webhook body has no eventData.");
        goto out;
    }
    e = temu_webhook_decrypt(secret, secret_len, data,
                             json_string_length(json_object_get(doc, "eventData")), &plain,
                             &plain_len, eb);
    if (e == ERR_INVAL && test && secret_len >= TEMU_WEBHOOK_KEY_BYTES) {
        e = webhook_open_test(secret, secret_len, h, json_object_get(doc, "eventData"), event, eb);
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    e = temu_webhook_verify(secret, secret_len, h, plain, plain_len, NULL, eb);
    if (e != ERR_OK)
        goto out;
    e = json_parse_strict(plain, plain_len, LIMIT_JSON_DEPTH, event, eb);
out:
    if (plain != NULL) {
        sodium_memzero(plain, plain_len);
        free(plain);
    }
    json_decref(doc);
    return e;
}

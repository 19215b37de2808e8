/*
 * Temu webhook events (temu-open-platform.md §9.3-9.5).
 *
 * Delivery: POST {"eventData":"<base64>"} with headers x-tm-app-key, x-tm-event-code,
 * x-tm-timestamp (ms), x-tm-signature (64 hex) and optionally x-tm-ext-param.
 *   Decryption: AES-128-CBC, PKCS#7 padding, key = IV = the first 16 bytes of the app secret.
 *   Signature:  lowercase hex HMAC-SHA256 keyed with the whole app secret over the sorted
 *               name+value pairs eventData(plaintext), x-tm-app-key, x-tm-event-code,
 *               [x-tm-ext-param,] x-tm-timestamp, with no separators.
 * The two official examples disagree on whether x-tm-ext-param is signed when present, so
 * verification accepts either variant (both compared in constant time). The Java
 * "key=value&" recipe of the official guide matches neither example and is not used.
 */
#ifndef AICOS_TEMU_WEBHOOK_H
#define AICOS_TEMU_WEBHOOK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define TEMU_WEBHOOK_SIG_HEX_LEN 64
#define TEMU_WEBHOOK_TEST_EVENT  "bg_open_event_test" /* the portal's Test button */
#define TEMU_WEBHOOK_KEY_BYTES   16                   /* AES-128 key (and IV) length */

/* The x-tm-* headers of one delivery (borrowed strings). */
struct temu_webhook_headers {
    const char *app_key;    /* x-tm-app-key */
    const char *event_code; /* x-tm-event-code */
    const char *timestamp;  /* x-tm-timestamp, milliseconds */
    const char *ext_param;  /* x-tm-ext-param, NULL when the header is absent */
    const char *signature;  /* x-tm-signature */
};

/* Which signature variant matched. */
enum temu_webhook_variant {
    TEMU_WEBHOOK_NONE = 0,
    TEMU_WEBHOOK_WITH_EXT,    /* x-tm-ext-param included in the signed pairs */
    TEMU_WEBHOOK_WITHOUT_EXT, /* x-tm-ext-param left out */
};

/*
 * Decrypts the base64 eventData (b64_len bytes) with the app secret (at least 16 bytes).
 * On ERR_OK *plain is a malloc'd NUL-terminated plaintext of *plain_len bytes, owned by the
 * caller (wipe and free it). ERR_INVAL for a short secret, bad base64, a ciphertext that is
 * empty or not a multiple of 16 bytes, or bad padding; ERR_TOOBIG past
 * LIMIT_TEMU_WEBHOOK_BYTES; ERR_NOMEM. The message never contains key material.
 */
ERR_MUST_USE enum err temu_webhook_decrypt(const char *secret, size_t secret_len, const char *b64,
                                           size_t b64_len, char **plain, size_t *plain_len,
                                           struct errbuf *eb);

/*
 * Computes the lowercase hex signature of a delivery over the decrypted plaintext, with or
 * without x-tm-ext-param (with_ext is ignored when h->ext_param is NULL). out gets 64 hex
 * characters and a NUL. ERR_INVAL when a required header is NULL, ERR_INTERNAL on a crypto
 * failure.
 */
ERR_MUST_USE enum err temu_webhook_sign(const char *secret, size_t secret_len,
                                        const struct temu_webhook_headers *h, const char *plain,
                                        size_t plain_len, bool with_ext,
                                        char out[TEMU_WEBHOOK_SIG_HEX_LEN + 1]);

/*
 * Verifies h->signature (hex, either case) against both variants in constant time.
 * ERR_OK with *variant set (may be NULL) when one matches; ERR_AUTH when none does or the
 * signature is not 64 hex characters; ERR_INVAL for missing headers.
 */
ERR_MUST_USE enum err temu_webhook_verify(const char *secret, size_t secret_len,
                                          const struct temu_webhook_headers *h, const char *plain,
                                          size_t plain_len, enum temu_webhook_variant *variant,
                                          struct errbuf *eb);

/*
 * The whole receiving step: parses the body {"eventData":"..."} (at most
 * LIMIT_TEMU_WEBHOOK_BYTES), checks h->app_key equals expected_app_key when that is not NULL,
 * decrypts and verifies. On ERR_OK *event is the parsed plaintext JSON (caller json_decref()s
 * it). ERR_PARSE for a malformed body or plaintext, ERR_AUTH for a wrong app key or
 * signature, other errors as above. Only the portal's test event (TEMU_WEBHOOK_TEST_EVENT) is
 * also accepted unencrypted, its signature then checked over eventData as sent (still
 * authenticated by the secret); every other event must decrypt.
 */
ERR_MUST_USE enum err temu_webhook_open(const char *secret, size_t secret_len,
                                        const char *expected_app_key,
                                        const struct temu_webhook_headers *h, const char *body,
                                        size_t body_len, json_t **event, struct errbuf *eb);

/*
 * Encrypts plaintext as Temu does (for the sandbox and tests): AES-128-CBC, PKCS#7,
 * key = IV = secret[0:16], base64. *b64 is malloc'd and NUL-terminated, owned by the caller.
 */
ERR_MUST_USE enum err temu_webhook_encrypt(const char *secret, size_t secret_len, const char *plain,
                                           size_t plain_len, char **b64, struct errbuf *eb);

#endif

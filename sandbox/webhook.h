/*
 * webhook: pushes events (temu-open-platform.md §9.3-9.6) to a configured http:// URL: the
 * payload is AES-128-CBC encrypted with key = IV = the first 16 bytes of the app secret,
 * base64 in {"eventData":…}; x-tm-signature is HMAC-SHA256 (full secret, lowercase hex) over
 * the sorted name+value pairs including x-tm-ext-param. Delivery counts only on HTTP 200 within
 * 500 ms; failures are retried after 2 min, 10 min, 30 min, 1 h, 1 h, 1 h, 12 h, 12 h, then
 * dropped. The schedule is multiplied by a scale (e.g. 0.001 turns minutes into tens of
 * milliseconds) so tests can watch the whole schedule.
 */
#ifndef SBX_WEBHOOK_H
#define SBX_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth.h"

struct webhook;

/* A pusher with no target; scale multiplies the retry schedule. NULL when out of memory. */
struct webhook *webhook_new(struct auth *auth, double scale);

/* Stops the delivery thread and frees everything; NULL is a no-op. */
void webhook_free(struct webhook *w);

/*
 * Sets the target: url (http://host:port/path; NULL or "" disables), the app whose secret
 * signs, and the retry scale (> 0). Returns false with a sentence in err on bad values.
 */
bool webhook_configure(struct webhook *w, const char *url, const char *app_key, double scale,
                       char *err, size_t errlen);

/* Queues an event for delivery (a world listener: the payload is borrowed). */
void webhook_on_event(void *ctx, int64_t mall_id, const char *event_code, json_t *payload);

/* Target, counters and the last deliveries, for GET /_sandbox/webhook. */
json_t *webhook_json(struct webhook *w);

/*
 * Encrypts plaintext (AES-128-CBC, PKCS7, key = IV = secret[0:16]) into malloc'd base64.
 * NULL when the secret is shorter than 16 bytes or out of memory.
 */
char *webhook_encrypt(const char *secret, const char *plaintext);

/* HMAC-SHA256 signature of §9.5 into out (65 bytes with the NUL); ext may be NULL. */
bool webhook_sign(const char *secret, const char *app_key, const char *event_code,
                  const char *timestamp_ms, const char *ext, const char *plaintext, char out[65]);

#endif

/*
 * Fuzz target: the sign canonicalizer. For any JSON object that is accepted, the body that
 * temu_sign_body() writes must parse, and canonicalizing that body as the gateway does (§2.4)
 * must give the very signature the client sent: body and signature always agree.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "temu/sign.h"

#define FUZZ_SECRET "fuzz-secret"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *params =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    struct buf body = {.max = 1 << 20}, concat = {.max = 1 << 20};
    char sign[TEMU_SIGN_HEX_LEN + 1], again[TEMU_SIGN_HEX_LEN + 1];
    json_t *sent = NULL;
    if (params == NULL)
        return 0;
    if (temu_sign_body(params, FUZZ_SECRET, strlen(FUZZ_SECRET), &body, sign, NULL) != ERR_OK)
        goto out;
    sent = json_loadb(body.data, body.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (sent == NULL)
        abort();
    if (temu_sign_canonicalize(sent, &concat, NULL) != ERR_OK)
        abort();
    if (temu_sign_digest(FUZZ_SECRET, strlen(FUZZ_SECRET), concat.data ? concat.data : "",
                         concat.len, again) != ERR_OK ||
        strcmp(sign, again) != 0 ||
        strcmp(sign, json_string_value(json_object_get(sent, "sign"))) != 0)
        abort();
out:
    json_decref(sent);
    json_decref(params);
    buf_free(&body);
    buf_free(&concat);
    return 0;
}

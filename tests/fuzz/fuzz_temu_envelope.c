/*
 * Fuzz target: the Temu answer envelope parser (temu_envelope_parse). Any bytes must give
 * ERR_OK or ERR_UPSTREAM, a classified error, and no leak or crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "temu/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct temu_result res;
    struct temu_error te;
    enum err e = temu_envelope_parse((const char *)data, size, &res, &te);
    if (e != ERR_OK && e != ERR_UPSTREAM)
        abort();
    if (e == ERR_OK && (res.result == NULL || te.cls != TEMU_ERROR_NONE))
        abort();
    if (e == ERR_UPSTREAM && (te.cls == TEMU_ERROR_NONE || te.hint == NULL))
        abort();
    temu_result_clear(&res);
    return 0;
}

/*
 * Fuzz target: strict JSON parsing of request bodies (json_parse_strict, as the server calls
 * it). Any bytes give ERR_OK or ERR_PARSE with a message; what parses nests no deeper than the
 * limit, and its serialization parses back strictly to an equal value.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/json.h"
#include "base/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nesting of arrays and objects in v (a scalar is 0). */
static int depth_of(const json_t *v)
{
    int deepest = 0;
    if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x)
        {
            int d = depth_of(x);
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            int d = depth_of(x);
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *v = NULL, *again = NULL;
    struct errbuf eb = {0};
    struct buf b = {.max = 1u << 20};
    enum err e = json_parse_strict((const char *)data, size, LIMIT_JSON_DEPTH, &v, &eb);
    if (e != ERR_OK) {
        if (e != ERR_PARSE || v != NULL || eb.msg[0] == '\0')
            abort();
        goto out;
    }
    if (v == NULL || depth_of(v) > LIMIT_JSON_DEPTH)
        abort();
    if (json_dump_to_buf(v, &b) != ERR_OK)
        goto out; /* larger than the buffer's cap: nothing to compare */
    if (json_parse_strict(b.data, b.len, LIMIT_JSON_DEPTH, &again, &eb) != ERR_OK ||
        !json_equal(v, again))
        abort();
out:
    json_decref(v);
    json_decref(again);
    buf_free(&b);
    return 0;
}

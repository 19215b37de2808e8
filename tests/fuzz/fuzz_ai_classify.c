/*
 * Fuzz target: buyer messages (ai_classify, as POST /api/v1/ai/classify and the case sync
 * call it). Any bytes give ERR_OK with one of the 16 labels, a known language or "und", a
 * confidence in [0, 1], the same answer twice; the normalised tokens never hold two spaces
 * in a row nor start or end with one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ai/classify.h"
#include "ai/features.h"
#include "ai/labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ai_tokens tok;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct ai_result a, b;
    if (ai_classify(text, size, NULL, NULL, &a, NULL) != ERR_OK ||
        ai_classify(text, size, "de", "fr", &b, NULL) != ERR_OK)
        abort();
    if (ai_label_find(a.label) < 0 || !(a.confidence >= 0 && a.confidence <= 1))
        abort();
    if (!ai_lang_known(a.lang) && strcmp(a.lang, "und") != 0)
        abort();
    if (ai_classify(text, size, NULL, NULL, &b, NULL) != ERR_OK || memcmp(&a, &b, sizeof a) != 0)
        abort();
    ai_tokenize(text, size, &tok);
    size_t n = strlen(tok.text);
    if (n > 0 && (tok.text[0] == ' ' || tok.text[n - 1] == ' ' || strstr(tok.text, "  ") != NULL))
        abort();
    return 0;
}

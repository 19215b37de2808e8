/*
 * Language of a buyer's message: en es de fr it zh, or "und".
 *
 * Han script means zh. Otherwise two detectors vote: function words of each language
 * (short lists written for this project) and libexttextcat's n-gram fingerprints restricted
 * to the five Latin-script languages (read once from /usr/share/libexttextcat). A valid hint
 * (the buyer's known language) wins unless both detectors agree on another language; for a
 * short or unclear text the order's region decides before falling back to "und".
 */
#ifndef AICOS_AI_LANG_H
#define AICOS_AI_LANG_H

#include "ai/classify.h"
#include "ai/features.h"

enum ai_lang_method { AI_LANG_COMBINED, AI_LANG_TEXTCAT, AI_LANG_WORDS };

/* Detects the language of raw text and its tokens; out holds AI_LANG_MAX bytes. */
void ai_lang_detect(const char *raw, size_t len, const struct ai_tokens *tok, const char *hint,
                    const char *region, enum ai_lang_method method, char *out);

/* The language of a region code ("us" -> en, "de" -> de ...), or NULL. */
const char *ai_lang_of_region(const char *region);

/* Loads the libexttextcat fingerprints now (else at first use); false when they are absent. */
bool ai_lang_textcat_ready(void);

#endif

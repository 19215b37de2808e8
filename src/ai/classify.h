/*
 * Buyer-case triage: the offline intent classifier (docs/ai.md, issue 15).
 *
 * A message is normalised (lower case, accents folded), its language detected (script,
 * hint, region, libexttextcat and function words: lang.h), and a linear model over hashed
 * word and character n-grams (features.h, model.h) gives one probability per intent. The
 * model is trained by `aicos ai train` (train.h) and embedded into the binary. Below the
 * model's abstain threshold the label is "unknown"; a lexicon of threats (chargeback, legal
 * action, fire, fraud, abuse) makes the label "escalate" and sets the urgent flag, as do
 * anger and urgency words (urgency.h).
 */
#ifndef AICOS_AI_CLASSIFY_H
#define AICOS_AI_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define AI_LABEL_MAX 32
#define AI_LANG_MAX  8
/* Longer messages are classified on their first AI_TEXT_MAX bytes (cut at a character). */
#define AI_TEXT_MAX 2048

enum ai_band { AI_BAND_LOW, AI_BAND_MEDIUM, AI_BAND_HIGH };

struct ai_result {
    char label[AI_LABEL_MAX]; /* one of the 16 intents; "unknown" when abstaining */
    char lang[AI_LANG_MAX];   /* en es de fr it zh (or "und") */
    double confidence;        /* probability of the label, 0..1 */
    enum ai_band band;
    bool urgent; /* anger / urgency / threat flag: raises priority */
};

/* Classifies one message. lang_hint and region may be NULL. Deterministic. */
ERR_MUST_USE enum err ai_classify(const char *text, size_t len, const char *lang_hint,
                                  const char *region, struct ai_result *out, struct errbuf *eb);

struct ai_model;

/* ai_classify() with a given model (NULL: the embedded one), for `ai eval --model`. */
ERR_MUST_USE enum err ai_classify_with(const struct ai_model *model, const char *text, size_t len,
                                       const char *lang_hint, const char *region,
                                       struct ai_result *out, struct errbuf *eb);

/* "high", "medium" or "low". */
const char *ai_band_name(enum ai_band band);

#endif

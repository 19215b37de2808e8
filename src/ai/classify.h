/*
 * The buyer-message classifier (issue 15, triage half): intent label, language, confidence
 * and band, and the urgency flag of one text; and the operators' corrections that the next
 * `aicos ai train` learns from. This branch (drafts) carries a placeholder implementation
 * (classify_placeholder.c); the triage branch's classifier replaces it. The declarations are
 * the ones both branches agreed on, token for token (clang-formatted).
 */
#ifndef AICOS_AI_CLASSIFY_H
#define AICOS_AI_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "store/db.h"

#define AI_LABEL_MAX 32
#define AI_LANG_MAX  8
enum ai_band { AI_BAND_LOW, AI_BAND_MEDIUM, AI_BAND_HIGH };
struct ai_result {
    char label[AI_LABEL_MAX];
    char lang[AI_LANG_MAX];
    double confidence;
    enum ai_band band;
    bool urgent;
};
ERR_MUST_USE enum err ai_classify(const char *text, size_t len, const char *lang_hint,
                                  const char *region, struct ai_result *out, struct errbuf *eb);
ERR_MUST_USE enum err ai_correction_add(struct db *db, const char *text, const char *lang,
                                        const char *label, const char *actor, struct errbuf *eb);

#endif

/*
 * Rules before the model: lexicons of threats and of anger or urgency, in the six
 * languages, matched on normalised tokens (a trailing '*' in a pattern word matches a
 * prefix). A threat (chargeback or payment dispute, legal action, police, fraud or scam
 * accusation, fire, burns, shocks, swallowed parts, abuse) makes the label "escalate"; any
 * match sets the urgent flag.
 */
#ifndef AICOS_AI_URGENCY_H
#define AICOS_AI_URGENCY_H

#include <stdbool.h>

#include "ai/features.h"

struct ai_flags {
    bool threat; /* escalate regardless of the model */
    bool urgent; /* raises priority */
};

void ai_flags_of(const struct ai_tokens *tok, struct ai_flags *out);

#endif

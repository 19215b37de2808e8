/*
 * The intent model file: a linear model, one weight per (hashed feature, label), written by
 * `aicos ai train` and embedded into the binary (data/ai/model.bin).
 *
 * Layout (integers little-endian): "AICOSAI1", u32 version (1), u32 labels (16), u32
 * features, u32 thresholds in per mille (high band, medium band, abstain, escalate), the 16 label
 * names (32 bytes each, NUL-padded), 16 i32 biases, then per feature in increasing id: u32
 * id and 16 i16 weights. Weights and biases are fixed-point, AI_MODEL_SCALE units per 1.0.
 * Loading checks the layout and points into the bytes (no copy): a few microseconds.
 */
#ifndef AICOS_AI_MODEL_H
#define AICOS_AI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ai/features.h"
#include "ai/labels.h"
#include "base/err.h"

#define AI_MODEL_SCALE  1024
#define AI_MODEL_MAGIC  "AICOSAI1"
#define AI_MODEL_HEADER (8 + 4 * 7 + AI_NLABELS * 32 + AI_NLABELS * 4)
#define AI_MODEL_ROW    (4 + AI_NLABELS * 2)

struct ai_model {
    const unsigned char *rows; /* nfeat rows of AI_MODEL_ROW bytes */
    size_t nfeat;
    int32_t bias[AI_NLABELS];
    unsigned high_pm, medium_pm, abstain_pm; /* thresholds, per mille */
    unsigned escalate_pm; /* escalate when its probability reaches this, even if not the best */
};

/* Checks and maps a model file's bytes (which must outlive the model). */
ERR_MUST_USE enum err ai_model_load(const unsigned char *bytes, size_t len, struct ai_model *out,
                                    struct errbuf *eb);

/* The model embedded into the binary (loaded once); NULL if it is damaged. */
const struct ai_model *ai_model_embedded(void);

/*
 * The probability of every label for the features f (one-vs-rest logistic, normalised to
 * sum 1) and how many of f's features the model knows.
 */
void ai_model_predict(const struct ai_model *m, const struct ai_feats *f, double prob[AI_NLABELS],
                      size_t *known);

/* Whether the model has weights for feature id. */
bool ai_model_knows(const struct ai_model *m, uint32_t id);

/* What `ai train` produces before it is written: weights in AI_MODEL_SCALE units. */
struct ai_model_draft {
    size_t nfeat;
    uint32_t *id; /* nfeat ids, increasing */
    int16_t *w;   /* nfeat * AI_NLABELS weights */
    int32_t bias[AI_NLABELS];
    unsigned high_pm, medium_pm, abstain_pm, escalate_pm;
};

/* Serialises a draft; *out is malloc'd (free it). */
ERR_MUST_USE enum err ai_model_serialize(const struct ai_model_draft *d, unsigned char **out,
                                         size_t *len, struct errbuf *eb);

#endif

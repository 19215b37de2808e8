#include "ai/classify.h"

#include <stdio.h>
#include <string.h>

#include "ai/features.h"
#include "ai/labels.h"
#include "ai/lang.h"
#include "ai/model.h"
#include "ai/urgency.h"

/* The confidence given to a threat rule's "escalate" when the model is less sure. */
#define AI_RULE_CONFIDENCE 0.9

const char *ai_band_name(enum ai_band band)
{
    return band == AI_BAND_HIGH ? "high" : band == AI_BAND_MEDIUM ? "medium" : "low";
}

static enum ai_band band_of(const struct ai_model *m, double p)
{
    if (p * 1000 >= m->high_pm)
        return AI_BAND_HIGH;
    return p * 1000 >= m->medium_pm ? AI_BAND_MEDIUM : AI_BAND_LOW;
}

/* Scratch for one message (tokens and features are large for the stack of a server thread). */
struct ai_scratch {
    struct ai_tokens tok;
    struct ai_feats feats;
};

static _Thread_local struct ai_scratch scratch;

/* How many tokens are words the model has a weight for (none: gibberish or off-topic). */
static size_t known_words(const struct ai_model *m, const struct ai_tokens *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += ai_model_knows(m, ai_hash('w', t->text + t->off[i], t->len[i]));
    return n;
}

enum err ai_classify_with(const struct ai_model *m, const char *text, size_t len,
                          const char *lang_hint, const char *region, struct ai_result *out,
                          struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return err_set(eb, ERR_INVAL, "ai_text", "no text to classify");
    if (m == NULL)
        m = ai_model_embedded();
    if (m == NULL)
        return err_set(eb, ERR_INTERNAL, "ai_model", "the embedded model is damaged");
    struct ai_scratch *s = &scratch;
    ai_tokenize(text, len, &s->tok);
    ai_lang_detect(text, len, &s->tok, lang_hint, region, AI_LANG_COMBINED, out->lang);
    ai_features(&s->tok, &s->feats);
    double prob[AI_NLABELS];
    size_t known = 0;
    ai_model_predict(m, &s->feats, prob, &known);
    int best = 0;
    for (int k = 1; k < AI_NLABELS; k++) {
        if (prob[k] > prob[best])
            best = k;
    }
    struct ai_flags flags;
    ai_flags_of(&s->tok, &flags);
    double conf = prob[best];
    bool abstain = false;
    if (flags.threat || prob[AI_ESCALATE] * 1000 >= m->escalate_pm) {
        best = AI_ESCALATE;
        conf = prob[AI_ESCALATE] > AI_RULE_CONFIDENCE ? prob[AI_ESCALATE] : AI_RULE_CONFIDENCE;
    } else if (known == 0 || known_words(m, &s->tok) == 0 || conf * 1000 < m->abstain_pm) {
        best = AI_UNKNOWN; /* abstain: the confidence stays that of the rejected best guess */
        abstain = true;
    }
    snprintf(out->label, sizeof out->label, "%s", ai_label_name(best));
    out->confidence = conf;
    out->band = abstain ? AI_BAND_LOW : band_of(m, conf);
    out->urgent = flags.urgent;
    return ERR_OK;
}

enum err ai_classify(const char *text, size_t len, const char *lang_hint, const char *region,
                     struct ai_result *out, struct errbuf *eb)
{
    return ai_classify_with(NULL, text, len, lang_hint, region, out, eb);
}

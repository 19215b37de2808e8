#include "ai/model.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ai/model_data.h"

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int16_t rd16(const unsigned char *p)
{
    return (int16_t)(uint16_t)((unsigned)p[0] | (unsigned)p[1] << 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

enum err ai_model_load(const unsigned char *b, size_t len, struct ai_model *out, struct errbuf *eb)
{
    if (len < AI_MODEL_HEADER || memcmp(b, AI_MODEL_MAGIC, 8) != 0)
        return err_set(eb, ERR_PARSE, "ai_model", "not an aicos model file");
    if (rd32(b + 8) != 1 || rd32(b + 12) != AI_NLABELS)
        return err_set(eb, ERR_PARSE, "ai_model",
                       "model version %u with %u labels, expected 1 "
                       "with %d",
                       (unsigned)rd32(b + 8), (unsigned)rd32(b + 12), AI_NLABELS);
    uint32_t nfeat = rd32(b + 16);
    if ((len - AI_MODEL_HEADER) / AI_MODEL_ROW != nfeat ||
        (len - AI_MODEL_HEADER) % AI_MODEL_ROW != 0)
        return err_set(eb, ERR_PARSE, "ai_model",
                       "model file size does not match its %u "
                       "features",
                       (unsigned)nfeat);
    out->high_pm = rd32(b + 20);
    out->medium_pm = rd32(b + 24);
    out->abstain_pm = rd32(b + 28);
    out->escalate_pm = rd32(b + 32);
    for (int k = 0; k < AI_NLABELS; k++) {
        const char *name = (const char *)b + 36 + 32 * k;
        if (memchr(name, '\0', 32) == NULL || strcmp(name, ai_label_name(k)) != 0)
            return err_set(eb, ERR_PARSE, "ai_model", "model label %d is not %s", k,
                           ai_label_name(k));
        out->bias[k] = (int32_t)rd32(b + 36 + 32 * AI_NLABELS + 4 * k);
    }
    out->rows = b + AI_MODEL_HEADER;
    out->nfeat = nfeat;
    for (size_t i = 1; i < nfeat; i++) {
        if (rd32(out->rows + i * AI_MODEL_ROW) <= rd32(out->rows + (i - 1) * AI_MODEL_ROW))
            return err_set(eb, ERR_PARSE, "ai_model", "model feature ids are not increasing");
    }
    return ERR_OK;
}

static struct ai_model embedded;
static bool embedded_ok;
static pthread_once_t embedded_once = PTHREAD_ONCE_INIT;

static void embedded_load(void)
{
    embedded_ok = ai_model_load(ai_model_bin, ai_model_bin_len, &embedded, NULL) == ERR_OK;
}

const struct ai_model *ai_model_embedded(void)
{
    pthread_once(&embedded_once, embedded_load);
    return embedded_ok ? &embedded : NULL;
}

/* The row of id, or NULL (binary search over the sorted rows). */
static const unsigned char *model_row(const struct ai_model *m, uint32_t id)
{
    size_t lo = 0, hi = m->nfeat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t v = rd32(m->rows + mid * AI_MODEL_ROW);
        if (v == id)
            return m->rows + mid * AI_MODEL_ROW;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool ai_model_knows(const struct ai_model *m, uint32_t id)
{
    return model_row(m, id) != NULL;
}

void ai_model_predict(const struct ai_model *m, const struct ai_feats *f, double prob[AI_NLABELS],
                      size_t *known)
{
    double score[AI_NLABELS];
    for (int k = 0; k < AI_NLABELS; k++)
        score[k] = (double)m->bias[k];
    *known = 0;
    for (size_t i = 0; i < f->n; i++) {
        const unsigned char *row = model_row(m, f->id[i]);
        if (row == NULL)
            continue;
        (*known)++;
        for (int k = 0; k < AI_NLABELS; k++)
            score[k] += (double)f->val[i] * rd16(row + 4 + 2 * k);
    }
    double sum = 0;
    for (int k = 0; k < AI_NLABELS; k++) {
        prob[k] = 1.0 / (1.0 + exp(-score[k] / AI_MODEL_SCALE));
        sum += prob[k];
    }
    for (int k = 0; k < AI_NLABELS; k++)
        prob[k] /= sum;
}

enum err ai_model_serialize(const struct ai_model_draft *d, unsigned char **out, size_t *len,
                            struct errbuf *eb)
{
    size_t n = AI_MODEL_HEADER + d->nfeat * AI_MODEL_ROW;
    unsigned char *b = calloc(1, n);
    if (b == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory for the model file");
    memcpy(b, AI_MODEL_MAGIC, 8);
    wr32(b + 8, 1);
    wr32(b + 12, AI_NLABELS);
    wr32(b + 16, (uint32_t)d->nfeat);
    wr32(b + 20, d->high_pm);
    wr32(b + 24, d->medium_pm);
    wr32(b + 28, d->abstain_pm);
    wr32(b + 32, d->escalate_pm);
    for (int k = 0; k < AI_NLABELS; k++) {
        const char *name = ai_label_name(k);
        memcpy(b + 36 + 32 * k, name, strlen(name));
        wr32(b + 36 + 32 * AI_NLABELS + 4 * k, (uint32_t)d->bias[k]);
    }
    for (size_t i = 0; i < d->nfeat; i++) {
        unsigned char *row = b + AI_MODEL_HEADER + i * AI_MODEL_ROW;
        wr32(row, d->id[i]);
        for (int k = 0; k < AI_NLABELS; k++) {
            uint16_t v = (uint16_t)d->w[i * AI_NLABELS + k];
            row[4 + 2 * k] = (unsigned char)(v & 0xFF);
            row[5 + 2 * k] = (unsigned char)(v >> 8);
        }
    }
    *out = b;
    *len = n;
    return ERR_OK;
}

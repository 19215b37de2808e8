#include "ai/train.h"

#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ai/features.h"
#include "ai/labels.h"

/* The hashed features of every example, and the distinct ids over all of them. */
struct featured {
    size_t n;
    size_t *count; /* features of example i */
    uint32_t **id;
    float **val;
    uint32_t *ids; /* distinct ids, increasing: dense index = position + 1 */
    size_t nids;
};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void featured_free(struct featured *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->id != NULL ? f->id[i] : NULL);
        free(f->val != NULL ? f->val[i] : NULL);
    }
    free(f->count);
    free(f->id);
    free(f->val);
    free(f->ids);
    memset(f, 0, sizeof *f);
}

ERR_MUST_USE static enum err featurize(const struct ai_dataset *ds, struct featured *out,
                                       struct errbuf *eb)
{
    static _Thread_local struct ai_tokens tok;
    static _Thread_local struct ai_feats f;
    memset(out, 0, sizeof *out);
    out->n = ds->n;
    out->count = calloc(ds->n, sizeof *out->count);
    out->id = calloc(ds->n, sizeof *out->id);
    out->val = calloc(ds->n, sizeof *out->val);
    size_t total = 0;
    for (size_t i = 0; out->val != NULL && out->id != NULL && out->count != NULL && i < ds->n;
         i++) {
        ai_tokenize(ds->ex[i].text, strlen(ds->ex[i].text), &tok);
        ai_features(&tok, &f);
        out->id[i] = malloc((f.n + 1) * sizeof(uint32_t));
        out->val[i] = malloc((f.n + 1) * sizeof(float));
        if (out->id[i] == NULL || out->val[i] == NULL)
            goto nomem;
        memcpy(out->id[i], f.id, f.n * sizeof(uint32_t));
        memcpy(out->val[i], f.val, f.n * sizeof(float));
        out->count[i] = f.n;
        total += f.n;
    }
    out->ids = malloc((total + 1) * sizeof *out->ids);
    if (out->count == NULL || out->id == NULL || out->val == NULL || out->ids == NULL)
        goto nomem;
    size_t at = 0;
    for (size_t i = 0; i < ds->n; i++) {
        memcpy(out->ids + at, out->id[i], out->count[i] * sizeof(uint32_t));
        at += out->count[i];
    }
    qsort(out->ids, total, sizeof *out->ids, cmp_u32);
    for (size_t i = 0; i < total; i++) {
        if (out->nids == 0 || out->ids[out->nids - 1] != out->ids[i])
            out->ids[out->nids++] = out->ids[i];
    }
    return ERR_OK;
nomem:
    featured_free(out);
    return err_set(eb, ERR_NOMEM, NULL, "out of memory for the training features");
}

/* liblinear rows of every example: dense indexes, the bias feature at nids + 1. */
static struct feature_node **make_rows(const struct featured *f)
{
    struct feature_node **rows = calloc(f->n, sizeof *rows);
    for (size_t i = 0; rows != NULL && i < f->n; i++) {
        rows[i] = malloc((f->count[i] + 2) * sizeof *rows[i]);
        if (rows[i] == NULL) {
            for (size_t k = 0; k < i; k++)
                free(rows[k]);
            free(rows);
            return NULL;
        }
        for (size_t k = 0; k < f->count[i]; k++) {
            const uint32_t *p = bsearch(&f->id[i][k], f->ids, f->nids, sizeof *p, cmp_u32);
            rows[i][k] = (struct feature_node){(int)(p - f->ids) + 1, f->val[i][k]};
        }
        rows[i][f->count[i]] = (struct feature_node){(int)f->nids + 1, 1.0};
        rows[i][f->count[i] + 1] = (struct feature_node){-1, 0};
    }
    return rows;
}

static void quiet(const char *s)
{
    (void)s;
}

/* Fits on the examples whose fold differs from skip (skip < 0: all of them). */
static struct model *fit(const struct ai_dataset *ds, const struct featured *f,
                         struct feature_node **rows, int skip)
{
    size_t n = 0;
    struct feature_node **x = malloc(ds->n * sizeof *x);
    double *y = malloc(ds->n * sizeof *y);
    struct model *m = NULL;
    if (x != NULL && y != NULL) {
        for (size_t i = 0; i < ds->n; i++) {
            if (skip >= 0 && (int)(i % AI_TRAIN_FOLDS) == skip)
                continue;
            x[n] = rows[i];
            y[n++] = ds->ex[i].label;
        }
        struct problem prob = {(int)n, (int)f->nids + 1, y, x, 1.0};
        /* Answering junk costs more than a wrong routine label; escalate leans on the lexicon. */
        int weight_label[] = {AI_ESCALATE, AI_UNKNOWN};
        double weight[] = {AI_TRAIN_ESCALATE_WEIGHT, AI_TRAIN_UNKNOWN_WEIGHT};
        struct parameter param = {.solver_type = L2R_LR,
                                  .eps = 0.01,
                                  .C = AI_TRAIN_C,
                                  .nr_weight = 2,
                                  .weight_label = weight_label,
                                  .weight = weight};
        set_print_string_function(quiet);
        if (check_parameter(&prob, &param) == NULL)
            m = train(&prob, &param);
    }
    free(x);
    free(y);
    return m;
}

/* One cross-validated guess: gold label, predicted label and its probability. */
struct guess {
    int gold, pred;
    double conf, escalate; /* the best label's probability, escalate's */
};

static double macro_f1(const struct guess *g, size_t n, unsigned abstain_pm)
{
    double tp[AI_NLABELS] = {0}, fp[AI_NLABELS] = {0}, fn[AI_NLABELS] = {0};
    for (size_t i = 0; i < n; i++) {
        int p = g[i].conf * 1000 < abstain_pm ? AI_UNKNOWN : g[i].pred;
        if (p == g[i].gold) {
            tp[p]++;
        } else {
            fp[p]++;
            fn[g[i].gold]++;
        }
    }
    double sum = 0;
    for (int k = 0; k < AI_NLABELS; k++)
        sum += tp[k] > 0 ? 2 * tp[k] / (2 * tp[k] + fp[k] + fn[k]) : 0;
    return sum / AI_NLABELS;
}

/* The smallest threshold (per mille, from lo by step) whose precision reaches target. */
static unsigned threshold_for(const struct guess *g, size_t n, unsigned lo, unsigned hi,
                              double target)
{
    for (unsigned t = lo; t <= hi; t += 25) {
        size_t kept = 0, right = 0;
        for (size_t i = 0; i < n; i++) {
            if (g[i].conf * 1000 >= t) {
                kept++;
                right += g[i].pred == g[i].gold;
            }
        }
        if (kept > 0 && (double)right / (double)kept >= target)
            return t;
    }
    return hi;
}

/* Probabilities of a liblinear model for one row, by our label ids. */
static int guess_of(const struct model *m, const struct feature_node *row, struct guess *g)
{
    double p[AI_NLABELS] = {0};
    predict_probability(m, row, p);
    int best = 0;
    for (int j = 1; j < m->nr_class; j++) {
        if (p[j] > p[best])
            best = j;
        if (m->label[j] == AI_ESCALATE)
            g->escalate = p[j];
    }
    if (m->label[0] == AI_ESCALATE)
        g->escalate = p[0];
    g->conf = p[best];
    return m->label[best];
}

ERR_MUST_USE static enum err cross_validate(const struct ai_dataset *ds, const struct featured *f,
                                            struct feature_node **rows, struct ai_train_report *rep,
                                            struct errbuf *eb)
{
    struct guess *g = malloc(ds->n * sizeof *g);
    if (g == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory for the cross-validation");
    size_t right = 0;
    for (int fold = 0; fold < AI_TRAIN_FOLDS; fold++) {
        struct model *m = fit(ds, f, rows, fold);
        if (m == NULL) {
            free(g);
            return err_set(eb, ERR_INTERNAL, "ai_train", "liblinear refused fold %d", fold);
        }
        for (size_t i = (size_t)fold; i < ds->n; i += AI_TRAIN_FOLDS) {
            g[i].gold = ds->ex[i].label;
            g[i].pred = guess_of(m, rows[i], &g[i]);
            right += g[i].pred == g[i].gold;
        }
        free_and_destroy_model(&m);
    }
    rep->cv_accuracy = ds->n > 0 ? (double)right / (double)ds->n : 0;
    /* Measured: letting escalate win below the best label (F1 or F2 by cross-validation) lost
     * more on the other labels than it gained; the threat lexicon catches them instead. */
    rep->escalate_pm = 1000;
    rep->high_pm = threshold_for(g, ds->n, 400, 950, 0.95);
    rep->medium_pm = threshold_for(g, ds->n, 150, rep->high_pm, 0.80);
    /* The abstain threshold: the highest one whose macro-F1 is within 0.001 of the best
     * (abstaining when it costs nothing). */
    double best = -1, score[1000 / 25 + 1];
    for (unsigned t = 0; t <= rep->medium_pm; t += 25) {
        score[t / 25] = macro_f1(g, ds->n, t);
        best = score[t / 25] > best ? score[t / 25] : best;
    }
    for (unsigned t = 0; t <= rep->medium_pm; t += 25) {
        if (score[t / 25] >= best - 0.001)
            rep->abstain_pm = t;
    }
    free(g);
    return ERR_OK;
}

static int16_t quantize(double w)
{
    double q = nearbyint(w * AI_MODEL_SCALE);
    return (int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
}

/* The fixed-point weights of the full model; rows with only zeros are left out. */
ERR_MUST_USE static enum err extract(const struct model *m, const struct featured *f,
                                     struct ai_model_draft *d, struct errbuf *eb)
{
    memset(d, 0, sizeof *d);
    d->id = malloc((f->nids + 1) * sizeof *d->id);
    d->w = malloc((f->nids + 1) * AI_NLABELS * sizeof *d->w);
    if (d->id == NULL || d->w == NULL) {
        ai_model_draft_free(d);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory for the model");
    }
    int col[AI_NLABELS];
    for (int j = 0; j < m->nr_class; j++)
        col[m->label[j]] = j;
    int nc = m->nr_class;
    for (size_t i = 0; i < f->nids; i++) {
        int16_t *w = d->w + d->nfeat * AI_NLABELS;
        bool any = false;
        for (int k = 0; k < AI_NLABELS; k++) {
            w[k] = quantize(m->w[i * (size_t)nc + (size_t)col[k]]);
            any = any || w[k] != 0;
        }
        if (any)
            d->id[d->nfeat++] = f->ids[i];
    }
    for (int k = 0; k < AI_NLABELS; k++)
        d->bias[k] =
            (int32_t)nearbyint(m->w[f->nids * (size_t)nc + (size_t)col[k]] * AI_MODEL_SCALE);
    return ERR_OK;
}

enum err ai_train(const struct ai_dataset *ds, struct ai_model_draft *out,
                  struct ai_train_report *rep, struct errbuf *eb)
{
    memset(rep, 0, sizeof *rep);
    memset(out, 0, sizeof *out);
    bool seen[AI_NLABELS] = {false};
    for (size_t i = 0; i < ds->n; i++)
        seen[ds->ex[i].label] = true;
    for (int k = 0; k < AI_NLABELS; k++) {
        if (!seen[k])
            return err_set(eb, ERR_INVAL, "ai_train", "no training example of label %s",
                           ai_label_name(k));
    }
    struct featured f;
    enum err e = featurize(ds, &f, eb);
    if (e != ERR_OK)
        return e;
    struct feature_node **rows = make_rows(&f);
    if (rows == NULL) {
        featured_free(&f);
        return err_set(eb, ERR_NOMEM, NULL, "out of memory for the training rows");
    }
    e = cross_validate(ds, &f, rows, rep, eb);
    struct model *m = e == ERR_OK ? fit(ds, &f, rows, -1) : NULL;
    if (e == ERR_OK && m == NULL)
        e = err_set(eb, ERR_INTERNAL, "ai_train", "liblinear refused the training set");
    if (e == ERR_OK)
        e = extract(m, &f, out, eb);
    if (e == ERR_OK) {
        out->high_pm = rep->high_pm;
        out->medium_pm = rep->medium_pm;
        out->abstain_pm = rep->abstain_pm;
        out->escalate_pm = rep->escalate_pm;
        rep->examples = ds->n;
        rep->features = out->nfeat;
    }
    if (m != NULL)
        free_and_destroy_model(&m);
    for (size_t i = 0; i < f.n; i++)
        free(rows[i]);
    free(rows);
    featured_free(&f);
    return e;
}

void ai_model_draft_free(struct ai_model_draft *d)
{
    free(d->id);
    free(d->w);
    memset(d, 0, sizeof *d);
}

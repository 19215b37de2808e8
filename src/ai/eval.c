#include "ai/eval.h"

#include <string.h>

#include "ai/classify.h"

static void count(struct ai_counts *c, int gold, int pred, enum ai_band band)
{
    c->n++;
    c->right += gold == pred;
    c->confusion[gold][pred]++;
    if (band == AI_BAND_HIGH) {
        c->high++;
        c->high_right += gold == pred;
    }
}

enum err ai_eval_run(const struct ai_model *m, const struct ai_dataset *ds, struct ai_eval *out,
                     FILE *errors, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ds->n; i++) {
        const struct ai_example *x = &ds->ex[i];
        struct ai_result r;
        enum err e = ai_classify_with(m, x->text, strlen(x->text), NULL, NULL, &r, eb);
        if (e != ERR_OK)
            return e;
        int pred = ai_label_find(r.label);
        int lang = AI_NLANGS;
        for (int k = 0; k < AI_NLANGS; k++) {
            if (strcmp(ai_lang_name(k), x->lang) == 0)
                lang = k;
        }
        if (errors != NULL && pred != x->label)
            fprintf(errors, "%zu\t%s\t%s\t%.3f\t%s\n", i + 2, ai_label_name(x->label), r.label,
                    r.confidence, x->text);
        count(&out->all, x->label, pred, r.band);
        count(&out->lang[lang], x->label, pred, r.band);
    }
    return ERR_OK;
}

double ai_counts_accuracy(const struct ai_counts *c)
{
    return c->n > 0 ? (double)c->right / (double)c->n : 0;
}

struct prf {
    double precision, recall, f1;
    size_t support, predicted;
};

static struct prf prf_of(const struct ai_counts *c, int k)
{
    struct prf r = {0};
    size_t tp = c->confusion[k][k];
    for (int j = 0; j < AI_NLABELS; j++) {
        r.support += c->confusion[k][j];
        r.predicted += c->confusion[j][k];
    }
    r.precision = r.predicted > 0 ? (double)tp / (double)r.predicted : 0;
    r.recall = r.support > 0 ? (double)tp / (double)r.support : 0;
    r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0;
    return r;
}

double ai_counts_macro_f1(const struct ai_counts *c)
{
    double sum = 0;
    int labels = 0;
    for (int k = 0; k < AI_NLABELS; k++) {
        struct prf r = prf_of(c, k);
        if (r.support == 0 && r.predicted == 0)
            continue;
        sum += r.f1;
        labels++;
    }
    return labels > 0 ? sum / labels : 0;
}

static double ratio(size_t a, size_t b)
{
    return b > 0 ? (double)a / (double)b : 0;
}

json_t *ai_eval_json(const struct ai_eval *ev)
{
    json_t *labels = json_object(), *langs = json_object();
    for (int k = 0; k < AI_NLABELS; k++) {
        struct prf r = prf_of(&ev->all, k);
        json_object_set_new(labels, ai_label_name(k),
                            json_pack("{s:f,s:f,s:f,s:I}", "precision", r.precision, "recall",
                                      r.recall, "f1", r.f1, "support", (json_int_t)r.support));
    }
    for (int l = 0; l <= AI_NLANGS; l++) {
        const struct ai_counts *c = &ev->lang[l];
        if (c->n == 0)
            continue;
        json_object_set_new(langs, ai_lang_name(l),
                            json_pack("{s:f,s:f}", "accuracy", ai_counts_accuracy(c), "macro_f1",
                                      ai_counts_macro_f1(c)));
    }
    return json_pack("{s:f,s:f,s:o,s:o,s:f,s:f}", "accuracy", ai_counts_accuracy(&ev->all),
                     "macro_f1", ai_counts_macro_f1(&ev->all), "per_label", labels, "per_lang",
                     langs, "coverage_high", ratio(ev->all.high, ev->all.n), "precision_high",
                     ratio(ev->all.high_right, ev->all.high));
}

static void print_confusion(const struct ai_counts *c, FILE *out)
{
    fputs("\nconfusion (rows: true label, columns: predicted, in label order)\n", out);
    fprintf(out, "%-24s", "");
    for (int j = 0; j < AI_NLABELS; j++)
        fprintf(out, " %4d", j + 1);
    fputc('\n', out);
    for (int k = 0; k < AI_NLABELS; k++) {
        fprintf(out, "%2d %-21s", k + 1, ai_label_name(k));
        for (int j = 0; j < AI_NLABELS; j++)
            fprintf(out, " %4zu", c->confusion[k][j]);
        fputc('\n', out);
    }
}

void ai_eval_print(const struct ai_eval *ev, FILE *out)
{
    const struct ai_counts *c = &ev->all;
    fprintf(out, "%-24s %9s %9s %9s %8s\n", "label", "precision", "recall", "f1", "support");
    for (int k = 0; k < AI_NLABELS; k++) {
        struct prf r = prf_of(c, k);
        fprintf(out, "%-24s %9.3f %9.3f %9.3f %8zu\n", ai_label_name(k), r.precision, r.recall,
                r.f1, r.support);
    }
    fprintf(out, "\naccuracy %.3f  macro-F1 %.3f  messages %zu\n", ai_counts_accuracy(c),
            ai_counts_macro_f1(c), c->n);
    fprintf(out, "high confidence: coverage %.3f  precision %.3f\n", ratio(c->high, c->n),
            ratio(c->high_right, c->high));
    print_confusion(c, out);
    fprintf(out, "\n%-6s %8s %9s %9s %14s %15s\n", "lang", "messages", "accuracy", "macro-F1",
            "coverage_high", "precision_high");
    for (int l = 0; l <= AI_NLANGS; l++) {
        const struct ai_counts *x = &ev->lang[l];
        if (x->n == 0)
            continue;
        fprintf(out, "%-6s %8zu %9.3f %9.3f %14.3f %15.3f\n", ai_lang_name(l), x->n,
                ai_counts_accuracy(x), ai_counts_macro_f1(x), ratio(x->high, x->n),
                ratio(x->high_right, x->high));
    }
}

/*
 * `aicos ai eval`: the classifier against a labelled file. Per label precision, recall, F1
 * and support; accuracy and macro-F1 (over the labels present in the gold or predicted
 * labels); the confusion matrix; coverage and precision of the high band; the same per
 * language (the file's lang column).
 */
#ifndef AICOS_AI_EVAL_H
#define AICOS_AI_EVAL_H

#include <jansson.h>
#include <stdio.h>

#include "ai/dataset.h"
#include "ai/labels.h"
#include "ai/model.h"

struct ai_counts {
    size_t n, right, high, high_right;
    size_t confusion[AI_NLABELS][AI_NLABELS]; /* [gold][predicted] */
};

struct ai_eval {
    struct ai_counts all;
    struct ai_counts lang[AI_NLANGS + 1]; /* the six languages, then "und" */
};

/*
 * Classifies every example of ds with model m (NULL: the embedded one). errors, when not
 * NULL, gets one line per wrong answer: data line number, true label, answer, confidence, text.
 */
ERR_MUST_USE enum err ai_eval_run(const struct ai_model *m, const struct ai_dataset *ds,
                                  struct ai_eval *out, FILE *errors, struct errbuf *eb);

/* Accuracy and macro-F1 of a set of counts. */
double ai_counts_accuracy(const struct ai_counts *c);
double ai_counts_macro_f1(const struct ai_counts *c);

/* The report as JSON: accuracy, macro_f1, per_label, per_lang, coverage_high, precision_high. */
json_t *ai_eval_json(const struct ai_eval *ev);

/* The report as text tables. */
void ai_eval_print(const struct ai_eval *ev, FILE *out);

#endif

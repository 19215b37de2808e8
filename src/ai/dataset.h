/*
 * Labelled messages: the TSV files of data/ai (header `label<TAB>lang<TAB>text`, one
 * message a line) and the operators' corrections.
 */
#ifndef AICOS_AI_DATASET_H
#define AICOS_AI_DATASET_H

#include <stddef.h>

#include "ai/classify.h"
#include "base/err.h"

struct ai_example {
    char *text;
    char lang[AI_LANG_MAX]; /* en es de fr it zh or und */
    int label;              /* enum ai_label_id */
};

struct ai_dataset {
    struct ai_example *ex;
    size_t n, cap;
};

/*
 * Appends the lines of a TSV file. A missing or different header, a line without exactly
 * three fields, an empty text, a text over AI_TEXT_MAX bytes, an unknown label or language
 * fails with "PATH:LINE: why" in eb (ERR_PARSE; ERR_IO when the file cannot be read).
 */
ERR_MUST_USE enum err ai_dataset_read(struct ai_dataset *ds, const char *path, struct errbuf *eb);

/* Appends one example (text copied); an example with the same text is relabelled instead. */
ERR_MUST_USE enum err ai_dataset_put(struct ai_dataset *ds, const char *text, const char *lang,
                                     int label, struct errbuf *eb);

void ai_dataset_free(struct ai_dataset *ds);

#endif

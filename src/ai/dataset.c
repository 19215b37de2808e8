#include "ai/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/labels.h"

ERR_MUST_USE static enum err ds_append(struct ai_dataset *ds, const char *text, size_t len,
                                       const char *lang, int label, struct errbuf *eb)
{
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 256;
        struct ai_example *ex = realloc(ds->ex, cap * sizeof *ex);
        if (ex == NULL)
            return err_set(eb, ERR_NOMEM, NULL, "out of memory for the examples");
        ds->ex = ex;
        ds->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory for the examples");
    memcpy(copy, text, len);
    copy[len] = '\0';
    struct ai_example *e = &ds->ex[ds->n++];
    e->text = copy;
    snprintf(e->lang, sizeof e->lang, "%s", lang);
    e->label = label;
    return ERR_OK;
}

enum err ai_dataset_put(struct ai_dataset *ds, const char *text, const char *lang, int label,
                        struct errbuf *eb)
{
    for (size_t i = 0; i < ds->n; i++) {
        if (strcmp(ds->ex[i].text, text) == 0) {
            ds->ex[i].label = label;
            snprintf(ds->ex[i].lang, sizeof ds->ex[i].lang, "%s", lang);
            return ERR_OK;
        }
    }
    return ds_append(ds, text, strlen(text), lang, label, eb);
}

/* Parses one data line (NUL-terminated, no newline) into the dataset. */
ERR_MUST_USE static enum err ds_line(struct ai_dataset *ds, char *line, const char *path, long no,
                                     struct errbuf *eb)
{
    char *tab1 = strchr(line, '\t');
    char *tab2 = tab1 != NULL ? strchr(tab1 + 1, '\t') : NULL;
    if (tab2 == NULL || strchr(tab2 + 1, '\t') != NULL)
        return err_set(eb, ERR_PARSE, "ai_tsv",
                       "%s:%ld: expected 3 tab-separated fields "
                       "(label, lang, text)",
                       path, no);
    *tab1 = *tab2 = '\0';
    const char *text = tab2 + 1;
    int label = ai_label_find(line);
    if (label < 0)
        return err_set(eb, ERR_PARSE, "ai_tsv", "%s:%ld: unknown label \"%.40s\"", path, no, line);
    if (!ai_lang_known(tab1 + 1) && strcmp(tab1 + 1, "und") != 0)
        return err_set(eb, ERR_PARSE, "ai_tsv",
                       "%s:%ld: unknown language \"%.8s\" (en es de "
                       "fr it zh und)",
                       path, no, tab1 + 1);
    size_t len = strlen(text);
    if (len == 0 || len > AI_TEXT_MAX)
        return err_set(eb, ERR_PARSE, "ai_tsv",
                       "%s:%ld: the text is empty or longer than %d "
                       "bytes",
                       path, no, AI_TEXT_MAX);
    return ds_append(ds, text, len, tab1 + 1, label, eb);
}

enum err ai_dataset_read(struct ai_dataset *ds, const char *path, struct errbuf *eb)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return err_set(eb, ERR_IO, "ai_tsv", "%s: %s", path, strerror(errno));
    char line[AI_TEXT_MAX + 128];
    long no = 0;
    enum err e = ERR_OK;
    while (e == ERR_OK && fgets(line, sizeof line, f) != NULL) {
        no++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        else if (!feof(f))
            e = err_set(eb, ERR_PARSE, "ai_tsv", "%s:%ld: line too long", path, no);
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (e != ERR_OK)
            break;
        if (no == 1)
            e = strcmp(line, "label\tlang\ttext") == 0 ? ERR_OK
                                                       : err_set(eb, ERR_PARSE, "ai_tsv",
                                                                 "%s:1: the header must be "
                                                                 "label<TAB>lang<TAB>text",
                                                                 path);
        else
            e = ds_line(ds, line, path, no, eb);
    }
    if (e == ERR_OK && ferror(f))
        e = err_set(eb, ERR_IO, "ai_tsv", "%s: read error", path);
    if (e == ERR_OK && no == 0)
        e = err_set(eb, ERR_PARSE, "ai_tsv", "%s:1: empty file (no header line)", path);
    fclose(f);
    return e;
}

void ai_dataset_free(struct ai_dataset *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        free(ds->ex[i].text);
    free(ds->ex);
    memset(ds, 0, sizeof *ds);
}

/*
 * The reply templates (draft_text.c), private to src/reply: one row per (intent group, fact
 * state, language), and the case-state words of each language.
 */
#ifndef AICOS_REPLY_DRAFT_TEXT_H
#define AICOS_REPLY_DRAFT_TEXT_H

#include <stddef.h>

struct reply_tmpl {
    const char *group; /* "track", "refund", ... (draft.c maps intents to groups) */
    const char *state; /* the fact state: "not_shipped", "shipped", ... */
    const char *lang;  /* en es de fr it */
    const char *text;  /* {{slot}} template (base/tmpl) */
};

extern const struct reply_tmpl reply_tmpls[];
extern const size_t reply_tmpls_count;

/* The words for case state code in lang ("open" -> "abierta"); NULL when unknown. */
const char *reply_case_status_label(const char *code, const char *lang);

#endif

/*
 * Reply drafts from templates (issue 15, ai.md §5.1 C): one template per (intent group ×
 * fact state × language) for en es de fr it, filled only from the case's facts with
 * base/tmpl. A fact the chosen template needs and the database lacks means no draft: the
 * draft says which fact is missing. escalate and the damage or dispute intents get a summary
 * and a checklist for the operator, never a proposed answer to the buyer. Every draft passes
 * the guards (guard.h) before it is returned.
 */
#ifndef AICOS_REPLY_DRAFT_H
#define AICOS_REPLY_DRAFT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "reply/facts.h"
#include "reply/guard.h"

#define REPLY_CHECKLIST_MAX 6 /* items of a checklist */

enum reply_draft_kind {
    REPLY_DRAFT_REPLY,     /* a proposed answer to the buyer */
    REPLY_DRAFT_CHECKLIST, /* a summary and checklist for the operator (no answer) */
    REPLY_DRAFT_NONE       /* no draft: why says what is missing */
};

struct reply_checklist_item {
    const char *zh, *en;
};

struct reply_draft {
    enum reply_draft_kind kind;
    char intent[32];
    char lang[8];
    const char *state; /* the fact state the template is for ("shipped", ...), static */
    const char *tmpl;  /* the template used (static), NULL for none */
    char text[REPLY_DRAFT_MAX + 1];
    char slot[REPLY_FACT__COUNT][REPLY_FACT_MAX]; /* each slot's text as filled */
    unsigned used;              /* bit (1u << fact) for every fact the text quotes */
    int missing;                /* the missing fact (enum reply_fact), -1 for none */
    char why[REPLY_DETAIL_MAX]; /* REPLY_DRAFT_NONE: the reason shown instead */
    const char *issue;          /* REPLY_DRAFT_CHECKLIST: the issue words of its summary (static) */
    const struct reply_checklist_item *items; /* REPLY_DRAFT_CHECKLIST: its items */
    unsigned nitems;
};

/* True for the intents that never get a proposed answer (escalate, damage and disputes). */
bool reply_intent_is_checklist(const char *intent);

/* True when intent is one of the 16 labels of the classifier. */
bool reply_intent_known(const char *intent);

/* The label at i (0..15) of the classifier's 16 intents; NULL past the end. */
const char *reply_intent_at(unsigned i);

/*
 * Builds the draft for intent in lang from f. A missing fact, the unknown intent or a
 * language without templates give REPLY_DRAFT_NONE with why (ERR_OK). ERR_INVAL for an
 * intent that is not a label; ERR_INTERNAL when a template fails its own guards (a bug).
 */
ERR_MUST_USE enum err reply_draft_build(const struct reply_facts *f, const char *intent,
                                        const char *lang, struct reply_draft *out,
                                        struct errbuf *eb);

/* The guard input of a draft on f: its language, every fact and slot text, the refund state. */
void reply_draft_guard_in(const struct reply_draft *d, const struct reply_facts *f,
                          const char **values, struct reply_guard_in *in);

/*
 * The draft as JSON: kind, intent, lang, state, text, the facts it used (names), the missing
 * fact, why, the checklist, and parts: the text as [{"text": ...} or {"fact": name, "text":
 * ...}] so a page can highlight every quoted fact.
 */
json_t *reply_draft_json(const struct reply_draft *d);

#endif

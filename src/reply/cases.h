/*
 * Buyer cases with their classification and drafts (issue 15): the list for /cases and
 * GET /api/v1/cases (filters by intent and priority), one case with its facts, the template
 * draft and the stored drafts, and what operators do: propose a draft (template, reworded by
 * the LLM when one is configured), record it copied, sent or discarded (accepted, edited or
 * discarded), and relabel the case (stored on the case and as a classifier correction).
 *
 * A case is classified (ai_classify on the buyer's comment and the reason) the first time it
 * is listed or viewed, and the result stored in case_triage; an operator's relabel overrides
 * the model's label from then on.
 */
#ifndef AICOS_REPLY_CASES_H
#define AICOS_REPLY_CASES_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "reply/llm.h"
#include "store/db.h"

#define REPLY_CASES_LIST_MAX 200 /* cases one list answer holds */

struct reply_cases_filter {
    const char *connection_id; /* NULL: every connection */
    const char *intent;        /* one of the 16 labels, or NULL */
    const char *priority;      /* "high" (urgent or escalate) or "normal", or NULL */
    int64_t limit;             /* 1..REPLY_CASES_LIST_MAX; 0 = the maximum */
};

/*
 * The buyer cases (sync_cases_list) newest first, each after-sales case with "triage"
 * {intent, model_intent, confidence, band, lang, urgent, priority, classified_at, relabel},
 * as {"cases": [...], "filter": {...}}. ERR_INVAL for a bad filter; ERR_DB.
 */
ERR_MUST_USE enum err reply_cases_list(struct db *db, const struct reply_cases_filter *f,
                                       json_t **out, struct errbuf *eb);

/*
 * One after-sales case: {"case", "triage", "facts", "draft" (the template draft, draft.h),
 * "proposed" (the newest undecided stored draft or null), "drafts" (the stored ones, newest
 * first)}. ERR_NOTFOUND, ERR_CONFLICT (case id on several connections), ERR_DB.
 */
ERR_MUST_USE enum err reply_case_get(struct db *db, const char *connection_id, const char *case_id,
                                     json_t **out, struct errbuf *eb);

/*
 * Stores a new proposed draft of the case: the template's reply, reworded by the LLM when
 * llm turns it on (its fallback reason kept in llm_note). ERR_CONFLICT "no_draft" (with the
 * missing fact) or "checklist_only" when the case gets no answer. *out: the stored draft.
 */
ERR_MUST_USE enum err reply_draft_propose(struct db *db, const char *connection_id,
                                          const char *case_id, const struct reply_llm_cfg *llm,
                                          const char *actor, json_t **out, struct errbuf *eb);

/*
 * Records what became of a draft: action "copied" or "sent" with the text that went out
 * (NULL or "" = unchanged) gives accepted or edited; "discarded" gives discarded. draft_id
 * NULL or "" decides on the current template draft (stored first). ERR_INVAL for a bad
 * action, ERR_NOTFOUND for an unknown draft, ERR_CONFLICT when it is already decided.
 */
ERR_MUST_USE enum err reply_draft_decide(struct db *db, const char *connection_id,
                                         const char *case_id, const char *draft_id,
                                         const char *action, const char *text, const char *actor,
                                         json_t **out, struct errbuf *eb);

/*
 * An operator's label for the case: stored on the case (case_triage.relabel) and as a
 * correction for the next training (ai_correction_add). ERR_INVAL for an unknown label.
 */
ERR_MUST_USE enum err reply_case_relabel(struct db *db, const char *connection_id,
                                         const char *case_id, const char *label, const char *actor,
                                         struct errbuf *eb);

#endif

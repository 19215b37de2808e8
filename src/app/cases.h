/*
 * The audited use-cases of buyer-case drafts (src/reply does the work): propose a draft
 * (the template, reworded by the LLM of AICOS_LLM_URL when set, its key the vault secret
 * REPLY_LLM_KEY_SECRET), record a draft copied, sent or discarded, and relabel a case. The
 * JSON API (src/api/cases_api.c) and the case page's forms call these.
 */
#ifndef AICOS_APP_CASES_H
#define AICOS_APP_CASES_H

#include "app/app.h"

/* True when AICOS_LLM_URL turns the LLM rewording on. */
bool app_case_llm_enabled(const struct app *app);

/* reply_draft_propose as who; audited "case.draft.propose" (source and LLM note). */
ERR_MUST_USE enum err app_case_draft_propose(const struct app *app, const struct app_actor *who,
                                             const char *connection_id, const char *case_id,
                                             json_t **out, struct errbuf *eb);

/* reply_draft_decide as who; audited "case.draft.decide" (action and resulting state). */
ERR_MUST_USE enum err app_case_draft_decide(const struct app *app, const struct app_actor *who,
                                            const char *connection_id, const char *case_id,
                                            const char *draft_id, const char *action,
                                            const char *text, json_t **out, struct errbuf *eb);

/* reply_case_relabel as who; audited "case.relabel" with the label. */
ERR_MUST_USE enum err app_case_relabel(const struct app *app, const struct app_actor *who,
                                       const char *connection_id, const char *case_id,
                                       const char *label, struct errbuf *eb);

/*
 * Stores the LLM endpoint's bearer key in the vault (REPLY_LLM_KEY_SECRET); "" deletes it.
 * ERR_UNAVAILABLE without a master key. Audited "llm.key.put" (never the key itself).
 */
ERR_MUST_USE enum err app_case_llm_key_put(const struct app *app, const struct app_actor *who,
                                           const char *key, struct errbuf *eb);

#endif

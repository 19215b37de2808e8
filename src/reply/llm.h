/*
 * The optional LLM rewording of a template draft (issue 15, ai.md §5.1 C): an OpenAI-
 * compatible POST {AICOS_LLM_URL} (a /v1/chat/completions endpoint, e.g. llama-server on
 * loopback) with a JSON-schema response format {"reply", "language", "used_facts"}, given the
 * template draft and the facts JSON. Off unless AICOS_LLM_URL is set; the bearer key, when the
 * endpoint needs one, is the vault secret REPLY_LLM_KEY_SECRET. The answer passes the same
 * guards as the template; on a timeout, an HTTP or transport error, malformed JSON, a wrong
 * language or a guard violation the template draft stays and the reason is logged.
 */
#ifndef AICOS_REPLY_LLM_H
#define AICOS_REPLY_LLM_H

#include <stdbool.h>

#include "reply/draft.h"

#define REPLY_LLM_KEY_SECRET "llm.api_key"
#define REPLY_LLM_ANSWER_MAX 65536 /* bytes of the endpoint's answer */

struct reply_llm_cfg {
    const char *url;     /* the chat completions URL; NULL or "" = off */
    const char *model;   /* the "model" field */
    const char *api_key; /* bearer key, or NULL */
    long timeout_ms;     /* whole request */
};

struct reply_llm_result {
    bool used;                      /* text is the LLM's guarded wording */
    char text[REPLY_DRAFT_MAX + 1]; /* the reply to show: the LLM's, or the template's */
    char reason[REPLY_DETAIL_MAX];  /* why the template stayed ("timeout", "http 500", ...) */
};

/* True when cfg turns the LLM on. */
bool reply_llm_enabled(const struct reply_llm_cfg *cfg);

/*
 * Asks the endpoint to reword d (a REPLY_DRAFT_REPLY built from f). Never fails: out->used
 * says whether the LLM's wording passed; otherwise out->text is d's text and out->reason why
 * (also logged as event reply.llm_fallback).
 */
void reply_llm_reword(const struct reply_llm_cfg *cfg, const struct reply_draft *d,
                      const struct reply_facts *f, struct reply_llm_result *out);

#endif

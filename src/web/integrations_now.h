/*
 * The first screen of the Integrations page: what to do now. The development (sandbox)
 * connection's state on its own, apart from the formal progress; who must act now (the role,
 * and whether that is the viewer); one recommended button that can work in this environment
 * for this viewer; the deployment runbook as a one-line summary with a link to /deploy.
 */
#ifndef AICOS_WEB_INTEGRATIONS_NOW_H
#define AICOS_WEB_INTEGRATIONS_NOW_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"
#include "web/html.h"

struct integrations_now {
    const json_t *progress; /* readiness_progress */
    const json_t *conns;    /* connect_connection_list */
    const json_t *orders;   /* query_stream_states("orders") */
    bool production;        /* AICOS_ENV=production: no dev path */
};

/* The "what to do now" card. */
void integrations_now(struct http_req *req, struct html *h, const struct integrations_now *n);

/* A progress step's next action: the catalog's words for step (web_msg_for_step) for a reader
 * of Chinese or both, else the domain's own precise English sentence. */
void integrations_step_text(struct html *h, const char *step, const char *domain);

/* A domain label drawn as "中文 / English": the half of the reader's language (both when it is
 * not known; the text itself when it is no pair). */
void integrations_pair_text(struct html *h, const char *pair);

/* The progress's next steps that are not done, each once, without an owner prefix repeated in
 * its text. */
void integrations_next_steps(struct html *h, const json_t *progress);

#endif

/*
 * The stored classification of a case (case_triage), private to src/reply: classified once
 * with ai_classify, then read; the effective intent is the operator's relabel when there is
 * one.
 */
#ifndef AICOS_REPLY_TRIAGE_H
#define AICOS_REPLY_TRIAGE_H

#include <jansson.h>

#include "base/err.h"
#include "store/db.h"

/*
 * The triage JSON of case_id on connection_id, classifying comment + reason (region: the
 * connection's) and storing the result when the case has none yet.
 */
ERR_MUST_USE enum err reply_triage_get(struct db_conn *c, const char *connection_id,
                                       const char *case_id, const char *comment, const char *reason,
                                       const char *region, json_t **out, struct errbuf *eb);

#endif

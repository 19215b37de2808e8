/*
 * The facts readiness and the registry are computed from, read at most once per request
 * (issue 17): the connections' summary, the sync summary and which regions have credentials
 * (one query, nothing decrypted). Private to src/readiness.
 */
#ifndef AICOS_READINESS_FACTS_H
#define AICOS_READINESS_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"
#include "deploy/record.h"
#include "sync/sync.h"

#define READINESS_DEPLOY_KINDS 3 /* dns, preflight, smoke */

struct readiness_facts {
    const struct connect_env *env;
    int64_t now;
    bool have_connect, have_sync, have_creds;
    struct connect_summary connect;
    struct sync_summary sync;
    bool creds[TEMU_REGION__COUNT];
    bool have_deploy[READINESS_DEPLOY_KINDS];
    struct deploy_record_row deploy[READINESS_DEPLOY_KINDS];
};

/* Facts for env at now; nothing is read until asked for. */
void readiness_facts_init(struct readiness_facts *f, const struct connect_env *env, int64_t now);

/* Each reads its part on first use and returns the cached copy after. */
ERR_MUST_USE enum err readiness_facts_connect(struct readiness_facts *f,
                                              const struct connect_summary **out,
                                              struct errbuf *eb);
ERR_MUST_USE enum err readiness_facts_sync(struct readiness_facts *f,
                                           const struct sync_summary **out, struct errbuf *eb);
ERR_MUST_USE enum err readiness_facts_creds(struct readiness_facts *f, const bool **present,
                                            struct errbuf *eb);
/* The newest deploy check of kind "dns", "preflight" or "smoke" (deploy_record_latest). */
ERR_MUST_USE enum err readiness_facts_deploy(struct readiness_facts *f, const char *kind,
                                             const struct deploy_record_row **out,
                                             struct errbuf *eb);

/* readiness_registry() and readiness_progress() over shared facts. */
ERR_MUST_USE enum err readiness_registry_of(struct readiness_facts *f, json_t **out,
                                            struct errbuf *eb);
ERR_MUST_USE enum err readiness_progress_of(struct readiness_facts *f, json_t **out,
                                            struct errbuf *eb);

#endif

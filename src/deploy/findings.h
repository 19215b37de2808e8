/*
 * The finding format shared by every deployment check (preflight, smoke, dns): an id that
 * names the check ("env.permissions"), a severity (a blocker stops the deployment, a
 * warning does not), one sentence saying what is wrong, and one saying how to fix it.
 * Messages never contain secrets.
 */
#ifndef AICOS_DEPLOY_FINDINGS_H
#define AICOS_DEPLOY_FINDINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define DEPLOY_FINDING_ID_MAX  48
#define DEPLOY_FINDING_MSG_MAX 512

enum deploy_severity { DEPLOY_BLOCKER = 0, DEPLOY_WARNING };

struct deploy_finding {
    char id[DEPLOY_FINDING_ID_MAX];
    enum deploy_severity severity;
    char message[DEPLOY_FINDING_MSG_MAX];
    char fix[DEPLOY_FINDING_MSG_MAX];
};

/*
 * A list of findings. Zero-initialize it; deploy_findings_free() releases it. The counts
 * stay right even when an item could not be stored (no memory, or past
 * LIMIT_DEPLOY_FINDINGS): then dropped says how many are missing from items.
 */
struct deploy_findings {
    struct deploy_finding *items;
    size_t count, cap;
    unsigned blockers, warnings, dropped;
};

/* Adds a finding; fix is a plain string, the message a printf format. */
void deploy_findings_add(struct deploy_findings *f, const char *id, enum deploy_severity sev,
                         const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* True when a finding with this id and severity is in the list. */
bool deploy_findings_has(const struct deploy_findings *f, const char *id, enum deploy_severity sev);

/* The first finding with this id, or NULL. */
const struct deploy_finding *deploy_findings_find(const struct deploy_findings *f, const char *id);

/* "blocker" or "warning". */
const char *deploy_severity_name(enum deploy_severity sev);

/*
 * {"kind":kind,"blockers":n,"warnings":n,"findings":[{"id","severity","message","fix"}]};
 * a new reference (NULL when out of memory).
 */
json_t *deploy_findings_to_json(const struct deploy_findings *f, const char *kind);

/* Prints the findings for people, then one summary line naming kind. */
void deploy_findings_print(const struct deploy_findings *f, const char *kind, FILE *out);

/* Releases the items; the struct may be reused. NULL is a no-op. */
void deploy_findings_free(struct deploy_findings *f);

#endif

/*
 * Stores the result of a deployment check (preflight, smoke, dns) in the deploy_checks
 * table, so the progress engine reads facts instead of guessing.
 */
#ifndef AICOS_DEPLOY_RECORD_H
#define AICOS_DEPLOY_RECORD_H

#include <stdbool.h>

#include "base/err.h"
#include "deploy/findings.h"
#include "store/db.h"

/*
 * Inserts one row: a random id, kind ("preflight", "smoke" or "dns"), the time, the counts
 * and the findings as JSON. ERR_SCHEMA when the table does not exist yet (the database needs
 * `aicos migrate`), ERR_INVAL for an unknown kind, ERR_DB on failure.
 */
ERR_MUST_USE enum err deploy_record(struct db *db, const char *kind,
                                    const struct deploy_findings *f, struct errbuf *eb);

/*
 * The command-line helper: when AICOS_DATABASE_URL is set in the environment, opens that
 * database, records the result and says so on stderr; when the database is unreachable or
 * behind, says why on stderr and carries on. Does nothing when the variable is unset, so a
 * check never creates a database by accident.
 */
void deploy_record_from_env(const char *kind, const struct deploy_findings *f);

/* The latest recorded result of one kind, as deploy_record_latest() reads it. */
struct deploy_record_row {
    bool found;      /* false when no result of this kind was ever recorded */
    char ran_at[40]; /* ISO time */
    unsigned blockers, warnings;
    char first_blocker[DEPLOY_FINDING_MSG_MAX]; /* message of the first blocker, or "" */
    char first_blocker_id[DEPLOY_FINDING_ID_MAX];
    bool env_blocker; /* a blocker whose id starts with "env." */
};

/*
 * Reads the newest row of kind ("preflight", "smoke" or "dns") into out (found false when
 * there is none, or when the table does not exist yet). ERR_INVAL for an unknown kind, ERR_DB.
 */
ERR_MUST_USE enum err deploy_record_latest(struct db *db, const char *kind,
                                           struct deploy_record_row *out, struct errbuf *eb);

#endif

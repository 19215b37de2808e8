/*
 * The recorded deployment checks (deploy_checks): the latest of a kind, and a re-run from the
 * server that records its result.
 */
#ifndef AICOS_DEPLOY_CHECKS_H
#define AICOS_DEPLOY_CHECKS_H

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

/*
 * The latest recorded result of kind ("preflight", "smoke" or "dns") as a new object
 * {kind, ran_at, status ("pass" or "blocked"), blockers, warnings, findings}, or a new
 * JSON null when none was recorded. ERR_INVAL for an unknown kind.
 */
ERR_MUST_USE enum err deploy_check_latest(struct db *db, const char *kind, json_t **out,
                                          struct errbuf *eb);

/*
 * Runs a check from the server and records it: "preflight" on cfg->deploy_dir, "dns" on the
 * hosts of the configured origins, "smoke" against the configured origins and callback mode
 * (token, may be NULL, is the ops API token the deployment packet check needs; it is a
 * secret and only sent to the API origin). *out gets the recorded result as
 * deploy_check_latest() shows it. ERR_NOTFOUND when the production folder is missing,
 * ERR_INVAL when the configured origins cannot be checked (smoke needs https).
 */
ERR_MUST_USE enum err deploy_check_rerun(const struct config *cfg, struct db *db, const char *kind,
                                         const char *token, json_t **out, struct errbuf *eb);

#endif

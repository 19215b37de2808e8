/*
 * The audited use-cases of the deployment planner (src/deploy/plan.h does the work): the
 * mainland China sign-off and its revocation, and the server-side re-runs of preflight, DNS
 * and smoke. Both POST /api/v1/deploy/... and the /deploy page's forms call these.
 */
#ifndef AICOS_APP_DEPLOY_H
#define AICOS_APP_DEPLOY_H

#include "app/app.h"

/* Records the sign-off from body and audits the attempt; *out gets the stored sign-off. */
ERR_MUST_USE enum err app_deploy_sign_off(const struct app *app, const struct app_actor *who,
                                          const json_t *body, json_t **out, struct errbuf *eb);

/* Revokes the sign-off (body: reason) and audits it; *out gets the revoked sign-off. */
ERR_MUST_USE enum err app_deploy_revoke(const struct app *app, const struct app_actor *who,
                                        const json_t *body, json_t **out, struct errbuf *eb);

/*
 * Runs and records one check ("preflight", "dns" or "smoke" with an ops token) from the
 * server, audited; *out gets the recorded result.
 */
ERR_MUST_USE enum err app_deploy_check_run(const struct app *app, const struct app_actor *who,
                                           const char *kind, const char *token, json_t **out,
                                           struct errbuf *eb);

#endif

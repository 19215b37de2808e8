/*
 * The deployment plan: what the "公网回调部署 / Public Callback Deployment" section of the
 * console and GET /api/v1/deploy/plan show (product.md §3), built from facts only: the
 * configuration (origins, callback mode, the production folder), the generated files on
 * disk, the latest preflight, smoke and DNS results recorded in deploy_checks, and the
 * mainland China compliance sign-off kept in deploy_signoffs. Also the console's re-runs of
 * the checks and the Seller Center deployment packet. Nothing here ever returns a secret.
 */
#ifndef AICOS_DEPLOY_PLAN_H
#define AICOS_DEPLOY_PLAN_H

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

struct vault;

/* Strategy ids, in the order the plan lists them. */
#define DEPLOY_STRATEGY_QUICK    "overseas_quick_callback"
#define DEPLOY_STRATEGY_EXISTING "existing_infrastructure"
#define DEPLOY_STRATEGY_MAINLAND "mainland_china_hosting"

/* Where Seller Center registers the app and its callback (the drawing's 授权入口). */
#define DEPLOY_SELLER_CENTER_URL "https://seller.temu.com/open-platform/client-manage"

/*
 * Builds the plan as a new JSON object (*out, owned by the caller): "ready", "headline",
 * "blockers" (names of what blocks), "deploy_dir", "files", "strategies" (each with a
 * status: recommended, ready_if_available, review_required or approved), "callback" (mode,
 * selected URL, origins, status), "dns" (API and Web host checks with hints), "inputs"
 * (deployment host, TLS e-mail, PostgreSQL password, env files: owner and pass, warning or
 * blocked), "preflight" and "smoke" (the latest result or status "pending"), and
 * "commands" (with real values where known). ERR_DB or ERR_SCHEMA when the database cannot
 * be read.
 */
enum err deploy_plan_build(const struct config *cfg, struct db *db, json_t **out,
                           struct errbuf *eb);

/*
 * The latest recorded result of kind ("preflight", "smoke" or "dns") as a new object
 * {kind, ran_at, status ("pass" or "blocked"), blockers, warnings, findings}, or a new
 * JSON null when none was recorded. ERR_INVAL for an unknown kind.
 */
enum err deploy_check_latest(struct db *db, const char *kind, json_t **out, struct errbuf *eb);

/* The mainland sign-off in force as a new object, or a new JSON null when there is none. */
enum err deploy_signoff_current(struct db *db, json_t **out, struct errbuf *eb);

/*
 * Records the compliance sign-off of the mainland China strategy by actor (an ops user).
 * body: {"cleared_by": who cleared it (1..LIMIT_DEPLOY_SIGNOFF_NAME_BYTES), "cleared": every
 * one of "domain", "hosting", "data", "compliance", "note"?: text}; other fields are refused.
 * ERR_INVAL (nothing stored) naming the defect; ERR_CONFLICT when a sign-off is already in
 * force. *out gets the stored sign-off (new reference).
 */
enum err deploy_signoff_record(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb);

/*
 * Revokes the sign-off in force; body {"reason": text}. ERR_INVAL for a missing or bad
 * reason, ERR_NOTFOUND when none is in force. *out gets the revoked sign-off.
 */
enum err deploy_signoff_revoke(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb);

/*
 * Runs a check from the server and records it: "preflight" on cfg->deploy_dir, "dns" on the
 * hosts of the configured origins, "smoke" against the configured origins and callback mode
 * (token, may be NULL, is the ops API token the deployment packet check needs; it is a
 * secret and only sent to the API origin). *out gets the recorded result as
 * deploy_check_latest() shows it. ERR_NOTFOUND when the production folder is missing,
 * ERR_INVAL when the configured origins cannot be checked (smoke needs https).
 */
enum err deploy_check_rerun(const struct config *cfg, struct db *db, const char *kind,
                            const char *token, json_t **out, struct errbuf *eb);

/*
 * What Seller Center registration needs, as a new object: callback mode and URL, the API
 * and Web origins, the redirect URIs, the Seller Center address, whether the origins are
 * fit for production (with the reasons when not), and the regions whose App Key and App
 * Secret are stored in vault (may be NULL) or configured; never a secret or a masked one.
 */
enum err deploy_packet_build(const struct config *cfg, struct vault *vault, json_t **out,
                             struct errbuf *eb);

#endif

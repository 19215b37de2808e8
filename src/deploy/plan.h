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
ERR_MUST_USE enum err deploy_plan_build(const struct config *cfg, struct db *db, json_t **out,
                                        struct errbuf *eb);

/* The rest of the section's facts, each in its module. */
#include "deploy/checks.h"
#include "deploy/packet.h"
#include "deploy/signoff.h"

#endif

/*
 * The "公网回调部署 / Public Callback Deployment" section of the console (product.md §3, as
 * drawn in the integrations page): the generated files, the deployment strategies with their
 * statuses, the DNS / callback inputs, the production inputs with owner and status, the
 * latest preflight and smoke results and the command list. It renders what
 * deploy_plan_build() returns, so the page and GET /api/v1/deploy/plan never disagree. No
 * inline style or script (CSP default-src 'self'): only classes static/console.css styles.
 */
#ifndef AICOS_WEB_DEPLOY_SECTION_H
#define AICOS_WEB_DEPLOY_SECTION_H

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

/*
 * Appends the section (one <section class="card deploy-plan">, every value escaped) to b.
 * Database errors are returned and nothing useful is appended; the caller owns b.
 */
ERR_MUST_USE enum err web_deploy_section(struct buf *b, const struct config *cfg, struct db *db);

#endif

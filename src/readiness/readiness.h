/*
 * Readiness: the Temu connection progress engine (product.md §2) and the integration
 * registry (§1). Both are computed from real state on every call (configuration, the vault,
 * recorded deployment checks, sessions and connections); nothing here is stored.
 */
#ifndef AICOS_READINESS_READINESS_H
#define AICOS_READINESS_READINESS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "connect/connect.h"

#define READINESS_STEPS 8

/*
 * The progress document at time now (a new object): "steps" (8 ordered steps, each {key,
 * label, status pass|warning|blocked|pending, owner, reason, next_action}), "percent",
 * "done", "total", "fraction" ("k/8"), "stage" {code, label}, "action_required" {now, role},
 * "blocker" (the current step, or null), "next_steps" [{step, owner, action}], and "safety"
 * (the shop login password is never needed). Steps 3 to 6 read the recorded deployment
 * checks and stay pending, with the command to run, until one exists. Step 8 (first_sync)
 * reads the sync run history: pending before any run, blocked when runs failed and none
 * succeeded, warning when streams fail or are paused, pass otherwise.
 */
ERR_MUST_USE enum err readiness_progress(const struct connect_env *env, int64_t now, json_t **out,
                                         struct errbuf *eb);

/*
 * The registry at time now (a new object {"integrations": [...]}): one row per integration
 * with key, item, owner, status (not_configured, configured, authorization_pending,
 * authorized (no recent successful sync), connected (a successful sync within 24 h),
 * degraded, failed, paused), risk, last_success_at, errors {auth, sync},
 * next_action, and for Temu the token expiry warning.
 */
ERR_MUST_USE enum err readiness_registry(const struct connect_env *env, int64_t now, json_t **out,
                                         struct errbuf *eb);

/*
 * Both of the above for one page (the /integrations page): each fact (connections, sync runs,
 * stored credentials) is read once for the two. On error neither is returned.
 */
ERR_MUST_USE enum err readiness_page(const struct connect_env *env, int64_t now, json_t **registry,
                                     json_t **progress, struct errbuf *eb);

#endif

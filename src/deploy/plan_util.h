/*
 * What the deployment plan files share (private to src/deploy): small JSON helpers, the
 * production folder and callback mode from the configuration, and the origins as the plan
 * reads them.
 */
#ifndef AICOS_DEPLOY_PLAN_UTIL_H
#define AICOS_DEPLOY_PLAN_UTIL_H

#include <jansson.h>
#include <stdbool.h>

#include "base/config.h"
#include "base/err.h"
#include "deploy/inputs.h"

/* The owner of every production input (the drawing's 生产运维 / ops). */
#define PLAN_OWNER "ops"

/* s, or fallback when s is NULL. */
const char *plan_or(const char *s, const char *fallback);

/* AICOS_DEPLOY_DIR, or "infra". */
const char *plan_dir(const struct config *cfg);

/* AICOS_TEMU_CALLBACK_MODE (api when unparsable). */
enum deploy_callback_mode plan_mode(const struct config *cfg);

/* Adds v to an object (plan_set) or array (plan_push); a NULL v or failure is ERR_NOMEM. */
ERR_MUST_USE enum err plan_set(json_t *obj, const char *key, json_t *v);
ERR_MUST_USE enum err plan_push(json_t *arr, json_t *v);

/* True for preflight, smoke and dns. */
bool plan_kind_valid(const char *kind);

/* reason as a new JSON string, or a JSON null when NULL. */
json_t *plan_reason(const char *reason);

/* The parsed origins and whether they are fit for production (with the first reason). */
struct plan_origins {
    struct deploy_origin api, web;
    bool api_parsed, web_parsed, fit;
    char why[ERRBUF_MSG_MAX];
    char callback_url[DEPLOY_URL_MAX];
};

/* The configured origins into o. */
void plan_origins_read(const struct config *cfg, struct plan_origins *o);

#endif

/*
 * What the preflight files share (private to src/deploy): the env file as read, whole-file
 * reading, and the artifact checkers the driver (preflight.c) runs in order.
 */
#ifndef AICOS_DEPLOY_PREFLIGHT_PARTS_H
#define AICOS_DEPLOY_PREFLIGHT_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/limits.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"

struct deploy_env {
    size_t n;
    char *names[LIMIT_DEPLOY_ENV_VARS];
    char *values[LIMIT_DEPLOY_ENV_VARS];
};

/* Reads a whole file (at most LIMIT_DEPLOY_FILE_BYTES) into a malloc'd NUL-terminated string. */
ERR_MUST_USE enum err deploy_read_file(const char *path, char **out, size_t *len);

/* The value of name in env, or NULL. */
const char *deploy_env_get(const struct deploy_env *env, const char *name);

/* deploy_env_get() as a config_load() lookup (ctx is the env). */
const char *deploy_env_lookup(const char *name, void *ctx);

/* The env-file checks; fills api/web (has_api/has_web) for the other files' checks. */
void deploy_check_env(const char *dir, struct deploy_env *env, char **data, size_t *data_len,
                      struct deploy_origin *api, bool *has_api, struct deploy_origin *web,
                      bool *has_web, struct deploy_findings *f);

/* The compose file's checks against the env file. */
void deploy_check_compose(const char *dir, const struct deploy_env *env, struct deploy_findings *f);

/* The Caddyfile's checks against the origins of the env file. */
void deploy_check_caddyfile(const char *dir, const struct deploy_env *env,
                            const struct deploy_origin *api, bool has_api,
                            const struct deploy_origin *web, bool has_web,
                            struct deploy_findings *f);

/* The Dockerfile's checks. */
void deploy_check_dockerfile(const char *dir, struct deploy_findings *f);

#endif

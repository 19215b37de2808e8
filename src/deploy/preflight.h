/*
 * `aicos deploy preflight`: checks a production folder (infra/) without starting anything:
 * the env file (presence, mode 0600, syntax, every required variable, the program's own
 * configuration rules, origins, callback URL against mode and origins, CORS, master key
 * shape, PostgreSQL password strength and its agreement with the database URL), the compose
 * file (parsed with libyaml: services, images, health checks, env-file references, volumes,
 * start order), the Caddyfile (`caddy validate` when Caddy is installed, structural checks
 * always), the Dockerfile (structurally) and the built binary (version and commit).
 */
#ifndef AICOS_DEPLOY_PREFLIGHT_H
#define AICOS_DEPLOY_PREFLIGHT_H

#include "base/err.h"
#include "deploy/findings.h"

/*
 * Runs every check on dir and appends findings to f. ERR_OK when the checks ran, whatever
 * they found; ERR_NOTFOUND when dir is not a folder (the preflight could not run).
 */
ERR_MUST_USE enum err deploy_preflight_run(const char *dir, struct deploy_findings *f,
                                           struct errbuf *eb);

/*
 * The built-artifact check on its own (used by deploy_preflight_run with this program's
 * version, commit and the env file's AICOS_IMAGE, which may be NULL): build.commit when the
 * commit is unknown, build.image_tag when the image tag does not carry this version.
 */
void deploy_preflight_check_build(const char *version, const char *commit, const char *image,
                                  struct deploy_findings *f);

/*
 * Runs `caddy validate --adapter caddyfile --config path` (found on PATH) with its storage
 * in a temporary folder. Returns ERR_NOTFOUND when caddy is not installed, ERR_INVAL with
 * Caddy's message when the file is invalid, ERR_OK when valid, ERR_IO when it cannot run.
 */
ERR_MUST_USE enum err deploy_caddy_validate(const char *path, struct errbuf *eb);

#endif

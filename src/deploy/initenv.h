/*
 * `aicos deploy init-env`: validates the production inputs and writes the three production
 * files under <out>/infra atomically (a temporary file, fsync, rename), with the env file
 * mode 0600. It also writes infra/Dockerfile and its ignore file when they are missing (the
 * repository keeps them; an output folder elsewhere gets a copy), never replacing them.
 */
#ifndef AICOS_DEPLOY_INITENV_H
#define AICOS_DEPLOY_INITENV_H

#include <stdbool.h>

#include "base/err.h"
#include "deploy/inputs.h"

#define DEPLOY_PATH_MAX 1024

struct deploy_initenv_opts {
    const char *api_origin; /* https://host[:port] */
    const char *web_origin;
    const char *acme_email;
    const char *postgres_password; /* secret */
    const char *callback_mode;     /* "api" (default when NULL) or "web-bridge" */
    const char *out_dir;           /* an existing folder; "." when NULL */
    bool force;                    /* replace existing generated files */
};

struct deploy_initenv_result {
    char env_path[DEPLOY_PATH_MAX];
    char compose_path[DEPLOY_PATH_MAX];
    char caddyfile_path[DEPLOY_PATH_MAX];
    char dockerfile_path[DEPLOY_PATH_MAX];
    bool wrote_dockerfile; /* false when it existed and was kept */
    char callback_url[DEPLOY_URL_MAX];
};

/*
 * Validates opts and writes the files. Refusals write nothing: ERR_INVAL for bad input
 * (the message names the option and never contains a secret), ERR_NOTFOUND when out_dir is
 * not a folder, ERR_CONFLICT when a generated file exists and force is false (naming it).
 * ERR_IO when writing fails (temporary files removed, existing files untouched).
 */
ERR_MUST_USE enum err deploy_initenv_run(const struct deploy_initenv_opts *opts,
                                         struct deploy_initenv_result *res, struct errbuf *eb);

#endif

/*
 * The production files, rendered from validated inputs: infra/production.env,
 * infra/docker-compose.prod.yml, infra/caddy/Caddyfile, and the Dockerfile the repository
 * keeps as infra/Dockerfile. Rendering does no validation: give it what init-env checked.
 */
#ifndef AICOS_DEPLOY_TEMPLATES_H
#define AICOS_DEPLOY_TEMPLATES_H

#include "base/buf.h"
#include "base/err.h"
#include "deploy/inputs.h"

/* Names inside the generated stack; preflight checks the files against the same names. */
#define DEPLOY_ENV_FILE        "production.env"
#define DEPLOY_COMPOSE_FILE    "docker-compose.prod.yml"
#define DEPLOY_CADDYFILE       "caddy/Caddyfile"
#define DEPLOY_DOCKERFILE      "Dockerfile"
#define DEPLOY_APP_SERVICE     "app"
#define DEPLOY_APP_PORT        8080
#define DEPLOY_DB_SERVICE      "postgres"
#define DEPLOY_DB_USER         "aicos"
#define DEPLOY_DB_NAME         "aicos"
#define DEPLOY_BODY_LIMIT_TEXT "1MiB" /* Caddy's limit, equal to LIMIT_HTTP_BODY_BYTES */

struct deploy_params {
    struct deploy_origin api, web;
    enum deploy_callback_mode mode;
    const char *acme_email;
    const char *postgres_password; /* secret: only ever written into the env file */
    const char *master_key;        /* secret: base64 of 32 bytes */
    const char *generated_at;      /* ISO timestamp for the header comments */
};

/* The image tag every service of the stack uses: "aicos:<version>". */
const char *deploy_image_tag(void);

/* Appends the env file. It holds secrets: the caller writes it with mode 0600. */
ERR_MUST_USE enum err deploy_render_env(const struct deploy_params *p, struct buf *out);

/* Appends the compose file. It names secrets only as ${AICOS_POSTGRES_PASSWORD}. */
ERR_MUST_USE enum err deploy_render_compose(const struct deploy_params *p, struct buf *out);

/* Appends the Caddyfile: both hosts, ACME e-mail, headers, body limit, proxy to the app. */
ERR_MUST_USE enum err deploy_render_caddyfile(const struct deploy_params *p, struct buf *out);

/* The Dockerfile (a static text, the same as the repository's infra/Dockerfile). */
const char *deploy_dockerfile_text(void);

/* The BuildKit ignore file kept beside it (infra/Dockerfile.dockerignore). */
const char *deploy_dockerignore_text(void);

#endif

#include "deploy/templates.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/url.h"
#include "version.h"

const char *deploy_image_tag(void)
{
    return "aicos:" AICOS_VERSION;
}

enum err deploy_render_env(const struct deploy_params *p, struct buf *out)
{
    char callback[DEPLOY_URL_MAX];
    deploy_callback_url(p->mode, &p->api, &p->web, callback, sizeof callback);
    /* The Web console calls the API from its own origin; the API origin itself is listed so
     * that a single-host deployment works the same way. */
    char cors[2 * CONFIG_ORIGIN_MAX + 2];
    if (strcmp(p->api.origin, p->web.origin) == 0)
        snprintf(cors, sizeof cors, "%s", p->web.origin);
    else
        snprintf(cors, sizeof cors, "%s,%s", p->web.origin, p->api.origin);
    enum err e = buf_printf(
        out,
        "# Production settings of aicos, written by `aicos deploy init-env` at %s.\n"
        "# It holds secrets (the PostgreSQL password and the master key): keep it mode 0600,\n"
        "# never commit it, and back the master key up: without it the vault cannot be read.\n"
        "# Check it with `aicos deploy preflight --dir infra` before every deployment.\n"
        "AICOS_ENV=production\n"
        "AICOS_LISTEN=0.0.0.0:%d\n"
        "AICOS_LOG_LEVEL=info\n"
        "AICOS_HTTP_THREADS=8\n"
        "AICOS_HTTP_BODY_MAX_BYTES=%d\n"
        "AICOS_API_ORIGIN=%s\n"
        "AICOS_WEB_ORIGIN=%s\n"
        "AICOS_CORS_ORIGINS=%s\n"
        "AICOS_TEMU_CALLBACK_MODE=%s\n"
        "AICOS_CALLBACK_URL=%s\n"
        "AICOS_ACME_EMAIL=%s\n"
        "AICOS_IMAGE=%s\n"
        "AICOS_POSTGRES_USER=%s\n"
        "AICOS_POSTGRES_DB=%s\n"
        "AICOS_POSTGRES_PASSWORD=%s\n"
        "AICOS_DATABASE_URL=postgres://%s:",
        p->generated_at, DEPLOY_APP_PORT, LIMIT_HTTP_BODY_BYTES, p->api.origin, p->web.origin, cors,
        deploy_callback_mode_name(p->mode), callback, p->acme_email, deploy_image_tag(),
        DEPLOY_DB_USER, DEPLOY_DB_NAME, p->postgres_password, DEPLOY_DB_USER);
    if (e == ERR_OK)
        e = url_encode(out, p->postgres_password);
    if (e == ERR_OK)
        e = buf_printf(out,
                       "@%s:5432/%s\n"
                       "AICOS_MASTER_KEY=%s\n",
                       DEPLOY_DB_SERVICE, DEPLOY_DB_NAME, p->master_key);
    return e;
}

enum err deploy_render_compose(const struct deploy_params *p, struct buf *out)
{
    return buf_printf(
        out,
        "# The production stack of aicos, written by `aicos deploy init-env` at %s.\n"
        "# Start it from the repository root with:\n"
        "#   docker compose --env-file infra/production.env -f infra/docker-compose.prod.yml "
        "up -d\n"
        "# Order: PostgreSQL healthy -> the migration job succeeds -> the app is healthy -> "
        "Caddy.\n"
        "# Secrets stay in production.env; this file only names them.\n"
        "name: aicos\n"
        "\n"
        "services:\n"
        "  %s:\n"
        "    image: postgres:15-bookworm\n"
        "    restart: unless-stopped\n"
        "    environment:\n"
        "      POSTGRES_USER: %s\n"
        "      POSTGRES_DB: %s\n"
        "      POSTGRES_PASSWORD: ${AICOS_POSTGRES_PASSWORD:?pass --env-file "
        "infra/production.env}\n"
        "    volumes:\n"
        "      - postgres-data:/var/lib/postgresql/data\n"
        "    healthcheck:\n"
        "      test: [\"CMD-SHELL\", \"pg_isready -U %s -d %s\"]\n"
        "      interval: 5s\n"
        "      timeout: 5s\n"
        "      retries: 30\n"
        "    security_opt: [\"no-new-privileges:true\"]\n"
        "\n"
        "  migrate:\n"
        "    image: %s\n"
        "    env_file: [%s]\n"
        "    command: [\"aicos\", \"migrate\"]\n"
        "    restart: \"no\"\n"
        "    depends_on:\n"
        "      %s:\n"
        "        condition: service_healthy\n"
        "    security_opt: [\"no-new-privileges:true\"]\n"
        "\n"
        "  %s:\n"
        "    image: %s\n"
        "    build:\n"
        "      context: ..\n"
        "      dockerfile: infra/Dockerfile\n"
        "    env_file: [%s]\n"
        "    command: [\"aicos\", \"serve\", \"--no-migrate\"]\n"
        "    restart: unless-stopped\n"
        "    expose: [\"%d\"]\n"
        "    depends_on:\n"
        "      migrate:\n"
        "        condition: service_completed_successfully\n"
        "    healthcheck:\n"
        "      test: [\"CMD\", \"curl\", \"-fsS\", \"-o\", \"/dev/null\", "
        "\"http://127.0.0.1:%d/readyz\"]\n"
        "      interval: 10s\n"
        "      timeout: 5s\n"
        "      retries: 12\n"
        "      start_period: 10s\n"
        "    security_opt: [\"no-new-privileges:true\"]\n"
        "\n"
        "  caddy:\n"
        "    image: caddy:2\n"
        "    restart: unless-stopped\n"
        "    ports:\n"
        "      - \"80:80\"\n"
        "      - \"443:443\"\n"
        "      - \"443:443/udp\"\n"
        "    volumes:\n"
        "      - ./caddy/Caddyfile:/etc/caddy/Caddyfile:ro\n"
        "      - caddy-data:/data\n"
        "      - caddy-config:/config\n"
        "    depends_on:\n"
        "      %s:\n"
        "        condition: service_healthy\n"
        "    healthcheck:\n"
        "      test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", "
        "\"http://127.0.0.1:2019/config/\"]\n"
        "      interval: 10s\n"
        "      timeout: 5s\n"
        "      retries: 6\n"
        "\n"
        "volumes:\n"
        "  postgres-data:\n"
        "  caddy-data:\n"
        "  caddy-config:\n",
        p->generated_at, DEPLOY_DB_SERVICE, DEPLOY_DB_USER, DEPLOY_DB_NAME, DEPLOY_DB_USER,
        DEPLOY_DB_NAME, deploy_image_tag(), DEPLOY_ENV_FILE, DEPLOY_DB_SERVICE, DEPLOY_APP_SERVICE,
        deploy_image_tag(), DEPLOY_ENV_FILE, DEPLOY_APP_PORT, DEPLOY_APP_PORT, DEPLOY_APP_SERVICE);
}

/* The Caddy site address of an origin: the host, with the port when it is not 443. */
static void deploy_site_address(const struct deploy_origin *o, char *dst, size_t dstlen)
{
    if (o->port != 443)
        snprintf(dst, dstlen, "%s:%u", o->host, o->port);
    else
        snprintf(dst, dstlen, "%s", o->host);
}

enum err deploy_render_caddyfile(const struct deploy_params *p, struct buf *out)
{
    char api[DEPLOY_HOST_MAX + 8], web[DEPLOY_HOST_MAX + 8];
    deploy_site_address(&p->api, api, sizeof api);
    deploy_site_address(&p->web, web, sizeof web);
    enum err e =
        buf_printf(out,
                   "# HTTPS in front of aicos, written by `aicos deploy init-env` at %s.\n"
                   "# Caddy obtains and renews the certificates itself (ACME, automatic TLS).\n"
                   "{\n"
                   "\temail %s\n"
                   "}\n"
                   "\n"
                   "(aicos_site) {\n"
                   "\tencode zstd gzip\n"
                   "\trequest_body {\n"
                   "\t\tmax_size %s\n"
                   "\t}\n"
                   "\theader {\n"
                   "\t\tStrict-Transport-Security \"max-age=31536000; includeSubDomains\"\n"
                   "\t\tX-Content-Type-Options \"nosniff\"\n"
                   "\t\tX-Frame-Options \"DENY\"\n"
                   "\t\tReferrer-Policy \"same-origin\"\n"
                   "\t\t-Server\n"
                   "\t}\n"
                   "\treverse_proxy %s:%d {\n"
                   "\t\thealth_uri /healthz\n"
                   "\t}\n"
                   "}\n"
                   "\n"
                   "%s {\n"
                   "\timport aicos_site\n"
                   "}\n",
                   p->generated_at, p->acme_email, DEPLOY_BODY_LIMIT_TEXT, DEPLOY_APP_SERVICE,
                   DEPLOY_APP_PORT, api);
    if (e == ERR_OK && strcmp(api, web) != 0)
        e = buf_printf(out,
                       "\n"
                       "%s {\n"
                       "\timport aicos_site\n"
                       "}\n",
                       web);
    return e;
}

const char *deploy_dockerfile_text(void)
{
    return "# The aicos image, built from Debian 12 packages only (nothing downloaded besides\n"
           "# them). Build context: the repository root, e.g.\n"
           "#   docker build -f infra/Dockerfile -t aicos:<version> .\n"
           "# or let `docker compose ... up -d --build` do it.\n"
           "\n"
           "# Stage 1: build with the project's own scripts (install-deps, then make).\n"
           "FROM debian:12 AS build\n"
           "ENV DEBIAN_FRONTEND=noninteractive\n"
           "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends make \\\n"
           "    && rm -rf /var/lib/apt/lists/*\n"
           "WORKDIR /src\n"
           "COPY . .\n"
           "RUN rm -rf build && make release\n"
           "\n"
           "# Stage 2: the runtime, with only the shared libraries the binary links.\n"
           "FROM debian:12-slim\n"
           "ENV DEBIAN_FRONTEND=noninteractive\n"
           "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \\\n"
           "        ca-certificates curl libmicrohttpd12 libjansson4 libsqlite3-0 libpq5 \\\n"
           "        libsodium23 libcurl4 libssl3 libyaml-0-2 \\\n"
           "    && rm -rf /var/lib/apt/lists/* \\\n"
           "    && useradd --system --uid 10001 --home-dir /var/lib/aicos --create-home aicos\n"
           "COPY --from=build /src/build/release/aicos /usr/local/bin/aicos\n"
           "USER aicos\n"
           "WORKDIR /var/lib/aicos\n"
           "ENV AICOS_ENV=production AICOS_LISTEN=0.0.0.0:8080\n"
           "EXPOSE 8080\n"
           "HEALTHCHECK --interval=10s --timeout=5s --retries=12 \\\n"
           "    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1\n"
           "CMD [\"aicos\", \"serve\", \"--no-migrate\"]\n";
}

const char *deploy_dockerignore_text(void)
{
    return "# Keep build output, local data and production secrets out of the image context.\n"
           "build/\n"
           "var/\n"
           "infra/production.env\n"
           "**/*.env\n";
}

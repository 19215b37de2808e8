#include "deploy/templates.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/tmpl.h"
#include "base/url.h"
#include "deploy/template_files.h"
#include "version.h"

const char *deploy_image_tag(void)
{
    return "aicos:" AICOS_VERSION;
}

/* Renders an embedded template into out (template errors are internal: the files are ours). */
ERR_MUST_USE static enum err deploy_render(const unsigned char *text, size_t len,
                                           const struct tmpl_slot *slots, size_t n, struct buf *out)
{
    struct errbuf eb = {0};
    enum err e = tmpl_render((const char *)text, len, slots, n, out, &eb);
    if (e == ERR_OK || e == ERR_TOOBIG || e == ERR_NOMEM)
        return e;
    log_kv(LOG_ERROR, "deploy.template", "code", errbuf_code(&eb, e), "message", eb.msg, NULL);
    return ERR_INTERNAL;
}

enum err deploy_render_env(const struct deploy_params *p, struct buf *out)
{
    char callback[DEPLOY_URL_MAX], port[16], body[24];
    deploy_callback_url(p->mode, &p->api, &p->web, callback, sizeof callback);
    /* The Web console calls the API from its own origin; the API origin itself is listed so
     * that a single-host deployment works the same way. */
    char cors[2 * CONFIG_ORIGIN_MAX + 2];
    if (strcmp(p->api.origin, p->web.origin) == 0)
        snprintf(cors, sizeof cors, "%s", p->web.origin);
    else
        snprintf(cors, sizeof cors, "%s,%s", p->web.origin, p->api.origin);
    snprintf(port, sizeof port, "%d", DEPLOY_APP_PORT);
    snprintf(body, sizeof body, "%d", LIMIT_HTTP_BODY_BYTES);
    struct buf pw = {.max = 3 * LIMIT_DEPLOY_PASSWORD_MAX + 1};
    enum err e = url_encode(&pw, p->postgres_password);
    if (e != ERR_OK)
        goto out;
    const struct tmpl_slot slots[] = {
        {"generated_at", p->generated_at},
        {"app_port", port},
        {"body_limit", body},
        {"api_origin", p->api.origin},
        {"web_origin", p->web.origin},
        {"cors_origins", cors},
        {"callback_mode", deploy_callback_mode_name(p->mode)},
        {"callback_url", callback},
        {"acme_email", p->acme_email},
        {"image", deploy_image_tag()},
        {"db_user", DEPLOY_DB_USER},
        {"db_name", DEPLOY_DB_NAME},
        {"db_service", DEPLOY_DB_SERVICE},
        {"postgres_password", p->postgres_password},
        {"postgres_password_url", pw.len > 0 ? pw.data : ""},
        {"master_key", p->master_key},
    };
    e = deploy_render(deploy_tmpl_env, deploy_tmpl_env_len, slots, sizeof slots / sizeof slots[0],
                      out);
out:
    if (pw.data != NULL)
        sodium_memzero(pw.data, pw.len); /* the password, percent-encoded */
    buf_free(&pw);
    return e;
}

enum err deploy_render_compose(const struct deploy_params *p, struct buf *out)
{
    char port[16];
    snprintf(port, sizeof port, "%d", DEPLOY_APP_PORT);
    const struct tmpl_slot slots[] = {
        {"generated_at", p->generated_at},   {"db_service", DEPLOY_DB_SERVICE},
        {"db_user", DEPLOY_DB_USER},         {"db_name", DEPLOY_DB_NAME},
        {"image", deploy_image_tag()},       {"env_file", DEPLOY_ENV_FILE},
        {"app_service", DEPLOY_APP_SERVICE}, {"app_port", port},
    };
    return deploy_render(deploy_tmpl_compose, deploy_tmpl_compose_len, slots,
                         sizeof slots / sizeof slots[0], out);
}

/* The Caddy site address of an origin: the host, with the port when it is not 443. */
static void deploy_site_address(const struct deploy_origin *o, char *dst, size_t dstlen)
{
    if (o->port != 443)
        snprintf(dst, dstlen, "%s:%u", o->host, o->port);
    else
        snprintf(dst, dstlen, "%s", o->host);
}

/* One site block that imports the shared snippet. */
ERR_MUST_USE static enum err deploy_render_site(const char *site, struct buf *out)
{
    const struct tmpl_slot slots[] = {{"site", site}};
    return deploy_render(deploy_tmpl_caddy_site, deploy_tmpl_caddy_site_len, slots, 1, out);
}

enum err deploy_render_caddyfile(const struct deploy_params *p, struct buf *out)
{
    char api[DEPLOY_HOST_MAX + 8], web[DEPLOY_HOST_MAX + 8], port[16];
    deploy_site_address(&p->api, api, sizeof api);
    deploy_site_address(&p->web, web, sizeof web);
    snprintf(port, sizeof port, "%d", DEPLOY_APP_PORT);
    const struct tmpl_slot slots[] = {
        {"generated_at", p->generated_at},
        {"acme_email", p->acme_email},
        {"body_limit", DEPLOY_BODY_LIMIT_TEXT},
        {"app_service", DEPLOY_APP_SERVICE},
        {"app_port", port},
    };
    enum err e = deploy_render(deploy_tmpl_caddyfile, deploy_tmpl_caddyfile_len, slots,
                               sizeof slots / sizeof slots[0], out);
    if (e == ERR_OK)
        e = deploy_render_site(api, out);
    if (e == ERR_OK && strcmp(api, web) != 0)
        e = deploy_render_site(web, out);
    return e;
}

const char *deploy_dockerfile_text(void)
{
    return (const char *)deploy_file_dockerfile;
}

const char *deploy_dockerignore_text(void)
{
    return (const char *)deploy_file_dockerignore;
}

#include "base/config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/url.h"

enum config_kind {
    CONFIG_KIND_ENV,       /* development | production */
    CONFIG_KIND_LISTEN,    /* host:port */
    CONFIG_KIND_DB_URL,    /* sqlite:<path> | postgres://... */
    CONFIG_KIND_LOG_LEVEL, /* debug | info | warn | error */
    CONFIG_KIND_ORIGIN,    /* http(s)://host[:port] */
    CONFIG_KIND_INT,       /* long within [min, max] */
    CONFIG_KIND_STRING,    /* free text up to the field size (may be empty) */
    CONFIG_KIND_CHECKED,   /* checked by a domain (struct config_check), else text */
    CONFIG_KIND_URL,       /* empty, or http(s)://... without spaces */
    CONFIG_KIND_CALLBACK,  /* api | web-bridge (the Temu authorization callback mode) */
};

enum config_secret { CONFIG_PUBLIC = 0, CONFIG_SECRET_URL_PASSWORD, CONFIG_SECRET_ALL };

struct config_row {
    const char *var;
    const char *default_value;
    enum config_kind kind;
    size_t offset;
    size_t size; /* of the destination field, for strings */
    long min, max;
    enum config_secret secret;
    const char *description;
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct config_row config_rows[] = {
    {"AICOS_ENV", "development", CONFIG_KIND_ENV, FIELD(env), 0, 0, CONFIG_PUBLIC,
     "development or production; production enforces the security gates"},
    {"AICOS_LISTEN", "127.0.0.1:8080", CONFIG_KIND_LISTEN, FIELD(listen_host), 0, 0, CONFIG_PUBLIC,
     "address and port the HTTP server listens on"},
    {"AICOS_DATABASE_URL", "sqlite:var/aicos.db", CONFIG_KIND_DB_URL, FIELD(database_url), 0, 0,
     CONFIG_SECRET_URL_PASSWORD, "sqlite:<path> or postgres://user:password@host:port/db"},
    {"AICOS_LOG_LEVEL", "info", CONFIG_KIND_LOG_LEVEL, FIELD(log_level), 0, 0, CONFIG_PUBLIC,
     "debug, info, warn or error"},
    {"AICOS_API_ORIGIN", "http://127.0.0.1:8080", CONFIG_KIND_ORIGIN, FIELD(api_origin), 0, 0,
     CONFIG_PUBLIC, "public origin of the API (scheme://host[:port])"},
    {"AICOS_WEB_ORIGIN", "http://127.0.0.1:8080", CONFIG_KIND_ORIGIN, FIELD(web_origin), 0, 0,
     CONFIG_PUBLIC, "public origin of the web console (scheme://host[:port])"},
    {"AICOS_HTTP_THREADS", "4", CONFIG_KIND_INT, FIELD(http_threads), 1, 64, CONFIG_PUBLIC,
     "HTTP worker threads (epoll thread pool size)"},
    {"AICOS_HTTP_BODY_MAX_BYTES", "1048576", CONFIG_KIND_INT, FIELD(http_body_max), 1024,
     64 * 1024 * 1024, CONFIG_PUBLIC, "largest accepted request body in bytes"},
    {"AICOS_HTTP_UPLOAD_MAX_BYTES", "67108864", CONFIG_KIND_INT, FIELD(http_upload_max), 1024,
     64 * 1024 * 1024, CONFIG_PUBLIC,
     "largest file upload in bytes (the statement upload form; every other body: "
     "AICOS_HTTP_BODY_MAX_BYTES)"},
    {"AICOS_MASTER_KEY", "", CONFIG_KIND_STRING, FIELD(master_key), 0, 0, CONFIG_SECRET_ALL,
     "vault master key: base64 of 32 bytes (or use AICOS_MASTER_KEY_FILE)"},
    {"AICOS_MASTER_KEY_FILE", "", CONFIG_KIND_STRING, FIELD(master_key_file), 0, 0, CONFIG_PUBLIC,
     "file holding the vault master key (mode 0600)"},
    {"AICOS_TEMU_REGION", "us", CONFIG_KIND_CHECKED, FIELD(temu_region), 0, 0, CONFIG_PUBLIC,
     "Temu gateway region: us, eu, global, partner or cn"},
    {"AICOS_TEMU_GATEWAY_URL", "", CONFIG_KIND_URL, FIELD(temu_gateway_url), 0, 0,
     CONFIG_SECRET_URL_PASSWORD, "Temu router URL overriding the region's (e.g. the sandbox)"},
    {"AICOS_TEMU_RATE_LIMIT", "20", CONFIG_KIND_INT, FIELD(temu_rate_limit), 1, LIMIT_TEMU_RATE_MAX,
     CONFIG_PUBLIC, "Temu requests per second per app key"},
    {"AICOS_TEMU_CONNECT_TIMEOUT_MS", "5000", CONFIG_KIND_INT, FIELD(temu_connect_timeout_ms), 100,
     LIMIT_TEMU_TIMEOUT_MS_MAX, CONFIG_PUBLIC, "Temu connect timeout in milliseconds"},
    {"AICOS_TEMU_TIMEOUT_MS", "30000", CONFIG_KIND_INT, FIELD(temu_timeout_ms), 100,
     LIMIT_TEMU_TIMEOUT_MS_MAX, CONFIG_PUBLIC, "Temu whole-request timeout in milliseconds"},
    {"AICOS_TEMU_MAX_RETRIES", "3", CONFIG_KIND_INT, FIELD(temu_max_retries), 0,
     LIMIT_TEMU_RETRIES_MAX, CONFIG_PUBLIC, "retries of a retryable Temu failure"},
    {"AICOS_TEMU_APP_KEY", "", CONFIG_KIND_STRING, FIELD(temu_app_key), 0, 0, CONFIG_PUBLIC,
     "Temu app key (aicos temu call)"},
    {"AICOS_TEMU_APP_SECRET_FILE", "", CONFIG_KIND_STRING, FIELD(temu_app_secret_file), 0, 0,
     CONFIG_PUBLIC, "file holding the Temu app secret (aicos temu call; mode 0600)"},
    {"AICOS_TEMU_ACCESS_TOKEN_FILE", "", CONFIG_KIND_STRING, FIELD(temu_access_token_file), 0, 0,
     CONFIG_PUBLIC, "file holding a seller access token (aicos temu call; mode 0600)"},
    {"AICOS_DEPLOY_DIR", "infra", CONFIG_KIND_STRING, FIELD(deploy_dir), 0, 0, CONFIG_PUBLIC,
     "folder of the production files that the console's deployment preflight checks"},
    {"AICOS_TEMU_AUTH_URL", "", CONFIG_KIND_URL, FIELD(temu_auth_url), 0, 0, CONFIG_PUBLIC,
     "Seller Center authorization page overriding the region's (e.g. the sandbox's)"},
    {"AICOS_TEMU_CALLBACK_MODE", "api", CONFIG_KIND_CALLBACK, FIELD(temu_callback_mode), 0, 0,
     CONFIG_PUBLIC, "Temu authorization callback: api (API host) or web-bridge (console page)"},
    {"AICOS_SYNC_WORKER", "1", CONFIG_KIND_INT, FIELD(sync_worker), 0, 1, CONFIG_PUBLIC,
     "1: aicos serve also runs the sync scheduler; 0: API only (like serve --no-worker)"},
    {"AICOS_SYNC_ORDERS_INTERVAL_S", "600", CONFIG_KIND_INT, FIELD(sync_orders_interval_s),
     LIMIT_SYNC_INTERVAL_MIN_S, LIMIT_SYNC_INTERVAL_MAX_S, CONFIG_PUBLIC,
     "seconds between scheduled syncs of a connection's orders"},
    {"AICOS_SYNC_JITTER_S", "30", CONFIG_KIND_INT, FIELD(sync_jitter_s), 0, LIMIT_SYNC_JITTER_MAX_S,
     CONFIG_PUBLIC, "random delay of 0..N seconds added to every scheduled sync"},
    {"AICOS_TRUSTED_PROXIES", "", CONFIG_KIND_STRING, FIELD(trusted_proxies), 0, 0, CONFIG_PUBLIC,
     "proxy addresses (IPs or CIDR, comma-separated) whose X-Forwarded-For names the client"},
    {"AICOS_HTTP_PER_CLIENT", "64", CONFIG_KIND_INT, FIELD(http_per_client), 1,
     LIMIT_HTTP_MAX_CONNS, CONFIG_PUBLIC,
     "requests one client may have in flight; more get 503 with Retry-After"},
    {"AICOS_METRICS_TOKEN", "", CONFIG_KIND_STRING, FIELD(metrics_token), 0, 0, CONFIG_SECRET_ALL,
     "token /metrics requires (Authorization: Bearer); production without it: loopback only"},
    {"AICOS_AIRWALLEX_URL", "https://api.airwallex.com", CONFIG_KIND_URL, FIELD(airwallex_url), 0,
     0, CONFIG_SECRET_URL_PASSWORD, "Airwallex API base URL (e.g. the payout sandbox's)"},
    {"AICOS_PAYOUT_SYNC_INTERVAL_S", "3600", CONFIG_KIND_INT, FIELD(payout_sync_interval_s), 0,
     LIMIT_SYNC_INTERVAL_MAX_S, CONFIG_PUBLIC,
     "seconds between scheduled payout-provider syncs (0: only aicos settlement airwallex sync)"},
    {"AICOS_SETTLE_AMOUNTS_INTERVAL_S", "3600", CONFIG_KIND_INT, FIELD(settle_amounts_interval_s),
     0, LIMIT_SYNC_INTERVAL_MAX_S, CONFIG_PUBLIC,
     "seconds between runs of each shop's expected-amounts stream (0: only aicos settlement "
     "amounts)"},
    {"AICOS_LLM_URL", "", CONFIG_KIND_URL, FIELD(llm_url), 0, 0, CONFIG_SECRET_URL_PASSWORD,
     "OpenAI-compatible chat completions URL that rewords reply drafts; empty: off"},
    {"AICOS_LLM_MODEL", "default", CONFIG_KIND_STRING, FIELD(llm_model), 0, 0, CONFIG_PUBLIC,
     "model name sent to AICOS_LLM_URL"},
    {"AICOS_LLM_TIMEOUT_MS", "10000", CONFIG_KIND_INT, FIELD(llm_timeout_ms), 100, 120000,
     CONFIG_PUBLIC, "whole-request timeout of an LLM call in milliseconds"},
};

#define CONFIG_ROWS (sizeof config_rows / sizeof config_rows[0])

_Static_assert(CONFIG_ROWS <= CONFIG_ROWS_MAX, "struct config.source is too small for the table");

unsigned config_count(void)
{
    return (unsigned)CONFIG_ROWS;
}

const char *config_var_name(unsigned i)
{
    return i < CONFIG_ROWS ? config_rows[i].var : NULL;
}

bool config_is_known(const char *name)
{
    for (size_t i = 0; i < CONFIG_ROWS; i++) {
        if (strcmp(config_rows[i].var, name) == 0)
            return true;
    }
    return false;
}

static bool config_has_ctl(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    }
    return false;
}

/* Validates scheme://host[:port] (host a name, IPv4, or [IPv6]; the scheme in lower case) and
 * copies it without a trailing slash. */
ERR_MUST_USE static enum err config_parse_origin(const char *v, char *dst, size_t dstlen,
                                                 const char **why)
{
    struct url_origin o;
    static const char *const problems[] = {
        [URL_ORIGIN_SCHEME] = "must start with http:// or https://",
        [URL_ORIGIN_IPV6] = "has a malformed [IPv6] host",
        [URL_ORIGIN_NO_HOST] = "has no host",
        [URL_ORIGIN_HOST_NAME] = "has a malformed host name",
        [URL_ORIGIN_HOST_LONG] = "is too long",
        [URL_ORIGIN_PORT] = "has an invalid port",
        [URL_ORIGIN_EXTRA] = "must be scheme://host[:port] with no path, query or user info",
    };
    enum url_origin_problem pr = strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0
                                     ? url_origin_parse(v, &o)
                                     : URL_ORIGIN_SCHEME;
    if (pr != URL_ORIGIN_OK) {
        *why = problems[pr];
        return ERR_CONFIG;
    }
    size_t len = strlen(v);
    if (len > 0 && v[len - 1] == '/')
        len--;
    if (len >= dstlen) {
        *why = "is too long";
        return ERR_CONFIG;
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return ERR_OK;
}

/* A CONFIG_KIND_CHECKED value: canonicalized by its check, or copied if it has none. */
static const char *config_parse_checked(const struct config_row *r, const char *v, char *field,
                                        const struct config_check *checks)
{
    const struct config_check *k = checks;
    while (k != NULL && k->var != NULL && strcmp(k->var, r->var) != 0)
        k++;
    if (k != NULL && k->var != NULL) {
        if (!k->canon(v, field, r->size))
            return k->why;
    } else if (strlen(v) >= r->size) {
        return "is too long";
    } else {
        memcpy(field, v, strlen(v) + 1);
    }
    return NULL;
}

/* Stores v by the row's kind; *why names what is wrong with a refused value. */
ERR_MUST_USE static enum err config_parse_kind(struct config *c, const struct config_row *r,
                                               const char *v, const struct config_check *checks,
                                               const char **why, struct errbuf *eb)
{
    char *field = (char *)c + r->offset;
    switch (r->kind) {
    case CONFIG_KIND_ENV:
        if (strcmp(v, "development") == 0)
            c->env = CONFIG_ENV_DEVELOPMENT;
        else if (strcmp(v, "production") == 0)
            c->env = CONFIG_ENV_PRODUCTION;
        else
            *why = "must be development or production";
        break;
    case CONFIG_KIND_LISTEN:
        if (parse_host_port(v, c->listen_host, sizeof c->listen_host, &c->listen_port, 1) != ERR_OK)
            *why = "must be host:port with a port from 0 to 65535 (IPv6 as [addr]:port)";
        break;
    case CONFIG_KIND_DB_URL:
        if (strlen(v) >= r->size)
            *why = "is too long";
        else if (strncmp(v, "sqlite:", 7) == 0 && v[7] != '\0')
            memcpy(field, v, strlen(v) + 1);
        else if ((strncmp(v, "postgres://", 11) == 0 && v[11] != '\0') ||
                 (strncmp(v, "postgresql://", 13) == 0 && v[13] != '\0'))
            memcpy(field, v, strlen(v) + 1);
        else
            *why = "must be sqlite:<path> or postgres://user:password@host:port/database";
        break;
    case CONFIG_KIND_LOG_LEVEL:
        if (!log_level_parse(v, &c->log_level))
            *why = "must be debug, info, warn or error";
        break;
    case CONFIG_KIND_ORIGIN:
        /* Its refusal is told through why, which names the problem. */
        err_discard(config_parse_origin(v, field, r->size, why));
        break;
    case CONFIG_KIND_STRING:
        if (strlen(v) >= r->size)
            *why = "is too long";
        else
            memcpy(field, v, strlen(v) + 1);
        break;
    case CONFIG_KIND_CHECKED:
        *why = config_parse_checked(r, v, field, checks);
        break;
    case CONFIG_KIND_URL:
        if (strlen(v) >= r->size)
            *why = "is too long";
        else if (v[0] != '\0' &&
                 ((strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) ||
                  strchr(v, ' ') != NULL))
            *why = "must be empty or an http:// or https:// URL without spaces";
        else
            memcpy(field, v, strlen(v) + 1);
        break;
    case CONFIG_KIND_CALLBACK:
        if (strcmp(v, "api") == 0 || strcmp(v, "web-bridge") == 0)
            snprintf(field, r->size, "%s", v);
        else
            *why = "must be api or web-bridge";
        break;
    case CONFIG_KIND_INT: {
        int64_t n;
        if (parse_int64(v, r->min, r->max, &n) != ERR_OK)
            return err_set(eb, ERR_CONFIG, "bad_configuration",
                           "%s: must be an integer from %ld to %ld, got \"%.64s\"", r->var, r->min,
                           r->max, v);
        *(long *)(void *)field = (long)n;
        break;
    }
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err config_parse_row(struct config *c, const struct config_row *r,
                                              const char *v, const struct config_check *checks,
                                              struct errbuf *eb)
{
    const char *why = NULL;
    if (strlen(v) > LIMIT_STRING_BYTES || config_has_ctl(v))
        return err_set(eb, ERR_CONFIG, "bad_configuration",
                       "%s: value is too long or contains control characters", r->var);
    enum err e = config_parse_kind(c, r, v, checks, &why, eb);
    if (e != ERR_OK)
        return e;
    if (why != NULL) {
        if (r->secret != CONFIG_PUBLIC)
            return err_set(eb, ERR_CONFIG, "bad_configuration", "%s: %s", r->var, why);
        return err_set(eb, ERR_CONFIG, "bad_configuration", "%s: %s, got \"%.64s\"", r->var, why,
                       v);
    }
    return ERR_OK;
}

enum err config_load(struct config *out, config_lookup_fn lookup, void *ctx, struct errbuf *eb)
{
    return config_load_checked(out, lookup, ctx, NULL, eb);
}

enum err config_load_checked(struct config *out, config_lookup_fn lookup, void *ctx,
                             const struct config_check *checks, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < CONFIG_ROWS; i++) {
        const struct config_row *r = &config_rows[i];
        const char *v = lookup(r->var, ctx);
        out->source[i] = v != NULL ? CONFIG_SOURCE_ENV : CONFIG_SOURCE_DEFAULT;
        if (v == NULL)
            v = r->default_value;
        enum err e = config_parse_row(out, r, v, checks, eb);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

static const char *config_getenv(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

enum err config_from_env(struct config *out, struct errbuf *eb)
{
    return config_load(out, config_getenv, NULL, eb);
}

enum err config_from_env_checked(struct config *out, const struct config_check *checks,
                                 struct errbuf *eb)
{
    return config_load_checked(out, config_getenv, NULL, checks, eb);
}

void config_mask_url(const char *url, char *dst, size_t dstlen)
{
    /* libpq also takes password= and sslpassword= query parameters; hide such a query. */
    const char *query = strchr(url, '?');
    if (query != NULL && strstr(query, "password=") == NULL)
        query = NULL;
    const char *end = query != NULL ? query : url + strlen(url);
    const char *tail = query != NULL ? "?****" : "";
    const char *scheme_end = strstr(url, "://");
    const char *at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
    if (at != NULL && at > end)
        at = NULL;
    const char *colon = NULL;
    if (at != NULL) {
        for (const char *p = scheme_end + 3; p < at; p++) {
            if (*p == ':') {
                colon = p;
                break;
            }
        }
    }
    if (colon == NULL) {
        snprintf(dst, dstlen, "%.*s%s", (int)(end - url), url, tail);
        return;
    }
    snprintf(dst, dstlen, "%.*s:****%.*s%s", (int)(colon - url), url, (int)(end - at), at, tail);
}

bool config_origin_is_https(const char *origin)
{
    return strncmp(origin, "https://", 8) == 0;
}

static void config_format_value(const struct config *c, const struct config_row *r, char *dst,
                                size_t dstlen)
{
    const char *field = (const char *)c + r->offset;
    switch (r->kind) {
    case CONFIG_KIND_ENV:
        snprintf(dst, dstlen, "%s", c->env == CONFIG_ENV_PRODUCTION ? "production" : "development");
        break;
    case CONFIG_KIND_LISTEN:
        if (strchr(c->listen_host, ':') != NULL)
            snprintf(dst, dstlen, "[%s]:%u", c->listen_host, c->listen_port);
        else
            snprintf(dst, dstlen, "%s:%u", c->listen_host, c->listen_port);
        break;
    case CONFIG_KIND_DB_URL:
        config_mask_url(field, dst, dstlen);
        break;
    case CONFIG_KIND_LOG_LEVEL:
        snprintf(dst, dstlen, "%s", log_level_name(c->log_level));
        break;
    case CONFIG_KIND_ORIGIN:
        snprintf(dst, dstlen, "%s", field);
        break;
    case CONFIG_KIND_INT:
        snprintf(dst, dstlen, "%ld", *(const long *)(const void *)field);
        break;
    case CONFIG_KIND_STRING:
        snprintf(dst, dstlen, "%s",
                 r->secret == CONFIG_SECRET_ALL ? (field[0] ? "****" : "") : field);
        break;
    case CONFIG_KIND_CHECKED:
    case CONFIG_KIND_CALLBACK:
        snprintf(dst, dstlen, "%s", field);
        break;
    case CONFIG_KIND_URL:
        config_mask_url(field, dst, dstlen);
        break;
    }
}

void config_print(const struct config *c, FILE *out)
{
    for (size_t i = 0; i < CONFIG_ROWS; i++) {
        const struct config_row *r = &config_rows[i];
        char value[LIMIT_DB_URL_BYTES + 16];
        config_format_value(c, r, value, sizeof value);
        fprintf(out, "%s=%s  # %s; %s\n", r->var, value,
                c->source[i] == CONFIG_SOURCE_ENV ? "from environment" : "default", r->description);
    }
}

/*
 * The program's configuration: one declarative table (config.c) of settings read from
 * AICOS_* environment variables, each with a default, bounds and a secret flag, filling an
 * immutable struct config. Errors name the variable.
 */
#ifndef AICOS_BASE_CONFIG_H
#define AICOS_BASE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "base/limits.h"
#include "base/log.h"

#define CONFIG_HOST_MAX   256
#define CONFIG_ORIGIN_MAX 512
#define CONFIG_ROWS_MAX   48

enum config_env { CONFIG_ENV_DEVELOPMENT = 0, CONFIG_ENV_PRODUCTION };

enum config_source { CONFIG_SOURCE_DEFAULT = 0, CONFIG_SOURCE_ENV };

struct config {
    enum config_env env;
    char listen_host[CONFIG_HOST_MAX];
    unsigned listen_port; /* 0 asks the kernel for a free port */
    char database_url[LIMIT_DB_URL_BYTES];
    enum log_level log_level;
    char api_origin[CONFIG_ORIGIN_MAX]; /* scheme://host[:port], no trailing slash */
    char web_origin[CONFIG_ORIGIN_MAX];
    long http_threads;
    long http_body_max;
    long http_upload_max; /* largest body of an upload form */
    char master_key[128]; /* secret: never print */
    char master_key_file[LIMIT_PATH_BYTES];
    char temu_region[16]; /* canonical region name, "us" ... (temu/regions.h) */
    char temu_gateway_url[LIMIT_TEMU_URL_BYTES]; /* "" means the region's router */
    long temu_rate_limit;
    long temu_connect_timeout_ms;
    long temu_timeout_ms;
    long temu_max_retries;
    char temu_app_key[LIMIT_TEMU_SECRET_BYTES + 1];
    char temu_app_secret_file[LIMIT_PATH_BYTES];
    char temu_access_token_file[LIMIT_PATH_BYTES];
    char temu_auth_url[LIMIT_TEMU_URL_BYTES]; /* Seller Center authorization page; "" derives */
    char temu_callback_mode[16];              /* "api" or "web-bridge" */
    /* AICOS_DEPLOY_DIR: the production files the console's preflight checks. */
    char deploy_dir[LIMIT_PATH_BYTES];
    /* Sync scheduler (src/sync/scheduler.c). */
    long sync_worker;            /* 1: aicos serve runs the scheduler (0 like --no-worker) */
    long sync_orders_interval_s; /* orders stream interval */
    long sync_jitter_s;          /* random 0..jitter seconds added to each interval */
    /* HTTP behind a proxy (issue 18): X-Forwarded-For is trusted only from these addresses
     * (comma-separated IPs or CIDR prefixes); each real client may have this many requests
     * in flight before it gets 503. */
    char trusted_proxies[512];
    long http_per_client;
    char metrics_token[128]; /* secret: /metrics needs it (Bearer) when set */
    /* The payout provider's API (src/settlement/airwallex.h, payout.h). */
    char airwallex_url[LIMIT_TEMU_URL_BYTES]; /* API base, e.g. https://api.airwallex.com */
    long payout_sync_interval_s;              /* 0: no scheduled payout sync */
    long settle_amounts_interval_s;           /* 0: no scheduled expected-amounts stream */
    /* Optional LLM for reply drafts (src/reply/llm.h): off while llm_url is "". */
    char llm_url[LIMIT_TEMU_URL_BYTES];
    char llm_model[128];
    long llm_timeout_ms;
    enum config_source source[CONFIG_ROWS_MAX]; /* per table row, in table order */
};

/* Looks a variable up; returns NULL when it is not set. */
typedef const char *(*config_lookup_fn)(const char *name, void *ctx);

/*
 * A domain's check of one variable whose values base does not know (AICOS_TEMU_REGION: the
 * temu module's temu_config_checks). canon writes the canonical value into out (n bytes) and
 * returns true, or returns false; why is the sentence printed after the variable's name.
 * Arrays of checks end with a row whose var is NULL.
 */
struct config_check {
    const char *var;
    bool (*canon)(const char *value, char *out, size_t n);
    const char *why;
};

/*
 * Fills out from the table, taking each value from lookup (or its default), checking the
 * domain-defined variables with checks (NULL: they are kept as bounded text). On the first
 * bad value returns ERR_CONFIG with a message naming the variable; out is then undefined.
 * Programs pass every domain's checks, so a bad value stops them where it always did.
 */
ERR_MUST_USE enum err config_load_checked(struct config *out, config_lookup_fn lookup, void *ctx,
                                          const struct config_check *checks, struct errbuf *eb);

/* config_load_checked() without domain checks. */
ERR_MUST_USE enum err config_load(struct config *out, config_lookup_fn lookup, void *ctx,
                                  struct errbuf *eb);

/* config_load() and config_load_checked() with the process environment. */
ERR_MUST_USE enum err config_from_env(struct config *out, struct errbuf *eb);
ERR_MUST_USE enum err config_from_env_checked(struct config *out, const struct config_check *checks,
                                              struct errbuf *eb);

/* Number of rows in the table, and the variable name of row i (NULL past the end). */
unsigned config_count(void);
const char *config_var_name(unsigned i);

/* True when name is one of the table's variables. */
bool config_is_known(const char *name);

/*
 * Writes the effective configuration, one `NAME=value  # source, description` line per
 * row; secrets are masked (passwords in URLs become ****).
 */
void config_print(const struct config *c, FILE *out);

/* Masks the password of a URL like scheme://user:pass@host/... into dst. */
void config_mask_url(const char *url, char *dst, size_t dstlen);

/* True if origin uses https. */
bool config_origin_is_https(const char *origin);

#endif

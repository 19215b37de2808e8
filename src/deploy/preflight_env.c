/* Preflight: the env file (syntax, required settings, origins, callback, CORS, secrets). */
#include "deploy/preflight.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "base/config.h"
#include "base/limits.h"
#include "base/parse.h"
#include "deploy/dns.h"
#include "deploy/inputs.h"
#include "base/url.h"
#include "deploy/preflight_parts.h"
#include "deploy/templates.h"
#include "temu/regions.h"
#include "version.h"

/* The variables production needs; the first ones are the program's own configuration. */
static const char *const deploy_required_vars[] = {
    "AICOS_ENV",        "AICOS_LISTEN",       "AICOS_DATABASE_URL",       "AICOS_API_ORIGIN",
    "AICOS_WEB_ORIGIN", "AICOS_CORS_ORIGINS", "AICOS_TEMU_CALLBACK_MODE", "AICOS_CALLBACK_URL",
    "AICOS_MASTER_KEY", "AICOS_ACME_EMAIL",   "AICOS_POSTGRES_PASSWORD",
};

/* Variables the stack reads besides the configuration table (config.h). */
static const char *const deploy_stack_vars[] = {
    "AICOS_CORS_ORIGINS",      "AICOS_TEMU_CALLBACK_MODE",
    "AICOS_CALLBACK_URL",      "AICOS_MASTER_KEY",
    "AICOS_MASTER_KEY_FILE",   "AICOS_ACME_EMAIL",
    "AICOS_POSTGRES_PASSWORD", "AICOS_POSTGRES_USER",
    "AICOS_POSTGRES_DB",       "AICOS_IMAGE",
};

static bool deploy_var_known(const char *name)
{
    if (config_is_known(name))
        return true;
    for (size_t i = 0; i < sizeof deploy_stack_vars / sizeof deploy_stack_vars[0]; i++) {
        if (strcmp(deploy_stack_vars[i], name) == 0)
            return true;
    }
    return false;
}

/* Parses NAME=value lines in place (data is modified). Comments and blank lines are skipped;
 * a value may be wrapped in matching single or double quotes. Reports env.syntax and
 * env.duplicate; never echoes a line, since values are secrets. */
static void deploy_env_parse(char *data, const char *path, struct deploy_env *env,
                             struct deploy_findings *f)
{
    unsigned lineno = 0;
    char *line = data;
    while (line != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\0' && *p != '#') {
            if (strncmp(p, "export ", 7) == 0)
                p += 7;
            char *eq = strchr(p, '=');
            bool ok = eq != NULL && eq != p;
            for (char *q = p; ok && q < eq; q++)
                ok = isalnum((unsigned char)*q) || *q == '_';
            if (ok && isdigit((unsigned char)*p))
                ok = false;
            if (!ok) {
                deploy_findings_add(f, "env.syntax", DEPLOY_BLOCKER,
                                    "Write every setting as NAME=value on its own line.",
                                    "%s line %u is not NAME=value.", path, lineno);
            } else {
                *eq = '\0';
                char *v = eq + 1;
                size_t vl = strlen(v);
                if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
                    v[vl - 1] = '\0';
                    v++;
                }
                if (deploy_env_get(env, p) != NULL) {
                    deploy_findings_add(f, "env.duplicate", DEPLOY_BLOCKER,
                                        "Keep one line per variable.",
                                        "%s sets %s more than once (line %u); only one value "
                                        "is used, which hides mistakes.",
                                        path, p, lineno);
                } else if (env->n < LIMIT_DEPLOY_ENV_VARS) {
                    env->names[env->n] = p;
                    env->values[env->n] = v;
                    env->n++;
                } else {
                    deploy_findings_add(f, "env.syntax", DEPLOY_BLOCKER, "Remove unused variables.",
                                        "%s has more than %d variables.", path,
                                        LIMIT_DEPLOY_ENV_VARS);
                }
            }
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
}

/* True when a and b are equal, in time independent of where they differ. */
static bool deploy_secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la == lb && sodium_memcmp(a, b, la) == 0;
}

static void deploy_check_database_url(const struct deploy_env *env, struct deploy_findings *f)
{
    const char *url = deploy_env_get(env, "AICOS_DATABASE_URL");
    const char *pw = deploy_env_get(env, "AICOS_POSTGRES_PASSWORD");
    if (url == NULL)
        return;
    const char *rest = NULL;
    if (strncmp(url, "postgres://", 11) == 0)
        rest = url + 11;
    else if (strncmp(url, "postgresql://", 13) == 0)
        rest = url + 13;
    if (rest == NULL) {
        deploy_findings_add(f, "database.url", DEPLOY_BLOCKER,
                            "Set AICOS_DATABASE_URL=postgres://aicos:<password>@postgres:5432/"
                            "aicos (init-env writes it).",
                            "AICOS_DATABASE_URL is not a PostgreSQL URL; production runs on "
                            "PostgreSQL, not SQLite.");
        return;
    }
    const char *slash = strchr(rest, '/');
    const char *end = slash != NULL ? slash : rest + strlen(rest);
    const char *at = NULL;
    for (const char *p = rest; p < end; p++) {
        if (*p == '@')
            at = p;
    }
    const char *hostpart = at != NULL ? at + 1 : rest;
    size_t hl = strcspn(hostpart, ":/?");
    if (hl != strlen(DEPLOY_DB_SERVICE) || strncmp(hostpart, DEPLOY_DB_SERVICE, hl) != 0)
        deploy_findings_add(f, "database.host", DEPLOY_WARNING,
                            "Use host \"" DEPLOY_DB_SERVICE
                            "\" for the compose stack's database, or make sure the external "
                            "server is reachable from the app container.",
                            "AICOS_DATABASE_URL points at host \"%.*s\", not the compose "
                            "service \"%s\".",
                            (int)(hl > 100 ? 100 : hl), hostpart, DEPLOY_DB_SERVICE);
    if (pw == NULL)
        return;
    const char *colon = at != NULL ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    char decoded[LIMIT_DEPLOY_PASSWORD_MAX * 3 + 1];
    bool same = colon != NULL &&
                url_decode(colon + 1, (size_t)(at - colon - 1), 0, decoded, sizeof decoded, NULL) ==
                    ERR_OK &&
                deploy_secret_equal(decoded, pw);
    sodium_memzero(decoded, sizeof decoded);
    if (!same)
        deploy_findings_add(f, "database.password_mismatch", DEPLOY_BLOCKER,
                            "Put the same password (percent-encoded) in AICOS_DATABASE_URL, or "
                            "regenerate the files with init-env --force.",
                            "The password in AICOS_DATABASE_URL is not AICOS_POSTGRES_PASSWORD, "
                            "which PostgreSQL is started with; the app could not log in.");
}

static void deploy_check_cors(const struct deploy_env *env, const struct deploy_origin *web,
                              struct deploy_findings *f)
{
    const char *cors = deploy_env_get(env, "AICOS_CORS_ORIGINS");
    if (cors == NULL || *cors == '\0')
        return;
    bool has_web = false;
    const char *p = cors;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        char item[CONFIG_ORIGIN_MAX];
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        size_t m = n;
        while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        snprintf(item, sizeof item, "%.*s", (int)m, p);
        struct deploy_origin o;
        struct errbuf eb = {0};
        if (strcmp(item, "*") == 0 || strchr(item, '*') != NULL)
            deploy_findings_add(f, "cors.wildcard", DEPLOY_BLOCKER,
                                "List the exact origins, e.g. AICOS_CORS_ORIGINS=<web origin>.",
                                "AICOS_CORS_ORIGINS contains a wildcard; any site could call "
                                "the API with the operators' browsers.");
        else if (item[0] == '\0' ||
                 deploy_origin_parse("AICOS_CORS_ORIGINS", item, &o, &eb) != ERR_OK)
            deploy_findings_add(f, "cors.invalid", DEPLOY_BLOCKER,
                                "List comma-separated origins like https://console.example.com.",
                                "AICOS_CORS_ORIGINS has an entry that is not an origin: "
                                "\"%.80s\".",
                                item);
        else if (!o.https)
            deploy_findings_add(f, "cors.insecure", DEPLOY_BLOCKER, "Use https:// origins only.",
                                "AICOS_CORS_ORIGINS allows %s, which is not HTTPS.", o.origin);
        else if (web != NULL && strcmp(o.origin, web->origin) == 0)
            has_web = true;
        p += n;
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
    }
    if (web != NULL && !has_web)
        deploy_findings_add(f, "cors.missing_web", DEPLOY_BLOCKER,
                            "Add the Web origin to AICOS_CORS_ORIGINS.",
                            "AICOS_CORS_ORIGINS does not allow the Web origin %s; the console "
                            "could not call the API.",
                            web->origin);
}

/* The file's existence, mode and syntax; false when it cannot be read. */
static bool deploy_env_read(const char *path, struct deploy_env *env, char **data, size_t *data_len,
                            struct deploy_findings *f)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        deploy_findings_add(f, "env.missing", DEPLOY_BLOCKER,
                            "Run `aicos deploy init-env --api-origin https://<api-host> "
                            "--web-origin https://<web-host> --acme-email <e-mail> "
                            "--postgres-password <password>`.",
                            "%s does not exist.", path);
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        char fix[1200];
        snprintf(fix, sizeof fix, "chmod 600 %s", path);
        deploy_findings_add(f, "env.permissions", DEPLOY_BLOCKER, fix,
                            "%s has mode %04o; it holds secrets and must be 0600 (readable by "
                            "its owner only).",
                            path, (unsigned)(st.st_mode & 07777));
    }
    enum err e = deploy_read_file(path, data, data_len);
    if (e != ERR_OK) {
        deploy_findings_add(f, "env.unreadable", DEPLOY_BLOCKER,
                            "Make the file readable by the user running preflight.",
                            "%s cannot be read (%s).", path, err_code(e));
        return false;
    }
    deploy_env_parse(*data, path, env, f);
    return true;
}

/* Unknown and missing settings, AICOS_ENV, and the configuration as aicos would load it. */
static void deploy_env_check_settings(const char *path, const struct deploy_env *env,
                                      struct deploy_findings *f)
{
    for (size_t i = 0; i < env->n; i++) {
        if (strncmp(env->names[i], "AICOS_", 6) == 0 && !deploy_var_known(env->names[i]))
            deploy_findings_add(f, "env.unknown", DEPLOY_WARNING,
                                "Check the spelling; `aicos config` lists the settings.",
                                "%s is not a setting aicos knows; it has no effect.",
                                env->names[i]);
    }
    for (size_t i = 0; i < sizeof deploy_required_vars / sizeof deploy_required_vars[0]; i++) {
        const char *v = deploy_env_get(env, deploy_required_vars[i]);
        if (v == NULL || *v == '\0')
            deploy_findings_add(f, "env.required", DEPLOY_BLOCKER,
                                "Regenerate the file with `aicos deploy init-env` or add the "
                                "variable.",
                                "%s is missing or empty in %s.", deploy_required_vars[i], path);
    }
    const char *v = deploy_env_get(env, "AICOS_ENV");
    if (v != NULL && strcmp(v, "production") != 0)
        deploy_findings_add(f, "env.production", DEPLOY_BLOCKER, "Set AICOS_ENV=production.",
                            "AICOS_ENV is \"%.40s\"; production enforces the security gates "
                            "only with AICOS_ENV=production.",
                            v);
    struct config cfg;
    struct errbuf eb = {0};
    if (config_load_checked(&cfg, deploy_env_lookup, (void *)env, temu_config_checks, &eb) !=
        ERR_OK) {
        deploy_findings_add(f, "env.config", DEPLOY_BLOCKER,
                            "Correct the value; `aicos config` describes every setting.", "%s",
                            eb.msg);
    } else {
        enum deploy_addr_class cls;
        if (deploy_env_get(env, "AICOS_LISTEN") != NULL &&
            ((deploy_ip_literal_classify(cfg.listen_host, &cls) && cls == DEPLOY_ADDR_LOOPBACK) ||
             strcmp(cfg.listen_host, "localhost") == 0))
            deploy_findings_add(f, "env.listen", DEPLOY_BLOCKER,
                                "Set AICOS_LISTEN=0.0.0.0:8080 so Caddy can reach the app.",
                                "AICOS_LISTEN is a loopback address; inside its container the "
                                "app would be unreachable for Caddy.");
    }
}

/* The two origins (api/web, has_api/has_web get those that parse). */
static void deploy_env_check_origins(const struct deploy_env *env, struct deploy_origin *api,
                                     bool *has_api, struct deploy_origin *web, bool *has_web,
                                     struct deploy_findings *f)
{
    const char *vars[2] = {"AICOS_API_ORIGIN", "AICOS_WEB_ORIGIN"};
    const char *ids[2] = {"origin.api", "origin.web"};
    struct deploy_origin *dst[2] = {api, web};
    bool *has[2] = {has_api, has_web};
    for (size_t i = 0; i < 2; i++) {
        const char *v = deploy_env_get(env, vars[i]);
        if (v == NULL || *v == '\0')
            continue;
        struct errbuf eb = {0};
        if (deploy_origin_check(vars[i], v, dst[i], &eb) == ERR_OK)
            *has[i] = true;
        else
            deploy_findings_add(f, ids[i], DEPLOY_BLOCKER,
                                "Use the public https:// origin Temu and operators will reach.",
                                "%s", eb.msg);
        /* Even a refused origin is usable for consistency checks if it parses. */
        if (!*has[i] && deploy_origin_parse(vars[i], v, dst[i], NULL) == ERR_OK)
            *has[i] = true;
    }
}

/* The callback mode and the callback URL it implies with these origins. */
static void deploy_env_check_callback(const struct deploy_env *env, const struct deploy_origin *api,
                                      bool has_api, const struct deploy_origin *web, bool has_web,
                                      struct deploy_findings *f)
{
    enum deploy_callback_mode mode = DEPLOY_CALLBACK_API;
    bool mode_ok = false;
    const char *v = deploy_env_get(env, "AICOS_TEMU_CALLBACK_MODE");
    if (v != NULL && *v != '\0') {
        mode_ok = deploy_callback_mode_parse(v, &mode);
        if (!mode_ok)
            deploy_findings_add(f, "callback.mode", DEPLOY_BLOCKER,
                                "Set AICOS_TEMU_CALLBACK_MODE=api or web-bridge.",
                                "AICOS_TEMU_CALLBACK_MODE is \"%.40s\", not api or web-bridge.", v);
    }
    v = deploy_env_get(env, "AICOS_CALLBACK_URL");
    if (mode_ok && has_api && has_web && v != NULL && *v != '\0') {
        char want[DEPLOY_URL_MAX];
        deploy_callback_url(mode, api, web, want, sizeof want);
        if (strcmp(v, want) != 0) {
            char fix[DEPLOY_URL_MAX + 64];
            snprintf(fix, sizeof fix, "Set AICOS_CALLBACK_URL=%s", want);
            deploy_findings_add(f, "callback.url", DEPLOY_BLOCKER, fix,
                                "AICOS_CALLBACK_URL is %.200s, but %s mode with these origins "
                                "needs %.200s; Seller Center would redirect to the wrong place.",
                                v, deploy_callback_mode_name(mode), want);
        }
    }
}

/* The master key, the PostgreSQL password and URL, the ACME e-mail. */
static void deploy_env_check_secrets(const struct deploy_env *env, struct deploy_findings *f)
{
    const char *v = deploy_env_get(env, "AICOS_MASTER_KEY");
    if (v != NULL && *v != '\0' && !deploy_master_key_valid(v))
        deploy_findings_add(f, "master_key.shape", DEPLOY_BLOCKER,
                            "Generate one: head -c 32 /dev/urandom | base64 (or rerun "
                            "init-env --force); keep a backup.",
                            "AICOS_MASTER_KEY is not base64 of exactly 32 bytes.");
    v = deploy_env_get(env, "AICOS_POSTGRES_PASSWORD");
    struct errbuf eb = {0};
    if (v != NULL && *v != '\0' && deploy_password_check(v, &eb) != ERR_OK)
        deploy_findings_add(f, "postgres.password", DEPLOY_BLOCKER,
                            "Choose a stronger password and regenerate with init-env --force.",
                            "%s", eb.msg);
    deploy_check_database_url(env, f);
    v = deploy_env_get(env, "AICOS_ACME_EMAIL");
    eb = (struct errbuf){0};
    if (v != NULL && *v != '\0' && deploy_email_check(v, &eb) != ERR_OK)
        deploy_findings_add(f, "acme.email", DEPLOY_BLOCKER,
                            "Set AICOS_ACME_EMAIL to the ops mailbox for certificate notices.",
                            "AICOS_ACME_EMAIL is malformed: %s", eb.msg);
}

void deploy_check_env(const char *dir, struct deploy_env *env, char **data, size_t *data_len,
                      struct deploy_origin *api, bool *has_api, struct deploy_origin *web,
                      bool *has_web, struct deploy_findings *f)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_ENV_FILE);
    *has_api = *has_web = false;
    if (!deploy_env_read(path, env, data, data_len, f))
        return;
    deploy_env_check_settings(path, env, f);
    deploy_env_check_origins(env, api, has_api, web, has_web, f);
    deploy_env_check_callback(env, api, *has_api, web, *has_web, f);
    deploy_check_cors(env, *has_web ? web : NULL, f);
    deploy_env_check_secrets(env, f);
}

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
#include "deploy/templates.h"
#include "temu/regions.h"
#include "version.h"

extern char **environ;

/* ---- files ---------------------------------------------------------------------------- */

/* Reads a whole file (at most LIMIT_DEPLOY_FILE_BYTES) into a malloc'd NUL-terminated string. */
static enum err deploy_read_file(const char *path, char **out, size_t *len)
{
    enum err e = ERR_OK;
    char *data = NULL;
    size_t n = 0;
    FILE *fp = fopen(path, "rb");
    *out = NULL;
    if (fp == NULL)
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    data = malloc(LIMIT_DEPLOY_FILE_BYTES + 1);
    if (data == NULL) {
        e = ERR_NOMEM;
        goto out;
    }
    n = fread(data, 1, LIMIT_DEPLOY_FILE_BYTES + 1, fp);
    if (ferror(fp))
        e = ERR_IO;
    else if (n > LIMIT_DEPLOY_FILE_BYTES)
        e = ERR_TOOBIG;
out:
    fclose(fp);
    if (e != ERR_OK) {
        free(data);
        return e;
    }
    data[n] = '\0';
    *out = data;
    if (len != NULL)
        *len = n;
    return ERR_OK;
}

/* ---- env file ------------------------------------------------------------------------- */

struct deploy_env {
    size_t n;
    char *names[LIMIT_DEPLOY_ENV_VARS];
    char *values[LIMIT_DEPLOY_ENV_VARS];
};

static const char *deploy_env_get(const struct deploy_env *env, const char *name)
{
    for (size_t i = 0; i < env->n; i++) {
        if (strcmp(env->names[i], name) == 0)
            return env->values[i];
    }
    return NULL;
}

static const char *deploy_env_lookup(const char *name, void *ctx)
{
    return deploy_env_get(ctx, name);
}

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

/* Decodes %XX escapes of src[0..len) into dst; false on a malformed escape or overflow. */
static bool deploy_pct_decode(const char *src, size_t len, char *dst, size_t dstlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (o + 1 >= dstlen)
            return false;
        if (src[i] == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)src[i + 1]) ||
                !isxdigit((unsigned char)src[i + 2]))
                return false;
            char hex[3] = {src[i + 1], src[i + 2], '\0'};
            dst[o++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            dst[o++] = src[i];
        }
    }
    dst[o] = '\0';
    return true;
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
                deploy_pct_decode(colon + 1, (size_t)(at - colon - 1), decoded, sizeof decoded) &&
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

/* The env-file checks; fills api/web (has_api/has_web) for the other files' checks. */
static void deploy_check_env(const char *dir, struct deploy_env *env, char **data, size_t *data_len,
                             struct deploy_origin *api, bool *has_api, struct deploy_origin *web,
                             bool *has_web, struct deploy_findings *f)
{
    char path[1100];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_ENV_FILE);
    *has_api = *has_web = false;
    if (stat(path, &st) != 0) {
        deploy_findings_add(f, "env.missing", DEPLOY_BLOCKER,
                            "Run `aicos deploy init-env --api-origin https://<api-host> "
                            "--web-origin https://<web-host> --acme-email <e-mail> "
                            "--postgres-password <password>`.",
                            "%s does not exist.", path);
        return;
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
        return;
    }
    deploy_env_parse(*data, path, env, f);

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
    if (config_load_checked(&cfg, deploy_env_lookup, env, temu_config_checks, &eb) != ERR_OK) {
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

    const char *vars[2] = {"AICOS_API_ORIGIN", "AICOS_WEB_ORIGIN"};
    const char *ids[2] = {"origin.api", "origin.web"};
    struct deploy_origin *dst[2] = {api, web};
    bool *has[2] = {has_api, has_web};
    for (size_t i = 0; i < 2; i++) {
        v = deploy_env_get(env, vars[i]);
        if (v == NULL || *v == '\0')
            continue;
        eb = (struct errbuf){0};
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

    enum deploy_callback_mode mode = DEPLOY_CALLBACK_API;
    bool mode_ok = false;
    v = deploy_env_get(env, "AICOS_TEMU_CALLBACK_MODE");
    if (v != NULL && *v != '\0') {
        mode_ok = deploy_callback_mode_parse(v, &mode);
        if (!mode_ok)
            deploy_findings_add(f, "callback.mode", DEPLOY_BLOCKER,
                                "Set AICOS_TEMU_CALLBACK_MODE=api or web-bridge.",
                                "AICOS_TEMU_CALLBACK_MODE is \"%.40s\", not api or web-bridge.", v);
    }
    v = deploy_env_get(env, "AICOS_CALLBACK_URL");
    if (mode_ok && *has_api && *has_web && v != NULL && *v != '\0') {
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
    deploy_check_cors(env, *has_web ? web : NULL, f);

    v = deploy_env_get(env, "AICOS_MASTER_KEY");
    if (v != NULL && *v != '\0' && !deploy_master_key_valid(v))
        deploy_findings_add(f, "master_key.shape", DEPLOY_BLOCKER,
                            "Generate one: head -c 32 /dev/urandom | base64 (or rerun "
                            "init-env --force); keep a backup.",
                            "AICOS_MASTER_KEY is not base64 of exactly 32 bytes.");
    v = deploy_env_get(env, "AICOS_POSTGRES_PASSWORD");
    eb = (struct errbuf){0};
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

/* ---- compose file --------------------------------------------------------------------- */

static yaml_node_t *yml_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static const char *yml_str(yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Flattens a scalar or a sequence of scalars into "a b c" (for commands and tests). */
static void yml_words(yaml_document_t *d, yaml_node_t *n, char *dst, size_t len)
{
    dst[0] = '\0';
    if (n == NULL)
        return;
    if (n->type == YAML_SCALAR_NODE) {
        snprintf(dst, len, "%s", yml_str(n));
        return;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return;
    size_t o = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const char *s = yml_str(yaml_document_get_node(d, *it));
        if (s == NULL || o >= len)
            continue;
        int w = snprintf(dst + o, len - o, "%s%s", o ? " " : "", s);
        if (w > 0)
            o += (size_t)w;
    }
}

/* True when the scalar or one item of the sequence n satisfies pred(item, arg). */
static bool yml_any(yaml_document_t *d, yaml_node_t *n, bool (*pred)(const char *, const char *),
                    const char *arg)
{
    if (n == NULL)
        return false;
    if (n->type == YAML_SCALAR_NODE)
        return pred(yml_str(n), arg);
    if (n->type != YAML_SEQUENCE_NODE)
        return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = yaml_document_get_node(d, *it);
        const char *s = yml_str(item);
        if (s == NULL && item != NULL)
            s = yml_str(yml_get(d, item, "path")); /* env_file: [{path: ...}] */
        if (s != NULL && pred(s, arg))
            return true;
    }
    return false;
}

static bool pred_basename_is(const char *s, const char *name)
{
    const char *slash = strrchr(s, '/');
    return strcmp(slash != NULL ? slash + 1 : s, name) == 0;
}

/* A volume entry "source:target[:mode]" whose target is arg. */
static bool pred_volume_target(const char *s, const char *target)
{
    const char *c = strchr(s, ':');
    if (c == NULL)
        return false;
    size_t tl = strlen(target);
    return strncmp(c + 1, target, tl) == 0 && (c[1 + tl] == '\0' || c[1 + tl] == ':');
}

static bool pred_port_443(const char *s, const char *unused)
{
    (void)unused;
    const char *c = strrchr(s, ':');
    return c != NULL && strncmp(c + 1, "443", 3) == 0 && (c[4] == '\0' || c[4] == '/') &&
           strstr(s, "/udp") == NULL;
}

/* The named volume used for target by service svc; checks it is declared at top level. */
static void deploy_check_volume(yaml_document_t *d, yaml_node_t *root, yaml_node_t *svc,
                                const char *name, const char *target, struct deploy_findings *f)
{
    yaml_node_t *vols = yml_get(d, svc, "volumes");
    if (!yml_any(d, vols, pred_volume_target, target)) {
        deploy_findings_add(f, "compose.volumes", DEPLOY_BLOCKER,
                            "Mount a named volume there (init-env writes one).",
                            "Service %s has no volume mounted at %s; its data would be lost "
                            "with the container.",
                            name, target);
        return;
    }
    for (yaml_node_item_t *it = vols->data.sequence.items.start;
         vols->type == YAML_SEQUENCE_NODE && it < vols->data.sequence.items.top; it++) {
        const char *s = yml_str(yaml_document_get_node(d, *it));
        if (s == NULL || !pred_volume_target(s, target))
            continue;
        char src[128];
        snprintf(src, sizeof src, "%.*s", (int)(strchr(s, ':') - s), s);
        if (src[0] == '.' || src[0] == '/')
            return; /* a bind mount */
        yaml_node_t *top = yml_get(d, root, "volumes");
        bool declared = false;
        if (top != NULL && top->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = top->data.mapping.pairs.start;
                 p < top->data.mapping.pairs.top; p++) {
                const char *k = yml_str(yaml_document_get_node(d, p->key));
                declared = declared || (k != NULL && strcmp(k, src) == 0);
            }
        }
        if (!declared)
            deploy_findings_add(f, "compose.volumes", DEPLOY_BLOCKER,
                                "Declare it under the top-level volumes: key.",
                                "Service %s uses the volume %s, which the top-level volumes: "
                                "section does not declare.",
                                name, src);
        return;
    }
}

static void deploy_check_depends(yaml_document_t *d, yaml_node_t *svc, const char *name,
                                 const char *on, const char *condition, struct deploy_findings *f)
{
    yaml_node_t *dep = yml_get(d, svc, "depends_on");
    const char *cond = yml_str(yml_get(d, yml_get(d, dep, on), "condition"));
    if (cond == NULL || strcmp(cond, condition) != 0)
        deploy_findings_add(f, "compose.depends_on", DEPLOY_BLOCKER,
                            "Add depends_on with the condition (init-env writes it).",
                            "Service %s must start after %s is %s (depends_on: %s: condition: "
                            "%s).",
                            name, on,
                            strcmp(condition, "service_healthy") == 0 ? "healthy"
                                                                      : "finished successfully",
                            on, condition);
}

static void deploy_check_compose_doc(yaml_document_t *d, const char *image_tag,
                                     struct deploy_findings *f)
{
    static const char *const names[] = {DEPLOY_DB_SERVICE, "migrate", DEPLOY_APP_SERVICE, "caddy"};
    yaml_node_t *root = yaml_document_get_root_node(d);
    yaml_node_t *services = yml_get(d, root, "services");
    yaml_node_t *svc[4] = {NULL};
    char words[512];
    if (services == NULL || services->type != YAML_MAPPING_NODE) {
        deploy_findings_add(f, "compose.services", DEPLOY_BLOCKER,
                            "Regenerate it with `aicos deploy init-env --force`.",
                            "The compose file has no services: mapping.");
        return;
    }
    for (size_t i = 0; i < 4; i++) {
        svc[i] = yml_get(d, services, names[i]);
        if (svc[i] == NULL || svc[i]->type != YAML_MAPPING_NODE) {
            deploy_findings_add(f, "compose.services", DEPLOY_BLOCKER,
                                "Regenerate it with `aicos deploy init-env --force`.",
                                "The compose file has no %s service.", names[i]);
            svc[i] = NULL;
            continue;
        }
        const char *image = yml_str(yml_get(d, svc[i], "image"));
        if (image == NULL || *image == '\0')
            deploy_findings_add(f, "compose.image", DEPLOY_BLOCKER,
                                "Give the service an image: (aicos:<version> for the app).",
                                "Service %s has no image.", names[i]);
        else if (i == 1 || i == 2) {
            if (image_tag != NULL && strcmp(image, image_tag) != 0)
                deploy_findings_add(f, "compose.image", DEPLOY_WARNING,
                                    "Use the image built from this version, or rerun preflight "
                                    "with the matching aicos binary.",
                                    "Service %s runs %.100s, but this aicos is %s.", names[i],
                                    image, image_tag);
        }
        if (i != 1) {
            yaml_node_t *hc = yml_get(d, svc[i], "healthcheck");
            yml_words(d, yml_get(d, hc, "test"), words, sizeof words);
            if (words[0] == '\0' || strcmp(words, "NONE") == 0)
                deploy_findings_add(f, "compose.healthcheck", DEPLOY_BLOCKER,
                                    "Add a healthcheck: test: (init-env writes one).",
                                    "Service %s has no health check; start order by health "
                                    "needs one.",
                                    names[i]);
            const char *restart = yml_str(yml_get(d, svc[i], "restart"));
            if (restart == NULL || strcmp(restart, "no") == 0)
                deploy_findings_add(f, "compose.restart", DEPLOY_WARNING,
                                    "Set restart: unless-stopped.",
                                    "Service %s has no restart policy; it stays down after a "
                                    "crash or a reboot.",
                                    names[i]);
        }
        if (i == 1 || i == 2) {
            if (!yml_any(d, yml_get(d, svc[i], "env_file"), pred_basename_is, DEPLOY_ENV_FILE))
                deploy_findings_add(f, "compose.env_file", DEPLOY_BLOCKER,
                                    "Add env_file: [" DEPLOY_ENV_FILE "].",
                                    "Service %s does not read %s; it would start without the "
                                    "production settings.",
                                    names[i], DEPLOY_ENV_FILE);
            yml_words(d, yml_get(d, svc[i], "command"), words, sizeof words);
            const char *want = i == 1 ? "aicos migrate" : "aicos serve";
            if (strncmp(words, want, strlen(want)) != 0)
                deploy_findings_add(f, "compose.command", DEPLOY_BLOCKER,
                                    i == 1 ? "Set command: [\"aicos\", \"migrate\"]."
                                           : "Set command: [\"aicos\", \"serve\", "
                                             "\"--no-migrate\"].",
                                    "Service %s runs \"%.100s\" instead of %s.", names[i], words,
                                    want);
        }
    }
    if (svc[0] != NULL)
        deploy_check_volume(d, root, svc[0], names[0], "/var/lib/postgresql/data", f);
    if (svc[3] != NULL) {
        deploy_check_volume(d, root, svc[3], names[3], "/data", f);
        if (!yml_any(d, yml_get(d, svc[3], "ports"), pred_port_443, NULL))
            deploy_findings_add(f, "compose.ports", DEPLOY_BLOCKER,
                                "Publish \"443:443\" (and \"80:80\" for ACME HTTP challenges).",
                                "Service caddy does not publish port 443; HTTPS would be "
                                "unreachable.");
    }
    if (svc[1] != NULL)
        deploy_check_depends(d, svc[1], "migrate", DEPLOY_DB_SERVICE, "service_healthy", f);
    if (svc[2] != NULL)
        deploy_check_depends(d, svc[2], DEPLOY_APP_SERVICE, "migrate",
                             "service_completed_successfully", f);
    if (svc[3] != NULL)
        deploy_check_depends(d, svc[3], "caddy", DEPLOY_APP_SERVICE, "service_healthy", f);
}

static void deploy_check_compose(const char *dir, const struct deploy_env *env,
                                 struct deploy_findings *f)
{
    char path[1100];
    char *data = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    yaml_document_t doc;
    bool have_parser = false, have_doc = false;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_COMPOSE_FILE);
    enum err e = deploy_read_file(path, &data, &len);
    if (e == ERR_NOTFOUND) {
        deploy_findings_add(f, "compose.missing", DEPLOY_BLOCKER,
                            "Run `aicos deploy init-env` to write it.", "%s does not exist.", path);
        goto out;
    }
    if (e != ERR_OK) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "Make it a readable YAML file.",
                            "%s cannot be read (%s).", path, err_code(e));
        goto out;
    }
    const char *pw = deploy_env_get(env, "AICOS_POSTGRES_PASSWORD");
    if (pw != NULL && strlen(pw) >= 8 && memmem(data, len, pw, strlen(pw)) != NULL)
        deploy_findings_add(f, "compose.secret_inline", DEPLOY_BLOCKER,
                            "Refer to it as ${AICOS_POSTGRES_PASSWORD} and keep the value in "
                            "production.env.",
                            "%s contains the PostgreSQL password itself; it would leak into "
                            "version control and logs.",
                            path);
    if (!yaml_parser_initialize(&parser)) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "", "libyaml could not start.");
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER, "Correct the YAML syntax.",
                            "%s is not valid YAML: %s at line %lu, column %lu.", path,
                            parser.problem != NULL ? parser.problem : "syntax error",
                            (unsigned long)parser.problem_mark.line + 1,
                            (unsigned long)parser.problem_mark.column + 1);
        goto out;
    }
    have_doc = true;
    if (yaml_document_get_root_node(&doc) == NULL) {
        deploy_findings_add(f, "compose.yaml", DEPLOY_BLOCKER,
                            "Regenerate it with `aicos deploy init-env --force`.", "%s is empty.",
                            path);
        goto out;
    }
    deploy_check_compose_doc(&doc, deploy_image_tag(), f);
out:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    free(data);
}

/* ---- Caddyfile ------------------------------------------------------------------------ */

struct caddy_facts {
    char sites[32][DEPLOY_HOST_MAX + 16];
    size_t nsites;
    bool email_matches, has_email, tls_internal, hsts, body_limit;
    char upstream[DEPLOY_HOST_MAX + 16];
};

/* Copies src into dst (len bytes), cut short when it does not fit. */
static void deploy_copy(char *dst, size_t len, const char *src)
{
    size_t n = strnlen(src, len - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Reads the next whitespace-separated token (quotes kept together, comments skipped). */
static const char *caddy_next_token(const char *p, char *tok, size_t len, bool *line_start)
{
    *line_start = false;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            if (*p == '\n')
                *line_start = true;
            p++;
        }
        if (*p == '#') {
            while (*p != '\0' && *p != '\n')
                p++;
            continue;
        }
        break;
    }
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (*p != '\0' && *p != '"') {
            if (n + 1 < len)
                tok[n++] = *p;
            p++;
        }
        if (*p == '"')
            p++;
    } else {
        while (*p != '\0' && !isspace((unsigned char)*p)) {
            if (n + 1 < len)
                tok[n++] = *p;
            p++;
        }
    }
    tok[n] = '\0';
    return p;
}

static void caddy_scan(const char *text, const char *email, struct caddy_facts *cf)
{
    memset(cf, 0, sizeof *cf);
    char tok[512], prev[512] = "";
    char pending[8][DEPLOY_HOST_MAX + 16];
    size_t npending = 0;
    int depth = 0;
    bool line_start = true, first = true, in_global = false;
    const char *p = text;
    for (;;) {
        bool nl = false;
        p = caddy_next_token(p, tok, sizeof tok, &nl);
        if (tok[0] == '\0')
            break;
        if (nl || first)
            line_start = true;
        if (strcmp(tok, "{") == 0) {
            if (depth == 0) {
                in_global = first || (npending == 0 && prev[0] == '\0');
                for (size_t i = 0; i < npending && cf->nsites < 32; i++) {
                    if (pending[i][0] != '(')
                        deploy_copy(cf->sites[cf->nsites++], sizeof cf->sites[0], pending[i]);
                }
                npending = 0;
            }
            depth++;
        } else if (strcmp(tok, "}") == 0) {
            if (depth > 0)
                depth--;
            if (depth == 0)
                in_global = false;
        } else if (depth == 0) {
            char *t = tok;
            size_t tl = strlen(t);
            if (tl > 0 && t[tl - 1] == ',')
                t[--tl] = '\0';
            if (npending < 8)
                deploy_copy(pending[npending++], sizeof pending[0], t);
        } else {
            if (in_global && strcmp(prev, "email") == 0) {
                cf->has_email = true;
                cf->email_matches = email != NULL && strcmp(tok, email) == 0;
            }
            if (strcmp(prev, "tls") == 0 && strcmp(tok, "internal") == 0)
                cf->tls_internal = true;
            if (strcmp(prev, "reverse_proxy") == 0 && cf->upstream[0] == '\0')
                deploy_copy(cf->upstream, sizeof cf->upstream, tok);
            if (strcasecmp(tok, "Strict-Transport-Security") == 0)
                cf->hsts = true;
            if (strcmp(tok, "max_size") == 0)
                cf->body_limit = true;
        }
        (void)line_start;
        line_start = false;
        first = false;
        deploy_copy(prev, sizeof prev, tok);
    }
}

/* True when the Caddyfile has a site for origin o (host, with :port when not 443). */
static bool caddy_has_site(const struct caddy_facts *cf, const struct deploy_origin *o)
{
    char want[DEPLOY_HOST_MAX + 16], want_port[DEPLOY_HOST_MAX + 16];
    snprintf(want, sizeof want, "%s", o->host);
    snprintf(want_port, sizeof want_port, "%s:%u", o->host, o->port);
    for (size_t i = 0; i < cf->nsites; i++) {
        const char *s = cf->sites[i];
        if (strncmp(s, "https://", 8) == 0)
            s += 8;
        if ((o->port == 443 && strcasecmp(s, want) == 0) || strcasecmp(s, want_port) == 0)
            return true;
    }
    return false;
}

static int deploy_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

enum err deploy_caddy_validate(const char *path, struct errbuf *eb)
{
    char tool[1100] = "", tmpdir[] = "/tmp/aicos-caddy-XXXXXX", out_path[64], xdg_data[64],
         xdg_config[64];
    const char *pathenv = getenv("PATH");
    char **envp = NULL;
    char *output = NULL;
    bool have_tmp = false;
    enum err e = ERR_OK;
    posix_spawn_file_actions_t fa;
    bool have_fa = false;
    pid_t pid = 0;

    /* Find caddy on PATH first, so "not installed" is told apart from "failed". */
    for (const char *p = pathenv != NULL ? pathenv : ""; *p != '\0';) {
        size_t n = strcspn(p, ":");
        snprintf(tool, sizeof tool, "%.*s/caddy", (int)n, n == 0 ? "." : p);
        if (access(tool, X_OK) == 0)
            break;
        tool[0] = '\0';
        p += n;
        if (*p == ':')
            p++;
    }
    if (tool[0] == '\0')
        return err_set(eb, ERR_NOTFOUND, "caddy_not_installed", "caddy is not on PATH.");
    if (mkdtemp(tmpdir) == NULL)
        return err_set(eb, ERR_IO, "tmp_failed", "cannot create a temporary folder: %s.",
                       strerror(errno));
    have_tmp = true;
    snprintf(out_path, sizeof out_path, "%s/output", tmpdir);
    snprintf(xdg_data, sizeof xdg_data, "XDG_DATA_HOME=%s", tmpdir);
    snprintf(xdg_config, sizeof xdg_config, "XDG_CONFIG_HOME=%s", tmpdir);
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    envp = calloc(n + 3, sizeof *envp);
    if (envp == NULL) {
        e = ERR_NOMEM;
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "XDG_DATA_HOME=", 14) != 0 &&
            strncmp(environ[i], "XDG_CONFIG_HOME=", 16) != 0)
            envp[k++] = environ[i];
    }
    envp[k++] = xdg_data;
    envp[k++] = xdg_config;
    envp[k] = NULL;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        e = ERR_NOMEM;
        goto out;
    }
    have_fa = true;
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {tool,
                    (char *)"validate",
                    (char *)"--adapter",
                    (char *)"caddyfile",
                    (char *)"--config",
                    (char *)path,
                    NULL};
    int rc = posix_spawn(&pid, tool, &fa, NULL, argv, envp);
    if (rc != 0) {
        e = err_set(eb, ERR_IO, "caddy_failed", "cannot run %s: %s.", tool, strerror(rc));
        goto out;
    }
    int status = 0;
    bool done = false;
    for (long waited = 0; waited <= (long)LIMIT_DEPLOY_TOOL_WAIT_S * 1000; waited += 20) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            done = true;
            break;
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        e = err_set(eb, ERR_IO, "caddy_timeout", "caddy validate did not finish within %d s.",
                    LIMIT_DEPLOY_TOOL_WAIT_S);
        goto out;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        goto out;
    /* Keep the last error line of Caddy's output: it says what is wrong and where. */
    if (deploy_read_file(out_path, &output, NULL) == ERR_OK) {
        size_t len = strlen(output);
        if (len > LIMIT_DEPLOY_TOOL_OUTPUT_BYTES)
            memmove(output, output + len - LIMIT_DEPLOY_TOOL_OUTPUT_BYTES,
                    LIMIT_DEPLOY_TOOL_OUTPUT_BYTES + 1);
        char *errline = strstr(output, "Error:");
        char *msg = errline != NULL ? errline : output;
        for (char *c = msg; *c; c++) {
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        }
        e = err_set(eb, ERR_INVAL, "caddy_invalid", "%.400s", msg);
    } else {
        e = err_set(eb, ERR_INVAL, "caddy_invalid", "caddy validate exited with status %d.",
                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
out:
    if (have_fa)
        posix_spawn_file_actions_destroy(&fa);
    if (have_tmp)
        nftw(tmpdir, deploy_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    free(envp);
    free(output);
    return e;
}

static void deploy_check_caddyfile(const char *dir, const struct deploy_env *env,
                                   const struct deploy_origin *api, bool has_api,
                                   const struct deploy_origin *web, bool has_web,
                                   struct deploy_findings *f)
{
    char path[1100];
    char *data = NULL;
    struct caddy_facts *cf = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_CADDYFILE);
    enum err e = deploy_read_file(path, &data, NULL);
    if (e == ERR_NOTFOUND) {
        deploy_findings_add(f, "caddy.missing", DEPLOY_BLOCKER,
                            "Run `aicos deploy init-env` to write it.", "%s does not exist.", path);
        goto out;
    }
    if (e != ERR_OK) {
        deploy_findings_add(f, "caddy.missing", DEPLOY_BLOCKER, "Make it readable.",
                            "%s cannot be read (%s).", path, err_code(e));
        goto out;
    }
    cf = malloc(sizeof *cf);
    if (cf == NULL)
        goto out;
    const char *email = deploy_env_get(env, "AICOS_ACME_EMAIL");
    caddy_scan(data, email, cf);
    const struct deploy_origin *origins[2] = {api, web};
    const bool has[2] = {has_api, has_web};
    const char *roles[2] = {"API", "Web"};
    for (size_t i = 0; i < 2; i++) {
        if (has[i] && !caddy_has_site(cf, origins[i]))
            deploy_findings_add(f, "caddy.hosts", DEPLOY_BLOCKER,
                                "Regenerate the Caddyfile with init-env --force, or add a site "
                                "block for the host.",
                                "The Caddyfile has no site for the %s host %s; Caddy would not "
                                "serve or certify it.",
                                roles[i], origins[i]->host);
    }
    if (!cf->has_email)
        deploy_findings_add(f, "caddy.email", DEPLOY_BLOCKER,
                            "Add `email <AICOS_ACME_EMAIL>` to the global options block.",
                            "The Caddyfile sets no ACME e-mail; certificate problems would go "
                            "unnoticed.");
    else if (email != NULL && !cf->email_matches)
        deploy_findings_add(f, "caddy.email", DEPLOY_WARNING, "Use the same address in both files.",
                            "The Caddyfile's ACME e-mail is not AICOS_ACME_EMAIL (%.100s).", email);
    if (cf->tls_internal)
        deploy_findings_add(f, "caddy.tls_internal", DEPLOY_BLOCKER,
                            "Remove `tls internal` so Caddy gets public certificates.",
                            "The Caddyfile uses `tls internal`: browsers and Temu do not trust "
                            "that certificate authority.");
    char want[64];
    struct config cfg;
    unsigned port = DEPLOY_APP_PORT;
    if (config_load_checked(&cfg, deploy_env_lookup, (void *)env, temu_config_checks, NULL) ==
            ERR_OK &&
        deploy_env_get(env, "AICOS_LISTEN") != NULL)
        port = cfg.listen_port;
    snprintf(want, sizeof want, "%s:%u", DEPLOY_APP_SERVICE, port);
    if (cf->upstream[0] == '\0' || strcmp(cf->upstream, want) != 0)
        deploy_findings_add(f, "caddy.upstream", DEPLOY_BLOCKER,
                            "Proxy to the app service: reverse_proxy app:<AICOS_LISTEN port>.",
                            "The Caddyfile proxies to \"%.100s\", not the app at %s.",
                            cf->upstream[0] ? cf->upstream : "nothing", want);
    if (!cf->hsts)
        deploy_findings_add(f, "caddy.headers", DEPLOY_WARNING,
                            "Add the security headers block init-env writes.",
                            "The Caddyfile sets no Strict-Transport-Security header.");
    if (!cf->body_limit)
        deploy_findings_add(f, "caddy.body_limit", DEPLOY_WARNING,
                            "Add request_body { max_size " DEPLOY_BODY_LIMIT_TEXT " }.",
                            "The Caddyfile does not limit request bodies; the app's own limit "
                            "still applies, but Caddy would buffer large uploads first.");
    struct errbuf eb = {0};
    e = deploy_caddy_validate(path, &eb);
    if (e == ERR_NOTFOUND)
        deploy_findings_add(f, "caddy.not_installed", DEPLOY_WARNING,
                            "Install Caddy (scripts/install-deps does) for the full check.",
                            "Caddy is not installed here, so the Caddyfile got structural "
                            "checks only, not `caddy validate`.");
    else if (e == ERR_INVAL)
        deploy_findings_add(f, "caddy.validate", DEPLOY_BLOCKER,
                            "Correct the Caddyfile, or regenerate it with init-env --force.",
                            "caddy validate refused %s: %s", path, eb.msg);
    else if (e != ERR_OK)
        deploy_findings_add(f, "caddy.validate", DEPLOY_WARNING,
                            "Run `caddy validate --adapter caddyfile --config <file>` by hand.",
                            "caddy validate could not run: %s", eb.msg);
out:
    free(cf);
    free(data);
}

/* ---- Dockerfile and build ------------------------------------------------------------- */

static void deploy_check_dockerfile(const char *dir, struct deploy_findings *f)
{
    char path[1100];
    char *data = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_DOCKERFILE);
    enum err e = deploy_read_file(path, &data, NULL);
    if (e != ERR_OK) {
        deploy_findings_add(f, "dockerfile.missing", DEPLOY_BLOCKER,
                            "Keep the repository's infra/Dockerfile beside the compose file "
                            "(init-env writes a copy when it is missing).",
                            "%s does not exist or cannot be read; the app image cannot be "
                            "built.",
                            path);
        return;
    }
    unsigned froms = 0;
    bool debian = false, make = false, copy_from = false;
    for (char *line = data; line != NULL && *line;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncasecmp(line, "FROM ", 5) == 0) {
            froms++;
            if (froms == 1 && strstr(line, "debian:12") != NULL)
                debian = true;
        } else if (strncasecmp(line, "RUN ", 4) == 0) {
            /* make run as a command: right after RUN, && or ; (not "apt-get install make"). */
            for (const char *m = strstr(line, "make"); m != NULL; m = strstr(m + 4, "make")) {
                const char *b = m;
                while (b > line && b[-1] == ' ')
                    b--;
                bool cmd = (size_t)(b - line) == 3 ||
                           (b - line >= 2 && b[-1] == '&' && b[-2] == '&') ||
                           (b > line && b[-1] == ';');
                if (cmd && (m[4] == '\0' || isspace((unsigned char)m[4])) && b != m)
                    make = true;
            }
        } else if (strncasecmp(line, "COPY ", 5) == 0 && strstr(line, "--from=") != NULL) {
            copy_from = true;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (froms < 2 || !debian || !make || !copy_from)
        deploy_findings_add(f, "dockerfile.structure", DEPLOY_BLOCKER,
                            "Restore the repository's infra/Dockerfile.",
                            "%s is not the expected multi-stage build (a debian:12 build stage "
                            "running make, a runtime stage copying the binary with "
                            "COPY --from): %s.",
                            path,
                            froms < 2 ? "fewer than two FROM stages"
                            : !debian ? "the build stage is not debian:12"
                            : !make   ? "no RUN make"
                                      : "no COPY --from");
    free(data);
}

void deploy_preflight_check_build(const char *version, const char *commit, const char *image,
                                  struct deploy_findings *f)
{
    if (commit == NULL || *commit == '\0' || strcmp(commit, "unknown") == 0)
        deploy_findings_add(f, "build.commit", DEPLOY_WARNING,
                            "Build from a git checkout (make release) so the version names its "
                            "commit.",
                            "This aicos %s was built without a commit id; a deployment could "
                            "not be traced to its source.",
                            version);
    if (image != NULL) {
        char want[64];
        snprintf(want, sizeof want, "aicos:%s", version);
        if (strcmp(image, want) != 0)
            deploy_findings_add(f, "build.image_tag", DEPLOY_WARNING,
                                "Rerun init-env with this aicos, or use the matching binary.",
                                "AICOS_IMAGE is %.100s but this aicos is version %s; the "
                                "checks may not match what gets deployed.",
                                image, version);
    }
}

enum err deploy_preflight_run(const char *dir, struct deploy_findings *f, struct errbuf *eb)
{
    struct stat st;
    struct deploy_env env = {0};
    struct deploy_origin api, web;
    bool has_api = false, has_web = false;
    char *env_data = NULL;
    size_t env_len = 0;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_set(eb, ERR_NOTFOUND, "no_such_folder",
                       "%s is not a folder; pass --dir with the folder holding " DEPLOY_ENV_FILE
                       " (usually infra).",
                       dir);
    memset(&api, 0, sizeof api);
    memset(&web, 0, sizeof web);
    deploy_check_env(dir, &env, &env_data, &env_len, &api, &has_api, &web, &has_web, f);
    deploy_check_compose(dir, &env, f);
    deploy_check_caddyfile(dir, &env, &api, has_api, &web, has_web, f);
    deploy_check_dockerfile(dir, f);
    deploy_preflight_check_build(AICOS_VERSION, AICOS_COMMIT, deploy_env_get(&env, "AICOS_IMAGE"),
                                 f);
    if (env_data != NULL) {
        sodium_memzero(env_data, env_len);
        free(env_data);
    }
    return ERR_OK;
}

/* Preflight: the Caddyfile (sites, e-mail, headers, limits; `caddy validate` when present). */
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
#include "deploy/preflight_parts.h"
#include "deploy/templates.h"
#include "temu/regions.h"
#include "version.h"

extern char **environ;

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

/* caddy on PATH into tool (len bytes); false when there is none. */
static bool caddy_find_tool(char *tool, size_t len)
{
    const char *pathenv = getenv("PATH");
    for (const char *p = pathenv != NULL ? pathenv : ""; *p != '\0';) {
        size_t n = strcspn(p, ":");
        snprintf(tool, len, "%.*s/caddy", (int)n, n == 0 ? "." : p);
        if (access(tool, X_OK) == 0)
            return true;
        tool[0] = '\0';
        p += n;
        if (*p == ':')
            p++;
    }
    return false;
}

/* This process's environment with XDG_DATA_HOME/XDG_CONFIG_HOME replaced; free() it. */
static char **caddy_envp(char *xdg_data, char *xdg_config)
{
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **envp = calloc(n + 3, sizeof *envp);
    if (envp == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "XDG_DATA_HOME=", 14) != 0 &&
            strncmp(environ[i], "XDG_CONFIG_HOME=", 16) != 0)
            envp[k++] = environ[i];
    }
    envp[k++] = xdg_data;
    envp[k++] = xdg_config;
    envp[k] = NULL;
    return envp;
}

/* Waits for pid at most LIMIT_DEPLOY_TOOL_WAIT_S; kills it and answers false past that. */
static bool caddy_wait(pid_t pid, int *status)
{
    for (long waited = 0; waited <= (long)LIMIT_DEPLOY_TOOL_WAIT_S * 1000; waited += 20) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return true;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return false;
}

/* A failed validate: the last error line of Caddy's output says what is wrong and where. */
ERR_MUST_USE static enum err caddy_failure(const char *out_path, int status, struct errbuf *eb)
{
    char *output = NULL;
    if (deploy_read_file(out_path, &output, NULL) != ERR_OK)
        return err_set(eb, ERR_INVAL, "caddy_invalid", "caddy validate exited with status %d.",
                       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
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
    enum err e = err_set(eb, ERR_INVAL, "caddy_invalid", "%.400s", msg);
    free(output);
    return e;
}

/* Runs tool validate on path with output into tmpdir/output. */
ERR_MUST_USE static enum err caddy_run(const char *tool, const char *path, const char *tmpdir,
                                       struct errbuf *eb)
{
    char out_path[64], xdg_data[64], xdg_config[64];
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    int status = 0;
    snprintf(out_path, sizeof out_path, "%s/output", tmpdir);
    snprintf(xdg_data, sizeof xdg_data, "XDG_DATA_HOME=%s", tmpdir);
    snprintf(xdg_config, sizeof xdg_config, "XDG_CONFIG_HOME=%s", tmpdir);
    char **envp = caddy_envp(xdg_data, xdg_config);
    if (envp == NULL)
        return ERR_NOMEM;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        free(envp);
        return ERR_NOMEM;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {(char *)tool,
                    (char *)"validate",
                    (char *)"--adapter",
                    (char *)"caddyfile",
                    (char *)"--config",
                    (char *)path,
                    NULL};
    int rc = posix_spawn(&pid, tool, &fa, NULL, argv, envp);
    enum err e = ERR_OK;
    if (rc != 0)
        e = err_set(eb, ERR_IO, "caddy_failed", "cannot run %s: %s.", tool, strerror(rc));
    else if (!caddy_wait(pid, &status))
        e = err_set(eb, ERR_IO, "caddy_timeout", "caddy validate did not finish within %d s.",
                    LIMIT_DEPLOY_TOOL_WAIT_S);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        e = caddy_failure(out_path, status, eb);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    return e;
}

enum err deploy_caddy_validate(const char *path, struct errbuf *eb)
{
    char tool[1100] = "", tmpdir[] = "/tmp/aicos-caddy-XXXXXX";
    /* Find caddy on PATH first, so "not installed" is told apart from "failed". */
    if (!caddy_find_tool(tool, sizeof tool))
        return err_set(eb, ERR_NOTFOUND, "caddy_not_installed", "caddy is not on PATH.");
    if (mkdtemp(tmpdir) == NULL)
        return err_set(eb, ERR_IO, "tmp_failed", "cannot create a temporary folder: %s.",
                       strerror(errno));
    enum err e = caddy_run(tool, path, tmpdir, eb);
    nftw(tmpdir, deploy_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    return e;
}

/* Sites for both hosts, the ACME e-mail, no `tls internal`. */
static void caddy_check_sites(const struct caddy_facts *cf, const char *email,
                              const struct deploy_origin *api, bool has_api,
                              const struct deploy_origin *web, bool has_web,
                              struct deploy_findings *f)
{
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
}

/* The upstream is the app's port, security headers and a body limit are set. */
static void caddy_check_proxy(const struct caddy_facts *cf, const struct deploy_env *env,
                              struct deploy_findings *f)
{
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
}

/* `caddy validate` when Caddy is installed. */
static void caddy_check_validate(const char *path, struct deploy_findings *f)
{
    struct errbuf eb = {0};
    enum err e = deploy_caddy_validate(path, &eb);
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
}

void deploy_check_caddyfile(const char *dir, const struct deploy_env *env,
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
    caddy_check_sites(cf, email, api, has_api, web, has_web, f);
    caddy_check_proxy(cf, env, f);
    caddy_check_validate(path, f);
out:
    free(cf);
    free(data);
}

/*
 * Fuzz target: the files `aicos deploy preflight` reads from an operator's folder. Built
 * twice: fuzz_deploy_env feeds the input as production.env (the .env parser and every check
 * on its values), fuzz_deploy_caddyfile (FUZZ_CADDYFILE) as caddy/Caddyfile (the tokenizer
 * and the site, e-mail, upstream and header checks) next to a fixed, valid env file. The
 * preflight runs through its public entry point; `caddy validate` is kept out (PATH is
 * emptied) so only our own parsers see the bytes. Any input must give ERR_OK with findings
 * whose counts add up, and no crash or leak. The env target also appends a master key line:
 * unless the input itself holds that key, no finding may show any part of it (values are
 * secrets, so findings never echo them).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deploy/findings.h"
#include "deploy/preflight.h"
#include "deploy/templates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MASTER_KEY "lEaRIAD81gsQNyADaVU3EIeeN/hpq8u1Nw6rCLNpG3Y="
#define FUZZ_KEY_PART   "lEaRIAD81gsQ" /* what a cut-short echo would still show */

#ifdef FUZZ_CADDYFILE
static const char fixed_env[] =
    "AICOS_ENV=production\n"
    "AICOS_LISTEN=0.0.0.0:8080\n"
    "AICOS_API_ORIGIN=https://api.example.com\n"
    "AICOS_WEB_ORIGIN=https://app.example.com\n"
    "AICOS_CORS_ORIGINS=https://app.example.com,https://api.example.com\n"
    "AICOS_TEMU_CALLBACK_MODE=api\n"
    "AICOS_CALLBACK_URL=https://api.example.com/api/v1/integrations/temu/authorization/callback\n"
    "AICOS_ACME_EMAIL=ops@example.com\n"
    "AICOS_POSTGRES_PASSWORD=Fuzzpassw0rdLong1\n"
    "AICOS_DATABASE_URL=postgres://aicos:Fuzzpassw0rdLong1@postgres:5432/aicos\n"
    "AICOS_MASTER_KEY=" FUZZ_MASTER_KEY "\n";
#endif

static char dir[512];

static void write_file(const char *name, const void *data, size_t size)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0)
        abort();
}

static void remove_files(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_CADDYFILE);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", dir, DEPLOY_ENV_FILE);
    unlink(path);
    snprintf(path, sizeof path, "%s/caddy", dir);
    rmdir(path);
    rmdir(dir);
}

/* The folder, made once per process and removed at exit. */
static void make_dir(void)
{
    const char *base = getenv("AICOS_TEST_TMP");
    if (base != NULL)
        mkdir(base, 0700);
    snprintf(dir, sizeof dir, "%s/fuzz-deploy-XXXXXX", base != NULL ? base : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    char path[600];
    snprintf(path, sizeof path, "%s/caddy", dir);
    if (mkdir(path, 0700) != 0)
        abort();
    setenv("PATH", "", 1);
    atexit(remove_files);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0')
        make_dir();
    bool check_key = false;
#ifdef FUZZ_CADDYFILE
    write_file(DEPLOY_ENV_FILE, fixed_env, sizeof fixed_env - 1);
    write_file(DEPLOY_CADDYFILE, data, size);
#else
    static const char key_line[] = "\nAICOS_MASTER_KEY=" FUZZ_MASTER_KEY "\n";
    char *env = malloc(size + sizeof key_line);
    if (env == NULL)
        abort();
    memcpy(env, data, size);
    memcpy(env + size, key_line, sizeof key_line - 1);
    write_file(DEPLOY_ENV_FILE, env, size + sizeof key_line - 1);
    free(env);
    write_file(DEPLOY_CADDYFILE, "", 0);
    check_key = memmem(data, size, FUZZ_KEY_PART, strlen(FUZZ_KEY_PART)) == NULL;
#endif
    struct deploy_findings f = {0};
    struct errbuf eb = {0};
    if (deploy_preflight_run(dir, &f, &eb) != ERR_OK)
        abort();
    unsigned blockers = 0, warnings = 0;
    for (size_t i = 0; i < f.count; i++) {
        if (f.items[i].id[0] == '\0' || f.items[i].message[0] == '\0')
            abort();
        if (check_key && (strstr(f.items[i].message, FUZZ_KEY_PART) != NULL ||
                          strstr(f.items[i].fix, FUZZ_KEY_PART) != NULL))
            abort();
        blockers += f.items[i].severity == DEPLOY_BLOCKER;
        warnings += f.items[i].severity == DEPLOY_WARNING;
    }
    if (f.dropped == 0 && (blockers != f.blockers || warnings != f.warnings))
        abort();
    deploy_findings_free(&f);
    return 0;
}

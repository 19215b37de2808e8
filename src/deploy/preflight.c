/*
 * The preflight driver: runs the artifact checkers (preflight_env.c, preflight_compose.c,
 * preflight_caddy.c, preflight_docker.c) over one folder. Shared pieces are here.
 */
#include "deploy/preflight.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/limits.h"
#include "deploy/preflight_parts.h"
#include "deploy/templates.h"
#include "version.h"

/* Reads a whole file (at most LIMIT_DEPLOY_FILE_BYTES) into a malloc'd NUL-terminated string. */
enum err deploy_read_file(const char *path, char **out, size_t *len)
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

const char *deploy_env_get(const struct deploy_env *env, const char *name)
{
    for (size_t i = 0; i < env->n; i++) {
        if (strcmp(env->names[i], name) == 0)
            return env->values[i];
    }
    return NULL;
}

const char *deploy_env_lookup(const char *name, void *ctx)
{
    return deploy_env_get(ctx, name);
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

#include "deploy/initenv.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "deploy/templates.h"

/* One file to write: its final path, its mode, its contents and its temporary twin. */
struct deploy_out_file {
    const char *path;
    mode_t mode;
    struct buf *data;
    char tmp[DEPLOY_PATH_MAX + 16];
};

static bool deploy_path_join(char *dst, size_t len, const char *dir, const char *name)
{
    int n = snprintf(dst, len, "%s/%s", dir, name);
    return n > 0 && (size_t)n < len;
}

/* Writes data to a new temporary file beside path, fsynced, with mode; fills f->tmp. */
ERR_MUST_USE static enum err deploy_write_tmp(struct deploy_out_file *f, struct errbuf *eb)
{
    snprintf(f->tmp, sizeof f->tmp, "%s.tmpXXXXXX", f->path);
    int fd = mkstemp(f->tmp);
    enum err e = ERR_OK;
    if (fd < 0) {
        f->tmp[0] = '\0';
        return err_set(eb, ERR_IO, "write_failed", "cannot create a file beside %s: %s.", f->path,
                       strerror(errno));
    }
    if (fchmod(fd, f->mode) != 0) {
        e = err_set(eb, ERR_IO, "write_failed", "cannot set the mode of %s: %s.", f->tmp,
                    strerror(errno));
        goto out;
    }
    size_t off = 0;
    while (off < f->data->len) {
        ssize_t n = write(fd, f->data->data + off, f->data->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = err_set(eb, ERR_IO, "write_failed", "cannot write %s: %s.", f->tmp,
                        strerror(errno));
            goto out;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0)
        e = err_set(eb, ERR_IO, "write_failed", "cannot sync %s: %s.", f->tmp, strerror(errno));
out:
    if (close(fd) != 0 && e == ERR_OK)
        e = err_set(eb, ERR_IO, "write_failed", "cannot close %s: %s.", f->tmp, strerror(errno));
    return e;
}

/* Creates dir with mode 0755 unless it exists as a folder; *created says if it was made. */
ERR_MUST_USE static enum err deploy_mkdir(const char *dir, bool *created, struct errbuf *eb)
{
    struct stat st;
    *created = false;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return ERR_OK;
        return err_set(eb, ERR_IO, "not_a_folder", "%s exists and is not a folder.", dir);
    }
    if (mkdir(dir, 0755) != 0)
        return err_set(eb, ERR_IO, "write_failed", "cannot create %s: %s.", dir, strerror(errno));
    *created = true;
    return ERR_OK;
}

/* Writes text to path only when path does not exist yet (O_EXCL); *wrote says if it did. */
ERR_MUST_USE static enum err deploy_write_if_missing(const char *path, const char *text,
                                                     bool *wrote, struct errbuf *eb)
{
    struct buf b = {0};
    struct deploy_out_file f = {.path = path, .mode = 0644, .data = &b};
    enum err e = ERR_OK;
    *wrote = false;
    if (access(path, F_OK) == 0)
        goto out;
    e = buf_puts(&b, text);
    if (e == ERR_OK)
        e = deploy_write_tmp(&f, eb);
    /* link() fails if path appeared meanwhile, so an existing file is never replaced. */
    if (e == ERR_OK && link(f.tmp, path) == 0)
        *wrote = true;
    else if (e == ERR_OK && errno != EEXIST)
        e = err_set(eb, ERR_IO, "write_failed", "cannot create %s: %s.", path, strerror(errno));
out:
    if (f.tmp[0] != '\0')
        unlink(f.tmp);
    buf_free(&b);
    return e;
}

ERR_MUST_USE static enum err deploy_initenv_validate(const struct deploy_initenv_opts *o,
                                                     struct deploy_params *p, struct errbuf *eb)
{
    enum err e;
    if (o->api_origin == NULL || o->web_origin == NULL || o->acme_email == NULL ||
        o->postgres_password == NULL)
        return err_set(eb, ERR_INVAL, "missing_option",
                       "--api-origin, --web-origin, --acme-email and --postgres-password are "
                       "all required.");
    e = deploy_origin_check("--api-origin", o->api_origin, &p->api, eb);
    if (e == ERR_OK)
        e = deploy_origin_check("--web-origin", o->web_origin, &p->web, eb);
    if (e != ERR_OK)
        return e;
    p->mode = DEPLOY_CALLBACK_API;
    if (o->callback_mode != NULL && !deploy_callback_mode_parse(o->callback_mode, &p->mode))
        return err_set(eb, ERR_INVAL, "bad_callback_mode",
                       "--callback-mode must be api or web-bridge, got \"%.40s\".",
                       o->callback_mode);
    e = deploy_email_check(o->acme_email, eb);
    if (e == ERR_OK)
        e = deploy_password_check(o->postgres_password, eb);
    if (e != ERR_OK)
        return e;
    p->acme_email = o->acme_email;
    p->postgres_password = o->postgres_password;
    return ERR_OK;
}

/* The folder (it must exist) and every path under it into res and the buffers. */
ERR_MUST_USE static enum err initenv_paths(const char *out_dir, char *infra, char *caddy_dir,
                                           char *ignore_path, struct deploy_initenv_result *res,
                                           struct errbuf *eb)
{
    struct stat st;
    if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_set(eb, ERR_NOTFOUND, "no_such_folder", "--out %s is not an existing folder.",
                       out_dir);
    if (!deploy_path_join(infra, DEPLOY_PATH_MAX, out_dir, "infra") ||
        !deploy_path_join(caddy_dir, DEPLOY_PATH_MAX, infra, "caddy") ||
        !deploy_path_join(res->env_path, sizeof res->env_path, infra, DEPLOY_ENV_FILE) ||
        !deploy_path_join(res->compose_path, sizeof res->compose_path, infra,
                          DEPLOY_COMPOSE_FILE) ||
        !deploy_path_join(res->caddyfile_path, sizeof res->caddyfile_path, infra,
                          DEPLOY_CADDYFILE) ||
        !deploy_path_join(res->dockerfile_path, sizeof res->dockerfile_path, infra,
                          DEPLOY_DOCKERFILE) ||
        !deploy_path_join(ignore_path, DEPLOY_PATH_MAX, infra, "Dockerfile.dockerignore"))
        return err_set(eb, ERR_INVAL, "path_too_long", "--out is too long.");
    return ERR_OK;
}

/* Without --force, any of the three files already there refuses the whole run. */
ERR_MUST_USE static enum err initenv_refuse_existing(const struct deploy_out_file *files,
                                                     struct errbuf *eb)
{
    char existing[3 * DEPLOY_PATH_MAX] = "";
    size_t n = 0;
    struct stat st;
    for (size_t i = 0; i < 3; i++) {
        if (lstat(files[i].path, &st) == 0)
            n += (size_t)snprintf(existing + n, sizeof existing - n, "%s%s", n ? ", " : "",
                                  files[i].path);
        if (n >= sizeof existing)
            n = sizeof existing - 1;
    }
    if (n == 0)
        return ERR_OK;
    return err_set(eb, ERR_CONFLICT, "files_exist",
                   "%s already exist(s); nothing was written. Pass --force to replace "
                   "them (the master key changes, so back the old one up first).",
                   existing);
}

/* A new master key into p (master_key, 64 bytes), then the three files into their buffers. */
ERR_MUST_USE static enum err initenv_render(struct deploy_params *p, char *master_key, char *now,
                                            struct deploy_out_file *files, struct errbuf *eb)
{
    enum err e = deploy_master_key_new(master_key, 64);
    if (e != ERR_OK)
        return err_set(eb, e, "no_random",
                       "libsodium could not start; no master key was generated.");
    clock_now_iso(now);
    p->master_key = master_key;
    p->generated_at = now;
    e = deploy_render_env(p, files[0].data);
    if (e == ERR_OK)
        e = deploy_render_compose(p, files[1].data);
    if (e == ERR_OK)
        e = deploy_render_caddyfile(p, files[2].data);
    if (e != ERR_OK)
        return err_set(eb, e, "render_failed", "the files could not be rendered (%s).",
                       err_code(e));
    return ERR_OK;
}

/* Writes every file beside its place, then renames them all (*renamed once one is). */
ERR_MUST_USE static enum err initenv_commit(struct deploy_out_file *files, bool *renamed,
                                            struct errbuf *eb)
{
    enum err e = ERR_OK;
    for (size_t i = 0; i < 3 && e == ERR_OK; i++)
        e = deploy_write_tmp(&files[i], eb);
    /* Every file is complete on disk before the first rename; a rename within one file
     * system does not fail for lack of space. */
    for (size_t i = 0; i < 3 && e == ERR_OK; i++) {
        if (rename(files[i].tmp, files[i].path) != 0)
            e = err_set(eb, ERR_IO, "write_failed", "cannot rename %s to %s: %s.", files[i].tmp,
                        files[i].path, strerror(errno));
        else {
            files[i].tmp[0] = '\0';
            *renamed = true;
        }
    }
    return e;
}

enum err deploy_initenv_run(const struct deploy_initenv_opts *opts,
                            struct deploy_initenv_result *res, struct errbuf *eb)
{
    struct deploy_params p = {0};
    struct buf env = {.max = LIMIT_DEPLOY_FILE_BYTES}, compose = {.max = LIMIT_DEPLOY_FILE_BYTES},
               caddy = {.max = LIMIT_DEPLOY_FILE_BYTES};
    char infra[DEPLOY_PATH_MAX], caddy_dir[DEPLOY_PATH_MAX], ignore_path[DEPLOY_PATH_MAX];
    char master_key[64] = "", now[CLOCK_ISO_LEN];
    bool made_infra = false, made_caddy = false, renamed = false;
    struct deploy_out_file files[3] = {
        {.path = res->env_path, .mode = 0600, .data = &env},
        {.path = res->compose_path, .mode = 0644, .data = &compose},
        {.path = res->caddyfile_path, .mode = 0644, .data = &caddy},
    };
    memset(res, 0, sizeof *res);
    enum err e = deploy_initenv_validate(opts, &p, eb);
    e = e ? e
          : initenv_paths(opts->out_dir != NULL ? opts->out_dir : ".", infra, caddy_dir,
                          ignore_path, res, eb);
    if (e == ERR_OK && !opts->force)
        e = initenv_refuse_existing(files, eb);
    if (e != ERR_OK)
        goto out;
    deploy_callback_url(p.mode, &p.api, &p.web, res->callback_url, sizeof res->callback_url);
    e = initenv_render(&p, master_key, now, files, eb);
    e = e ? e : deploy_mkdir(infra, &made_infra, eb);
    e = e ? e : deploy_mkdir(caddy_dir, &made_caddy, eb);
    e = e ? e : initenv_commit(files, &renamed, eb);
    if (e == ERR_OK)
        e = deploy_write_if_missing(res->dockerfile_path, deploy_dockerfile_text(),
                                    &res->wrote_dockerfile, eb);
    if (e == ERR_OK) {
        bool wrote_ignore = false;
        e = deploy_write_if_missing(ignore_path, deploy_dockerignore_text(), &wrote_ignore, eb);
    }
    if (e == ERR_OK)
        log_kv(LOG_DEBUG, "deploy.init_env", "dir", infra, "callback_mode",
               deploy_callback_mode_name(p.mode), "callback_url", res->callback_url, NULL);
out:
    for (size_t i = 0; i < 3; i++) {
        if (files[i].tmp[0] != '\0')
            unlink(files[i].tmp);
    }
    if (e != ERR_OK && !renamed) {
        if (made_caddy)
            rmdir(caddy_dir);
        if (made_infra)
            rmdir(infra);
    }
    if (env.data != NULL)
        sodium_memzero(env.data, env.cap);
    sodium_memzero(master_key, sizeof master_key);
    buf_free(&env);
    buf_free(&compose);
    buf_free(&caddy);
    return e;
}

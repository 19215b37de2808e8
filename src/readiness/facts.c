/* The facts behind readiness and the registry, each read once (see readiness/facts.h). */
#include "readiness/facts.h"

#include <string.h>

#include "readiness/readiness.h"

void readiness_facts_init(struct readiness_facts *f, const struct connect_env *env, int64_t now)
{
    memset(f, 0, sizeof *f);
    f->env = env;
    f->now = now;
}

enum err readiness_facts_connect(struct readiness_facts *f, const struct connect_summary **out,
                                 struct errbuf *eb)
{
    if (!f->have_connect) {
        enum err e = connect_summary_get(f->env, f->now, &f->connect, eb);
        if (e != ERR_OK)
            return e;
        f->have_connect = true;
    }
    *out = &f->connect;
    return ERR_OK;
}

enum err readiness_facts_sync(struct readiness_facts *f, const struct sync_summary **out,
                              struct errbuf *eb)
{
    if (!f->have_sync) {
        enum err e = sync_summary_get(f->env->db, &f->sync, eb);
        if (e != ERR_OK)
            return e;
        f->have_sync = true;
    }
    *out = &f->sync;
    return ERR_OK;
}

enum err readiness_facts_creds(struct readiness_facts *f, const bool **present, struct errbuf *eb)
{
    if (!f->have_creds) {
        enum err e = connect_credentials_regions(f->env, f->creds, eb);
        if (e != ERR_OK)
            return e;
        f->have_creds = true;
    }
    *present = f->creds;
    return ERR_OK;
}

enum err readiness_facts_deploy(struct readiness_facts *f, const char *kind,
                                const struct deploy_record_row **out, struct errbuf *eb)
{
    static const char *const kinds[READINESS_DEPLOY_KINDS] = {"dns", "preflight", "smoke"};
    size_t i = 0;
    while (i < READINESS_DEPLOY_KINDS && strcmp(kinds[i], kind) != 0)
        i++;
    if (i == READINESS_DEPLOY_KINDS)
        return err_set(eb, ERR_INVAL, NULL, "unknown deploy check %s", kind);
    if (!f->have_deploy[i]) {
        enum err e = deploy_record_latest(f->env->db, kind, &f->deploy[i], eb);
        if (e != ERR_OK)
            return e;
        f->have_deploy[i] = true;
    }
    *out = &f->deploy[i];
    return ERR_OK;
}

enum err readiness_registry(const struct connect_env *env, int64_t now, json_t **out,
                            struct errbuf *eb)
{
    struct readiness_facts f;
    readiness_facts_init(&f, env, now);
    return readiness_registry_of(&f, out, eb);
}

enum err readiness_progress(const struct connect_env *env, int64_t now, json_t **out,
                            struct errbuf *eb)
{
    struct readiness_facts f;
    readiness_facts_init(&f, env, now);
    return readiness_progress_of(&f, out, eb);
}

enum err readiness_page(const struct connect_env *env, int64_t now, json_t **registry,
                        json_t **progress, struct errbuf *eb)
{
    struct readiness_facts f;
    readiness_facts_init(&f, env, now);
    *registry = NULL;
    *progress = NULL;
    enum err e = readiness_registry_of(&f, registry, eb);
    if (e == ERR_OK)
        e = readiness_progress_of(&f, progress, eb);
    if (e != ERR_OK) {
        json_decref(*registry);
        *registry = NULL;
    }
    return e;
}

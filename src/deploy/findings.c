#include "deploy/findings.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

void deploy_findings_add(struct deploy_findings *f, const char *id, enum deploy_severity sev,
                         const char *fix, const char *fmt, ...)
{
    if (sev == DEPLOY_BLOCKER)
        f->blockers++;
    else
        f->warnings++;
    if (f->count == f->cap) {
        size_t cap = f->cap == 0 ? 16 : f->cap * 2;
        if (cap > LIMIT_DEPLOY_FINDINGS)
            cap = LIMIT_DEPLOY_FINDINGS;
        struct deploy_finding *items = NULL;
        if (cap > f->cap)
            items = realloc(f->items, cap * sizeof *items);
        if (items == NULL) {
            f->dropped++;
            return;
        }
        f->items = items;
        f->cap = cap;
    }
    struct deploy_finding *it = &f->items[f->count++];
    memset(it, 0, sizeof *it);
    snprintf(it->id, sizeof it->id, "%s", id);
    it->severity = sev;
    snprintf(it->fix, sizeof it->fix, "%s", fix != NULL ? fix : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->message, sizeof it->message, fmt, ap);
    va_end(ap);
}

const struct deploy_finding *deploy_findings_find(const struct deploy_findings *f, const char *id)
{
    for (size_t i = 0; i < f->count; i++) {
        if (strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    }
    return NULL;
}

bool deploy_findings_has(const struct deploy_findings *f, const char *id, enum deploy_severity sev)
{
    for (size_t i = 0; i < f->count; i++) {
        if (strcmp(f->items[i].id, id) == 0 && f->items[i].severity == sev)
            return true;
    }
    return false;
}

const char *deploy_severity_name(enum deploy_severity sev)
{
    return sev == DEPLOY_BLOCKER ? "blocker" : "warning";
}

json_t *deploy_findings_to_json(const struct deploy_findings *f, const char *kind)
{
    json_t *arr = json_array();
    json_t *root = NULL;
    if (arr == NULL)
        goto out;
    for (size_t i = 0; i < f->count; i++) {
        const struct deploy_finding *it = &f->items[i];
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s}", "id", it->id, "severity",
                      deploy_severity_name(it->severity), "message", it->message, "fix", it->fix);
        if (o == NULL || json_array_append_new(arr, o) != 0)
            goto out;
    }
    root = json_pack("{s:s, s:I, s:I, s:I, s:O}", "kind", kind, "blockers", (json_int_t)f->blockers,
                     "warnings", (json_int_t)f->warnings, "dropped", (json_int_t)f->dropped,
                     "findings", arr);
out:
    json_decref(arr);
    return root;
}

void deploy_findings_print(const struct deploy_findings *f, const char *kind, FILE *out)
{
    for (size_t i = 0; i < f->count; i++) {
        const struct deploy_finding *it = &f->items[i];
        fprintf(out, "%s %s: %s\n", it->severity == DEPLOY_BLOCKER ? "BLOCKER" : "WARNING", it->id,
                it->message);
        if (it->fix[0] != '\0')
            fprintf(out, "    fix: %s\n", it->fix);
    }
    if (f->dropped > 0)
        fprintf(out, "(%u more finding(s) could not be listed)\n", f->dropped);
    fprintf(out, "%s: %u blocker(s), %u warning(s)%s\n", kind, f->blockers, f->warnings,
            f->blockers == 0 ? "" : ": do not deploy yet");
}

void deploy_findings_free(struct deploy_findings *f)
{
    if (f == NULL)
        return;
    free(f->items);
    memset(f, 0, sizeof *f);
}

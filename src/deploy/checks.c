/* The recorded deployment checks and their re-runs. */
#include "deploy/checks.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "deploy/dns.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"
#include "deploy/plan.h"
#include "deploy/plan_util.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"
#include "deploy/templates.h"
#include "temu/credentials.h"
#include "temu/regions.h"
#include "vault/vault.h"

enum err deploy_check_latest(struct db *db, const char *kind, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    json_t *doc = NULL, *stored = NULL;
    int64_t blockers = 0, warnings = 0;
    enum err e;
    *out = NULL;
    if (!plan_kind_valid(kind))
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind.");
    struct db_conn *c = db_acquire(db);
    struct db_param p[] = {DB_P_TEXT(kind)};
    e = db_query(c,
                 "SELECT ran_at, blockers, warnings, findings_json FROM deploy_checks "
                 "WHERE kind = $1 ORDER BY ran_at DESC, id DESC LIMIT 1",
                 p, 1, &r, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(r) == 0) {
        doc = json_null();
        goto out;
    }
    if (db_rows_int(r, 0, 1, &blockers) != ERR_OK || db_rows_int(r, 0, 2, &warnings) != ERR_OK) {
        e = err_set(eb, ERR_DB, "bad_row", "a deploy_checks row has no counts.");
        goto out;
    }
    const char *fj = db_rows_get(r, 0, 3);
    stored = fj != NULL ? json_loads(fj, 0, NULL) : NULL;
    json_t *findings = json_object_get(stored, "findings");
    findings = json_is_array(findings) ? json_incref(findings) : json_array();
    doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "kind", kind, "ran_at", db_rows_get(r, 0, 0),
                    "status", blockers > 0 ? "blocked" : "pass", "blockers", (json_int_t)blockers,
                    "warnings", (json_int_t)warnings, "findings", findings);
    if (doc == NULL)
        e = ERR_NOMEM;
out:
    json_decref(stored);
    db_rows_free(r);
    if (e == ERR_OK)
        *out = doc;
    else
        json_decref(doc);
    return e;
}

/* The status of a latest-result object: "pending" when none was recorded. */

enum err deploy_check_rerun(const struct config *cfg, struct db *db, const char *kind,
                            const char *token, json_t **out, struct errbuf *eb)
{
    struct deploy_findings f = {0};
    struct plan_origins o;
    enum err e = ERR_OK;
    *out = NULL;
    if (!plan_kind_valid(kind))
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind.");
    if (strcmp(kind, "preflight") == 0) {
        struct stat st;
        if (stat(plan_dir(cfg), &st) != 0 || !S_ISDIR(st.st_mode))
            return err_set(eb, ERR_NOTFOUND, "deploy_dir_missing",
                           "The production folder %.200s does not exist on the server; generate "
                           "it with `aicos deploy init-env` or set AICOS_DEPLOY_DIR.",
                           plan_dir(cfg));
        e = deploy_preflight_run(plan_dir(cfg), &f, eb);
    } else if (strcmp(kind, "dns") == 0) {
        struct deploy_dns_result ra, rw;
        plan_origins_read(cfg, &o);
        if (!o.api_parsed || !o.web_parsed)
            return err_set(eb, ERR_INVAL, "bad_origins",
                           "AICOS_API_ORIGIN and AICOS_WEB_ORIGIN must be set to check DNS.");
        deploy_dns_check(o.api.host, o.web.host, &ra, &rw, &f);
    } else {
        struct deploy_smoke_opts so = {
            .api_origin = cfg->api_origin,
            .web_origin = cfg->web_origin,
            .mode = plan_mode(cfg),
            .token = token != NULL && *token != '\0' ? token : NULL,
        };
        e = deploy_smoke_run(&so, &f, eb);
    }
    if (e == ERR_OK)
        e = deploy_record(db, kind, &f, eb);
    if (e == ERR_OK)
        e = deploy_check_latest(db, kind, out, eb);
    deploy_findings_free(&f);
    return e;
}

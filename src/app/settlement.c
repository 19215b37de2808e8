#include "app/settlement.h"

#include <stdio.h>
#include <time.h>

#include "actions/actions.h"

enum err app_settlement_import(const struct app *app, const struct app_actor *who, const char *name,
                               const void *data, size_t len, const char *profile,
                               const char *control_total, struct settle_import_result *r,
                               struct errbuf *eb)
{
    struct settle_import_opts o = {name, profile, control_total, who->name, (int64_t)time(NULL)};
    enum err e = settle_import_buffer(app->db, data, len, &o, r, eb);
    char detail[200];
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "sha256 %.16s, %zu line(s)%s", r->sha256, r->lines,
                 r->existed ? " (already imported)" : "");
    else
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    app_audit(app, who, "settlement.import", name, e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err app_settlement_reconcile(const struct app *app, const struct app_actor *who, int64_t now,
                                  struct settle_report *out, struct errbuf *eb)
{
    struct settle_report rep;
    enum err e = settle_reconcile(app->db, now, &rep, eb);
    char detail[200];
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "matched %lld, partial %lld, missing %lld, unexpected %lld",
                 (long long)rep.matched, (long long)rep.partial, (long long)rep.missing,
                 (long long)rep.unexpected);
    else
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    app_audit(app, who, "settlement.reconcile", "", e == ERR_OK ? "success" : "failure", detail);
    if (e == ERR_OK) /* the run changed the settlement detectors' input */
        actions_settlement_hook(app->db, now);
    if (e == ERR_OK && out != NULL)
        *out = rep;
    return e;
}

enum err app_settlement_amounts(const struct app *app, const struct app_actor *who,
                                const char *conn, int64_t limit, bool newest_first,
                                struct settle_amounts_result *out, struct errbuf *eb)
{
    struct connect_env env;
    app_connect_env(app, &env);
    enum err e = settle_amounts_refresh(&env, conn, limit, SETTLE_AMOUNTS_MAX_AGE_S, newest_first,
                                        (int64_t)time(NULL), out, eb);
    char detail[260];
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "asked %lld, stored %lld, moved %lld, failed %lld%s%.140s",
                 (long long)out->asked, (long long)out->stored, (long long)out->moved,
                 (long long)out->failed, out->last_error[0] ? "; last: " : "", out->last_error);
    else
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    app_audit(app, who, "settlement.amounts", conn ? conn : "", e == ERR_OK ? "success" : "failure",
              detail);
    return e;
}

#include "app/alerts.h"

#include <stdio.h>
#include <time.h>

#include "actions/actions.h"

/* The audit entry of one alert change: success, or the error's code. */
static void alerts_audit(const struct app *app, const struct app_actor *who, const char *action,
                         const char *target, enum err e, const struct errbuf *eb,
                         const char *detail)
{
    app_audit(app, who, action, target, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? detail : errbuf_code(eb, e));
}

enum err app_alert_setting_set(const struct app *app, const struct app_actor *who, const char *conn,
                               const char *kind, const char *name, int64_t value, struct errbuf *eb)
{
    char target[96], detail[160];
    snprintf(target, sizeof target, "%.40s.%.40s", kind ? kind : "", name ? name : "");
    snprintf(detail, sizeof detail, "connection %.80s = %lld", conn && *conn ? conn : "(all)",
             (long long)value);
    enum err e = actions_setting_set(app->db, conn ? conn : "", kind, name, value, who->name,
                                     (int64_t)time(NULL), eb);
    alerts_audit(app, who, "action.setting.set", target, e, eb, detail);
    return e;
}

enum err app_alert_hook_add(const struct app *app, const struct app_actor *who,
                            const struct notify_hook_req *r, char id[32], struct errbuf *eb)
{
    char masked[NOTIFY_URL_MAX + 16] = "", detail[NOTIFY_URL_MAX + 64];
    enum err e = notify_hook_add(app->db, app->vault, r, who->name, (int64_t)time(NULL), id, eb);
    if (r->url != NULL)
        notify_url_mask(r->url, masked, sizeof masked);
    snprintf(detail, sizeof detail, "%s %s", r->kind ? r->kind : "", masked);
    alerts_audit(app, who, "notify.hook.add", e == ERR_OK ? id : "", e, eb, detail);
    return e;
}

enum err app_alert_hook_test(const struct app *app, const struct app_actor *who, const char *id,
                             struct errbuf *eb)
{
    enum err e = notify_hook_test(app->db, app->vault, id, (int64_t)time(NULL), eb);
    alerts_audit(app, who, "notify.hook.test", id, e, eb, "delivered");
    return e;
}

enum err app_alert_hook_enable(const struct app *app, const struct app_actor *who, const char *id,
                               bool enabled, struct errbuf *eb)
{
    enum err e = notify_hook_enable(app->db, id, enabled, eb);
    alerts_audit(app, who, enabled ? "notify.hook.enable" : "notify.hook.disable", id, e, eb, "");
    return e;
}

enum err app_alert_hook_delete(const struct app *app, const struct app_actor *who, const char *id,
                               struct errbuf *eb)
{
    enum err e = notify_hook_delete(app->db, app->vault, id, eb);
    alerts_audit(app, who, "notify.hook.delete", id, e, eb, "");
    return e;
}

#include "app/tracking.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum err app_tracking_settings(const struct app *app, const struct app_actor *who,
                               const struct tracking_settings_change *c, struct errbuf *eb)
{
    struct connect_env env;
    char detail[256];
    app_connect_env(app, &env);
    enum err e = tracking_settings_change(&env, c, (int64_t)time(NULL), eb);
    int n = snprintf(detail, sizeof detail, "%s%s%s%s%s", c->url != NULL ? "url set; " : "",
                     c->key != NULL ? "key stored; " : "",
                     c->push_key == NULL    ? ""
                     : *c->push_key != '\0' ? "push key stored; "
                                            : "push key removed; ",
                     c->enabled == 1   ? "enabled; "
                     : c->enabled == 0 ? "disabled; "
                                       : "",
                     e == ERR_OK ? "" : errbuf_code(eb, e));
    if (n > 0 && (size_t)n < sizeof detail && c->rate_per_min > 0)
        snprintf(detail + n, sizeof detail - (size_t)n, " rate %lld/min",
                 (long long)c->rate_per_min);
    app_audit(app, who, "tracking.settings", c->provider != NULL ? c->provider : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e;
}

/* "<temu id>:<name>", the audit target of a mapping. */
static void carrier_target(int64_t temu_id, const char *name, char out[96])
{
    snprintf(out, 96, "%lld:%.64s", (long long)temu_id, name != NULL ? name : "");
}

enum err app_tracking_carrier_set(const struct app *app, const struct app_actor *who,
                                  const struct tracking_carrier_map *m, int64_t *applied,
                                  struct errbuf *eb)
{
    char target[96], detail[96];
    carrier_target(m->temu_carrier_id, m->name, target);
    enum err e = tracking_carrier_set(app->db, m, (int64_t)time(NULL), applied, eb);
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "code %lld, lane %s", (long long)m->code,
                 m->lane != NULL && *m->lane ? m->lane : "default");
    else
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    app_audit(app, who, "tracking.carrier.set", target, e == ERR_OK ? "success" : "failure",
              detail);
    return e;
}

enum err app_tracking_carrier_delete(const struct app *app, const struct app_actor *who,
                                     int64_t temu_id, const char *name, struct errbuf *eb)
{
    char target[96];
    carrier_target(temu_id, name, target);
    enum err e = tracking_carrier_delete(app->db, temu_id, name, eb);
    app_audit(app, who, "tracking.carrier.delete", target, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "" : errbuf_code(eb, e));
    return e;
}

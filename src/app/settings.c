/*
 * The console's settings as audited use-cases (settings.h).
 */
#include "app/settings.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/roles.h"

enum err app_settings_update(const struct app *app, const struct app_actor *who,
                             const char *const text[SYNC_SETTING__COUNT], int *changed,
                             struct errbuf *eb)
{
    int64_t value[SYNC_SETTING__COUNT] = {0};
    bool given[SYNC_SETTING__COUNT] = {false};
    char detail[256] = "";
    size_t used = 0;
    enum err e = ERR_OK;
    *changed = 0;
    if (who->role < ROLE_OPS)
        e = err_set(eb, ERR_FORBIDDEN, "forbidden", "Changing settings needs the ops role.");
    for (int s = 0; e == ERR_OK && s < SYNC_SETTING__COUNT; s++) {
        if (text[s] == NULL || text[s][0] == '\0')
            continue;
        e = sync_setting_parse((enum sync_setting)s, text[s], &value[s], eb);
        given[s] = e == ERR_OK;
        int n = snprintf(detail + used, sizeof detail - used, "%s%s=%lld", used ? " " : "",
                         sync_setting_def_of((enum sync_setting)s)->name, (long long)value[s]);
        if (n > 0 && (size_t)n < sizeof detail - used)
            used += (size_t)n;
    }
    if (e == ERR_OK)
        e = sync_settings_put(app->db, app->cfg, value, given, who->name ? who->name : "",
                              (int64_t)time(NULL), changed, eb);
    app_audit(app, who, "settings.update", "console", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? detail : errbuf_code(eb, e));
    return e;
}

enum err app_shop_rename(const struct app *app, const struct app_actor *who, const char *conn,
                         const char *name, struct errbuf *eb)
{
    enum err e = ERR_OK;
    if (who->role < ROLE_SELLER_ADMIN)
        e = err_set(eb, ERR_FORBIDDEN, "forbidden", "Naming shops needs the seller_admin role.");
    if (e == ERR_OK)
        e = sync_shop_name_set(app->db, conn, name, who->name ? who->name : "", (int64_t)time(NULL),
                               eb);
    char detail[96];
    snprintf(detail, sizeof detail, "name=%.80s", name ? name : "");
    app_audit(app, who, "shop.rename", conn ? conn : "", e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? detail : errbuf_code(eb, e));
    return e;
}

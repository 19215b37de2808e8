/*
 * The audited use-cases of the action center's alert settings (src/actions does the work):
 * detector thresholds per shop and the outbound notification hooks (add, test-send, enable /
 * disable, delete). The JSON API (/api/v1/actions/settings, /api/v1/notify/hooks…) and the
 * /settings/alerts page call these; both write the same audit entry. A hook's URL and secret
 * never enter the audit log: the entry names the hook id, its kind and the masked URL.
 */
#ifndef AICOS_APP_ALERTS_H
#define AICOS_APP_ALERTS_H

#include "actions/notify.h"
#include "app/app.h"

/* Sets a threshold of detector kind for conn ("" every shop) as who; audited
 * "action.setting.set" (target kind.name, detail connection and value). */
ERR_MUST_USE enum err app_alert_setting_set(const struct app *app, const struct app_actor *who,
                                            const char *conn, const char *kind, const char *name,
                                            int64_t value, struct errbuf *eb);

/* Adds a hook; audited "notify.hook.add". ERR_CONFIG when a secret is given and the server has
 * no vault to seal it in. */
ERR_MUST_USE enum err app_alert_hook_add(const struct app *app, const struct app_actor *who,
                                         const struct notify_hook_req *r, char id[32],
                                         struct errbuf *eb);

/* Sends a test event to hook id; audited "notify.hook.test" (success or the failure). */
ERR_MUST_USE enum err app_alert_hook_test(const struct app *app, const struct app_actor *who,
                                          const char *id, struct errbuf *eb);

/* Enables or disables hook id; audited "notify.hook.enable" / "notify.hook.disable". */
ERR_MUST_USE enum err app_alert_hook_enable(const struct app *app, const struct app_actor *who,
                                            const char *id, bool enabled, struct errbuf *eb);

/* Deletes hook id with its queued events and secret; audited "notify.hook.delete". */
ERR_MUST_USE enum err app_alert_hook_delete(const struct app *app, const struct app_actor *who,
                                            const char *id, struct errbuf *eb);

#endif

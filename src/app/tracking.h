/*
 * The audited use-cases of carrier tracking's configuration (src/tracking does the work):
 * the settings (provider, URL, keys into the vault, switch, request budget) and the carrier
 * mapping. PUT /api/v1/tracking/settings, /api/v1/tracking/carriers and the forms of
 * /settings/tracking call these, so both write the same audit entries. Keys never reach the
 * audit log.
 */
#ifndef AICOS_APP_TRACKING_H
#define AICOS_APP_TRACKING_H

#include "app/app.h"
#include "tracking/tracking.h"

/* tracking_settings_change as who; audited "tracking.settings" with what changed (keys only
 * as "key stored" / "push key removed"), on success and on failure. */
ERR_MUST_USE enum err app_tracking_settings(const struct app *app, const struct app_actor *who,
                                            const struct tracking_settings_change *c,
                                            struct errbuf *eb);

/* tracking_carrier_set as who; audited "tracking.carrier.set" (target "<temu id>:<name>"). */
ERR_MUST_USE enum err app_tracking_carrier_set(const struct app *app, const struct app_actor *who,
                                               const struct tracking_carrier_map *m,
                                               int64_t *applied, struct errbuf *eb);

/* tracking_carrier_delete as who; audited "tracking.carrier.delete". */
ERR_MUST_USE enum err app_tracking_carrier_delete(const struct app *app,
                                                  const struct app_actor *who, int64_t temu_id,
                                                  const char *name, struct errbuf *eb);

#endif

/*
 * The console's settings as audited use-cases (issue 16, /settings): the sync intervals and
 * the console's thresholds (ops and above), and the shops' display names (seller_admin).
 * Values are checked by src/sync/settings.h; a refused change stores nothing and is audited
 * as a failure.
 */
#ifndef AICOS_APP_SETTINGS_H
#define AICOS_APP_SETTINGS_H

#include "app/app.h"
#include "sync/settings.h"

/*
 * Parses and stores the settings whose text[s] is not NULL (the form's fields; "" counts as
 * not given) in one transaction; audited "settings.update" with the changed names and
 * values. *changed gets how many values changed. Below ops: ERR_FORBIDDEN.
 */
ERR_MUST_USE enum err app_settings_update(const struct app *app, const struct app_actor *who,
                                          const char *const text[SYNC_SETTING__COUNT], int *changed,
                                          struct errbuf *eb);

/* Sets connection conn's display name ("" removes it); audited "shop.rename". Below
 * seller_admin: ERR_FORBIDDEN. */
ERR_MUST_USE enum err app_shop_rename(const struct app *app, const struct app_actor *who,
                                      const char *conn, const char *name, struct errbuf *eb);

#endif

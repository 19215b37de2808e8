/*
 * The settings page: the viewer's own language and time zone (every signed-in user), the sync
 * intervals and console thresholds (edited by ops and up, src/sync/settings.h), the shops'
 * names (seller_admin), a link to the alerts page, and the server's settings read from
 * AICOS_* at start (shown to ops and up). The
 * layout's language switch posts to /settings/language. Changes go through
 * app_user_set_prefs (audited user.set_preferences) and answer with post/redirect/get.
 */
#ifndef AICOS_WEB_SETTINGS_PAGE_H
#define AICOS_WEB_SETTINGS_PAGE_H

#include "http/http.h"

/* GET /settings */
ERR_MUST_USE enum err page_settings(struct http_req *req, struct http_resp *resp,
                                    struct errbuf *eb);
/* POST /settings/preferences (lang, tz) */
ERR_MUST_USE enum err page_settings_prefs(struct http_req *req, struct http_resp *resp,
                                          struct errbuf *eb);
/* POST /settings/language (lang): back to the page it came from (Referer, same site only). */
ERR_MUST_USE enum err page_settings_language(struct http_req *req, struct http_resp *resp,
                                             struct errbuf *eb);

/* POST /settings/sync (the fields of enum sync_setting; ops): app_settings_update. */
ERR_MUST_USE enum err page_settings_sync(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
/* POST /settings/shops/{id} (name; seller_admin): app_shop_rename. */
ERR_MUST_USE enum err page_settings_shop(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

#endif

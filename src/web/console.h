/*
 * The console frame: the layout template (embedded at build time) with navigation, the
 * signed-in operator and the sign-out form carrying the CSRF token. Pages write their
 * content between web_layout_begin() and web_layout_end().
 */
#ifndef AICOS_WEB_CONSOLE_H
#define AICOS_WEB_CONSOLE_H

#include <stdint.h>

#include "auth/principal.h"
#include "base/buf.h"
#include "base/err.h"
#include "http/http.h"

/*
 * Appends the layout up to the content: title (escaped), the navigation with active
 * ("integrations", "deploy", "orders", "products", "cases", "sync" or NULL) highlighted, and
 * who is signed in (p may be NULL: a sign-in link).
 */
enum err web_layout_begin(struct buf *b, const char *title, const char *active,
                          const struct auth_principal *p);

/* Appends the rest of the layout after the content. */
enum err web_layout_end(struct buf *b);

/* Appends a unix time as "YYYY-MM-DD HH:MM UTC" ("—" for 0). */
enum err web_time(struct buf *b, int64_t t);

/* GET /static/console.css: the stylesheet (embedded at build time) with the deploy section's rules.
 */
enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

/* Appends a hidden csrf_token field for p's session ("" for token callers). */
enum err web_csrf_field(struct buf *b, const struct auth_principal *p);

#endif

/*
 * The console frame: the layout template (embedded at build time) with navigation, the
 * signed-in operator and the sign-out form carrying the CSRF token. A page handler calls
 * web_page_begin(), writes its content with web/html.h and web/widget.h, and returns
 * web_page_end().
 */
#ifndef AICOS_WEB_CONSOLE_H
#define AICOS_WEB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/principal.h"
#include "auth/roles.h"
#include "base/err.h"
#include "http/http.h"
#include "web/html.h"

/*
 * Appends the layout up to the content: title (escaped), the navigation with active
 * ("integrations", "deploy", "orders", "products", "cases", "sync" or NULL) highlighted, and
 * who is signed in (p may be NULL: a sign-in link).
 */
void web_layout_begin(struct html *h, const char *title, const char *active,
                      const struct auth_principal *p);

/* Appends the rest of the layout after the content. */
void web_layout_end(struct html *h);

/* True when the caller is signed in with at least role need. */
bool web_can(const struct http_req *req, enum auth_role need);

/* True when a Temu form post's failure e is shown on its page with a banner: every 4xx, and
 * the upstream and unavailable answers of Temu; any other 5xx stays a server error. */
bool web_form_failure_shown(enum err e);

/* A fixed notice a redirect may ask a page for with ?notice=CODE. */
struct web_notice {
    const char *code, *kind, *text;
};

/* The entry of table (n entries) the request's notice argument names, or NULL: the page shows
 * only its own fixed sentences, never text from the URL. */
const struct web_notice *web_notice_from_query(const struct http_req *req,
                                               const struct web_notice *table, size_t n);

/* Empties resp's body, starts h on it and writes the layout up to the content. */
void web_page_begin(struct html *h, struct http_resp *resp, const char *title, const char *active,
                    const struct auth_principal *p);

/* Writes the rest of the layout, sets the status and HTML content type; h's first error. */
ERR_MUST_USE enum err web_page_end(struct html *h, struct http_resp *resp, int status);
/* GET /static/console.css: the stylesheet, embedded at build time (every rule of the console). */
ERR_MUST_USE enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);

#endif

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
#include "web/msg.h"

/*
 * Appends the layout up to the content: title (escaped), the navigation with active
 * ("integrations", "deploy", "orders", "products", "cases", "sync", "users", "tokens",
 * "audit", "secrets" or NULL) highlighted, and
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

/*
 * Post/redirect/get: keeps the notice (kind "ok", "error" or "info"; text a fixed sentence or
 * escaped data, shown as text) with the caller's session and answers 303 to location, whose
 * page shows it once at the top. A caller without a session (an API token) is only redirected.
 */
ERR_MUST_USE enum err web_redirect_notice(struct http_req *req, struct http_resp *resp,
                                          const char *location, const char *kind, const char *text);

/*
 * True when a refused form post (e, shown on its page: web_form_failure_shown) is answered with
 * post/redirect/get too: the caller signed in with a session (a browser), so the refusal can
 * wait as the session's notice. A caller with an API token gets the page and its status.
 */
bool web_form_redirects(const struct http_req *req, enum err e);

/* Empties resp's body, starts h on it and writes the layout up to the content, then the
 * session's flash notice (web_redirect_notice) when p carries one. */
void web_page_begin(struct html *h, struct http_resp *resp, const char *title, const char *active,
                    const struct auth_principal *p);

/* web_page_begin for any caller, signed in or not: the language also follows the request's
 * Accept-Language when nobody is signed in (sign-in and error pages). */
void web_page_begin_req(struct html *h, struct http_resp *resp, const char *title,
                        const char *active, const struct http_req *req);

/* The reader's language (enum web_lang of web/msg.h): p's own choice, else the
 * Accept-Language (p's, or accept_language when p is NULL), else both. */
enum web_lang web_lang_of(const struct auth_principal *p, const char *accept_language);

/* Catalog message id in the request's language (both joined with " / " when unknown); the
 * text lives in the request's arena. */
const char *web_text(const struct http_req *req, int id);

/* web_text() with the message's "{}" slots filled by the string arguments (not escaped: the
 * text is for a notice, which is shown as text). */
#define web_textf(req, id, ...)                                                                    \
    web_textf_n((req), (id), (const char *const[]){__VA_ARGS__},                                   \
                sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
const char *web_textf_n(const struct http_req *req, int id, const char *const *args, size_t nargs);

/* The refusal why (of e) in the request's language: the catalog's Chinese text for its code
 * when there is one and the reader reads Chinese, else the domain's own (English) sentence. */
const char *web_error_text(const struct http_req *req, const struct errbuf *why, enum err e);

/* web_redirect_notice() with catalog message id in the request's language. */
ERR_MUST_USE enum err web_redirect_msg(struct http_req *req, struct http_resp *resp,
                                       const char *location, const char *kind, int id);

/* Writes the rest of the layout, sets the status and HTML content type; h's first error. */
ERR_MUST_USE enum err web_page_end(struct html *h, struct http_resp *resp, int status);
/* GET /static/console.css: the stylesheet, embedded at build time (every rule of the console). */
ERR_MUST_USE enum err page_console_stylesheet(struct http_req *req, struct http_resp *resp,
                                              struct errbuf *eb);

#endif

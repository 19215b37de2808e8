/*
 * Error answers as console pages. The server (http/server.h) hands every JSON error to
 * web_error_page(); a browser gets a page in the layout with the status, what happened and
 * what to do next, and the JSON API keeps its JSON error. Who is a browser is decided by
 * web_error_wants_page() (the rule is in docs/console.md).
 */
#ifndef AICOS_WEB_ERROR_PAGE_H
#define AICOS_WEB_ERROR_PAGE_H

#include <stdbool.h>

#include "http/http.h"
#include "http/router.h"

/*
 * True when an error answer to req is a console page: the request names no API token
 * (Authorization header), its Accept header lists text/html, and its path is outside /api/
 * except the Temu authorization callback, where Seller Center sends the seller's browser.
 * Everything else (the JSON API, Accept: application/json, curl's default of any type) gets
 * JSON.
 */
bool web_error_wants_page(const struct http_req *req);

/*
 * The server's error-page hook (http_error_page_fn): for a browser (web_error_wants_page),
 * replaces resp's JSON error body with a console page of the same status; otherwise leaves it.
 */
void web_error_page(const struct http_req *req, const struct route *route, struct http_resp *resp);

#endif

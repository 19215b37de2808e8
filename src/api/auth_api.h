/* Who may call what (the server's auth hook) and the JSON sign-in API (auth_api.c). */
#ifndef AICOS_API_AUTH_API_H
#define AICOS_API_AUTH_API_H

#include "http/http.h"

#include "http/router.h"
#include "http/server.h"

/*
 * The authorization hook for the server (http_auth_fn): authenticates by Bearer token or
 * session cookie, enforces each route's minimum role, and checks CSRF on state-changing
 * requests made with a session cookie. Pages and JSON routes alike pass through it.
 */
ERR_MUST_USE enum err api_authorize(struct http_req *req, const struct route *route,
                                    enum http_auth_phase phase, struct errbuf *eb);

/* POST, GET and DELETE /api/v1/session: sign in, who is calling, sign out. */
ERR_MUST_USE enum err api_session_create(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);
ERR_MUST_USE enum err api_session_get(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);
ERR_MUST_USE enum err api_session_delete(struct http_req *req, struct http_resp *resp,
                                         struct errbuf *eb);

#endif

/* The sign-in page and sign-out (signin_page.c); the home is the action center. */
#ifndef AICOS_WEB_SIGNIN_PAGE_H
#define AICOS_WEB_SIGNIN_PAGE_H

#include "http/http.h"

/* GET /login (a signed-in session goes home) and POST /login (the form). */
ERR_MUST_USE enum err page_login(struct http_req *req, struct http_resp *resp, struct errbuf *eb);
ERR_MUST_USE enum err page_login_submit(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb);
/* POST /logout: ends the session, clears the cookie, back to /login. */
ERR_MUST_USE enum err page_logout(struct http_req *req, struct http_resp *resp, struct errbuf *eb);

#endif

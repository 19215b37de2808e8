/*
 * What every page handler shares: the application context (req->app, app/app.h) and the
 * actor of the request for the use-cases of src/app. Each page family declares its handlers
 * in the header beside it (signin_page.h, deploy_page.h, ...); the route table that names
 * them is src/routes/routes.c. Pages never write SQL and never include src/api.
 */
#ifndef AICOS_WEB_PAGE_H
#define AICOS_WEB_PAGE_H

#include "app/app.h"
#include "http/http.h"

/* The request's actor: who is signed in (or anonymous), request id and source IP. */
struct app_actor web_actor(const struct http_req *req);

#endif

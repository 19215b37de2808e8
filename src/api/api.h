/*
 * What every JSON handler shares: the application context (req->app, app/app.h) and the
 * actor of the request for the use-cases of src/app. Each resource's handlers are declared
 * in the header beside it (auth_api.h, orders_api.h, ...); the route table that names them
 * is src/routes/routes.c. Handlers parse, call src/app or a domain module, and answer JSON;
 * they never write SQL and never include src/web.
 */
#ifndef AICOS_API_API_H
#define AICOS_API_API_H

#include "app/app.h"
#include "http/http.h"

/* The request's actor: who is signed in (or anonymous), request id and source IP. */
struct app_actor api_actor(const struct http_req *req);

#endif

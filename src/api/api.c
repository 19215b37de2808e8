#include "api/api.h"

struct app_actor api_actor(const struct http_req *req)
{
    return app_actor_of(req->auth, req->rid, req->client_ip);
}

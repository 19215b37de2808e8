#include "web/page.h"

struct app_actor web_actor(const struct http_req *req)
{
    return app_actor_of(req->auth, req->rid, req->client_ip);
}

/*
 * The buyer's shipping info of one order (operator+; src/sync/shipping.c). GET only reads the
 * encrypted copy; POST (a state change, so CSRF-checked for cookie callers) fetches it from
 * Temu when the copy is missing or stale and stores it. Every access is audited with who
 * asked, which order and where the answer came from; the address itself is never logged or
 * audited.
 */
#include "api/shipping_api.h"

#include <stdio.h>
#include <time.h>

#include "api/api.h"
#include "sync/shipping.h"

ERR_MUST_USE static enum err api_order_shipping_mode(struct http_req *req, struct http_resp *resp,
                                                     enum shipping_mode mode, struct errbuf *eb)
{
    struct connect_env env;
    struct shipping_result res;
    json_t *doc = NULL;
    char detail[160];
    const char *sn = http_req_param(req, "sn");
    const char *conn = http_req_query(req, "connection_id");
    struct app_actor who = api_actor(req);
    app_connect_env(req->app, &env);
    enum err e = shipping_get(&env, conn != NULL && *conn != '\0' ? conn : NULL, sn, mode, who.name,
                              (int64_t)time(NULL), &doc, &res, NULL, eb);
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "buyer shipping info read (connection %s, from %s)",
                 res.connection_id, res.source);
    else
        snprintf(detail, sizeof detail, "%s", errbuf_code(eb, e));
    app_audit(req->app, &who, "order.shipping.read", sn != NULL ? sn : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_order_shipping(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_order_shipping_mode(req, resp, SHIPPING_STORED, eb);
}

enum err api_order_shipping_fetch(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_order_shipping_mode(req, resp, SHIPPING_FETCH, eb);
}

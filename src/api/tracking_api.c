/*
 * Carrier tracking as JSON (issue 12). The queries and the push intake live in
 * src/tracking; a push is verified and stored before the answer.
 */
#include "api/tracking_api.h"

#include <time.h>

#include "actions/actions.h"
#include "api/api.h"
#include "base/log.h"
#include "tracking/tracking.h"

enum err api_shipments_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct tracking_filter f;
    json_t *doc = NULL;
    enum err e = tracking_filter_read(http_req_query_arg, req, &f, eb);
    e = e ? e : tracking_shipments_list(app->db, &f, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_shipments_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = tracking_shipment_get(app->db, http_req_param(req, "id"), &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_tracking_webhook(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_env env;
    bool duplicate = false;
    if (req->body == NULL)
        return err_set(eb, ERR_BADREQ, "push_malformed", "The push has no body.");
    app_connect_env(app, &env);
    enum err e = tracking_push_receive(&env, req->body, req->body_len, http_req_header(req, "sign"),
                                       (int64_t)time(NULL), &duplicate, eb);
    if (e != ERR_OK) {
        log_kv(LOG_WARN, "tracking.push.refused", "rid", req->rid, "code", errbuf_code(eb, e),
               NULL);
        return e;
    }
    /* The parcels it moved, for the action center (the push was verified and stored). */
    json_t *push = duplicate ? NULL : json_loadb(req->body, req->body_len, 0, NULL);
    const char *number =
        json_string_value(json_object_get(json_object_get(push, "data"), "number"));
    if (number != NULL)
        actions_parcels_hook(app->db, &number, 1, (int64_t)time(NULL));
    json_decref(push);
    log_kv(LOG_INFO, "tracking.push", "rid", req->rid, "duplicate", duplicate ? "1" : "0", NULL);
    return http_resp_json(resp, 200, json_pack("{s:i}", "code", 0));
}

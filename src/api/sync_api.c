/*
 * The sync run history and the manual trigger (issue 7): GET and POST /api/v1/sync/runs.
 */
#include "api/sync_api.h"

#include <string.h>

#include "api/api.h"
#include "app/sync.h"
#include "base/json.h"
#include "base/parse.h"
#include "sync/sync.h"

#define SYNC_API_DEFAULT_LIMIT 50

enum err api_sync_runs_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *limit_s = http_req_query(req, "limit");
    const char *stream = http_req_query(req, "stream");
    int64_t limit = SYNC_API_DEFAULT_LIMIT;
    json_t *list = NULL;
    enum sync_stream s;
    if (limit_s != NULL && parse_int64(limit_s, 1, SYNC_RUNS_LIST_MAX, &limit) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be an integer from 1 to %d.",
                       SYNC_RUNS_LIST_MAX);
    if (stream != NULL && !sync_stream_parse(stream, &s))
        return err_set(eb, ERR_INVAL, "bad_stream",
                       "stream must be orders, products, buyer_cases or shipments.");
    enum err e =
        sync_runs_list(app->db, http_req_query(req, "connection_id"), stream, limit, &list, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 200, json_pack("{s:o}", "runs", list));
}

enum err api_sync_runs_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct sync_run_opts o;
    struct sync_run_result r;
    const char *conn = json_get_string(req->json, "connection_id");
    const char *stream = json_get_string(req->json, "stream");
    json_t *since = json_object_get(req->json, "since");
    memset(&o, 0, sizeof o);
    if (conn == NULL || *conn == '\0' || strlen(conn) > CONNECT_ID_LEN)
        return err_set(eb, ERR_INVAL, "bad_connection", "connection_id is required.");
    if (!sync_stream_parse(stream ? stream : "orders", &o.stream))
        return err_set(eb, ERR_INVAL, "bad_stream",
                       "stream must be orders, products, buyer_cases or shipments.");
    if (since != NULL && (!json_is_integer(since) || json_integer_value(since) < 0))
        return err_set(eb, ERR_INVAL, "bad_since", "since must be Unix seconds.");
    o.connection_id = conn;
    o.since = since ? (int64_t)json_integer_value(since) : 0;
    o.trigger = "api";
    struct app_actor who = api_actor(req);
    /* The run happens now, in this request: a caught-up stream takes a page or two. */
    enum err e = app_sync_run(req->app, &who, &o, &r, eb);
    if (e != ERR_OK && r.run_id[0] == '\0')
        return e;
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I}, s:s, s:s}", "run_id", r.run_id,
                  "stream", sync_stream_name(o.stream), "outcome", r.outcome, "counts", "pages",
                  (json_int_t)r.counts.pages, "added", (json_int_t)r.counts.added, "updated",
                  (json_int_t)r.counts.updated, "unchanged", (json_int_t)r.counts.unchanged,
                  "failed", (json_int_t)r.counts.failed, "error_class",
                  temu_error_class_name(r.cls), "message", r.message);
    return http_resp_json(resp, e == ERR_OK ? 201 : 502, doc);
}

enum err api_sync_runs_cancel(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *id = http_req_param(req, "id");
    if (id == NULL || *id == '\0' || strlen(id) > SYNC_RUN_ID_LEN)
        return err_set(eb, ERR_NOTFOUND, "run_unknown", "No sync run has that id.");
    struct app_actor who = api_actor(req);
    enum err e = app_sync_cancel(app, &who, id, eb);
    if (e != ERR_OK)
        return e;
    return http_resp_json(resp, 202, json_pack("{s:s, s:b}", "run_id", id, "cancel_requested", 1));
}

/*
 * GET /api/v1/actions (filters kind, state, owner, assignee, mine, limit, offset), GET
 * /api/v1/actions/{id} (with its history), GET /api/v1/actions/brief and /metrics, and POST
 * /api/v1/actions/{id}/snooze {until | hours, note?}, /resolve {note?}, /assign {assignee},
 * /reopen. What a caller sees is limited by its role (src/actions/detectors.c).
 */
#include "api/actions_api.h"

#include <time.h>

#include "api/api.h"
#include "app/actions.h"
#include "base/json.h"
#include "base/parse.h"

static struct db *api_db(const struct http_req *req)
{
    const struct app *app = req->app;
    return app->db;
}

enum err api_actions_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct actions_filter f;
    json_t *doc = NULL;
    struct app_actor who = api_actor(req);
    enum err e = actions_filter_parse(http_req_query_arg, req, who.role, who.name,
                                      (int64_t)time(NULL), &f, eb);
    e = e ? e : actions_list(api_db(req), &f, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_actions_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    enum err e = actions_get(api_db(req), http_req_param(req, "id"), api_actor(req).role, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_actions_brief(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    enum err e = actions_brief(api_db(req), api_actor(req).role, (int64_t)time(NULL), &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_actions_metrics(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    json_t *doc = NULL;
    int64_t days = 7;
    const char *d = http_req_query(req, "days");
    if (d != NULL && *d != '\0' && parse_int64(d, 1, 366, &days) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_days", "days is 1..366.");
    enum err e = actions_metrics(api_db(req), (int64_t)time(NULL), days, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

/* Applies op from the JSON body; answers the item as it is now. */
ERR_MUST_USE static enum err api_action_op(struct http_req *req, struct http_resp *resp,
                                           enum actions_op op, int64_t until, const char *assignee,
                                           struct errbuf *eb)
{
    const json_t *note = json_object_get(req->json, "note");
    if (note != NULL && !json_is_string(note) && !json_is_null(note))
        return err_set(eb, ERR_INVAL, "bad_note", "note is a string.");
    struct app_actor who = api_actor(req);
    const char *id = http_req_param(req, "id");
    json_t *doc = NULL;
    enum err e =
        app_action_change(req->app, &who, op, id, until, assignee, json_string_value(note), eb);
    e = e ? e : actions_get(api_db(req), id, who.role, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_actions_snooze(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const json_t *until = json_object_get(req->json, "until");
    const json_t *hours = json_object_get(req->json, "hours");
    int64_t now = (int64_t)time(NULL), t = 0;
    if (json_is_integer(until) && hours == NULL)
        t = (int64_t)json_integer_value(until);
    else if (json_is_integer(hours) && until == NULL && json_integer_value(hours) > 0 &&
             json_integer_value(hours) <= 720)
        t = now + (int64_t)json_integer_value(hours) * 3600;
    else
        return err_set(eb, ERR_INVAL, "bad_until",
                       "Give until (unix seconds) or hours (1..720), not both.");
    return api_action_op(req, resp, ACTIONS_OP_SNOOZE, t, NULL, eb);
}

enum err api_actions_resolve(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_action_op(req, resp, ACTIONS_OP_RESOLVE, 0, NULL, eb);
}

enum err api_actions_reopen(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return api_action_op(req, resp, ACTIONS_OP_REOPEN, 0, NULL, eb);
}

enum err api_actions_assign(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const json_t *a = json_object_get(req->json, "assignee");
    if (!json_is_string(a))
        return err_set(eb, ERR_INVAL, "bad_assignee",
                       "assignee is a user name (\"\" to unassign).");
    return api_action_op(req, resp, ACTIONS_OP_ASSIGN, 0, json_string_value(a), eb);
}

/*
 * Buyer cases over JSON (cases_api.h): reads through src/reply, actions through the audited
 * use-cases of src/app/cases.h.
 */
#include "api/cases_api.h"

#include <string.h>

#include "api/api.h"
#include "app/cases.h"
#include "base/json.h"
#include "base/parse.h"
#include "reply/cases.h"

/* A query argument, NULL when absent or empty. */
static const char *cases_arg(const struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

enum err api_cases_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct reply_cases_filter f = {.connection_id = cases_arg(req, "connection_id"),
                                   .intent = cases_arg(req, "intent"),
                                   .priority = cases_arg(req, "priority")};
    const char *limit = cases_arg(req, "limit");
    json_t *doc = NULL;
    if (limit != NULL && parse_int64(limit, 1, REPLY_CASES_LIST_MAX, &f.limit) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be 1..%d", REPLY_CASES_LIST_MAX);
    enum err e = reply_cases_list(app->db, &f, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_case_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = reply_case_get(app->db, cases_arg(req, "connection_id"), http_req_param(req, "id"),
                                &doc, eb);
    if (e == ERR_OK)
        json_object_set_new(doc, "llm_enabled", json_boolean(app_case_llm_enabled(app)));
    return e ? e : http_resp_json(resp, 200, doc);
}

/* A string member of the body or NULL; ERR_INVAL when present and not a string. */
ERR_MUST_USE static enum err cases_body_str(const json_t *body, const char *key, const char **out,
                                            struct errbuf *eb)
{
    const json_t *v = json_object_get(body, key);
    *out = json_string_value(v);
    if (v != NULL && !json_is_null(v) && !json_is_string(v))
        return err_set(eb, ERR_INVAL, "bad_field", "%s must be a string.", key);
    return ERR_OK;
}

enum err api_case_draft(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *action = NULL, *draft = NULL, *text = NULL, *conn = NULL;
    json_t *doc = NULL;
    enum err e = cases_body_str(req->json, "action", &action, eb);
    e = e ? e : cases_body_str(req->json, "draft_id", &draft, eb);
    e = e ? e : cases_body_str(req->json, "text", &text, eb);
    e = e ? e : cases_body_str(req->json, "connection_id", &conn, eb);
    if (e != ERR_OK)
        return e;
    struct app_actor who = api_actor(req);
    const char *id = http_req_param(req, "id");
    bool propose = action == NULL || strcmp(action, "propose") == 0;
    if (propose)
        e = app_case_draft_propose(req->app, &who, conn, id, &doc, eb);
    else
        e = app_case_draft_decide(req->app, &who, conn, id, draft, action, text, &doc, eb);
    return e ? e : http_resp_json(resp, propose ? 201 : 200, doc);
}

enum err api_case_label(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *label = NULL, *conn = NULL;
    enum err e = cases_body_str(req->json, "label", &label, eb);
    e = e ? e : cases_body_str(req->json, "connection_id", &conn, eb);
    if (e == ERR_OK && label == NULL)
        e = err_set(eb, ERR_INVAL, "bad_label", "label is required.");
    if (e != ERR_OK)
        return e;
    struct app_actor who = api_actor(req);
    e = app_case_relabel(req->app, &who, conn, http_req_param(req, "id"), label, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:s}", "label", label));
}

enum err api_llm_key_put(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *key = NULL;
    enum err e = cases_body_str(req->json, "api_key", &key, eb);
    if (e != ERR_OK)
        return e;
    struct app_actor who = api_actor(req);
    e = app_case_llm_key_put(req->app, &who, key, eb);
    return e ? e
             : http_resp_json(resp, 200,
                              json_pack("{s:s, s:b}", "secret", "llm.api_key", "stored",
                                        key != NULL && *key != '\0'));
}

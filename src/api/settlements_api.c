/*
 * Settlement imports, lines, reconciliation and per-order money as JSON (settlements_api.h).
 */
#include "api/settlements_api.h"

#include <time.h>

#include "api/api.h"
#include "app/settlement.h"
#include "base/parse.h"
#include "settlement/payout.h"
#include "settlement/query.h"

/* An optional integer query argument within [lo, hi]; 422 naming it otherwise. */
ERR_MUST_USE static enum err api_settle_int(const struct http_req *req, const char *name,
                                            int64_t lo, int64_t hi, int64_t *out, struct errbuf *eb)
{
    const char *v = http_req_query(req, name);
    if (v == NULL || *v == '\0')
        return ERR_OK;
    if (parse_int64(v, lo, hi, out) != ERR_OK)
        return err_set(eb, ERR_INVAL, "bad_query", "%s must be an integer from %lld to %lld", name,
                       (long long)lo, (long long)hi);
    return ERR_OK;
}

static const char *api_settle_text(const struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

enum err api_settlements_imports(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    int64_t limit = SETTLE_QUERY_DEFAULT;
    json_t *doc = NULL;
    enum err e = api_settle_int(req, "limit", 1, SETTLE_QUERY_MAX, &limit, eb);
    e = e ? e : settle_query_imports(app->db, limit, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_settlements_lines(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct settle_lines_filter f = {api_settle_text(req, "file"), api_settle_text(req, "order"),
                                    api_settle_text(req, "type"), SETTLE_QUERY_DEFAULT, 0};
    json_t *doc = NULL;
    enum err e = api_settle_int(req, "limit", 1, SETTLE_QUERY_MAX, &f.limit, eb);
    e = e ? e : api_settle_int(req, "offset", 0, INT64_C(1000000000), &f.offset, eb);
    e = e ? e : settle_query_lines(app->db, &f, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_settlements_reconciliation(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb)
{
    const struct app *app = req->app;
    int64_t layer = 0, limit = SETTLE_QUERY_DEFAULT, ran_at = 0;
    json_t *report = NULL, *results = NULL;
    enum err e = api_settle_int(req, "layer", 0, 4, &layer, eb);
    e = e ? e : api_settle_int(req, "limit", 1, SETTLE_QUERY_MAX, &limit, eb);
    if (e != ERR_OK)
        return e;
    e = settle_report_load(app->db, &report, &ran_at, eb);
    if (e == ERR_NOTFOUND)
        e = ERR_OK, report = json_null();
    e = e ? e
          : settle_query_results(app->db, (int)layer, api_settle_text(req, "status"), limit,
                                 &results, eb);
    if (e != ERR_OK) {
        json_decref(report);
        return e;
    }
    json_t *doc = json_pack("{s:o, s:I, s:O}", "report", report, "ran_at", (json_int_t)ran_at,
                            "results", json_object_get(results, "results"));
    json_decref(results);
    return http_resp_json(resp, 200, doc);
}

enum err api_settlements_order(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = settle_query_order(app->db, http_req_param(req, "sn"), &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_settlements_reconcile(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = api_actor(req);
    enum err e = app_settlement_reconcile(app, &who, (int64_t)time(NULL), NULL, eb);
    json_t *report = NULL;
    e = e ? e : settle_report_load(app->db, &report, NULL, eb);
    return e ? e : http_resp_json(resp, 200, json_pack("{s:o}", "report", report));
}

enum err api_settlements_payout(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = payout_status(app->db, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_settlements_amount_streams(struct http_req *req, struct http_resp *resp,
                                        struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    enum err e = settle_query_amount_streams(app->db, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_settlements_amounts(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct app_actor who = api_actor(req);
    const json_t *conn = json_object_get(req->json, "connection_id");
    const json_t *lim = json_object_get(req->json, "limit");
    if ((conn != NULL && !json_is_string(conn)) ||
        (lim != NULL &&
         (!json_is_integer(lim) || json_integer_value(lim) < 1 || json_integer_value(lim) > 10000)))
        return err_set(eb, ERR_INVAL, "bad_request",
                       "connection_id must be a string and limit an integer from 1 to 10000");
    struct settle_amounts_result r;
    enum err e =
        app_settlement_amounts(app, &who, conn ? json_string_value(conn) : NULL,
                               lim ? (int64_t)json_integer_value(lim) : 500, false, &r, eb);
    return e ? e
             : http_resp_json(resp, 200,
                              json_pack("{s:I, s:I, s:I, s:I, s:s}", "asked", (json_int_t)r.asked,
                                        "stored", (json_int_t)r.stored, "moved",
                                        (json_int_t)r.moved, "failed", (json_int_t)r.failed,
                                        "last_error", r.last_error));
}

/*
 * Shipment confirm over JSON (issue 11): POST /api/v1/orders/{sn}/shipments uploads a carrier
 * and tracking number (src/sync/shipments.c), GET lists the recorded uploads and the cached
 * carrier list. Every upload attempt is audited with the carrier, tracking number and whether
 * it was replayed.
 */
#include "api/shipments_api.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "app/shipments.h"
#include "base/json.h"
#include "sync/query.h"

#define SHIPMENTS_API_SNS_MAX SHIPMENTS_LINES_MAX

/* Reads the optional order_sns array of the body into sns; ERR_INVAL when malformed. */
ERR_MUST_USE static enum err api_shipment_sns(const json_t *body, const char **sns, size_t *n,
                                              struct errbuf *eb)
{
    const json_t *a = json_object_get(body, "order_sns");
    *n = 0;
    if (a == NULL || json_is_null(a))
        return ERR_OK;
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > SHIPMENTS_API_SNS_MAX)
        return err_set(eb, ERR_INVAL, "bad_order_sns",
                       "order_sns is an array of 1 to %d sub-order numbers.",
                       SHIPMENTS_API_SNS_MAX);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return err_set(eb, ERR_INVAL, "bad_order_sns", "order_sns holds strings.");
        sns[(*n)++] = json_string_value(v);
    }
    return ERR_OK;
}

enum err api_order_shipments_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct shipment_req r;
    const char *sns[SHIPMENTS_API_SNS_MAX];
    json_t *doc = NULL;
    bool created = false;
    const json_t *carrier = json_object_get(req->json, "carrier_id");
    memset(&r, 0, sizeof r);
    r.sn = http_req_param(req, "sn");
    r.connection_id = json_get_string(req->json, "connection_id");
    r.tracking_number = json_get_string(req->json, "tracking_number");
    r.order_sns = sns;
    enum err e = ERR_OK;
    if (!json_is_integer(carrier) || json_integer_value(carrier) <= 0)
        e = err_set(eb, ERR_INVAL, "bad_carrier",
                    "carrier_id is required: a logisticsServiceProviderId of the carrier list.");
    else if (r.tracking_number == NULL)
        e = err_set(eb, ERR_INVAL, "tracking_invalid", "tracking_number is required.");
    r.carrier_id = json_is_integer(carrier) ? (int64_t)json_integer_value(carrier) : 0;
    e = e ? e : api_shipment_sns(req->json, sns, &r.order_sn_count, eb);
    if (e == ERR_OK) {
        struct app_actor who = api_actor(req);
        e = app_shipment_confirm(req->app, &who, &r, &doc, &created, eb);
    }
    return e ? e : http_resp_json(resp, created ? 201 : 200, doc);
}

enum err api_order_shipments_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *order = NULL, *uploads = NULL, *carriers = NULL;
    const char *conn = http_req_query(req, "connection_id");
    enum err e = query_order_get(app->db, conn != NULL && *conn != '\0' ? conn : NULL,
                                 http_req_param(req, "sn"), &order, eb);
    char c[CONNECT_ID_LEN + 1];
    snprintf(c, sizeof c, "%s", e == ERR_OK ? json_get_string(order, "connection_id") : "");
    json_decref(order);
    e = e ? e : shipments_list(app->db, c, http_req_param(req, "sn"), &uploads, eb);
    if (e == ERR_OK) {
        app_connect_env(app, &env);
        e = shipments_carriers(&env, c, 0, (int64_t)time(NULL), false, &carriers, NULL, eb);
    }
    if (e != ERR_OK) {
        json_decref(uploads);
        return e;
    }
    return http_resp_json(
        resp, 200,
        json_pack("{s:s, s:o, s:o}", "connection_id", c, "uploads", uploads, "carriers", carriers));
}

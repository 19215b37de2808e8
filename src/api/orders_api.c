/*
 * The synced orders and products as JSON (issue 7, "Console"): GET /api/v1/orders with the
 * console's filters and paging, GET /api/v1/orders/{sn} with the sub-orders and the status
 * history, GET /api/v1/products with their SKUs. The queries live in src/sync/query.c.
 */
#include "api/orders_api.h"

#include "api/api.h"
#include "sync/query.h"

enum err api_orders_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_orders_args a;
    struct query_orders_filter f;
    struct jsonw w;
    query_orders_args_read(http_req_query_arg, req, &a);
    enum err e = query_orders_filter_parse(&a, &f, eb);
    if (e != ERR_OK)
        return e;
    /* Written straight into the body: no jansson tree of fifty orders built, dumped, freed. */
    http_resp_json_begin(resp, &w);
    struct db_conn *scope = db_read_scope_begin(app->db); /* the count and the page: one lock */
    e = query_orders_list_write(app->db, &f, &w, eb);
    db_read_scope_end(scope);
    return e ? e : http_resp_json_end(resp, 200, &w);
}

enum err api_orders_get(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    const char *conn = http_req_query(req, "connection_id");
    enum err e = query_order_get(app->db, conn != NULL && *conn != '\0' ? conn : NULL,
                                 http_req_param(req, "sn"), &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

enum err api_products_list(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct query_products_args a;
    struct query_products_filter f;
    json_t *doc = NULL;
    query_products_args_read(http_req_query_arg, req, &a);
    enum err e = query_products_filter_parse(&a, &f, eb);
    e = e ? e : query_products_list(app->db, &f, &doc, eb);
    return e ? e : http_resp_json(resp, 200, doc);
}

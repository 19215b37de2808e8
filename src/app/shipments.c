#include "app/shipments.h"

#include <stdio.h>
#include <time.h>

#include "sync/query.h"

enum err app_shipment_confirm(const struct app *app, const struct app_actor *who,
                              const struct shipment_req *r, json_t **out, bool *created,
                              struct errbuf *eb)
{
    struct connect_env env;
    char detail[200];
    app_connect_env(app, &env);
    enum err e = shipment_confirm(&env, r, who->name, (int64_t)time(NULL), out, created, NULL, eb);
    if (e == ERR_OK)
        snprintf(detail, sizeof detail, "carrier %lld, tracking %s%s", (long long)r->carrier_id,
                 json_get_string(*out, "tracking_number"), *created ? "" : " (replayed)");
    else
        snprintf(detail, sizeof detail, "carrier %lld: %s", (long long)r->carrier_id,
                 errbuf_code(eb, e));
    app_audit(app, who, "order.shipment.confirm", r->sn != NULL ? r->sn : "",
              e == ERR_OK ? "success" : "failure", detail);
    return e;
}

enum err app_order_carriers_load(const struct app *app, const struct app_actor *who,
                                 const char *connection_id, const char *sn, json_t **carriers,
                                 struct errbuf *eb)
{
    struct connect_env env;
    char conn[CONNECT_ID_LEN + 1];
    int64_t region = 0;
    json_t *list = NULL;
    app_connect_env(app, &env);
    enum err e = query_order_locate(app->db, connection_id, sn, conn, &region, eb);
    e = e ? e : shipments_carriers(&env, conn, region, (int64_t)time(NULL), true, &list, NULL, eb);
    app_audit(app, who, "order.carriers.load", sn != NULL ? sn : "",
              e == ERR_OK ? "success" : "failure", e == ERR_OK ? "" : errbuf_code(eb, e));
    if (carriers != NULL && e == ERR_OK)
        *carriers = list;
    else
        json_decref(list);
    return e;
}

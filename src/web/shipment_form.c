/*
 * The order page's shipment section (issue 11): the recorded uploads of the order, and for an
 * operator a form to confirm a shipment (carrier from the shop's cached carrier list, tracking
 * number) or, while no list is cached, a button that loads it from Temu. The forms post to
 * /orders/{sn}/shipments and /orders/{sn}/carriers, run the use-case of src/sync/shipments.c
 * (audited) and redirect back with a fixed notice code; no SQL and no text from the URL here.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "base/parse.h"
#include "sync/query.h"
#include "sync/shipments.h"
#include "web/console.h"
#include "web/html.h"

#define SF_CONN_KEY "connection_id"

/* The fixed notices of the section, by the code in ?shipment=. */
static const struct {
    const char *code, *kind, *text;
} sf_notices[] = {
    {"uploaded", "ok", "已上传运单 / The tracking number was uploaded to Temu."},
    {"replayed", "ok", "该运单已上传过 / This tracking number was already uploaded."},
    {"carriers_loaded", "ok", "已载入承运商 / The carrier list was loaded."},
    {"tracking_invalid", "error",
     "运单号格式不正确 / The tracking number does not look right "
     "for this carrier."},
    {"bad_carrier", "error", "请选择承运商 / Choose a carrier from the list."},
    {"order_not_shippable", "error",
     "该订单没有待发货的子订单 / Nothing of this order waits "
     "to be shipped."},
    {"shipment_conflict", "error",
     "该运单号已用于其他承运商 / This tracking number is "
     "recorded for another carrier."},
    {"temu_unavailable", "error",
     "Temu 暂时无响应，请重试（不会重复上传）/ Temu did not answer; "
     "send again (it is not uploaded twice)."},
    {"temu_token_rejected", "error", "店铺授权失效 / The shop's authorization was rejected."},
    {"failed", "error", "上传失败，详见审计日志 / The upload failed; the audit log says why."},
};

static const char *sf_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

static enum err sf_notice(struct buf *b, const char *code)
{
    for (size_t i = 0; code != NULL && i < sizeof sf_notices / sizeof sf_notices[0]; i++)
        if (strcmp(code, sf_notices[i].code) == 0)
            return buf_printf(b,
                              "<div class=\"notice %s\" id=\"shipment-notice\" role=\"status\">%s"
                              "</div>",
                              sf_notices[i].kind, sf_notices[i].text);
    return ERR_OK;
}

static enum err sf_uploads(struct buf *b, const json_t *uploads)
{
    if (json_array_size(uploads) == 0)
        return buf_puts(b,
                        "<p class=\"muted\">尚未上传运单 / No tracking number uploaded yet.</p>");
    enum err e =
        buf_puts(b, "<table id=\"shipments\"><thead><tr><th>承运商 / Carrier</th><th>运单号 "
                    "/ Tracking</th><th>状态 / State</th><th>上传 / At</th><th>提示 / "
                    "Warnings</th></tr></thead><tbody>");
    size_t i;
    const json_t *u;
    json_array_foreach(uploads, i, u)
    {
        e = e ? e : buf_puts(b, "<tr><td>");
        e = e ? e : html_escape(b, sf_str(u, "carrier_name"));
        e = e ? e : buf_puts(b, "</td><td class=\"mono\">");
        e = e ? e : html_escape(b, sf_str(u, "tracking_number"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : html_escape(b, sf_str(u, "state"));
        e = e ? e : buf_puts(b, "</td><td>");
        e = e ? e : web_time(b, json_integer_value(json_object_get(u, "created_at")));
        e = e ? e : buf_puts(b, "</td><td>");
        size_t k;
        const json_t *w;
        json_array_foreach(json_object_get(u, "warnings"), k, w)
        {
            e = e ? e : html_escape(b, json_string_value(w) ? json_string_value(w) : "");
            e = e ? e : buf_puts(b, " ");
        }
        e = e ? e : buf_puts(b, "</td></tr>");
    }
    return e ? e : buf_puts(b, "</tbody></table>");
}

/* The hidden fields every form of the section carries. */
static enum err sf_form_open(struct http_req *req, struct buf *b, const char *sn, const char *conn,
                             const char *what)
{
    enum err e = buf_printf(b, "<form method=\"post\" action=\"/orders/");
    e = e ? e : html_escape(b, sn);
    e = e ? e : buf_printf(b, "/%s\">", what);
    e = e ? e : web_csrf_field(b, req->auth);
    e = e ? e : buf_puts(b, "<input type=\"hidden\" name=\"" SF_CONN_KEY "\" value=\"");
    e = e ? e : html_escape(b, conn);
    return e ? e : buf_puts(b, "\">");
}

static enum err sf_form(struct http_req *req, struct buf *b, const char *sn, const char *conn,
                        const json_t *carriers)
{
    enum err e =
        sf_form_open(req, b, sn, conn, json_array_size(carriers) ? "shipments" : "carriers");
    if (json_array_size(carriers) == 0)
        return e ? e
                 : buf_puts(b, "<p class=\"muted\">承运商列表尚未载入 / The shop's carrier list is "
                               "not loaded yet.</p><button type=\"submit\">载入承运商 / Load "
                               "carriers</button></form>");
    e = e ? e
          : buf_puts(b, "<label>承运商 / Carrier <select name=\"carrier_id\" required>"
                        "<option value=\"\">—</option>");
    size_t i;
    const json_t *c;
    json_array_foreach(carriers, i, c)
    {
        e = e ? e
              : buf_printf(b, "<option value=\"%lld\">",
                           (long long)json_integer_value(json_object_get(c, "carrier_id")));
        e = e ? e : html_escape(b, sf_str(c, "name"));
        e = e ? e : buf_puts(b, "</option>");
    }
    return e ? e
             : buf_printf(b,
                          "</select></label><label>运单号 / Tracking number <input "
                          "name=\"tracking_number\" required minlength=\"%d\" maxlength=\"%d\" "
                          "autocomplete=\"off\"></label><button type=\"submit\">确认发货 / "
                          "Confirm shipment</button></form>",
                          SHIPMENTS_TRACKING_MIN, SHIPMENTS_TRACKING_MAX + 8);
}

enum err web_order_shipment_section(struct http_req *req, struct buf *b, const json_t *order)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *uploads = NULL, *carriers = NULL;
    const char *sn = sf_str(order, "parent_order_sn"), *conn = sf_str(order, "connection_id");
    struct errbuf eb = {0};
    enum err e = shipments_list(app->db, conn, sn, &uploads, &eb);
    api_connect_env(req, &env);
    e = e ? e : shipments_carriers(&env, conn, 0, (int64_t)time(NULL), false, &carriers, NULL, &eb);
    e = e ? e : buf_puts(b, "<section class=\"card\" id=\"shipment\"><h2>发货 / Shipment</h2>");
    e = e ? e : sf_notice(b, http_req_query(req, "shipment"));
    e = e ? e : sf_uploads(b, uploads);
    const struct auth_principal *p = req->auth;
    if (e == ERR_OK && p != NULL && p->role >= ROLE_OPERATOR)
        e = sf_form(req, b, sn, conn, carriers);
    e = e ? e : buf_puts(b, "</section>");
    json_decref(uploads);
    json_decref(carriers);
    return e;
}

/* Order numbers go back into the redirect unescaped, so only plain ones are taken. */
static bool sf_sn_plain(const char *sn)
{
    if (sn == NULL || *sn == '\0' || strlen(sn) > 64)
        return false;
    for (const char *s = sn; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static enum err sf_back(struct http_resp *resp, const char *sn, const char *code)
{
    char loc[160];
    snprintf(loc, sizeof loc, "/orders/%s?shipment=%s#shipment", sn, code);
    return http_resp_redirect(resp, loc);
}

/* The notice code for an error: the use-case's own code when the section knows it. */
static const char *sf_code(const struct errbuf *why, enum err e)
{
    const char *code = errbuf_code(why, e);
    for (size_t i = 0; code != NULL && i < sizeof sf_notices / sizeof sf_notices[0]; i++)
        if (strcmp(code, sf_notices[i].code) == 0)
            return code;
    return "failed";
}

enum err page_order_shipment_submit(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    struct shipment_req r;
    struct errbuf why = {0};
    json_t *doc = NULL;
    bool created = false;
    memset(&r, 0, sizeof r);
    r.sn = http_req_param(req, "sn");
    if (!sf_sn_plain(r.sn))
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    const char *conn = http_req_form(req, SF_CONN_KEY), *cid = http_req_form(req, "carrier_id");
    r.connection_id = conn != NULL && *conn != '\0' ? conn : NULL;
    r.tracking_number = http_req_form(req, "tracking_number");
    enum err e = cid == NULL || parse_int64(cid, 1, INT64_MAX, &r.carrier_id) != ERR_OK
                     ? err_set(&why, ERR_INVAL, "bad_carrier", "carrier_id is required.")
                     : ERR_OK;
    if (e == ERR_OK) {
        api_connect_env(req, &env);
        e = shipment_confirm(&env, &r, api_actor_name(req), (int64_t)time(NULL), &doc, &created,
                             NULL, &why);
    }
    api_shipment_audit(req, r.sn, &r, e, doc, &why);
    json_decref(doc);
    if (e == ERR_NOTFOUND)
        return err_set(eb, e, "order_not_found", "No synced order has this number.");
    return sf_back(resp, r.sn,
                   e == ERR_OK ? (created ? "uploaded" : "replayed") : sf_code(&why, e));
}

enum err page_order_carriers_load(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct connect_env env;
    struct errbuf why = {0};
    json_t *order = NULL, *carriers = NULL;
    const char *sn = http_req_param(req, "sn"), *conn = http_req_form(req, SF_CONN_KEY);
    if (!sf_sn_plain(sn))
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    const struct app *app = req->app;
    enum err e =
        query_order_get(app->db, conn != NULL && *conn != '\0' ? conn : NULL, sn, &order, &why);
    if (e == ERR_OK) {
        api_connect_env(req, &env);
        e = shipments_carriers(&env, sf_str(order, "connection_id"),
                               json_integer_value(json_object_get(order, "region_id")),
                               (int64_t)time(NULL), true, &carriers, NULL, &why);
    }
    api_audit(req, "order.carriers.load", sn, e == ERR_OK ? "success" : "failure",
              e == ERR_OK ? "" : errbuf_code(&why, e));
    json_decref(order);
    json_decref(carriers);
    if (e == ERR_NOTFOUND)
        return err_set(eb, e, "order_not_found", "No synced order has this number.");
    return sf_back(resp, sn, e == ERR_OK ? "carriers_loaded" : sf_code(&why, e));
}

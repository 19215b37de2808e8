/*
 * The order page's shipment section (issue 11): the recorded uploads of the order, and for an
 * operator a form to confirm a shipment (carrier from the shop's cached carrier list, tracking
 * number) or, while no list is cached, a button that loads it from Temu. The forms run the
 * audited use-cases of app/shipments.h and redirect back with a fixed notice code; no SQL and
 * no text from the URL here.
 */
#include "web/shipment_form.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/shipments.h"
#include "auth/principal.h"
#include "base/parse.h"
#include "sync/shipments.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

#define SF_CONN_KEY "connection_id"

/* The fixed notices of the section, by the code in ?shipment=. */
static const struct {
    const char *code, *kind, *text;
} sf_notices[] = {
    {"uploaded", "ok", "已上传运单 / The tracking number was uploaded to Temu."},
    {"replayed", "ok", "该运单已上传过 / This tracking number was already uploaded."},
    {"carriers_loaded", "ok", "已载入承运商 / The carrier list was loaded."},
    {"tracking_invalid", "error",
     "运单号格式不正确 / The tracking number does not look right for this carrier."},
    {"bad_carrier", "error", "请选择承运商 / Choose a carrier from the list."},
    {"order_not_shippable", "error",
     "该订单没有待发货的子订单 / Nothing of this order waits to be shipped."},
    {"shipment_conflict", "error",
     "该运单号已用于其他承运商 / This tracking number is recorded for another carrier."},
    {"temu_unavailable", "error",
     "Temu 暂时无响应，请重试（不会重复上传）/ Temu did not answer; send again (it is not "
     "uploaded twice)."},
    {"temu_token_rejected", "error", "店铺授权失效 / The shop's authorization was rejected."},
    {"failed", "error", "上传失败，详见审计日志 / The upload failed; the audit log says why."},
};

static void sf_notice(struct html *h, const char *code)
{
    for (size_t i = 0; code != NULL && i < sizeof sf_notices / sizeof sf_notices[0]; i++)
        if (strcmp(code, sf_notices[i].code) == 0)
            widget_notice(h, sf_notices[i].kind, sf_notices[i].text);
}

static void sf_uploads(struct html *h, const json_t *uploads)
{
    static const char *const heads[] = {"承运商 / Carrier", "运单号 / Tracking", "状态 / State",
                                        "上传 / At",        "提示 / Warnings",   NULL};
    if (json_array_size(uploads) == 0) {
        widget_empty_msg(h, "shipments-empty", MSG_P_SHIPMENT_FORM_17);
        return;
    }
    widget_table_begin(h, "shipments", NULL, heads);
    size_t i;
    const json_t *u;
    json_array_foreach(uploads, i, u)
    {
        html_tpl(h, "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>",
                 widget_json_str(u, "carrier_name"), widget_json_str(u, "tracking_number"),
                 widget_json_str(u, "state"));
        widget_time(h, widget_json_int(u, "created_at"));
        html_raw(h, "</td><td>");
        size_t k;
        const json_t *w;
        json_array_foreach(json_object_get(u, "warnings"), k, w)
            html_tpl(h, "{} ", json_string_value(w) ? json_string_value(w) : "");
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
}

static void sf_form(struct http_req *req, struct html *h, const char *sn, const char *conn,
                    const json_t *carriers)
{
    html_raw(h, "<form method=\"post\" action=\"/orders/");
    html_attr(h, sn);
    html_raw(h, json_array_size(carriers) > 0 ? "/shipments\">" : "/carriers\">");
    widget_csrf(h, req->auth);
    html_tpl(h, "<input type=\"hidden\" name=\"" SF_CONN_KEY "\" value=\"{}\">", conn);
    if (json_array_size(carriers) == 0) {
        html_raw(h, "<p class=\"muted\">承运商列表尚未载入 / The shop's carrier list is not "
                    "loaded yet.</p><button type=\"submit\">载入承运商 / Load carriers</button>"
                    "</form>");
        return;
    }
    html_raw(h, "<label>承运商 / Carrier <select name=\"carrier_id\" required><option "
                "value=\"\">—</option>");
    size_t i;
    const json_t *c;
    json_array_foreach(carriers, i, c)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)widget_json_int(c, "carrier_id"));
        html_tpl(h, "<option value=\"{}\">{}</option>", id, widget_json_str(c, "name"));
    }
    html_raw(h, "</select></label><label>运单号 / Tracking number <input name=\"tracking_number\" "
                "required minlength=\"8\" maxlength=\"48\" autocomplete=\"off\"></label><button "
                "type=\"submit\">确认发货 / Confirm shipment</button></form>");
}

void web_order_shipment_section(struct http_req *req, struct html *h, const json_t *order)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *uploads = NULL, *carriers = NULL;
    const char *sn = widget_json_str(order, "parent_order_sn");
    const char *conn = widget_json_str(order, "connection_id");
    struct errbuf eb = {0};
    app_connect_env(app, &env);
    enum err e = shipments_list(app->db, conn, sn, &uploads, &eb);
    e = e ? e : shipments_carriers(&env, conn, 0, (int64_t)time(NULL), false, &carriers, NULL, &eb);
    html_raw(h, "<section class=\"card\" id=\"shipment\"><h2>发货 / Shipment</h2>");
    const struct auth_principal *p = req->auth;
    if (p == NULL || p->via != AUTH_VIA_SESSION) /* a session got it once as its flash */
        sf_notice(h, http_req_query(req, "shipment"));
    if (e != ERR_OK)
        widget_alert(h, errbuf_message(&eb, e));
    else
        sf_uploads(h, uploads);
    if (e == ERR_OK && web_can(req, ROLE_OPERATOR))
        sf_form(req, h, sn, conn, carriers);
    html_raw(h, "</section>");
    json_decref(uploads);
    json_decref(carriers);
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

/* Back to the order's shipment section (the code stays in the URL for the anchor and API
 * callers); a browser session gets the notice once as its flash (post/redirect/get). */
ERR_MUST_USE static enum err sf_back(struct http_req *req, struct http_resp *resp, const char *sn,
                                     const char *code)
{
    char loc[160];
    snprintf(loc, sizeof loc, "/orders/%s?shipment=%s#shipment", sn, code);
    for (size_t i = 0; i < sizeof sf_notices / sizeof sf_notices[0]; i++)
        if (strcmp(code, sf_notices[i].code) == 0)
            return web_redirect_notice(req, resp, loc, sf_notices[i].kind, sf_notices[i].text);
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
    struct app_actor who = web_actor(req);
    enum err e = ERR_OK;
    if (cid == NULL || parse_int64(cid, 1, INT64_MAX, &r.carrier_id) != ERR_OK)
        e = err_set(&why, ERR_INVAL, "bad_carrier", "carrier_id is required.");
    else
        e = app_shipment_confirm(req->app, &who, &r, &doc, &created, &why);
    json_decref(doc);
    if (e == ERR_NOTFOUND)
        return err_set(eb, e, "order_not_found", "No synced order has this number.");
    return sf_back(req, resp, r.sn,
                   e == ERR_OK ? (created ? "uploaded" : "replayed") : sf_code(&why, e));
}

enum err page_order_carriers_load(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    const char *sn = http_req_param(req, "sn"), *conn = http_req_form(req, SF_CONN_KEY);
    if (!sf_sn_plain(sn))
        return err_set(eb, ERR_NOTFOUND, "order_not_found", "No synced order has this number.");
    struct app_actor who = web_actor(req);
    enum err e = app_order_carriers_load(
        req->app, &who, conn != NULL && *conn != '\0' ? conn : NULL, sn, NULL, &why);
    if (e == ERR_NOTFOUND)
        return err_set(eb, e, "order_not_found", "No synced order has this number.");
    return sf_back(req, resp, sn, e == ERR_OK ? "carriers_loaded" : sf_code(&why, e));
}

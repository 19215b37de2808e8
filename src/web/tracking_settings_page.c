#include "web/tracking_settings_page.h"

#include <stdio.h>
#include <string.h>

#include "app/tracking.h"
#include "auth/principal.h"
#include "base/parse.h"
#include "web/console.h"
#include "web/page.h"
#include "web/widget.h"

#define BACK "/settings/tracking"

static void ts_option(struct html *h, const char *value, const char *current, const char *label)
{
    html_tpl(h,
             strcmp(value, current) == 0 ? "<option value=\"{}\" selected>{}</option>"
                                         : "<option value=\"{}\">{}</option>",
             value, label);
}

/* The health lines: last success, the key refused, the last error. */
static void ts_health(struct html *h, const json_t *s)
{
    html_raw(h, "<dl class=\"kv\"><dt>上次成功刷新 / Last successful refresh</dt><dd>");
    widget_time(h, json_integer_value(json_object_get(s, "last_ok_at")));
    html_raw(h, "</dd>");
    if (json_integer_value(json_object_get(s, "key_refused_at")) > 0) {
        html_raw(h, "<dt>密钥被拒 / Key refused</dt><dd>");
        widget_time(h, json_integer_value(json_object_get(s, "key_refused_at")));
        html_raw(h, "</dd>");
    }
    const char *err = widget_json_str(s, "last_error");
    if (*err != '\0')
        html_tpl(h, "<dt>上次错误 / Last error</dt><dd>{}</dd>", err);
    html_raw(h, "</dl>");
}

/* The key fields: a password input (empty keeps the stored key) with the masked one shown. */
static void ts_key_field(struct html *h, const char *id, const char *name, const char *label,
                         const char *masked)
{
    html_tpl(h,
             "<label for=\"{}\">{}</label><input id=\"{}\" name=\"{}\" type=\"password\" "
             "maxlength=\"200\" autocomplete=\"off\" placeholder=\"{}\">",
             id, label, id, name, masked != NULL ? masked : "未保存 / not stored");
}

static void ts_form(struct html *h, const json_t *s, const struct app *app,
                    const struct auth_principal *p)
{
    const char *prov = widget_json_str(s, "provider");
    char rate[24];
    snprintf(rate, sizeof rate, "%lld",
             (long long)json_integer_value(json_object_get(s, "rate_per_min")));
    html_raw(h, "<section class=\"card\" id=\"tracking-settings\"><h2>跟踪服务 / Tracking "
                "provider</h2><form class=\"stack\" method=\"post\" action=\"" BACK "\">");
    widget_csrf(h, p);
    html_raw(h, "<label for=\"f-provider\">服务商 / Provider</label><select id=\"f-provider\" "
                "name=\"provider\">");
    ts_option(h, "none", prov, "未启用 / none");
    ts_option(h, "temu", prov, "Temu (temu.track.trackinginfo.get)");
    ts_option(h, "17track", prov, "17TRACK v2.2");
    html_raw(h,
             "</select><label for=\"f-enabled\">刷新 / Refreshes</label><select id=\"f-enabled\" "
             "name=\"enabled\">");
    bool on = json_is_true(json_object_get(s, "enabled"));
    ts_option(h, "1", on ? "1" : "0", "开启 / on");
    ts_option(h, "0", on ? "1" : "0", "关闭 / off (pushes are still received)");
    html_tpl(h,
             "</select><label for=\"f-url\">17TRACK 地址 / 17TRACK base URL</label><input "
             "id=\"f-url\" name=\"url\" value=\"{}\" maxlength=\"500\" spellcheck=\"false\">"
             "<label for=\"f-rate\">请求预算 / Request budget (requests a minute, 1–150)</label>"
             "<input id=\"f-rate\" name=\"rate\" type=\"number\" min=\"1\" max=\"150\" "
             "value=\"{}\">",
             widget_json_str(s, "url"), rate);
    ts_key_field(h, "f-key", "key", "17TRACK API 密钥 / API key (empty keeps it)",
                 json_string_value(json_object_get(s, "key")));
    ts_key_field(h, "f-push", "push_key",
                 "推送备用密钥 / Second push key (the old key while a rotation settles)",
                 json_string_value(json_object_get(s, "push_key")));
    html_raw(h, "<label><input type=\"checkbox\" name=\"push_key_remove\" value=\"1\"> "
                "删除备用密钥 / Remove the second push key</label><p class=\"muted\">");
    widget_pair(
        h, "请在 17TRACK 后台把推送地址设为:", "Set this webhook URL in the 17TRACK dashboard:");
    html_tpl(h, " <code>{}{}</code> ", app->cfg->web_origin, widget_json_str(s, "webhook_path"));
    widget_pair(h, "(推送用 API 密钥签名)", "(pushes are signed with the API key)");
    html_raw(h, "</p><button type=\"submit\">保存 / Save</button></form>");
    ts_health(h, s);
    html_raw(h, "</section>");
}

static void ts_delete_button(struct html *h, const struct auth_principal *p, const json_t *x)
{
    char id[24];
    snprintf(id, sizeof id, "%lld",
             (long long)json_integer_value(json_object_get(x, "temu_carrier_id")));
    const struct widget_arg args[] = {
        {"action", "delete"}, {"temu_carrier_id", id}, {"name", widget_json_str(x, "name")}};
    widget_post_button(h, BACK "/carriers", p, args, 3, "small", "删除 / Delete");
}

static void ts_mapping(struct html *h, const json_t *doc, const struct auth_principal *p)
{
    static const char *const heads[] = {"Temu 承运商 ID / Temu carrier id",
                                        "名称 / Name",
                                        "17TRACK 代码 / code",
                                        "线路 / Lane",
                                        "来源 / Source",
                                        "",
                                        NULL};
    size_t i;
    json_t *x;
    html_raw(h, "<section class=\"card\" id=\"carriers\"><h2>承运商映射 / Carrier mapping</h2>");
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(json_object_get(doc, "carriers"), i, x)
    {
        html_raw(h, "<tr><td class=\"num\">");
        html_int(h, json_integer_value(json_object_get(x, "temu_carrier_id")));
        html_tpl(h, "</td><td>{}</td><td class=\"num\">", widget_json_str(x, "name"));
        html_int(h, json_integer_value(json_object_get(x, "code")));
        html_raw(h, "</td><td>");
        widget_word(h, widget_json_str(x, "lane"));
        html_tpl(h, "</td><td>{}</td><td>", widget_json_str(x, "source"));
        ts_delete_button(h, p, x);
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "<h3>未映射的承运商 / Carriers no mapping names</h3>");
    if (json_array_size(json_object_get(doc, "unknown")) == 0)
        widget_empty(h, "carriers-unknown-empty", "没有 / None: every parcel's carrier is mapped.");
    json_array_foreach(json_object_get(doc, "unknown"), i, x)
    {
        html_tpl(h, "<p id=\"carrier-unknown-{}\">{} (", widget_json_str(x, "name"),
                 widget_json_str(x, "name"));
        html_int(h, json_integer_value(json_object_get(x, "parcels")));
        html_raw(h, " 个包裹 / parcels)</p>");
    }
    html_raw(h, "<form class=\"stack\" method=\"post\" action=\"" BACK "/carriers\">");
    widget_csrf(h, p);
    html_raw(h, "<input type=\"hidden\" name=\"action\" value=\"set\"><label for=\"c-id\">Temu "
                "承运商 ID / Temu carrier id (0: by name)</label><input id=\"c-id\" "
                "name=\"temu_carrier_id\" type=\"number\" min=\"0\" value=\"0\"><label "
                "for=\"c-name\">名称 / Name</label><input id=\"c-name\" name=\"name\" "
                "maxlength=\"64\"><label for=\"c-code\">17TRACK 代码 / code</label><input "
                "id=\"c-code\" name=\"code\" type=\"number\" min=\"1\" required><label "
                "for=\"c-lane\">线路 / Lane</label><select id=\"c-lane\" name=\"lane\"><option "
                "value=\"\">默认 / default</option><option value=\"domestic\">domestic</option>"
                "<option value=\"express\">express</option><option value=\"line\">line</option>"
                "<option value=\"postal\">postal</option></select><button type=\"submit\">保存映射 "
                "/ Save mapping</button></form></section>");
}

enum err page_tracking_settings(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    struct connect_env env;
    json_t *s = NULL, *carriers = NULL;
    struct html h;
    app_connect_env(app, &env);
    enum err e = tracking_settings_json(&env, &s, eb);
    e = e ? e : tracking_carriers_list(app->db, &carriers, eb);
    if (e != ERR_OK) {
        json_decref(s);
        return e;
    }
    web_page_begin(&h, resp, "承运商跟踪 / Carrier tracking", "settings", req->auth);
    widget_page_head(&h, "承运商跟踪设置 / Carrier tracking settings",
                     "跟踪服务、密钥、刷新开关与请求预算,以及承运商映射。/ The tracking provider, "
                     "its keys, the refresh switch and request budget, and the carrier mapping.");
    if (web_can(req, ROLE_SELLER_ADMIN))
        ts_form(&h, s, app, req->auth);
    else
        ts_health(&h, s);
    ts_mapping(&h, carriers, req->auth);
    e = web_page_end(&h, resp, 200);
    json_decref(s);
    json_decref(carriers);
    return e;
}

/* A refused form: the notice on the page for a browser, else the console error page. */
ERR_MUST_USE static enum err ts_refused(struct http_req *req, struct http_resp *resp,
                                        const struct errbuf *why, enum err e, struct errbuf *eb)
{
    if (!web_form_redirects(req, e)) {
        *eb = *why;
        return e;
    }
    return web_redirect_notice(req, resp, BACK, "error", web_error_text(req, why, e));
}

/* An optional form integer in [min, max]; "" or absent gives dflt. */
static bool ts_form_int(const struct http_req *req, const char *name, int64_t min, int64_t max,
                        int64_t dflt, int64_t *out)
{
    const char *v = http_req_form(req, name);
    *out = dflt;
    return v == NULL || *v == '\0' || parse_int64(v, min, max, out) == ERR_OK;
}

enum err page_tracking_settings_save(struct http_req *req, struct http_resp *resp,
                                     struct errbuf *eb)
{
    struct errbuf why = {0};
    const char *key = http_req_form(req, "key"), *push = http_req_form(req, "push_key");
    const char *en = http_req_form(req, "enabled"), *rm = http_req_form(req, "push_key_remove");
    struct tracking_settings_change c = {.provider = http_req_form(req, "provider"),
                                         .url = http_req_form(req, "url"),
                                         .key = key != NULL && *key != '\0' ? key : NULL,
                                         .push_key = push != NULL && *push != '\0' ? push : NULL,
                                         .enabled = -1};
    enum err e = ERR_OK;
    if (rm != NULL && strcmp(rm, "1") == 0)
        c.push_key = c.push_key != NULL ? c.push_key : "";
    if (en != NULL && *en != '\0')
        c.enabled = strcmp(en, "1") == 0 ? 1 : strcmp(en, "0") == 0 ? 0 : 2;
    if (!ts_form_int(req, "rate", 1, TRACKING_RATE_MAX, 0, &c.rate_per_min))
        e = err_set(&why, ERR_INVAL, "bad_rate", "The request budget is 1 to %d requests a minute.",
                    TRACKING_RATE_MAX);
    struct app_actor who = web_actor(req);
    e = e ? e : app_tracking_settings(req->app, &who, &c, &why);
    if (e != ERR_OK)
        return ts_refused(req, resp, &why, e, eb);
    return web_redirect_notice(req, resp, BACK, "ok", "已保存 / Tracking settings saved.");
}

enum err page_tracking_carrier_save(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    const char *action = http_req_form(req, "action");
    struct tracking_carrier_map m = {.name = http_req_form(req, "name"),
                                     .lane = http_req_form(req, "lane")};
    enum err e = ERR_OK;
    if (!ts_form_int(req, "temu_carrier_id", 0, TRACKING_CARRIER_CODE_MAX, 0, &m.temu_carrier_id) ||
        !ts_form_int(req, "code", 1, TRACKING_CARRIER_CODE_MAX, 0, &m.code))
        e = err_set(&why, ERR_INVAL, "bad_field",
                    "The Temu carrier id and the 17TRACK code are whole numbers.");
    struct app_actor who = web_actor(req);
    int64_t applied = 0;
    if (e == ERR_OK && action != NULL && strcmp(action, "delete") == 0)
        e = app_tracking_carrier_delete(req->app, &who, m.temu_carrier_id, m.name, &why);
    else if (e == ERR_OK && action != NULL && strcmp(action, "set") == 0)
        e = app_tracking_carrier_set(req->app, &who, &m, &applied, &why);
    else if (e == ERR_OK)
        e = err_set(&why, ERR_INVAL, "bad_action", "action is set or delete.");
    if (e != ERR_OK)
        return ts_refused(req, resp, &why, e, eb);
    return web_redirect_notice(req, resp, BACK, "ok", "已保存映射 / Carrier mapping saved.");
}

/*
 * /settings/alerts (ops): the thresholds of every detector for one shop (connection_id, else
 * the defaults of every shop) with a form per value, and the notification targets with their
 * masked URLs and test / disable / enable / delete buttons; seller admins add and delete
 * targets. Every form answers with post/redirect/get; refusals come back as the notice (a
 * browser) or as a console page.
 */
#include "web/alerts_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actions/actions.h"
#include "app/alerts.h"
#include "connect/connections.h"
#include "base/parse.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

#define ALERTS_PATH "/settings/alerts"

/* The thresholds table of conn: one row per detector parameter, each with its form. */
/* The shop select of the thresholds: every shop's defaults, then each connection. */
static void alerts_shops(struct html *h, const json_t *shops, const char *conn)
{
    size_t i;
    const json_t *s;
    html_raw(h, "<form class=\"inline\" method=\"get\" action=\"" ALERTS_PATH
                "\"><label for=\"f-conn\">店铺 / Shop</label><select id=\"f-conn\" "
                "name=\"connection_id\"><option value=\"\">所有店铺的默认值 / Defaults of every "
                "shop</option>");
    json_array_foreach(shops, i, s)
    {
        const char *id = widget_json_str(s, "id");
        html_tpl(h,
                 strcmp(id, conn) == 0 ? "<option value=\"{}\" selected>{} · {} {}</option>"
                                       : "<option value=\"{}\">{} · {} {}</option>",
                 id, id, widget_json_str(s, "region"), widget_json_str(s, "status"));
    }
    html_raw(h, "</select><button type=\"submit\">查看 / Show</button></form><p class=\"muted\">");
}

static void alerts_thresholds(struct http_req *req, struct html *h, const char *conn,
                              const json_t *settings, const json_t *shops)
{
    static const char *const heads[] = {"检测器 / Detector", "阈值 / Threshold", "当前值 / Value",
                                        "修改 / Change", NULL};
    size_t nd;
    const struct actions_detector *t = actions_detectors(&nd);
    bool can = web_can(req, ROLE_OPS);
    html_raw(h, "<section class=\"card\" id=\"thresholds\"><h2>检测阈值 / Detector "
                "thresholds</h2>");
    alerts_shops(h, shops, conn);
    widget_pair(h, "留空为所有店铺的默认值;店铺自己的值优先。",
                "Empty: the defaults of every shop; a shop's own value wins.");
    html_raw(h, "</p>");
    widget_table_begin(h, "thresholds-table", NULL, heads);
    for (size_t i = 0; i < nd; i++)
        for (size_t k = 0; k < ACTIONS_PARAMS_MAX && t[i].params[k].name != NULL; k++) {
            const struct actions_param *p = &t[i].params[k];
            const json_t *v = json_object_get(json_object_get(settings, t[i].kind), p->name);
            html_tpl(h, "<tr><td>{}<br><code>{}</code></td><td><code>{}</code>", t[i].title,
                     t[i].kind, p->name);
            html_txtf(h, " (%lld..%lld)</td><td class=\"num\">", (long long)p->min,
                      (long long)p->max);
            html_int(h, (int64_t)json_integer_value(v));
            html_raw(h, "</td><td>");
            if (can) {
                html_raw(h, "<form class=\"inline\" method=\"post\" action=\"" ALERTS_PATH
                            "/thresholds\">");
                widget_csrf(h, req->auth);
                html_tpl(h,
                         "<input type=\"hidden\" name=\"connection_id\" value=\"{}\"><input "
                         "type=\"hidden\" name=\"kind\" value=\"{}\"><input type=\"hidden\" "
                         "name=\"name\" value=\"{}\"><input name=\"value\" inputmode=\"numeric\" "
                         "required aria-label=\"value\"><button type=\"submit\">保存 / "
                         "Save</button></form>",
                         conn, t[i].kind, p->name);
            }
            html_raw(h, "</td></tr>");
        }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* The buttons of one hook: test, enable or disable, delete (seller admins). */
static void alerts_hook_forms(struct http_req *req, struct html *h, const json_t *hook)
{
    char action[160];
    const char *id = widget_json_str(hook, "id");
    snprintf(action, sizeof action, ALERTS_PATH "/hooks/%s/test", id);
    widget_post_button(h, action, req->auth, NULL, 0, "secondary", "测试 / Test");
    bool on = json_is_true(json_object_get(hook, "enabled"));
    snprintf(action, sizeof action, ALERTS_PATH "/hooks/%s/%s", id, on ? "disable" : "enable");
    widget_post_button(h, action, req->auth, NULL, 0, "secondary",
                       on ? "停用 / Disable" : "启用 / Enable");
    if (web_can(req, ROLE_SELLER_ADMIN)) {
        snprintf(action, sizeof action, ALERTS_PATH "/hooks/%s/delete", id);
        widget_post_button(h, action, req->auth, NULL, 0, "warn", "删除 / Delete");
    }
}

static void alerts_hooks(struct http_req *req, struct html *h, const json_t *hooks)
{
    static const char *const heads[] = {
        "类型 / Kind",  "地址 / URL",     "最低级别 / Min severity", "简报 / Brief",
        "状态 / State", "创建 / Created", "操作 / Actions",          NULL};
    size_t i;
    const json_t *hk;
    html_raw(h, "<section class=\"card\" id=\"hooks\"><h2>通知对象 / Notification targets</h2>");
    if (json_array_size(hooks) == 0)
        widget_empty_msg(h, "hooks-empty", MSG_S_NOTIFY_NONE);
    else
        widget_table_begin(h, "hooks-table", NULL, heads);
    json_array_foreach(hooks, i, hk)
    {
        html_tpl(h, "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">",
                 widget_json_str(hk, "kind"), widget_json_str(hk, "url"));
        html_int(h, widget_json_int(hk, "min_severity"));
        html_tpl(h, "</td><td>{}</td><td>{}</td><td>",
                 json_is_true(json_object_get(hk, "brief")) ? "是 / yes" : "否 / no",
                 json_is_true(json_object_get(hk, "enabled")) ? "启用 / enabled"
                                                              : "停用 / disabled");
        widget_time(h, widget_json_int(hk, "created_at"));
        html_raw(h, "</td><td>");
        alerts_hook_forms(req, h, hk);
        html_raw(h, "</td></tr>");
    }
    if (json_array_size(hooks) > 0)
        widget_table_end(h);
    html_raw(h, "</section>");
}

static void alerts_add_form(struct http_req *req, struct html *h)
{
    html_raw(h,
             "<section class=\"card\" id=\"hook-add\"><h2>添加通知对象 / Add a notification "
             "target</h2><form class=\"stack\" method=\"post\" action=\"" ALERTS_PATH "/hooks\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<label for=\"f-kind\">类型 / Kind</label><select id=\"f-kind\" name=\"kind\">"
                "<option value=\"wecom\">企业微信 / WeCom</option><option value=\"dingtalk\">钉钉 "
                "/ DingTalk</option><option value=\"feishu\">飞书 / Feishu</option><option "
                "value=\"slack\">Slack</option><option value=\"generic\">通用签名 JSON / Generic "
                "signed JSON</option></select><label for=\"f-url\">地址 / URL</label><input "
                "id=\"f-url\" name=\"url\" type=\"url\" maxlength=\"1000\" required "
                "autocomplete=\"off\"><label for=\"f-secret\">签名密钥 / Signing secret</label>"
                "<input id=\"f-secret\" name=\"secret\" type=\"password\" maxlength=\"200\" "
                "autocomplete=\"new-password\"><p class=\"muted\">");
    widget_pair(h, "通用格式必填(至少 16 个字符);钉钉和飞书可选;企业微信和 Slack 不需要。",
                "Generic: required (16 characters or more); DingTalk and Feishu: optional; WeCom "
                "and Slack: none.");
    html_raw(h, "</p><label for=\"f-sev\">最低级别 / Min severity</label><select id=\"f-sev\" "
                "name=\"min_severity\"><option value=\"3\">3 高 / high</option><option "
                "value=\"2\">2 中 / medium</option><option value=\"1\">1 低 / low</option>"
                "</select><label><input type=\"checkbox\" name=\"brief\" value=\"1\"> 每日简报 / "
                "Daily brief</label><button type=\"submit\">添加 / Add</button></form></section>");
}

enum err page_alerts(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *conn = http_req_query(req, "connection_id");
    json_t *settings = NULL, *hooks = NULL, *shops = NULL;
    struct html h;
    struct connect_env env;
    app_connect_env(app, &env);
    conn = conn != NULL ? conn : "";
    enum err e = actions_settings(app->db, conn, &settings, eb);
    e = e ? e : notify_hooks_list(app->db, &hooks, eb);
    e = e ? e : connect_connection_list(&env, (int64_t)time(NULL), &shops, eb);
    if (e == ERR_OK) {
        web_page_begin(&h, resp, "提醒与通知 / Alerts and notifications", "settings", req->auth);
        widget_page_head(&h, "提醒与通知 / Alerts and notifications",
                         "行动中心的检测阈值和通知对象。/ The action center's detector thresholds "
                         "and where its alerts and daily brief are sent.");
        alerts_thresholds(req, &h, conn, settings, shops);
        alerts_hooks(req, &h, hooks);
        if (web_can(req, ROLE_SELLER_ADMIN))
            alerts_add_form(req, &h);
        e = web_page_end(&h, resp, 200);
    }
    json_decref(settings);
    json_decref(hooks);
    json_decref(shops);
    return e;
}

/* The answer to a form: back to the page with ok, else the refusal. */
ERR_MUST_USE static enum err alerts_done(struct http_req *req, struct http_resp *resp, enum err e,
                                         const struct errbuf *why, const char *ok,
                                         struct errbuf *eb)
{
    if (e == ERR_OK)
        return web_redirect_notice(req, resp, ALERTS_PATH, "ok", ok);
    if (web_form_failure_shown(e) && web_form_redirects(req, e))
        return web_redirect_notice(req, resp, ALERTS_PATH, "error", web_error_text(req, why, e));
    *eb = *why;
    return e;
}

enum err page_alerts_threshold(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    int64_t value = 0;
    const char *v = http_req_form(req, "value");
    enum err e = v != NULL && parse_int64(v, INT64_MIN, INT64_MAX, &value) == ERR_OK
                     ? ERR_OK
                     : err_set(&why, ERR_INVAL, "bad_value", "The value is a whole number.");
    e = e ? e
          : app_alert_setting_set(req->app, &who, http_req_form(req, "connection_id"),
                                  http_req_form(req, "kind"), http_req_form(req, "name"), value,
                                  &why);
    return alerts_done(req, resp, e, &why, "阈值已保存 / The threshold is saved.", eb);
}

enum err page_alerts_hook_add(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    struct notify_hook_req r = {.kind = http_req_form(req, "kind"),
                                .url = http_req_form(req, "url"),
                                .secret = http_req_form(req, "secret"),
                                .brief = http_req_form(req, "brief") != NULL};
    const char *sev = http_req_form(req, "min_severity");
    char id[32];
    enum err e = sev != NULL && parse_int64(sev, 1, 3, &r.min_severity) == ERR_OK
                     ? ERR_OK
                     : err_set(&why, ERR_INVAL, "bad_severity", "min_severity is 1..3.");
    e = e ? e : app_alert_hook_add(req->app, &who, &r, id, &why);
    return alerts_done(req, resp, e, &why, "通知对象已添加 / The notification target is added.",
                       eb);
}

enum err page_alerts_hook_test(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    enum err e = app_alert_hook_test(req->app, &who, http_req_param(req, "id"), &why);
    return alerts_done(req, resp, e, &why, "测试通知已送达 / The test notification was delivered.",
                       eb);
}

ERR_MUST_USE static enum err alerts_enable(struct http_req *req, struct http_resp *resp, bool on,
                                           struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    enum err e = app_alert_hook_enable(req->app, &who, http_req_param(req, "id"), on, &why);
    return alerts_done(req, resp, e, &why,
                       on ? "通知对象已启用 / The target is enabled."
                          : "通知对象已停用 / The target is disabled.",
                       eb);
}

enum err page_alerts_hook_enable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return alerts_enable(req, resp, true, eb);
}

enum err page_alerts_hook_disable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return alerts_enable(req, resp, false, eb);
}

enum err page_alerts_hook_delete(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    enum err e = app_alert_hook_delete(req->app, &who, http_req_param(req, "id"), &why);
    return alerts_done(req, resp, e, &why, "通知对象已删除 / The target is deleted.", eb);
}

#include "web/settings_page.h"

#include <stdio.h>
#include <string.h>

#include "app/admin.h"
#include "app/settings.h"
#include "auth/principal.h"
#include "base/config.h"
#include "base/tz.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/shops.h"
#include "web/widget.h"

static void settings_option(struct html *h, const char *value, const char *current,
                            const char *label)
{
    html_tpl(h,
             strcmp(value, current) == 0 ? "<option value=\"{}\" selected>{}</option>"
                                         : "<option value=\"{}\">{}</option>",
             value, label);
}

static void settings_prefs(struct html *h, const struct auth_principal *p)
{
    html_raw(h, "<section class=\"card\" id=\"preferences\"><h2>我的偏好 / My preferences</h2><p "
                "class=\"muted\">");
    widget_msg(h, MSG_S_PREFS_LEAD);
    html_raw(h, "</p><form class=\"stack\" method=\"post\" action=\"/settings/preferences\">");
    widget_csrf(h, p);
    html_raw(h,
             "<label for=\"f-lang\">语言 / Language</label><select id=\"f-lang\" name=\"lang\">");
    settings_option(h, "", p->lang,
                    web_msg(h->lang == WEB_LANG_EN ? WEB_LANG_EN : WEB_LANG_ZH, MSG_S_LANG_AUTO));
    settings_option(h, "zh", p->lang, "中文");
    settings_option(h, "en", p->lang, "English");
    html_tpl(h,
             "</select><label for=\"f-tz\">时区 / Time zone</label><input id=\"f-tz\" name=\"tz\" "
             "value=\"{}\" maxlength=\"63\" required autocomplete=\"off\" spellcheck=\"false\" "
             "list=\"tz-list\"><datalist id=\"tz-list\"><option value=\"UTC\"><option "
             "value=\"Asia/Shanghai\"><option value=\"Asia/Hong_Kong\"><option "
             "value=\"Asia/Singapore\"><option value=\"Asia/Tokyo\"><option "
             "value=\"Europe/London\"><option value=\"Europe/Berlin\"><option "
             "value=\"America/New_York\"><option value=\"America/Chicago\"><option "
             "value=\"America/Los_Angeles\"><option value=\"Australia/Sydney\"></datalist>"
             "<p class=\"muted\">",
             p->tz);
    widget_msg(h, MSG_S_TZ_HINT);
    html_raw(h, "</p><button type=\"submit\">保存 / Save</button></form></section>");
}

/* One row of the server settings: the variable, its value and what it does. */
static void settings_row(struct html *h, const char *var, long value, const char *zh,
                         const char *en)
{
    html_tpl(h, "<tr><td><code>{}</code></td><td class=\"num\">", var);
    html_int(h, value);
    html_raw(h, "</td><td>");
    widget_pair(h, zh, en);
    html_raw(h, "</td></tr>");
}

static void settings_server(struct html *h, const struct config *cfg)
{
    static const char *const heads[] = {"变量 / Variable", "值 / Value", "作用 / What it does",
                                        NULL};
    html_raw(h, "<section class=\"card\" id=\"server-settings\"><h2>服务器设置 / Server "
                "settings</h2><p class=\"muted\">");
    widget_pair(h, "这些值在启动时从 AICOS_* 环境变量读取;修改后需重启服务。",
                "Read from the AICOS_* environment at start; a change needs a restart.");
    html_raw(h, "</p>");
    widget_table_begin(h, NULL, NULL, heads);
    settings_row(h, "AICOS_SYNC_WORKER", cfg->sync_worker, "是否在服务内运行同步调度",
                 "whether the server runs the sync scheduler");
    settings_row(h, "AICOS_SYNC_ORDERS_INTERVAL_S", cfg->sync_orders_interval_s, "订单同步间隔(秒)",
                 "orders sync interval (seconds)");
    settings_row(h, "AICOS_SYNC_JITTER_S", cfg->sync_jitter_s, "每次间隔附加的随机秒数",
                 "random seconds added to each interval");
    settings_row(h, "AICOS_HTTP_PER_CLIENT", cfg->http_per_client, "每个客户端的并发请求上限",
                 "requests in flight per client");
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* What each editable setting is, in the order of enum sync_setting. */
static const struct {
    const char *zh, *en;
} settings_words[SYNC_SETTING__COUNT] = {
    [SYNC_SET_ORDERS_INTERVAL] = {"订单同步间隔(秒)", "Orders sync interval (seconds)"},
    [SYNC_SET_PRODUCTS_INTERVAL] = {"商品同步间隔(秒)", "Products sync interval (seconds)"},
    [SYNC_SET_CASES_INTERVAL] = {"买家请求同步间隔(秒)", "Buyer cases sync interval (seconds)"},
    [SYNC_SET_SHIP_SOON_H] = {"“即将到期”:距最晚发货的小时数",
                              "\"Due soon\": hours before the ship-by deadline"},
    [SYNC_SET_SYNC_STALE_MIN] = {"“同步过期”:距上次成功同步的分钟数",
                                 "\"Stale sync\": minutes since the last success"},
};

static void settings_field(struct html *h, const struct sync_settings *set, int s, bool edit)
{
    const struct sync_setting_def *d = sync_setting_def_of((enum sync_setting)s);
    char v[24], lo[24], hi[24];
    snprintf(v, sizeof v, "%lld", (long long)set->value[s]);
    snprintf(lo, sizeof lo, "%lld", (long long)d->min);
    snprintf(hi, sizeof hi, "%lld", (long long)d->max);
    html_tpl(h, "<label for=\"f-{}\">", d->name);
    widget_pair(h, settings_words[s].zh, settings_words[s].en);
    html_raw(h, set->stored[s] ? "" : " <span class=\"muted\">(");
    if (!set->stored[s]) {
        widget_msg(h, MSG_S_DEFAULT);
        html_raw(h, ")</span>");
    }
    html_tpl(h,
             edit ? "</label><input id=\"f-{}\" name=\"{}\" type=\"number\" value=\"{}\" "
                    "min=\"{}\" max=\"{}\" required>"
                  : "</label><input id=\"f-{}\" name=\"{}\" type=\"number\" value=\"{}\" "
                    "min=\"{}\" max=\"{}\" readonly>",
             d->name, d->name, v, lo, hi);
}

static void settings_sync(struct http_req *req, struct html *h, const struct sync_settings *set)
{
    bool edit = web_can(req, ROLE_OPS);
    html_raw(h, "<section class=\"card\" id=\"sync-settings\"><h2>同步与阈值 / Sync and "
                "thresholds</h2><p class=\"muted\">");
    widget_msg(h, edit ? MSG_S_SYNC_LEAD : MSG_S_READ_ONLY);
    if (set->updated_at > 0) {
        html_raw(h, " ");
        widget_msgf(h, MSG_S_STORED, set->updated_by, "");
        widget_time(h, set->updated_at);
    }
    html_raw(h, "</p><form class=\"stack\" method=\"post\" action=\"/settings/sync\">");
    widget_csrf(h, req->auth);
    for (int s = 0; s < SYNC_SETTING__COUNT; s++)
        settings_field(h, set, s, edit);
    if (edit)
        html_raw(h, "<button type=\"submit\">保存 / Save</button>");
    html_raw(h, "</form><p class=\"muted\">");
    widget_msg(h, MSG_S_ALERTS_LINK);
    html_raw(h, " <a href=\"/settings/alerts\">");
    widget_pair(h, "提醒与通知", "Alerts and notifications");
    html_raw(h, "</a></p></section>");
}

static void settings_shops(struct http_req *req, struct html *h, const json_t *shops)
{
    static const char *const heads[] = {"店铺 / Shop", "区域 / Region", "名称 / Name", NULL};
    bool edit = web_can(req, ROLE_SELLER_ADMIN);
    size_t i;
    const json_t *s;
    html_raw(h, "<section class=\"card\" id=\"shop-names\"><h2>店铺名称 / Shop names</h2><p "
                "class=\"muted\">");
    widget_msg(h, edit ? MSG_S_SHOPS_LEAD : MSG_S_READ_ONLY);
    html_raw(h, "</p>");
    if (json_array_size(json_object_get(shops, "shops")) == 0) {
        widget_empty_msg(h, "shops-empty", MSG_S_SHOPS_NONE);
        html_raw(h, "</section>");
        return;
    }
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(json_object_get(shops, "shops"), i, s)
    {
        const char *id = widget_json_str(s, "id");
        char mall[24];
        snprintf(mall, sizeof mall, "%lld", (long long)widget_json_int(s, "mall_id"));
        html_tpl(h, "<tr data-shop=\"{}\"><td class=\"mono\" title=\"{}\">{}</td><td>{}</td><td>",
                 id, id, mall, widget_json_str(s, "region"));
        if (!edit) {
            web_shop_label(h, s);
            html_raw(h, "</td></tr>");
            continue;
        }
        html_raw(h, "<form class=\"inline\" method=\"post\" action=\"/settings/shops/");
        html_url(h, id);
        html_raw(h, "\">");
        widget_csrf(h, req->auth);
        html_tpl(h,
                 "<input name=\"name\" value=\"{}\" maxlength=\"60\" aria-label=\"{}\"> "
                 "<button type=\"submit\" class=\"small\">保存 / Save</button></form></td></tr>",
                 widget_json_str(s, "name"), mall);
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

enum err page_settings(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const struct auth_principal *p = req->auth;
    struct sync_settings set;
    struct html h;
    enum err e = sync_settings_get(app->db, app->cfg, &set, eb);
    if (e != ERR_OK)
        return e;
    json_t *shops = web_shops_load(req);
    web_page_begin(&h, resp, "设置 / Settings", "settings", p);
    widget_page_head_msg(&h, "设置 / Settings", MSG_S_LEAD);
    if (p != NULL && p->via == AUTH_VIA_SESSION)
        settings_prefs(&h, p);
    settings_sync(req, &h, &set);
    settings_shops(req, &h, shops);
    if (web_can(req, ROLE_OPS))
        settings_server(&h, app->cfg);
    if (web_can(req, ROLE_OPS))
        html_raw(&h, "<p><a href=\"/settings/tracking\">承运商跟踪 / Carrier tracking "
                     "settings</a></p>");
    json_decref(shops);
    return web_page_end(&h, resp, 200);
}

/* A refused form: the notice on /settings for a browser, else the error itself. */
ERR_MUST_USE static enum err settings_refused(struct http_req *req, struct http_resp *resp,
                                              enum err e, const struct errbuf *why,
                                              struct errbuf *eb)
{
    if (!web_form_redirects(req, e)) {
        *eb = *why;
        return e;
    }
    return web_redirect_notice(req, resp, "/settings", "error", web_error_text(req, why, e));
}

enum err page_settings_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *text[SYNC_SETTING__COUNT];
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    int changed = 0;
    for (int s = 0; s < SYNC_SETTING__COUNT; s++)
        text[s] = http_req_form(req, sync_setting_def_of((enum sync_setting)s)->name);
    enum err e = app_settings_update(req->app, &who, text, &changed, &why);
    if (e != ERR_OK)
        return settings_refused(req, resp, e, &why, eb);
    return web_redirect_msg(req, resp, "/settings", "ok",
                            changed > 0 ? MSG_N_SETTINGS_SAVED : MSG_N_SETTINGS_UNCHANGED);
}

enum err page_settings_shop(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_form(req, "name");
    enum err e = app_shop_rename(req->app, &who, http_req_param(req, "id"), name ? name : "", &why);
    if (e != ERR_OK)
        return settings_refused(req, resp, e, &why, eb);
    return web_redirect_msg(req, resp, "/settings", "ok", MSG_N_SHOP_RENAMED);
}

/* Saves lang and tz for the caller; the notice goes to back. */
ERR_MUST_USE static enum err settings_save(struct http_req *req, struct http_resp *resp,
                                           const char *lang, const char *tz, const char *back,
                                           struct errbuf *eb)
{
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_user_set_prefs(req->app, &who, lang, tz, &why);
    if (e == ERR_OK) {
        struct auth_principal *p = (struct auth_principal *)req->auth;
        if (p != NULL) /* the notice in the language just chosen */
            snprintf(p->lang, sizeof p->lang, "%s", lang);
        return web_redirect_msg(req, resp, back, "ok", MSG_N_PREFS_SAVED);
    }
    if (!web_form_redirects(req, e)) {
        *eb = why;
        return e;
    }
    return web_redirect_notice(req, resp, back, "error", web_error_text(req, &why, e));
}

enum err page_settings_prefs(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return settings_save(req, resp, http_req_form(req, "lang"), http_req_form(req, "tz"),
                         "/settings", eb);
}

/* The path of a same-site Referer ("/orders?page=2"), or "/settings". */
static const char *settings_back(const struct http_req *req)
{
    const char *ref = http_req_header(req, "Referer"), *host = http_req_header(req, "Host");
    if (ref == NULL || host == NULL)
        return "/settings";
    const char *p = strstr(ref, "://");
    if (p == NULL)
        return "/settings";
    p += 3;
    size_t n = strlen(host);
    if (strncmp(p, host, n) != 0 || (p[n] != '/' && p[n] != '\0'))
        return "/settings";
    p += n;
    if (*p != '/' || p[1] == '/' || p[1] == '\\' || strpbrk(p, "\r\n") != NULL)
        return "/settings";
    return p;
}

enum err page_settings_language(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct auth_principal *p = req->auth;
    return settings_save(req, resp, http_req_form(req, "lang"), p != NULL ? p->tz : "UTC",
                         settings_back(req), eb);
}

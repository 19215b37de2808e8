#include "web/integrations_now.h"

#include <stdio.h>
#include <string.h>

#include "auth/principal.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/status.h"
#include "web/widget.h"

/* The step of progress called key, or NULL. */
static const json_t *now_step(const json_t *progress, const char *key)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(progress, "steps"), i, s)
    {
        if (strcmp(widget_json_str(s, "key"), key) == 0)
            return s;
    }
    return NULL;
}

static bool now_step_done(const json_t *progress, const char *key)
{
    const char *st = widget_json_str(now_step(progress, key), "status");
    return strcmp(st, "pass") == 0;
}

/* An active connection made by the development (sandbox) authorization. */
static bool now_dev_connected(const json_t *conns)
{
    size_t i;
    const json_t *c;
    json_array_foreach(conns, i, c)
    {
        if (strcmp(widget_json_str(c, "auth_mode"), "dev") == 0 &&
            strcmp(widget_json_str(c, "status"), "active") == 0)
            return true;
    }
    return false;
}

static void now_dev(struct html *h, const struct integrations_now *n)
{
    bool dev = now_dev_connected(n->conns), synced = widget_stream_synced(n->orders);
    html_raw(h, "<div class=\"now-item\" id=\"now-dev\"><div class=\"k\">");
    widget_pair(h, "开发连接", "Development connection");
    html_raw(h, "</div><p>");
    widget_status(h, dev && synced ? "connected" : dev ? "pending" : "not_configured");
    html_raw(h, " ");
    widget_msg(h, dev && synced ? MSG_I_DEV_WORKS
                  : dev         ? MSG_I_DEV_CONNECTED_NO_DATA
                                : MSG_I_DEV_NONE);
    html_raw(h, "</p></div>");
}

/* Who must act now: the role as a word, and whether that is the viewer. */
static void now_who(struct http_req *req, struct html *h, const json_t *progress)
{
    const json_t *act = json_object_get(progress, "action_required");
    const json_t *blk = json_object_get(progress, "blocker");
    const char *role = widget_json_str(act, "role");
    const struct web_status *w = web_status_find(role);
    const char *word = w == NULL ? role : h->lang == WEB_LANG_EN ? w->en : w->zh;
    const struct auth_principal *p = req->auth;
    bool me = p != NULL && strcmp(auth_role_name(p->role), role) == 0;
    html_raw(h, "<div class=\"now-item\" id=\"now-act\"><div class=\"k\">");
    widget_pair(h, "需要你现在介入", "Must act now");
    html_raw(h, "</div><p>");
    if (!json_is_true(json_object_get(act, "now")) || role[0] == '\0') {
        widget_msg(h, MSG_I_NOW_NOBODY);
    } else {
        html_tpl(h, "<strong class=\"{}\" title=\"{}\">", me ? "me" : "other", role);
        widget_msgf(h, me ? MSG_I_NOW_YOU : MSG_I_NOW_OTHER, word);
        html_raw(h, "</strong>");
    }
    if (json_is_object(blk)) {
        html_raw(h, " ");
        integrations_pair_text(h, widget_json_str(blk, "label"));
        html_raw(h, " <span class=\"muted\">→ ");
        integrations_step_text(h, widget_json_str(blk, "step"),
                               widget_json_str(blk, "next_action"));
        html_raw(h, "</span>");
    }
    html_raw(h, "</p></div>");
}

/* The one recommended action: the sandbox path while no development connection exists (and
 * the environment allows one), else the formal authorization once the public callback
 * works, else the deployment runbook; a viewer without the role is told who can. */
static void now_recommended(struct http_req *req, struct html *h, const struct integrations_now *n)
{
    bool dev = now_dev_connected(n->conns);
    bool callback = now_step_done(n->progress, "callback_reachable");
    html_raw(h, "<div class=\"now-item\" id=\"now-recommended\">");
    if (!dev && !n->production && !callback) {
        if (web_can(req, ROLE_OPS)) {
            html_raw(h, "<form method=\"post\" action=\"/integrations/temu/dev\">");
            widget_csrf(h, req->auth);
            html_raw(h, "<button type=\"submit\" id=\"recommended\">");
            widget_msg(h, MSG_I_RECOMMENDED_DEV);
            html_raw(h, "</button></form>");
        } else {
            widget_msgf(h, MSG_I_RECOMMENDED_ASK, "ops");
        }
    } else if (callback && !now_step_done(n->progress, "seller_authorization")) {
        if (web_can(req, ROLE_SELLER_ADMIN)) {
            html_raw(h, "<a class=\"button\" id=\"recommended\" href=\"#launch\">");
            widget_msg(h, MSG_I_RECOMMENDED_FORMAL);
            html_raw(h, "</a>");
        } else {
            widget_msgf(h, MSG_I_RECOMMENDED_ASK, "seller_admin");
        }
    } else if (dev && !widget_stream_synced(n->orders)) {
        html_raw(h, "<a class=\"button\" id=\"recommended\" href=\"/sync\">");
        widget_pair(h, "去同步数据", "Sync the data");
        html_raw(h, "</a>");
    } else {
        html_raw(h, "<a class=\"button secondary\" id=\"recommended\" href=\"/deploy\">");
        widget_msg(h, MSG_I_DEPLOY_LINK);
        html_raw(h, "</a>");
    }
    html_raw(h, "</div>");
}

/* The deployment steps (public callback URL to callback reachable) as one line. */
static void now_deploy(struct html *h, const json_t *progress)
{
    static const char *const keys[] = {"public_callback_url", "dns", "production_env",
                                       "deployment_preflight", "callback_reachable"};
    int pass = 0, todo = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (now_step_done(progress, keys[i]))
            pass++;
        else
            todo++;
    }
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", pass);
    snprintf(b, sizeof b, "%d", todo);
    html_raw(h, "<p class=\"muted\" id=\"now-deploy\">");
    widget_msgf(h, MSG_I_DEPLOY_SUMMARY, a, b);
    html_raw(h, " <a href=\"/deploy\">");
    widget_msg(h, MSG_I_DEPLOY_LINK);
    html_raw(h, " →</a></p>");
}

void integrations_now(struct http_req *req, struct html *h, const struct integrations_now *n)
{
    html_raw(h, "<section class=\"card now\" id=\"now\"><div class=\"card-head\"><div><h2>");
    widget_pair(h, "现在做什么", "What to do now");
    html_raw(h, "</h2></div></div><div class=\"grid grid-3\">");
    now_dev(h, n);
    now_who(req, h, n->progress);
    now_recommended(req, h, n);
    html_raw(h, "</div>");
    now_deploy(h, n->progress);
    html_raw(h, "</section>");
}

/* action without a leading "owner:" or "owner " the list already shows. */
static const char *now_unprefixed(const char *action, const char *owner)
{
    size_t n = strlen(owner);
    if (n > 0 && strncmp(action, owner, n) == 0 && (action[n] == ':' || action[n] == ' ')) {
        action += n + 1;
        while (*action == ' ')
            action++;
    }
    return action;
}

void integrations_step_text(struct html *h, const char *step, const char *domain)
{
    int id = web_msg_for_step(step);
    if (id < 0 || h->lang == WEB_LANG_EN) {
        html_txt(h, domain);
        return;
    }
    widget_msg(h, id);
}

void integrations_pair_text(struct html *h, const char *pair)
{
    const char *sep = strstr(pair, " / ");
    bool zh = false; /* a pair has Chinese before its " / " ("App Key / App Secret" is none) */
    for (const char *c = pair; sep != NULL && c < sep; c++)
        zh = zh || (unsigned char)*c >= 0x80;
    if (!zh || h->lang == WEB_LANG_BOTH) {
        html_txt(h, pair);
        return;
    }
    if (h->lang == WEB_LANG_EN)
        html_txt(h, sep + 3);
    else
        html_txtf(h, "%.*s", (int)(sep - pair), pair);
}

void integrations_next_steps(struct html *h, const json_t *progress)
{
    size_t i, shown = 0;
    const json_t *s;
    json_array_foreach(json_object_get(progress, "next_steps"), i, s)
    {
        const char *step = widget_json_str(s, "step"), *owner = widget_json_str(s, "owner");
        bool done = strcmp(step, "general") == 0 ? now_step_done(progress, "app_credentials")
                                                 : now_step_done(progress, step);
        if (done)
            continue; /* a step already done is no next step */
        html_tpl(h, "<li data-step=\"{}\">", step);
        widget_status(h, owner);
        html_raw(h, " ");
        integrations_step_text(h, step, now_unprefixed(widget_json_str(s, "action"), owner));
        html_raw(h, "</li>");
        shown++;
    }
    if (shown == 0) {
        html_raw(h, "<li class=\"muted\">");
        widget_msg(h, MSG_I_NEXT_NONE);
        html_raw(h, "</li>");
    }
}

/*
 * The action center (issue 14), the console's home: the daily brief, counts per kind, the
 * ranked list with its filters (kind, state, owner, mine) and, per item, why it fired, its
 * deadline, money at risk, owner, next action and the snooze / resolve / assign forms
 * (post/redirect/get, audited through src/app/actions.h). No SQL here: src/actions reads.
 */
#include "web/actions_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/actions.h"
#include "base/parse.h"
#include "web/console.h"
#include "web/page.h"
#include "web/widget.h"

static struct db *page_db(const struct http_req *req)
{
    const struct app *app = req->app;
    return app->db;
}

static void actions_brief_card(struct html *h, const json_t *brief)
{
    html_raw(h,
             "<section class=\"card\" id=\"brief\"><h2>每日简报 / Daily brief</h2><p lang=\"zh\">");
    html_txt(h, widget_json_str(brief, "zh"));
    html_raw(h, "</p><p lang=\"en\">");
    html_txt(h, widget_json_str(brief, "en"));
    html_raw(h, "</p></section>");
}

static void actions_counts(struct html *h, const json_t *counts)
{
    size_t n;
    const struct actions_detector *t = actions_detectors(&n);
    html_raw(h, "<section class=\"card\" id=\"counts\"><h2>按类型 / By kind</h2><p>");
    for (size_t i = 0; i < n; i++) {
        json_int_t c = json_integer_value(json_object_get(counts, t[i].kind));
        if (c == 0)
            continue;
        html_raw(h, "<a class=\"pill\" href=\"/?kind=");
        html_url(h, t[i].kind);
        html_raw(h, "\">");
        html_txt(h, t[i].title);
        html_txtf(h, " · %lld", (long long)c);
        html_raw(h, "</a> ");
    }
    html_raw(h, "</p></section>");
}

static void actions_filters(struct http_req *req, struct html *h)
{
    static const char *const states[] = {"open", "snoozed", "resolved", "auto_resolved", "all"};
    static const char *const owners[] = {"temu", "logistics", "payments", "ops"};
    const char *state = http_req_query(req, "state"), *owner = http_req_query(req, "owner");
    const char *kind = http_req_query(req, "kind"), *mine = http_req_query(req, "mine");
    size_t n;
    const struct actions_detector *t = actions_detectors(&n);
    html_raw(h, "<form method=\"get\" action=\"/\" id=\"action-filters\" class=\"filters\">"
                "<label>类型 / Kind <select name=\"kind\"><option value=\"\">—</option>");
    for (size_t i = 0; i < n; i++)
        html_tpl(h,
                 kind && strcmp(kind, t[i].kind) == 0 ? "<option value=\"{}\" selected>{}</option>"
                                                      : "<option value=\"{}\">{}</option>",
                 t[i].kind, t[i].title);
    html_raw(h, "</select></label> <label>状态 / State <select name=\"state\">");
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        html_tpl(h,
                 state && strcmp(state, states[i]) == 0 ? "<option selected>{}</option>"
                                                        : "<option>{}</option>",
                 states[i]);
    html_raw(h, "</select></label> <label>负责团队 / Owner <select name=\"owner\">"
                "<option value=\"\">—</option>");
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++)
        html_tpl(h,
                 owner && strcmp(owner, owners[i]) == 0 ? "<option selected>{}</option>"
                                                        : "<option>{}</option>",
                 owners[i]);
    html_raw(h, mine && strcmp(mine, "1") == 0
                    ? "</select></label> <label><input type=\"checkbox\" name=\"mine\" value=\"1\" "
                      "checked> 我的 / Mine</label>"
                    : "</select></label> <label><input type=\"checkbox\" name=\"mine\" value=\"1\">"
                      " 我的 / Mine</label>");
    html_raw(h, " <button type=\"submit\">筛选 / Filter</button> <a href=\"/\">清除 / Clear</a>"
                "</form>");
}

/* The forms of one item: snooze (hours), resolve, assign. */
static void actions_forms(struct http_req *req, struct html *h, const json_t *it)
{
    const char *id = widget_json_str(it, "id"), *state = widget_json_str(it, "state");
    char action[96];
    bool open = strcmp(state, "open") == 0 || strcmp(state, "snoozed") == 0;
    if (!web_can(req, ROLE_OPERATOR))
        return;
    if (open) {
        snprintf(action, sizeof action, "/actions/%s/snooze", id);
        html_tpl(h, "<form method=\"post\" action=\"{}\" class=\"inline\">", action);
        widget_csrf(h, req->auth);
        html_raw(h, "<select name=\"hours\" aria-label=\"暂缓小时数 / snooze "
                    "hours\"><option>4</option><option>24</option>"
                    "<option>72</option></select><button class=\"small\" type=\"submit\">"
                    "暂缓 / Snooze</button></form>");
        snprintf(action, sizeof action, "/actions/%s/resolve", id);
        widget_post_button(h, action, req->auth, NULL, 0, "small", "已处理 / Resolve");
    }
    snprintf(action, sizeof action, "/actions/%s/assign", id);
    html_tpl(h, "<form method=\"post\" action=\"{}\" class=\"inline\">", action);
    widget_csrf(h, req->auth);
    html_tpl(h,
             "<input name=\"assignee\" size=\"8\" value=\"{}\" aria-label=\"assignee\">"
             "<button class=\"small\" type=\"submit\">指派 / Assign</button></form>",
             widget_json_str(it, "assignee"));
}

static void actions_row(struct http_req *req, struct html *h, const json_t *it)
{
    const json_t *sc = json_object_get(it, "score"), *obj = json_object_get(it, "object");
    const json_t *money = json_object_get(it, "money_at_risk");
    html_txtf(h, "<tr><td><strong>%lld</strong><br><span class=\"muted\">%lld + %lld%s</span></td>",
              (long long)widget_json_int(sc, "total"), (long long)widget_json_int(sc, "severity"),
              (long long)widget_json_int(sc, "money"),
              json_is_true(json_object_get(sc, "breached")) ? " + breach" : "");
    html_tpl(h, "<td>{}</td><td><a class=\"mono\" href=\"{}\">{}</a></td><td>",
             widget_json_str(it, "title"), widget_json_str(obj, "link"),
             widget_json_str(obj, "key"));
    widget_facts(h, json_object_get(json_object_get(it, "why"), "values"));
    html_tpl(h, "<br><span class=\"muted\">{}</span></td><td>",
             widget_json_str(json_object_get(it, "why"), "rule"));
    widget_time(h, widget_json_int(it, "deadline"));
    html_raw(h, "</td><td>");
    html_txt(h, json_is_object(money) ? widget_json_str(money, "text") : "—");
    html_tpl(h, "</td><td>{}</td><td>{}</td><td>{} {}</td><td>", widget_json_str(it, "owner"),
             widget_json_str(it, "next_action"), widget_json_str(it, "state"),
             widget_json_str(it, "assignee"));
    actions_forms(req, h, it);
    html_raw(h, "</td></tr>");
}

static void actions_table(struct http_req *req, struct html *h, const json_t *doc)
{
    static const char *const heads[] = {"分数 / Score",
                                        "类型 / Kind",
                                        "对象 / Object",
                                        "原因 / Why",
                                        "截止 / Deadline",
                                        "风险金额 / At risk",
                                        "团队 / Owner",
                                        "下一步 / Next action",
                                        "状态 / State",
                                        "操作 / Actions",
                                        NULL};
    const json_t *items = json_object_get(doc, "items");
    size_t i;
    const json_t *it;
    if (json_array_size(items) == 0) {
        widget_empty(h, "actions-empty",
                     "没有需要处理的事项。/ Nothing needs attention: no detector fires on the "
                     "synced data.");
        return;
    }
    widget_table_begin(h, "actions", NULL, heads);
    json_array_foreach(items, i, it) actions_row(req, h, it);
    widget_table_end(h);
}

enum err page_actions(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct actions_filter f;
    json_t *doc = NULL, *brief = NULL;
    struct html h;
    struct app_actor who = web_actor(req);
    int64_t now = (int64_t)time(NULL);
    enum err e = actions_filter_parse(http_req_query_arg, req, who.role, who.name, now, &f, eb);
    e = e ? e : actions_list(page_db(req), &f, &doc, eb);
    e = e ? e : actions_brief(page_db(req), who.role, now, &brief, eb);
    if (e == ERR_OK) {
        web_page_begin(&h, resp, "今日待办 / Action center", "actions", req->auth);
        widget_page_head(&h, "今日待办 / Action center",
                         "现在需要处理的事项,按风险排序,并说明原因。/ What needs attention now, "
                         "ranked, with the rule and the values that fired it.");
        actions_brief_card(&h, brief);
        actions_counts(&h, json_object_get(doc, "counts"));
        html_raw(&h, "<section class=\"card\" id=\"action-list\">");
        actions_filters(req, &h);
        actions_table(req, &h, doc);
        html_raw(&h, "</section>");
        e = web_page_end(&h, resp, 200);
    }
    json_decref(doc);
    json_decref(brief);
    return e;
}

/* A refused form: post/redirect/get with the reason for a browser, else the error. */
ERR_MUST_USE static enum err page_action_refuse(struct http_req *req, struct http_resp *resp,
                                                enum err e, const struct errbuf *why,
                                                struct errbuf *eb)
{
    if (web_form_failure_shown(e) && web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/", "error", errbuf_message(why, e));
    *eb = *why;
    return e;
}

/* Applies op from the form and answers with post/redirect/get to "/". */
ERR_MUST_USE static enum err page_action_op(struct http_req *req, struct http_resp *resp,
                                            enum actions_op op, int64_t until, const char *assignee,
                                            const char *ok, struct errbuf *eb)
{
    struct errbuf why = {{0}, {0}};
    struct app_actor who = web_actor(req);
    enum err e = app_action_change(req->app, &who, op, http_req_param(req, "id"), until, assignee,
                                   NULL, &why);
    if (e == ERR_OK)
        return web_redirect_notice(req, resp, "/", "ok", ok);
    return page_action_refuse(req, resp, e, &why, eb);
}

enum err page_action_snooze(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    int64_t hours = 0;
    struct errbuf why = {{0}, {0}};
    const char *v = http_req_form(req, "hours");
    if (v == NULL || parse_int64(v, 1, 720, &hours) != ERR_OK)
        return page_action_refuse(
            req, resp, err_set(&why, ERR_INVAL, "bad_until", "hours is 1..720."), &why, eb);
    return page_action_op(req, resp, ACTIONS_OP_SNOOZE, (int64_t)time(NULL) + hours * 3600, NULL,
                          "已暂缓 / The item is snoozed.", eb);
}

enum err page_action_resolve(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return page_action_op(req, resp, ACTIONS_OP_RESOLVE, 0, NULL,
                          "已标记为处理 / The item is resolved.", eb);
}

enum err page_action_assign(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const char *a = http_req_form(req, "assignee");
    return page_action_op(req, resp, ACTIONS_OP_ASSIGN, 0, a != NULL ? a : "",
                          "已指派 / The item is assigned.", eb);
}

/*
 * One buyer case's page and its forms (case_page.h). Data from reply_case_get(); actions
 * through src/app/cases.h with post/redirect/get; no SQL here.
 */
#include "web/case_page.h"

#include <stdio.h>
#include <string.h>

#include "app/cases.h"
#include "base/buf.h"
#include "base/url.h"
#include "reply/cases.h"
#include "reply/draft.h"
#include "web/console.h"
#include "web/page.h"
#include "web/widget.h"

/* The fact names with their Chinese and English labels, in the panel's order. */
static const char *const case_fact_rows[][3] = {
    {"order", "订单号", "Order"},
    {"case", "售后单号", "Case"},
    {"case_status", "售后状态", "Case status"},
    {"refund", "已退款", "Refund paid"},
    {"carrier", "承运商", "Carrier"},
    {"tracking", "运单号", "Tracking number"},
    {"last_event", "最新轨迹", "Last event"},
    {"event_date", "轨迹日期", "Event date"},
    {"promised", "承诺送达", "Promised delivery"},
    {"ship_state", "发货状态", "Shipping state"},
};

static void case_words(struct html *h, const json_t *c)
{
    html_raw(h, "<section class=\"card\" id=\"buyer-words\"><h2>买家原话 / The buyer's "
                "words</h2><blockquote>");
    html_txt(h, *widget_json_str(c, "buyer_comment") ? widget_json_str(c, "buyer_comment") : "—");
    html_raw(h, "</blockquote><p class=\"muted\">原因 / Reason: ");
    html_txt(h, *widget_json_str(c, "reason") ? widget_json_str(c, "reason") : "—");
    html_raw(h, "</p></section>");
}

static void case_triage(struct html *h, const struct http_req *req, const json_t *doc)
{
    const json_t *t = json_object_get(doc, "triage"), *c = json_object_get(doc, "case");
    html_raw(h, "<section class=\"card\" id=\"triage\"><h2>意图 / Intent</h2><p>");
    widget_pill(h, "intent", widget_json_str(t, "intent"));
    html_txtf(h, " 置信度 / confidence %.0f%% (%s) · 语言 / language ",
              json_real_value(json_object_get(t, "confidence")) * 100.0,
              widget_json_str(t, "band"));
    html_txt(h, widget_json_str(t, "lang"));
    if (json_is_true(json_object_get(t, "urgent")))
        widget_pill(h, "urgent", "紧急 / urgent");
    if (json_string_value(json_object_get(t, "relabel")) != NULL)
        html_tpl(h, " · 模型 / model: {} · 人工标注 / relabelled by {}",
                 widget_json_str(t, "model_intent"), widget_json_str(t, "relabel_by"));
    html_raw(h, "</p><form method=\"post\" class=\"filters\" action=\"/cases/");
    html_url(h, widget_json_str(c, "id"));
    html_raw(h, "/label\">");
    widget_csrf(h, req->auth);
    html_tpl(h, "<input type=\"hidden\" name=\"connection_id\" value=\"{}\">",
             widget_json_str(c, "connection_id"));
    html_raw(h, "<label>改为 / Relabel as<select name=\"label\" id=\"f-label\">");
    for (unsigned i = 0; reply_intent_at(i) != NULL; i++) {
        bool on = strcmp(reply_intent_at(i), widget_json_str(t, "intent")) == 0;
        html_tpl(h,
                 on ? "<option value=\"{}\" selected>{}</option>"
                    : "<option value=\"{}\">{}</option>",
                 reply_intent_at(i), reply_intent_at(i));
    }
    html_raw(h, "</select></label><div class=\"actions\"><button type=\"submit\">保存标注 / Save "
                "label</button></div></form></section>");
}

static void case_facts(struct html *h, const json_t *doc)
{
    const json_t *f = json_object_get(doc, "facts"), *c = json_object_get(doc, "case");
    static const char *const heads[] = {"事实 / Fact", "值 / Value", NULL};
    html_raw(h, "<section class=\"card\" id=\"facts\"><h2>事实 / Facts</h2>");
    widget_table_begin(h, NULL, NULL, heads);
    for (size_t i = 0; i < sizeof case_fact_rows / sizeof case_fact_rows[0]; i++) {
        const char *v = json_string_value(json_object_get(f, case_fact_rows[i][0]));
        html_tpl(h, "<tr id=\"fact-{}\"><td>{} / {}</td><td>", case_fact_rows[i][0],
                 case_fact_rows[i][1], case_fact_rows[i][2]);
        if (v == NULL)
            html_raw(h, "<span class=\"muted\">缺失 / missing</span>");
        else if (i == 0)
            widget_order_link(h, v, widget_json_str(c, "connection_id"));
        else
            html_tpl(h, "<span class=\"mono\">{}</span>", v);
        html_raw(h, "</td></tr>");
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

/* The draft text with every quoted fact highlighted. */
static void case_draft_text(struct html *h, const json_t *draft)
{
    size_t i;
    const json_t *p;
    html_raw(h, "<p class=\"draft\" id=\"draft-text\">");
    json_array_foreach(json_object_get(draft, "parts"), i, p)
    {
        const char *fact = json_string_value(json_object_get(p, "fact"));
        if (fact != NULL)
            html_tpl(h, "<mark class=\"fact\" data-fact=\"{}\" title=\"{}\">{}</mark>", fact, fact,
                     widget_json_str(p, "text"));
        else
            html_txt(h, widget_json_str(p, "text"));
    }
    html_raw(h, "</p>");
}

/* The copy / mark sent / discard form for text (a stored draft's id, or the template's). */
static void case_decide_form(struct html *h, const struct http_req *req, const json_t *c,
                             const char *draft_id, const char *text, bool llm)
{
    html_raw(h, "<form method=\"post\" id=\"draft-form\" action=\"/cases/");
    html_url(h, widget_json_str(c, "id"));
    html_raw(h, "/draft\">");
    widget_csrf(h, req->auth);
    html_tpl(h,
             "<input type=\"hidden\" name=\"connection_id\" value=\"{}\"><input type=\"hidden\" "
             "name=\"draft_id\" value=\"{}\"><label>发出的文本 / Text that goes out<textarea "
             "name=\"text\" id=\"f-text\" rows=\"5\" maxlength=\"2800\">{}</textarea></label>",
             widget_json_str(c, "connection_id"), draft_id, text);
    html_raw(h, "<div class=\"actions\"><button type=\"submit\" name=\"action\" "
                "value=\"copied\">已复制 / Copied</button> <button type=\"submit\" "
                "name=\"action\" value=\"sent\">标记已发送 / Mark sent</button> <button "
                "type=\"submit\" class=\"secondary\" name=\"action\" value=\"discarded\">放弃 / "
                "Discard</button>");
    if (llm)
        html_raw(h, " <button type=\"submit\" class=\"secondary\" name=\"action\" "
                    "value=\"propose\">用 LLM 改写 / Reword with the LLM</button>");
    html_raw(h, "</div></form>");
}

static void case_checklist(struct html *h, const json_t *draft)
{
    size_t i;
    const json_t *it;
    html_raw(h,
             "<p class=\"notice info\" id=\"no-answer\">此意图不提供回复草稿,只给摘要和核对清单。"
             "/ This intent gets a summary and a checklist, never a proposed answer.</p>");
    case_draft_text(h, draft);
    html_raw(h, "<ul id=\"checklist\">");
    json_array_foreach(json_object_get(draft, "checklist"), i, it)
        html_tpl(h, "<li>{} / {}</li>", widget_json_str(it, "zh"), widget_json_str(it, "en"));
    html_raw(h, "</ul>");
}

static void case_draft(struct html *h, const struct http_req *req, const json_t *doc)
{
    const json_t *d = json_object_get(doc, "draft"), *c = json_object_get(doc, "case");
    const json_t *prop = json_object_get(doc, "proposed");
    const char *kind = widget_json_str(d, "kind");
    bool llm = json_is_true(json_object_get(doc, "llm_enabled"));
    html_raw(h, "<section class=\"card\" id=\"draft\"><h2>回复草稿 / Reply draft</h2>");
    if (strcmp(kind, "checklist") == 0) {
        case_checklist(h, d);
    } else if (strcmp(kind, "none") == 0) {
        html_raw(h, "<p class=\"notice error\" id=\"no-draft\">没有草稿 / No draft: ");
        html_txt(h, widget_json_str(d, "why"));
        html_raw(h, "</p>");
    } else {
        case_draft_text(h, d);
        html_tpl(h, "<p class=\"muted\">模板 / Template: {} · {}</p>", widget_json_str(d, "state"),
                 widget_json_str(d, "lang"));
        if (json_is_object(prop)) {
            html_tpl(h, "<p id=\"proposed\">待定草稿 / Proposed draft ({}): {}</p>",
                     widget_json_str(prop, "source"), widget_json_str(prop, "text"));
            if (*widget_json_str(prop, "llm_note"))
                html_tpl(h, "<p class=\"muted\" id=\"llm-note\">LLM: {}</p>",
                         widget_json_str(prop, "llm_note"));
        }
        case_decide_form(
            h, req, c, json_is_object(prop) ? widget_json_str(prop, "id") : "",
            json_is_object(prop) ? widget_json_str(prop, "text") : widget_json_str(d, "text"), llm);
    }
    html_raw(h, "</section>");
}

static void case_history(struct html *h, const json_t *doc)
{
    static const char *const heads[] = {"时间 / Created", "来源 / Source", "结果 / Outcome",
                                        "操作 / Action",  "操作人 / By",   NULL};
    const json_t *list = json_object_get(doc, "drafts");
    size_t i;
    const json_t *d;
    if (json_array_size(list) == 0)
        return;
    html_raw(h, "<section class=\"card\" id=\"draft-history\"><h2>草稿记录 / Drafts</h2>");
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(list, i, d)
    {
        html_raw(h, "<tr><td>");
        widget_time(h, widget_json_int(d, "created_at"));
        html_tpl(h, "</td><td>{}</td><td>", widget_json_str(d, "source"));
        widget_pill(h, widget_json_str(d, "state"), widget_json_str(d, "state"));
        html_tpl(h, "</td><td>{}</td><td>{}</td></tr>", widget_json_str(d, "action"),
                 *widget_json_str(d, "decided_by") ? widget_json_str(d, "decided_by")
                                                   : widget_json_str(d, "created_by"));
    }
    widget_table_end(h);
    html_raw(h, "</section>");
}

static const char *case_arg(const struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

enum err page_case(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *doc = NULL;
    struct html h;
    char title[160];
    const char *id = http_req_param(req, "id");
    enum err e = reply_case_get(app->db, case_arg(req, "connection_id"), id, &doc, eb);
    if (e != ERR_OK)
        return e;
    json_object_set_new(doc, "llm_enabled", json_boolean(app_case_llm_enabled(app)));
    snprintf(title, sizeof title, "买家请求 / Buyer case %.100s", id);
    web_page_begin(&h, resp, title, "cases", req->auth);
    widget_page_head(&h, title,
                     "草稿只使用数据库中的事实;由人复制或标记发送。/ Drafts state only facts from "
                     "the database; a person copies or marks them sent.");
    case_words(&h, json_object_get(doc, "case"));
    case_triage(&h, req, doc);
    case_facts(&h, doc);
    case_draft(&h, req, doc);
    case_history(&h, doc);
    e = web_page_end(&h, resp, 200);
    json_decref(doc);
    return e;
}

/* A form field, NULL when absent or empty. */
static const char *case_form(const struct http_req *req, const char *name)
{
    const char *v = http_req_form(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

/* Post/redirect/get back to the case page with the outcome as its notice; a missing case and a
 * server failure stay error pages (there is no case page to land on), an API token's refusal
 * its error. */
ERR_MUST_USE static enum err case_after(struct http_req *req, struct http_resp *resp, enum err e,
                                        const char *done, struct errbuf *why, struct errbuf *eb)
{
    struct buf loc = {.max = 1024};
    const char *conn = case_form(req, "connection_id");
    enum err u = buf_append(&loc, "/cases/", 7);
    u = u ? u : url_encode(&loc, http_req_param(req, "id"));
    if (conn != NULL) {
        u = u ? u : buf_append(&loc, "?connection_id=", 15);
        u = u ? u : url_encode(&loc, conn);
    }
    /* the Location header outlives this function: the request's arena owns it */
    const char *where = u == ERR_OK ? arena_strdup(req->arena, loc.data) : NULL;
    u = u == ERR_OK && where == NULL ? ERR_NOMEM : u;
    if (u == ERR_OK && e == ERR_OK)
        u = web_redirect_notice(req, resp, where, "ok", done);
    else if (u == ERR_OK &&
             (e == ERR_NOTFOUND || http_status_for_err(e) >= 500 || !web_form_redirects(req, e))) {
        *eb = *why;
        u = e;
    } else if (u == ERR_OK) {
        u = web_redirect_notice(req, resp, where, "error", errbuf_message(why, e));
    } else {
        u = err_set(eb, u, NULL, "the case address is too long");
    }
    buf_free(&loc);
    return u;
}

enum err page_case_draft(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = web_actor(req);
    struct errbuf why = {0};
    json_t *doc = NULL;
    const char *action = case_form(req, "action"), *conn = case_form(req, "connection_id");
    const char *id = http_req_param(req, "id");
    enum err e;
    const char *done;
    if (action != NULL && strcmp(action, "propose") == 0) {
        e = app_case_draft_propose(req->app, &who, conn, id, &doc, &why);
        done = "已生成新草稿。/ A new draft is proposed.";
    } else {
        e = app_case_draft_decide(req->app, &who, conn, id, case_form(req, "draft_id"), action,
                                  case_form(req, "text"), &doc, &why);
        done = "已记录草稿结果。/ The draft's outcome is recorded.";
    }
    json_decref(doc);
    return case_after(req, resp, e, done, &why, eb);
}

enum err page_case_label(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app_actor who = web_actor(req);
    struct errbuf why = {0};
    enum err e = app_case_relabel(req->app, &who, case_form(req, "connection_id"),
                                  http_req_param(req, "id"), case_form(req, "label"), &why);
    return case_after(req, resp, e, "已保存人工标注。/ The label is saved.", &why, eb);
}

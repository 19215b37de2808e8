/*
 * The buyer-cases page: buyer-initiated after-sales, cancellation and address-change
 * requests and the orders whose labels say a buyer asked for something, newest first, each
 * with its intent (the classifier's, or an operator's relabel), confidence, language and
 * priority; filters by intent and priority. Data comes from reply_cases_list() and
 * query_stream_states(); no SQL here. One after-sales case has its page (case_page.c).
 */
#include "web/cases_page.h"

#include <stdio.h>
#include <string.h>

#include "reply/cases.h"
#include "reply/draft.h"
#include "sync/query.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/status.h"
#include "web/widget.h"

#define CASES_SHOWN 100 /* buyer cases on the /cases page */

/* An after-sales value as a word of the vocabulary, its code in the tooltip. */
static void cases_status(struct html *h, const char *what, int64_t v)
{
    char code[48];
    snprintf(code, sizeof code, "aftersales_%s_%lld", what, (long long)v);
    if (web_status_aftersales(what, (long long)v) != NULL)
        widget_status(h, code);
    else
        html_txtf(h, "%s %lld", what, (long long)v);
}

/* The link to an after-sales case's page, its number as the text. */
static void cases_case_link(struct html *h, const char *id, const char *connection_id)
{
    html_raw(h, "<a class=\"mono\" href=\"/cases/");
    html_url(h, id);
    html_raw(h, "?connection_id=");
    html_url(h, connection_id);
    html_raw(h, "\">");
    html_txt(h, id);
    html_raw(h, "</a>");
}

/* Intent, confidence and band, language, priority of a listed case. */
static void cases_triage_cells(struct html *h, const json_t *t)
{
    html_raw(h, "<td>");
    widget_pill(h, "intent", widget_json_str(t, "intent"));
    if (json_string_value(json_object_get(t, "relabel")) != NULL)
        html_raw(h, " <span class=\"muted\">(人工 / relabelled)</span>");
    html_txtf(h, "</td><td>%.0f%% · %s</td><td>",
              json_real_value(json_object_get(t, "confidence")) * 100.0,
              widget_json_str(t, "band"));
    html_txt(h, *widget_json_str(t, "lang") ? widget_json_str(t, "lang") : "—");
    html_raw(h, "</td><td>");
    if (strcmp(widget_json_str(t, "priority"), "high") == 0)
        widget_pill(h, "urgent", "高 / high");
    else
        html_raw(h, "<span class=\"muted\">普通 / normal</span>");
    html_raw(h, "</td>");
}

/* One listed case; with_triage adds the intent, confidence, language and priority cells. */
static void cases_row(struct html *h, const json_t *c, bool with_triage)
{
    bool label = strcmp(widget_json_str(c, "kind"), "order_label") == 0;
    bool after = strcmp(widget_json_str(c, "kind"), "after_sales") == 0;
    html_raw(h, label   ? "<tr><td>订单标签 / Order label</td><td>"
                : after ? "<tr><td>售后 / After-sales</td><td>"
                        : "<tr><td>取消 / Cancellation</td><td>");
    if (after)
        cases_case_link(h, widget_json_str(c, "id"), widget_json_str(c, "connection_id"));
    else
        html_tpl(h, "<span class=\"mono\">{}</span>", widget_json_str(c, "id"));
    html_raw(h, "</td><td>");
    widget_order_link(h, widget_json_str(c, "parent_order_sn"),
                      widget_json_str(c, "connection_id"));
    html_raw(h, "</td>");
    if (with_triage)
        cases_triage_cells(h, json_object_get(c, "triage"));
    html_raw(h, "<td>");
    if (label) {
        widget_label(h, widget_json_str(c, "label"));
    } else {
        cases_status(h, "status", widget_json_int(c, "status"));
        html_raw(h, " ");
        cases_status(h, "type", widget_json_int(c, "type"));
    }
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(c, "updated_at"));
    html_raw(h, "</td></tr>");
}

/* The cases table of a {"cases": [...]} document; empty_msg (a catalog key) when empty. */
static void cases_table(struct html *h, const json_t *doc, bool with_triage, int empty_msg)
{
    static const char *const heads[] = {"类型 / Kind",   "请求 / Case",    "订单 / Order",
                                        "状态 / Status", "更新 / Updated", NULL};
    static const char *const triage_heads[] = {"类型 / Kind",         "请求 / Case",
                                               "订单 / Order",        "意图 / Intent",
                                               "置信度 / Confidence", "语言 / Language",
                                               "优先级 / Priority",   "状态 / Status",
                                               "更新 / Updated",      NULL};
    const json_t *cases = json_object_get(doc, "cases");
    size_t i;
    const json_t *c;
    if (json_array_size(cases) == 0) {
        widget_empty_msg(h, "cases-empty", empty_msg);
        return;
    }
    widget_table_begin(h, NULL, NULL, with_triage ? triage_heads : heads);
    json_array_foreach(cases, i, c) cases_row(h, c, with_triage);
    widget_table_end(h);
}

void web_cases_table(struct html *h, const json_t *doc, int empty_msg)
{
    cases_table(h, doc, false, empty_msg);
}

/* The GET filter form: intent and priority. */
static void cases_filters(struct html *h, const char *intent, const char *priority)
{
    html_raw(h, "<form class=\"filters card\" method=\"get\" action=\"/cases\" "
                "id=\"case-filters\"><label>意图 / Intent<select name=\"intent\" "
                "id=\"f-intent\"><option value=\"\">全部 / all</option>");
    for (unsigned i = 0; reply_intent_at(i) != NULL; i++) {
        const char *v = reply_intent_at(i);
        bool on = intent != NULL && strcmp(intent, v) == 0;
        html_tpl(h,
                 on ? "<option value=\"{}\" selected>{}</option>"
                    : "<option value=\"{}\">{}</option>",
                 v, v);
    }
    html_raw(h, "</select></label><label>优先级 / Priority<select name=\"priority\" "
                "id=\"f-priority\"><option value=\"\">全部 / all</option>");
    html_raw(h, priority != NULL && strcmp(priority, "high") == 0
                    ? "<option value=\"high\" selected>高 / high</option>"
                    : "<option value=\"high\">高 / high</option>");
    html_raw(h, priority != NULL && strcmp(priority, "normal") == 0
                    ? "<option value=\"normal\" selected>普通 / normal</option>"
                    : "<option value=\"normal\">普通 / normal</option>");
    html_raw(h, "</select></label><div class=\"actions\"><button type=\"submit\">筛选 / "
                "Filter</button> <a class=\"button secondary\" href=\"/cases\">清除 / "
                "Clear</a></div></form>");
}

static const char *cases_arg(const struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && *v != '\0' ? v : NULL;
}

enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const struct reply_cases_filter f = {.intent = cases_arg(req, "intent"),
                                         .priority = cases_arg(req, "priority"),
                                         .limit = CASES_SHOWN};
    json_t *states = NULL, *doc = NULL;
    struct html h;
    enum err e = query_stream_states(app->db, "buyer_cases", &states, eb);
    e = e ? e : reply_cases_list(app->db, &f, &doc, eb);
    if (e != ERR_OK)
        goto out;
    web_page_begin(&h, resp, "买家请求 / Buyer cases", "cases", req->auth);
    widget_page_head_msg(&h, "买家请求 / Buyer cases", MSG_P_CASES_PAGE_2);
    html_raw(&h, "<div class=\"notice info\" id=\"no-chat-api\">Temu 不提供买家聊天接口。"
                 "本产品所说的“买家消息”就是 Temu 开放的买家发起的请求:售后(退货/退款)、"
                 "取消订单和修改地址请求。/ Temu offers no buyer-chat API. What this product "
                 "calls buyer messages are the buyer-initiated cases Temu does expose: "
                 "after-sales requests (returns / refunds), cancellation requests and "
                 "address-change requests.</div>");
    cases_filters(&h, f.intent, f.priority);
    html_raw(&h, "<section class=\"card\" id=\"cases\">");
    cases_table(&h, doc, true,
                f.intent != NULL || f.priority != NULL ? MSG_P_CASES_FILTERED : MSG_P_CASES_PAGE_1);
    widget_stream_status(&h, states, "buyer_cases");
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, 200);
out:
    json_decref(states);
    json_decref(doc);
    return e;
}

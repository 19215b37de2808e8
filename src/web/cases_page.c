/*
 * The buyer-cases page: buyer-initiated after-sales, cancellation and address-change
 * requests and the orders whose labels say a buyer asked for something, newest first. Data
 * comes from sync_cases_list() and query_stream_states(); no SQL here.
 */
#include "web/cases_page.h"

#include <stdio.h>
#include <string.h>

#include "sync/query.h"
#include "sync/sync.h"
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

static void cases_row(struct html *h, const json_t *c)
{
    bool label = strcmp(widget_json_str(c, "kind"), "order_label") == 0;
    html_tpl(h,
             label ? "<tr><td>订单标签 / Order label</td><td class=\"mono\">{}</td><td>"
                   : "<tr><td>售后 / After-sales</td><td class=\"mono\">{}</td><td>",
             widget_json_str(c, "id"));
    widget_order_link(h, widget_json_str(c, "parent_order_sn"),
                      widget_json_str(c, "connection_id"));
    html_raw(h, "</td><td>");
    if (label) {
        widget_pill(h, "label", widget_json_str(c, "label"));
    } else {
        cases_status(h, "status", widget_json_int(c, "status"));
        html_raw(h, " ");
        cases_status(h, "type", widget_json_int(c, "type"));
    }
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(c, "updated_at"));
    html_raw(h, "</td></tr>");
}

void web_cases_table(struct html *h, const json_t *doc, int empty_msg)
{
    static const char *const heads[] = {"类型 / Kind",   "请求 / Case",    "订单 / Order",
                                        "状态 / Status", "更新 / Updated", NULL};
    const json_t *cases = json_object_get(doc, "cases");
    size_t i;
    const json_t *c;
    if (json_array_size(cases) == 0) {
        widget_empty_msg(h, "cases-empty", empty_msg);
        return;
    }
    widget_table_begin(h, NULL, NULL, heads);
    json_array_foreach(cases, i, c) cases_row(h, c);
    widget_table_end(h);
}

enum err page_cases(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const struct sync_cases_filter f = {.limit = CASES_SHOWN};
    json_t *states = NULL, *doc = NULL;
    struct html h;
    enum err e = query_stream_states(app->db, "buyer_cases", &states, eb);
    e = e ? e : sync_cases_list(app->db, &f, &doc, eb);
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
    html_raw(&h, "<section class=\"card\" id=\"cases\">");
    web_cases_table(&h, doc, MSG_P_CASES_PAGE_1);
    widget_stream_status(&h, states, "buyer_cases");
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, 200);
out:
    json_decref(states);
    json_decref(doc);
    return e;
}

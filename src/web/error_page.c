/* Error answers as console pages for browsers (web/error_page.h). */
#include "web/error_page.h"

#include <jansson.h>
#include <string.h>

#include "auth/principal.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/widget.h"

/* Where Seller Center sends the seller's browser after an authorization (a /api/ path). */
#define ERROR_CALLBACK_PATH "/api/v1/integrations/temu/authorization/callback"

bool web_error_wants_page(const struct http_req *req)
{
    if (http_req_header(req, "Authorization") != NULL)
        return false;
    const char *accept = http_req_header(req, "Accept");
    if (accept == NULL || strstr(accept, "text/html") == NULL)
        return false;
    const char *path = req->path != NULL ? req->path : "";
    return strncmp(path, "/api/", 5) != 0 || strcmp(path, ERROR_CALLBACK_PATH) == 0;
}

/* What a status means to a person (a heading pair) and what they can do next (the catalog). */
struct error_text {
    int status;
    const char *title;
    enum web_msg_id next;
};

static const struct error_text error_texts[] = {
    {400, "请求有误 / Bad request", MSG_ERR_400_NEXT},
    {401, "请先登录 / Sign in first", MSG_ERR_401_NEXT},
    {403, "没有权限 / Not allowed", MSG_ERR_403_NEXT},
    {404, "页面不存在 / Page not found", MSG_ERR_404_NEXT},
    {405, "不支持此操作 / Method not allowed", MSG_ERR_405_NEXT},
    {409, "状态冲突 / Conflict", MSG_ERR_409_NEXT},
    {413, "内容过大 / Request too large", MSG_ERR_413_NEXT},
    {414, "网址过长 / Address too long", MSG_ERR_414_NEXT},
    {415, "内容类型不支持 / Unsupported content type", MSG_ERR_415_NEXT},
    {422, "无法处理 / Cannot process", MSG_ERR_422_NEXT},
    {429, "操作太频繁 / Too many requests", MSG_ERR_429_NEXT},
    {431, "请求头过大 / Headers too large", MSG_ERR_431_NEXT},
    {502, "上游服务出错 / An outside service failed", MSG_ERR_502_NEXT},
    {503, "暂时无法服务 / Temporarily unavailable", MSG_ERR_503_NEXT},
};

static const struct error_text *error_text_for(int status)
{
    static const struct error_text fallback = {500, "服务器出错 / Something went wrong",
                                               MSG_ERR_500_NEXT};
    for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++) {
        if (error_texts[i].status == status)
            return &error_texts[i];
    }
    return &fallback;
}

/* The callback's refusals: what happened to the authorization and how to start again. */
static void error_callback_next(struct html *h, const char *code)
{
    html_raw(h, "<p id=\"error-next\">");
    widget_msg(h,
               strstr(code, "denied") != NULL ? MSG_ERR_CALLBACK_DENIED : MSG_ERR_CALLBACK_FAILED);
    html_raw(h, "</p>");
}

/* The error's own sentence, in the reader's language when the catalog knows its code; the code
 * in a tooltip. */
static void error_detail(struct html *h, const char *message, const char *code)
{
    int id = web_msg_for_code(code);
    if (message[0] == '\0' && id < 0)
        return;
    html_raw(h, "<p id=\"error-detail\">");
    if (id >= 0 && h->lang == WEB_LANG_ZH)
        widget_msg(h, id);
    else
        html_txt(h, message);
    html_tpl(h, " <code title=\"{}\">{}</code></p>", message, code);
}

void web_error_page(const struct http_req *req, const struct route *route, struct http_resp *resp)
{
    (void)route;
    if (!web_error_wants_page(req))
        return;
    json_t *doc = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, NULL);
    json_t *err = json_object_get(doc, "error");
    const char *code = widget_json_str(err, "code");
    const char *message = widget_json_str(err, "message");
    int status = resp->status;
    const struct error_text *t = error_text_for(status);
    bool callback = req->path != NULL && strcmp(req->path, ERROR_CALLBACK_PATH) == 0;
    const char *title = callback ? "Temu 授权失败 / Temu authorization failed" : t->title;
    struct html h;
    web_page_begin_req(&h, resp, title, NULL, req);
    html_raw(&h, "<section class=\"card error-page\" id=\"error\" data-status=\"");
    html_int(&h, status);
    html_raw(&h, "\">");
    html_raw(&h, "<h1>");
    html_txt(&h, title);
    html_raw(&h, " <span class=\"muted\">");
    html_int(&h, status);
    html_raw(&h, "</span></h1>");
    if (callback)
        error_callback_next(&h, code);
    else {
        bool csrf = strstr(code, "csrf_failed") != NULL || strcmp(code, "origin_mismatch") == 0;
        html_raw(&h, "<p id=\"error-next\">");
        widget_msg(&h, csrf ? MSG_ERR_CSRF_NEXT : t->next);
        html_raw(&h, "</p>");
    }
    error_detail(&h, message, code);
    html_raw(&h, "<p class=\"muted\">");
    widget_msg(&h, MSG_ERR_REQUEST_ID);
    html_tpl(&h, ": <code>{}</code></p>", req->rid);
    html_raw(&h, "<p><a class=\"button\" href=\"/\">");
    widget_msg(&h, MSG_ERR_BACK);
    html_raw(&h, "</a>");
    if (callback)
        html_raw(&h, " <a class=\"button secondary\" href=\"/integrations\">平台集成 / "
                     "Integrations</a>");
    html_raw(&h, "</p></section>");
    if (web_page_end(&h, resp, status) != ERR_OK) { /* out of memory: keep a plain answer */
        buf_reset(&resp->body);
        resp->content_type = "application/json";
        err_discard(buf_puts(&resp->body, "{\"error\":{\"code\":\"internal_error\","
                                          "\"message\":\"An internal error occurred.\"}}"));
    }
    json_decref(doc);
}

/* Error answers as console pages for browsers (web/error_page.h). */
#include "web/error_page.h"

#include <jansson.h>
#include <string.h>

#include "auth/principal.h"
#include "web/console.h"
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

/* What a status means to a person and what they can do next. */
struct error_text {
    int status;
    const char *title, *next;
};

static const struct error_text error_texts[] = {
    {400, "请求有误 / Bad request",
     "请返回上一页重新填写后再提交。/ Go back, correct the form and send it again."},
    {401, "请先登录 / Sign in first",
     "请登录后再打开此页面。/ Sign in, then open this page again."},
    {403, "没有权限 / Not allowed",
     "您的角色不能执行此操作。请联系卖家管理员(seller_admin)调整您的角色,或返回首页。/ Your role "
     "cannot do this. Ask a seller admin to change your role, or go back to the console."},
    {404, "页面不存在 / Page not found",
     "请检查网址,或从导航进入需要的页面。/ Check the address, or pick the page from the "
     "navigation above."},
    {405, "不支持此操作 / Method not allowed",
     "此地址不接受这种请求;请从页面上的按钮或链接进入。/ This address does not take this kind of "
     "request; use the page's own buttons and links."},
    {409, "状态冲突 / Conflict",
     "数据已被其他操作修改;请刷新页面后再试。/ Something changed meanwhile; reload the page and "
     "try again."},
    {413, "内容过大 / Request too large",
     "提交的内容超过了上限;请缩短后再提交。/ What was sent is larger than the limit; send less."},
    {414, "网址过长 / Address too long",
     "网址超过 2048 字节;请缩短搜索内容后再试。/ The address is longer than 2048 bytes; shorten "
     "the search and try again."},
    {415, "内容类型不支持 / Unsupported content type",
     "请使用页面上的表单提交。/ Send it with the page's own form."},
    {422, "无法处理 / Cannot process",
     "提交的值未通过检查(见下方说明);请更正后再提交。/ A value did not pass the checks (see "
     "below); correct it and send it again."},
    {429, "操作太频繁 / Too many requests", "请稍候片刻再试。/ Wait a moment and try again."},
    {431, "请求头过大 / Headers too large",
     "请清除此站点的 Cookie 后重试。/ Clear this site's cookies and try again."},
    {502, "上游服务出错 / An outside service failed",
     "Temu 或其他外部服务未正常响应;请稍后重试。/ Temu or another outside service did not answer "
     "properly; try again later."},
    {503, "暂时无法服务 / Temporarily unavailable",
     "服务器正忙或正在维护;请稍后重试。/ The server is busy or in maintenance; try again shortly."},
};

static const struct error_text *error_text_for(int status)
{
    static const struct error_text fallback = {
        500, "服务器出错 / Something went wrong",
        "这不是您的错误;请稍后重试,并把下面的请求编号告诉管理员。/ This is not your mistake; try "
        "again later and give an administrator the request id below."};
    for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++) {
        if (error_texts[i].status == status)
            return &error_texts[i];
    }
    return &fallback;
}

/* The callback's refusals: what happened to the authorization and how to start again. */
static void error_callback_next(struct html *h, const char *code)
{
    if (strstr(code, "denied") != NULL)
        html_raw(h, "<p id=\"error-next\">店铺授权在卖家中心被拒绝,未保存任何内容。如需连接,请在"
                    "“平台集成”页重新发起授权,并在卖家中心点击同意。/ The authorization was "
                    "declined in Seller Center; nothing was stored. To connect the shop, start a "
                    "new authorization on Integrations and approve it in Seller Center.</p>");
    else
        html_raw(h, "<p id=\"error-next\">授权未完成,未保存任何内容。授权链接只能使用一次且会过期;"
                    "请在“平台集成”页重新发起授权。/ The authorization did not complete and "
                    "nothing was stored. An authorization link works once and expires; start a new "
                    "one on Integrations.</p>");
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
    web_page_begin(&h, resp, title, NULL, req->auth);
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
    else if (strstr(code, "csrf_failed") != NULL || strcmp(code, "origin_mismatch") == 0)
        html_raw(&h,
                 "<p id=\"error-next\">表单已过期或来自其他网站,未执行任何操作。请重新打开页面后再"
                 "提交。/ The form was stale or came from another site, so nothing was done. "
                 "Open the page again and send the form from there.</p>");
    else
        html_tpl(&h, "<p id=\"error-next\">{}</p>", t->next);
    if (message[0] != '\0')
        html_tpl(&h, "<p id=\"error-detail\">{} <code>{}</code></p>", message, code);
    html_tpl(&h, "<p class=\"muted\">请求编号 / Request id: <code>{}</code></p>", req->rid);
    html_raw(&h, "<p><a class=\"button\" href=\"/\">返回控制台 / Back to the console</a>");
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

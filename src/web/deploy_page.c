/*
 * The standalone /deploy page (issue 6) with its forms: re-run preflight and DNS, record or
 * revoke the mainland China sign-off. Each form redirects back to /deploy, or shows the
 * page with the error. The audited use-cases are src/app/deploy.h, shared with the JSON API.
 */
#include "web/deploy_page.h"

#include "app/deploy.h"
#include "auth/principal.h"
#include "base/json.h"
#include "web/console.h"
#include "web/deploy_section.h"
#include "web/widget.h"
#include "web/page.h"

/* The forms that re-run checks and record or revoke the sign-off. */
static void page_deploy_actions(struct http_req *req, struct html *h)
{
    html_raw(h, "<section class=\"card deploy-actions\"><h2>操作 / Actions</h2><form "
                "method=\"post\" action=\"/deploy/preflight\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<button type=\"submit\">重新预检 / Re-run preflight</button></form><form "
                "method=\"post\" action=\"/deploy/dns\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<button type=\"submit\">重新检查 DNS / Re-check DNS</button></form><form "
                "method=\"post\" action=\"/deploy/mainland/sign-off\"><h3>大陆托管合规签核 / "
                "Mainland China sign-off</h3>");
    widget_csrf(h, req->auth);
    html_raw(h, "<label for=\"cleared_by\">签核人 / Cleared by (person or team)</label>"
                "<input id=\"cleared_by\" name=\"cleared_by\" required maxlength=\"128\">"
                "<label><input type=\"checkbox\" name=\"cleared_domain\" value=\"on\"> "
                "域名 / domain</label>"
                "<label><input type=\"checkbox\" name=\"cleared_hosting\" value=\"on\"> "
                "托管 / hosting</label>"
                "<label><input type=\"checkbox\" name=\"cleared_data\" value=\"on\"> "
                "数据 / data</label>"
                "<label><input type=\"checkbox\" name=\"cleared_compliance\" value=\"on\"> "
                "合规 / compliance</label>"
                "<label for=\"note\">备注 / Note</label>"
                "<input id=\"note\" name=\"note\" maxlength=\"1000\">"
                "<p><button type=\"submit\">记录签核 / Record sign-off</button></p></form>"
                "<form method=\"post\" action=\"/deploy/mainland/revoke\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<label for=\"reason\">撤销原因 / Revocation reason</label>"
                "<input id=\"reason\" name=\"reason\" required maxlength=\"1000\">"
                "<p><button type=\"submit\">撤销签核 / Revoke sign-off</button></p>"
                "</form></section>");
}

/* Renders /deploy with an optional error sentence at the top. */
ERR_MUST_USE static enum err page_deploy_render(struct http_req *req, struct http_resp *resp,
                                                int status, const char *error)
{
    struct app *app = req->app;
    struct html h;
    web_page_begin(&h, resp, "公网回调部署 / Public Callback Deployment", "deploy", req->auth);
    if (error != NULL)
        widget_alert(&h, error);
    if (html_err(&h) == ERR_OK)
        h.e = web_deploy_section(h.b, app->cfg, app->db);
    page_deploy_actions(req, &h);
    return web_page_end(&h, resp, status);
}

enum err page_deploy(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    return page_deploy_render(req, resp, 200, NULL);
}

/* After a form action: back to the page with the result (or, for a browser, the refusal) as
 * its notice; an API token caller gets the page with the error. */
ERR_MUST_USE static enum err page_deploy_after(struct http_req *req, struct http_resp *resp,
                                               enum err e, int done, struct errbuf *why,
                                               struct errbuf *eb)
{
    if (e == ERR_OK)
        return web_redirect_msg(req, resp, "/deploy", "ok", done);
    if (http_status_for_err(e) >= 500) {
        *eb = *why;
        return e;
    }
    if (web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/deploy", "error", web_error_text(req, why, e));
    return page_deploy_render(req, resp, http_status_for_err(e), web_error_text(req, why, e));
}

enum err page_deploy_preflight(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    json_t *result = NULL;
    struct app_actor who = web_actor(req);
    enum err e = app_deploy_check_run(req->app, &who, "preflight", NULL, &result, &why);
    json_decref(result);
    return page_deploy_after(req, resp, e, MSG_N_PREFLIGHT_DONE, &why, eb);
}

enum err page_deploy_dns(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    json_t *result = NULL;
    struct app_actor who = web_actor(req);
    enum err e = app_deploy_check_run(req->app, &who, "dns", NULL, &result, &why);
    json_decref(result);
    return page_deploy_after(req, resp, e, MSG_N_DNS_DONE, &why, eb);
}

/* A form field as a JSON string ("" when absent); ERR_INVAL when it is not UTF-8. */
ERR_MUST_USE static enum err page_deploy_field(struct http_req *req, const char *name, json_t **out,
                                               struct errbuf *eb)
{
    const char *v = http_req_form(req, name);
    *out = json_string(v != NULL ? v : "");
    if (*out == NULL)
        return err_set(eb, ERR_INVAL, "bad_field", "%s must be UTF-8 text.", name);
    return ERR_OK;
}

enum err page_deploy_sign_off(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const char *const items[] = {"domain", "hosting", "data", "compliance"};
    struct errbuf why = {0};
    json_t *so = NULL, *by = NULL, *note = NULL, *cleared = json_array();
    json_t *body = json_object();
    enum err e = body != NULL && cleared != NULL ? ERR_OK : ERR_NOMEM;
    for (size_t i = 0; e == ERR_OK && i < sizeof items / sizeof items[0]; i++) {
        const char *name = arena_printf(req->arena, "cleared_%s", items[i]);
        if (name == NULL)
            e = ERR_NOMEM;
        else if (http_req_form(req, name) != NULL &&
                 json_array_append_new(cleared, json_string(items[i])) != 0)
            e = ERR_NOMEM;
    }
    if (e == ERR_OK)
        e = page_deploy_field(req, "cleared_by", &by, &why);
    if (e == ERR_OK)
        e = page_deploy_field(req, "note", &note, &why);
    if (e == ERR_OK && (json_object_set(body, "cleared_by", by) != 0 ||
                        json_object_set(body, "cleared", cleared) != 0 ||
                        json_object_set(body, "note", note) != 0))
        e = ERR_NOMEM;
    struct app_actor who = web_actor(req);
    if (e == ERR_OK)
        e = app_deploy_sign_off(req->app, &who, body, &so, &why);
    json_decref(so);
    json_decref(by);
    json_decref(note);
    json_decref(cleared);
    json_decref(body);
    return page_deploy_after(req, resp, e, MSG_N_SIGNOFF_RECORDED, &why, eb);
}

enum err page_deploy_revoke(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    json_t *so = NULL, *reason = NULL, *body = json_object();
    enum err e = body != NULL ? page_deploy_field(req, "reason", &reason, &why) : ERR_NOMEM;
    if (e == ERR_OK && json_object_set(body, "reason", reason) != 0)
        e = ERR_NOMEM;
    struct app_actor who = web_actor(req);
    if (e == ERR_OK)
        e = app_deploy_revoke(req->app, &who, body, &so, &why);
    json_decref(so);
    json_decref(reason);
    json_decref(body);
    return page_deploy_after(req, resp, e, MSG_N_SIGNOFF_REVOKED, &why, eb);
}

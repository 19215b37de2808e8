/* The Users and API tokens pages (web/team_page.h). No SQL here: reads through src/auth's
 * list functions, changes through src/app/admin.h. */
#include "web/team_page.h"

#include <stdio.h>
#include <string.h>

#include "app/admin.h"
#include "auth/tokens.h"
#include "auth/users.h"
#include "base/secure.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/widget.h"

static const char *const team_roles[] = {"viewer", "operator", "ops", "seller_admin"};

/* <select name="role"> (with id unless NULL) with the four roles, selected preselected. */
static void team_role_select(struct html *h, const char *id, const char *selected)
{
    if (id != NULL)
        html_tpl(h, "<select name=\"role\" id=\"{}\">", id);
    else
        html_raw(h, "<select name=\"role\" aria-label=\"角色 / Role\">");
    for (size_t i = 0; i < sizeof team_roles / sizeof team_roles[0]; i++) {
        html_tpl(h, "<option value=\"{}\"", team_roles[i]);
        if (selected != NULL && strcmp(selected, team_roles[i]) == 0)
            html_raw(h, " selected");
        html_tpl(h, ">{}</option>", team_roles[i]);
    }
    html_raw(h, "</select>");
}

/* The action's path for one user: /users/NAME/VERB (the name percent-encoded). */
static const char *team_user_path(struct http_req *req, const char *name, const char *verb)
{
    struct buf b = {0};
    struct html h;
    html_init(&h, &b);
    html_raw(&h, "/users/");
    html_url(&h, name);
    html_raw(&h, "/");
    html_raw(&h, verb);
    const char *out = html_err(&h) == ERR_OK ? arena_strdup(req->arena, b.data) : NULL;
    buf_free(&b);
    return out != NULL ? out : "/users";
}

static void team_user_row(struct http_req *req, struct html *h, const json_t *u)
{
    const struct auth_principal *p = req->auth;
    const char *name = widget_json_str(u, "name");
    bool disabled = json_is_true(json_object_get(u, "disabled"));
    bool self = p != NULL && strcmp(p->name, name) == 0;
    html_tpl(h, "<tr data-user=\"{}\"><td>{}</td><td>", name, name);
    html_txt(h, widget_json_str(u, "role"));
    html_raw(h, "</td><td>");
    if (disabled)
        widget_pill(h, "failed", "已停用 / Disabled");
    else if (json_is_true(json_object_get(u, "locked")))
        widget_pill(h, "warning", "已锁定 / Locked");
    else
        widget_pill(h, "active", "正常 / Active");
    html_raw(h, "</td><td>");
    widget_time_iso(h, widget_json_str(u, "created_at"));
    html_raw(h, "</td><td class=\"row-actions\">");
    if (self) {
        html_raw(h, "<span class=\"muted\">您自己 / You</span>");
    } else {
        html_tpl(h, "<form class=\"inline\" method=\"post\" action=\"{}\">",
                 team_user_path(req, name, "role"));
        widget_csrf(h, p);
        team_role_select(h, NULL, widget_json_str(u, "role"));
        html_raw(h, "<button class=\"secondary\" type=\"submit\">改角色 / Change role</button>"
                    "</form> ");
        widget_post_button(h, team_user_path(req, name, disabled ? "enable" : "disable"), p, NULL,
                           0, "secondary", disabled ? "启用 / Enable" : "停用 / Disable");
        html_raw(h, " ");
        widget_post_button(h, team_user_path(req, name, "password"), p, NULL, 0, "secondary",
                           "重置密码 / Reset password");
    }
    html_raw(h, "</td></tr>");
}

enum err page_users(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const char *const heads[] = {"用户 / User",    "角色 / Role",    "状态 / State",
                                        "创建 / Created", "操作 / Actions", NULL};
    const struct app *app = req->app;
    json_t *list = NULL;
    struct html h;
    enum err e = auth_user_list(app->db, &list, eb);
    if (e != ERR_OK)
        return e;
    web_page_begin(&h, resp, "用户 / Users", "users", req->auth);
    widget_page_head_msg(&h, "用户 / Users", MSG_P_TEAM_PAGE_22);
    html_raw(&h, "<section class=\"card\" id=\"user-add\"><h2>添加用户 / Add a user</h2>"
                 "<form class=\"filters\" method=\"post\" action=\"/users\">");
    widget_csrf(&h, req->auth);
    html_raw(&h, "<label>用户名 / Name<input name=\"name\" id=\"f-name\" maxlength=\"64\" "
                 "required></label><label>角色 / Role");
    team_role_select(&h, "f-role", "viewer");
    html_raw(&h, "</label><div class=\"actions\"><button type=\"submit\">添加并生成密码 / Add "
                 "with a generated password</button></div></form></section>");
    html_raw(&h, "<section class=\"card\" id=\"users\">");
    size_t i;
    const json_t *u;
    widget_table_begin(&h, NULL, NULL, heads);
    json_array_foreach(list, i, u) team_user_row(req, &h, u);
    widget_table_end(&h);
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, 200);
    json_decref(list);
    return e;
}

/* Post/redirect/get for a team action: the result (or, for a browser, the refusal) as the next
 * page's notice. A server failure stays an error page. */
ERR_MUST_USE static enum err team_after(struct http_req *req, struct http_resp *resp,
                                        const char *page, enum err e, const char *done,
                                        struct errbuf *why, struct errbuf *eb)
{
    if (e == ERR_OK)
        return web_redirect_notice(req, resp, page, "ok", done);
    if (http_status_for_err(e) >= 500) {
        *eb = *why;
        return e;
    }
    if (!web_form_redirects(req, e)) { /* an API token: the refusal as the error (page or JSON) */
        *eb = *why;
        return e;
    }
    return web_redirect_notice(req, resp, page, "error", web_error_text(req, why, e));
}

enum err page_user_add(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    char pw[AUTH_GENERATED_LEN + 1], done[256];
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_form(req, "name");
    enum err e = app_user_add(req->app, &who, name, http_req_form(req, "role"), pw, &why);
    if (e == ERR_OK)
        snprintf(done, sizeof done,
                 "已添加用户 %s;初始密码(只显示一次)/ User %s was added; first password (shown "
                 "once): %s",
                 name, name, pw);
    e = team_after(req, resp, "/users", e, done, &why, eb);
    secure_wipe(pw, sizeof pw);
    secure_wipe(done, sizeof done);
    return e;
}

enum err page_user_role(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    char done[200];
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_param(req, "name"), *role = http_req_form(req, "role");
    enum err e = app_user_set_role(req->app, &who, name, role, &why);
    snprintf(done, sizeof done, "%s 的角色已改为 %s / %s is now %s.", name, role ? role : "", name,
             role ? role : "");
    return team_after(req, resp, "/users", e, done, &why, eb);
}

ERR_MUST_USE static enum err team_user_disabled(struct http_req *req, struct http_resp *resp,
                                                bool disabled, struct errbuf *eb)
{
    char done[200];
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_param(req, "name");
    enum err e = app_user_set_disabled(req->app, &who, name, disabled, &why);
    if (disabled)
        snprintf(done, sizeof done, "已停用 %s,其会话已结束 / %s was disabled and signed out.",
                 name, name);
    else
        snprintf(done, sizeof done, "已启用 %s / %s can sign in again.", name, name);
    return team_after(req, resp, "/users", e, done, &why, eb);
}

enum err page_user_disable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return team_user_disabled(req, resp, true, eb);
}

enum err page_user_enable(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return team_user_disabled(req, resp, false, eb);
}

enum err page_user_password(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    char pw[AUTH_GENERATED_LEN + 1], done[256];
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_param(req, "name");
    enum err e = app_user_reset_password(req->app, &who, name, pw, &why);
    if (e == ERR_OK)
        snprintf(done, sizeof done, "%s 的新密码(只显示一次)/ New password for %s (shown once): %s",
                 name, name, pw);
    e = team_after(req, resp, "/users", e, done, &why, eb);
    secure_wipe(pw, sizeof pw);
    secure_wipe(done, sizeof done);
    return e;
}

static void team_token_row(struct http_req *req, struct html *h, const json_t *t)
{
    bool revoked = json_is_string(json_object_get(t, "revoked_at"));
    html_raw(h, "<tr><td>");
    html_txt(h, widget_json_str(t, "name"));
    html_raw(h, "</td><td>");
    html_txt(h, widget_json_str(t, "role"));
    html_raw(h, "</td><td><code>");
    html_txt(h, widget_json_str(t, "prefix"));
    html_raw(h, "…</code></td><td>");
    html_txt(h, widget_json_str(t, "created_by"));
    html_raw(h, "</td><td>");
    widget_time_iso(h, widget_json_str(t, "created_at"));
    html_raw(h, "</td><td>");
    widget_time_iso(h, widget_json_str(t, "last_used_at"));
    html_raw(h, "</td><td>");
    if (revoked) {
        widget_pill(h, "failed", "已撤销 / Revoked");
    } else {
        char path[64];
        snprintf(path, sizeof path, "/tokens/%lld/revoke", (long long)widget_json_int(t, "id"));
        widget_post_button(h, path, req->auth, NULL, 0, "secondary", "撤销 / Revoke");
    }
    html_raw(h, "</td></tr>");
}

enum err page_tokens(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    static const char *const heads[] = {
        "名称 / Name",    "角色 / Role",          "前缀 / Prefix", "创建者 / Created by",
        "创建 / Created", "最近使用 / Last used", "状态 / State",  NULL};
    const struct app *app = req->app;
    json_t *list = NULL;
    struct html h;
    enum err e = auth_token_list(app->db, &list, eb);
    if (e != ERR_OK)
        return e;
    web_page_begin(&h, resp, "API 令牌 / API tokens", "tokens", req->auth);
    widget_page_head_msg(&h, "API 令牌 / API tokens", MSG_P_TEAM_PAGE_23);
    html_raw(&h, "<section class=\"card\" id=\"token-create\"><h2>创建令牌 / Create a token</h2>"
                 "<form class=\"filters\" method=\"post\" action=\"/tokens\">");
    widget_csrf(&h, req->auth);
    html_raw(&h, "<label>名称 / Name<input name=\"name\" id=\"f-token-name\" maxlength=\"64\" "
                 "required></label><label>角色 / Role");
    team_role_select(&h, "f-token-role", "viewer");
    html_raw(&h, "</label><div class=\"actions\"><button type=\"submit\">创建 / Create</button>"
                 "</div></form></section><section class=\"card\" id=\"tokens\">");
    if (json_array_size(list) == 0) {
        widget_empty_msg(&h, "tokens-empty", MSG_P_TEAM_PAGE_21);
    } else {
        size_t i;
        const json_t *t;
        widget_table_begin(&h, NULL, NULL, heads);
        json_array_foreach(list, i, t) team_token_row(req, &h, t);
        widget_table_end(&h);
    }
    html_raw(&h, "</section>");
    e = web_page_end(&h, resp, 200);
    json_decref(list);
    return e;
}

enum err page_token_create(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    char secret[AUTH_TOKEN_LEN + 1], done[320];
    int64_t id = 0;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    const char *name = http_req_form(req, "name");
    enum err e =
        app_token_create(req->app, &who, name, http_req_form(req, "role"), secret, &id, &why);
    if (e == ERR_OK)
        snprintf(done, sizeof done,
                 "令牌 %s 已创建;请立即复制,它只显示这一次 / Token %s was created; copy it now, "
                 "it is shown only this once: %s",
                 name, name, secret);
    e = team_after(req, resp, "/tokens", e, done, &why, eb);
    secure_wipe(secret, sizeof secret);
    secure_wipe(done, sizeof done);
    return e;
}

enum err page_token_revoke(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = app_token_revoke(req->app, &who, http_req_param(req, "id"), &why);
    return team_after(req, resp, "/tokens", e, "令牌已撤销 / The token was revoked.", &why, eb);
}

#include "web/deploy_section.h"

#include <jansson.h>
#include <string.h>

#include "base/json.h"
#include "deploy/plan.h"
#include "web/html.h"
#include "web/widget.h"

static void sec_files(struct html *o, const json_t *plan)
{
    size_t i;
    json_t *f;
    html_raw(o, "<h3>生成文件 / Files</h3><dl class=\"deploy-files\">");
    json_array_foreach(json_object_get(plan, "files"), i, f)
    {
        html_tpl(o, "<dt>{}</dt>", widget_json_str(f, "label"));
        html_tpl(o, "<dd><code>{}</code> ", widget_json_str(f, "path"));
        html_raw(o, json_is_true(json_object_get(f, "exists"))
                        ? "<span class=\"deploy-file-present\">已生成 / present</span>"
                        : "<span class=\"deploy-file-missing\">未生成 / not generated</span>");
        html_raw(o, "</dd>");
    }
    html_raw(o, "</dl>");
}

static void sec_strategies(struct html *o, const json_t *plan)
{
    size_t i;
    json_t *s;
    html_raw(o, "<h3>部署策略 / Deployment strategies</h3><ul class=\"deploy-strategies\">");
    json_array_foreach(json_object_get(plan, "strategies"), i, s)
    {
        html_raw(o, "<li class=\"deploy-strategy\" id=\"strategy-");
        html_txt(o, widget_json_str(s, "id"));
        html_tpl(o, "\"><strong>{}</strong> ", widget_json_str(s, "title"));
        widget_status_badge(o, widget_json_str(s, "status"));
        html_tpl(o, "<p>{}</p>", widget_json_str(s, "description"));
        html_tpl(o, "<p class=\"muted\">{}</p>", widget_json_str(s, "advice"));
        if (json_get_string(s, "suggested_host") != NULL)
            html_tpl(o, "<p>sslip.io: <code>{}</code></p>", widget_json_str(s, "suggested_host"));
        const json_t *so = json_object_get(s, "sign_off");
        if (json_is_object(so)) {
            html_tpl(o, "<p class=\"deploy-signoff\">合规签核 / Sign-off: cleared by {}",
                     widget_json_str(so, "cleared_by"));
            html_tpl(o, "; recorded by {}", widget_json_str(so, "recorded_by"));
            html_tpl(o, " at {}", widget_json_str(so, "recorded_at"));
            if (widget_json_str(so, "note")[0] != '\0')
                html_tpl(o, " — {}", widget_json_str(so, "note"));
            html_raw(o, "</p>");
        }
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul>");
}

/* True for a host only this machine reaches: localhost, 127.0.0.0/8, ::1. */
static bool sec_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
           strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0 ||
           (strlen(host) > 10 && strcmp(host + strlen(host) - 10, ".localhost") == 0);
}

static void sec_dns(struct html *o, const json_t *plan)
{
    const json_t *dns = json_object_get(plan, "dns"), *cb = json_object_get(plan, "callback");
    static const char *const roles[2] = {"api", "web"};
    static const char *const names[2] = {"API DNS record", "Web DNS record"};
    html_raw(o, "<h3>DNS / 回调输入 / DNS and callback inputs</h3><p>");
    widget_status_badge(o, widget_json_str(dns, "status"));
    html_tpl(o,
             "</p><p>已选回调 / Selected callback: <code class=\"deploy-callback-url\">{}</code>",
             widget_json_str(cb, "url"));
    html_tpl(o, " ({} mode)</p>", widget_json_str(cb, "mode"));
    if (json_get_string(cb, "reason") != NULL)
        html_tpl(o, "<p class=\"error\">{}</p>", widget_json_str(cb, "reason"));
    html_raw(o, "<table class=\"deploy-dns\"><tr><th>Record</th><th>Origin</th><th>状态 / "
                "Status</th><th>Hint</th></tr>");
    for (size_t i = 0; i < 2; i++) {
        const json_t *h = json_object_get(dns, roles[i]);
        html_tpl(o, "<tr><td>{}</td>", names[i]);
        html_tpl(o, "<td><code>{}</code></td><td>", widget_json_str(h, "origin"));
        widget_status_badge(o, widget_json_str(h, "status"));
        html_raw(o, "</td><td>");
        if (sec_loopback(widget_json_str(h, "host")))
            html_raw(o, "这是本机地址,公网无法解析;请先设置公网域名 / This is a loopback "
                        "address the public cannot reach; set a public host first.");
        else
            html_txt(o, widget_json_str(h, "hint"));
        if (json_get_string(h, "reason") != NULL)
            html_tpl(o, "<br><span class=\"error\">{}</span>", widget_json_str(h, "reason"));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</table>");
    if (json_get_string(dns, "checked_at") != NULL)
        html_tpl(o, "<p class=\"muted\">DNS checked at {}</p>", widget_json_str(dns, "checked_at"));
}

static void sec_inputs(struct html *o, const json_t *plan)
{
    size_t i;
    json_t *in;
    html_raw(o, "<h3>生产部署输入 / Production inputs</h3><table "
                "class=\"deploy-inputs\"><tr><th>Input</th><th>负责人 / Owner</th><th>状态 / "
                "Status</th><th>Why</th></tr>");
    json_array_foreach(json_object_get(plan, "inputs"), i, in)
    {
        html_raw(o, "<tr id=\"input-");
        html_txt(o, widget_json_str(in, "id"));
        html_tpl(o, "\"><td>{}</td>", widget_json_str(in, "label"));
        html_raw(o, strcmp(widget_json_str(in, "owner"), "ops") == 0 ? "<td>生产运维 / ops</td><td>"
                                                                     : "<td></td><td>");
        widget_status_badge(o, widget_json_str(in, "status"));
        html_tpl(o, "</td><td>{}</td></tr>", widget_json_str(in, "reason"));
    }
    html_raw(o, "</table>");
}

static void sec_check(struct html *o, const json_t *plan, const char *kind, const char *title)
{
    const json_t *c = json_object_get(plan, kind);
    size_t i;
    json_t *f;
    html_raw(o, "<div class=\"deploy-check\" id=\"check-");
    html_attr(o, kind);
    html_tpl(o, "\"><h4>{}</h4><p>", title);
    widget_status_badge(o, widget_json_str(c, "status"));
    if (json_get_string(c, "ran_at") == NULL) {
        html_raw(o, " 尚无结果 / no result recorded yet</p></div>");
        return;
    }
    html_tpl(o, " {}", widget_json_str(c, "ran_at"));
    html_txtf(o, " · %lld blocker(s), %lld warning(s)", (long long)widget_json_int(c, "blockers"),
              (long long)widget_json_int(c, "warnings"));
    html_raw(o, "</p>");
    html_raw(o, "<ul class=\"deploy-findings\">");
    json_array_foreach(json_object_get(c, "findings"), i, f)
    {
        html_raw(o, strcmp(widget_json_str(f, "severity"), "blocker") == 0
                        ? "<li class=\"finding-blocker\">"
                        : "<li class=\"finding-warning\">");
        html_tpl(o, "<code>{}</code> ", widget_json_str(f, "id"));
        html_txt(o, widget_json_str(f, "message"));
        html_tpl(o, " <span class=\"muted\">Fix: {}</span></li>", widget_json_str(f, "fix"));
    }
    html_raw(o, "</ul></div>");
}

static void sec_commands(struct html *o, const json_t *plan)
{
    size_t i;
    json_t *c;
    html_raw(o, "<h3>公网部署计划命令 / Deployment commands</h3><ol class=\"deploy-commands\">");
    json_array_foreach(json_object_get(plan, "commands"), i, c)
    {
        html_tpl(o, "<li><strong>{}</strong>", widget_json_str(c, "title"));
        html_tpl(o, "<p class=\"muted\">{}</p>", widget_json_str(c, "description"));
        html_tpl(o, "<pre><code>{}</code></pre></li>", widget_json_str(c, "command"));
    }
    html_raw(o, "</ol>");
}

static void sec_blockers(struct html *o, const json_t *plan)
{
    const json_t *list = json_object_get(plan, "blockers");
    size_t i;
    json_t *v;
    html_raw(o, "<h3>当前阻断 / Current blockers</h3>");
    if (json_array_size(list) == 0) {
        html_raw(o, "<p class=\"deploy-no-blockers\">无 / none</p>");
        return;
    }
    html_raw(o, "<ul class=\"deploy-blockers\">");
    json_array_foreach(list, i, v) html_tpl(o, "<li>{}</li>", json_string_value(v));
    html_raw(o, "</ul>");
}

enum err web_deploy_section(struct buf *b, const struct config *cfg, struct db *db)
{
    json_t *plan = NULL;
    struct errbuf eb = {0};
    struct html o;
    html_init(&o, b);
    enum err e = deploy_plan_build(cfg, db, &plan, &eb);
    if (e != ERR_OK)
        return e;
    html_raw(&o, "<section class=\"card deploy-plan\" id=\"deploy-plan\"><h2>公网回调部署 / Public "
                 "Callback Deployment</h2>");
    html_raw(&o, json_is_true(json_object_get(plan, "ready"))
                     ? "<p class=\"deploy-headline deploy-ready\">"
                     : "<p class=\"deploy-headline deploy-not-ready\">");
    html_txt(&o, widget_json_str(plan, "headline"));
    html_raw(&o, "</p>");
    sec_files(&o, plan);
    sec_strategies(&o, plan);
    sec_dns(&o, plan);
    sec_inputs(&o, plan);
    html_raw(&o, "<h3>最近检查 / Latest checks</h3>");
    sec_check(&o, plan, "preflight", "生产部署预检 / Preflight");
    sec_check(&o, plan, "smoke", "公网回调 smoke test / Smoke test");
    sec_commands(&o, plan);
    sec_blockers(&o, plan);
    html_raw(&o, "</section>");
    json_decref(plan);
    return html_err(&o);
}

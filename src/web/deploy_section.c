#include "web/deploy_section.h"

#include <jansson.h>
#include <string.h>

#include "base/json.h"
#include "deploy/plan.h"
#include "web/html.h"

/* An output with a sticky error: after the first failure every write is skipped. */
struct sec_out {
    struct buf *b;
    enum err e;
};

static void sec_raw(struct sec_out *o, const char *s)
{
    if (o->e == ERR_OK)
        o->e = buf_puts(o->b, s);
}

static void sec_esc(struct sec_out *o, const char *s)
{
    if (o->e == ERR_OK && s != NULL)
        o->e = html_escape(o->b, s);
}

/* Appends <tag>escaped text</tag>. */
static void sec_elem(struct sec_out *o, const char *open, const char *text, const char *close)
{
    sec_raw(o, open);
    sec_esc(o, text);
    sec_raw(o, close);
}

static const char *sec_get(const json_t *obj, const char *key)
{
    const char *s = json_get_string(obj, key);
    return s != NULL ? s : "";
}

/* The status badge: known statuses only, so the class name is always safe. */
static void sec_status(struct sec_out *o, const char *status)
{
    static const struct {
        const char *status, *label;
    } labels[] = {
        {"pass", "通过 / pass"},
        {"blocked", "阻断 / blocked"},
        {"warning", "提醒 / warning"},
        {"pending", "待检查 / pending"},
        {"recommended", "推荐 / recommended"},
        {"ready_if_available", "可用即就绪 / ready_if_available"},
        {"review_required", "需审核 / review_required"},
        {"approved", "已批准 / approved"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (status != NULL && strcmp(status, labels[i].status) == 0) {
            sec_raw(o, "<span class=\"status status-");
            sec_raw(o, labels[i].status);
            sec_raw(o, "\" data-status=\"");
            sec_raw(o, labels[i].status);
            sec_raw(o, "\">");
            sec_raw(o, labels[i].label);
            sec_raw(o, "</span>");
            return;
        }
    }
    sec_elem(o, "<span class=\"status status-unknown\">", status != NULL ? status : "?", "</span>");
}

static void sec_files(struct sec_out *o, const json_t *plan)
{
    size_t i;
    json_t *f;
    sec_raw(o, "<h3>生成文件 / Files</h3><dl class=\"deploy-files\">");
    json_array_foreach(json_object_get(plan, "files"), i, f)
    {
        sec_elem(o, "<dt>", sec_get(f, "label"), "</dt>");
        sec_elem(o, "<dd><code>", sec_get(f, "path"), "</code> ");
        sec_raw(o, json_is_true(json_object_get(f, "exists"))
                       ? "<span class=\"deploy-file-present\">已生成 / present</span>"
                       : "<span class=\"deploy-file-missing\">未生成 / not generated</span>");
        sec_raw(o, "</dd>");
    }
    sec_raw(o, "</dl>");
}

static void sec_strategies(struct sec_out *o, const json_t *plan)
{
    size_t i;
    json_t *s;
    sec_raw(o, "<h3>部署策略 / Deployment strategies</h3><ul class=\"deploy-strategies\">");
    json_array_foreach(json_object_get(plan, "strategies"), i, s)
    {
        sec_raw(o, "<li class=\"deploy-strategy\" id=\"strategy-");
        sec_esc(o, sec_get(s, "id"));
        sec_elem(o, "\"><strong>", sec_get(s, "title"), "</strong> ");
        sec_status(o, sec_get(s, "status"));
        sec_elem(o, "<p>", sec_get(s, "description"), "</p>");
        sec_elem(o, "<p class=\"muted\">", sec_get(s, "advice"), "</p>");
        if (json_get_string(s, "suggested_host") != NULL)
            sec_elem(o, "<p>sslip.io: <code>", sec_get(s, "suggested_host"), "</code></p>");
        const json_t *so = json_object_get(s, "sign_off");
        if (json_is_object(so)) {
            sec_elem(o, "<p class=\"deploy-signoff\">合规签核 / Sign-off: cleared by ",
                     sec_get(so, "cleared_by"), "");
            sec_elem(o, "; recorded by ", sec_get(so, "recorded_by"), "");
            sec_elem(o, " at ", sec_get(so, "recorded_at"), "");
            if (sec_get(so, "note")[0] != '\0')
                sec_elem(o, " — ", sec_get(so, "note"), "");
            sec_raw(o, "</p>");
        }
        sec_raw(o, "</li>");
    }
    sec_raw(o, "</ul>");
}

static void sec_dns(struct sec_out *o, const json_t *plan)
{
    const json_t *dns = json_object_get(plan, "dns"), *cb = json_object_get(plan, "callback");
    static const char *const roles[2] = {"api", "web"};
    static const char *const names[2] = {"API DNS record", "Web DNS record"};
    sec_raw(o, "<h3>DNS / 回调输入 / DNS and callback inputs</h3><p>");
    sec_status(o, sec_get(dns, "status"));
    sec_elem(o, "</p><p>已选回调 / Selected callback: <code class=\"deploy-callback-url\">",
             sec_get(cb, "url"), "</code>");
    sec_elem(o, " (", sec_get(cb, "mode"), " mode)</p>");
    if (json_get_string(cb, "reason") != NULL)
        sec_elem(o, "<p class=\"error\">", sec_get(cb, "reason"), "</p>");
    sec_raw(o, "<table class=\"deploy-dns\"><tr><th>Record</th><th>Origin</th><th>状态 / "
               "Status</th><th>Hint</th></tr>");
    for (size_t i = 0; i < 2; i++) {
        const json_t *h = json_object_get(dns, roles[i]);
        sec_elem(o, "<tr><td>", names[i], "</td>");
        sec_elem(o, "<td><code>", sec_get(h, "origin"), "</code></td><td>");
        sec_status(o, sec_get(h, "status"));
        sec_elem(o, "</td><td>", sec_get(h, "hint"), "");
        if (json_get_string(h, "reason") != NULL)
            sec_elem(o, "<br><span class=\"error\">", sec_get(h, "reason"), "</span>");
        sec_raw(o, "</td></tr>");
    }
    sec_raw(o, "</table>");
    if (json_get_string(dns, "checked_at") != NULL)
        sec_elem(o, "<p class=\"muted\">DNS checked at ", sec_get(dns, "checked_at"), "</p>");
}

static void sec_inputs(struct sec_out *o, const json_t *plan)
{
    size_t i;
    json_t *in;
    sec_raw(o, "<h3>生产部署输入 / Production inputs</h3><table class=\"deploy-inputs\"><tr><th>"
               "Input</th><th>负责人 / Owner</th><th>状态 / Status</th><th>Why</th></tr>");
    json_array_foreach(json_object_get(plan, "inputs"), i, in)
    {
        sec_raw(o, "<tr id=\"input-");
        sec_esc(o, sec_get(in, "id"));
        sec_elem(o, "\"><td>", sec_get(in, "label"), "</td>");
        sec_raw(o, strcmp(sec_get(in, "owner"), "ops") == 0 ? "<td>生产运维 / ops</td><td>"
                                                            : "<td></td><td>");
        sec_status(o, sec_get(in, "status"));
        sec_elem(o, "</td><td>", sec_get(in, "reason"), "</td></tr>");
    }
    sec_raw(o, "</table>");
}

static void sec_check(struct sec_out *o, const json_t *plan, const char *kind, const char *title)
{
    const json_t *c = json_object_get(plan, kind);
    size_t i;
    json_t *f;
    sec_raw(o, "<div class=\"deploy-check\" id=\"check-");
    sec_raw(o, kind);
    sec_elem(o, "\"><h4>", title, "</h4><p>");
    sec_status(o, sec_get(c, "status"));
    if (json_get_string(c, "ran_at") == NULL) {
        sec_raw(o, " 尚无结果 / no result recorded yet</p></div>");
        return;
    }
    sec_elem(o, " ", sec_get(c, "ran_at"), "");
    if (o->e == ERR_OK)
        o->e = buf_printf(o->b, " · %lld blocker(s), %lld warning(s)</p>",
                          (long long)json_integer_value(json_object_get(c, "blockers")),
                          (long long)json_integer_value(json_object_get(c, "warnings")));
    sec_raw(o, "<ul class=\"deploy-findings\">");
    json_array_foreach(json_object_get(c, "findings"), i, f)
    {
        sec_raw(o, strcmp(sec_get(f, "severity"), "blocker") == 0
                       ? "<li class=\"finding-blocker\">"
                       : "<li class=\"finding-warning\">");
        sec_elem(o, "<code>", sec_get(f, "id"), "</code> ");
        sec_esc(o, sec_get(f, "message"));
        sec_elem(o, " <span class=\"muted\">Fix: ", sec_get(f, "fix"), "</span></li>");
    }
    sec_raw(o, "</ul></div>");
}

static void sec_commands(struct sec_out *o, const json_t *plan)
{
    size_t i;
    json_t *c;
    sec_raw(o, "<h3>公网部署计划命令 / Deployment commands</h3><ol class=\"deploy-commands\">");
    json_array_foreach(json_object_get(plan, "commands"), i, c)
    {
        sec_elem(o, "<li><strong>", sec_get(c, "title"), "</strong>");
        sec_elem(o, "<p class=\"muted\">", sec_get(c, "description"), "</p>");
        sec_elem(o, "<pre><code>", sec_get(c, "command"), "</code></pre></li>");
    }
    sec_raw(o, "</ol>");
}

static void sec_blockers(struct sec_out *o, const json_t *plan)
{
    const json_t *list = json_object_get(plan, "blockers");
    size_t i;
    json_t *v;
    sec_raw(o, "<h3>当前阻断 / Current blockers</h3>");
    if (json_array_size(list) == 0) {
        sec_raw(o, "<p class=\"deploy-no-blockers\">无 / none</p>");
        return;
    }
    sec_raw(o, "<ul class=\"deploy-blockers\">");
    json_array_foreach(list, i, v) sec_elem(o, "<li>", json_string_value(v), "</li>");
    sec_raw(o, "</ul>");
}

enum err web_deploy_section(struct buf *b, const struct config *cfg, struct db *db)
{
    json_t *plan = NULL;
    struct errbuf eb = {0};
    struct sec_out o = {b, ERR_OK};
    o.e = deploy_plan_build(cfg, db, &plan, &eb);
    if (o.e != ERR_OK)
        return o.e;
    sec_raw(&o, "<section class=\"card deploy-plan\" id=\"deploy-plan\"><h2>公网回调部署 / "
                "Public Callback Deployment</h2>");
    sec_raw(&o, json_is_true(json_object_get(plan, "ready"))
                    ? "<p class=\"deploy-headline deploy-ready\">"
                    : "<p class=\"deploy-headline deploy-not-ready\">");
    sec_esc(&o, sec_get(plan, "headline"));
    sec_raw(&o, "</p>");
    sec_files(&o, plan);
    sec_strategies(&o, plan);
    sec_dns(&o, plan);
    sec_inputs(&o, plan);
    sec_raw(&o, "<h3>最近检查 / Latest checks</h3>");
    sec_check(&o, plan, "preflight", "生产部署预检 / Preflight");
    sec_check(&o, plan, "smoke", "公网回调 smoke test / Smoke test");
    sec_commands(&o, plan);
    sec_blockers(&o, plan);
    sec_raw(&o, "</section>");
    json_decref(plan);
    return o.e;
}

const char web_deploy_section_css[] =
    ".deploy-plan h3{margin:20px 0 8px;font-size:16px}"
    ".deploy-plan h4{margin:12px 0 4px;font-size:15px}"
    ".deploy-files{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}"
    ".deploy-files dd{margin:0}"
    ".deploy-strategies{list-style:none;padding:0}"
    ".deploy-strategy{border:1px solid #dde1e6;border-radius:6px;padding:10px 12px;margin:8px 0}"
    ".deploy-strategy p{margin:4px 0}"
    ".deploy-commands pre{background:#f0f2f5;padding:8px;overflow-x:auto;white-space:pre-wrap}"
    ".deploy-headline{font-weight:600}.deploy-ready{color:#1e7e34}.deploy-not-ready{color:#8a5a00}"
    ".deploy-file-present{color:#1e7e34}.deploy-file-missing{color:#b00020}"
    ".finding-blocker code{color:#b00020}.finding-warning code{color:#8a5a00}"
    ".deploy-actions form{display:inline-block;margin:4px 8px 4px 0;vertical-align:top}"
    ".status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;"
    "border:1px solid currentColor}"
    ".status-pass,.status-approved,.status-recommended{color:#1e7e34}"
    ".status-blocked{color:#b00020}.status-warning,.status-review_required{color:#8a5a00}"
    ".status-pending,.status-ready_if_available,.status-unknown{color:#5f6b7a}";

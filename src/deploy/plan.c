#include "deploy/plan.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "deploy/dns.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"
#include "deploy/templates.h"
#include "temu/credentials.h"
#include "temu/regions.h"
#include "vault/vault.h"

/* The four things the operator must have cleared before hosting in mainland China. */
static const char *const plan_signoff_items[] = {"domain", "hosting", "data", "compliance"};
#define PLAN_SIGNOFF_ITEMS (sizeof plan_signoff_items / sizeof plan_signoff_items[0])

/* The owner of every production input (the drawing's 生产运维 / ops). */
#define PLAN_OWNER "ops"

/* s, or fallback when s is NULL. */
static const char *plan_or(const char *s, const char *fallback)
{
    return s != NULL ? s : fallback;
}

static const char *plan_dir(const struct config *cfg)
{
    return cfg->deploy_dir[0] != '\0' ? cfg->deploy_dir : "infra";
}

static enum deploy_callback_mode plan_mode(const struct config *cfg)
{
    enum deploy_callback_mode m = DEPLOY_CALLBACK_API;
    (void)deploy_callback_mode_parse(cfg->temu_callback_mode, &m);
    return m;
}

/* Adds a value to an object or array, turning a failed allocation into ERR_NOMEM. */
static enum err plan_set(json_t *obj, const char *key, json_t *v)
{
    if (v == NULL)
        return ERR_NOMEM;
    return json_object_set_new(obj, key, v) == 0 ? ERR_OK : ERR_NOMEM;
}

static enum err plan_push(json_t *arr, json_t *v)
{
    if (v == NULL)
        return ERR_NOMEM;
    return json_array_append_new(arr, v) == 0 ? ERR_OK : ERR_NOMEM;
}

static bool plan_kind_valid(const char *kind)
{
    return kind != NULL && (strcmp(kind, "preflight") == 0 || strcmp(kind, "smoke") == 0 ||
                            strcmp(kind, "dns") == 0);
}

enum err deploy_check_latest(struct db *db, const char *kind, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    json_t *doc = NULL, *stored = NULL;
    int64_t blockers = 0, warnings = 0;
    enum err e;
    *out = NULL;
    if (!plan_kind_valid(kind))
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind.");
    struct db_conn *c = db_acquire(db);
    struct db_param p[] = {DB_P_TEXT(kind)};
    e = db_query(c,
                 "SELECT ran_at, blockers, warnings, findings_json FROM deploy_checks "
                 "WHERE kind = $1 ORDER BY ran_at DESC, id DESC LIMIT 1",
                 p, 1, &r, eb);
    db_release(c);
    if (e != ERR_OK)
        goto out;
    if (db_rows_count(r) == 0) {
        doc = json_null();
        goto out;
    }
    if (db_rows_int(r, 0, 1, &blockers) != ERR_OK || db_rows_int(r, 0, 2, &warnings) != ERR_OK) {
        e = err_set(eb, ERR_DB, "bad_row", "a deploy_checks row has no counts.");
        goto out;
    }
    const char *fj = db_rows_get(r, 0, 3);
    stored = fj != NULL ? json_loads(fj, 0, NULL) : NULL;
    json_t *findings = json_object_get(stored, "findings");
    findings = json_is_array(findings) ? json_incref(findings) : json_array();
    doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "kind", kind, "ran_at", db_rows_get(r, 0, 0),
                    "status", blockers > 0 ? "blocked" : "pass", "blockers", (json_int_t)blockers,
                    "warnings", (json_int_t)warnings, "findings", findings);
    if (doc == NULL)
        e = ERR_NOMEM;
out:
    json_decref(stored);
    db_rows_free(r);
    if (e == ERR_OK)
        *out = doc;
    else
        json_decref(doc);
    return e;
}

/* The status of a latest-result object: "pending" when none was recorded. */
static const char *plan_check_status(const json_t *latest)
{
    const char *s = json_is_object(latest) ? json_get_string(latest, "status") : NULL;
    return s != NULL ? s : "pending";
}

/*
 * The worst finding of a latest result that concerns an input: one of ids, or env.required
 * naming var. *status becomes "blocked" or "warning" (never better than it was) and reason
 * the finding's message.
 */
static void plan_match_findings(const json_t *latest, const char *const *ids, const char *var,
                                const char **status, const char **reason)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(latest, "findings"), i, f)
    {
        const char *id = json_get_string(f, "id"), *msg = json_get_string(f, "message");
        bool hit = false;
        if (id == NULL)
            continue;
        for (size_t k = 0; ids[k] != NULL; k++)
            hit = hit || strcmp(id, ids[k]) == 0;
        if (var != NULL && strcmp(id, "env.required") == 0 && msg != NULL &&
            strstr(msg, var) != NULL)
            hit = true;
        if (!hit)
            continue;
        bool blocker = strcmp(plan_or(json_get_string(f, "severity"), ""), "blocker") == 0;
        if (blocker && strcmp(*status, "blocked") != 0) {
            *status = "blocked";
            *reason = msg;
        } else if (!blocker && strcmp(*status, "pass") == 0) {
            *status = "warning";
            *reason = msg;
        }
    }
}

/* The status of one host in the latest DNS result ("The API host ..." messages). */
static const char *plan_dns_host_status(const json_t *dns, const char *role, const char **reason)
{
    const char *status = "pass";
    char prefix[32];
    size_t i;
    json_t *f;
    *reason = NULL;
    if (!json_is_object(dns))
        return "pending";
    snprintf(prefix, sizeof prefix, "The %s host ", role);
    json_array_foreach(json_object_get(dns, "findings"), i, f)
    {
        const char *msg = json_get_string(f, "message");
        if (msg == NULL || strncmp(msg, prefix, strlen(prefix)) != 0)
            continue;
        if (strcmp(plan_or(json_get_string(f, "severity"), ""), "blocker") == 0) {
            *reason = msg;
            return "blocked";
        }
        status = "warning";
        *reason = msg;
    }
    return status;
}

/* Worst of two statuses: blocked > pending > warning > pass. */
static const char *plan_worst(const char *a, const char *b)
{
    static const char *const order[] = {"pass", "warning", "pending", "blocked"};
    size_t ia = 0, ib = 0;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(a, order[i]) == 0)
            ia = i;
        if (strcmp(b, order[i]) == 0)
            ib = i;
    }
    return ia >= ib ? a : b;
}

static json_t *plan_reason(const char *reason)
{
    return reason != NULL ? json_string(reason) : json_null();
}

/* The parsed origins and whether they are fit for production (with the first reason). */
struct plan_origins {
    struct deploy_origin api, web;
    bool api_parsed, web_parsed, fit;
    char why[ERRBUF_MSG_MAX];
    char callback_url[DEPLOY_URL_MAX];
};

static void plan_origins_read(const struct config *cfg, struct plan_origins *o)
{
    struct errbuf eb = {0};
    memset(o, 0, sizeof *o);
    o->api_parsed =
        deploy_origin_parse("AICOS_API_ORIGIN", cfg->api_origin, &o->api, NULL) == ERR_OK;
    o->web_parsed =
        deploy_origin_parse("AICOS_WEB_ORIGIN", cfg->web_origin, &o->web, NULL) == ERR_OK;
    struct deploy_origin tmp;
    o->fit = deploy_origin_check("AICOS_API_ORIGIN", cfg->api_origin, &tmp, &eb) == ERR_OK &&
             deploy_origin_check("AICOS_WEB_ORIGIN", cfg->web_origin, &tmp, &eb) == ERR_OK;
    if (!o->fit)
        snprintf(o->why, sizeof o->why, "%s", eb.msg);
    if (o->api_parsed && o->web_parsed)
        deploy_callback_url(plan_mode(cfg), &o->api, &o->web, o->callback_url,
                            sizeof o->callback_url);
}

static enum err plan_files(const struct config *cfg, json_t *plan)
{
    static const struct {
        const char *role, *label, *name;
    } files[] = {
        {"compose", "编排文件 / Compose", DEPLOY_COMPOSE_FILE},
        {"env", "环境文件 / Env", DEPLOY_ENV_FILE},
        {"https_proxy", "HTTPS 代理 / HTTPS Proxy", DEPLOY_CADDYFILE},
    };
    json_t *arr = json_array();
    enum err e = plan_set(plan, "files", arr);
    for (size_t i = 0; e == ERR_OK && i < sizeof files / sizeof files[0]; i++) {
        char path[LIMIT_PATH_BYTES + 64];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", plan_dir(cfg), files[i].name);
        bool exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
        e = plan_push(arr, json_pack("{s:s, s:s, s:s, s:b}", "role", files[i].role, "label",
                                     files[i].label, "path", path, "exists", exists));
    }
    return e;
}

static enum err plan_strategies(const struct plan_origins *o, const json_t *signoff, json_t *plan)
{
    json_t *arr = json_array();
    enum err e = plan_set(plan, "strategies", arr);
    char dotted[64] = "", dashed[64];
    enum deploy_addr_class cls;
    if (o->api_parsed && deploy_ip_literal_classify(o->api.host, &cls) &&
        cls == DEPLOY_ADDR_PUBLIC &&
        deploy_suggest_host(o->api.host, dotted, sizeof dotted, dashed, sizeof dashed, NULL) !=
            ERR_OK)
        dotted[0] = '\0';
    json_t *quick = json_pack(
        "{s:s, s:s, s:s, s:s, s:s}", "id", DEPLOY_STRATEGY_QUICK, "title",
        "Overseas or Hong Kong quick callback", "status", "recommended", "description",
        "Use a public HTTPS host outside the mainland production compliance path to validate "
        "Temu authorization callback and first sync quickly.",
        "advice",
        "Pick this for the first formal Temu callback unless the company already has approved "
        "production infrastructure. A bare IP address can use an <ip>.sslip.io host name "
        "(aicos deploy suggest-host --ip A.B.C.D).");
    if (quick != NULL && dotted[0] != '\0')
        json_object_set_new(quick, "suggested_host", json_string(dotted));
    if (e == ERR_OK)
        e = plan_push(arr, quick);
    else
        json_decref(quick);
    if (e == ERR_OK)
        e = plan_push(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", DEPLOY_STRATEGY_EXISTING,
                                     "title", "Existing company production infrastructure",
                                     "status", "ready_if_available", "description",
                                     "Deploy behind an already-approved company domain, TLS, "
                                     "monitoring, and database environment.",
                                     "advice",
                                     "Use this if API_HOST and WEB_HOST can be provisioned "
                                     "immediately by the ops team."));
    if (e == ERR_OK)
        e = plan_push(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", DEPLOY_STRATEGY_MAINLAND,
                           "title", "Mainland China hosting review", "status",
                           json_is_object(signoff) ? "approved" : "review_required", "description",
                           "Use this path only after domain, hosting, data, and compliance "
                           "ownership are explicitly cleared by the operator or company ops "
                           "team.",
                           "advice",
                           "Keep this as a later production hardening path, not the default "
                           "blocker for connector validation. An ops user records the sign-off "
                           "(audited) and may revoke it.",
                           "sign_off", (json_t *)signoff));
    return e;
}

static enum err plan_dns(const struct plan_origins *o, const json_t *dns, json_t *plan,
                         const char **status_out)
{
    const char *api_reason, *web_reason;
    const char *api = plan_dns_host_status(dns, "API", &api_reason);
    const char *web = plan_dns_host_status(dns, "Web", &web_reason);
    const char *callback = o->fit ? "pass" : "blocked";
    const char *status = plan_worst(plan_worst(api, web), callback);
    *status_out = status;
    json_t *d = json_pack(
        "{s:s, s:o, s:{s:s, s:s, s:s, s:o, s:s}, s:{s:s, s:s, s:s, s:o, s:s}}", "status", status,
        "checked_at",
        json_is_object(dns) ? json_string(plan_or(json_get_string(dns, "ran_at"), ""))
                            : json_null(),
        "api", "host", o->api_parsed ? o->api.host : "", "origin",
        o->api_parsed ? o->api.origin : "", "status", api, "reason", plan_reason(api_reason),
        "hint", "Create DNS for API_HOST before requesting Temu callback registration.", "web",
        "host", o->web_parsed ? o->web.host : "", "origin", o->web_parsed ? o->web.origin : "",
        "status", web, "reason", plan_reason(web_reason), "hint",
        "Create DNS for WEB_HOST before using the Web callback bridge or operator UI.");
    return plan_set(plan, "dns", d);
}

/* One production input: label, owner, status and the reason for it. */
static enum err plan_input(json_t *arr, const char *id, const char *label, const char *status,
                           const char *reason)
{
    return plan_push(arr, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "label", label, "owner",
                                    PLAN_OWNER, "status", status, "reason", plan_reason(reason)));
}

static enum err plan_inputs(const struct plan_origins *o, const json_t *pf, const json_t *dns,
                            json_t *plan)
{
    static const char *const host_ids[] = {"origin.api", "origin.web", NULL};
    static const char *const email_ids[] = {"acme.email", "caddy.email", NULL};
    static const char *const pw_ids[] = {"postgres.password", "database.password_mismatch",
                                         "database.host", "database.url", NULL};
    static const char *const env_ids[] = {"env.missing",      "env.permissions",  "env.unreadable",
                                          "env.syntax",       "env.duplicate",    "env.unknown",
                                          "env.required",     "env.production",   "env.config",
                                          "env.listen",       "callback.mode",    "callback.url",
                                          "cors.wildcard",    "cors.invalid",     "cors.insecure",
                                          "cors.missing_web", "master_key.shape", NULL};
    static const char no_pf[] = "No preflight result yet: generate the files with `aicos deploy "
                                "init-env`, then run the preflight.";
    json_t *arr = json_array();
    enum err e = plan_set(plan, "inputs", arr);
    bool have_pf = json_is_object(pf);

    /* Deployment host: the configured origins, the preflight's view of them, and DNS. */
    const char *status = "pass", *reason = NULL;
    if (!o->fit) {
        status = "blocked";
        reason = o->why;
    } else {
        plan_match_findings(pf, host_ids, NULL, &status, &reason);
        const char *dns_status = plan_check_status(dns);
        if (strcmp(status, "blocked") != 0 && json_is_object(dns) &&
            json_integer_value(json_object_get(dns, "blockers")) > 0) {
            status = "blocked";
            reason = "The latest DNS check has blockers: the hosts do not point at public "
                     "addresses.";
        } else if (strcmp(status, "pass") == 0 && strcmp(dns_status, "pending") == 0) {
            status = "warning";
            reason = "DNS not checked yet: run `aicos deploy dns` or re-run it here.";
        }
    }
    if (e == ERR_OK)
        e = plan_input(arr, "deployment_host", "Deployment host", status, reason);

    /* TLS e-mail and PostgreSQL password: only the preflight of the env file knows them. */
    status = have_pf ? "pass" : "blocked";
    reason = have_pf ? NULL : no_pf;
    plan_match_findings(pf, email_ids, "AICOS_ACME_EMAIL", &status, &reason);
    if (e == ERR_OK)
        e = plan_input(arr, "tls_email", "TLS certificate email", status, reason);
    status = have_pf ? "pass" : "blocked";
    reason = have_pf ? NULL : no_pf;
    plan_match_findings(pf, pw_ids, "AICOS_POSTGRES_PASSWORD", &status, &reason);
    if (e == ERR_OK)
        e = plan_input(arr, "postgres_password", "PostgreSQL password", status, reason);

    /* The env files: present and consistent, as the preflight found them. */
    status = have_pf ? "pass" : "warning";
    reason = have_pf ? NULL : no_pf;
    plan_match_findings(pf, env_ids, NULL, &status, &reason);
    if (e == ERR_OK)
        e = plan_input(arr, "env_files", "Production env files", status, reason);
    return e;
}

/* One command of the list: bilingual title and description, then the command line. */
static enum err plan_command(json_t *arr, const char *id, const char *title, const char *desc,
                             const char *cmd)
{
    return plan_push(arr, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "title", title, "description",
                                    desc, "command", cmd));
}

static enum err plan_commands(const struct config *cfg, const struct plan_origins *o,
                              const json_t *strategies, json_t *plan)
{
    char api[CONFIG_ORIGIN_MAX], web[CONFIG_ORIGIN_MAX];
    char cmd[4 * CONFIG_ORIGIN_MAX + 3 * LIMIT_PATH_BYTES];
    const char *dir = plan_dir(cfg);
    const char *mode = deploy_callback_mode_name(plan_mode(cfg));
    /* Real origins once they are fit for production; placeholders before that. */
    snprintf(api, sizeof api, "%s", o->fit ? o->api.origin : "https://<api-host>");
    snprintf(web, sizeof web, "%s", o->fit ? o->web.origin : "https://<web-host>");
    json_t *arr = json_array();
    enum err e = plan_set(plan, "commands", arr);
    const char *suggested = NULL;
    size_t i;
    json_t *s;
    json_array_foreach((json_t *)strategies, i, s)
    {
        if (json_get_string(s, "suggested_host") != NULL)
            suggested = json_get_string(s, "suggested_host");
    }
    if (e == ERR_OK && suggested != NULL && o->api_parsed) {
        snprintf(cmd, sizeof cmd, "aicos deploy suggest-host --ip %s", o->api.host);
        e = plan_command(arr, "suggest_host", "sslip.io 主机名 / sslip.io host name",
                         "为裸 IP 生成可签发证书的主机名。 / Propose a host name for a bare IP "
                         "address.",
                         cmd);
        snprintf(api, sizeof api, "https://%s", suggested);
        snprintf(web, sizeof web, "https://%s", suggested);
    }
    /* init-env writes <out>/infra: name the folder that holds the production folder. */
    char out_dir[LIMIT_PATH_BYTES];
    size_t dl = strlen(dir);
    if (strcmp(dir, "infra") == 0)
        snprintf(out_dir, sizeof out_dir, ".");
    else if (dl > 6 && strcmp(dir + dl - 6, "/infra") == 0)
        snprintf(out_dir, sizeof out_dir, "%.*s", (int)(dl - 6), dir);
    else
        snprintf(out_dir, sizeof out_dir, "<folder-holding-infra>");
    snprintf(cmd, sizeof cmd,
             "aicos deploy init-env --api-origin %s --web-origin %s --acme-email "
             "ops@your-domain.com --postgres-password-file <file> --callback-mode %s --out %s",
             api, web, mode, out_dir);
    if (e == ERR_OK)
        e = plan_command(
            arr, "init_env", "生成生产 env / Generate production env",
            "根据选择的公网 API/Web 域名生成 env、compose 和 Caddy 文件。 / Create the "
            "env, compose and Caddy files from the selected public origins.",
            cmd);
    snprintf(cmd, sizeof cmd, "aicos deploy bootstrap-test --callback-mode %s", mode);
    if (e == ERR_OK)
        e = plan_command(arr, "bootstrap_test",
                         "生产 env 干跑自测 / Dry-run production env bootstrap",
                         "在写入真实生产 env 前,先生成临时 env 并证明部署预检 0 blocker。 / "
                         "Generate temporary env files and prove the deployment preflight has "
                         "zero blockers before writing real production env files.",
                         cmd);
    snprintf(cmd, sizeof cmd, "aicos deploy preflight --dir %s", dir);
    if (e == ERR_OK)
        e = plan_command(arr, "preflight", "生产部署预检 / Run local preflight",
                         "不启动服务,验证 env 文件、回调 URL、CORS、compose、Caddy 和构建产物。 "
                         "/ Validate env files, callback URLs, CORS, compose, Caddy, and the "
                         "built artifacts without starting services.",
                         cmd);
    if (e == ERR_OK && o->fit) {
        snprintf(cmd, sizeof cmd, "aicos deploy dns --api-host %s --web-host %s", o->api.host,
                 o->web.host);
        e = plan_command(arr, "dns", "DNS 检查 / Check DNS",
                         "确认 API 和 Web 主机解析到公网地址。 / Check that the API and Web hosts "
                         "resolve to public addresses.",
                         cmd);
    }
    snprintf(cmd, sizeof cmd,
             "docker compose --env-file %s/" DEPLOY_ENV_FILE " -f %s/" DEPLOY_COMPOSE_FILE
             " up -d --build",
             dir, dir);
    if (e == ERR_OK)
        e = plan_command(arr, "deploy", "部署公网服务 / Deploy public stack",
                         "启动 PostgreSQL、迁移任务、应用和 Caddy HTTPS 反向代理。 / Start "
                         "PostgreSQL, the migration job, the app and the Caddy HTTPS reverse "
                         "proxy.",
                         cmd);
    snprintf(cmd, sizeof cmd,
             "aicos deploy smoke --api-origin %s --web-origin %s --callback-mode %s --token "
             "<ops-token>",
             api, web, mode);
    if (e == ERR_OK)
        e = plan_command(arr, "smoke", "公网回调 smoke test / Smoke test public callback",
                         "验证公网健康检查、OpenAPI、回调诊断、部署包和已配置回调路由。 / Verify "
                         "public health, OpenAPI, callback diagnostics, deployment packet, and "
                         "configured callback route.",
                         cmd);
    return e;
}

/* The names of what blocks, for the "当前阻断 / current blockers" line. */
static enum err plan_summary(json_t *plan, const char *dns_status)
{
    json_t *blockers = json_array();
    enum err e = plan_set(plan, "blockers", blockers);
    size_t i;
    json_t *in;
    bool ready = true;
    json_array_foreach(json_object_get(plan, "inputs"), i, in)
    {
        const char *st = json_get_string(in, "status");
        if (st != NULL && strcmp(st, "pass") != 0)
            ready = false;
        if (e == ERR_OK && st != NULL && strcmp(st, "blocked") == 0)
            e = plan_push(blockers, json_string(json_get_string(in, "label")));
    }
    const char *names[] = {"preflight", "smoke"};
    for (size_t k = 0; k < 2; k++) {
        const char *st = plan_check_status(json_object_get(plan, names[k]));
        if (strcmp(st, "pass") != 0)
            ready = false;
        if (e == ERR_OK && strcmp(st, "blocked") == 0)
            e = plan_push(blockers, json_pack("s+", names[k], " has blockers"));
    }
    if (strcmp(dns_status, "pass") != 0)
        ready = false;
    if (e == ERR_OK && strcmp(dns_status, "blocked") == 0)
        e = plan_push(blockers, json_string("DNS / callback inputs"));
    if (e == ERR_OK)
        e = plan_set(plan, "ready", json_boolean(ready));
    if (e == ERR_OK)
        e = plan_set(plan, "headline",
                     json_string(ready ? "Temu callback deployment is ready to register in "
                                         "Seller Center."
                                       : "Temu callback deployment is not ready to register in "
                                         "Seller Center yet."));
    return e;
}

enum err deploy_plan_build(const struct config *cfg, struct db *db, json_t **out, struct errbuf *eb)
{
    json_t *plan = NULL, *pf = NULL, *smoke = NULL, *dns = NULL, *signoff = NULL;
    struct plan_origins o;
    const char *dns_status = "pending";
    *out = NULL;
    enum err e = deploy_check_latest(db, "preflight", &pf, eb);
    if (e == ERR_OK)
        e = deploy_check_latest(db, "smoke", &smoke, eb);
    if (e == ERR_OK)
        e = deploy_check_latest(db, "dns", &dns, eb);
    if (e == ERR_OK)
        e = deploy_signoff_current(db, &signoff, eb);
    if (e != ERR_OK)
        goto out;
    plan_origins_read(cfg, &o);
    plan = json_object();
    if (plan == NULL) {
        e = ERR_NOMEM;
        goto out;
    }
    e = plan_set(plan, "deploy_dir", json_string(plan_dir(cfg)));
    if (e == ERR_OK)
        e = plan_files(cfg, plan);
    if (e == ERR_OK)
        e = plan_strategies(&o, signoff, plan);
    if (e == ERR_OK)
        e = plan_set(plan, "callback",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "mode",
                               deploy_callback_mode_name(plan_mode(cfg)), "url", o.callback_url,
                               "api_origin", cfg->api_origin, "web_origin", cfg->web_origin,
                               "status", o.fit ? "pass" : "blocked", "reason",
                               plan_reason(o.fit ? NULL : o.why)));
    if (e == ERR_OK)
        e = plan_dns(&o, dns, plan, &dns_status);
    if (e == ERR_OK)
        e = plan_inputs(&o, pf, dns, plan);
    if (e == ERR_OK)
        e = plan_set(plan, "preflight",
                     json_is_object(pf) ? json_incref(pf)
                                        : json_pack("{s:s}", "status", "pending"));
    if (e == ERR_OK)
        e = plan_set(plan, "smoke",
                     json_is_object(smoke) ? json_incref(smoke)
                                           : json_pack("{s:s}", "status", "pending"));
    if (e == ERR_OK)
        e = plan_commands(cfg, &o, json_object_get(plan, "strategies"), plan);
    if (e == ERR_OK)
        e = plan_summary(plan, dns_status);
out:
    json_decref(pf);
    json_decref(smoke);
    json_decref(dns);
    json_decref(signoff);
    if (e == ERR_OK)
        *out = plan;
    else
        json_decref(plan);
    return e;
}

/* Converts a stored row (id, cleared_by, items, note, by, at[, revoked...]) into JSON. */
static json_t *plan_signoff_json(const struct db_rows *r)
{
    json_t *items = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", plan_or(db_rows_get(r, 0, 2), ""));
    for (char *p = buf; items != NULL && *p != '\0';) {
        size_t n = strcspn(p, ",");
        char save = p[n];
        p[n] = '\0';
        json_array_append_new(items, json_string(p));
        p += n + (save != '\0');
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "id", db_rows_get(r, 0, 0), "strategy",
                  DEPLOY_STRATEGY_MAINLAND, "cleared_by", db_rows_get(r, 0, 1), "cleared", items,
                  "note", plan_or(db_rows_get(r, 0, 3), ""), "recorded_by", db_rows_get(r, 0, 4),
                  "recorded_at", db_rows_get(r, 0, 5));
    if (doc != NULL && db_rows_columns(r) > 6 && !db_rows_is_null(r, 0, 6)) {
        json_object_set_new(doc, "revoked_by", json_string(db_rows_get(r, 0, 6)));
        json_object_set_new(doc, "revoked_at", json_string(plan_or(db_rows_get(r, 0, 7), "")));
        json_object_set_new(doc, "revoke_reason", json_string(plan_or(db_rows_get(r, 0, 8), "")));
    }
    return doc;
}

#define PLAN_SIGNOFF_COLUMNS                                                                       \
    "id, cleared_by, cleared_items, note, recorded_by, recorded_at, revoked_by, revoked_at, "      \
    "revoke_reason"

/* Reads the sign-off with this id, or the one in force when id is NULL; JSON null if none. */
static enum err plan_signoff_read(struct db_conn *c, const char *id, json_t **out,
                                  struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e =
        id != NULL
            ? db_query(c, "SELECT " PLAN_SIGNOFF_COLUMNS " FROM deploy_signoffs WHERE id = $1", p,
                       1, &r, eb)
            : db_query(c,
                       "SELECT " PLAN_SIGNOFF_COLUMNS " FROM deploy_signoffs WHERE strategy = "
                       "'mainland' AND revoked_at IS NULL",
                       NULL, 0, &r, eb);
    if (e == ERR_OK) {
        *out = db_rows_count(r) > 0 ? plan_signoff_json(r) : json_null();
        if (*out == NULL)
            e = ERR_NOMEM;
    }
    db_rows_free(r);
    return e;
}

enum err deploy_signoff_current(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = plan_signoff_read(c, NULL, out, eb);
    db_release(c);
    return e;
}

/* A short single-line text: 1..max bytes (0 allowed when optional), no control characters. */
static enum err plan_text_check(const json_t *body, const char *field, size_t max, bool required,
                                const char **out, struct errbuf *eb)
{
    json_t *v = json_object_get(body, field);
    *out = "";
    if (v == NULL && !required)
        return ERR_OK;
    const char *s = json_string_value(v);
    if (s == NULL)
        return err_set(eb, ERR_INVAL, "bad_field", "%s must be a string.", field);
    size_t n = strlen(s);
    if ((required && n == 0) || n > max)
        return err_set(eb, ERR_INVAL, "bad_field", "%s must have 1 to %zu characters.", field, max);
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return err_set(eb, ERR_INVAL, "bad_field", "%s must not contain control characters.",
                           field);
    }
    *out = s;
    return ERR_OK;
}

/* Refuses fields other than the allowed ones, so a typo never passes as a sign-off. */
static enum err plan_fields_check(const json_t *body, const char *const *allowed, struct errbuf *eb)
{
    const char *key;
    json_t *v;
    if (!json_is_object(body))
        return err_set(eb, ERR_INVAL, "bad_body", "The body must be a JSON object.");
    json_object_foreach((json_t *)body, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL; i++)
            ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok)
            return err_set(eb, ERR_INVAL, "unknown_field", "Unknown field \"%.40s\".", key);
    }
    return ERR_OK;
}

/* Checks "cleared" and writes the canonical comma list (all four items) into dst. */
static enum err plan_items_check(const json_t *body, char *dst, size_t len, struct errbuf *eb)
{
    json_t *arr = json_object_get(body, "cleared");
    bool seen[PLAN_SIGNOFF_ITEMS] = {false};
    size_t i;
    json_t *v;
    if (!json_is_array(arr))
        return err_set(eb, ERR_INVAL, "bad_field",
                       "cleared must be a list of what was cleared: domain, hosting, data, "
                       "compliance.");
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        size_t k = 0;
        while (s != NULL && k < PLAN_SIGNOFF_ITEMS && strcmp(s, plan_signoff_items[k]) != 0)
            k++;
        if (s == NULL || k == PLAN_SIGNOFF_ITEMS)
            return err_set(eb, ERR_INVAL, "bad_field",
                           "cleared may only hold domain, hosting, data and compliance.");
        seen[k] = true;
    }
    dst[0] = '\0';
    for (size_t k = 0; k < PLAN_SIGNOFF_ITEMS; k++) {
        if (!seen[k])
            return err_set(eb, ERR_INVAL, "not_cleared",
                           "The mainland China path needs domain, hosting, data and compliance "
                           "ownership all cleared; %s is not.",
                           plan_signoff_items[k]);
        size_t n = strlen(dst);
        snprintf(dst + n, len - n, "%s%s", n ? "," : "", plan_signoff_items[k]);
    }
    return ERR_OK;
}

enum err deploy_signoff_record(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb)
{
    static const char *const allowed[] = {"cleared_by", "cleared", "note", NULL};
    const char *who, *note;
    char items[128], id[33], now[CLOCK_ISO_LEN];
    unsigned char raw[16];
    json_t *current = NULL;
    struct db_conn *c = NULL;
    bool began = false;
    *out = NULL;
    enum err e = plan_fields_check(body, allowed, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "cleared_by", LIMIT_DEPLOY_SIGNOFF_NAME_BYTES, true, &who, eb);
    if (e == ERR_OK)
        e = plan_items_check(body, items, sizeof items, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "note", LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES, false, &note, eb);
    if (e != ERR_OK)
        return e;
    if (sodium_init() < 0)
        return err_set(eb, ERR_INTERNAL, "no_random", "libsodium could not start.");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(id, sizeof id, raw, sizeof raw);
    clock_now_iso(now);
    c = db_acquire(db);
    e = db_begin(c, eb);
    began = e == ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, NULL, &current, eb);
    if (e == ERR_OK && json_is_object(current))
        e = err_set(eb, ERR_CONFLICT, "already_signed_off",
                    "The mainland China path was already signed off by %.100s at %.40s; revoke "
                    "that sign-off first.",
                    plan_or(json_get_string(current, "recorded_by"), "?"),
                    plan_or(json_get_string(current, "recorded_at"), "?"));
    struct db_param p[] = {DB_P_TEXT(id),   DB_P_TEXT(who),   DB_P_TEXT(items),
                           DB_P_TEXT(note), DB_P_TEXT(actor), DB_P_TEXT(now)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO deploy_signoffs (id, strategy, cleared_by, cleared_items, note, "
                    "recorded_by, recorded_at) VALUES ($1, 'mainland', $2, $3, $4, $5, $6)",
                    p, sizeof p / sizeof p[0], NULL, eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    began = began && e != ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, id, out, eb);
    if (began)
        db_rollback(c);
    db_release(c);
    json_decref(current);
    return e;
}

enum err deploy_signoff_revoke(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason;
    char now[CLOCK_ISO_LEN];
    json_t *current = NULL;
    int64_t changed = 0;
    bool began = false;
    *out = NULL;
    enum err e = plan_fields_check(body, allowed, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "reason", LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES, true, &reason, eb);
    if (e != ERR_OK)
        return e;
    clock_now_iso(now);
    struct db_conn *c = db_acquire(db);
    e = db_begin(c, eb);
    began = e == ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, NULL, &current, eb);
    if (e == ERR_OK && !json_is_object(current))
        e = err_set(eb, ERR_NOTFOUND, "no_sign_off",
                    "No mainland China sign-off is in force, so there is nothing to revoke.");
    const char *id = json_get_string(current, "id");
    struct db_param p[] = {DB_P_TEXT(actor), DB_P_TEXT(now), DB_P_TEXT(reason), DB_P_TEXT(id)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE deploy_signoffs SET revoked_by = $1, revoked_at = $2, "
                    "revoke_reason = $3 WHERE id = $4 AND revoked_at IS NULL",
                    p, 4, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "sign_off_changed",
                    "The sign-off changed while it was being revoked; reload and retry.");
    if (e == ERR_OK)
        e = db_commit(c, eb);
    began = began && e != ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, id, out, eb);
    if (began)
        db_rollback(c);
    db_release(c);
    json_decref(current);
    return e;
}

enum err deploy_check_rerun(const struct config *cfg, struct db *db, const char *kind,
                            const char *token, json_t **out, struct errbuf *eb)
{
    struct deploy_findings f = {0};
    struct plan_origins o;
    enum err e = ERR_OK;
    *out = NULL;
    if (!plan_kind_valid(kind))
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind.");
    if (strcmp(kind, "preflight") == 0) {
        struct stat st;
        if (stat(plan_dir(cfg), &st) != 0 || !S_ISDIR(st.st_mode))
            return err_set(eb, ERR_NOTFOUND, "deploy_dir_missing",
                           "The production folder %.200s does not exist on the server; generate "
                           "it with `aicos deploy init-env` or set AICOS_DEPLOY_DIR.",
                           plan_dir(cfg));
        e = deploy_preflight_run(plan_dir(cfg), &f, eb);
    } else if (strcmp(kind, "dns") == 0) {
        struct deploy_dns_result ra, rw;
        plan_origins_read(cfg, &o);
        if (!o.api_parsed || !o.web_parsed)
            return err_set(eb, ERR_INVAL, "bad_origins",
                           "AICOS_API_ORIGIN and AICOS_WEB_ORIGIN must be set to check DNS.");
        deploy_dns_check(o.api.host, o.web.host, &ra, &rw, &f);
    } else {
        struct deploy_smoke_opts so = {
            .api_origin = cfg->api_origin,
            .web_origin = cfg->web_origin,
            .mode = plan_mode(cfg),
            .token = token != NULL && *token != '\0' ? token : NULL,
        };
        e = deploy_smoke_run(&so, &f, eb);
    }
    if (e == ERR_OK)
        e = deploy_record(db, kind, &f, eb);
    if (e == ERR_OK)
        e = deploy_check_latest(db, kind, out, eb);
    deploy_findings_free(&f);
    return e;
}

enum err deploy_packet_build(const struct config *cfg, struct vault *vault, json_t **out,
                             struct errbuf *eb)
{
    struct plan_origins o;
    json_t *regions = NULL, *names = NULL, *doc = NULL;
    enum err e = ERR_OK;
    *out = NULL;
    plan_origins_read(cfg, &o);
    regions = json_array();
    if (regions == NULL)
        return ERR_NOMEM;
    /* Regions whose App Key and App Secret are stored; only names are read, never values. */
    if (vault != NULL) {
        e = vault_list(vault, &names, eb);
        for (int r = 0; e == ERR_OK && r < TEMU_REGION__COUNT; r++) {
            char key[48], secret[48];
            bool has_key = false, has_secret = false;
            size_t i;
            json_t *v;
            temu_credentials_names((enum temu_region)r, key, secret, sizeof key);
            json_array_foreach(names, i, v)
            {
                const char *n = json_get_string(v, "name");
                has_key = has_key || (n != NULL && strcmp(n, key) == 0);
                has_secret = has_secret || (n != NULL && strcmp(n, secret) == 0);
            }
            if (has_key && has_secret)
                e = plan_push(regions,
                              json_pack("{s:s, s:s}", "region",
                                        temu_region_name((enum temu_region)r), "source", "vault"));
        }
    }
    if (e == ERR_OK && json_array_size(regions) == 0 && cfg->temu_app_key[0] != '\0' &&
        cfg->temu_app_secret_file[0] != '\0')
        e = plan_push(regions,
                      json_pack("{s:s, s:s}", "region", cfg->temu_region, "source", "config"));
    if (e != ERR_OK)
        goto out;
    doc = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:s, s:b, s:o, s:O, s:b}", "callback_mode",
                    deploy_callback_mode_name(plan_mode(cfg)), "callback_url", o.callback_url,
                    "api_origin", cfg->api_origin, "web_origin", cfg->web_origin, "redirect_uris",
                    o.callback_url, "seller_center_url", DEPLOY_SELLER_CENTER_URL,
                    "origins_production_ready", o.fit, "problem", plan_reason(o.fit ? NULL : o.why),
                    "app_credentials", regions, "credentials_configured",
                    json_array_size(regions) > 0);
    if (doc == NULL)
        e = ERR_NOMEM;
out:
    json_decref(names);
    json_decref(regions);
    if (e == ERR_OK)
        *out = doc;
    return e;
}

/* The deployment plan (plan.h): built from the configuration, files and recorded checks. */
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
#include "deploy/plan_util.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"
#include "deploy/templates.h"
#include "temu/credentials.h"
#include "temu/regions.h"
#include "vault/vault.h"

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

ERR_MUST_USE static enum err plan_files(const struct config *cfg, json_t *plan)
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

ERR_MUST_USE static enum err plan_strategies(const struct plan_origins *o, const json_t *signoff,
                                             json_t *plan)
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

ERR_MUST_USE static enum err plan_dns(const struct plan_origins *o, const json_t *dns, json_t *plan,
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
ERR_MUST_USE static enum err plan_input(json_t *arr, const char *id, const char *label,
                                        const char *status, const char *reason)
{
    return plan_push(arr, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "label", label, "owner",
                                    PLAN_OWNER, "status", status, "reason", plan_reason(reason)));
}

ERR_MUST_USE static enum err plan_inputs(const struct plan_origins *o, const json_t *pf,
                                         const json_t *dns, json_t *plan)
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
ERR_MUST_USE static enum err plan_command(json_t *arr, const char *id, const char *title,
                                          const char *desc, const char *cmd)
{
    return plan_push(arr, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "title", title, "description",
                                    desc, "command", cmd));
}

/* The commands from the preflight on: preflight, DNS, deploy, smoke. */
ERR_MUST_USE static enum err plan_commands_run(json_t *arr, const char *dir,
                                               const struct plan_origins *o, const char *api,
                                               const char *web, const char *mode)
{
    char cmd[4 * CONFIG_ORIGIN_MAX + 3 * LIMIT_PATH_BYTES];
    enum err e = ERR_OK;
    snprintf(cmd, sizeof cmd, "aicos deploy preflight --dir %s", dir);
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

ERR_MUST_USE static enum err plan_commands(const struct config *cfg, const struct plan_origins *o,
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
    return e ? e : plan_commands_run(arr, dir, o, api, web, mode);
}

/* The names of what blocks, for the "当前阻断 / current blockers" line. */
ERR_MUST_USE static enum err plan_summary(json_t *plan, const char *dns_status)
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

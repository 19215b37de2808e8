/*
 * The Temu connection progress engine: eight ordered steps computed from real state.
 */
#include <stdio.h>
#include <string.h>

#include "deploy/inputs.h"
#include "deploy/record.h"
#include "readiness/facts.h"
#include "readiness/readiness.h"
#include "sync/sync.h"

#define PROGRESS_TEXT_MAX 1400

enum progress_status { PROGRESS_PASS = 0, PROGRESS_WARNING, PROGRESS_BLOCKED, PROGRESS_PENDING };

struct progress_step {
    const char *key;
    const char *label;
    const char *owner;
    const char *stage; /* the stage while this is the first unfinished step */
    enum progress_status status;
    bool human; /* a person can act on it now */
    char reason[PROGRESS_TEXT_MAX];
    char next[PROGRESS_TEXT_MAX];
};

static const char *progress_status_name(enum progress_status s)
{
    static const char *const names[] = {"pass", "warning", "blocked", "pending"};
    return names[s];
}

static const char *progress_stage_label(const char *code)
{
    if (strcmp(code, "waiting_for_app_credentials") == 0)
        return "等待 App Key/App Secret / waiting_for_app_credentials";
    if (strcmp(code, "waiting_for_callback_deployment") == 0)
        return "等待公网回调部署 / waiting_for_callback_deployment";
    if (strcmp(code, "waiting_for_seller_authorization") == 0)
        return "等待 Seller Center 授权 / waiting_for_seller_authorization";
    if (strcmp(code, "waiting_for_first_sync") == 0)
        return "等待首次同步 / waiting_for_first_sync";
    return "已连接 / connected";
}

static void progress_set(struct progress_step *s, enum progress_status st, bool human,
                         const char *reason, const char *next)
{
    s->status = st;
    s->human = human;
    snprintf(s->reason, sizeof s->reason, "%s", reason);
    snprintf(s->next, sizeof s->next, "%s", next);
}

/* A deploy-check step: pending with the command until a result is recorded. */
ERR_MUST_USE static enum err progress_check_step(struct readiness_facts *f, struct progress_step *s,
                                                 const char *kind, const char *what,
                                                 const char *command, struct errbuf *eb)
{
    const struct deploy_record_row *rp = NULL;
    char reason[PROGRESS_TEXT_MAX], next[PROGRESS_TEXT_MAX];
    enum err e = readiness_facts_deploy(f, kind, &rp, eb);
    if (e != ERR_OK)
        return e;
    const struct deploy_record_row row = *rp;
    if (!row.found) {
        snprintf(reason, sizeof reason, "No %s result is recorded yet.", what);
        snprintf(next, sizeof next, "Run: %s", command);
        progress_set(s, PROGRESS_PENDING, true, reason, next);
    } else if (row.blockers > 0) {
        snprintf(reason, sizeof reason, "The latest %s (%s) has %u blocker(s): %.400s", what,
                 row.ran_at, row.blockers, row.first_blocker);
        snprintf(next, sizeof next, "Fix the blocker(s), then run again: %s", command);
        progress_set(s, PROGRESS_BLOCKED, true, reason, next);
    } else if (row.warnings > 0) {
        snprintf(reason, sizeof reason, "The latest %s (%s) passed with %u warning(s).", what,
                 row.ran_at, row.warnings);
        progress_set(s, PROGRESS_WARNING, false, reason, "Review the warnings.");
    } else {
        snprintf(reason, sizeof reason, "The latest %s (%s) passed.", what, row.ran_at);
        progress_set(s, PROGRESS_PASS, false, reason, "Nothing to do.");
    }
    return ERR_OK;
}

/* 1. App credentials. */
static void progress_credentials(struct readiness_facts *f, enum temu_region region,
                                 struct progress_step *s)
{
    char reason[PROGRESS_TEXT_MAX], next[PROGRESS_TEXT_MAX];
    const bool *present = NULL;
    if (readiness_facts_creds(f, &present, NULL) != ERR_OK)
        present = NULL;
    if (f->env->vault == NULL) {
        progress_set(s, PROGRESS_BLOCKED, true,
                     "No vault master key is configured, so App Key/App Secret cannot be stored "
                     "encrypted.",
                     "ops: set AICOS_MASTER_KEY_FILE, then store the App Key and App Secret.");
    } else if (present != NULL && present[region]) {
        snprintf(reason, sizeof reason,
                 "App Key and App Secret for region %s are stored "
                 "encrypted.",
                 temu_region_name(region));
        progress_set(s, PROGRESS_PASS, false, reason, "Nothing to do.");
    } else {
        snprintf(reason, sizeof reason, "No App Key/App Secret is stored for region %s.",
                 temu_region_name(region));
        snprintf(next, sizeof next,
                 "aicos temu credentials set --region %s --app-key KEY --app-secret-file FILE "
                 "(from the Temu partner portal; never the shop password).",
                 temu_region_name(region));
        progress_set(s, PROGRESS_BLOCKED, true, reason, next);
    }
}

/* 2. Public callback URL. */
static void progress_callback(const struct config *cfg, struct progress_step *s)
{
    char reason[PROGRESS_TEXT_MAX], url[CONNECT_URL_MAX];
    struct deploy_origin o;
    struct errbuf why = {0};
    connect_callback_url(cfg, url, sizeof url);
    const char *origin =
        strcmp(cfg->temu_callback_mode, "web-bridge") == 0 ? cfg->web_origin : cfg->api_origin;
    if (deploy_origin_check("the callback origin", origin, &o, &why) == ERR_OK) {
        snprintf(reason, sizeof reason, "Callback %.600s is public HTTPS (%s mode).", url,
                 cfg->temu_callback_mode);
        progress_set(s, PROGRESS_PASS, false, reason,
                     "Register this URL in the Temu partner portal.");
    } else {
        snprintf(reason, sizeof reason, "Callback %.300s is not public HTTPS: %.300s", url,
                 why.msg);
        progress_set(s, PROGRESS_BLOCKED, true, reason,
                     "aicos deploy init-env --api-origin https://<api-host> --web-origin "
                     "https://<web-host> --acme-email ops@your-domain.com --postgres-password "
                     "<strong-password>; serve with those origins.");
    }
}

/* 3. DNS, 5. preflight, 6. smoke: the recorded results. */
ERR_MUST_USE static enum err progress_checks(struct readiness_facts *f, struct progress_step *steps,
                                             struct errbuf *eb)
{
    const struct config *cfg = f->env->cfg;
    char cmd[PROGRESS_TEXT_MAX];
    struct deploy_origin api, web;
    bool parsed = deploy_origin_parse("api", cfg->api_origin, &api, NULL) == ERR_OK &&
                  deploy_origin_parse("web", cfg->web_origin, &web, NULL) == ERR_OK;
    snprintf(cmd, sizeof cmd, "aicos deploy dns --api-host %s --web-host %s",
             parsed ? api.host : "<api-host>", parsed ? web.host : "<web-host>");
    enum err e = progress_check_step(f, &steps[2], "dns", "DNS check", cmd, eb);
    if (e == ERR_OK)
        e = progress_check_step(f, &steps[4], "preflight", "deployment preflight",
                                "aicos deploy preflight", eb);
    snprintf(cmd, sizeof cmd, "aicos deploy smoke --api-origin %s --web-origin %s", cfg->api_origin,
             cfg->web_origin);
    if (e == ERR_OK)
        e = progress_check_step(f, &steps[5], "smoke", "public smoke test", cmd, eb);
    return e;
}

/* 4. Production env files: judged by the preflight's env checks. */
ERR_MUST_USE static enum err progress_env_files(struct readiness_facts *f, struct progress_step *s,
                                                struct errbuf *eb)
{
    const struct connect_env *env = f->env;
    const struct deploy_record_row *pp = NULL;
    enum err e = readiness_facts_deploy(f, "preflight", &pp, eb);
    if (e != ERR_OK)
        return e;
    const struct deploy_record_row pf = *pp;
    if (!pf.found)
        progress_set(s, PROGRESS_PENDING, true, "No production env files have been checked yet.",
                     "aicos deploy init-env --api-origin https://<api-host> --web-origin "
                     "https://<web-host> --acme-email ... --postgres-password ..., then aicos "
                     "deploy preflight");
    else if (pf.env_blocker)
        progress_set(s, PROGRESS_BLOCKED, true,
                     "The latest preflight found problems in the production env file.",
                     "Regenerate with aicos deploy init-env --force, then aicos deploy preflight");
    else if (env->cfg->env != CONFIG_ENV_PRODUCTION)
        progress_set(s, PROGRESS_WARNING, false,
                     "The production env files are valid, but this server runs with "
                     "AICOS_ENV=development.",
                     "Start the production stack with infra/production.env.");
    else
        progress_set(s, PROGRESS_PASS, false,
                     "Production env files are valid and this server runs in production.",
                     "Nothing to do.");
    return ERR_OK;
}

/* 7. Seller authorization. */
ERR_MUST_USE static enum err progress_authorization(struct readiness_facts *f, int64_t now,
                                                    struct progress_step *s, struct errbuf *eb)
{
    char reason[PROGRESS_TEXT_MAX];
    const struct connect_summary *sp = NULL;
    enum err e = readiness_facts_connect(f, &sp, eb);
    if (e != ERR_OK)
        return e;
    const struct connect_summary sum = *sp;
    if (sum.active > 0) {
        int64_t days = connect_days_left(sum.soonest_expiry, now);
        snprintf(reason, sizeof reason,
                 "%lld shop(s) authorized; the earliest token expires in %lld day(s).",
                 (long long)sum.active, (long long)days);
        if (days <= CONNECT_WARN_DAYS_7)
            progress_set(s, PROGRESS_WARNING, true, reason,
                         "seller_admin: re-authorize the connection before the token expires.");
        else
            progress_set(s, PROGRESS_PASS, false, reason, "Nothing to do.");
    } else if (sum.failed > 0) {
        snprintf(reason, sizeof reason, "The Temu connection failed: %s.", sum.failed_reason);
        progress_set(s, PROGRESS_BLOCKED, true, reason,
                     "seller_admin: re-authorize the connection from /integrations.");
    } else if (sum.open_sessions > 0) {
        progress_set(s, PROGRESS_PENDING, true,
                     "An authorization session is open; waiting for a seller admin to approve "
                     "the app in Seller Center.",
                     "seller_admin: open the authorization URL and approve it in Temu Seller "
                     "Center.");
    } else {
        progress_set(s, PROGRESS_BLOCKED, true,
                     "A seller admin must approve the generated Temu Open Platform authorization "
                     "link.",
                     "Open /integrations, generate the authorization URL, and approve it in Temu "
                     "Seller Center.");
    }
    return ERR_OK;
}

/* 8. First sync: the sync engine's recorded runs. */
ERR_MUST_USE static enum err progress_first_sync(struct readiness_facts *f, struct progress_step *s,
                                                 struct errbuf *eb)
{
    char reason[PROGRESS_TEXT_MAX];
    const struct sync_summary *sp = NULL;
    enum err e = readiness_facts_sync(f, &sp, eb);
    if (e != ERR_OK)
        return e;
    const struct sync_summary ss = *sp;
    if (ss.success_runs > 0 && ss.paused == 0 && ss.failing == 0) {
        snprintf(reason, sizeof reason, "%lld successful sync run(s); the latest finished at %lld.",
                 (long long)ss.success_runs, (long long)ss.last_success_at);
        progress_set(s, PROGRESS_PASS, false, reason, "Nothing to do.");
    } else if (ss.success_runs > 0) {
        snprintf(reason, sizeof reason,
                 "Sync has succeeded before, but %lld stream(s) are failing and %lld paused: "
                 "%.400s",
                 (long long)ss.failing, (long long)ss.paused, ss.last_error);
        progress_set(s, PROGRESS_WARNING, true, reason,
                     "operator: read GET /api/v1/sync/runs, fix the cause, then aicos sync resume "
                     "--connection ID --stream orders.");
    } else if (ss.last_error[0] != '\0') {
        snprintf(reason, sizeof reason, "No sync has succeeded yet; the latest failed: %.600s",
                 ss.last_error);
        progress_set(s, PROGRESS_BLOCKED, true, reason,
                     "operator: fix the cause, then aicos sync run --connection ID --stream "
                     "orders.");
    } else {
        progress_set(s, PROGRESS_PENDING, true, "No sync has run yet.",
                     "operator: aicos sync run --connection ID --stream orders (or POST "
                     "/api/v1/sync/runs).");
    }
    return ERR_OK;
}

ERR_MUST_USE static enum err progress_compute(struct readiness_facts *f,
                                              struct progress_step *steps, struct errbuf *eb)
{
    const struct connect_env *env = f->env;
    int64_t now = f->now;
    enum temu_region region = TEMU_REGION_US;
    temu_region_parse(env->cfg->temu_region, &region);
    progress_credentials(f, region, &steps[0]);
    progress_callback(env->cfg, &steps[1]);
    enum err e = progress_checks(f, steps, eb);
    if (e == ERR_OK)
        e = progress_env_files(f, &steps[3], eb);
    if (e == ERR_OK)
        e = progress_authorization(f, now, &steps[6], eb);
    if (e == ERR_OK)
        e = progress_first_sync(f, &steps[7], eb);
    return e;
}

enum err readiness_progress_of(struct readiness_facts *f, json_t **out, struct errbuf *eb)
{
    struct progress_step steps[READINESS_STEPS] = {
        {"app_credentials", "App Key / App Secret", "seller_admin", "waiting_for_app_credentials",
         0, false, "", ""},
        {"public_callback_url", "公网回调地址 / Public callback URL", "ops",
         "waiting_for_callback_deployment", 0, false, "", ""},
        {"dns", "DNS 解析 / DNS", "ops", "waiting_for_callback_deployment", 0, false, "", ""},
        {"production_env", "生产环境文件 / Production env", "ops",
         "waiting_for_callback_deployment", 0, false, "", ""},
        {"deployment_preflight", "部署预检 / Deployment preflight", "ops",
         "waiting_for_callback_deployment", 0, false, "", ""},
        {"callback_reachable", "回调可达 / Callback reachable", "ops",
         "waiting_for_callback_deployment", 0, false, "", ""},
        {"seller_authorization", "Seller Center 授权 / Seller Center authorization", "seller_admin",
         "waiting_for_seller_authorization", 0, false, "", ""},
        {"first_sync", "首次同步 / First sync", "operator", "waiting_for_first_sync", 0, false, "",
         ""},
    };
    enum err e = progress_compute(f, steps, eb);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array(), *next = json_array();
    int done = 0, current = -1;
    for (int i = 0; i < READINESS_STEPS; i++) {
        const struct progress_step *s = &steps[i];
        bool ok = s->status == PROGRESS_PASS || s->status == PROGRESS_WARNING;
        done += ok;
        if (!ok && current < 0)
            current = i;
        json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "index", i + 1,
                                              "key", s->key, "label", s->label, "status",
                                              progress_status_name(s->status), "owner", s->owner,
                                              "reason", s->reason, "next_action", s->next));
        if (!ok || s->status == PROGRESS_WARNING)
            json_array_append_new(next, json_pack("{s:s, s:s, s:s}", "step", s->key, "owner",
                                                  s->owner, "action", s->next));
    }
    if (current >= 0)
        json_array_insert_new(
            next, 0,
            json_pack("{s:s, s:s, s:s}", "step", "general", "owner", "seller_admin", "action",
                      "Request the Temu Open Platform App Key/App Secret or Seller Center "
                      "approval; do not request the shop login password."));
    const char *stage = current >= 0 ? steps[current].stage : "connected";
    json_t *blocker = json_null();
    if (current >= 0)
        blocker =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "step", steps[current].key, "label",
                      steps[current].label, "status", progress_status_name(steps[current].status),
                      "message", steps[current].reason, "next_action", steps[current].next);
    bool act = current >= 0 && steps[current].human;
    char fraction[24];
    snprintf(fraction, sizeof fraction, "%d/%d", done, READINESS_STEPS);
    *out = json_pack(
        "{s:o, s:i, s:i, s:i, s:s, s:{s:s, s:s}, s:{s:b, s:s*, s:s}, s:o, s:o, s:{s:b, s:s, "
        "s:s}}",
        "steps", list, "percent", done * 100 / READINESS_STEPS, "done", done, "total",
        READINESS_STEPS, "fraction", fraction, "stage", "code", stage, "label",
        progress_stage_label(stage), "action_required", "now", act, "role",
        act ? steps[current].owner : NULL, "label", act ? "是 / yes" : "否 / no", "blocker",
        blocker ? blocker : json_null(), "next_steps", next, "safety", "shop_password_required", 0,
        "label", "安全 / safe", "statement",
        "不需要 Temu 店铺登录密码 / The Temu shop login password is never needed: no API or form "
        "accepts one.");
    if (*out == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    return ERR_OK;
}

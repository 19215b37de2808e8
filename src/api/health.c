/* Liveness (/healthz), readiness (/readyz) and metrics (/metrics). */
#include "api/health.h"

#include "api/api.h"
#include "http/metrics.h"

#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/secure.h"
#include "base/log.h"
#include "store/migrate.h"
#include "version.h"

enum err api_healthz(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)req;
    (void)eb;
    return http_resp_json(resp, 200, json_pack("{s:s}", "status", "ok"));
}

enum err api_readyz(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    (void)eb;
    struct app *app = req->app;
    struct errbuf why = {0};
    const char *failed = NULL;
    int current = 0;
    /* One read of the schema version answers both questions: reachable, and current. */
    enum err e = migrate_check_current(app->db, &current, &why);
    if (e == ERR_SCHEMA) {
        failed = errbuf_code(&why, e);
    } else if (e != ERR_OK) {
        log_kv(LOG_WARN, "readyz.database_unreachable", "rid", req->rid, "detail", why.msg, NULL);
        failed = "database_unreachable";
        /* The answer says only that much; the detail stays in the log line above. */
        e = err_set(&why, e, NULL, "The database is not reachable.");
    }
    json_t *doc = json_pack("{s:s, s:{s:s, s:b, s:i, s:i}}", "status",
                            failed ? "unavailable" : "ready", "database", "driver",
                            db_driver_name(app->db), "reachable", failed == NULL || e == ERR_SCHEMA,
                            "schema_version", current, "schema_expected", migrate_latest());
    if (doc != NULL && failed != NULL)
        json_object_set_new(
            doc, "error",
            json_pack("{s:s, s:s}", "code", failed, "message", errbuf_message(&why, e)));
    return http_resp_json(resp, failed ? 503 : 200, doc);
}

/*
 * /metrics names the build and every route's traffic. With AICOS_METRICS_TOKEN it needs that
 * token as a Bearer; without one, production answers only local scrapes (a loopback peer and
 * no X-Forwarded-For / Forwarded header, i.e. not through the proxy).
 */
ERR_MUST_USE static enum err api_metrics_allowed(const struct http_req *req, struct errbuf *eb)
{
    const struct app *app = req->app;
    if (app->cfg->metrics_token[0] != '\0') {
        const char *h = http_req_header(req, "Authorization");
        if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 ||
            !secure_equal(h + 7, app->cfg->metrics_token))
            return err_set(eb, ERR_AUTH, "metrics_token_required",
                           "/metrics needs the token of AICOS_METRICS_TOKEN as a Bearer.");
        return ERR_OK;
    }
    if (app->cfg->env != CONFIG_ENV_PRODUCTION)
        return ERR_OK;
    bool loopback = strcmp(req->client_ip, "127.0.0.1") == 0 || strcmp(req->client_ip, "::1") == 0;
    if (!loopback || http_req_header(req, "X-Forwarded-For") != NULL ||
        http_req_header(req, "Forwarded") != NULL)
        return err_set(eb, ERR_FORBIDDEN, "metrics_local_only",
                       "In production /metrics answers only local scrapes; set "
                       "AICOS_METRICS_TOKEN to scrape it from elsewhere.");
    return ERR_OK;
}

enum err api_metrics(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct app *app = req->app;
    enum err allowed = api_metrics_allowed(req, eb);
    if (allowed != ERR_OK)
        return allowed;
    uint64_t up = (clock_mono_ns() - app->started_ns) / 1000000000u;
    buf_reset(&resp->body);
    enum err e = metrics_render(app->metrics, &resp->body, AICOS_VERSION, AICOS_COMMIT, up);
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    resp->status = 200;
    return e;
}

/*
 * The sync page: per-(connection, stream) state with retry and resume forms, and the run
 * history with errors. Data comes from src/sync/sync.h and src/sync/query.h; no SQL here.
 * Every action is a plain form carrying the CSRF token.
 */
#include "web/sync_page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/sync.h"
#include "sync/query.h"
#include "sync/settings.h"
#include "sync/sync.h"
#include "web/console.h"
#include "web/msg.h"
#include "web/page.h"
#include "web/shops.h"
#include "web/widget.h"

#define SYNC_RUNS_SHOWN 50 /* runs on the /sync page */

/* A POST form with one button carrying connection_id and stream. */
static void sync_stream_form(struct http_req *req, struct html *h, const char *action,
                             const json_t *row, const char *label)
{
    const struct widget_arg fields[] = {
        {"connection_id", widget_json_str(row, "connection_id")},
        {"stream", widget_json_str(row, "stream")},
    };
    widget_post_button(h, action, req->auth, fields, 2, "small", label);
}

/* The shops (names for the rows) and the "stale sync" threshold of the console's settings. */
struct sync_view {
    const json_t *shops;
    int64_t stale_s, now;
};

static void sync_state_row(struct http_req *req, struct html *h, const struct sync_view *v,
                           const json_t *s)
{
    bool paused = json_is_true(json_object_get(s, "paused"));
    int64_t last = widget_json_int(s, "last_success_at");
    html_raw(h, "<tr><td>");
    web_shop_cell(h, v->shops, widget_json_str(s, "connection_id"));
    html_raw(h, "</td><td>");
    widget_word(h, widget_json_str(s, "stream"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(s, "watermark"));
    html_raw(h, json_is_true(json_object_get(s, "backfill_done"))
                    ? "</td><td>完成 / done</td><td>"
                    : "</td><td>进行中 / in progress</td><td>");
    widget_time_ago(h, last, v->now);
    if (last > 0 && v->now - last > v->stale_s) {
        char min[24];
        snprintf(min, sizeof min, "%lld", (long long)(v->stale_s / 60));
        html_raw(h, " <span class=\"pill warning stale\" title=\"sync_stale_min\">");
        widget_msgf(h, MSG_W_STALE, min);
        html_raw(h, "</span>");
    }
    html_raw(h, "</td><td>");
    html_int(h, widget_json_int(s, "consecutive_failures"));
    html_raw(h, "</td><td>");
    widget_status(h, paused ? "paused" : "active");
    if (*widget_json_str(s, "warning") != '\0')
        html_tpl(h, " <span class=\"muted\">{}</span>", widget_json_str(s, "warning"));
    html_raw(h, "</td><td>");
    if (web_can(req, ROLE_OPERATOR) && !paused)
        sync_stream_form(req, h, "/sync/retry", s, "立即同步 / Sync now");
    if (web_can(req, ROLE_OPS) && paused)
        sync_stream_form(req, h, "/sync/resume", s, "恢复 / Resume");
    html_raw(h, "</td></tr>");
}

static void sync_states(struct http_req *req, struct html *h, const struct sync_view *v,
                        const json_t *states)
{
    static const char *const heads[] = {
        "店铺 / Shop",
        "流 / Stream",
        "水位 / Watermark",
        "回填 / Backfill",
        "最近成功 / Last success",
        "连续失败 / Failures",
        "状态 / State",
        "操作 / Actions",
        NULL,
    };
    size_t i;
    const json_t *s;
    html_raw(h, "<section class=\"card\" id=\"streams\"><h2>同步流状态 / Stream state</h2>");
    if (json_array_size(states) == 0) {
        widget_empty_msg(h, NULL, MSG_P_SYNC_PAGE_18);
    } else {
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(states, i, s) sync_state_row(req, h, v, s);
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

static void sync_run_row(struct http_req *req, struct html *h, const struct sync_view *v,
                         const json_t *r)
{
    const json_t *c = json_object_get(r, "counts"), *err = json_object_get(r, "error");
    const char *outcome = widget_json_str(r, "outcome");
    html_raw(h, "<tr><td>");
    widget_word(h, widget_json_str(r, "stream"));
    html_raw(h, "</td><td>");
    web_shop_cell(h, v->shops, widget_json_str(r, "connection_id"));
    html_tpl(h, "</td><td>{}</td><td>", widget_json_str(r, "trigger"));
    widget_time(h, widget_json_int(r, "started_at"));
    html_raw(h, "</td><td>");
    widget_time(h, widget_json_int(r, "finished_at"));
    html_raw(h, "</td><td>");
    html_int(h, widget_json_int(r, "pages"));
    html_raw(h, "</td><td>");
    html_txtf(h, "%lld · %lld · %lld · %lld", (long long)widget_json_int(c, "added"),
              (long long)widget_json_int(c, "updated"), (long long)widget_json_int(c, "unchanged"),
              (long long)widget_json_int(c, "failed"));
    html_raw(h, "</td><td>");
    widget_status(h, outcome);
    html_raw(h, "</td><td>");
    if (json_is_object(err)) {
        char code[24];
        snprintf(code, sizeof code, "%lld", (long long)widget_json_int(err, "code"));
        html_tpl(h, "<code>{} {}</code> {}", widget_json_str(err, "class"), code,
                 widget_json_str(err, "message"));
    }
    html_raw(h, "</td><td>");
    if (web_can(req, ROLE_OPERATOR) && strcmp(outcome, "success") != 0 &&
        strcmp(outcome, "running") != 0)
        sync_stream_form(req, h, "/sync/retry", r, "重试 / Retry");
    html_raw(h, "</td></tr>");
}

static void sync_runs(struct http_req *req, struct html *h, const struct sync_view *v,
                      const json_t *runs)
{
    static const char *const heads[] = {
        "流 / Stream",
        "店铺 / Shop",
        "触发 / Trigger",
        "开始 / Started",
        "结束 / Finished",
        "页 / Pages",
        "新增·更新·未变·失败 / Added·updated·unchanged·failed",
        "结果 / Outcome",
        "错误 / Error",
        "",
        NULL,
    };
    size_t i;
    const json_t *r;
    html_raw(h, "<section class=\"card\" id=\"runs\"><h2>同步记录 / Sync runs</h2>");
    if (json_array_size(runs) == 0) {
        widget_empty_msg(h, NULL, MSG_P_SYNC_PAGE_19);
    } else {
        widget_table_begin(h, NULL, NULL, heads);
        json_array_foreach(runs, i, r) sync_run_row(req, h, v, r);
        widget_table_end(h);
    }
    html_raw(h, "</section>");
}

/* The operator's form that runs any stream of any active shop now: a new shop has no stream
 * state yet, so its first sync starts here. */
static void sync_start_form(struct http_req *req, struct html *h, const json_t *shops)
{
    size_t i;
    const json_t *s;
    if (!web_can(req, ROLE_OPERATOR) || json_array_size(json_object_get(shops, "shops")) == 0)
        return;
    html_raw(h, "<form class=\"filters card\" method=\"post\" action=\"/sync/retry\" "
                "id=\"sync-start\">");
    widget_csrf(h, req->auth);
    html_raw(h, "<label>店铺 / Shop<select name=\"connection_id\" id=\"f-sync-shop\">");
    json_array_foreach(json_object_get(shops, "shops"), i, s)
    {
        if (strcmp(widget_json_str(s, "status"), "active") != 0)
            continue;
        html_tpl(h, "<option value=\"{}\">", widget_json_str(s, "id"));
        web_shop_label(h, s);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></label><label>流 / Stream<select name=\"stream\" id=\"f-sync-stream\">");
    for (int st = 0; st < SYNC_STREAM__COUNT; st++) {
        const char *name = sync_stream_name((enum sync_stream)st);
        html_tpl(h, "<option value=\"{}\">", name);
        widget_status_label(h, name);
        html_raw(h, "</option>");
    }
    html_raw(h, "</select></label><div class=\"actions\"><button type=\"submit\" "
                "id=\"sync-start-run\">");
    widget_pair(h, "立即同步", "Sync now");
    html_raw(h, "</button></div></form>");
}

/* The page with an optional notice (kind NULL for none). */
ERR_MUST_USE static enum err sync_render(struct http_req *req, struct http_resp *resp, int status,
                                         const char *kind, const char *notice, struct errbuf *eb)
{
    const struct app *app = req->app;
    json_t *runs = NULL, *states = NULL, *shops = NULL;
    struct sync_settings set;
    struct html h;
    enum err e = sync_runs_list(app->db, NULL, NULL, SYNC_RUNS_SHOWN, &runs, eb);
    e = e ? e : query_stream_states(app->db, NULL, &states, eb);
    e = e ? e : sync_settings_get(app->db, app->cfg, &set, eb);
    if (e != ERR_OK)
        goto out;
    shops = web_shops_load(req);
    const struct sync_view v = {shops, set.value[SYNC_SET_SYNC_STALE_MIN] * 60,
                                (int64_t)time(NULL)};
    web_page_begin(&h, resp, "同步 / Sync", "sync", req->auth);
    widget_page_head_msg(&h, "同步 / Sync", MSG_P_SYNC_PAGE_20);
    if (kind != NULL)
        widget_notice(&h, kind, notice);
    sync_start_form(req, &h, shops);
    sync_states(req, &h, &v, states);
    sync_runs(req, &h, &v, runs);
    e = web_page_end(&h, resp, status);
out:
    json_decref(shops);
    json_decref(runs);
    json_decref(states);
    return e;
}

enum err page_sync(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    return sync_render(req, resp, 200, NULL, NULL, eb);
}

/* Renders /sync with an error banner for a failed form post (5xx other than upstream stay
 * errors). */
ERR_MUST_USE static enum err sync_form_error(struct http_req *req, struct http_resp *resp,
                                             enum err e, const char *message, struct errbuf *why,
                                             struct errbuf *eb)
{
    if (!web_form_failure_shown(e)) {
        *eb = *why;
        return e;
    }
    if (web_form_redirects(req, e))
        return web_redirect_notice(req, resp, "/sync", "error", message);
    return sync_render(req, resp, http_status_for_err(e), "error", message, eb);
}

/* The form's connection and stream; ERR_INVAL naming what is missing. */
ERR_MUST_USE static enum err sync_stream_fields(struct http_req *req, const char **conn,
                                                enum sync_stream *s, struct errbuf *eb)
{
    *conn = http_req_form(req, "connection_id");
    const char *stream = http_req_form(req, "stream");
    if (*conn == NULL || **conn == '\0' || strlen(*conn) > CONNECT_ID_LEN)
        return err_set(eb, ERR_INVAL, "bad_connection", "connection_id is required.");
    if (stream == NULL || !sync_stream_parse(stream, s))
        return err_set(eb, ERR_INVAL, "bad_stream", "stream is not a known stream.");
    return ERR_OK;
}

enum err page_sync_retry(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    struct sync_run_opts o;
    struct sync_run_result r;
    struct errbuf why = {0};
    memset(&o, 0, sizeof o);
    enum err e = sync_stream_fields(req, &o.connection_id, &o.stream, &why);
    if (e != ERR_OK)
        return sync_form_error(req, resp, e, errbuf_message(&why, e), &why, eb);
    o.trigger = "api";
    struct app_actor who = web_actor(req);
    e = app_sync_run(req->app, &who, &o, &r, &why);
    if (e == ERR_OK)
        return web_redirect_notice(req, resp, "/sync", "ok",
                                   "同步完成 / The sync run finished successfully.");
    char msg[SYNC_ERROR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "同步失败 / The sync run failed: %s",
             r.run_id[0] != '\0' && r.message[0] != '\0' ? r.message : errbuf_message(&why, e));
    return sync_form_error(req, resp, e, msg, &why, eb);
}

enum err page_sync_resume(struct http_req *req, struct http_resp *resp, struct errbuf *eb)
{
    const struct app *app = req->app;
    const char *conn = NULL;
    enum sync_stream s;
    struct errbuf why = {0};
    struct app_actor who = web_actor(req);
    enum err e = sync_stream_fields(req, &conn, &s, &why);
    if (e == ERR_OK)
        e = app_sync_resume(app, &who, conn, s, &why);
    else if (conn != NULL && *conn != '\0') /* a bad stream is audited as the try it was */
        app_audit(app, &who, "sync.resume", conn, "failure", errbuf_code(&why, e));
    if (e == ERR_OK)
        return web_redirect_notice(req, resp, "/sync", "ok",
                                   "同步流已恢复 / The stream was resumed.");
    return sync_form_error(req, resp, e, errbuf_message(&why, e), &why, eb);
}

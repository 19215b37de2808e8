#include "ts_app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ts_app_prepare(struct ts_app *a, const char *name, const char *apps_json,
                    char *const sandbox_args[])
{
    a->tmp = ts_tmpdir(name);
    a->sbx_port = ts_sandbox_start(a->tmp, apps_json, sandbox_args, &a->sandbox);
    snprintf(a->env_gw, sizeof a->env_gw,
             "AICOS_TEMU_GATEWAY_URL=http://127.0.0.1:%u/openapi/router", a->sbx_port);
    ts_master_key_file(a->tmp, a->env_key, sizeof a->env_key);
    ts_fresh_db_url(name, a->db_url, sizeof a->db_url);
    snprintf(a->env_db, sizeof a->env_db, "AICOS_DATABASE_URL=%s", a->db_url);
}

void ts_app_serve(struct ts_app *a, char *const env[])
{
    char *all[16] = {a->env_key, a->env_gw};
    size_t n = 2;
    for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
        if (n + 1 >= sizeof all / sizeof all[0])
            fail_msg("ts_app_serve: too many environment entries");
        all[n++] = env[i];
    }
    all[n] = NULL;
    ts_server_start(&a->server, a->db_url, all);
    ts_app_token_header(a, "seller_admin", a->admin_hdr, sizeof a->admin_hdr);
}

void ts_app_stop(struct ts_app *a)
{
    if (a->server.proc.pid > 0)
        ts_server_stop(&a->server);
    if (a->sandbox.pid > 0)
        ts_stop(&a->sandbox, SIGTERM, 15000);
    free(a->tmp);
    a->tmp = NULL;
}

int ts_app_teardown(struct ts_app *a)
{
    ts_app_stop(a);
    return 0;
}

void ts_app_token_header(const struct ts_app *a, const char *role, char *hdr, size_t len)
{
    ts_bearer_header(a->db_url, role, hdr, len);
}

void ts_app_sync_days(const struct ts_app *a, const char *conn_id, const char *stream, int days)
{
    json_t *t = ts_sbx(a, "GET", "/_sandbox/truth", NULL);
    long long epoch = (long long)json_integer_value(json_object_get(t, "epoch"));
    json_decref(t);
    char since[32];
    snprintf(since, sizeof since, "%lld", epoch - days * 86400LL);
    char *env[] = {(char *)a->env_db, (char *)a->env_key, (char *)a->env_gw,
                   (char *)"AICOS_TEMU_RATE_LIMIT=200", NULL};
    char *args[] = {(char *)"sync",
                    (char *)"run",
                    (char *)"--connection",
                    (char *)conn_id,
                    (char *)"--stream",
                    (char *)stream,
                    (char *)"--since",
                    since,
                    NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("sync run: %s %s", out, err);
    free(out);
    free(err);
}

void ts_app_role_headers(struct ts_app *a)
{
    ts_app_token_header(a, "viewer", a->viewer_hdr, sizeof a->viewer_hdr);
    ts_app_token_header(a, "operator", a->operator_hdr, sizeof a->operator_hdr);
    ts_app_token_header(a, "ops", a->ops_hdr, sizeof a->ops_hdr);
}

json_t *ts_api_at(unsigned port, const char *method, const char *path, const char *hdr,
                  const char *body, int want)
{
    struct ts_http_resp r;
    if (!ts_http_ex(port, method, path, hdr, body ? "application/json" : NULL, body, &r))
        fail_msg("%s %s: no answer", method, path);
    if (want != 0 && r.status != want)
        fail_msg("%s %s: status %d, want %d: %.400s", method, path, r.status, want, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    return doc;
}

json_t *ts_api_as(const struct ts_app *a, const char *method, const char *path, const char *hdr,
                  const char *body, int want)
{
    return ts_api_at(a->server.port, method, path, hdr, body, want);
}

json_t *ts_api(const struct ts_app *a, const char *method, const char *path, const char *body,
               int want)
{
    return ts_api_at(a->server.port, method, path, a->admin_hdr, body, want);
}

json_t *ts_sbx(const struct ts_app *a, const char *method, const char *path, const char *body)
{
    struct ts_http_resp r;
    if (!ts_http(a->sbx_port, method, path, body ? "application/json" : NULL, body, &r))
        fail_msg("sandbox %s %s: no answer", method, path);
    if (r.status != 200)
        fail_msg("sandbox %s %s: status %d: %.400s", method, path, r.status, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    ts_http_free(&r);
    return doc;
}

void ts_app_put_credentials(const struct ts_app *a, const char *app_key, const char *app_secret)
{
    json_t *body =
        json_pack("{s:s, s:s, s:s}", "region", "us", "app_key", app_key, "app_secret", app_secret);
    char *text = json_dumps(body, JSON_COMPACT);
    assert_non_null(text);
    json_decref(ts_api(a, "PUT", "/api/v1/integrations/temu/credentials", text, 200));
    free(text);
    json_decref(body);
}

void ts_app_connect_shop(const struct ts_app *a, const char *token_request, char *conn_id,
                         size_t conn_len, char *token, size_t token_len)
{
    json_t *tok = ts_sbx(a, "POST", "/_sandbox/tokens", token_request);
    const char *t = json_string_value(json_object_get(tok, "accessToken"));
    assert_non_null(t);
    if (token != NULL)
        snprintf(token, token_len, "%s", t);
    char body[512];
    snprintf(body, sizeof body, "{\"region\":\"us\",\"access_token\":\"%s\"}", t);
    json_decref(tok);
    json_t *d = ts_api(a, "POST", "/api/v1/integrations/temu/connections/manual", body, 201);
    snprintf(conn_id, conn_len, "%s", json_string_value(json_object_get(d, "connection_id")));
    json_decref(d);
    assert_true(strlen(conn_id) > 0);
}

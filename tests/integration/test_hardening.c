/*
 * Integration: the defects of the 2026-12 outside audit (issue 18) that show over HTTP, against
 * the real aicos on SQLite and PostgreSQL. Request bytes that are not UTF-8 echoed into an
 * error (path, method, a field name cut inside a character, a callback's error) answer a 4xx
 * JSON error, never 500, and the audit log keeps every field; framing the server cannot frame
 * (unknown Transfer-Encoding, two codings) and an HTTP/1.1 request without Host are refused at
 * once with a JSON 400.
 */
#include "testsupport.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "routes/routes.h"
#include "auth/roles.h"
#include "store/db.h"

#define APP_KEY    "hardeningappkey0000000000000001"
#define APP_SECRET "hardeningappsecret00000000000000000000001"

static char db_url[TS_PATH_MAX], env_db[TS_PATH_MAX + 32], env_key[TS_PATH_MAX + 32];
static struct ts_server server;
static char admin_hdr[160];

static int setup(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("hardening");
    ts_master_key_file(dir, env_key, sizeof env_key);
    free(dir);
    ts_fresh_db_url("hardening", db_url, sizeof db_url);
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    char *env[] = {env_key, NULL};
    ts_server_start(&server, db_url, env);
    ts_bearer_header(db_url, "seller_admin", admin_hdr, sizeof admin_hdr);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return ts_server_teardown(&server);
}

/* The answer's error code; fails the test unless the body is a JSON error document. */
static const char *answer_code(const struct ts_http_resp *r)
{
    static char code[64];
    char ct[128] = "";
    if (!ts_http_header(r, "Content-Type", ct, sizeof ct) || !ts_contains(ct, "application/json"))
        fail_msg("status %d without a JSON body (Content-Type \"%s\"): %s", r->status, ct, r->body);
    json_t *doc = json_loads(r->body, 0, NULL);
    const char *c = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    if (c == NULL)
        fail_msg("status %d, not an error document: %s", r->status, r->body);
    snprintf(code, sizeof code, "%s", c);
    json_decref(doc);
    return code;
}

static void expect(const struct ts_http_resp *r, int status, const char *code)
{
    if (r->status != status)
        fail_msg("status %d, want %d: %s", r->status, status, r->body);
    assert_string_equal(answer_code(r), code);
}

/* A raw request; the answer must come within 5 s. */
static void raw(const char *req, size_t len, struct ts_http_resp *r)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (!ts_http_raw(server.port, req, len, r))
        fail_msg("no answer to %.60s", req);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    if (s > 5.0)
        fail_msg("answered after %.1f s: %.60s", s, req);
}

static void test_invalid_utf8_echoed(void **state)
{
    (void)state;
    struct ts_http_resp r;
    /* The path of an unknown route, decoded to a lone 0xff byte. */
    assert_true(ts_http(server.port, "GET", "/%ff", NULL, NULL, &r));
    expect(&r, 404, "unknown_route");
    assert_true(ts_contains(r.body, "\xef\xbf\xbd")); /* U+FFFD where the byte was */
    ts_http_free(&r);
    /* The raw byte itself. */
    static const char rawff[] = "GET /\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    raw(rawff, sizeof rawff - 1, &r);
    expect(&r, 404, "unknown_route");
    ts_http_free(&r);
    /* "%.200s" in the message cuts the path inside "é". */
    char path[256] = "/";
    memset(path + 1, 'a', 198);
    snprintf(path + 199, sizeof path - 199, "%%C3%%A9");
    assert_true(ts_http(server.port, "GET", path, NULL, NULL, &r));
    expect(&r, 404, "unknown_route");
    ts_http_free(&r);
    /* A method of bytes that are not UTF-8. */
    static const char method[] = "\xff\xfe / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    raw(method, sizeof method - 1, &r);
    assert_true(r.status >= 400 && r.status < 500);
    answer_code(&r);
    ts_http_free(&r);
    /* A password-like field name cut by "%.40s" inside 密. */
    const char *body =
        "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe5\xaf\x86\xe7\xa0\x81\":\"x\"}";
    assert_true(ts_http_ex(server.port, "PUT", "/api/v1/integrations/temu/credentials", admin_hdr,
                           "application/json", body, &r));
    expect(&r, 422, "shop_password_not_needed");
    ts_http_free(&r);
}

/* A callback's error=%ff with an open state: 400 authorization_denied, never 500. */
static void test_callback_error_not_utf8(void **state)
{
    (void)state;
    struct ts_http_resp r;
    assert_true(ts_http_ex(
        server.port, "PUT", "/api/v1/integrations/temu/credentials", admin_hdr, "application/json",
        "{\"region\":\"us\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", &r));
    assert_int_equal(r.status, 200);
    ts_http_free(&r);
    const char *errors[] = {"%ff", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%C3%A9"};
    for (size_t i = 0; i < 2; i++) {
        assert_true(ts_http_ex(server.port, "POST", "/api/v1/integrations/temu/dev/authorization",
                               admin_hdr, "application/json", "{}", &r));
        assert_int_equal(r.status, 201);
        json_t *doc = json_loads(r.body, 0, NULL);
        const char *url = json_string_value(json_object_get(doc, "authorization_url"));
        assert_non_null(url);
        const char *st = strstr(url, "state=");
        assert_non_null(st);
        char q[512];
        snprintf(q, sizeof q,
                 "/api/v1/integrations/temu/authorization/callback?state=%.*s&error=%s",
                 (int)strcspn(st + 6, "&"), st + 6, errors[i]);
        json_decref(doc);
        ts_http_free(&r);
        assert_true(
            ts_http_ex(server.port, "GET", q, "Accept: application/json\r\n", NULL, NULL, &r));
        expect(&r, 400, "authorization_denied");
        ts_http_free(&r);
    }
}

/* Audit entries of the callbacks above: every field present, the bad byte as U+FFFD. */
static void test_audit_keeps_fields(void **state)
{
    (void)state;
    struct ts_http_resp r;
    assert_true(ts_http_ex(server.port, "GET",
                           "/api/v1/audit?action=temu.authorization.callback&limit=200", admin_hdr,
                           NULL, NULL, &r));
    assert_int_equal(r.status, 200);
    json_t *doc = json_loads(r.body, 0, NULL);
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "entries"), i, e)
    {
        const char *detail = json_string_value(json_object_get(e, "detail"));
        assert_non_null(json_string_value(json_object_get(e, "actor")));
        assert_non_null(json_string_value(json_object_get(e, "target")));
        assert_non_null(detail);
        if (ts_contains(detail, "error=\xef\xbf\xbd"))
            n++;
    }
    json_decref(doc);
    ts_http_free(&r);
    assert_int_equal(n, 1);
    /* The JSONL export keeps the detail too. */
    char *args[] = {(char *)"audit", (char *)"export", (char *)"--format", (char *)"jsonl", NULL};
    char *env[] = {env_db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(args, env, &out, &err), 0);
    size_t lines = 0;
    for (char *line = out; line != NULL && *line;) {
        char *eol = strchr(line, '\n');
        json_t *o = json_loadb(line, eol ? (size_t)(eol - line) : strlen(line), 0, NULL);
        assert_non_null(o);
        const char *d = json_string_value(json_object_get(o, "detail"));
        if (d != NULL && ts_contains(d, "error=\xef\xbf\xbd"))
            lines++;
        json_decref(o);
        line = eol ? eol + 1 : NULL;
    }
    assert_int_equal(lines, 1);
    free(out);
    free(err);
    /* A form whose decoded bytes are not UTF-8 is refused before anything reads it. */
    assert_true(ts_http(server.port, "POST", "/login", "application/x-www-form-urlencoded",
                        "username=ev%ffil&password=x", &r));
    expect(&r, 400, "invalid_utf8");
    ts_http_free(&r);
}

/* Lines of `aicos audit export --format jsonl`: the number of audit entries. */
static size_t audit_entries(void)
{
    char *args[] = {(char *)"audit", (char *)"export", (char *)"--format", (char *)"jsonl", NULL};
    char *env[] = {env_db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(args, env, &out, &err), 0);
    size_t n = 0;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    free(out);
    free(err);
    return n;
}

/* Anonymous refusals (bad bearer, stale cookie, a callback with a forged state) are counted
 * per source and minute, and add no audit entry. */
static void test_anonymous_refusals_counted(void **state)
{
    (void)state;
    size_t before = audit_entries();
    struct ts_http_resp r;
    for (int i = 0; i < 40; i++) {
        const char *hdr = i % 2 ? "Authorization: Bearer aicos_bogus\r\n"
                                : "Cookie: aicos_session=stalestalestalestale\r\n";
        assert_true(ts_http_ex(server.port, "GET", "/api/v1/users", hdr, NULL, NULL, &r));
        assert_int_equal(r.status, 401);
        ts_http_free(&r);
        assert_true(
            ts_http_ex(server.port, "GET",
                       "/api/v1/integrations/temu/authorization/callback?state=forged&code=x",
                       "Accept: application/json\r\n", NULL, NULL, &r));
        assert_int_equal(r.status, 400);
        ts_http_free(&r);
    }
    assert_int_equal(audit_entries(), before);
    char *args[] = {(char *)"audit", (char *)"refusals", NULL};
    char *env[] = {env_db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(args, env, &out, &err), 0);
    /* One or two minutes, so at most two rows per action and target, summing to 40 each. */
    long users = 0, callbacks = 0, rows = 0;
    for (char *line = strchr(out, '\n'); line != NULL && line[1] != '\0';
         line = strchr(line + 1, '\n')) {
        char minute[32], source[64], action[64], target[128];
        long count;
        if (sscanf(line + 1, "%31s %63s %63s %ld %127s", minute, source, action, &count, target) !=
            5)
            continue;
        assert_string_equal(source, "127.0.0.1");
        rows++;
        if (strcmp(action, "auth.rejected") == 0 && strcmp(target, "/api/v1/users") == 0)
            users += count;
        if (strcmp(action, "temu.authorization.callback") == 0)
            callbacks += count;
    }
    assert_int_equal(users, 40);
    assert_int_equal(callbacks, 40);
    assert_true(rows <= 4);
    free(out);
    free(err);
}

/* Runs sql on the test database; the error code (ERR_OK on success). */
static enum err db_try(const char *sql)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    if (db_open(db_url, 1, &db, &eb) != ERR_OK)
        fail_msg("db_open: %s", eb.msg);
    struct db_conn *c = db_acquire(db);
    enum err e = db_exec_script(c, sql, &eb);
    db_release(c);
    db_close(db);
    return e;
}

/* Keys in state in `aicos vault status` (env: the database and a master key). */
static int vault_keys_in(char *const env[], const char *state)
{
    char *args[] = {(char *)"vault", (char *)"status", NULL};
    char *out = NULL, *err = NULL;
    if (ts_aicos_run(args, env, &out, &err) != 0)
        fail_msg("vault status: %s", err);
    char word[32];
    snprintf(word, sizeof word, " %s ", state);
    int n = 0;
    for (const char *p = out; (p = strstr(p, word)) != NULL; p++)
        n++;
    free(out);
    free(err);
    return n;
}

static void put_credentials(int want)
{
    struct ts_http_resp r;
    assert_true(ts_http_ex(
        server.port, "PUT", "/api/v1/integrations/temu/credentials", admin_hdr, "application/json",
        "{\"region\":\"us\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", &r));
    if (r.status != want)
        fail_msg("credentials: %d, want %d: %s", r.status, want, r.body);
    ts_http_free(&r);
}

/*
 * Two `vault rotate` at once. On PostgreSQL the audit's interleaving: a third session holds
 * the active key's row while both start, so both read the ring before either writes. Exactly
 * one active key afterwards, every secret readable and writable.
 */
static void test_vault_concurrent_rotation(void **state)
{
    (void)state;
    char *env[] = {env_db, env_key, NULL};
    PGconn *holder = NULL;
    if (ts_is_pg()) {
        holder = PQconnectdb(db_url);
        assert_int_equal(PQstatus(holder), CONNECTION_OK);
        PQclear(PQexec(holder, "BEGIN"));
        PGresult *res =
            PQexec(holder, "SELECT id FROM vault_keys WHERE state = 'active' FOR UPDATE");
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        PQclear(res);
    }
    char *dir = ts_tmpdir("rotate");
    char bin[TS_PATH_MAX];
    snprintf(bin, sizeof bin, "%s", getenv("AICOS_BIN"));
    char *argv[] = {bin, (char *)"vault", (char *)"rotate", NULL};
    struct ts_proc a, b;
    ts_spawn(dir, argv, env, &a);
    ts_spawn(dir, argv, env, &b);
    if (holder != NULL) {
        ts_sleep_ms(1000);
        PQclear(PQexec(holder, "COMMIT"));
        PQfinish(holder);
    }
    assert_int_equal(ts_wait(&a, 30000), 0);
    assert_int_equal(ts_wait(&b, 30000), 0);
    free(dir);
    assert_int_equal(vault_keys_in(env, "active"), 1);
    assert_int_equal(vault_keys_in(env, "retiring"), 0);
    put_credentials(200);
    /* The rule is a constraint: a second active key cannot be written at all. */
    assert_int_not_equal(db_try("INSERT INTO vault_keys (id, wrapped_key, state, created_at) "
                                "VALUES ('kforged', 'x', 'active', '2026-01-01T00:00:00.000Z')"),
                         ERR_OK);
}

/* Runs `aicos args` with env: exit status rc, and (when not NULL) these in stdout / stderr. */
static void expect_run(char *const args[], char *const env[], int rc, const char *in_out,
                       const char *in_err)
{
    char *out = NULL, *err = NULL;
    int got = ts_aicos_run(args, env, &out, &err);
    if (got != rc || (in_out != NULL && !ts_contains(out, in_out)) ||
        (in_err != NULL && !ts_contains(err, in_err)))
        fail_msg("aicos %s %s: exit %d (want %d)\n%s\n%s", args[0], args[1] ? args[1] : "", got, rc,
                 out, err);
    free(out);
    free(err);
}

/* A ring left with two active keys (as before the constraint) is repaired by `vault check`. */
static void test_vault_check_repairs(void **state)
{
    (void)state;
    char *env[] = {env_db, env_key, NULL};
    char *rotate[] = {(char *)"vault", (char *)"rotate", NULL};
    char *check[] = {(char *)"vault", (char *)"check", NULL};
    /* Interrupted after one secret: the old key still seals the others. */
    char *stop[] = {env_db, env_key, (char *)"AICOS_VAULT_ROTATE_MAX_STEPS=1", NULL};
    expect_run(rotate, stop, 1, NULL, "run it again");
    assert_int_equal(db_try("DROP INDEX vault_keys_one_active"), ERR_OK);
    assert_int_equal(db_try("UPDATE vault_keys SET state = 'active'"), ERR_OK);
    assert_int_equal(vault_keys_in(env, "active"), 2);
    put_credentials(500); /* "The vault has 2 active keys" */
    expect_run(check, env, 0, "repaired the key ring", NULL);
    assert_int_equal(vault_keys_in(env, "active"), 1);
    put_credentials(200);
    expect_run(rotate, env, 0, NULL, NULL);
    assert_int_equal(vault_keys_in(env, "retiring"), 0);
    assert_int_equal(db_try("CREATE UNIQUE INDEX vault_keys_one_active ON vault_keys(state) "
                            "WHERE state = 'active'"),
                     ERR_OK);
}

/* `aicos vault rewrap --new-key-file F` replaces the master key; the old one opens nothing. */
static void test_vault_rewrap(void **state)
{
    (void)state;
    char *dir = ts_tmpdir("rewrap");
    char new_env[TS_PATH_MAX + 32];
    ts_master_key_file(dir, new_env, sizeof new_env);
    char *old[] = {env_db, env_key, NULL};
    char *next[] = {env_db, new_env, NULL};
    char *same[] = {(char *)"vault", (char *)"rewrap", (char *)"--new-key-file",
                    strchr(env_key, '=') + 1, NULL};
    char *args[] = {(char *)"vault", (char *)"rewrap", (char *)"--new-key-file",
                    strchr(new_env, '=') + 1, NULL};
    char *check[] = {(char *)"vault", (char *)"check", NULL};
    expect_run(same, old, 1, NULL, "in use"); /* the current key again is refused */
    expect_run(args, old, 0, "re-wrapped", NULL);
    expect_run(check, old, 1, NULL, "canary");
    expect_run(check, next, 0, "0 fail", NULL);
    /* The server restarted on the new key reads and writes secrets. */
    ts_server_stop(&server);
    snprintf(env_key, sizeof env_key, "%s", new_env);
    char *env[] = {env_key, NULL};
    ts_server_start(&server, db_url, env);
    put_credentials(200);
    free(dir);
}

/* A request that stays in flight: its headers sent, its body withheld. Returns the socket. */
static int hold_request(unsigned port, const char *xff)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char req[512];
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n",
                     xff);
    assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
    return fd;
}

static int get_as(unsigned port, const char *xff, char *retry_after, size_t len)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n", xff);
    struct ts_http_resp r;
    assert_true(ts_http_ex(port, "GET", "/healthz", hdr, NULL, NULL, &r));
    int status = r.status;
    if (retry_after != NULL && !ts_http_header(&r, "Retry-After", retry_after, len))
        retry_after[0] = '\0';
    if (status == 503)
        assert_string_equal(answer_code(&r), "too_many_requests_in_flight");
    ts_http_free(&r);
    return status;
}

/*
 * Behind a proxy: X-Forwarded-For names the client only when the peer is a configured proxy,
 * the limit is per real client, and going over it is a 503 with Retry-After, not a silent close.
 */
static void test_proxy_and_per_client_limit(void **state)
{
    (void)state;
    struct ts_server px;
    char *env[] = {env_key, (char *)"AICOS_TRUSTED_PROXIES=10.0.0.0/8, 127.0.0.1",
                   (char *)"AICOS_HTTP_PER_CLIENT=2", NULL};
    ts_server_start(&px, db_url, env);
    int a = hold_request(px.port, "203.0.113.5");
    int b = hold_request(px.port, "198.51.100.1, 203.0.113.5, 10.1.2.3");
    ts_sleep_ms(300);
    char retry[16];
    assert_int_equal(get_as(px.port, "203.0.113.5", retry, sizeof retry), 503);
    assert_string_equal(retry, "1");
    /* A left entry is the client's own claim and does not change who it is. */
    assert_int_equal(get_as(px.port, "192.0.2.44, 203.0.113.5", NULL, 0), 503);
    assert_int_equal(get_as(px.port, "203.0.113.6", NULL, 0), 200);
    /* The real client is who the audit's refusal counts name. */
    struct ts_http_resp r;
    assert_true(ts_http_ex(px.port, "GET", "/api/v1/users",
                           "Authorization: Bearer aicos_bogus\r\nX-Forwarded-For: 203.0.113.77\r\n",
                           NULL, NULL, &r));
    assert_int_equal(r.status, 401);
    ts_http_free(&r);
    close(a);
    close(b);
    ts_sleep_ms(300);
    assert_int_equal(get_as(px.port, "203.0.113.5", NULL, 0), 200); /* slots given back */
    ts_server_stop(&px);
    char *args[] = {(char *)"audit", (char *)"refusals", NULL};
    char *renv[] = {env_db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(args, renv, &out, &err), 0);
    assert_true(ts_contains(out, "203.0.113.77"));
    free(out);
    free(err);

    /* Without trusted proxies the header is ignored: every socket here is 127.0.0.1. */
    struct ts_server direct;
    char *denv[] = {env_key, (char *)"AICOS_HTTP_PER_CLIENT=2", NULL};
    ts_server_start(&direct, db_url, denv);
    a = hold_request(direct.port, "203.0.113.5");
    b = hold_request(direct.port, "203.0.113.6");
    ts_sleep_ms(300);
    assert_int_equal(get_as(direct.port, "203.0.113.7", NULL, 0), 503);
    close(a);
    close(b);
    ts_server_stop(&direct);

    /* A list that is not addresses refuses to start. */
    char *bad[] = {env_db, env_key, (char *)"AICOS_TRUSTED_PROXIES=caddy", NULL};
    char *serve[] = {(char *)"serve", NULL};
    assert_int_not_equal(ts_aicos_run(serve, bad, &out, &err), 0);
    assert_true(ts_contains(err, "AICOS_TRUSTED_PROXIES"));
    free(out);
    free(err);
}

static int metrics_status(unsigned port, const char *hdr)
{
    struct ts_http_resp r;
    assert_true(ts_http_ex(port, "GET", "/metrics", hdr, NULL, NULL, &r));
    int status = r.status;
    if (status == 200)
        assert_true(ts_contains(r.body, "aicos_"));
    else
        answer_code(&r);
    ts_http_free(&r);
    return status;
}

/* /metrics: in production only local scrapes, or anyone with AICOS_METRICS_TOKEN. */
static void test_metrics_not_public(void **state)
{
    (void)state;
    struct ts_server p;
    char *env[] = {env_key, (char *)"AICOS_ENV=production", NULL};
    ts_server_start(&p, db_url, env);
    assert_int_equal(metrics_status(p.port, NULL), 200);
    assert_int_equal(metrics_status(p.port, "X-Forwarded-For: 203.0.113.9\r\n"), 403);
    assert_int_equal(metrics_status(p.port, "Forwarded: for=203.0.113.9\r\n"), 403);
    ts_server_stop(&p);
    char *tenv[] = {env_key, (char *)"AICOS_ENV=production",
                    (char *)"AICOS_METRICS_TOKEN=metricstokenmetricstoken", NULL};
    ts_server_start(&p, db_url, tenv);
    assert_int_equal(metrics_status(p.port, NULL), 401);
    assert_int_equal(metrics_status(p.port, "Authorization: Bearer wrong\r\n"), 401);
    assert_int_equal(metrics_status(p.port, "Authorization: Bearer metricstokenmetricstoken\r\n"
                                            "X-Forwarded-For: 203.0.113.9\r\n"),
                     200);
    ts_server_stop(&p);
}

/* "table=rows;" for every table of the test database, in name order (malloc'd). */
static char *table_counts(const char *skip)
{
    struct db *db = NULL;
    struct errbuf eb = {0};
    assert_int_equal(db_open(db_url, 1, &db, &eb), ERR_OK);
    struct db_conn *c = db_acquire(db);
    struct db_rows *names = NULL;
    assert_int_equal(db_query(c,
                              ts_is_pg() ? "SELECT tablename FROM pg_tables WHERE schemaname = "
                                           "'public' ORDER BY 1"
                                         : "SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY 1",
                              NULL, 0, &names, &eb),
                     ERR_OK);
    struct buf out = {0};
    for (size_t i = 0; i < db_rows_count(names); i++) {
        const char *t = db_rows_get(names, i, 0);
        if (skip != NULL && strcmp(t, skip) == 0)
            continue;
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", t);
        struct db_rows *n = NULL;
        assert_int_equal(db_query(c, sql, NULL, 0, &n, &eb), ERR_OK);
        assert_int_equal(buf_printf(&out, "%s=%s;", t, db_rows_get(n, 0, 0)), ERR_OK);
        db_rows_free(n);
    }
    db_rows_free(names);
    db_release(c);
    db_close(db);
    return buf_steal(&out);
}

static void concrete(const char *pattern, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 3 < len; p++) {
        if (*p == '{') {
            out[o++] = 'x';
            out[o++] = '1';
            while (*p && *p != '}')
                p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* One call of route rt with extra headers; the status. */
static int walk_call(const struct route *rt, const char *hdr)
{
    char path[256];
    concrete(rt->pattern, path, sizeof path);
    const char *ctype = (rt->flags & ROUTE_JSON_BODY)        ? "application/json"
                        : (rt->flags & ROUTE_FORM_BODY)      ? "application/x-www-form-urlencoded"
                        : (rt->flags & ROUTE_MULTIPART_BODY) ? "multipart/form-data; boundary=b"
                                                             : NULL;
    const char *body = (rt->flags & ROUTE_JSON_BODY)        ? "{}"
                       : (rt->flags & ROUTE_FORM_BODY)      ? "a=1"
                       : (rt->flags & ROUTE_MULTIPART_BODY) ? "--b\r\nContent-Disposition: "
                                                              "form-data; name=\"a\"\r\n\r\n1"
                                                              "\r\n--b--\r\n"
                                                            : NULL;
    struct ts_http_resp r;
    if (!ts_http_ex(server.port, rt->method, path, hdr, ctype, body, &r))
        fail_msg("%s %s: no answer", rt->method, path);
    int status = r.status;
    if (status >= 400)
        answer_code(&r); /* every refusal is a JSON error */
    else if (status == 303 && (rt->flags & ROUTE_PAGE))
        assert_true(ts_contains(r.headers, "Location: /login"));
    ts_http_free(&r);
    return status;
}

/*
 * The route walk generated from the table: every non-public route as anonymous, with a bad
 * token, with a stale cookie (refused, and no table changes but the refusal counts), below its
 * role (403, only the audit log grows), and every cookie write without the CSRF token, with a
 * wrong one, from a foreign or "null" Origin (403, only the audit log grows).
 */
static void test_route_walk_refusals_change_nothing(void **state)
{
    (void)state;
    char tokens[ROLE_SELLER_ADMIN + 1][128];
    for (int r = ROLE_VIEWER; r <= ROLE_SELLER_ADMIN; r++)
        ts_make_token(db_url, auth_role_name((enum auth_role)r), tokens[r], sizeof tokens[r]);
    /* A seller admin's session for the CSRF variants. */
    char cookie[160], csrf[96];
    ts_session_login(db_url, server.port, "walker", "seller_admin", cookie, sizeof cookie, csrf,
                     sizeof csrf);

    /* Anonymous kinds: nothing but the refusal counts changes. */
    char *before = table_counts("audit_refusals");
    const char *anon[] = {NULL, "Authorization: Bearer aicos_notatokennotatokennotatoken\r\n",
                          "Cookie: aicos_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"};
    size_t refused = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *rt = &api_routes[i];
        if (rt->flags & ROUTE_PUBLIC)
            continue;
        for (size_t k = 0; k < 3; k++) {
            int st = walk_call(rt, anon[k]);
            int want = (rt->flags & ROUTE_PAGE) ? 303 : 401;
            if (st != want)
                fail_msg("%s %s (%zu): %d, want %d", rt->method, rt->pattern, k, st, want);
            refused++;
        }
    }
    char *after = table_counts("audit_refusals");
    assert_string_equal(after, before);
    free(after);
    free(before);

    /* Identified callers below the role, and cookie writes without CSRF: only the audit log. */
    before = table_counts("audit_log");
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *rt = &api_routes[i];
        if (rt->flags & ROUTE_PUBLIC)
            continue;
        unsigned need = rt->min_role ? rt->min_role : ROLE_SELLER_ADMIN;
        for (unsigned role = ROLE_VIEWER; role < need; role++) {
            char hdr[192];
            snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tokens[role]);
            int st = walk_call(rt, hdr);
            if (st != 403)
                fail_msg("%s %s as %s: %d, want 403", rt->method, rt->pattern,
                         auth_role_name((enum auth_role)role), st);
            refused++;
        }
        if (!is_write(rt->method))
            continue;
        char variants[4][512];
        snprintf(variants[0], sizeof variants[0], "Cookie: %s\r\n", cookie);
        snprintf(variants[1], sizeof variants[1], "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie,
                 "wrongwrongwrongwrongwrongwrongwrongwrongwro");
        snprintf(variants[2], sizeof variants[2],
                 "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: https://evil.example\r\n", cookie,
                 csrf);
        snprintf(variants[3], sizeof variants[3],
                 "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: null\r\n", cookie, csrf);
        for (size_t k = 0; k < 4; k++) {
            int st = walk_call(rt, variants[k]);
            if (st != 403)
                fail_msg("%s %s CSRF variant %zu: %d, want 403", rt->method, rt->pattern, k, st);
            refused++;
        }
    }
    after = table_counts("audit_log");
    assert_string_equal(after, before);
    free(after);
    free(before);
    assert_true(refused > 200);
}

static void test_framing_refused_at_once(void **state)
{
    (void)state;
    static const struct {
        const char *name, *req;
        int status;
        const char *code;
    } cases[] = {
        {"chunked, identity",
         "POST /api/v1/config/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, "
         "identity\r\nContent-Type: application/json\r\nConnection: "
         "close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
         400, "unsupported_transfer_encoding"},
        {"xchunked",
         "POST /api/v1/config/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n"
         "Content-Type: application/json\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
         400, "unsupported_transfer_encoding"},
        {"gzip on a GET",
         "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n",
         400, "unsupported_transfer_encoding"},
        {"two Transfer-Encoding headers",
         "POST /api/v1/config/validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
         "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: "
         "close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
         400, "unsupported_transfer_encoding"},
        {"no Host on HTTP/1.1", "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
         "host_missing"},
        {"two Host headers",
         "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", 400,
         "duplicate_host"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ts_http_resp r;
        raw(cases[i].req, strlen(cases[i].req), &r);
        if (r.status != cases[i].status)
            fail_msg("%s: status %d, want %d: %s", cases[i].name, r.status, cases[i].status,
                     r.body);
        assert_string_equal(answer_code(&r), cases[i].code);
        ts_http_free(&r);
    }
    /* Positive controls: HTTP/1.0 needs no Host; a single "chunked" is framed. */
    struct ts_http_resp r;
    static const char h10[] = "GET /healthz HTTP/1.0\r\n\r\n";
    raw(h10, sizeof h10 - 1, &r);
    assert_int_equal(r.status, 200);
    ts_http_free(&r);
    char req[512];
    snprintf(req, sizeof req,
             "POST /api/v1/config/validate HTTP/1.1\r\nHost: x\r\n%sTransfer-Encoding: chunked\r\n"
             "Content-Type: application/json\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
             admin_hdr);
    raw(req, strlen(req), &r);
    assert_true(r.status != 400 && r.status < 500);
    ts_http_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8_echoed),
        cmocka_unit_test(test_callback_error_not_utf8),
        cmocka_unit_test(test_audit_keeps_fields),
        cmocka_unit_test(test_framing_refused_at_once),
        cmocka_unit_test(test_anonymous_refusals_counted),
        cmocka_unit_test(test_proxy_and_per_client_limit),
        cmocka_unit_test(test_metrics_not_public),
        cmocka_unit_test(test_vault_concurrent_rotation),
        cmocka_unit_test(test_vault_check_repairs),
        cmocka_unit_test(test_vault_rewrap),
        cmocka_unit_test(test_route_walk_refusals_change_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

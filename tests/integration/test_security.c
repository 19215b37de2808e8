/*
 * Integration: the security core over HTTP against the real aicos, on SQLite and PostgreSQL.
 * Sign-in (JSON and form), CSRF and Origin checks, the login throttle, the route-table walk
 * (every non-public route refuses anonymous callers and callers below its role), secrets
 * masked everywhere, the vault commands, refusals to start, and finally a search of every
 * log line and every answer for the known secret values.
 */
#include "testsupport.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "routes/routes.h"
#include "auth/roles.h"

#define APP_KEY    "f00df00df00df00df00df00df00df00d"
#define APP_SECRET "cafef00dcafef00dcafef00dcafef00dcafef00d"
#define EU_SECRET  "deadbeef0123deadbeef0123deadbeef"

static char db_url[TS_PATH_MAX], env_db[TS_PATH_MAX + 32], env_key[TS_PATH_MAX + 32];
static char master_b64[64];
static struct ts_server server;
static char passwords[4][64]; /* seller_admin, ops, operator, viewer */
static char tokens[5][96];    /* by role: [ROLE_VIEWER..ROLE_SELLER_ADMIN] */
static char slow_password[64];
static struct buf transcript; /* every answer received, for the leak search */

static const char *const user_names[4] = {"admin", "opsuser", "operuser", "viewuser"};
static const char *const user_roles[4] = {"seller_admin", "ops", "operator", "viewer"};

static int setup(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    ts_fresh_db_url("security", db_url, sizeof db_url);
    snprintf(env_db, sizeof env_db, "AICOS_DATABASE_URL=%s", db_url);
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    sodium_bin2base64(master_b64, sizeof master_b64, key, sizeof key,
                      sodium_base64_VARIANT_ORIGINAL);
    char *dir = ts_tmpdir("seckey");
    char path[TS_PATH_MAX];
    snprintf(path, sizeof path, "%s/master.key", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_true(write(fd, master_b64, strlen(master_b64)) > 0);
    close(fd);
    free(dir);
    snprintf(env_key, sizeof env_key, "AICOS_MASTER_KEY_FILE=%s", path);
    char *env[] = {env_key, NULL};
    ts_server_start(&server, db_url, env);
    for (int i = 0; i < 4; i++)
        ts_add_user(db_url, user_names[i], user_roles[i], passwords[i], sizeof passwords[i]);
    ts_add_user(db_url, "slowuser", "viewer", slow_password, sizeof slow_password);
    for (int r = ROLE_VIEWER; r <= ROLE_SELLER_ADMIN; r++)
        ts_make_token(db_url, auth_role_name((enum auth_role)r), tokens[r], sizeof tokens[r]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server.proc.pid > 0)
        ts_server_stop(&server);
    buf_free(&transcript);
    return 0;
}

/* One request; the answer is recorded in the transcript. */
static void call(unsigned port, const char *method, const char *path, const char *headers,
                 const char *ctype, const char *body, struct ts_http_resp *r)
{
    if (!ts_http_ex(port, method, path, headers, ctype, body, r))
        fail_msg("%s %s: no answer", method, path);
    assert_int_equal(buf_puts(&transcript, r->headers), ERR_OK);
    assert_int_equal(buf_puts(&transcript, "\n"), ERR_OK);
    assert_int_equal(buf_puts(&transcript, r->body), ERR_OK);
    assert_int_equal(buf_puts(&transcript, "\n"), ERR_OK);
}

static const char *error_code(const struct ts_http_resp *r)
{
    static char code[64];
    json_t *doc = json_loads(r->body, 0, NULL);
    const char *c = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    snprintf(code, sizeof code, "%s", c ? c : "");
    json_decref(doc);
    return code;
}

static void expect_status(const struct ts_http_resp *r, int status, const char *code)
{
    if (r->status != status)
        fail_msg("status %d, want %d: %s", r->status, status, r->body);
    if (code != NULL)
        assert_string_equal(error_code(r), code);
}

/* Extracts "aicos_session=VALUE" from Set-Cookie into cookie ("" if none). */
static void session_cookie(const struct ts_http_resp *r, char *cookie, size_t len, char *attrs,
                           size_t alen)
{
    char v[512] = "";
    cookie[0] = '\0';
    if (!ts_http_header(r, "Set-Cookie", v, sizeof v))
        return;
    snprintf(cookie, len, "%.*s", (int)strcspn(v, ";"), v);
    if (attrs != NULL)
        snprintf(attrs, alen, "%s", v);
}

/*
 * GET /login: the pre-session cookie ("Cookie: aicos_login=…\r\n" into hdr) and the form's
 * login_token (into token).
 */
static void login_form(char *hdr, size_t hlen, char *token, size_t tlen)
{
    struct ts_http_resp r;
    char cookie[128];
    call(server.port, "GET", "/login", NULL, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    session_cookie(&r, cookie, sizeof cookie, NULL, 0);
    assert_true(strncmp(cookie, "aicos_login=", 12) == 0);
    snprintf(hdr, hlen, "Cookie: %s\r\n", cookie);
    const char *f = strstr(r.body, "name=\"login_token\" value=\"");
    assert_non_null(f);
    f += strlen("name=\"login_token\" value=\"");
    snprintf(token, tlen, "%.*s", (int)strcspn(f, "\""), f);
    assert_string_equal(token, cookie + 12);
    ts_http_free(&r);
}

/* Issue 18 (login CSRF): a sign-in form posted from another site, or without the form's
 * pre-session token, signs nobody in. */
static void test_login_csrf(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char hdr[512], token[96], body[512], other[96], ohdr[512];
    login_form(hdr, sizeof hdr, token, sizeof token);
    login_form(ohdr, sizeof ohdr, other, sizeof other);
    assert_string_not_equal(token, other);
    /* No token, no cookie: the attacker's plain form. */
    snprintf(body, sizeof body, "username=viewuser&password=%s", passwords[3]);
    call(server.port, "POST", "/login", NULL, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 403, NULL);
    assert_true(ts_contains(r.body, "not loaded from this console"));
    assert_false(ts_contains(r.headers, "aicos_session="));
    ts_http_free(&r);
    /* The right pair, but from a foreign Origin. */
    snprintf(body, sizeof body, "username=viewuser&password=%s&login_token=%s", passwords[3],
             token);
    char fhdr[640];
    snprintf(fhdr, sizeof fhdr, "%sOrigin: https://evil.example\r\n", hdr);
    call(server.port, "POST", "/login", fhdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 403, NULL);
    assert_false(ts_contains(r.headers, "aicos_session="));
    ts_http_free(&r);
    /* A token that is not the one of this cookie. */
    call(server.port, "POST", "/login", ohdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 403, NULL);
    assert_false(ts_contains(r.headers, "aicos_session="));
    ts_http_free(&r);
    /* The JSON sign-in refuses a foreign Origin as well. */
    char jbody[256];
    snprintf(jbody, sizeof jbody, "{\"username\":\"viewuser\",\"password\":\"%s\"}", passwords[3]);
    call(server.port, "POST", "/api/v1/session", "Origin: https://evil.example\r\n",
         "application/json", jbody, &r);
    expect_status(&r, 403, "origin_mismatch");
    assert_false(ts_contains(r.headers, "aicos_session="));
    ts_http_free(&r);
    /* The pair from our own page signs in. */
    call(server.port, "POST", "/login", hdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 303, NULL);
    assert_true(ts_contains(r.headers, "aicos_session="));
    ts_http_free(&r);
}

static void test_login_json_csrf_origin(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char body[256], hdr[512], cookie[128], attrs[512];
    snprintf(body, sizeof body, "{\"username\":\"opsuser\",\"password\":\"wrong password\"}");
    call(server.port, "POST", "/api/v1/session", NULL, "application/json", body, &r);
    expect_status(&r, 401, "invalid_credentials");
    ts_http_free(&r);
    snprintf(body, sizeof body, "{\"username\":\"opsuser\",\"password\":\"%s\"}", passwords[1]);
    call(server.port, "POST", "/api/v1/session", NULL, "application/json", body, &r);
    expect_status(&r, 201, NULL);
    session_cookie(&r, cookie, sizeof cookie, attrs, sizeof attrs);
    assert_true(strncmp(cookie, "aicos_session=", 14) == 0 && strlen(cookie) > 30);
    assert_true(ts_contains(attrs, "HttpOnly"));
    assert_true(ts_contains(attrs, "SameSite=Lax"));
    assert_false(ts_contains(attrs, "Secure")); /* the test origin is plain http */
    json_t *doc = json_loads(r.body, 0, NULL);
    char csrf[64];
    snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(doc, "csrf_token")));
    assert_string_equal(json_string_value(json_object_get(doc, "role")), "ops");
    json_decref(doc);
    ts_http_free(&r);

    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    call(server.port, "GET", "/api/v1/session", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "\"name\":\"opsuser\""));
    ts_http_free(&r);

    const char *settings = "{\"settings\":{\"AICOS_HTTP_THREADS\":\"2\"}}";
    call(server.port, "POST", "/api/v1/config/validate", hdr, "application/json", settings, &r);
    expect_status(&r, 403, "csrf_failed");
    ts_http_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\nX-CSRF-Token: wrong%s\r\n", cookie, csrf);
    call(server.port, "POST", "/api/v1/config/validate", hdr, "application/json", settings, &r);
    expect_status(&r, 403, "csrf_failed");
    ts_http_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
    call(server.port, "POST", "/api/v1/config/validate", hdr, "application/json", settings, &r);
    expect_status(&r, 200, NULL);
    ts_http_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: https://evil.example\r\n",
             cookie, csrf);
    call(server.port, "POST", "/api/v1/config/validate", hdr, "application/json", settings, &r);
    expect_status(&r, 403, "origin_mismatch");
    ts_http_free(&r);
    /* Bearer tokens are exempt from CSRF. */
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tokens[ROLE_OPS]);
    call(server.port, "POST", "/api/v1/config/validate", hdr, "application/json", settings, &r);
    expect_status(&r, 200, NULL);
    ts_http_free(&r);

    snprintf(hdr, sizeof hdr, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
    call(server.port, "DELETE", "/api/v1/session", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    ts_http_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    call(server.port, "GET", "/api/v1/session", hdr, NULL, NULL, &r);
    expect_status(&r, 401, "session_invalid");
    ts_http_free(&r);
}

static void test_login_form_and_pages(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char loc[256], cookie[128], hdr[512], body[256];
    call(server.port, "GET", "/", NULL, NULL, NULL, &r);
    expect_status(&r, 303, NULL);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/login");
    ts_http_free(&r);
    call(server.port, "GET", "/login", NULL, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "<form"));
    assert_true(ts_contains(r.body, "name=\"password\""));
    char csp[256];
    assert_true(ts_http_header(&r, "Content-Security-Policy", csp, sizeof csp));
    assert_true(ts_contains(csp, "default-src 'self'"));
    ts_http_free(&r);
    char lhdr[512], ltok[96];
    login_form(lhdr, sizeof lhdr, ltok, sizeof ltok);
    snprintf(body, sizeof body, "username=viewuser&password=nope%%20nope&login_token=%s", ltok);
    call(server.port, "POST", "/login", lhdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 401, NULL);
    assert_true(ts_contains(r.body, "Invalid user name or password."));
    assert_true(ts_contains(r.body, "value=\"viewuser\""));
    ts_http_free(&r);
    call(server.port, "POST", "/login", NULL, "application/json", "{}", &r);
    expect_status(&r, 415, "unsupported_media_type");
    ts_http_free(&r);
    snprintf(body, sizeof body, "username=viewuser&password=%s&login_token=%s", passwords[3], ltok);
    call(server.port, "POST", "/login", lhdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 303, NULL);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/");
    session_cookie(&r, cookie, sizeof cookie, NULL, 0);
    ts_http_free(&r);
    snprintf(hdr, sizeof hdr, "Cookie: %s\r\n", cookie);
    call(server.port, "GET", "/", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL); /* the console's home is the action center */
    assert_true(ts_contains(r.body, "今日待办 / Action center"));
    assert_true(ts_contains(r.body, "每日简报 / Daily brief"));
    ts_http_free(&r);
    call(server.port, "GET", "/integrations", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "viewuser"));
    const char *field = strstr(r.body, "name=\"csrf_token\" value=\"");
    assert_non_null(field);
    field += strlen("name=\"csrf_token\" value=\"");
    char csrf[64];
    snprintf(csrf, sizeof csrf, "%.*s", (int)strcspn(field, "\""), field);
    ts_http_free(&r);
    call(server.port, "POST", "/logout", hdr, "application/x-www-form-urlencoded", "x=1", &r);
    expect_status(&r, 403, "csrf_failed");
    ts_http_free(&r);
    snprintf(body, sizeof body, "csrf_token=%s", csrf);
    call(server.port, "POST", "/logout", hdr, "application/x-www-form-urlencoded", body, &r);
    expect_status(&r, 303, NULL);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/login");
    ts_http_free(&r);
    call(server.port, "GET", "/integrations", hdr, NULL, NULL, &r);
    expect_status(&r, 303, NULL);
    assert_true(ts_http_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/login");
    ts_http_free(&r);
}

static void test_login_throttle(void **state)
{
    (void)state;
    struct ts_http_resp r;
    const char *bad = "{\"username\":\"slowuser\",\"password\":\"not the password\"}";
    /*
     * The first three failures answer 401; from then on each failure makes the next attempt
     * wait 1, 2, 4 ... s. However slow this machine is, one of the next attempts falls
     * inside a wait (the waits double) and must get 429 with Retry-After, well before the
     * lock after ten failures.
     */
    for (int i = 0; i < 3; i++) {
        call(server.port, "POST", "/api/v1/session", NULL, "application/json", bad, &r);
        expect_status(&r, 401, "invalid_credentials");
        ts_http_free(&r);
    }
    bool throttled = false;
    char retry[32];
    for (int i = 0; i < 6 && !throttled; i++) {
        call(server.port, "POST", "/api/v1/session", NULL, "application/json", bad, &r);
        if (r.status == 429) {
            throttled = true;
            assert_string_equal(error_code(&r), "login_throttled");
            assert_true(ts_http_header(&r, "Retry-After", retry, sizeof retry));
        } else {
            expect_status(&r, 401, "invalid_credentials");
        }
        ts_http_free(&r);
    }
    assert_true(throttled);
}

/* A concrete path for a pattern: every {param} becomes "999999". */
static void concrete_path(const char *pattern, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 7 < len; p++) {
        if (*p == '{') { /* an id that names nothing: the walk must not revoke its own tokens */
            memcpy(out + o, "999999", 6);
            o += 6;
            p = strchr(p, '}');
            if (p == NULL)
                break;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static void test_token_revoked_over_http(void **state)
{
    (void)state;
    char hdr[160];
    ts_bearer_header(db_url, "viewer", hdr, sizeof hdr);
    struct ts_http_resp r;
    call(server.port, "GET", "/api/v1/session", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "\"via\":\"token\""));
    ts_http_free(&r);
    /* The newest token is the one just made: revoke it by its id from `aicos token list`. */
    char *env[] = {env_db, NULL};
    char *list[] = {(char *)"token", (char *)"list", NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_aicos_run(list, env, &out, &err), 0);
    char *last = strrchr(out, '\n');
    *last = '\0';
    last = strrchr(out, '\n');
    char id[16];
    snprintf(id, sizeof id, "%.*s", (int)strcspn(last + 1, " "), last + 1);
    free(out);
    free(err);
    char *revoke[] = {(char *)"token", (char *)"revoke", id, NULL};
    assert_int_equal(ts_aicos_run(revoke, env, &out, &err), 0);
    free(out);
    free(err);
    call(server.port, "GET", "/api/v1/session", hdr, NULL, NULL, &r);
    expect_status(&r, 401, "token_invalid");
    ts_http_free(&r);
    char *again[] = {(char *)"token", (char *)"revoke", id, NULL};
    assert_int_equal(ts_aicos_run(again, env, NULL, &err), 2);
    free(err);
}

static void test_route_table_walk(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t i = 0; i < api_routes_count; i++) {
        const struct route *rt = &api_routes[i];
        if (rt->flags & ROUTE_PUBLIC)
            continue;
        assert_true(rt->min_role >= ROLE_VIEWER && rt->min_role <= ROLE_SELLER_ADMIN);
        char path[256], hdr[160];
        concrete_path(rt->pattern, path, sizeof path);
        const char *ctype = (rt->flags & ROUTE_JSON_BODY)   ? "application/json"
                            : (rt->flags & ROUTE_FORM_BODY) ? "application/x-www-form-urlencoded"
                            : (rt->flags & ROUTE_MULTIPART_BODY) ? "multipart/form-data; boundary=b"
                                                                 : NULL;
        const char *body =
            (rt->flags & ROUTE_JSON_BODY)   ? "{}"
            : (rt->flags & ROUTE_FORM_BODY) ? "a=1"
            : (rt->flags & ROUTE_MULTIPART_BODY)
                ? "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n"
                : NULL;
        struct ts_http_resp r;
        call(server.port, rt->method, path, NULL, ctype, body, &r);
        if (rt->flags & ROUTE_PAGE)
            expect_status(&r, 303, NULL);
        else
            expect_status(&r, 401, "unauthenticated");
        ts_http_free(&r);
        for (unsigned role = ROLE_VIEWER; role <= ROLE_SELLER_ADMIN; role++) {
            snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tokens[role]);
            call(server.port, rt->method, path, hdr, ctype, body, &r);
            if (role < rt->min_role) {
                if (r.status != 403)
                    fail_msg("%s %s as %s: %d, want 403", rt->method, rt->pattern,
                             auth_role_name((enum auth_role)role), r.status);
                assert_string_equal(error_code(&r), "forbidden");
            } else if (r.status == 401 || r.status == 403) {
                fail_msg("%s %s as %s: refused with %d: %s", rt->method, rt->pattern,
                         auth_role_name((enum auth_role)role), r.status, r.body);
            }
            ts_http_free(&r);
        }
        checked++;
    }
    assert_true(checked >= 8);
}

static void test_secrets_and_password_refusal(void **state)
{
    (void)state;
    struct ts_http_resp r;
    char hdr[160];
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tokens[ROLE_OPS]);
    const char *path = "/api/v1/integrations/temu/credentials";
    call(server.port, "PUT", path, hdr, "application/json",
         "{\"region\":\"US\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET
         "\",\"shop_password\":\"hunter2hunter2\"}",
         &r);
    expect_status(&r, 422, "shop_password_not_needed");
    assert_true(ts_contains(r.body, "never needed"));
    ts_http_free(&r);
    call(server.port, "PUT", path, hdr, "application/json",
         "{\"region\":\"US\",\"shop\":{\"Login_Password\":\"x\"}}", &r);
    expect_status(&r, 422, "shop_password_not_needed");
    ts_http_free(&r);
    call(server.port, "PUT", path, hdr, "application/json",
         "{\"region\":\"MARS\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", &r);
    expect_status(&r, 422, "bad_region");
    ts_http_free(&r);
    call(server.port, "PUT", path, hdr, "application/json",
         "{\"region\":\"US\",\"app_key\":\"short\",\"app_secret\":\"" APP_SECRET "\"}", &r);
    expect_status(&r, 422, "bad_credential");
    ts_http_free(&r);
    call(server.port, "PUT", path, hdr, "application/json",
         "{\"region\":\"us\",\"app_key\":\"" APP_KEY "\",\"app_secret\":\"" APP_SECRET "\"}", &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "\"masked\":\"****f00d\""));
    ts_http_free(&r);
    call(server.port, "GET", "/api/v1/secrets", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "temu/us/app_secret"));
    assert_true(ts_contains(r.body, "\"secrets\":2"));
    ts_http_free(&r);
    call(server.port, "GET", "/api/v1/audit?action=secret.write", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "temu/us/app_secret"));
    ts_http_free(&r);
    call(server.port, "GET", "/api/v1/audit?action=login&limit=100", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    assert_true(ts_contains(r.body, "\"outcome\":\"failure\""));
    assert_true(ts_contains(r.body, "\"outcome\":\"success\""));
    ts_http_free(&r);
    call(server.port, "GET", "/api/v1/audit?limit=0", hdr, NULL, NULL, &r);
    expect_status(&r, 422, "bad_query");
    ts_http_free(&r);
}

static void test_vault_commands(void **state)
{
    (void)state;
    char *env[] = {env_db, env_key, NULL};
    char *out = NULL, *err = NULL;
    /* The command-line way to store credentials: the secret comes from a private file. */
    char *dir = ts_tmpdir("eusecret");
    char file[TS_PATH_MAX];
    snprintf(file, sizeof file, "%s/secret", dir);
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(write(fd, EU_SECRET "\n", strlen(EU_SECRET) + 1) > 0);
    close(fd);
    chmod(file, 0644);
    char *creds[] = {(char *)"temu",
                     (char *)"credentials",
                     (char *)"set",
                     (char *)"--region",
                     (char *)"eu",
                     (char *)"--app-key",
                     (char *)APP_KEY,
                     (char *)"--app-secret-file",
                     file,
                     NULL};
    assert_int_equal(ts_aicos_run(creds, env, &out, &err), 2);
    assert_true(ts_contains(err, "chmod 600"));
    free(out);
    free(err);
    chmod(file, 0600);
    assert_int_equal(ts_aicos_run(creds, env, &out, &err), 0);
    assert_true(ts_contains(out, "temu/eu/app_secret (****"));
    assert_false(ts_contains(out, EU_SECRET));
    free(out);
    free(err);
    free(dir);
    char *status[] = {(char *)"vault", (char *)"status", NULL};
    assert_int_equal(ts_aicos_run(status, env, &out, &err), 0);
    assert_true(ts_contains(out, "4 secret(s)"));
    free(out);
    free(err);
    char *interrupted[] = {env_db, env_key, (char *)"AICOS_VAULT_ROTATE_MAX_STEPS=1", NULL};
    char *rotate[] = {(char *)"vault", (char *)"rotate", NULL};
    assert_int_equal(ts_aicos_run(rotate, interrupted, &out, &err), 1);
    assert_true(ts_contains(err, "run it again"));
    free(out);
    free(err);
    assert_int_equal(ts_aicos_run(rotate, env, &out, &err), 0);
    assert_true(ts_contains(out, "re-encrypted 3 secret(s)"));
    free(out);
    free(err);
    char *check[] = {(char *)"vault", (char *)"check", NULL};
    assert_int_equal(ts_aicos_run(check, env, &out, &err), 0);
    assert_true(ts_contains(out, "4 secret(s) decrypt, 0 fail"));
    free(out);
    free(err);
    assert_int_equal(ts_aicos_run(status, env, &out, &err), 0);
    /* The old data key sealed nothing after the rotation: destroyed (issue 18). */
    assert_false(ts_contains(out, "retired") || ts_contains(out, "retiring"));
    free(out);
    free(err);
    /* The running server still reads the secrets after the rotation. */
    struct ts_http_resp r;
    char hdr[160];
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tokens[ROLE_OPS]);
    call(server.port, "GET", "/api/v1/secrets", hdr, NULL, NULL, &r);
    expect_status(&r, 200, NULL);
    ts_http_free(&r);
    char *export_args[] = {(char *)"audit",
                           (char *)"export",
                           (char *)"--format",
                           (char *)"jsonl",
                           (char *)"--action",
                           (char *)"vault.",
                           NULL};
    assert_int_equal(ts_aicos_run(export_args, env, &out, &err), 0);
    assert_true(ts_contains(out, "\"action\":\"vault.rotate\""));
    free(out);
    free(err);
    char *bad_export[] = {(char *)"audit", (char *)"export", (char *)"--format", (char *)"xml",
                          NULL};
    assert_int_equal(ts_aicos_run(bad_export, env, NULL, &err), 2);
    free(err);
}

static void test_refusals_to_start(void **state)
{
    (void)state;
    char listen[64], other_key[128];
    snprintf(listen, sizeof listen, "AICOS_LISTEN=127.0.0.1:%u", ts_free_port());
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    snprintf(other_key, sizeof other_key, "AICOS_MASTER_KEY=%s", b64);
    char *serve[] = {(char *)"serve", NULL};
    char *wrong[] = {env_db, listen, other_key, NULL};
    char *err = NULL;
    assert_int_equal(ts_aicos_run(serve, wrong, NULL, &err), 1);
    assert_true(ts_contains(err, "cannot open this database's vault"));
    free(err);
    char *prod[] = {env_db, listen, (char *)"AICOS_ENV=production", NULL};
    assert_int_equal(ts_aicos_run(serve, prod, NULL, &err), 1);
    assert_true(ts_contains(err, "requires a vault master key"));
    free(err);
}

static void test_secure_cookie_on_https_origin(void **state)
{
    (void)state;
    struct ts_server s2;
    char *env[] = {env_key, (char *)"AICOS_WEB_ORIGIN=https://console.example.com", NULL};
    ts_server_start(&s2, db_url, env);
    struct ts_http_resp r;
    char body[256], cookie[128], attrs[512];
    snprintf(body, sizeof body, "{\"username\":\"admin\",\"password\":\"%s\"}", passwords[0]);
    call(s2.port, "POST", "/api/v1/session", NULL, "application/json", body, &r);
    expect_status(&r, 201, NULL);
    session_cookie(&r, cookie, sizeof cookie, attrs, sizeof attrs);
    assert_true(ts_contains(attrs, "; Secure"));
    ts_http_free(&r);
    assert_int_equal(ts_server_stop(&s2), 0);
}

/* Runs last: no secret value appears in any log line or any answer. */
static void test_no_secret_leaks(void **state)
{
    (void)state;
    char err_path[TS_PATH_MAX];
    snprintf(err_path, sizeof err_path, "%s", server.proc.err_path);
    assert_int_equal(ts_server_stop(&server), 0);
    char *log = ts_read_file(err_path);
    assert_true(ts_contains(log, "event=http.request"));
    const char *secrets[16];
    size_t n = 0;
    secrets[n++] = APP_SECRET;
    secrets[n++] = EU_SECRET;
    secrets[n++] = APP_KEY;
    secrets[n++] = master_b64;
    secrets[n++] = slow_password;
    for (int i = 0; i < 4; i++)
        secrets[n++] = passwords[i];
    for (int r = ROLE_VIEWER; r <= ROLE_SELLER_ADMIN; r++)
        secrets[n++] = tokens[r];
    for (size_t i = 0; i < n; i++) {
        if (ts_contains(log, secrets[i]))
            fail_msg("secret #%zu appears in the server log", i);
        if (ts_contains(transcript.data, secrets[i]))
            fail_msg("secret #%zu appears in an answer", i);
    }
    /* The session cookies and CSRF tokens are meant to be in answers, but never in logs. */
    assert_false(ts_contains(log, "aicos_session="));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_json_csrf_origin),
        cmocka_unit_test(test_login_form_and_pages),
        cmocka_unit_test(test_login_csrf),
        cmocka_unit_test(test_login_throttle),
        cmocka_unit_test(test_token_revoked_over_http),
        cmocka_unit_test(test_route_table_walk),
        cmocka_unit_test(test_secrets_and_password_refusal),
        cmocka_unit_test(test_vault_commands),
        cmocka_unit_test(test_refusals_to_start),
        cmocka_unit_test(test_secure_cookie_on_https_origin),
        cmocka_unit_test(test_no_secret_leaks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

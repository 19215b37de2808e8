/*
 * Integration: `aicos deploy smoke` end to end on one machine. Caddy on loopback with its
 * internal CA (`tls internal`) in front of a real `aicos serve`; the host names are mapped
 * to 127.0.0.1 with --resolve and Caddy's root CA is passed with --cacert. Then each piece
 * is taken away: no --cacert (untrusted certificate), an expired certificate, the app down,
 * Caddy down, and each gives its precise finding.
 */
#include "testsupport.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"

struct caddy {
    struct ts_proc proc;
    char *dir;
    unsigned port;
    char root_ca[TS_PATH_MAX];
};

/* What a test started, so the teardown can stop it when an assertion fails midway. */
static struct ts_server *running_server;
static struct caddy *running_caddy;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* True when something accepts TCP connections on 127.0.0.1:port. */
static bool port_accepts(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

static bool find_caddy(char *out, size_t len)
{
    const char *path = getenv("PATH");
    for (const char *p = path != NULL ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(out, len, "%.*s/caddy", (int)n, p);
        if (access(out, X_OK) == 0)
            return true;
        p += n + (p[n] == ':');
    }
    return false;
}

/* Starts Caddy on a free loopback port for api/web.aicos.test with the given TLS line,
 * proxying to app_port. Waits until it accepts connections (bounded). */
static void caddy_start(struct caddy *c, unsigned app_port, const char *tls_line)
{
    char bin[TS_PATH_MAX];
    if (!find_caddy(bin, sizeof bin))
        fail_msg("caddy is not installed; scripts/install-deps installs it");
    c->dir = ts_tmpdir("smoke-caddy");
    if (c->port == 0)
        c->port = ts_free_port();
    unsigned http_port = ts_free_port();
    char conf[TS_PATH_MAX];
    snprintf(conf, sizeof conf, "%s/Caddyfile", c->dir);
    FILE *fp = fopen(conf, "w");
    assert_non_null(fp);
    fprintf(fp,
            "{\n"
            "\tadmin off\n"
            "\tskip_install_trust\n"
            "\tauto_https disable_redirects\n"
            "\thttp_port %u\n"
            "\thttps_port %u\n"
            "\tstorage file_system {\n"
            "\t\troot %s/data\n"
            "\t}\n"
            "}\n"
            "\n"
            "api.aicos.test:%u, web.aicos.test:%u {\n"
            "\tbind 127.0.0.1\n"
            "\t%s\n"
            "\treverse_proxy 127.0.0.1:%u\n"
            "}\n",
            http_port, c->port, c->dir, c->port, c->port, tls_line, app_port);
    fclose(fp);
    snprintf(c->root_ca, sizeof c->root_ca, "%s/data/pki/authorities/local/root.crt", c->dir);
    char xdg_data[TS_PATH_MAX + 32], xdg_conf[TS_PATH_MAX + 32], home[TS_PATH_MAX + 8];
    snprintf(xdg_data, sizeof xdg_data, "XDG_DATA_HOME=%s/xdg", c->dir);
    snprintf(xdg_conf, sizeof xdg_conf, "XDG_CONFIG_HOME=%s/xdg", c->dir);
    snprintf(home, sizeof home, "HOME=%s", c->dir);
    char *env[] = {xdg_data, xdg_conf, home, NULL};
    char *argv[] = {
        bin,  (char *)"run", (char *)"--adapter", (char *)"caddyfile", (char *)"--config",
        conf, NULL};
    ts_spawn(c->dir, argv, env, &c->proc);
    running_caddy = c;
    for (int waited = 0; waited < 30000; waited += 100) {
        if (port_accepts(c->port))
            return;
        if (ts_wait(&c->proc, 0) >= 0)
            fail_msg("caddy exited: %s", ts_read_file(c->proc.err_path));
        sleep_ms(100);
    }
    fail_msg("caddy did not listen on %u within 30 s", c->port);
}

static void caddy_stop(struct caddy *c)
{
    running_caddy = NULL;
    ts_stop(&c->proc, SIGTERM, 10000);
    free(c->dir);
    c->dir = NULL;
}

/* Runs the smoke test against the Caddy in c; returns the exit code and the JSON result. */
static int smoke(const struct caddy *c, const char *mode, bool cacert, const char *cafile,
                 char *const env[], bool record, json_t **doc)
{
    char api[128], web[128], r1[128], r2[128];
    snprintf(api, sizeof api, "https://api.aicos.test:%u", c->port);
    snprintf(web, sizeof web, "https://web.aicos.test:%u", c->port);
    snprintf(r1, sizeof r1, "api.aicos.test:%u:127.0.0.1", c->port);
    snprintf(r2, sizeof r2, "web.aicos.test:%u:127.0.0.1", c->port);
    char *a[24];
    size_t n = 0;
    a[n++] = (char *)"deploy";
    a[n++] = (char *)"smoke";
    a[n++] = (char *)"--api-origin";
    a[n++] = api;
    a[n++] = (char *)"--web-origin";
    a[n++] = web;
    a[n++] = (char *)"--resolve";
    a[n++] = r1;
    a[n++] = (char *)"--resolve";
    a[n++] = r2;
    a[n++] = (char *)"--callback-mode";
    a[n++] = (char *)mode;
    a[n++] = (char *)"--json";
    if (!record)
        a[n++] = (char *)"--no-record";
    if (cacert) {
        a[n++] = (char *)"--cacert";
        a[n++] = (char *)(cafile != NULL ? cafile : c->root_ca);
    }
    a[n] = NULL;
    char *out = NULL, *err = NULL;
    int rc = ts_aicos_run(a, env, &out, &err);
    *doc = json_loads(out, 0, NULL);
    if (*doc == NULL)
        fail_msg("smoke printed no JSON (exit %d): %s %s", rc, out, err);
    free(out);
    free(err);
    return rc;
}

static const char *finding(json_t *doc, const char *id, const char *sev)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "findings"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0 &&
            (sev == NULL || strcmp(json_string_value(json_object_get(it, "severity")), sev) == 0))
            return json_string_value(json_object_get(it, "message"));
    }
    return NULL;
}

static void dump(json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2));
    print_message("%s\n", s);
    free(s);
}

/* Caddy issues its internal certificates just after start: retry while TLS is not ready. */
static int smoke_ready(const struct caddy *c, json_t **doc)
{
    int rc = -1;
    for (int i = 0; i < 60; i++) {
        rc = smoke(c, "api", true, NULL, NULL, false, doc);
        if (access(c->root_ca, R_OK) == 0 && finding(*doc, "smoke.tls", NULL) == NULL &&
            finding(*doc, "smoke.connect", NULL) == NULL)
            return rc;
        json_decref(*doc);
        *doc = NULL;
        sleep_ms(250);
    }
    fail_msg("Caddy's internal certificate never became usable");
    return rc;
}

/* The only blockers today's server may have are the routes that come with a later issue. */
static void assert_only_route_blockers(json_t *doc)
{
    static const char *const allowed[] = {"smoke.callback_diagnostics", "smoke.deployment_packet",
                                          "smoke.callback_route"};
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "findings"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "severity")), "blocker") != 0)
            continue;
        const char *id = json_string_value(json_object_get(it, "id"));
        bool ok = false;
        for (size_t k = 0; k < 3; k++)
            ok = ok || strcmp(id, allowed[k]) == 0;
        if (!ok) {
            dump(doc);
            fail_msg("unexpected blocker %s", id);
        }
    }
}

static void test_smoke_end_to_end(void **state)
{
    (void)state;
    char url[TS_PATH_MAX], dbenv[TS_PATH_MAX + 32];
    ts_fresh_db_url("deploy_smoke", url, sizeof url);
    snprintf(dbenv, sizeof dbenv, "AICOS_DATABASE_URL=%s", url);
    static struct ts_server srv;
    static struct caddy c;
    /* The app knows its public origins (Caddy's port), so its callback URL matches. */
    c.port = ts_free_port();
    char api_env[96], web_env[96];
    snprintf(api_env, sizeof api_env, "AICOS_API_ORIGIN=https://api.aicos.test:%u", c.port);
    snprintf(web_env, sizeof web_env, "AICOS_WEB_ORIGIN=https://web.aicos.test:%u", c.port);
    char *srv_env[] = {api_env, web_env, NULL};
    ts_server_start(&srv, url, srv_env);
    running_server = &srv;
    caddy_start(&c, srv.port, "tls internal");

    json_t *doc = NULL;
    smoke_ready(&c, &doc);
    json_decref(doc);
    char *env[] = {dbenv, NULL};
    int rc = smoke(&c, "api", true, NULL, env, true, &doc);
    /* Health, OpenAPI, TLS, clock and the callback mode pass; without a token the deployment
     * packet (ops only) is refused, and the callback route answers its documented error. */
    assert_null(finding(doc, "smoke.health", NULL));
    assert_null(finding(doc, "smoke.web_health", NULL));
    assert_null(finding(doc, "smoke.openapi", NULL));
    assert_null(finding(doc, "smoke.clock_skew", NULL));
    assert_null(finding(doc, "smoke.callback_mode", NULL));
    assert_null(finding(doc, "smoke.cert_expired", NULL));
    assert_non_null(finding(doc, "smoke.cert_custom_ca", "warning"));
    assert_only_route_blockers(doc);
    const char *route = finding(doc, "smoke.callback_route", "blocker");
    if (route != NULL) {
        assert_int_equal(rc, 1);
        assert_true(ts_contains(route, "/api/v1/integrations/temu/authorization/callback"));
        assert_true(ts_contains(route, "answered 404"));
    }
    json_decref(doc);

    /* The result was recorded in the server's database. */
    struct db *db = NULL;
    assert_int_equal(db_open(url, 1, &db, NULL), ERR_OK);
    struct db_conn *conn = db_acquire(db);
    struct db_rows *rows = NULL;
    assert_int_equal(db_query(conn, "SELECT COUNT(*) FROM deploy_checks WHERE kind = 'smoke'", NULL,
                              0, &rows, NULL),
                     ERR_OK);
    int64_t n = 0;
    assert_int_equal(db_rows_int(rows, 0, 0, &n), ERR_OK);
    assert_int_equal(n, 1);
    db_rows_free(rows);
    db_release(conn);
    db_close(db);

    /* The wrong callback mode (the server runs in api mode): a precise blocker naming both
     * URLs, and the Web callback route is the one checked. */
    rc = smoke(&c, "web-bridge", true, NULL, NULL, false, &doc);
    assert_int_equal(rc, 1);
    const char *mode = finding(doc, "smoke.callback_mode", "blocker");
    if (mode == NULL)
        dump(doc);
    assert_non_null(mode);
    assert_true(ts_contains(mode, "/integrations/temu/callback"));
    assert_true(ts_contains(mode, "/api/v1/integrations/temu/authorization/callback"));
    route = finding(doc, "smoke.callback_route", "blocker");
    if (route != NULL)
        assert_true(ts_contains(route, "/integrations/temu/callback"));
    json_decref(doc);

    /* Without --cacert the internal CA is not trusted: a precise TLS blocker. */
    rc = smoke(&c, "api", false, NULL, NULL, false, &doc);
    assert_int_equal(rc, 1);
    const char *tls = finding(doc, "smoke.tls", "blocker");
    if (tls == NULL)
        dump(doc);
    assert_non_null(tls);
    assert_true(ts_contains(tls, "no certificate this client trusts"));
    assert_null(finding(doc, "smoke.health", NULL));
    json_decref(doc);

    /* The app down: Caddy answers 502 and the finding says the app behind it is down. */
    running_server = NULL;
    ts_server_stop(&srv);
    rc = smoke(&c, "api", true, NULL, NULL, false, &doc);
    assert_int_equal(rc, 1);
    const char *health = finding(doc, "smoke.health", "blocker");
    if (health == NULL)
        dump(doc);
    assert_non_null(health);
    assert_true(ts_contains(health, "answered 502"));
    assert_true(ts_contains(health, "the app behind it is down"));
    json_decref(doc);

    /* Caddy down too: nothing accepts connections. */
    caddy_stop(&c);
    rc = smoke(&c, "api", true, NULL, NULL, false, &doc);
    assert_int_equal(rc, 1);
    const char *conn_msg = finding(doc, "smoke.connect", "blocker");
    assert_non_null(conn_msg);
    assert_true(ts_contains(conn_msg, "Nothing accepts HTTPS connections"));
    json_decref(doc);
}

/* Writes a self-signed certificate for both test hosts that expired yesterday. */
static void write_expired_cert(const char *dir, char *cert, char *key, size_t len)
{
    snprintf(cert, len, "%s/expired.crt", dir);
    snprintf(key, len, "%s/expired.key", dir);
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    assert_non_null(pk);
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
    X509_gmtime_adj(X509_getm_notBefore(x), -30L * 86400);
    X509_gmtime_adj(X509_getm_notAfter(x), -86400);
    X509_set_pubkey(x, pk);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"api.aicos.test",
                               -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *san = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
                                              "DNS:api.aicos.test,DNS:web.aicos.test");
    assert_non_null(san);
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "CA:TRUE");
    X509_add_ext(x, bc, -1);
    X509_EXTENSION_free(bc);
    assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
    FILE *fp = fopen(cert, "w");
    assert_non_null(fp);
    PEM_write_X509(fp, x);
    fclose(fp);
    fp = fopen(key, "w");
    assert_non_null(fp);
    PEM_write_PrivateKey(fp, pk, NULL, NULL, 0, NULL, NULL);
    fclose(fp);
    X509_free(x);
    EVP_PKEY_free(pk);
}

static void test_smoke_expired_certificate(void **state)
{
    (void)state;
    char url[TS_PATH_MAX];
    ts_fresh_db_url("deploy_smoke_exp", url, sizeof url);
    static struct ts_server srv;
    ts_server_start(&srv, url, NULL);
    running_server = &srv;
    char *keydir = ts_tmpdir("smoke-cert");
    char cert[TS_PATH_MAX], key[TS_PATH_MAX], tls[2 * TS_PATH_MAX + 8];
    write_expired_cert(keydir, cert, key, sizeof cert);
    snprintf(tls, sizeof tls, "tls %s %s", cert, key);
    static struct caddy c;
    caddy_start(&c, srv.port, tls);
    json_t *doc = NULL;
    int rc = -1;
    const char *expired = NULL;
    for (int i = 0; i < 40 && expired == NULL; i++) {
        json_decref(doc);
        rc = smoke(&c, "api", true, cert, NULL, false, &doc);
        expired = finding(doc, "smoke.cert_expired", "blocker");
        if (expired == NULL)
            sleep_ms(250);
    }
    if (expired == NULL)
        dump(doc);
    assert_non_null(expired);
    assert_int_equal(rc, 1);
    assert_true(ts_contains(expired, "expired"));
    assert_null(finding(doc, "smoke.health", NULL));
    json_decref(doc);
    caddy_stop(&c);
    running_server = NULL;
    ts_server_stop(&srv);
    free(keydir);
}

static int stop_children(void **state)
{
    (void)state;
    if (running_caddy != NULL)
        caddy_stop(running_caddy);
    if (running_server != NULL)
        ts_server_stop(running_server);
    running_server = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_smoke_end_to_end, stop_children),
        cmocka_unit_test_teardown(test_smoke_expired_certificate, stop_children),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

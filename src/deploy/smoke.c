#include "deploy/smoke.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"

struct smoke_resp {
    CURLcode rc;
    long status;
    struct buf body;
    char date[128];
    char ctype[128];
    char error[CURL_ERROR_SIZE];
    char expire[96]; /* the leaf certificate's "Expire date", when asked for */
    char issuer[256];
};

static size_t smoke_on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct smoke_resp *r = ctx;
    if (buf_append(&r->body, data, size * n) != ERR_OK)
        return 0; /* over LIMIT_DEPLOY_SMOKE_BODY_BYTES: libcurl stops with a write error */
    return size * n;
}

/* Copies the value of header line "Name: value\r\n" into dst when the name matches. */
static void smoke_header_value(const char *line, size_t len, const char *name, char *dst,
                               size_t dstlen)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(dst, dstlen, "%.*s", (int)(end - v), v);
}

static size_t smoke_on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct smoke_resp *r = ctx;
    smoke_header_value(data, size * n, "Date", r->date, sizeof r->date);
    smoke_header_value(data, size * n, "Content-Type", r->ctype, sizeof r->ctype);
    return size * n;
}

static void smoke_resp_free(struct smoke_resp *r)
{
    buf_free(&r->body);
}

/* GETs origin+path; bearer is sent only when not NULL. Fills r; never fails itself. */
static void smoke_get(const struct deploy_smoke_opts *o, const char *origin, const char *path,
                      const char *bearer, bool certinfo, struct smoke_resp *r)
{
    char url[DEPLOY_URL_MAX + 128], auth[1024];
    struct curl_slist *resolve = NULL, *headers = NULL;
    memset(r, 0, sizeof *r);
    r->body.max = LIMIT_DEPLOY_SMOKE_BODY_BYTES;
    CURL *c = curl_easy_init();
    if (c == NULL) {
        r->rc = CURLE_FAILED_INIT;
        snprintf(r->error, sizeof r->error, "libcurl could not start");
        return;
    }
    snprintf(url, sizeof url, "%s%s", origin, path);
    for (size_t i = 0; i < o->nresolve; i++)
        resolve = curl_slist_append(resolve, o->resolve[i]);
    headers = curl_slist_append(headers, "Accept: application/json");
    if (bearer != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        headers = curl_slist_append(headers, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)LIMIT_DEPLOY_SMOKE_CONNECT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)LIMIT_DEPLOY_SMOKE_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "aicos-deploy-smoke");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, smoke_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, smoke_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (resolve != NULL)
        curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
    if (o->cacert != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
    if (certinfo)
        curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    r->rc = curl_easy_perform(c);
    if (r->rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        struct curl_certinfo *ci = NULL;
        if (certinfo && curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci != NULL &&
            ci->num_of_certs > 0) {
            for (struct curl_slist *s = ci->certinfo[0]; s != NULL; s = s->next) {
                if (strncmp(s->data, "Expire date:", 12) == 0)
                    snprintf(r->expire, sizeof r->expire, "%s", s->data + 12);
                else if (strncmp(s->data, "Issuer:", 7) == 0)
                    snprintf(r->issuer, sizeof r->issuer, "%s", s->data + 7);
            }
        }
    }
    if (r->error[0] == '\0' && r->rc != CURLE_OK)
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(r->rc));
    curl_easy_cleanup(c);
    curl_slist_free_all(resolve);
    curl_slist_free_all(headers);
    explicit_bzero(auth, sizeof auth);
}

/* Reports a transport failure of the first request to an origin; false if there was none. */
static bool smoke_transport_failed(const char *role, const char *origin,
                                   const struct deploy_smoke_opts *o, const struct smoke_resp *r,
                                   struct deploy_findings *f)
{
    switch (r->rc) {
    case CURLE_OK:
        return false;
    case CURLE_COULDNT_RESOLVE_HOST:
        deploy_findings_add(f, "smoke.connect", DEPLOY_BLOCKER,
                            "Create the DNS record (see `aicos deploy dns`).",
                            "The %s origin %s does not resolve: %s.", role, origin, r->error);
        return true;
    case CURLE_COULDNT_CONNECT:
        deploy_findings_add(f, "smoke.connect", DEPLOY_BLOCKER,
                            "Start the stack (docker compose ... up -d) and open port 443 in "
                            "the firewall.",
                            "Nothing accepts HTTPS connections for the %s origin %s: %s.", role,
                            origin, r->error);
        return true;
    case CURLE_OPERATION_TIMEDOUT:
        deploy_findings_add(f, "smoke.connect", DEPLOY_BLOCKER,
                            "Check the firewall and security group for port 443.",
                            "The %s origin %s did not answer within %d s: %s.", role, origin,
                            LIMIT_DEPLOY_SMOKE_TIMEOUT_S, r->error);
        return true;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        if (strstr(r->error, "expired") != NULL)
            deploy_findings_add(f, "smoke.cert_expired", DEPLOY_BLOCKER,
                                "Check Caddy's logs for ACME renewal errors (DNS, port 80/443, "
                                "the ACME e-mail) and restart it.",
                                "The certificate of the %s origin %s has expired: %s.", role,
                                origin, r->error);
        else
            deploy_findings_add(f, "smoke.tls", DEPLOY_BLOCKER,
                                o->cacert != NULL
                                    ? "Pass the CA that issued the certificate with --cacert."
                                    : "Let Caddy obtain a public certificate (DNS must point "
                                      "at the server, ports 80 and 443 open); remove `tls "
                                      "internal`.",
                                "The %s origin %s has no certificate this client trusts: %s.", role,
                                origin, r->error);
        return true;
    default:
        deploy_findings_add(f, "smoke.connect", DEPLOY_BLOCKER, "Check the proxy and the app logs.",
                            "The request to the %s origin %s failed: %s.", role, origin, r->error);
        return true;
    }
}

static const char *smoke_status_hint(long status)
{
    if (status == 502 || status == 504)
        return ": the HTTPS proxy is up but the app behind it is down or unreachable";
    if (status == 503)
        return ": the app is up but not ready (database or schema)";
    if (status == 404)
        return ": the route does not exist on this server (an older aicos?)";
    if (status == 401 || status == 403)
        return ": the request was not authorized";
    return "";
}

/* Parses a JSON body; NULL when it is not JSON. */
static json_t *smoke_json(const struct smoke_resp *r)
{
    json_t *v = NULL;
    if (r->body.data == NULL ||
        json_parse_strict(r->body.data, r->body.len, LIMIT_JSON_DEPTH, &v, NULL) != ERR_OK)
        return NULL;
    return v;
}

void deploy_smoke_check_clock(const char *origin, const char *date_header, time_t now,
                              struct deploy_findings *f)
{
    time_t server = date_header != NULL && *date_header ? curl_getdate(date_header, NULL) : -1;
    if (server < 0) {
        deploy_findings_add(f, "smoke.clock_unknown", DEPLOY_WARNING,
                            "Make sure the proxy passes the Date header through.",
                            "%s sent no readable Date header, so the server clock could not "
                            "be checked.",
                            origin);
        return;
    }
    long long skew = (long long)server - (long long)now;
    long long abs_skew = skew < 0 ? -skew : skew;
    if (abs_skew > LIMIT_DEPLOY_CLOCK_SKEW_S)
        deploy_findings_add(f, "smoke.clock_skew", DEPLOY_BLOCKER,
                            "Enable time synchronization on the server (chrony or "
                            "systemd-timesyncd) and on this machine.",
                            "The server clock of %s is %lld s %s this machine's; Temu rejects "
                            "requests more than %d s off.",
                            origin, abs_skew, skew > 0 ? "ahead of" : "behind",
                            LIMIT_DEPLOY_CLOCK_SKEW_S);
}

void deploy_smoke_check_cert_expiry(const char *host, const char *expire_date, time_t now,
                                    struct deploy_findings *f)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = expire_date != NULL ? strptime(expire_date, "%b %d %H:%M:%S %Y", &tm) : NULL;
    if (end == NULL)
        return; /* libcurl gave no certificate details; the verification result stands */
    time_t exp = timegm(&tm);
    if (exp <= now)
        deploy_findings_add(f, "smoke.cert_expired", DEPLOY_BLOCKER,
                            "Check Caddy's logs for ACME renewal errors and restart it.",
                            "The certificate of %s expired on %s.", host, expire_date);
    else if (exp - now < (time_t)LIMIT_DEPLOY_CERT_WARN_DAYS * 86400)
        deploy_findings_add(f, "smoke.cert_expiring", DEPLOY_WARNING,
                            "Caddy renews certificates itself; check its logs if this does not "
                            "change within a day.",
                            "The certificate of %s expires in %lld hour(s) (%s).", host,
                            (long long)((exp - now) / 3600), expire_date);
}

/* The callback route must exist and refuse a request without code with 400 (JSON when
 * json_required). */
static void smoke_check_callback(const struct deploy_smoke_opts *o, const char *origin,
                                 const char *path, bool json_required, struct deploy_findings *f)
{
    struct smoke_resp r;
    smoke_get(o, origin, path, NULL, false, &r);
    json_t *j = r.rc == CURLE_OK ? smoke_json(&r) : NULL;
    bool json_error = j != NULL && json_is_object(json_object_get(j, "error"));
    if (r.rc != CURLE_OK)
        deploy_findings_add(f, "smoke.callback_route", DEPLOY_BLOCKER,
                            "Check the proxy and the app logs.", "GET %s%s failed: %s.", origin,
                            path, r.error);
    else if (r.status != 400 || (json_required && !json_error))
        deploy_findings_add(f, "smoke.callback_route", DEPLOY_BLOCKER,
                            "Deploy an aicos with the Temu callback routes and the callback "
                            "mode registered in Seller Center.",
                            "GET %s%s without code answered %ld%s%s; the callback route must "
                            "answer 400 with a JSON error, proving it is wired.",
                            origin, path, r.status, smoke_status_hint(r.status),
                            r.status == 400 ? " but not with a JSON error" : "");
    json_decref(j);
    smoke_resp_free(&r);
}

static void smoke_check_api(const struct deploy_smoke_opts *o, const struct deploy_origin *api,
                            const struct deploy_origin *web, struct deploy_findings *f)
{
    struct smoke_resp r;
    json_t *j = NULL;
    smoke_get(o, api->origin, DEPLOY_SMOKE_PATH_HEALTH, NULL, true, &r);
    if (smoke_transport_failed("API", api->origin, o, &r, f))
        goto out;
    if (r.status != 200)
        deploy_findings_add(f, "smoke.health", DEPLOY_BLOCKER,
                            "Check the app: docker compose --env-file infra/production.env -f "
                            "infra/docker-compose.prod.yml ps; then its logs.",
                            "GET %s" DEPLOY_SMOKE_PATH_HEALTH " answered %ld%s.", api->origin,
                            r.status, smoke_status_hint(r.status));
    deploy_smoke_check_clock(api->origin, r.date, time(NULL), f);
    deploy_smoke_check_cert_expiry(api->host, r.expire, time(NULL), f);
    if (o->cacert != NULL)
        deploy_findings_add(f, "smoke.cert_custom_ca", DEPLOY_WARNING,
                            "Run the smoke test without --cacert against the public "
                            "deployment.",
                            "The certificate of %s was verified against --cacert (issuer "
                            "%.200s), not the public trust store Temu and browsers use.",
                            api->host, r.issuer[0] ? r.issuer : "unknown");
    smoke_resp_free(&r);

    smoke_get(o, api->origin, DEPLOY_SMOKE_PATH_OPENAPI, NULL, false, &r);
    j = r.rc == CURLE_OK ? smoke_json(&r) : NULL;
    if (r.status != 200 || json_get_string(j, "openapi") == NULL)
        deploy_findings_add(
            f, "smoke.openapi", DEPLOY_BLOCKER, "Check that the proxy forwards /api/ to the app.",
            "GET %s" DEPLOY_SMOKE_PATH_OPENAPI " answered %ld%s, not the OpenAPI document.",
            api->origin, r.status, smoke_status_hint(r.status));
    json_decref(j);
    smoke_resp_free(&r);

    smoke_get(o, api->origin, DEPLOY_SMOKE_PATH_DIAGNOSTICS, NULL, false, &r);
    j = r.rc == CURLE_OK ? smoke_json(&r) : NULL;
    if (r.status != 200 || !json_is_object(j)) {
        deploy_findings_add(f, "smoke.callback_diagnostics", DEPLOY_BLOCKER,
                            "Deploy an aicos with the Temu callback routes.",
                            "GET %s" DEPLOY_SMOKE_PATH_DIAGNOSTICS " answered %ld%s.", api->origin,
                            r.status, smoke_status_hint(r.status));
    } else {
        const char *have = json_get_string(j, "callback_url");
        char want[DEPLOY_URL_MAX];
        deploy_callback_url(o->mode, api, web, want, sizeof want);
        if (have != NULL && strcmp(have, want) != 0)
            deploy_findings_add(
                f, "smoke.callback_mode", DEPLOY_BLOCKER,
                "Set AICOS_TEMU_CALLBACK_MODE and AICOS_CALLBACK_URL to what Seller "
                "Center has registered, or pass the matching --callback-mode.",
                "The server's callback URL is %.200s, but %s mode with these "
                "origins expects %.200s.",
                have, deploy_callback_mode_name(o->mode), want);
    }
    json_decref(j);
    smoke_resp_free(&r);

    smoke_get(o, api->origin, DEPLOY_SMOKE_PATH_PACKET, o->token, false, &r);
    j = r.rc == CURLE_OK ? smoke_json(&r) : NULL;
    if (r.status != 200 || !json_is_object(j))
        deploy_findings_add(f, "smoke.deployment_packet", DEPLOY_BLOCKER,
                            (r.status == 401 || r.status == 403) && o->token == NULL
                                ? "Pass an ops API token with --token."
                                : "Deploy an aicos with the deployment packet route.",
                            "GET %s" DEPLOY_SMOKE_PATH_PACKET " answered %ld%s.", api->origin,
                            r.status, smoke_status_hint(r.status));
    json_decref(j);
    j = NULL;
    smoke_resp_free(&r);

    if (o->mode == DEPLOY_CALLBACK_API)
        smoke_check_callback(o, api->origin, DEPLOY_CALLBACK_PATH_API, true, f);
out:
    json_decref(j);
    smoke_resp_free(&r);
}

static void smoke_check_web(const struct deploy_smoke_opts *o, const struct deploy_origin *web,
                            struct deploy_findings *f)
{
    struct smoke_resp r;
    smoke_get(o, web->origin, DEPLOY_SMOKE_PATH_HEALTH, NULL, true, &r);
    if (smoke_transport_failed("Web", web->origin, o, &r, f))
        goto out;
    if (r.status != 200)
        deploy_findings_add(f, "smoke.web_health", DEPLOY_BLOCKER,
                            "Check that the proxy serves the Web host and forwards to the app.",
                            "GET %s" DEPLOY_SMOKE_PATH_HEALTH " answered %ld%s.", web->origin,
                            r.status, smoke_status_hint(r.status));
    deploy_smoke_check_cert_expiry(web->host, r.expire, time(NULL), f);
    if (o->mode == DEPLOY_CALLBACK_WEB_BRIDGE)
        smoke_check_callback(o, web->origin, DEPLOY_CALLBACK_PATH_WEB, false, f);
out:
    smoke_resp_free(&r);
}

enum err deploy_smoke_run(const struct deploy_smoke_opts *opts, struct deploy_findings *f,
                          struct errbuf *eb)
{
    struct deploy_origin api, web;
    enum err e = deploy_origin_parse("--api-origin",
                                     opts->api_origin != NULL ? opts->api_origin : "", &api, eb);
    if (e == ERR_OK)
        e = deploy_origin_parse("--web-origin", opts->web_origin != NULL ? opts->web_origin : "",
                                &web, eb);
    if (e != ERR_OK)
        return e;
    if (!api.https || !web.https)
        return err_set(eb, ERR_INVAL, "origin_not_https",
                       "the smoke test checks HTTPS only: both origins must start with "
                       "https://.");
    for (size_t i = 0; i < opts->nresolve; i++) {
        const char *s = opts->resolve[i];
        const char *c1 = strchr(s, ':');
        const char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
        if (c1 == NULL || c1 == s || c2 == NULL || c2 == c1 + 1 || c2[1] == '\0')
            return err_set(eb, ERR_INVAL, "bad_resolve",
                           "--resolve must be host:port:address, got \"%.80s\".", s);
    }
    if (opts->cacert != NULL && access(opts->cacert, R_OK) != 0)
        return err_set(eb, ERR_INVAL, "bad_cacert", "--cacert %s cannot be read.", opts->cacert);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(eb, ERR_INTERNAL, "curl_init", "libcurl could not start.");
    smoke_check_api(opts, &api, &web, f);
    if (strcmp(api.origin, web.origin) != 0 || opts->mode == DEPLOY_CALLBACK_WEB_BRIDGE)
        smoke_check_web(opts, &web, f);
    curl_global_cleanup();
    return ERR_OK;
}

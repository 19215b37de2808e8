#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sbuf.h"
#include "sbx_http.h"
#include "sbx_limits.h"
#include "vclock.h"

#define WEB_AUTHZ_PATH "/open-platform/client-manage/authorization"
#define WEB_FORM_MAX   64 /* form fields read */

struct web {
    struct MHD_Daemon *daemon;
    struct web_deps d;
};

/* Per-connection request state, freed in web_completed only. */
struct web_trunc {
    char *data;
    size_t send; /* bytes actually sent before the connection is cut */
};

bool web_peer_is_loopback(const void *sockaddr)
{
    const struct sockaddr *sa = sockaddr;
    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = sockaddr;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = sockaddr;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

static enum MHD_Result web_send(struct MHD_Connection *c, unsigned status, const char *ctype,
                                char *body, size_t len, const char *hname, const char *hvalue)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (hname != NULL)
        MHD_add_response_header(r, hname, hvalue);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result web_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    char *b = strdup(text);
    if (b == NULL)
        return MHD_NO;
    return web_send(c, status, "text/plain; charset=utf-8", b, strlen(b), NULL, NULL);
}

static enum MHD_Result web_method_not_allowed(struct MHD_Connection *c, const char *allow)
{
    char *b = strdup("method not allowed\n");
    if (b == NULL)
        return MHD_NO;
    return web_send(c, 405, "text/plain; charset=utf-8", b, strlen(b), "Allow", allow);
}

/* Sends a JSON document (stolen). */
static enum MHD_Result web_json(struct MHD_Connection *c, unsigned status, json_t *doc)
{
    char *b = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (b == NULL)
        return web_text(c, 500, "out of memory\n");
    return web_send(c, status, "application/json", b, strlen(b), NULL, NULL);
}

static enum MHD_Result web_json_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return web_json(c, status, json_pack("{s:{s:s}}", "error", "message", msg));
}

/* ---- router and faults ------------------------------------------------------------------- */

static ssize_t web_trunc_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct web_trunc *t = cls;
    if (pos >= t->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = t->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, t->data + pos, n);
    return (ssize_t)n;
}

static void web_trunc_free(void *cls)
{
    struct web_trunc *t = cls;
    free(t->data);
    free(t);
}

static enum MHD_Result web_router(struct web *w, struct MHD_Connection *c, struct sbx_conn *wc)
{
    struct fault_action fa;
    fault_pick(w->d.fault, &fa);
    vclock_sleep_ms(fa.latency_ms);
    if (fa.kind == FAULT_RESET) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci != NULL) {
            /* A zero linger turns the close into a TCP reset, which is what clients see
             * when a load balancer drops them. */
            struct linger lg = {1, 0};
            setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        return MHD_NO;
    }
    if (fa.kind == FAULT_HTTP) {
        char text[64];
        snprintf(text, sizeof text, "upstream error %d\n", fa.http_status);
        return web_text(c, (unsigned)fa.http_status, text);
    }
    if (fa.kind == FAULT_MALFORMED) {
        static const char bad[] = "{\"success\":tru,\"errorCode\":<html>";
        char *b = strdup(bad);
        if (b == NULL)
            return MHD_NO;
        return web_send(c, 200, "application/json", b, strlen(b), NULL, NULL);
    }
    if (fa.kind == FAULT_NULL) {
        static const char null_result[] = "{\"success\":true,\"errorCode\":1000000,\"errorMsg\":"
                                          "\"\",\"requestId\":\"us-sbx-null\",\"result\":null}";
        char *b = strdup(null_result);
        if (b == NULL)
            return MHD_NO;
        return web_send(c, 200, "application/json", b, strlen(b), NULL, NULL);
    }
    struct gateway_reply rep;
    gateway_handle(w->d.gateway, wc->body.data ? wc->body.data : "", wc->body.len,
                   fa.kind == FAULT_SYSTEM, &rep);
    if (rep.body == NULL)
        return MHD_NO;
    if (fa.kind == FAULT_TRUNCATED) {
        struct web_trunc *t = malloc(sizeof *t);
        if (t == NULL) {
            free(rep.body);
            return MHD_NO;
        }
        t->data = rep.body;
        t->send = rep.body_len / 2;
        struct MHD_Response *r = MHD_create_response_from_callback(
            rep.body_len, 4096, web_trunc_read, t, web_trunc_free);
        if (r == NULL) {
            web_trunc_free(t);
            return MHD_NO;
        }
        MHD_add_response_header(r, "Content-Type", "application/json");
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    return web_send(c, (unsigned)rep.http_status, "application/json", rep.body, rep.body_len,
                    rep.http_status == 429 ? "Retry-After" : NULL, "1");
}

/* ---- authorization page ------------------------------------------------------------------ */

/* Decodes one application/x-www-form-urlencoded component of n bytes into out. */
static bool web_urldecode(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '+') {
            ch = ' ';
        } else if (ch == '%' && i + 2 < n) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            char *end = NULL;
            long v = strtol(hex, &end, 16);
            if (end != hex + 2)
                return false;
            ch = (char)v;
            i += 2;
        } else if (ch == '%') {
            return false;
        }
        if (o + 1 >= outlen)
            return false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return true;
}

/*
 * Finds the nth (0-based) value of name in a form body; false when absent or malformed.
 * Fields are few (WEB_FORM_MAX), so a scan per lookup is fine.
 */
static bool web_form_get(const char *body, const char *name, int nth, char *out, size_t outlen)
{
    const char *p = body;
    int seen = 0;
    for (int field = 0; p != NULL && *p && field < WEB_FORM_MAX; field++) {
        const char *amp = strchr(p, '&');
        size_t flen = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', flen);
        if (eq != NULL) {
            char key[SBX_NAME_MAX];
            if (web_urldecode(p, (size_t)(eq - p), key, sizeof key) && strcmp(key, name) == 0) {
                if (seen++ == nth)
                    return web_urldecode(eq + 1, flen - (size_t)(eq - p) - 1, out, outlen);
            }
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

static bool web_redirect_ok(const char *uri)
{
    return uri != NULL && strlen(uri) < 1024 &&
           (strncmp(uri, "http://", 7) == 0 || strncmp(uri, "https://", 8) == 0) &&
           strpbrk(uri, "\r\n\"<> ") == NULL;
}

static enum MHD_Result web_html(struct MHD_Connection *c, unsigned status, struct sbuf *b)
{
    char *html = sbuf_steal(b);
    if (html == NULL)
        return web_text(c, 500, "out of memory\n");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(html), html, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(html);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; form-action 'self' http: https:");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void web_page_head(struct sbuf *b, const char *title)
{
    sbuf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    sbuf_put_html(b, title);
    sbuf_puts(b, "</title></head><body>\n<h1>");
    sbuf_put_html(b, title);
    sbuf_puts(b, "</h1>\n<p>Temu Seller Center (sandbox)</p>\n");
}

static enum MHD_Result web_authz_error(struct MHD_Connection *c, const char *msg)
{
    struct sbuf b;
    sbuf_init(&b, 64 * 1024);
    web_page_head(&b, "Authorization failed");
    sbuf_puts(&b, "<p role=\"alert\">");
    sbuf_put_html(&b, msg);
    sbuf_puts(&b, "</p></body></html>\n");
    return web_html(c, 400, &b);
}

static enum MHD_Result web_authz_page(struct web *w, struct MHD_Connection *c)
{
    const char *app_key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "appKey");
    const char *redirect = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "redirect_uri");
    const char *state = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "state");
    const struct auth_app *app = app_key ? auth_app_find(w->d.auth, app_key) : NULL;
    if (app == NULL)
        return web_authz_error(c, "Unknown app: appKey does not name a registered app.");
    if (redirect != NULL && *redirect != '\0' && !web_redirect_ok(redirect))
        return web_authz_error(c, "redirect_uri must be an http or https URL.");
    if (state != NULL && strlen(state) > 512)
        return web_authz_error(c, "state is too long.");
    struct sbuf b;
    sbuf_init(&b, 256 * 1024);
    web_page_head(&b, "Authorize an app");
    sbuf_puts(&b, "<p>The app <strong id=\"app-name\">");
    sbuf_put_html(&b, app->name);
    sbuf_puts(&b, "</strong> (app key <code id=\"app-key\">");
    sbuf_put_html(&b, app->key);
    sbuf_puts(
        &b,
        "</code>) asks for access to your shop.</p>\n<form method=\"post\" action=\"" WEB_AUTHZ_PATH
        "\">\n");
    sbuf_puts(&b, "<input type=\"hidden\" name=\"appKey\" value=\"");
    sbuf_put_html(&b, app->key);
    sbuf_puts(&b, "\">\n<input type=\"hidden\" name=\"redirect_uri\" value=\"");
    sbuf_put_html(&b, redirect ? redirect : "");
    sbuf_puts(&b, "\">\n<input type=\"hidden\" name=\"state\" value=\"");
    sbuf_put_html(&b, state ? state : "");
    sbuf_puts(&b, "\">\n<fieldset><legend>Shop</legend>\n");
    for (size_t i = 0; i < world_shop_count(w->d.world); i++) {
        int64_t mall;
        int region;
        world_shop_at(w->d.world, i, &mall, &region);
        sbuf_printf(&b,
                    "<label><input type=\"radio\" name=\"mallId\" value=\"%lld\"%s> Shop %zu "
                    "(mallId %lld, region %d)</label><br>\n",
                    (long long)mall, i == 0 ? " checked" : "", i + 1, (long long)mall, region);
    }
    sbuf_puts(&b, "</fieldset>\n<fieldset><legend>Permissions (API scopes)</legend>\n");
    for (size_t i = 0; i < app->nscopes; i++) {
        sbuf_puts(&b, "<label><input type=\"checkbox\" name=\"scope\" value=\"");
        sbuf_put_html(&b, app->scopes[i]);
        sbuf_puts(&b, "\" checked> ");
        sbuf_put_html(&b, app->scopes[i]);
        sbuf_puts(&b, "</label><br>\n");
    }
    sbuf_puts(&b, "</fieldset>\n<button type=\"submit\" name=\"action\" value=\"approve\">"
                  "Approve</button>\n<button type=\"submit\" name=\"action\" value=\"deny\">"
                  "Deny</button>\n</form></body></html>\n");
    return web_html(c, 200, &b);
}

static enum MHD_Result web_redirect(struct MHD_Connection *c, const char *redirect, const char *k1,
                                    const char *v1, const char *state)
{
    struct sbuf b;
    sbuf_init(&b, 4096);
    sbuf_puts(&b, redirect);
    sbuf_puts(&b, strchr(redirect, '?') ? "&" : "?");
    sbuf_puts(&b, k1);
    sbuf_puts(&b, "=");
    sbuf_put_urlenc(&b, v1);
    sbuf_puts(&b, "&state=");
    sbuf_put_urlenc(&b, state);
    char *loc = sbuf_steal(&b);
    if (loc == NULL)
        return MHD_NO;
    char *empty = strdup("");
    enum MHD_Result r = MHD_NO;
    if (empty != NULL)
        r = web_send(c, 303, "text/plain", empty, 0, "Location", loc);
    free(loc);
    return r;
}

/* The shop of the consent form: the one picked (mallId), which must exist, else the first. */
static bool web_authz_shop(struct web *w, const char *body, int64_t *mall, int *region)
{
    char mall_s[32];
    if (!web_form_get(body, "mallId", 0, mall_s, sizeof mall_s))
        return world_shop_at(w->d.world, 0, mall, region);
    bool found = false;
    for (size_t i = 0; i < world_shop_count(w->d.world); i++) {
        int64_t m;
        int r;
        world_shop_at(w->d.world, i, &m, &r);
        char ms[32];
        snprintf(ms, sizeof ms, "%lld", (long long)m);
        if (strcmp(ms, mall_s) == 0) {
            *mall = m;
            *region = r;
            found = true;
        }
    }
    return found;
}

static enum MHD_Result web_authz_submit(struct web *w, struct MHD_Connection *c,
                                        struct sbx_conn *wc)
{
    const char *body = wc->body.data ? wc->body.data : "";
    char app_key[SBX_NAME_MAX], redirect[1024] = "", state[520] = "", action[16];
    if (!web_form_get(body, "appKey", 0, app_key, sizeof app_key) ||
        !web_form_get(body, "action", 0, action, sizeof action))
        return web_authz_error(c, "The form is incomplete.");
    web_form_get(body, "redirect_uri", 0, redirect, sizeof redirect);
    web_form_get(body, "state", 0, state, sizeof state);
    const struct auth_app *app = auth_app_find(w->d.auth, app_key);
    if (app == NULL)
        return web_authz_error(c, "Unknown app: appKey does not name a registered app.");
    if (*redirect != '\0' && !web_redirect_ok(redirect))
        return web_authz_error(c, "redirect_uri must be an http or https URL.");
    if (strcmp(action, "deny") == 0) {
        if (*redirect == '\0') {
            struct sbuf b;
            sbuf_init(&b, 4096);
            web_page_head(&b, "Authorization denied");
            sbuf_puts(&b, "<p>You denied the app access.</p></body></html>\n");
            return web_html(c, 200, &b);
        }
        return web_redirect(c, redirect, "error", "access_denied", state);
    }
    if (strcmp(action, "approve") != 0)
        return web_authz_error(c, "Unknown action.");
    int64_t mall = 0;
    int region = 0;
    bool shop_ok = web_authz_shop(w, body, &mall, &region);
    if (!shop_ok)
        return web_authz_error(c, "Unknown shop.");
    /* Granted scopes: the ticked ones that the app actually has. */
    char(*granted)[SBX_NAME_MAX] = calloc(SBX_SCOPES_MAX, SBX_NAME_MAX);
    if (granted == NULL)
        return MHD_NO;
    size_t n = 0;
    char one[SBX_NAME_MAX];
    for (int i = 0;
         i < WEB_FORM_MAX && n < SBX_SCOPES_MAX && web_form_get(body, "scope", i, one, sizeof one);
         i++) {
        if (auth_scope_has((const char(*)[SBX_NAME_MAX])app->scopes, app->nscopes, one) &&
            !auth_scope_has((const char(*)[SBX_NAME_MAX])granted, n, one))
            memcpy(granted[n++], one, strlen(one) + 1);
    }
    char code[AUTH_TOKEN_LEN + 1];
    enum MHD_Result ret;
    if (*redirect == '\0') {
        /* Manual authorization (§3.1): the page shows the token for the seller to copy. */
        struct auth_token t;
        if (auth_token_issue(w->d.auth, app->key, mall, region,
                             (const char(*)[SBX_NAME_MAX])granted, n, &t) != AUTH_OK) {
            free(granted);
            return web_authz_error(c, "Too many tokens; restart the sandbox.");
        }
        struct sbuf b;
        sbuf_init(&b, 8192);
        web_page_head(&b, "Authorization complete");
        sbuf_puts(&b, "<p>Copy this access token into the app:</p><p><code id=\"access-token\">");
        sbuf_put_html(&b, t.token);
        sbuf_puts(&b, "</code></p></body></html>\n");
        ret = web_html(c, 200, &b);
    } else if (!auth_code_issue(w->d.auth, app->key, mall, region,
                                (const char(*)[SBX_NAME_MAX])granted, n, code)) {
        ret = web_authz_error(c, "Too many pending codes; restart the sandbox.");
    } else {
        ret = web_redirect(c, redirect, "code", code, state);
    }
    free(granted);
    return ret;
}

/* ---- admin API --------------------------------------------------------------------------- */

static json_t *web_admin_body(struct sbx_conn *wc)
{
    if (wc->body.len == 0)
        return json_object();
    return json_loadb(wc->body.data, wc->body.len, JSON_REJECT_DUPLICATES, NULL);
}

/* The admin API's reads (GET) and the fault reset (DELETE); *handled false for any other route. */
static enum MHD_Result web_admin_read(struct web *w, struct MHD_Connection *c, const char *path,
                                      const char *method, bool *handled)
{
    bool get = strcmp(method, "GET") == 0;
    *handled = true;
    if (get && strcmp(path, "/health") == 0)
        return web_json(c, 200, json_pack("{s:s}", "status", "ok"));
    if (get && strcmp(path, "/truth") == 0) {
        const char *full = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "orders");
        return web_json(c, 200, world_truth(w->d.world, full != NULL && strcmp(full, "1") == 0));
    }
    if (get && strcmp(path, "/faults") == 0)
        return web_json(c, 200, fault_json(w->d.fault));
    if (get && strcmp(path, "/clock") == 0)
        return web_json(c, 200,
                        json_pack("{s:I, s:I}", "now", (json_int_t)vclock_now(), "shift",
                                  (json_int_t)vclock_shift()));
    if (get && strcmp(path, "/webhook") == 0)
        return web_json(c, 200, webhook_json(w->d.webhook));
    if (get && strcmp(path, "/ratelimit") == 0) {
        int limit;
        bool h429;
        ratelimit_get(w->d.ratelimit, &limit, &h429);
        return web_json(c, 200, json_pack("{s:i, s:b}", "limit", limit, "http429", h429));
    }
    if (strcmp(method, "DELETE") == 0 && strcmp(path, "/faults") == 0) {
        json_t *cur = fault_json(w->d.fault);
        uint64_t seed = (uint64_t)json_integer_value(json_object_get(cur, "seed"));
        json_decref(cur);
        fault_reset(w->d.fault, seed);
        return web_json(c, 200, fault_json(w->d.fault));
    }
    *handled = false;
    return MHD_NO;
}

/* POST /_sandbox/faults: optionally reseeds, then adds one fault rule. */
static enum MHD_Result web_admin_faults(struct web *w, struct MHD_Connection *c, json_t *in)
{
    char err[256] = "";
    json_t *seed = json_object_get(in, "seed");
    if (json_is_integer(seed))
        fault_reset(w->d.fault, (uint64_t)json_integer_value(seed));
    const char *kind = json_string_value(json_object_get(in, "kind"));
    json_t *pv = json_object_get(in, "probability");
    double p = pv != NULL ? json_number_value(pv) : 1.0;
    int count = (int)json_integer_value(json_object_get(in, "count"));
    int param = (int)json_integer_value(json_object_get(in, "latency_ms"));
    if (param == 0)
        param = (int)json_integer_value(json_object_get(in, "status"));
    if (kind != NULL && !fault_add(w->d.fault, kind, p, count, param, err, sizeof err))
        return web_json_error(c, 400, err);
    return web_json(c, 200, fault_json(w->d.fault));
}

/* POST /_sandbox/tokens: issues a token for a known app and shop with the asked scopes. */
static enum MHD_Result web_admin_tokens(struct web *w, struct MHD_Connection *c, json_t *in)
{
    enum MHD_Result ret;
    const char *key = json_string_value(json_object_get(in, "app_key"));
    const struct auth_app *app = key ? auth_app_find(w->d.auth, key) : NULL;
    json_int_t mall_in = json_integer_value(json_object_get(in, "mallId"));
    int64_t mall = 0;
    int region = 0;
    bool shop_ok = false;
    for (size_t i = 0; i < world_shop_count(w->d.world) && !shop_ok; i++) {
        world_shop_at(w->d.world, i, &mall, &region);
        shop_ok = mall_in == 0 || mall == mall_in;
    }
    json_t *sc = json_object_get(in, "scopes");
    char(*granted)[SBX_NAME_MAX] = calloc(SBX_SCOPES_MAX, SBX_NAME_MAX);
    size_t n = 0;
    if (granted != NULL && app != NULL) {
        for (size_t i = 0; i < app->nscopes; i++) {
            bool want = !json_is_array(sc);
            size_t k;
            json_t *s;
            json_array_foreach(sc, k, s) want |=
                json_is_string(s) && strcmp(json_string_value(s), app->scopes[i]) == 0;
            if (want)
                memcpy(granted[n++], app->scopes[i], SBX_NAME_MAX);
        }
    }
    struct auth_token t;
    if (app == NULL || !shop_ok)
        ret = web_json_error(c, 400, "want a known app_key and (optionally) mallId");
    else if (granted == NULL ||
             auth_token_issue(w->d.auth, app->key, mall, region,
                              (const char(*)[SBX_NAME_MAX])granted, n, &t) != AUTH_OK)
        ret = web_json_error(c, 500, "token store full");
    else
        ret = web_json(c, 200, auth_token_json(&t, true));
    free(granted);
    return ret;
}

/* The admin API's writes (POST with a JSON object body). */
static enum MHD_Result web_admin_write(struct web *w, struct MHD_Connection *c, const char *path,
                                       json_t *in)
{
    char err[256] = "";
    enum MHD_Result ret;
    if (strcmp(path, "/faults") == 0) {
        ret = web_admin_faults(w, c, in);
    } else if (strcmp(path, "/clock") == 0) {
        json_t *shift = json_object_get(in, "shift"), *adv = json_object_get(in, "advance");
        if (json_is_integer(shift))
            vclock_set_shift(json_integer_value(shift));
        else if (json_is_integer(adv))
            vclock_advance(json_integer_value(adv));
        ret = web_json(c, 200,
                       json_pack("{s:I, s:I}", "now", (json_int_t)vclock_now(), "shift",
                                 (json_int_t)vclock_shift()));
    } else if (strcmp(path, "/tokens") == 0) {
        ret = web_admin_tokens(w, c, in);
    } else if (strcmp(path, "/tokens/revoke") == 0) {
        const char *tok = json_string_value(json_object_get(in, "access_token"));
        if (tok == NULL || !auth_token_revoke(w->d.auth, tok))
            ret = web_json_error(c, 404, "unknown access_token");
        else
            ret = web_json(c, 200, json_pack("{s:b}", "revoked", 1));
    } else if (strcmp(path, "/activity") == 0) {
        json_int_t rate = json_integer_value(json_object_get(in, "rate"));
        if (rate < 0 || rate > SBX_ACTIVITY_RATE_MAX || !world_activity_set(w->d.world, (int)rate))
            ret = web_json_error(c, 400, "rate must be 0 to 1000 events per second");
        else
            ret = web_json(c, 200, json_pack("{s:i}", "rate", world_activity_rate(w->d.world)));
    } else if (strcmp(path, "/activity/step") == 0) {
        json_int_t n = json_integer_value(json_object_get(in, "events"));
        if (n < 1 || n > SBX_STEP_MAX)
            ret = web_json_error(c, 400, "events must be 1 to 100000");
        else
            ret = web_json(c, 200, json_pack("{s:i}", "applied", world_step(w->d.world, (int)n)));
    } else if (strcmp(path, "/ratelimit") == 0) {
        json_int_t limit = json_integer_value(json_object_get(in, "limit"));
        if (limit < 0 || limit > 1000000) {
            ret = web_json_error(c, 400, "limit must be 0 (off) to 1000000");
        } else {
            ratelimit_set(w->d.ratelimit, (int)limit, json_is_true(json_object_get(in, "http429")));
            ret = web_json(c, 200, json_pack("{s:I}", "limit", limit));
        }
    } else if (strcmp(path, "/webhook") == 0) {
        json_t *sv = json_object_get(in, "scale");
        if (!webhook_configure(w->d.webhook, json_string_value(json_object_get(in, "url")),
                               json_string_value(json_object_get(in, "app_key")),
                               sv != NULL ? json_number_value(sv) : 1.0, err, sizeof err))
            ret = web_json_error(c, 400, err);
        else
            ret = web_json(c, 200, webhook_json(w->d.webhook));
    } else {
        ret = web_json_error(c, 404, "no such admin route");
    }
    return ret;
}

static enum MHD_Result web_admin(struct web *w, struct MHD_Connection *c, const char *url,
                                 const char *method, struct sbx_conn *wc)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || !web_peer_is_loopback(ci->client_addr))
        return web_json_error(c, 403, "the admin API answers loopback peers only");
    const char *path = url + strlen("/_sandbox");
    bool handled;
    enum MHD_Result r = web_admin_read(w, c, path, method, &handled);
    if (handled)
        return r;
    if (strcmp(method, "POST") != 0)
        return web_json_error(c, 404, "no such admin route");
    json_t *in = web_admin_body(wc);
    if (!json_is_object(in)) {
        json_decref(in);
        return web_json_error(c, 400, "the body must be a JSON object");
    }
    r = web_admin_write(w, c, path, in);
    json_decref(in);
    return r;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static enum MHD_Result web_access(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct web *w = cls;
    enum MHD_Result ret;
    if (sbx_http_upload(con_cls, SBX_BODY_MAX, upload_data, upload_size, &ret))
        return ret;
    struct sbx_conn *wc = *con_cls;
    if (wc->body.failed)
        return web_text(c, 413, "request body too large\n");
    bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
    if (strcmp(url, "/openapi/router") == 0) {
        if (!post)
            return web_method_not_allowed(c, "POST");
        return web_router(w, c, wc);
    }
    if (strcmp(url, WEB_AUTHZ_PATH) == 0) {
        if (get)
            return web_authz_page(w, c);
        if (post)
            return web_authz_submit(w, c, wc);
        return web_method_not_allowed(c, "GET, POST");
    }
    if (strncmp(url, "/_sandbox/", 10) == 0)
        return web_admin(w, c, url, method, wc);
    return web_text(c, 404, "not found\n");
}

struct web *web_start(const char *host, unsigned port, const struct web_deps *deps, char *err,
                      size_t errlen)
{
    struct web *w = calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->d = *deps;
    /* A thread per connection: injected latency sleeps in its own thread without holding up
     * other clients. The connection limit bounds the threads. */
    w->daemon = sbx_http_start(host, port, web_access, w, (unsigned)SBX_CONN_MAX,
                               (unsigned)SBX_CONN_TIMEOUT_S, err, errlen);
    if (w->daemon == NULL) {
        free(w);
        return NULL;
    }
    return w;
}

void web_stop(struct web *w)
{
    if (w == NULL)
        return;
    MHD_stop_daemon(w->daemon);
    free(w);
}

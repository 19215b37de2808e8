#include "gateway.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "canon.h"
#include "sbx_limits.h"
#include "vclock.h"

#define GW_OK          1000000L
#define GW_TYPE_CREATE "bg.open.accesstoken.create"
#define GW_TYPE_INFO   "bg.open.accesstoken.info.get"
#define GW_TYPES_MAX   32

struct gateway {
    struct auth *auth;
    struct world *world;
    struct ratelimit *rl;
    const char *types[GW_TYPES_MAX];
    size_t ntypes;
};

/* The official messages of temu-open-platform.md §4.2. */
static const struct {
    long code;
    const char *msg;
} gw_messages[] = {
    {3000000, "BAD_PARAMS"},
    {3000001, "SIGN_UNVALID"},
    {3000002, "there is no type in body."},
    {3000003, "type not exists"},
    {3000010, "there is no timestamp in body."},
    {3000011, "timestamp is invalid."},
    {3000012, "timestamp is expired."},
    {3000013, "there is no data_type in body."},
    {3000014, "data_type is invalid"},
    {3000025, "there is no app_key in body."},
    {3000026, "app_key not exists."},
    {3000027, "app_key don't have this api permission."},
    {3000028, "app_key have been suspended."},
    {3000030, "there is no access_token in body."},
    {3000031, "access_token not exists."},
    {3000032, "access_token don't have this api access, please contact seller to authorize in "
              "seller center."},
    {3000033, "access_token and app_key are not mapping."},
    {3000034, "access_token is expired or have been refreshed, please contact seller to share "
              "the new access_token"},
    {3000040, "there is no sign in body."},
    {4000000, "SYSTEM_EXCEPTION"},
    {4000004, "RATE_LIMIT_EXCEED_EXCEPTION"},
    {5000000, "AUTHORIZE_NOT_ALLOW"},
    {110020001, "System error, please try again."},
    {110020002, "Invalid code, please check and try again."},
    {110020003, "The error occurred when creating access token, please authorize again."},
};

static const char *gw_message(long code)
{
    for (size_t i = 0; i < sizeof gw_messages / sizeof gw_messages[0]; i++)
        if (gw_messages[i].code == code)
            return gw_messages[i].msg;
    return "BUSINESS_EXCEPTION";
}

struct gateway *gateway_new(struct auth *auth, struct world *world, struct ratelimit *rl)
{
    struct gateway *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->auth = auth;
    g->world = world;
    g->rl = rl;
    g->types[g->ntypes++] = GW_TYPE_CREATE;
    g->types[g->ntypes++] = GW_TYPE_INFO;
    size_t n;
    const char *const *t = world_api_types(&n);
    for (size_t i = 0; i < n && g->ntypes < GW_TYPES_MAX; i++)
        g->types[g->ntypes++] = t[i];
    return g;
}

void gateway_free(struct gateway *g)
{
    free(g);
}

const char *const *gateway_types(size_t *n)
{
    static const char *all[GW_TYPES_MAX];
    static size_t count;
    if (count == 0) {
        all[count++] = GW_TYPE_CREATE;
        all[count++] = GW_TYPE_INFO;
        size_t m;
        const char *const *t = world_api_types(&m);
        for (size_t i = 0; i < m && count < GW_TYPES_MAX; i++)
            all[count++] = t[i];
    }
    *n = count;
    return all;
}

/* A region-prefixed UUID, like the platform's requestId. */
static void gw_request_id(char out[48])
{
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
    snprintf(out, 48, "us-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

/* Fills out with the envelope; steals result. */
static void gw_envelope(struct gateway_reply *out, long code, const char *msg, json_t *result)
{
    char rid[48];
    gw_request_id(rid);
    bool ok = code == GW_OK;
    json_t *env = json_pack("{s:b, s:I, s:s, s:s, s:o}", "success", ok, "errorCode",
                            (json_int_t)code, "errorMsg", ok ? "" : msg, "requestId", rid, "result",
                            result != NULL ? result : json_null());
    out->body = env != NULL ? json_dumps(env, JSON_COMPACT) : NULL;
    json_decref(env);
    if (out->body == NULL) {
        out->http_status = 500;
        out->body = strdup("");
    }
    out->body_len = out->body != NULL ? strlen(out->body) : 0;
}

static void gw_error(struct gateway_reply *out, long code)
{
    gw_envelope(out, code, gw_message(code), NULL);
}

/* A non-empty string member, or NULL. */
static const char *gw_str(json_t *body, const char *key)
{
    const char *s = json_string_value(json_object_get(body, key));
    return s != NULL && *s != '\0' ? s : NULL;
}

/* timestamp as a JSON integer or a string of digits (§2.1: both are sent). */
static bool gw_timestamp(json_t *v, int64_t *ts)
{
    if (json_is_integer(v)) {
        *ts = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (s == NULL || *s == '\0' || strlen(s) > 19)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    char *end = NULL;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno != 0)
        return false;
    *ts = x;
    return true;
}

static bool gw_type_known(const struct gateway *g, const char *type)
{
    for (size_t i = 0; i < g->ntypes; i++)
        if (strcmp(g->types[i], type) == 0)
            return true;
    return false;
}

static void gw_token_create(struct gateway *g, json_t *params, const char *app_key,
                            const char *token_param, struct gateway_reply *out)
{
    const char *code = gw_str(params, "code");
    if (code == NULL)
        code = token_param;
    struct auth_token t;
    enum auth_status st = auth_code_redeem(g->auth, app_key, code, &t);
    if (st == AUTH_FULL) {
        gw_error(out, 110020003);
        return;
    }
    if (st != AUTH_OK) {
        gw_error(out, 110020002);
        return;
    }
    gw_envelope(out, GW_OK, NULL, auth_token_json(&t, true));
}

/*
 * The checks before the type's own (§4.2 order, first failure wins): app key, rate limit,
 * sign, timestamp, data_type, type. Answers out and returns NULL on a failure, else the app.
 */
static const struct auth_app *gw_check_request(struct gateway *g, json_t *doc, const char *body,
                                               size_t len, struct gateway_reply *out)
{
    const char *app_key = gw_str(doc, "app_key");
    const struct auth_app *app = app_key != NULL ? auth_app_find(g->auth, app_key) : NULL;
    bool http429 = false;
    long code = 0;
    if (app_key == NULL)
        code = 3000025;
    else if (app == NULL)
        code = 3000026;
    else if (app->suspended)
        code = 3000028;
    else if (!ratelimit_take(g->rl, app_key, &http429))
        code = 4000004;
    else if (gw_str(doc, "sign") == NULL)
        code = 3000040;
    else if (!canon_verify(body, len, app->secret, gw_str(doc, "sign")))
        code = 3000001;
    if (code == 0) {
        json_t *tsv = json_object_get(doc, "timestamp");
        int64_t ts = 0, now = vclock_now();
        if (tsv == NULL || json_is_null(tsv) ||
            (json_is_string(tsv) && json_string_length(tsv) == 0))
            code = 3000010;
        else if (!gw_timestamp(tsv, &ts) || ts > now + SBX_TS_SKEW_S)
            code = 3000011;
        else if (ts < now - SBX_TS_SKEW_S)
            code = 3000012;
    }
    /* data_type may be absent: clients used on real shops never send it (docs/sandbox.md). */
    const char *data_type = gw_str(doc, "data_type");
    const char *type = gw_str(doc, "type");
    if (code == 0 && data_type != NULL && strcasecmp(data_type, "json") != 0)
        code = 3000014;
    else if (code == 0 && type == NULL)
        code = 3000002;
    else if (code == 0 && !gw_type_known(g, type))
        code = 3000003;
    if (code == 0)
        return app;
    gw_error(out, code);
    if (code == 4000004 && http429)
        out->http_status = 429;
    return NULL;
}

void gateway_handle(struct gateway *g, const char *body, size_t len, bool system_fault,
                    struct gateway_reply *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = 200;
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(doc)) {
        gw_error(out, 3000000);
        goto out;
    }
    const struct auth_app *app = gw_check_request(g, doc, body, len, out);
    if (app == NULL)
        goto out;
    const char *app_key = gw_str(doc, "app_key"), *type = gw_str(doc, "type");
    bool token_api = strcmp(type, GW_TYPE_CREATE) == 0 || strcmp(type, GW_TYPE_INFO) == 0;
    if (!token_api &&
        !auth_scope_has((const char(*)[SBX_NAME_MAX])app->scopes, app->nscopes, type)) {
        gw_error(out, 3000027);
        goto out;
    }
    /*
     * Business params are top-level (§2.3). A "request" wrapper (§2.5) is signed over like any
     * value but not read: a live test suggests the gateway ignores it (docs/sandbox.md).
     */
    json_t *params = doc;
    const char *token = gw_str(doc, "access_token");
    if (token == NULL) {
        gw_error(out, 3000030);
        goto out;
    }
    if (strcmp(type, GW_TYPE_CREATE) == 0) {
        gw_token_create(g, params, app_key, token, out);
        goto out;
    }
    struct auth_token t;
    switch (auth_token_check(g->auth, token, app_key, &t)) {
    case AUTH_OK:
        break;
    case AUTH_MISMATCH:
        gw_error(out, 3000033);
        goto out;
    case AUTH_REVOKED:
        gw_error(out, 5000000);
        goto out;
    case AUTH_EXPIRED:
    case AUTH_REPLACED:
        gw_error(out, 3000034);
        goto out;
    default:
        gw_error(out, 3000031);
        goto out;
    }
    if (!token_api && !auth_scope_has((const char(*)[SBX_NAME_MAX])t.scopes, t.nscopes, type)) {
        gw_error(out, 3000032);
        goto out;
    }
    if (system_fault) {
        gw_error(out, 4000000);
        goto out;
    }
    if (strcmp(type, GW_TYPE_INFO) == 0) {
        gw_envelope(out, GW_OK, NULL, auth_token_json(&t, false));
        goto out;
    }
    struct world_err e = {0, ""};
    json_t *result = world_call(g->world, type, t.mall_id, t.region_id, params, &e);
    if (result == NULL)
        gw_envelope(out, e.code, e.msg, NULL);
    else
        gw_envelope(out, GW_OK, NULL, result);
out:
    json_decref(doc);
}

#include "temu/errors.h"

#include <stdio.h>
#include <string.h>

#define R TEMU_ERROR_RETRYABLE
#define A TEMU_ERROR_AUTH
#define C TEMU_ERROR_CONFIG
#define P TEMU_ERROR_PERMANENT

/* §4.2 "Common Error Codes", the CN gateway codes, and the auth/tmc codes of §3.2 and §9.1. */
static const struct temu_error_info temu_errors[] = {
    {1000000, TEMU_ERROR_NONE, "SUCCESS", "The call succeeded."},
    {2000000, P, "BUSINESS_EXCEPTION",
     "The API's internal call failed; the error message has the detail."},
    {3000000, P, "BAD_PARAMS",
     "A parameter has the wrong name, type or value (e.g. a number sent as a string)."},
    {3000001, C, "SIGN_UNVALID",
     "The signature was rejected: the app secret does not belong to this app key, or the "
     "request was altered."},
    {3000002, P, "there is no type in body", "The request carried no API type; this is a bug."},
    {3000003, C, "type not exists",
     "This API type does not exist on this gateway; check the region (AICOS_TEMU_REGION) and "
     "the API name."},
    {3000004, P, "type has been sunset",
     "This API has been retired by Temu; move to its successor version."},
    {3000010, P, "there is no timestamp in body",
     "The request carried no timestamp; this is a bug."},
    {3000011, C, "timestamp is invalid",
     "This server's clock is more than 300 s ahead of Temu's; fix the clock (NTP)."},
    {3000012, C, "timestamp is expired",
     "This server's clock is more than 300 s behind Temu's; fix the clock (NTP)."},
    {3000013, P, "there is no data_type in body",
     "The request carried no data_type; this is a bug."},
    {3000014, P, "data_type is invalid", "data_type must be JSON; this is a bug."},
    {3000019, C, "client_id missing", "The legacy client_id is missing; use app_key."},
    {3000020, C, "client_id not exists",
     "The legacy client_id is unknown; check the app key and the region."},
    {3000021, C, "client_id has no api permission",
     "The app lacks this API's permission; add it in the partner portal."},
    {3000022, C, "client_id suspended",
     "The app has been suspended; contact Temu partner support."},
    {3000025, C, "there is no app_key in body",
     "No app key is configured; set the app key of the Temu app."},
    {3000026, C, "app_key not exists",
     "The app key is unknown on this gateway; check the app key and the region."},
    {3000027, C, "app_key don't have this api permission",
     "The app has not been granted this API; request the permission package in the partner "
     "portal."},
    {3000028, C, "app_key have been suspended",
     "The app has been suspended; contact Temu partner support."},
    {3000030, A, "there is no access_token in body",
     "No seller access token is stored; ask the seller to authorize the app."},
    {3000031, A, "access_token not exists",
     "The seller access token is unknown; ask the seller to authorize the app again."},
    {3000032, A, "access_token don't have this api access",
     "The seller did not grant this API (sensitive APIs also need Temu's approval); ask the "
     "seller to re-authorize with this scope."},
    {3000033, A, "access_token and app_key are not mapping",
     "The access token belongs to another app or region; ask the seller to authorize this app "
     "in this region."},
    {3000034, A, "access_token is expired or have been refreshed",
     "The access token expired or was replaced by a re-authorization; ask the seller for the "
     "new token."},
    {3000040, P, "there is no sign in body", "The request carried no signature; this is a bug."},
    {4000000, R, "SYSTEM_EXCEPTION", "Temu had a transient system error; the call is retried."},
    {4000004, R, "RATE_LIMIT_EXCEED_EXCEPTION",
     "Temu's rate limit for this app was exceeded; calls are slowed down and retried."},
    {5000000, A, "AUTHORIZE_NOT_ALLOW",
     "The shop is not authorized for this app; ask the seller to authorize it."},
    {5000001, C, "ROUTER_NOT_ALLOW",
     "This router does not accept the call; file uploads need the upload router URL."},
    {5000002, C, "NOT_SUPPORT_STAGING_ENV",
     "The gateway refused a non-production request; check the gateway URL and proxies."},
    {5000003, C, "NOT_IN_IP_WHITE_LIST",
     "This server's IP is not on the app's whitelist; add it in the partner portal or route "
     "through a whitelisted fixed-IP proxy."},
    {6000001, P, "RPC_INTERFACE_NOT_FOUND", "Temu could not route this API internally."},
    {7000000, P, "BUSINESS_SERVICE_ERROR",
     "The API rejected the request, often because a required parameter is missing."},
    /* CN (kuajingmaihuo) gateway. */
    {200000, R, "system exception (CN)", "The CN gateway had a transient error; retried."},
    {7000002, C, "no app key (CN)", "No app key is configured for the CN gateway."},
    {7000003, A, "no access token (CN)", "No seller access token is stored for the CN gateway."},
    {7000006, A, "token and app key mismatch (CN)",
     "The access token belongs to another app; ask the seller to authorize this app."},
    {7000015, C, "invalid sign (CN)",
     "The signature was rejected: the app secret does not belong to this app key."},
    {7000016, C, "invalid url (CN)", "The CN gateway URL is wrong; check the region."},
    {7000018, A, "invalid token (CN)", "The access token is invalid; ask the seller again."},
    {7000020, A, "invalid token (CN)", "The access token is invalid; ask the seller again."},
    /* Codes third-party clients used on real shops treat as token failures (hiscaler/temu-go
     * errorWrap: 7000007 like 3000034, 7000022 like 3000032); temu-fidelity-2026-12.md §7. */
    {7000007, A, "access token expired",
     "The access token expired or was replaced; ask the seller to authorize the app again."},
    {7000022, A, "access token lacks this api",
     "The seller did not grant this API; ask the seller to re-authorize with this scope."},
    /* After-sales family (temu.aftersales.parentaftersales.detail.get and the after-sales
     * lists, official pages; 130010001 seen live when parentAfterSalesSnList was missing). */
    {130010000, P, "after-sales request failed",
     "Temu's after-sales service refused the request; the message says why (the official page "
     "gives no detail, so it is not retried)."},
    {130010001, P, "after-sales parameter missing",
     "An after-sales parameter is missing or invalid (e.g. parentAfterSalesSn, parentOrderSn)."},
    {130010002, P, "after-sales record not found",
     "No after-sales case of this shop has that number; it may belong to another shop."},
    {130010005, P, "after-sales operation not allowed",
     "The after-sales case is not in a state that allows this request."},
    /* Authorization and message subscription (§3.2, §9.1). */
    {110020001, R, "token system error", "Temu's token service had a transient error."},
    {110020002, A, "invalid authorization code",
     "The authorization code is invalid, used or older than 10 minutes; ask the seller to "
     "authorize again."},
    {110020003, A, "error creating token",
     "Temu could not create the token; ask the seller to "
     "authorize again."},
    {110020007, R, "message update rate limit", "bg.tmc.message.update allows 1 call per second."},
    {110020008, A, "token lacks event authorization",
     "The seller has not authorized these webhook events; ask them to re-authorize."},
    {110020009, C, "app not subscribed to event",
     "The app is not subscribed to this event in the partner portal."},
    /* Tracking, temu.track.trackinginfo.get (PG-DOC 53643659122). */
    {170070010, P, "invalid params", "The tracking request lacks a valid packageSn."},
    {170070011, P, "tracking number not found",
     "Temu has no tracking for this package yet (or the package number is wrong)."},
    {170070012, P, "unsupported language",
     "The tracking language is not supported; leave it out for English."},
};

/* Families of codes that share a meaning; a code of the family missing above falls here. */
static const struct {
    int64_t lo, hi;
    enum temu_error_class cls;
    const char *hint;
} temu_error_families[] = {
    {170070000, 170070099, P, "Temu's tracking service rejected the request."},
};

#undef R
#undef A
#undef C
#undef P

#define TEMU_ERRORS (sizeof temu_errors / sizeof temu_errors[0])

const struct temu_error_info *temu_error_lookup(int64_t code)
{
    for (size_t i = 0; i < TEMU_ERRORS; i++) {
        if (temu_errors[i].code == code)
            return &temu_errors[i];
    }
    return NULL;
}

/* The family entry of code, or -1. */
static int temu_error_family(int64_t code)
{
    for (size_t i = 0; i < sizeof temu_error_families / sizeof temu_error_families[0]; i++)
        if (code >= temu_error_families[i].lo && code <= temu_error_families[i].hi)
            return (int)i;
    return -1;
}

enum temu_error_class temu_error_classify(int64_t code)
{
    const struct temu_error_info *info = temu_error_lookup(code);
    int f = info == NULL ? temu_error_family(code) : -1;
    return info != NULL ? info->cls : f >= 0 ? temu_error_families[f].cls : TEMU_ERROR_PERMANENT;
}

const char *temu_error_hint(int64_t code)
{
    const struct temu_error_info *info = temu_error_lookup(code);
    int f = info == NULL ? temu_error_family(code) : -1;
    if (info != NULL)
        return info->hint;
    return f >= 0 ? temu_error_families[f].hint
                  : "Temu rejected the request; the error code and message say why.";
}

enum temu_error_class temu_error_classify_http(int status)
{
    if (status == 200)
        return TEMU_ERROR_NONE;
    if (status == 429 || (status >= 500 && status <= 599))
        return TEMU_ERROR_RETRYABLE;
    return TEMU_ERROR_CONFIG;
}

const char *temu_error_class_name(enum temu_error_class cls)
{
    switch (cls) {
    case TEMU_ERROR_NONE:
        return "none";
    case TEMU_ERROR_RETRYABLE:
        return "retryable";
    case TEMU_ERROR_AUTH:
        return "auth";
    case TEMU_ERROR_CONFIG:
        return "config";
    case TEMU_ERROR_PERMANENT:
        return "permanent";
    }
    return "none";
}

const char *temu_error_source_name(enum temu_error_source src)
{
    switch (src) {
    case TEMU_SOURCE_NONE:
        return "none";
    case TEMU_SOURCE_LOCAL:
        return "local";
    case TEMU_SOURCE_TRANSPORT:
        return "transport";
    case TEMU_SOURCE_HTTP:
        return "http";
    case TEMU_SOURCE_ENVELOPE:
        return "envelope";
    case TEMU_SOURCE_GATEWAY:
        return "gateway";
    case TEMU_SOURCE_INNER:
        return "inner";
    }
    return "none";
}

size_t temu_error_count(void)
{
    return TEMU_ERRORS;
}

const struct temu_error_info *temu_error_at(size_t i)
{
    return i < TEMU_ERRORS ? &temu_errors[i] : NULL;
}

void temu_error_clear(struct temu_error *e)
{
    memset(e, 0, sizeof *e);
}

void temu_error_set(struct temu_error *e, enum temu_error_class cls, enum temu_error_source src,
                    int64_t code, const char *message, const char *hint)
{
    e->cls = cls;
    e->source = src;
    e->code = code;
    size_t n = 0;
    const char *p = message != NULL ? message : "";
    for (; *p && n + 1 < sizeof e->message; p++) {
        unsigned char c = (unsigned char)*p;
        e->message[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    /* Truncation must not leave half a UTF-8 sequence behind. */
    if (*p != '\0') {
        while (n > 0 && ((unsigned char)e->message[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)e->message[n - 1] & 0xc0) == 0xc0)
            n--;
    }
    e->message[n] = '\0';
    if (hint != NULL)
        e->hint = hint;
    else if (src == TEMU_SOURCE_GATEWAY || src == TEMU_SOURCE_INNER)
        e->hint = temu_error_hint(code);
    else
        e->hint = "The Temu gateway could not be reached or answered badly.";
}

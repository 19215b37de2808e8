#include "deploy/inputs.h"

#include <ctype.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/parse.h"
#include "base/url.h"
#include "deploy/dns.h"

bool deploy_callback_mode_parse(const char *s, enum deploy_callback_mode *out)
{
    if (strcmp(s, "api") == 0)
        *out = DEPLOY_CALLBACK_API;
    else if (strcmp(s, "web-bridge") == 0)
        *out = DEPLOY_CALLBACK_WEB_BRIDGE;
    else
        return false;
    return true;
}

const char *deploy_callback_mode_name(enum deploy_callback_mode m)
{
    return m == DEPLOY_CALLBACK_WEB_BRIDGE ? "web-bridge" : "api";
}

enum err deploy_origin_parse(const char *what, const char *s, struct deploy_origin *o,
                             struct errbuf *eb)
{
    struct url_origin u;
    memset(o, 0, sizeof *o);
    switch (url_origin_parse(s, &u)) {
    case URL_ORIGIN_OK:
        break;
    case URL_ORIGIN_SCHEME:
        return err_set(eb, ERR_INVAL, "bad_origin",
                       "%s must be an origin like https://api.example.com, got \"%.80s\".", what,
                       s);
    case URL_ORIGIN_IPV6:
        return err_set(eb, ERR_INVAL, "bad_origin", "%s has a malformed [IPv6] host.", what);
    case URL_ORIGIN_NO_HOST:
        return err_set(eb, ERR_INVAL, "bad_origin", "%s has no host.", what);
    case URL_ORIGIN_HOST_NAME:
        return err_set(eb, ERR_INVAL, "bad_origin", "%s has a malformed host name.", what);
    case URL_ORIGIN_HOST_LONG:
        return err_set(eb, ERR_INVAL, "bad_origin", "%s has a host name that is too long.", what);
    case URL_ORIGIN_PORT:
        return err_set(eb, ERR_INVAL, "bad_origin", "%s has an invalid port.", what);
    default:
        return err_set(eb, ERR_INVAL, "bad_origin",
                       "%s must be scheme://host[:port] with no path, query or user info.", what);
    }
    _Static_assert(sizeof o->origin == sizeof u.origin, "origin sizes");
    _Static_assert(sizeof o->host == sizeof u.host, "host sizes");
    memcpy(o->origin, u.origin, sizeof o->origin);
    memcpy(o->host, u.host, sizeof o->host);
    o->port = u.port;
    o->explicit_port = u.explicit_port;
    o->https = u.https;
    return ERR_OK;
}

enum err deploy_origin_check(const char *what, const char *s, struct deploy_origin *o,
                             struct errbuf *eb)
{
    enum err e = deploy_origin_parse(what, s, o, eb);
    if (e != ERR_OK)
        return e;
    if (!o->https)
        return err_set(eb, ERR_INVAL, "origin_not_https",
                       "%s must use https:// (Temu only redirects to HTTPS callbacks), got "
                       "\"%.80s\".",
                       what, s);
    struct errbuf hb = {0};
    if (deploy_host_check_public(o->host, &hb) != ERR_OK)
        return err_set(eb, ERR_INVAL, "host_not_public", "%s: %s", what, hb.msg);
    enum deploy_addr_class cls;
    if (deploy_ip_literal_classify(o->host, &cls))
        return err_set(eb, ERR_INVAL, "origin_is_ip",
                       "%s uses the IP address %s; public certificates are issued for names. "
                       "Use `aicos deploy suggest-host --ip %s` for an sslip.io name.",
                       what, o->host, o->host);
    return ERR_OK;
}

void deploy_callback_url(enum deploy_callback_mode mode, const struct deploy_origin *api,
                         const struct deploy_origin *web, char *dst, size_t dstlen)
{
    if (mode == DEPLOY_CALLBACK_WEB_BRIDGE)
        snprintf(dst, dstlen, "%s%s", web->origin, DEPLOY_CALLBACK_PATH_WEB);
    else
        snprintf(dst, dstlen, "%s%s", api->origin, DEPLOY_CALLBACK_PATH_API);
}

enum err deploy_password_check(const char *pw, struct errbuf *eb)
{
    size_t len = strlen(pw);
    bool lower = false, upper = false, digit = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"'$#\\`", c) != NULL)
            return err_set(eb, ERR_INVAL, "weak_password",
                           "the PostgreSQL password may only use printable ASCII without spaces, "
                           "quotes, $, #, \\ or ` (they break env files and shells).");
        lower = lower || islower(c);
        upper = upper || isupper(c);
        digit = digit || isdigit(c);
    }
    if (len < LIMIT_DEPLOY_PASSWORD_MIN || len > LIMIT_DEPLOY_PASSWORD_MAX || !lower || !upper ||
        !digit) {
        char missing[200] = "";
        size_t m = 0;
        if (len < LIMIT_DEPLOY_PASSWORD_MIN)
            m += (size_t)snprintf(missing + m, sizeof missing - m, ", %zu more character(s)",
                                  (size_t)LIMIT_DEPLOY_PASSWORD_MIN - len);
        if (len > LIMIT_DEPLOY_PASSWORD_MAX)
            m += (size_t)snprintf(missing + m, sizeof missing - m, ", %zu fewer character(s)",
                                  len - (size_t)LIMIT_DEPLOY_PASSWORD_MAX);
        if (!lower)
            m += (size_t)snprintf(missing + m, sizeof missing - m, ", a lower-case letter");
        if (!upper)
            m += (size_t)snprintf(missing + m, sizeof missing - m, ", an upper-case letter");
        if (!digit)
            snprintf(missing + m, sizeof missing - m, ", a digit");
        return err_set(eb, ERR_INVAL, "weak_password",
                       "the PostgreSQL password is weak: it needs %d to %d characters with at "
                       "least one lower-case letter, one upper-case letter and one digit; "
                       "missing: %s.",
                       LIMIT_DEPLOY_PASSWORD_MIN, LIMIT_DEPLOY_PASSWORD_MAX, missing + 2);
    }
    return ERR_OK;
}

enum err deploy_email_check(const char *email, struct errbuf *eb)
{
    const char *at = strchr(email, '@');
    size_t len = strlen(email);
    if (len == 0 || len > LIMIT_DEPLOY_EMAIL_BYTES || at == NULL || strchr(at + 1, '@') != NULL ||
        at == email)
        return err_set(eb, ERR_INVAL, "bad_email",
                       "--acme-email must be one address like ops@example.com.");
    for (const char *p = email; p < at; p++) {
        if (!isalnum((unsigned char)*p) && strchr("._%+-", *p) == NULL)
            return err_set(eb, ERR_INVAL, "bad_email",
                           "--acme-email: the part before @ may only use letters, digits and "
                           "._%%+-.");
    }
    if (email[0] == '.' || at[-1] == '.' || strstr(email, "..") != NULL)
        return err_set(eb, ERR_INVAL, "bad_email",
                       "--acme-email has a misplaced dot before the @ or two dots in a row.");
    const char *dom = at + 1, *label = dom;
    bool alpha_tld = true;
    int labels = 0;
    for (const char *p = dom;; p++) {
        if (*p == '.' || *p == '\0') {
            size_t ll = (size_t)(p - label);
            if (ll == 0 || ll > 63 || label[0] == '-' || p[-1] == '-')
                return err_set(eb, ERR_INVAL, "bad_email",
                               "--acme-email has a malformed domain after the @.");
            labels++;
            alpha_tld = true;
            for (const char *q = label; q < p; q++)
                alpha_tld = alpha_tld && isalpha((unsigned char)*q);
            if (*p == '\0')
                break;
            label = p + 1;
        } else if (!isalnum((unsigned char)*p) && *p != '-') {
            return err_set(eb, ERR_INVAL, "bad_email",
                           "--acme-email has a malformed domain after the @.");
        }
    }
    if (labels < 2 || !alpha_tld || strlen(label) < 2)
        return err_set(eb, ERR_INVAL, "bad_email",
                       "--acme-email needs a full domain after the @, like example.com.");
    return ERR_OK;
}

bool deploy_master_key_valid(const char *s)
{
    unsigned char key[32 + 4];
    size_t len = 0;
    const char *end = NULL;
    if (strlen(s) != 44)
        return false;
    if (sodium_init() < 0)
        return false;
    int rc = sodium_base642bin(key, sizeof key, s, strlen(s), NULL, &len, &end,
                               sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(key, sizeof key);
    return rc == 0 && len == 32 && end == s + 44;
}

enum err deploy_master_key_new(char *dst, size_t dstlen)
{
    unsigned char key[32];
    if (sodium_init() < 0 ||
        dstlen < sodium_base64_ENCODED_LEN(sizeof key, sodium_base64_VARIANT_ORIGINAL))
        return ERR_INTERNAL;
    randombytes_buf(key, sizeof key);
    sodium_bin2base64(dst, dstlen, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(key, sizeof key);
    return ERR_OK;
}

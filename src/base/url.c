/*
 * The URL module: libcurl's curl_easy_escape/curl_easy_unescape for the byte work and its URL
 * API (CURLU) for splitting an origin; the checks around them are what curl leaves open
 * (strict escapes, no user info, query or fragment, host name shape).
 */
#include "base/url.h"

#include <ctype.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/parse.h"

enum err url_encode(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return ERR_OK;
    if (n > (size_t)INT32_MAX / 3)
        return ERR_TOOBIG;
    char *esc = curl_easy_escape(NULL, s, (int)n); /* the handle is unused by libcurl */
    if (esc == NULL)
        return ERR_NOMEM;
    enum err e = buf_puts(b, esc);
    sodium_memzero(esc, strlen(esc)); /* s may be a secret (a password in a URL) */
    curl_free(esc);
    return e;
}

/* True when s[0..n) has only well-formed escapes (and no %00 when no_nul). */
static bool url_escapes_valid(const char *s, size_t n, bool no_nul)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%')
            continue;
        if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
            return false;
        if (no_nul && s[i + 1] == '0' && s[i + 2] == '0')
            return false;
        i += 2;
    }
    return true;
}

enum err url_decode(const char *s, size_t n, unsigned flags, char *dst, size_t dstlen,
                    size_t *outlen)
{
    if (dstlen == 0)
        return ERR_TOOBIG;
    dst[0] = '\0';
    if (!url_escapes_valid(s, n, (flags & URL_DECODE_NO_NUL) != 0))
        return ERR_PARSE;
    if (n == 0) { /* libcurl would take 0 as "up to the NUL" */
        if (outlen != NULL)
            *outlen = 0;
        return ERR_OK;
    }
    if (n > (size_t)INT32_MAX)
        return ERR_TOOBIG;
    int len = 0;
    char *raw = curl_easy_unescape(NULL, s, (int)n, &len); /* the handle is unused */
    if (raw == NULL)
        return ERR_NOMEM;
    enum err e = ERR_OK;
    if ((size_t)len >= dstlen) {
        e = ERR_TOOBIG;
    } else {
        memcpy(dst, raw, (size_t)len);
        dst[len] = '\0';
        if (flags & URL_DECODE_PLUS) {
            /* a literal '+' in the input is a space; an escaped %2B stays '+' */
            size_t o = 0;
            for (size_t i = 0; i < n; i++, o++) {
                if (s[i] == '+')
                    dst[o] = ' ';
                else if (s[i] == '%')
                    i += 2;
            }
        }
        if (outlen != NULL)
            *outlen = (size_t)len;
    }
    sodium_memzero(raw, (size_t)len); /* the decoded text may be a secret */
    curl_free(raw);
    return e;
}

/* The authority of s (after scheme://, without one trailing slash): checks curl does not do. */
static enum url_origin_problem url_origin_precheck(const char *s, bool *https)
{
    const char *a;
    if (strncasecmp(s, "https://", 8) == 0) {
        *https = true;
        a = s + 8;
    } else if (strncasecmp(s, "http://", 7) == 0) {
        *https = false;
        a = s + 7;
    } else {
        return URL_ORIGIN_SCHEME;
    }
    size_t len = strlen(a);
    if (len > 0 && a[len - 1] == '/')
        len--;
    if (len == 0)
        return URL_ORIGIN_NO_HOST;
    if (a[0] == '[' && memchr(a, ']', len) == NULL)
        return URL_ORIGIN_IPV6;
    if (a[0] == '[' && a[1] == ']')
        return URL_ORIGIN_IPV6;
    if (a[0] == ':' || a[0] == '/')
        return URL_ORIGIN_NO_HOST;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c == '/' || c == '?' || c == '#' || c == '@' || c == '%' || c == '\\' || c <= 0x20 ||
            c >= 0x7f)
            return URL_ORIGIN_EXTRA;
    }
    if (a[len - 1] == ':')
        return URL_ORIGIN_PORT;
    return URL_ORIGIN_OK;
}

/* A DNS name or IPv4 address: letters, digits, dots and dashes, no leading dot or dash. */
static enum url_origin_problem url_host_check(const char *h)
{
    size_t n = strlen(h);
    if (n == 0)
        return URL_ORIGIN_NO_HOST;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-')
            return URL_ORIGIN_EXTRA;
    }
    if (h[0] == '.' || h[0] == '-' || h[n - 1] == '-' || strstr(h, "..") != NULL)
        return URL_ORIGIN_HOST_NAME;
    return n >= URL_HOST_MAX ? URL_ORIGIN_HOST_LONG : URL_ORIGIN_OK;
}

/* Host and port from curl's split of s into o. */
static enum url_origin_problem url_origin_split(CURLU *u, const char *s, struct url_origin *o)
{
    char *host = NULL, *port = NULL;
    enum url_origin_problem pr = URL_ORIGIN_OK;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME);
    if (rc == CURLUE_BAD_IPV6)
        return URL_ORIGIN_IPV6;
    if (rc == CURLUE_BAD_PORT_NUMBER)
        return URL_ORIGIN_PORT;
    if (rc == CURLUE_NO_HOST)
        return URL_ORIGIN_NO_HOST;
    if (rc != CURLUE_OK || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        return URL_ORIGIN_EXTRA;
    bool v6 = host[0] == '[';
    size_t hl = strlen(host);
    if (v6 && (hl < 3 || host[hl - 1] != ']'))
        pr = URL_ORIGIN_IPV6;
    else if (v6 && hl - 2 >= sizeof o->host)
        pr = URL_ORIGIN_HOST_LONG;
    else if (v6)
        snprintf(o->host, sizeof o->host, "%.*s", (int)(hl - 2), host + 1);
    else if ((pr = url_host_check(host)) == URL_ORIGIN_OK)
        snprintf(o->host, sizeof o->host, "%s", host);
    int64_t n = 0;
    if (pr == URL_ORIGIN_OK && curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
        if (parse_int64(port, 1, 65535, &n) != ERR_OK)
            pr = URL_ORIGIN_PORT;
        o->port = (unsigned)n;
        o->explicit_port = true;
    }
    curl_free(host);
    curl_free(port);
    return pr;
}

/* url_origin_parse() without the memo; *oom set when libcurl had no memory. */
static enum url_origin_problem url_origin_parse_now(const char *s, struct url_origin *o, bool *oom)
{
    memset(o, 0, sizeof *o);
    enum url_origin_problem pr = url_origin_precheck(s, &o->https);
    if (pr != URL_ORIGIN_OK)
        return pr;
    CURLU *u = curl_url();
    if (u == NULL) {
        *oom = true;
        return URL_ORIGIN_EXTRA;
    }
    pr = url_origin_split(u, s, o);
    curl_url_cleanup(u);
    if (pr != URL_ORIGIN_OK)
        return pr;
    for (char *p = o->host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t hl = strlen(o->host);
    if (hl > 0 && o->host[hl - 1] == '.')
        o->host[hl - 1] = '\0'; /* a fully qualified name's final dot */
    unsigned dflt = o->https ? 443u : 80u;
    if (!o->explicit_port)
        o->port = dflt;
    bool v6 = strchr(o->host, ':') != NULL;
    int n = snprintf(o->origin, sizeof o->origin, "%s://%s%s%s", o->https ? "https" : "http",
                     v6 ? "[" : "", o->host, v6 ? "]" : "");
    if (n > 0 && (size_t)n < sizeof o->origin && o->port != dflt)
        n += snprintf(o->origin + n, sizeof o->origin - (size_t)n, ":%u", o->port);
    if (n < 0 || (size_t)n >= sizeof o->origin)
        return URL_ORIGIN_HOST_LONG;
    return URL_ORIGIN_OK;
}

/*
 * The last origins this thread parsed, with their results: the configured API and web origins
 * are parsed several times for every console page (readiness, the deployment planner), and
 * libcurl's parser costs more than the rest of that work. The parse is a pure function of s,
 * so a remembered result is the result; an out-of-memory failure is never remembered.
 */
#define URL_MEMO_SLOTS 4
struct url_memo {
    char s[URL_ORIGIN_MAX];
    enum url_origin_problem pr;
    struct url_origin o;
    bool used;
};
static _Thread_local struct url_memo url_memo[URL_MEMO_SLOTS];
static _Thread_local unsigned url_memo_next;

enum url_origin_problem url_origin_parse(const char *s, struct url_origin *o)
{
    size_t n = strlen(s);
    for (unsigned i = 0; n < URL_ORIGIN_MAX && i < URL_MEMO_SLOTS; i++) {
        if (url_memo[i].used && strcmp(url_memo[i].s, s) == 0) {
            *o = url_memo[i].o;
            return url_memo[i].pr;
        }
    }
    bool oom = false;
    enum url_origin_problem pr = url_origin_parse_now(s, o, &oom);
    if (!oom && n < URL_ORIGIN_MAX) {
        struct url_memo *m = &url_memo[url_memo_next++ % URL_MEMO_SLOTS];
        memcpy(m->s, s, n + 1);
        m->pr = pr;
        m->o = *o;
        m->used = true;
    }
    return pr;
}

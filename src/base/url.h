/*
 * URLs on libcurl's URL API: percent-encoding (RFC 3986 unreserved characters kept),
 * strict percent-decoding, and the one origin parser (scheme://host[:port]). Every other
 * module builds and reads URL pieces through these.
 */
#ifndef AICOS_BASE_URL_H
#define AICOS_BASE_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define URL_HOST_MAX   256 /* a host name, without brackets or port (DEPLOY_HOST_MAX) */
#define URL_ORIGIN_MAX 512 /* scheme://host:port (CONFIG_ORIGIN_MAX) */

/* Appends s percent-encoded: A-Z a-z 0-9 - . _ ~ kept, every other byte as %XX (upper case). */
ERR_MUST_USE enum err url_encode(struct buf *b, const char *s);

enum url_decode_flags {
    URL_DECODE_PLUS = 1u << 0,   /* '+' is a space (form bodies) */
    URL_DECODE_NO_NUL = 1u << 1, /* %00 is refused */
};

/*
 * Decodes the %XX escapes of s[0..n) into dst (dstlen bytes, NUL-terminated; *outlen, when not
 * NULL, gets the decoded length). ERR_PARSE on a truncated or non-hex escape (or %00 with
 * URL_DECODE_NO_NUL), ERR_TOOBIG when dst is too small. dst is "" after an error.
 */
ERR_MUST_USE enum err url_decode(const char *s, size_t n, unsigned flags, char *dst, size_t dstlen,
                                 size_t *outlen);

/* What is wrong with an origin (url_origin_parse). */
enum url_origin_problem {
    URL_ORIGIN_OK = 0,
    URL_ORIGIN_SCHEME,    /* not http:// or https:// */
    URL_ORIGIN_IPV6,      /* a malformed [IPv6] host */
    URL_ORIGIN_NO_HOST,   /* nothing where the host goes */
    URL_ORIGIN_HOST_NAME, /* a name with bad characters, a leading dot or dash, ".." */
    URL_ORIGIN_HOST_LONG, /* a host of URL_HOST_MAX bytes or more */
    URL_ORIGIN_PORT,      /* a port that is empty, not a number or not 1..65535 */
    URL_ORIGIN_EXTRA,     /* a path, query, fragment or user info */
};

struct url_origin {
    char origin[URL_ORIGIN_MAX]; /* normalized: lower case, default port dropped, no slash */
    char host[URL_HOST_MAX];     /* lower case, without brackets, port or a final dot */
    unsigned port;               /* 443 or 80 when not given */
    bool explicit_port;
    bool https;
};

/*
 * Parses scheme://host[:port] with an optional trailing slash (host a DNS name, IPv4 or
 * [IPv6]; the scheme in any case) into o. Returns the problem, URL_ORIGIN_OK when none.
 */
enum url_origin_problem url_origin_parse(const char *s, struct url_origin *o);

#endif

#include "base/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum err parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (s == NULL || *s == '\0')
        return ERR_INVAL;
    if (!(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
        return ERR_INVAL;
    if (s[0] == '-' && min >= 0)
        return ERR_INVAL; /* "-0" would otherwise pass on an unsigned range */
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return ERR_INVAL;
    if (v < min || v > max)
        return ERR_INVAL;
    *out = (int64_t)v;
    return ERR_OK;
}

enum err parse_host_port(const char *s, char *host, unsigned hostlen, unsigned *port,
                         int allow_zero)
{
    if (s == NULL || hostlen == 0)
        return ERR_INVAL;
    const char *colon;
    const char *hstart = s;
    size_t hlen;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            return ERR_INVAL;
        hstart = s + 1;
        hlen = (size_t)(close - hstart);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            return ERR_INVAL;
        hlen = (size_t)(colon - s);
        if (memchr(s, ':', hlen) != NULL)
            return ERR_INVAL; /* bare IPv6 needs brackets */
    }
    if (hlen == 0 || hlen >= hostlen)
        return ERR_INVAL;
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char)hstart[i];
        if (!(isalnum(c) || c == '.' || c == '-' || c == ':' || c == '_'))
            return ERR_INVAL;
    }
    int64_t p;
    if (parse_int64(colon + 1, allow_zero ? 0 : 1, 65535, &p) != ERR_OK)
        return ERR_INVAL;
    memcpy(host, hstart, hlen);
    host[hlen] = '\0';
    *port = (unsigned)p;
    return ERR_OK;
}

char *parse_int64_text(int64_t v, char out[PARSE_INT64_DIGITS])
{
    char *p = out + PARSE_INT64_DIGITS;
    /* Negated as unsigned, so that INT64_MIN needs no special case. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

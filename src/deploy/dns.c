#include "deploy/dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *deploy_addr_class_name(enum deploy_addr_class c)
{
    switch (c) {
    case DEPLOY_ADDR_PUBLIC:
        return "public";
    case DEPLOY_ADDR_LOOPBACK:
        return "loopback";
    case DEPLOY_ADDR_PRIVATE:
        return "private";
    case DEPLOY_ADDR_LINK_LOCAL:
        return "link-local";
    case DEPLOY_ADDR_RESERVED:
        return "reserved";
    }
    return "reserved";
}

/* True when the top `bits` bits of a equal those of net (both host order). */
static bool deploy_in_net4(uint32_t a, uint32_t net, unsigned bits)
{
    uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    return (a & mask) == (net & mask);
}

static enum deploy_addr_class deploy_classify4(uint32_t a)
{
    if (deploy_in_net4(a, 0x7f000000u, 8))
        return DEPLOY_ADDR_LOOPBACK;
    if (deploy_in_net4(a, 0x0a000000u, 8) || deploy_in_net4(a, 0xac100000u, 12) ||
        deploy_in_net4(a, 0xc0a80000u, 16) || deploy_in_net4(a, 0x64400000u, 10))
        return DEPLOY_ADDR_PRIVATE;
    if (deploy_in_net4(a, 0xa9fe0000u, 16))
        return DEPLOY_ADDR_LINK_LOCAL;
    /* 0/8 this network, 192.0.0/24 protocol assignments, 192.0.2/24, 198.51.100/24 and
     * 203.0.113/24 documentation, 198.18/15 benchmarking, 224/4 multicast, 240/4 future use
     * and broadcast. */
    if (deploy_in_net4(a, 0x00000000u, 8) || deploy_in_net4(a, 0xc0000000u, 24) ||
        deploy_in_net4(a, 0xc0000200u, 24) || deploy_in_net4(a, 0xc6336400u, 24) ||
        deploy_in_net4(a, 0xcb007100u, 24) || deploy_in_net4(a, 0xc6120000u, 15) ||
        deploy_in_net4(a, 0xe0000000u, 4) || deploy_in_net4(a, 0xf0000000u, 4))
        return DEPLOY_ADDR_RESERVED;
    return DEPLOY_ADDR_PUBLIC;
}

static enum deploy_addr_class deploy_classify6(const unsigned char b[16])
{
    static const unsigned char zero[16] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, 12) == 0) {
        uint32_t a = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
        return deploy_classify4(a);
    }
    if (memcmp(b, zero, 15) == 0 && b[15] == 1)
        return DEPLOY_ADDR_LOOPBACK;
    if (memcmp(b, zero, 16) == 0)
        return DEPLOY_ADDR_RESERVED;
    if ((b[0] & 0xfe) == 0xfc)
        return DEPLOY_ADDR_PRIVATE; /* fc00::/7 unique local */
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return DEPLOY_ADDR_LINK_LOCAL; /* fe80::/10 */
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return DEPLOY_ADDR_PRIVATE; /* fec0::/10, deprecated site-local */
    if (b[0] == 0xff)
        return DEPLOY_ADDR_RESERVED; /* multicast */
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        return DEPLOY_ADDR_RESERVED; /* 2001:db8::/32 documentation */
    if (memcmp(b, zero, 10) == 0 || (b[0] == 0x01 && b[1] == 0 && memcmp(b + 2, zero, 6) == 0))
        return DEPLOY_ADDR_RESERVED; /* IPv4-compatible (deprecated), 100::/64 discard */
    if ((b[0] & 0xe0) != 0x20)
        return DEPLOY_ADDR_RESERVED; /* only 2000::/3 is global unicast */
    return DEPLOY_ADDR_PUBLIC;
}

enum deploy_addr_class deploy_addr_classify(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        return deploy_classify4(ntohl(s4->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        return deploy_classify6(s6->sin6_addr.s6_addr);
    }
    return DEPLOY_ADDR_RESERVED;
}

bool deploy_ip_literal_classify(const char *text, enum deploy_addr_class *out)
{
    char buf[64];
    size_t len = strlen(text);
    if (len >= sizeof buf)
        return false;
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        memcpy(buf, text + 1, len - 2);
        buf[len - 2] = '\0';
    } else {
        memcpy(buf, text, len + 1);
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        *out = deploy_classify4(ntohl(a4.s_addr));
        return true;
    }
    if (inet_pton(AF_INET6, buf, &a6) == 1) {
        *out = deploy_classify6(a6.s6_addr);
        return true;
    }
    return false;
}

/* True when name equals suffix or ends with "." suffix, ignoring case. */
static bool deploy_name_in(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    if (n == s)
        return strcasecmp(name, suffix) == 0;
    return n > s && name[n - s - 1] == '.' && strcasecmp(name + n - s, suffix) == 0;
}

/* For a.b.c.d.sslip.io, a-b-c-d.nip.io and prefixed forms, copies the embedded IPv4. */
static bool deploy_wildcard_dns_ip(const char *host, char *ip, size_t iplen)
{
    static const char *const suffixes[] = {".sslip.io", ".nip.io"};
    size_t n = strlen(host);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t s = strlen(suffixes[i]);
        if (n <= s || strcasecmp(host + n - s, suffixes[i]) != 0)
            continue;
        /* The address is the last four dotted (or one dashed) components before the suffix. */
        size_t end = n - s;
        char part[256];
        if (end >= sizeof part)
            return false;
        memcpy(part, host, end);
        part[end] = '\0';
        for (char *p = part; *p; p++) {
            if (*p == '-')
                *p = '.';
        }
        /* Try the longest tail that parses as a dotted quad. */
        for (char *p = part; *p; p++) {
            if (p != part && p[-1] != '.')
                continue;
            struct in_addr a;
            if (inet_pton(AF_INET, p, &a) == 1)
                return inet_ntop(AF_INET, &a, ip, (socklen_t)iplen) != NULL;
        }
        return false;
    }
    return false;
}

enum err deploy_host_check_public(const char *host, struct errbuf *eb)
{
    /* Special-use and never-delegated names (RFC 6761, RFC 8375, ICANN's .corp and .home). */
    static const char *const never_public[] = {"localhost", "localdomain", "local",  "internal",
                                               "lan",       "home.arpa",   "home",   "corp",
                                               "test",      "invalid",     "example"};
    enum deploy_addr_class cls;
    if (deploy_ip_literal_classify(host, &cls)) {
        if (cls != DEPLOY_ADDR_PUBLIC)
            return err_set(eb, ERR_INVAL, "host_not_public",
                           "%s is a %s address, which Temu and browsers on the Internet cannot "
                           "reach.",
                           host, deploy_addr_class_name(cls));
        return ERR_OK;
    }
    if (strchr(host, '.') == NULL)
        return err_set(eb, ERR_INVAL, "host_not_public",
                       "%s is a single-label name, which cannot be public or get a public "
                       "certificate.",
                       host);
    for (size_t i = 0; i < sizeof never_public / sizeof never_public[0]; i++) {
        if (deploy_name_in(host, never_public[i]))
            return err_set(eb, ERR_INVAL, "host_not_public",
                           "%s ends in .%s, a name that is never public and cannot get a "
                           "public certificate.",
                           host, never_public[i]);
    }
    char ip[64];
    if (deploy_wildcard_dns_ip(host, ip, sizeof ip) && deploy_ip_literal_classify(ip, &cls) &&
        cls != DEPLOY_ADDR_PUBLIC)
        return err_set(eb, ERR_INVAL, "host_not_public",
                       "%s resolves to %s, a %s address, which Temu cannot reach.", host, ip,
                       deploy_addr_class_name(cls));
    return ERR_OK;
}

void deploy_dns_resolve(const char *host, struct deploy_dns_result *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->host, sizeof r->host, "%s", host);
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        r->gai_error = rc;
        return;
    }
    r->resolved = true;
    r->all_public = true;
    for (struct addrinfo *ai = res; ai != NULL && r->count < LIMIT_DEPLOY_DNS_ADDRS;
         ai = ai->ai_next) {
        char text[64];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, NULL, 0, NI_NUMERICHOST) !=
            0)
            continue;
        bool dup = false;
        for (size_t i = 0; i < r->count; i++)
            dup = dup || strcmp(r->addrs[i], text) == 0;
        if (dup)
            continue;
        snprintf(r->addrs[r->count], sizeof r->addrs[r->count], "%s", text);
        r->classes[r->count] = deploy_addr_classify(ai->ai_addr);
        if (r->classes[r->count] != DEPLOY_ADDR_PUBLIC)
            r->all_public = false;
        r->count++;
    }
    freeaddrinfo(res);
    if (r->count == 0)
        r->all_public = false;
}

static void deploy_dns_check_one(const char *role, const char *var,
                                 const struct deploy_dns_result *r, struct deploy_findings *f)
{
    char fix[DEPLOY_FINDING_MSG_MAX];
    snprintf(fix, sizeof fix,
             "Create an A (or AAAA) record for %s (%s) pointing at the server's public "
             "address, or use `aicos deploy suggest-host --ip <public-ip>` for an sslip.io name.",
             r->host, var);
    if (!r->resolved) {
        deploy_findings_add(f, "dns.unresolved", DEPLOY_BLOCKER, fix,
                            "The %s host %s does not resolve: %s.", role, r->host,
                            gai_strerror(r->gai_error));
        return;
    }
    size_t pub = 0;
    for (size_t i = 0; i < r->count; i++)
        pub += r->classes[i] == DEPLOY_ADDR_PUBLIC;
    if (pub == 0) {
        deploy_findings_add(f, "dns.not_public", DEPLOY_BLOCKER, fix,
                            "The %s host %s resolves to %s (%s), not a public address; Temu "
                            "cannot reach it.",
                            role, r->host, r->count > 0 ? r->addrs[0] : "nothing",
                            r->count > 0 ? deploy_addr_class_name(r->classes[0]) : "none");
    } else if (pub < r->count) {
        deploy_findings_add(f, "dns.partly_public", DEPLOY_WARNING,
                            "Remove the records that point at non-public addresses.",
                            "The %s host %s resolves to public and non-public addresses; some "
                            "clients may get an unreachable one.",
                            role, r->host);
    }
}

void deploy_dns_check(const char *api_host, const char *web_host, struct deploy_dns_result *api,
                      struct deploy_dns_result *web, struct deploy_findings *f)
{
    deploy_dns_resolve(api_host, api);
    deploy_dns_check_one("API", "API_HOST", api, f);
    deploy_dns_resolve(web_host, web);
    deploy_dns_check_one("Web", "WEB_HOST", web, f);
}

enum err deploy_suggest_host(const char *ip, char *dotted, size_t dotted_len, char *dashed,
                             size_t dashed_len, struct errbuf *eb)
{
    struct in_addr a;
    enum deploy_addr_class cls;
    if (inet_pton(AF_INET, ip, &a) != 1) {
        struct in6_addr a6;
        if (inet_pton(AF_INET6, ip, &a6) == 1)
            return err_set(eb, ERR_INVAL, "bad_ip",
                           "%s is an IPv6 address; give the server's public IPv4 address "
                           "(A.B.C.D).",
                           ip);
        return err_set(eb, ERR_INVAL, "bad_ip", "--ip must be an IPv4 address like 203.0.113.7.");
    }
    cls = deploy_classify4(ntohl(a.s_addr));
    if (cls != DEPLOY_ADDR_PUBLIC)
        return err_set(eb, ERR_INVAL, "host_not_public",
                       "%s is a %s address; Temu can only reach a public address. Give the "
                       "server's public IPv4 address.",
                       ip, deploy_addr_class_name(cls));
    char norm[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, norm, sizeof norm);
    snprintf(dotted, dotted_len, "%s.sslip.io", norm);
    char dash[INET_ADDRSTRLEN];
    snprintf(dash, sizeof dash, "%s", norm);
    for (char *p = dash; *p; p++) {
        if (*p == '.')
            *p = '-';
    }
    snprintf(dashed, dashed_len, "%s.sslip.io", dash);
    return ERR_OK;
}

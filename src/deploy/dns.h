/*
 * Where a host points: classification of IP addresses (public or not), of host names that
 * can never be public (localhost, *.local, ...), DNS resolution of the API and Web hosts,
 * and the sslip.io host-name suggestion for a bare public IP.
 */
#ifndef AICOS_DEPLOY_DNS_H
#define AICOS_DEPLOY_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "base/err.h"
#include "base/limits.h"
#include "deploy/findings.h"

enum deploy_addr_class {
    DEPLOY_ADDR_PUBLIC = 0,
    DEPLOY_ADDR_LOOPBACK,   /* 127/8, ::1 */
    DEPLOY_ADDR_PRIVATE,    /* 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 */
    DEPLOY_ADDR_LINK_LOCAL, /* 169.254/16, fe80::/10 */
    DEPLOY_ADDR_RESERVED,   /* unspecified, documentation, benchmark, multicast, future use */
};

/* "public", "loopback", "private", "link-local" or "reserved". */
const char *deploy_addr_class_name(enum deploy_addr_class c);

/* Classifies an AF_INET or AF_INET6 address (IPv4-mapped IPv6 as its IPv4 address). */
enum deploy_addr_class deploy_addr_classify(const struct sockaddr *sa);

/*
 * When text is an IPv4 or IPv6 literal (brackets allowed), sets *out and returns true;
 * returns false for anything else.
 */
bool deploy_ip_literal_classify(const char *text, enum deploy_addr_class *out);

/*
 * ERR_OK when host (a name or an IP literal, no port) may be public. Refuses with a
 * sentence in eb: IP literals that are not public, localhost and *.localhost, single-label
 * names, and the suffixes that never get a public certificate (.local, .internal, .lan,
 * .home.arpa, .test, .invalid, .example), and sslip.io / nip.io names that embed a
 * non-public IPv4 address.
 */
ERR_MUST_USE enum err deploy_host_check_public(const char *host, struct errbuf *eb);

struct deploy_dns_result {
    char host[256];
    bool resolved;
    int gai_error; /* getaddrinfo's code when !resolved */
    size_t count;  /* addresses below, at most LIMIT_DEPLOY_DNS_ADDRS */
    char addrs[LIMIT_DEPLOY_DNS_ADDRS][64];
    enum deploy_addr_class classes[LIMIT_DEPLOY_DNS_ADDRS];
    bool all_public; /* resolved and every address public */
};

/* Resolves host with getaddrinfo (A and AAAA) and classifies every address. */
void deploy_dns_resolve(const char *host, struct deploy_dns_result *r);

/*
 * Resolves the API and the Web host and adds findings (dns.unresolved, dns.not_public,
 * dns.partly_public) about each; role is "API" or "Web" in the messages.
 */
void deploy_dns_check(const char *api_host, const char *web_host, struct deploy_dns_result *api,
                      struct deploy_dns_result *web, struct deploy_findings *f);

/*
 * For a public IPv4 literal, writes the sslip.io names "A.B.C.D.sslip.io" (dotted) and
 * "A-B-C-D.sslip.io" (dashed). ERR_INVAL with a sentence for anything else: not an IPv4
 * literal, or not a public address.
 */
ERR_MUST_USE enum err deploy_suggest_host(const char *ip, char *dotted, size_t dotted_len,
                                          char *dashed, size_t dashed_len, struct errbuf *eb);

#endif

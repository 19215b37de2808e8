/*
 * web: the sandbox's HTTP layer on libmicrohttpd (its own, not src/http, so the sandbox stays
 * independent of the code it tests). Routes:
 *   POST /openapi/router                           the gateway (faults applied first)
 *   GET|POST /open-platform/client-manage/authorization   the Seller Center consent page
 *   /_sandbox/…                                    admin API, loopback peers only (403 else)
 */
#ifndef SBX_WEB_H
#define SBX_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "fault.h"
#include "gateway.h"
#include "ratelimit.h"
#include "webhook.h"
#include "world.h"

struct web_deps {
    struct auth *auth;
    struct world *world;
    struct gateway *gateway;
    struct fault *fault;
    struct ratelimit *ratelimit;
    struct webhook *webhook;
};

struct web;

/*
 * Listens on host (IPv4 dotted quad or "localhost") and port and serves until web_stop.
 * NULL with a sentence in err on failure. deps must outlive the server.
 */
struct web *web_start(const char *host, unsigned port, const struct web_deps *deps, char *err,
                      size_t errlen);

/* Stops accepting, finishes in-flight requests, frees; NULL is a no-op. */
void web_stop(struct web *w);

/* True for 127.0.0.0/8 and ::1 (and IPv4-mapped loopback). */
bool web_peer_is_loopback(const void *sockaddr);

#endif

/*
 * server: track-sandbox's HTTP layer on libmicrohttpd. Routes:
 *   POST /track/v2.2/<endpoint>   the 17TRACK API: allow-list, 17token, rate, faults, then api
 *   /_sandbox/…                   the admin API, loopback peers only (403 else)
 */
#ifndef TK_SERVER_H
#define TK_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "../fault.h"
#include "push.h"
#include "rate.h"
#include "registry.h"
#include "tk_limits.h"

struct server_deps {
    struct registry *registry;
    struct push *push;
    struct rate *rate;
    struct fault *fault;
    const char (*keys)[TK_KEY_MAX]; /* valid 17token values */
    size_t nkeys;
    bool auth_http401; /* a wrong key: HTTP 401 (true) or HTTP 200 with -18010002 */
};

struct server;

/* Listens on host:port (IPv4) until server_stop; NULL with a sentence in err. */
struct server *server_start(const char *host, unsigned port, const struct server_deps *deps,
                            char *err, size_t errlen);

/* NULL is a no-op. */
void server_stop(struct server *s);

#endif

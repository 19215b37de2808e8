/*
 * server: payout-sandbox's HTTP layer on libmicrohttpd. Routes:
 *   POST /api/v1/authentication/login          x-client-id + x-api-key -> bearer token (201)
 *   GET  /api/v1/pa/financial/settlements      list (page_num from 0, page_size <= 1000)
 *   GET  /api/v1/pa/financial/settlements/{id}
 *   GET  /api/v1/balances/history              7-day windows, page / page_after cursor
 *   /_sandbox/…                                the admin API, loopback peers only (403 else)
 * Every API request first passes the throttle (429 with Retry-After), the per-second rate
 * limit and the fault rules; the data routes then need a live token (401 credentials_expired
 * for an expired one, unauthorized for an unknown one).
 */
#ifndef PO_SERVER_H
#define PO_SERVER_H

#include <stddef.h>

#include "../fault.h"
#include "ledger.h"

#define PO_CRED_MAX 128

struct server_deps {
    struct ledger *ledger;
    struct fault *fault;
    char client_id[PO_CRED_MAX];
    char api_key[PO_CRED_MAX];
    long long token_ttl; /* seconds a token lives */
    int rate;            /* API requests per second in all, 0 = off */
};

struct server;

/* Listens on host:port (IPv4) until server_stop; NULL with a sentence in err. */
struct server *server_start(const char *host, unsigned port, const struct server_deps *deps,
                            char *err, size_t errlen);

/* NULL is a no-op. */
void server_stop(struct server *s);

#endif

/*
 * gateway: POST /openapi/router. Runs the gateway checks in a fixed order and answers the
 * envelope {success, errorCode, errorMsg, requestId, result} with HTTP 200, even on errors
 * (temu-open-platform.md §2.4, §4). Order of checks (each the first failure wins):
 *   1. body is a JSON object                           3000000 BAD_PARAMS
 *   2. app_key present, known, not suspended           3000025, 3000026, 3000028
 *   3. rate limit per app_key                          4000004 (optionally HTTP 429)
 *   4. sign present and valid                          3000040, 3000001
 *   5. timestamp present, within ±300 s                3000010, 3000011, 3000012
 *   6. data_type present, "json" in any case           3000013, 3000014
 *   7. type present, known; the app may call it        3000002, 3000003, 3000027
 *   8. access_token present, known, of this app,
 *      not revoked, not expired or replaced            3000030, 3000031, 3000033, 5000000,
 *                                                      3000034
 *   9. the seller granted the type                     3000032
 * The app key comes before the signature because the secret that checks the signature is
 * the app's. bg.open.accesstoken.create takes the authorization code in access_token (or
 * code), and answers 110020002 for an unknown, used, expired or foreign code.
 */
#ifndef SBX_GATEWAY_H
#define SBX_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "ratelimit.h"
#include "world.h"

struct gateway_reply {
    int http_status;
    char *body; /* malloc'd JSON, owned by the caller */
    size_t body_len;
};

struct gateway;

/* Borrows the three stores; they must outlive the gateway. NULL when out of memory. */
struct gateway *gateway_new(struct auth *auth, struct world *world, struct ratelimit *rl);

/* NULL is a no-op. */
void gateway_free(struct gateway *g);

/*
 * Answers one router request. system_fault makes a well-formed request answer 4000000 (fault
 * injection); the checks still run first so that a bad request keeps its own error.
 */
void gateway_handle(struct gateway *g, const char *body, size_t len, bool system_fault,
                    struct gateway_reply *out);

/* Every type the router knows (data APIs plus the two token APIs). */
const char *const *gateway_types(size_t *n);

#endif

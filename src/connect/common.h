/*
 * What every connect module shares: the environment it works in, the limits, the seller type,
 * random ids, and the lookup of one connection. See connect.h for the folder's rules.
 */
#ifndef AICOS_CONNECT_COMMON_H
#define AICOS_CONNECT_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"
#include "temu/errors.h"
#include "temu/regions.h"

struct vault;

#define CONNECT_SESSION_TTL_S        (15 * 60) /* life of an authorization state */
#define CONNECT_ID_LEN               32        /* hex characters of a session or connection id */
#define CONNECT_URL_MAX              2048      /* an authorization URL */
#define CONNECT_ACTOR_MAX            80
#define CONNECT_REASON_MAX           256
#define CONNECT_INSPECT_PARAMS_BYTES (64 * 1024) /* business parameters given to the inspector */
#define CONNECT_WARN_DAYS_1          1           /* token-expiry warnings, days */
#define CONNECT_WARN_DAYS_7          7           /* also where the registry turns degraded */
#define CONNECT_WARN_DAYS_30         30
#define CONNECT_REPLACED_REASON      "token replaced or expired: re-authorize"

/* What the module works with; all borrowed. vault is NULL when no master key is configured. */
struct connect_env {
    const struct config *cfg;
    struct db *db;
    struct vault *vault;
};

enum connect_seller_type { CONNECT_SELLER_LOCAL = 0, CONNECT_SELLER_CROSS_BORDER };

/* Parses "local" or "cross_border" (NULL or "" means local); false otherwise. */
bool connect_seller_type_parse(const char *s, enum connect_seller_type *out);

/* "local" or "cross_border". */
const char *connect_seller_type_name(enum connect_seller_type t);

enum connect_purpose { CONNECT_PURPOSE_PRODUCTION = 0, CONNECT_PURPOSE_DEV };

/* Whole days until expires_at (negative once past). */
int64_t connect_days_left(int64_t expires_at, int64_t now);

/* The expiry warning for days left: "expired", "1d", "7d", "30d" or NULL. */
const char *connect_expiry_warning(int64_t days_left);

/* For the connect modules only. */

/* A fresh random id of CONNECT_ID_LEN hex characters. */
void connect_random_id(char out[CONNECT_ID_LEN + 1]);

/* True when id has the shape of a session or connection id. */
bool connect_id_valid(const char *id);

/* The region's name in lower case ("us", "eu", ...) into dst. */
void connect_region_lower(enum temu_region region, char *dst, size_t len);

/*
 * Region, mall and (when secret_name is not NULL) the token's vault name of connection id;
 * ERR_NOTFOUND "connection_not_found" when absent.
 */
ERR_MUST_USE enum err connect_connection_get(struct db_conn *c, const char *id, char *region,
                                             size_t region_len, int64_t *mall, char *secret_name,
                                             size_t secret_len, struct errbuf *eb);

#endif

/*
 * Temu connections and their authorization (product.md §4, temu-open-platform.md §3).
 *
 * A connection is one Temu shop (mallId) in one region: seller type, scopes, authorized-at,
 * expires-at, status (active or failed, with a reason), and a history of authorizations. Its
 * access token lives in the vault as temu/<region>/mall/<mallId>/access_token; the database
 * only names it.
 *
 * An authorization session is a random single-use state (only its BLAKE2b hash is stored),
 * valid CONNECT_SESSION_TTL_S, recorded with the operator who created it, and the Seller
 * Center authorization URL built from it. The callback checks the state (exists, unexpired,
 * not cancelled, unused), consumes it atomically, exchanges the code with
 * bg.open.accesstoken.create, verifies the token with bg.open.accesstoken.info.get, stores it
 * in the vault, then creates or updates the connection and appends to its history in one
 * transaction. Every failure stores nothing (only the session's outcome is noted once its
 * state was consumed).
 *
 * Production sessions pass the launch gates (App Key/Secret stored, public HTTPS callback,
 * AICOS_ENV=production, a recorded preflight with zero blockers, the security gate: vault
 * key configured and HTTPS origins); development sessions skip them and are refused when
 * AICOS_ENV=production.
 *
 * This module never includes an HTTP header; handlers audit what it does.
 */
#ifndef AICOS_CONNECT_CONNECT_H
#define AICOS_CONNECT_CONNECT_H

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

struct connect_session_req {
    enum temu_region region;
    enum connect_seller_type seller_type;
    enum connect_purpose purpose;
    const char *connection_id; /* re-authorize this connection, or NULL */
    const char *actor;         /* who creates it (user name or token:<name>) */
};

struct connect_session_out {
    char id[CONNECT_ID_LEN + 1];
    char url[CONNECT_URL_MAX];          /* the Seller Center authorization URL (holds state) */
    char redirect_uri[CONNECT_URL_MAX]; /* the callback registered with it */
    int64_t expires_at;
};

/*
 * Creates a session at time now. Production sessions first check the launch gates and answer
 * ERR_CONFLICT ("gates_closed") when one is closed; dev sessions answer ERR_FORBIDDEN
 * ("dev_refused_in_production") under AICOS_ENV=production. Both need the region's App Key
 * and Secret in the vault (ERR_CONFLICT "credentials_missing"). ERR_NOTFOUND for an unknown
 * connection_id, ERR_INVAL for a seller type whose region has no callback authorization.
 */
enum err connect_session_create(const struct connect_env *env, const struct connect_session_req *rq,
                                int64_t now, struct connect_session_out *out, struct errbuf *eb);

/*
 * Sessions newest first as a new JSON array of {id, region, seller_type, purpose,
 * connection_id, created_by, created_at, expires_at, state ("open", "expired", "used",
 * "cancelled"), outcome}. actor NULL lists everyone's; otherwise only actor's.
 */
enum err connect_session_list(const struct connect_env *env, const char *actor, int64_t now,
                              json_t **out, struct errbuf *eb);

/*
 * Cancels an open session. Only its creator may, unless admin. ERR_NOTFOUND (also for
 * someone else's session when not admin), ERR_CONFLICT when it is no longer open.
 */
enum err connect_session_cancel(const struct connect_env *env, const char *id, const char *actor,
                                bool admin, int64_t now, struct errbuf *eb);

/* Number of sessions that are open (unused, uncancelled, unexpired) at now. */
enum err connect_session_open_count(const struct connect_env *env, int64_t now, int64_t *count,
                                    struct errbuf *eb);

/* What a successful authorization produced. */
struct connect_result {
    char connection_id[CONNECT_ID_LEN + 1];
    char session_id[CONNECT_ID_LEN + 1]; /* "" for manual mode */
    char region[16];
    char created_by[CONNECT_ACTOR_MAX]; /* the session's creator (or the manual actor) */
    int64_t mall_id;
    int64_t expires_at;
    bool reauthorized; /* an existing connection was updated */
    size_t scopes;
};

/*
 * Handles the callback at time now. error_param is Temu's "error" argument (e.g.
 * access_denied) or NULL. Errors, each storing nothing: ERR_BADREQ state_missing,
 * code_missing, authorization_denied (which also ends the session: its state is consumed),
 * state_unknown, state_expired; ERR_CONFLICT state_used,
 * state_cancelled, different_shop, credentials_missing; ERR_UPSTREAM temu_exchange_failed,
 * temu_verify_failed (message carries the Temu code); ERR_UNAVAILABLE vault_unavailable.
 * terr (may be NULL) receives the Temu error when there was one.
 */
enum err connect_callback(const struct connect_env *env, const char *code, const char *state,
                          const char *error_param, int64_t now, struct connect_result *out,
                          struct temu_error *terr, struct errbuf *eb);

/*
 * Manual mode: verifies a pasted token with info.get, then stores it like the callback does.
 * connection_id (or NULL) must then name the same shop (ERR_CONFLICT different_shop).
 */
enum err connect_manual(const struct connect_env *env, enum temu_region region, const char *token,
                        const char *connection_id, const char *actor, int64_t now,
                        struct connect_result *out, struct temu_error *terr, struct errbuf *eb);

struct temu_client;

/*
 * A Temu client for region signed with the App Key and Secret from the vault, sending token
 * (NULL for none). ERR_UNAVAILABLE vault_unavailable, ERR_CONFLICT credentials_missing, or
 * temu_client_new()'s error. The caller frees *out with temu_client_free().
 */
enum err connect_client_new(const struct connect_env *env, enum temu_region region,
                            const char *token, struct temu_client **out, struct errbuf *eb);

/*
 * connect_client_new() whose request timestamps come from wall(wall_ctx) and that never
 * retries: the inspector uses it to show exactly the request it sends.
 */
enum err connect_client_new_at(const struct connect_env *env, enum temu_region region,
                               const char *token, int64_t (*wall)(void *), void *wall_ctx,
                               struct temu_client **out, struct errbuf *eb);

/*
 * The access token of connection id and its region. The caller releases *token with
 * vault_secret_free(*token, *len). ERR_NOTFOUND, ERR_UNAVAILABLE (no vault), ERR_CONFLICT
 * token_missing.
 */
enum err connect_token_get(const struct connect_env *env, const char *id, enum temu_region *region,
                           char **token, size_t *len, struct errbuf *eb);

/* The callback URL for the configured mode into dst (CONNECT_URL_MAX). */
void connect_callback_url(const struct config *cfg, char *dst, size_t len);

/*
 * The launch gates for region as a new JSON array of blockers {gate, owner, message,
 * next_action}; empty when every gate is open.
 */
enum err connect_launch_blockers(const struct connect_env *env, enum temu_region region,
                                 json_t **out, struct errbuf *eb);

/* Callback diagnostics (public, no secrets) as a new JSON object. */
json_t *connect_callback_diagnostics(const struct config *cfg);

/* True when the region's App Key and App Secret are in the vault. */
bool connect_credentials_present(const struct connect_env *env, enum temu_region region);

/* Whole days until expires_at (negative once past). */
int64_t connect_days_left(int64_t expires_at, int64_t now);

/* The expiry warning for days left: "expired", "1d", "7d", "30d" or NULL. */
const char *connect_expiry_warning(int64_t days_left);

/*
 * Connections as a new JSON array of {id, region, mall_id, seller_type, scopes, status,
 * status_reason, auth_mode, authorized_by, authorized_at, expires_at, days_left,
 * expiry_warning, last_success_at, errors{auth, sync}, token (masked), history[...]}.
 */
enum err connect_connection_list(const struct connect_env *env, int64_t now, json_t **out,
                                 struct errbuf *eb);

/*
 * Verifies a connection's token now with info.get: success records last_success_at and
 * makes it active again; 3000034 marks it failed with CONNECT_REPLACED_REASON; other auth
 * errors mark it failed with Temu's message. *out gets {id, status, status_reason, ...}.
 * ERR_UPSTREAM when Temu refused (terr says why), ERR_NOTFOUND.
 */
enum err connect_connection_check(const struct connect_env *env, const char *id, int64_t now,
                                  json_t **out, struct temu_error *terr, struct errbuf *eb);

/*
 * Records what a Temu call made with a connection's token answered: auth-class errors count
 * as auth errors and mark the connection failed (3000034 with CONNECT_REPLACED_REASON).
 */
enum err connect_note_call(const struct connect_env *env, const char *id,
                           const struct temu_error *te, int64_t now, struct errbuf *eb);

/* Counts for the registry and the progress engine. */
struct connect_summary {
    int64_t active, failed;  /* connections */
    int64_t open_sessions;   /* sessions open at now */
    int64_t soonest_expiry;  /* of active connections; 0 when none */
    int64_t last_success_at; /* newest; 0 when none */
    int64_t auth_errors, sync_errors;
    char failed_reason[CONNECT_REASON_MAX];
};

enum err connect_summary_get(const struct connect_env *env, int64_t now,
                             struct connect_summary *out, struct errbuf *eb);

struct connect_inspect_req {
    const char *type;          /* API type */
    const json_t *params;      /* business parameters (object) or NULL */
    enum temu_region region;   /* whose App Key/Secret sign */
    const char *connection_id; /* whose token to send, or NULL for none */
    bool send;                 /* also send it and report the answer */
};

/*
 * The signed request inspector: the canonical string with the secret and token masked, the
 * timestamp and its skew against the answer, the signature, the body (token masked) and,
 * when sent, the platform's answer or error. *out is a new object. ERR_INVAL for a bad type
 * or parameters; Temu failures are part of the answer, not errors.
 */
enum err connect_inspect(const struct connect_env *env, const struct connect_inspect_req *rq,
                         int64_t now, json_t **out, struct errbuf *eb);

#endif

/*
 * Connections: one Temu shop (mallId) in one region with its seller type, scopes, expiry,
 * status (active or failed, with a reason), history of authorizations, and what calls made
 * with its token answered.
 */
#ifndef AICOS_CONNECT_CONNECTIONS_H
#define AICOS_CONNECT_CONNECTIONS_H

#include "connect/common.h"

/*
 * Connections as a new JSON array of {id, region, mall_id, seller_type, scopes, status,
 * status_reason, auth_mode, authorized_by, authorized_at, expires_at, days_left,
 * expiry_warning, last_success_at, errors{auth, sync}, token (masked), history[...]}.
 */
ERR_MUST_USE enum err connect_connection_list(const struct connect_env *env, int64_t now,
                                              json_t **out, struct errbuf *eb);

/*
 * Verifies a connection's token now with info.get: success records last_success_at and
 * makes it active again; 3000034 marks it failed with CONNECT_REPLACED_REASON; other auth
 * errors mark it failed with Temu's message. *out gets {id, status, status_reason, ...}.
 * ERR_UPSTREAM when Temu refused (terr says why), ERR_NOTFOUND.
 */
ERR_MUST_USE enum err connect_connection_check(const struct connect_env *env, const char *id,
                                               int64_t now, json_t **out, struct temu_error *terr,
                                               struct errbuf *eb);

/*
 * Records what a Temu call made with a connection's token answered: auth-class errors count
 * as auth errors and mark the connection failed (3000034 with CONNECT_REPLACED_REASON).
 */
ERR_MUST_USE enum err connect_note_call(const struct connect_env *env, const char *id,
                                        const struct temu_error *te, int64_t now,
                                        struct errbuf *eb);

/*
 * The caller's error for a failed Temu call made with connection id's token, after noting the
 * call on the connection (a failure to note is logged: the upstream error is the answer).
 * Retryable answers are ERR_UNAVAILABLE (`temu_unavailable`, try again later); token
 * refusals (`temu_token_rejected`) and other refusals (`temu_call_failed`) are ERR_UPSTREAM.
 */
ERR_MUST_USE enum err connect_upstream_error(const struct connect_env *env, const char *id,
                                             const struct temu_error *te, int64_t now,
                                             struct errbuf *eb);

/* Counts for the registry and the progress engine. */
struct connect_summary {
    int64_t active, failed;  /* connections */
    int64_t open_sessions;   /* sessions open at now */
    int64_t soonest_expiry;  /* of active connections; 0 when none */
    int64_t last_success_at; /* newest; 0 when none */
    int64_t auth_errors, sync_errors;
    char failed_reason[CONNECT_REASON_MAX];
};

ERR_MUST_USE enum err connect_summary_get(const struct connect_env *env, int64_t now,
                                          struct connect_summary *out, struct errbuf *eb);

#endif

/*
 * The application layer's context and actor. `struct app` is what `aicos serve` hands every
 * handler (req->app); `struct app_actor` is who does a use-case (name, role, request id,
 * source IP), filled by the JSON API and the pages from the request, so use-cases never see
 * HTTP. app_audit() writes the audit entry of a use-case for its actor.
 */
#ifndef AICOS_APP_APP_H
#define AICOS_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "auth/roles.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "connect/connect.h"
#include "store/db.h"

struct metrics;
struct route;
struct vault;

struct app {
    const struct config *cfg;   /* borrowed, immutable */
    struct db *db;              /* borrowed */
    struct metrics *metrics;    /* borrowed */
    uint64_t started_ns;        /* clock_mono_ns() at start */
    struct vault *vault;        /* borrowed; NULL when no master key is configured */
    const struct route *routes; /* the served route table (for the OpenAPI document) */
    size_t nroutes;
};

struct app_actor {
    const char *name;       /* user name, "token:<name>", or "anonymous" */
    enum auth_role role;    /* ROLE_NONE when anonymous */
    const char *request_id; /* for the audit log and error logs */
    const char *ip;         /* source IP */
};

/* The actor of a principal (NULL: anonymous, role none); strings are borrowed. */
struct app_actor app_actor_of(const struct auth_principal *p, const char *request_id,
                              const char *ip);

/* True when the actor is a seller admin (sees every operator's sessions). */
bool app_actor_is_admin(const struct app_actor *who);

/*
 * Appends an audit entry: actor, role, source IP and request id from who. Failures are
 * logged, never shown to the caller.
 */
void app_audit(const struct app *app, const struct app_actor *who, const char *action,
               const char *target, const char *outcome, const char *detail);

/*
 * Counts a refusal of an anonymous caller (audit_refusal_count: one row per source address,
 * minute, action and target) instead of appending one audit entry per refused request.
 */
void app_audit_refusal(const struct app *app, const struct app_actor *who, const char *action,
                       const char *target);

/* The connect module's environment (configuration, database, vault) of app. */
void app_connect_env(const struct app *app, struct connect_env *env);

/*
 * Refuses a body that carries a password-like field (password, passwd, pwd, ...): the shop
 * login password is never needed. ERR_INVAL naming the field and what to send instead.
 */
ERR_MUST_USE enum err app_refuse_password_fields(const json_t *body, struct errbuf *eb);

#endif

/*
 * The audited use-cases of the Temu authorization workbench (src/connect does the work):
 * start an authorization session, take the callback, build the launch packet, store a
 * pasted token, verify a connection, cancel a session, inspect a call, store the App Key and
 * App Secret. The JSON API (src/api/integrations_api.c, security_api.c) and the console's
 * forms (src/web/integrations_page.c) both call these, so both write the same audit entries.
 */
#ifndef AICOS_APP_TEMU_H
#define AICOS_APP_TEMU_H

#include "app/app.h"
#include "connect/connect.h"
#include "vault/vault.h"

/* The body's "region" (default: AICOS_TEMU_REGION); ERR_INVAL bad_region otherwise. */
ERR_MUST_USE enum err app_temu_body_region(const struct app *app, const json_t *body,
                                           enum temu_region *out, struct errbuf *eb);

/* The JSON answer describing a new authorization session of purpose "production" or "dev". */
json_t *app_temu_session_json(const struct connect_session_out *s, const char *purpose);

/* Creates an authorization session (production or dev) from body fields; audited. */
ERR_MUST_USE enum err app_temu_session_start(const struct app *app, const struct app_actor *who,
                                             const json_t *body, enum connect_purpose purpose,
                                             struct connect_session_out *out, struct errbuf *eb);

/* Cancels session id (its creator, or a seller admin); audited. */
ERR_MUST_USE enum err app_temu_session_cancel(const struct app *app, const struct app_actor *who,
                                              const char *id, struct errbuf *eb);

/* Runs the callback with Temu's code, state and error arguments; audited. */
ERR_MUST_USE enum err app_temu_callback_run(const struct app *app, const struct app_actor *who,
                                            const char *code, const char *state, const char *error,
                                            struct connect_result *out, struct errbuf *eb);

/* The launch packet for body: *out is {ready, blockers[, session]}; audited. */
ERR_MUST_USE enum err app_temu_launch_run(const struct app *app, const struct app_actor *who,
                                          const json_t *body, json_t **out, struct errbuf *eb);

/* Manual mode: verifies and stores a pasted token; audited. */
ERR_MUST_USE enum err app_temu_manual_run(const struct app *app, const struct app_actor *who,
                                          const char *region, const char *token,
                                          const char *connection_id, struct connect_result *out,
                                          struct errbuf *eb);

/* Verifies a connection's token now (info.get); *out as connect_connection_check; audited. */
ERR_MUST_USE enum err app_temu_check_run(const struct app *app, const struct app_actor *who,
                                         const char *id, json_t **out, struct errbuf *eb);

/* Signs (and unless told not to, sends) one call of the inspector from body; audited. */
ERR_MUST_USE enum err app_temu_inspect_run(const struct app *app, const struct app_actor *who,
                                           const json_t *body, json_t **out, struct errbuf *eb);

/*
 * Stores the App Key and App Secret of body's region in the vault; audited (a refused
 * password-like field too). On success key and secret get the masked values and their names.
 */
struct app_temu_credentials {
    enum temu_region region;
    char key_name[48], secret_name[48];
    char key_masked[VAULT_MASKED_MAX], secret_masked[VAULT_MASKED_MAX];
};
ERR_MUST_USE enum err app_temu_credentials_put(const struct app *app, const struct app_actor *who,
                                               const json_t *body, struct app_temu_credentials *out,
                                               struct errbuf *eb);

#endif

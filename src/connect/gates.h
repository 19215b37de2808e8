/*
 * The callback URL, the launch gates a production session must pass (App Key/Secret stored,
 * public HTTPS callback, AICOS_ENV=production, a recorded preflight with zero blockers, the
 * security gate: vault key configured and HTTPS origins) and the callback diagnostics.
 */
#ifndef AICOS_CONNECT_GATES_H
#define AICOS_CONNECT_GATES_H

#include "connect/common.h"

/* The callback URL for the configured mode into dst (CONNECT_URL_MAX). */
void connect_callback_url(const struct config *cfg, char *dst, size_t len);

/*
 * The launch gates for region as a new JSON array of blockers {gate, owner, message,
 * next_action}; empty when every gate is open.
 */
ERR_MUST_USE enum err connect_launch_blockers(const struct connect_env *env,
                                              enum temu_region region, json_t **out,
                                              struct errbuf *eb);

/* Callback diagnostics (public, no secrets) as a new JSON object. */
json_t *connect_callback_diagnostics(const struct config *cfg);

#endif

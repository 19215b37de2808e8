/* Internal to src/actions: the settlement input's facts (settle.c). */
#ifndef AICOS_ACTIONS_SETTLE_H
#define AICOS_ACTIONS_SETTLE_H

#include "actions/internal.h"

/* The results of conn's orders keys[0..n) (n <= ACTIONS_CHUNK) on c, into out; *got found. */
ERR_MUST_USE enum err actions_settle_load(struct db_conn *c, const char *conn,
                                          const char *const *keys, size_t n,
                                          struct settle_order_state *out, size_t *got,
                                          struct errbuf *eb);

/* Up to ACTIONS_CHUNK of conn's settled orders after the key after, in key order. */
ERR_MUST_USE enum err actions_settle_keys(struct db *db, const char *conn, const char *after,
                                          struct settle_order_state *out, size_t *got,
                                          struct errbuf *eb);

#endif

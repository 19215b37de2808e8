/*
 * payout: the payout provider's credits in our database (issue 13, "API import from the payout
 * provider"), the last layer of the reconciliation (withdrawals -> provider credits).
 *
 * Airwallex is the provider. Its credential (client id + API key) is one vault secret named
 * "airwallex" (a JSON object), stored by `aicos settlement airwallex set-credential`.
 * payout_sync_airwallex() reads, for each currency, the SETTLED settlements from a checkpoint
 * (with a 3-day overlap) in 30-day windows and the PENDING ones of the last and next 60 days,
 * then the balance history in 7-day windows; every page is one transaction of content-hash
 * upserts into payout_credits (key: provider, feed, provider id), so re-reading is a no-op and
 * a kill at any moment loses nothing: a window's checkpoint moves only after all its pages are
 * stored, and the next run reads the window again. One sync at a time holds the lease
 * ("payout:airwallex", "payout") of sync_leases (a dead holder of this host is taken over).
 * State per feed (checkpoint, last run, last error) is in payout_sync_state.
 */
#ifndef AICOS_SETTLEMENT_PAYOUT_H
#define AICOS_SETTLEMENT_PAYOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "base/money.h"
#include "settlement/airwallex.h"
#include "store/db.h"
#include "vault/vault.h"

#define PAYOUT_PROVIDER       "airwallex"
#define PAYOUT_VAULT_NAME     "airwallex"
#define PAYOUT_CURRENCIES     "USD,EUR,CNY" /* default currencies of the settlements feeds */
#define PAYOUT_CURRENCIES_MAX 16
#define PAYOUT_LIST_MAX       10000 /* credits one payout_credits_list() returns at most */

/*
 * Stores the credential in the vault (replacing any), after checking its shape (1..128
 * printable characters each). masked (VAULT_MASKED_MAX) gets the API key's masked form.
 */
ERR_MUST_USE enum err payout_credential_store(struct vault *v, const char *client_id,
                                              const char *api_key, const char *actor, char *masked,
                                              struct errbuf *eb);

/* Whether the credential exists, read from the secrets table without decrypting anything. */
ERR_MUST_USE enum err payout_credential_present(struct db *db, bool *present, struct errbuf *eb);

struct payout_sync_opts {
    const char *base_url;   /* the API base (AICOS_AIRWALLEX_URL) */
    bool allow_http;        /* outside production */
    const char *currencies; /* comma-separated ISO codes; NULL: PAYOUT_CURRENCIES */
    int64_t since;          /* first sync starts here (Unix s) */
    int64_t now;            /* 0: the clock */
    int64_t page_size;      /* 1..1000; 0: 100 */
    int max_retries;        /* -1: the client's default */
};

struct payout_sync_result {
    int64_t pages, fetched, stored, unchanged;
    struct airwallex_stats http;
};

/* Fills o from the configuration: URL, http:// outside production, since = now - 180 days. */
void payout_sync_opts_from_config(struct payout_sync_opts *o, const struct config *cfg);

/*
 * Runs one sync (above). ERR_NOTFOUND without a credential; ERR_CONFLICT when another sync
 * holds the lease; the client's errors otherwise (recorded as the feed's last_error). What
 * was stored before an error stays stored.
 */
ERR_MUST_USE enum err payout_sync_airwallex(struct db *db, struct vault *v,
                                            const struct payout_sync_opts *o,
                                            struct payout_sync_result *res, struct errbuf *eb);

/* One stored credit. */
struct payout_credit {
    char provider[16];
    char feed[16];              /* "settlements" or "history" */
    struct airwallex_line line; /* id, kind, status, amount, fee, fx, times, reference */
};

struct payout_credits_filter {
    int64_t since, until; /* settled_at in [since, until); 0: no bound */
    const char *currency; /* NULL: all */
    const char *feed;     /* NULL: both */
    bool include_pending; /* also credits not settled yet (settled_at -1) */
    size_t limit;         /* 1..PAYOUT_LIST_MAX; 0: PAYOUT_LIST_MAX */
};

/*
 * The stored credits matching f, oldest settlement first (the reconciliation's layer 4 reads
 * these). *out is a malloc'd array of *n credits (free() it).
 */
ERR_MUST_USE enum err payout_credits_list(struct db *db, const struct payout_credits_filter *f,
                                          struct payout_credit **out, size_t *n, struct errbuf *eb);

/*
 * The status as JSON: {"credential": bool, "credits": n, "feeds": [{feed, checkpoint,
 * last_run_at, last_ok_at, last_error}]}.
 */
ERR_MUST_USE enum err payout_status(struct db *db, json_t **out, struct errbuf *eb);

#endif

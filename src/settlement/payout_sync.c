/* The payout sync: settlements (settled from a checkpoint, pending around now), then history. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/secure.h"
#include "settlement/payout_private.h"
#include "sync/sync.h"

#define PAYOUT_DAY          86400
#define PAYOUT_WINDOW       (30 * PAYOUT_DAY)  /* one settlements query */
#define PAYOUT_OVERLAP      (3 * PAYOUT_DAY)   /* re-read before the checkpoint: late settlements */
#define PAYOUT_PENDING      (60 * PAYOUT_DAY)  /* pending ones: this far back and ahead */
#define PAYOUT_PAGES_MAX    100000             /* pages of one window, a guard against a loop */
#define PAYOUT_LOOKBACK     (180 * PAYOUT_DAY) /* the first sync reaches this far back */
#define PAYOUT_LEASE_TTL    600
#define PAYOUT_LEASE_CONN   "payout:" PAYOUT_PROVIDER
#define PAYOUT_LEASE_STREAM "payout"

struct payout_run {
    struct db *db;
    struct airwallex_client *client;
    const struct payout_sync_opts *o;
    struct payout_sync_result *res;
    int64_t now, page_size;
    char holder[SYNC_HOLDER_MAX];
};

void payout_sync_opts_from_config(struct payout_sync_opts *o, const struct config *cfg)
{
    memset(o, 0, sizeof *o);
    o->base_url = cfg->airwallex_url;
    o->allow_http = cfg->env != CONFIG_ENV_PRODUCTION;
    o->since = (int64_t)time(NULL) - PAYOUT_LOOKBACK;
    o->max_retries = -1;
}

/* Records feed's failure (its own transaction) and returns e. */
ERR_MUST_USE static enum err payout_failed(struct payout_run *r, const char *feed, enum err e,
                                           struct errbuf *eb)
{
    struct errbuf ignore = {{0}, {0}};
    err_discard(payout_state_put(r->db, feed, -1, r->now, errbuf_message(eb, e), &ignore));
    return e;
}

/* Every page of settlements of currency and status in [from, to]. */
ERR_MUST_USE static enum err payout_settlement_pages(struct payout_run *r, const char *currency,
                                                     const char *status, int64_t from, int64_t to,
                                                     struct errbuf *eb)
{
    enum err e = ERR_OK;
    bool more = true;
    for (int64_t num = 0; e == ERR_OK && more; num++) {
        struct airwallex_page p;
        if (num >= PAYOUT_PAGES_MAX)
            return err_set(eb, ERR_UPSTREAM, "payout_pages", "Airwallex keeps sending pages.");
        e = airwallex_settlements_page(r->client, currency, status, from, to, num, r->page_size, &p,
                                       eb);
        if (e == ERR_OK && p.has_more && p.n == 0)
            e = err_set(eb, ERR_UPSTREAM, "payout_pages",
                        "Airwallex sent an empty page that says more follow.");
        if (e == ERR_OK)
            e = payout_store_page(r->db, "settlements", &p, r->now, r->res, eb);
        more = p.has_more;
        airwallex_page_clear(&p);
    }
    return e;
}

/* Keeps the lease for another PAYOUT_LEASE_TTL; ERR_CONFLICT when it was lost. */
ERR_MUST_USE static enum err payout_lease(struct payout_run *r, struct errbuf *eb)
{
    bool got = false;
    struct db_conn *c = db_acquire(r->db);
    enum err e = sync_lease_claim(c, PAYOUT_LEASE_CONN, PAYOUT_LEASE_STREAM, r->holder,
                                  (int64_t)time(NULL), PAYOUT_LEASE_TTL, &got, eb);
    db_release(c);
    if (e == ERR_OK && !got)
        e = err_set(eb, ERR_CONFLICT, "payout_busy", "Another payout sync is running.");
    return e;
}

/* The SETTLED settlements of currency from its checkpoint, window by window. */
ERR_MUST_USE static enum err payout_settled(struct payout_run *r, const char *currency,
                                            struct errbuf *eb)
{
    char feed[40];
    snprintf(feed, sizeof feed, "settlements:%s", currency);
    int64_t cp = -1;
    enum err e = payout_checkpoint_get(r->db, feed, &cp, eb);
    int64_t start = cp < 0 ? r->o->since : cp - PAYOUT_OVERLAP;
    if (start < r->o->since)
        start = r->o->since;
    for (; e == ERR_OK && start <= r->now;) {
        int64_t end = start + PAYOUT_WINDOW < r->now ? start + PAYOUT_WINDOW : r->now;
        e = payout_settlement_pages(r, currency, "SETTLED", start, end, eb);
        if (e == ERR_OK) /* the window is complete: only now does the checkpoint move */
            e = payout_state_put(r->db, feed, end, r->now, "", eb);
        if (e == ERR_OK)
            e = payout_lease(r, eb);
        if (end >= r->now)
            break;
        start = end;
    }
    return e != ERR_OK ? payout_failed(r, feed, e, eb) : ERR_OK;
}

/* The PENDING settlements of currency expected within PAYOUT_PENDING of now. */
ERR_MUST_USE static enum err payout_pending(struct payout_run *r, const char *currency,
                                            struct errbuf *eb)
{
    char feed[40];
    snprintf(feed, sizeof feed, "pending:%s", currency);
    enum err e = payout_settlement_pages(r, currency, "PENDING", r->now - PAYOUT_PENDING,
                                         r->now + PAYOUT_PENDING, eb);
    if (e == ERR_OK)
        e = payout_state_put(r->db, feed, r->now, r->now, "", eb);
    return e != ERR_OK ? payout_failed(r, feed, e, eb) : ERR_OK;
}

/* Every page of balance history in [from, to] (at most 7 days). */
ERR_MUST_USE static enum err payout_history_pages(struct payout_run *r, int64_t from, int64_t to,
                                                  struct errbuf *eb)
{
    char cursor[AIRWALLEX_CURSOR_MAX] = "";
    enum err e = ERR_OK;
    for (int64_t num = 0; e == ERR_OK; num++) {
        struct airwallex_page p;
        if (num >= PAYOUT_PAGES_MAX)
            return err_set(eb, ERR_UPSTREAM, "payout_pages", "Airwallex keeps sending pages.");
        e = airwallex_history_page(r->client, NULL, from, to, cursor, r->page_size, &p, eb);
        if (e == ERR_OK && p.has_more && strcmp(p.page_after, cursor) == 0)
            e = err_set(eb, ERR_UPSTREAM, "payout_pages",
                        "Airwallex sent the same page_after twice.");
        if (e == ERR_OK)
            e = payout_store_page(r->db, "history", &p, r->now, r->res, eb);
        bool more = e == ERR_OK && p.has_more;
        snprintf(cursor, sizeof cursor, "%s", p.page_after);
        airwallex_page_clear(&p);
        if (!more)
            break;
    }
    return e;
}

/* The balance history from its checkpoint in 7-day windows. */
ERR_MUST_USE static enum err payout_history(struct payout_run *r, struct errbuf *eb)
{
    int64_t cp = -1;
    enum err e = payout_checkpoint_get(r->db, "history", &cp, eb);
    int64_t start = cp < 0 ? r->o->since : cp - PAYOUT_DAY;
    if (start < r->o->since)
        start = r->o->since;
    for (; e == ERR_OK && start <= r->now;) {
        int64_t end =
            start + AIRWALLEX_HISTORY_SPAN < r->now ? start + AIRWALLEX_HISTORY_SPAN : r->now;
        e = payout_history_pages(r, start, end, eb);
        if (e == ERR_OK)
            e = payout_state_put(r->db, "history", end, r->now, "", eb);
        if (e == ERR_OK)
            e = payout_lease(r, eb);
        if (end >= r->now)
            break;
        start = end;
    }
    return e != ERR_OK ? payout_failed(r, "history", e, eb) : ERR_OK;
}

/* Splits the comma-separated currencies into codes; ERR_INVAL for a code that is not one. */
ERR_MUST_USE static enum err payout_currencies(const char *list,
                                               char codes[PAYOUT_CURRENCIES_MAX][4], size_t *n,
                                               struct errbuf *eb)
{
    *n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len != 3 || *n >= PAYOUT_CURRENCIES_MAX)
            return err_set(eb, ERR_INVAL, "currencies",
                           "Currencies are up to %d ISO 4217 codes separated by commas.",
                           PAYOUT_CURRENCIES_MAX);
        snprintf(codes[*n], 4, "%.3s", p);
        if (money_currency_exponent(codes[*n]) < 0)
            return err_set(eb, ERR_INVAL, "currencies", "%s is not a known ISO 4217 code.",
                           codes[*n]);
        (*n)++;
        p += len;
        if (*p == ',')
            p++;
    }
    return *n > 0 ? ERR_OK : err_set(eb, ERR_INVAL, "currencies", "No currency to sync.");
}

/* The feeds of one run, in order. */
ERR_MUST_USE static enum err payout_feeds(struct payout_run *r, struct errbuf *eb)
{
    char codes[PAYOUT_CURRENCIES_MAX][4];
    size_t n = 0;
    enum err e = payout_currencies(r->o->currencies != NULL ? r->o->currencies : PAYOUT_CURRENCIES,
                                   codes, &n, eb);
    for (size_t i = 0; e == ERR_OK && i < n; i++) {
        e = payout_settled(r, codes[i], eb);
        if (e == ERR_OK)
            e = payout_pending(r, codes[i], eb);
    }
    return e == ERR_OK ? payout_history(r, eb) : e;
}

enum err payout_sync_airwallex(struct db *db, struct vault *v, const struct payout_sync_opts *o,
                               struct payout_sync_result *res, struct errbuf *eb)
{
    memset(res, 0, sizeof *res);
    if (o->page_size < 0 || o->page_size > AIRWALLEX_PAGE_SIZE_MAX)
        return err_set(eb, ERR_INVAL, "page_size", "The page size must be 1 to %d.",
                       AIRWALLEX_PAGE_SIZE_MAX);
    struct payout_run r = {db,
                           NULL,
                           o,
                           res,
                           o->now > 0 ? o->now : (int64_t)time(NULL),
                           o->page_size > 0 ? o->page_size : 100,
                           ""};
    char id[AIRWALLEX_CRED_MAX + 1], key[AIRWALLEX_CRED_MAX + 1];
    enum err e = payout_credential_read(v, id, key, eb);
    struct airwallex_options ao;
    airwallex_options_init(&ao);
    ao.base_url = o->base_url;
    ao.allow_http = o->allow_http;
    ao.client_id = id;
    ao.api_key = key;
    if (o->max_retries >= 0)
        ao.max_retries = o->max_retries;
    if (e == ERR_OK)
        e = airwallex_client_new(&ao, &r.client, eb);
    secure_wipe(key, sizeof key);
    sync_holder_id(r.holder, sizeof r.holder);
    bool leased = false;
    if (e == ERR_OK && (e = payout_lease(&r, eb)) == ERR_OK)
        leased = true;
    if (e == ERR_OK)
        e = payout_feeds(&r, eb);
    if (r.client != NULL)
        airwallex_client_stats(r.client, &res->http);
    if (leased) {
        struct errbuf ignore = {{0}, {0}};
        struct db_conn *c = db_acquire(db);
        err_discard(
            sync_lease_release(c, PAYOUT_LEASE_CONN, PAYOUT_LEASE_STREAM, r.holder, &ignore));
        db_release(c);
    }
    airwallex_client_free(r.client);
    return e;
}

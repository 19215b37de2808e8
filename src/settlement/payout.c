/* The payout credits: the vault credential, the upserts, the list for reconciliation, status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/secure.h"
#include "settlement/payout_private.h"

static bool payout_cred_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return n >= 1 && n <= AIRWALLEX_CRED_MAX;
}

enum err payout_credential_store(struct vault *v, const char *client_id, const char *api_key,
                                 const char *actor, char *masked, struct errbuf *eb)
{
    if (!payout_cred_ok(client_id))
        return err_set(eb, ERR_INVAL, "client_id",
                       "The client id must be 1 to %d printable characters without spaces.",
                       AIRWALLEX_CRED_MAX);
    if (!payout_cred_ok(api_key))
        return err_set(eb, ERR_INVAL, "api_key",
                       "The API key must be 1 to %d printable characters without spaces.",
                       AIRWALLEX_CRED_MAX);
    json_t *o = json_pack("{s:s, s:s}", "client_id", client_id, "api_key", api_key);
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (text == NULL)
        return err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory storing the credential.");
    enum err e = vault_put(v, PAYOUT_VAULT_NAME, text, strlen(text), actor, eb);
    secure_wipe(text, strlen(text));
    free(text);
    if (e == ERR_OK && masked != NULL)
        vault_mask(api_key, strlen(api_key), masked);
    return e;
}

enum err payout_credential_read(struct vault *v, char *id, char *key, struct errbuf *eb)
{
    char *value = NULL;
    size_t len = 0;
    enum err e = vault_get(v, PAYOUT_VAULT_NAME, &value, &len, eb);
    if (e == ERR_NOTFOUND)
        return err_set(eb, ERR_NOTFOUND, "payout_no_credential",
                       "No Airwallex credential: run `aicos settlement airwallex set-credential`.");
    if (e != ERR_OK)
        return e;
    json_t *o = NULL;
    struct errbuf inner = {{0}, {0}};
    e = json_parse_strict(value, len, 2, &o, &inner);
    const char *cid = e == ERR_OK ? json_get_string(o, "client_id") : NULL;
    const char *ckey = e == ERR_OK ? json_get_string(o, "api_key") : NULL;
    if (!payout_cred_ok(cid) || !payout_cred_ok(ckey)) {
        e = err_set(eb, ERR_INTERNAL, "payout_credential",
                    "The stored Airwallex credential is not a client id and API key.");
    } else {
        snprintf(id, AIRWALLEX_CRED_MAX + 1, "%s", cid);
        snprintf(key, AIRWALLEX_CRED_MAX + 1, "%s", ckey);
        e = ERR_OK;
    }
    if (o != NULL) {
        json_t *k = json_object_get(o, "api_key");
        if (json_is_string(k))
            secure_wipe((void *)json_string_value(k), json_string_length(k));
    }
    json_decref(o);
    vault_secret_free(value, len);
    return e;
}

enum err payout_credential_present(struct db *db, bool *present, struct errbuf *eb)
{
    *present = false;
    struct db_param p[] = {DB_P_TEXT(PAYOUT_VAULT_NAME)};
    struct db_rows *rows = NULL;
    enum err e = db_pool_query(db, "SELECT 1 FROM secrets WHERE name = $1", p, 1, &rows, eb);
    if (e == ERR_OK)
        *present = db_rows_count(rows) == 1;
    db_rows_free(rows);
    return e;
}

/* The content hash of a line: every stored field, in order. */
static void payout_hash(const struct airwallex_line *l, char out[SECURE_HASH_HEX])
{
    char text[1024];
    snprintf(text, sizeof text, "%s|%s|%s|%lld|%s|%lld|%s|%lld|%lld|%lld|%s|%s", l->id, l->kind,
             l->status, (long long)l->amount.minor, l->amount.currency, (long long)l->fee.minor,
             l->fx_rate, (long long)l->created_at, (long long)l->settled_at,
             (long long)l->estimated_at, l->reference, l->source);
    secure_hash_hex(text, out);
}

ERR_MUST_USE static enum err payout_upsert(struct db_conn *c, const char *feed,
                                           const struct airwallex_line *l, int64_t now,
                                           int64_t *changed, struct errbuf *eb)
{
    char hash[SECURE_HASH_HEX];
    payout_hash(l, hash);
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER),
                           DB_P_TEXT(feed),
                           DB_P_TEXT(l->id),
                           DB_P_TEXT(l->kind),
                           DB_P_TEXT(l->status),
                           DB_P_INT(l->amount.minor),
                           DB_P_INT(l->fee.minor),
                           DB_P_TEXT(l->amount.currency),
                           DB_P_TEXT(l->fx_rate),
                           DB_P_INT(l->created_at),
                           DB_P_INT(l->settled_at),
                           DB_P_INT(l->estimated_at),
                           DB_P_TEXT(l->reference),
                           DB_P_TEXT(l->source),
                           DB_P_TEXT(hash),
                           DB_P_INT(now)};
    return db_exec(
        c,
        "INSERT INTO payout_credits (provider, feed, provider_id, kind, status, amount_minor, "
        "fee_minor, currency, fx_rate, created_at, settled_at, estimated_at, reference, source, "
        "content_hash, first_synced_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, $11, $12, $13, $14, $15, $16, $16) ON CONFLICT (provider, feed, provider_id) DO "
        "UPDATE SET kind = excluded.kind, status = excluded.status, amount_minor = "
        "excluded.amount_minor, fee_minor = excluded.fee_minor, currency = excluded.currency, "
        "fx_rate = excluded.fx_rate, created_at = excluded.created_at, settled_at = "
        "excluded.settled_at, estimated_at = excluded.estimated_at, reference = "
        "excluded.reference, source = excluded.source, content_hash = excluded.content_hash, "
        "synced_at = excluded.synced_at WHERE payout_credits.content_hash <> "
        "excluded.content_hash",
        p, sizeof p / sizeof p[0], changed, eb);
}

enum err payout_store_page(struct db *db, const char *feed, const struct airwallex_page *p,
                           int64_t now, struct payout_sync_result *res, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    int64_t stored = 0;
    enum err e = db_begin(c, eb);
    for (size_t i = 0; e == ERR_OK && i < p->n; i++) {
        int64_t changed = 0;
        e = payout_upsert(c, feed, &p->lines[i], now, &changed, eb);
        stored += changed;
    }
    e = db_end(c, e, eb);
    db_release(c);
    if (e == ERR_OK) {
        res->pages++;
        res->fetched += (int64_t)p->n;
        res->stored += stored;
        res->unchanged += (int64_t)p->n - stored;
    }
    return e;
}

enum err payout_checkpoint_get(struct db *db, const char *feed, int64_t *out, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER), DB_P_TEXT(feed)};
    struct db_rows *rows = NULL;
    enum err e = db_pool_query(db,
                               "SELECT checkpoint FROM payout_sync_state WHERE provider = $1 AND "
                               "feed = $2",
                               p, 2, &rows, eb);
    *out = -1;
    if (e == ERR_OK && db_rows_count(rows) == 1)
        e = db_rows_int(rows, 0, 0, out);
    db_rows_free(rows);
    return e;
}

enum err payout_state_put(struct db *db, const char *feed, int64_t checkpoint, int64_t now,
                          const char *error, struct errbuf *eb)
{
    bool ok = error == NULL || error[0] == '\0';
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER), DB_P_TEXT(feed),
                           DB_P_INT(checkpoint),       DB_P_INT(now),
                           DB_P_INT(ok ? now : -1),    DB_P_TEXT(ok ? "" : error)};
    enum err e = db_pool_exec(
        db,
        "INSERT INTO payout_sync_state (provider, feed, checkpoint, last_run_at, last_ok_at, "
        "last_error) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, feed) DO UPDATE SET "
        "checkpoint = CASE WHEN excluded.checkpoint < 0 THEN payout_sync_state.checkpoint ELSE "
        "excluded.checkpoint END, last_run_at = excluded.last_run_at, last_ok_at = CASE WHEN "
        "excluded.last_ok_at < 0 THEN payout_sync_state.last_ok_at ELSE excluded.last_ok_at END, "
        "last_error = excluded.last_error",
        p, 6, NULL, eb);
    return e;
}

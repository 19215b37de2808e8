/* Reads of the payout credits: the list for the reconciliation, the status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "settlement/payout_private.h"

#define PAYOUT_COLS                                                                                \
    "feed, provider_id, kind, status, amount_minor, fee_minor, currency, fx_rate, created_at, "    \
    "settled_at, estimated_at, reference, source"

/* Fills one credit from row i of rows (columns PAYOUT_COLS). */
ERR_MUST_USE static enum err payout_row(const struct db_rows *rows, size_t i,
                                        struct payout_credit *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct airwallex_line *l = &out->line;
    snprintf(out->provider, sizeof out->provider, "%s", PAYOUT_PROVIDER);
    snprintf(out->feed, sizeof out->feed, "%s", db_rows_get(rows, i, 0));
    snprintf(l->id, sizeof l->id, "%s", db_rows_get(rows, i, 1));
    snprintf(l->kind, sizeof l->kind, "%s", db_rows_get(rows, i, 2));
    snprintf(l->status, sizeof l->status, "%s", db_rows_get(rows, i, 3));
    snprintf(l->amount.currency, sizeof l->amount.currency, "%s", db_rows_get(rows, i, 6));
    memcpy(l->fee.currency, l->amount.currency, sizeof l->fee.currency);
    snprintf(l->fx_rate, sizeof l->fx_rate, "%s", db_rows_get(rows, i, 7));
    snprintf(l->reference, sizeof l->reference, "%s", db_rows_get(rows, i, 11));
    snprintf(l->source, sizeof l->source, "%s", db_rows_get(rows, i, 12));
    static const size_t cols[] = {4, 5, 8, 9, 10};
    int64_t *const dst[] = {&l->amount.minor, &l->fee.minor, &l->created_at, &l->settled_at,
                            &l->estimated_at};
    return db_rows_ints(rows, i, 5, cols, dst, eb);
}

enum err payout_credits_list(struct db *db, const struct payout_credits_filter *f,
                             struct payout_credit **out, size_t *n, struct errbuf *eb)
{
    *out = NULL;
    *n = 0;
    size_t limit = f->limit == 0 || f->limit > PAYOUT_LIST_MAX ? PAYOUT_LIST_MAX : f->limit;
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER),
                           DB_P_INT(f->since),
                           DB_P_INT(f->until > 0 ? f->until : INT64_MAX),
                           DB_P_TEXT(f->currency != NULL ? f->currency : ""),
                           DB_P_TEXT(f->feed != NULL ? f->feed : ""),
                           DB_P_INT(f->include_pending ? 1 : 0),
                           DB_P_INT((int64_t)limit)};
    struct db_rows *rows = NULL;
    enum err e = db_pool_query(db,
                               "SELECT " PAYOUT_COLS " FROM payout_credits WHERE provider = $1 AND "
                               "((settled_at >= $2 AND settled_at < $3) OR ($6 = 1 AND settled_at "
                               "< 0)) AND ($4 = '' OR currency = $4) AND ($5 = '' OR feed = $5) "
                               "ORDER BY settled_at, feed, provider_id LIMIT $7",
                               p, sizeof p / sizeof p[0], &rows, eb);
    size_t count = e == ERR_OK ? db_rows_count(rows) : 0;
    struct payout_credit *list = e == ERR_OK ? calloc(count + 1, sizeof *list) : NULL;
    if (e == ERR_OK && list == NULL)
        e = err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory listing payout credits.");
    for (size_t i = 0; e == ERR_OK && i < count; i++)
        e = payout_row(rows, i, &list[i], eb);
    db_rows_free(rows);
    if (e != ERR_OK) {
        free(list);
        return e;
    }
    *out = list;
    *n = count;
    return ERR_OK;
}

enum err payout_status(struct db *db, json_t **out, struct errbuf *eb)
{
    *out = NULL;
    bool present = false;
    enum err e = payout_credential_present(db, &present, eb);
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER)};
    struct db_rows *feeds = NULL, *count = NULL;
    struct db_conn *c = db_acquire(db);
    if (e == ERR_OK)
        e = db_query(c,
                     "SELECT feed, checkpoint, last_run_at, last_ok_at, last_error FROM "
                     "payout_sync_state WHERE provider = $1 ORDER BY feed",
                     p, 1, &feeds, eb);
    if (e == ERR_OK)
        e = db_query(c, "SELECT COUNT(*) FROM payout_credits WHERE provider = $1", p, 1, &count,
                     eb);
    db_release(c);
    int64_t credits = 0;
    if (e == ERR_OK)
        e = db_rows_int(count, 0, 0, &credits);
    json_t *list = json_array();
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(feeds); i++) {
        int64_t v[3];
        static const size_t cols[] = {1, 2, 3};
        int64_t *const dst[] = {&v[0], &v[1], &v[2]};
        e = db_rows_ints(feeds, i, 3, cols, dst, eb);
        if (e == ERR_OK)
            json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:I, s:s}", "feed",
                                                  db_rows_get(feeds, i, 0), "checkpoint",
                                                  (json_int_t)v[0], "last_run_at", (json_int_t)v[1],
                                                  "last_ok_at", (json_int_t)v[2], "last_error",
                                                  db_rows_get(feeds, i, 4)));
    }
    if (e == ERR_OK)
        *out = json_pack("{s:s, s:b, s:I, s:o}", "provider", PAYOUT_PROVIDER, "credential", present,
                         "credits", (json_int_t)credits, "feeds", list);
    else
        json_decref(list);
    db_rows_free(feeds);
    db_rows_free(count);
    if (e == ERR_OK && *out == NULL)
        e = err_set(eb, ERR_NOMEM, "out_of_memory", "Out of memory building the status.");
    return e;
}

/*
 * The settlement status behind the registry row (status.h).
 */
#include "settlement/status.h"

#include <stdio.h>
#include <string.h>

#include "settlement/line.h"
#include "settlement/payout.h"

ERR_MUST_USE static enum err settle_status_counts(struct db_conn *c, struct settle_status *s,
                                                  struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT (SELECT COUNT(*) FROM settlement_imports), (SELECT "
                          "COALESCE(SUM(lines), 0) FROM settlement_imports WHERE kind <> "
                          "'expected'), (SELECT COUNT(*) FROM settlement_profiles), "
                          "(SELECT COALESCE(MAX(ran_at), 0) FROM settlement_runs)",
                          NULL, 0, &r, eb);
    if (e == ERR_OK) {
        const size_t cols[] = {0, 1, 2, 3};
        int64_t *outs[] = {&s->imports, &s->lines, &s->profiles, &s->ran_at};
        e = db_rows_ints(r, 0, 4, cols, outs, eb);
    }
    db_rows_free(r);
    return e;
}

/* Overdue orders and unexplained variance of the last run, with the orders named. */
ERR_MUST_USE static enum err settle_status_risk(struct db_conn *c, struct settle_status *s,
                                                struct errbuf *eb)
{
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT ref, status, reason, amount_minor, currency FROM "
                          "settlement_results WHERE layer = 1 AND (status = 'missing' OR reason "
                          "= 'unexplained') ORDER BY status, ref LIMIT 1000",
                          NULL, 0, &r, eb);
    size_t off = 0;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        int64_t a = db_rows_int_or(r, i, 3, 0);
        a = a < 0 ? -a : a;
        if (strcmp(db_rows_get(r, i, 1), "missing") == 0)
            s->missing++, s->missing_minor += a;
        else
            s->unexplained_orders++, s->unexplained_minor += a;
        if (s->currency[0] == '\0')
            settle_copy(s->currency, sizeof s->currency, db_rows_get(r, i, 4));
        if (off + 40 < sizeof s->orders)
            off += (size_t)snprintf(s->orders + off, sizeof s->orders - off, "%s%s",
                                    off ? ", " : "", db_rows_get(r, i, 0));
    }
    db_rows_free(r);
    return e;
}

/* How the payout provider's scheduled import fares (payout_sync_state, one row per feed). */
ERR_MUST_USE static enum err settle_status_api(struct db_conn *c, struct settle_status *s,
                                               struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(PAYOUT_PROVIDER)};
    enum err e = db_query(c,
                          "SELECT feed, last_error, last_ok_at FROM payout_sync_state WHERE "
                          "provider = $1 ORDER BY feed",
                          p, 1, &r, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        int64_t ok = db_rows_int_or(r, i, 2, 0);
        s->api_ok_at = ok > s->api_ok_at ? ok : s->api_ok_at;
        if (s->api_error[0] == '\0' && db_rows_get(r, i, 1)[0] != '\0')
            snprintf(s->api_error, sizeof s->api_error, "%s: %.160s", db_rows_get(r, i, 0),
                     db_rows_get(r, i, 1));
    }
    db_rows_free(r);
    return e;
}

enum err settle_status_get(struct db *db, struct settle_status *out, struct errbuf *eb)
{
    memset(out, 0, sizeof *out);
    struct db_conn *c = db_acquire(db);
    enum err e = settle_status_counts(c, out, eb);
    e = e ? e : settle_status_risk(c, out, eb);
    e = e ? e : settle_status_api(c, out, eb);
    db_release(c);
    e = e ? e : payout_credential_present(db, &out->api_credential, eb);
    return e;
}

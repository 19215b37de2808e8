/*
 * The items: reconciling detector hits with the stored action_items in the caller's
 * transaction. One item per (connection, kind, object type, object key), by a unique index:
 * a hit is inserted with ON CONFLICT DO NOTHING, so two processes evaluating the same object
 * at once leave one item (the loser updates it). State moves are conditional updates
 * (WHERE state = the state read), so a concurrent change is never overwritten silently, and
 * each move that happened writes its history row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"
#include "base/secure.h"

/* A stored item of the objects being reconciled. */
struct stored {
    char id[ACTIONS_ID_LEN + 1];
    const struct actions_detector *d;
    char key[ACTIONS_KEY_MAX];
    char state[16];
    bool active;
    int64_t snoozed_until;
    bool seen; /* a hit matched it */
};

void actions_placeholders(char *out, size_t len, size_t first, size_t n)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && off < len; i++) {
        int w = snprintf(out + off, len - off, "%s$%zu", i ? ", " : "", first + i);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

enum err actions_history_add(struct db_conn *c, const char *id, const char *from, const char *to,
                             const char *actor, const char *note, int64_t now, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id), DB_P_INT(now),    DB_P_TEXT(from),
                           DB_P_TEXT(to), DB_P_TEXT(actor), DB_P_TEXT(note ? note : "")};
    return db_exec(c,
                   "INSERT INTO action_history (item_id, n, at, from_state, to_state, actor, note) "
                   "SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6 FROM action_history "
                   "WHERE item_id = $1",
                   p, 6, NULL, eb);
}

static void new_item_id(char out[ACTIONS_ID_LEN + 1])
{
    char tok[SECURE_TOKEN_LEN + 1];
    secure_token(tok);
    snprintf(out, ACTIONS_ID_LEN + 1, "ai_%.*s", ACTIONS_ID_LEN - 3, tok);
    for (char *q = out; *q; q++)
        if (*q == '-' || *q == '_')
            *q = q < out + 3 ? *q : 'x';
}

/* The stored items of the input's detectors on keys (all_keys: n == 0 means none). */
ERR_MUST_USE static enum err stored_load(struct db_conn *c, const char *conn, enum actions_input in,
                                         const char *const *keys, size_t n, struct stored **out,
                                         size_t *nout, struct errbuf *eb)
{
    char sql[2048], ph[1024];
    struct db_param p[ACTIONS_CHUNK + 1];
    *out = NULL;
    *nout = 0;
    if (n == 0 || n > ACTIONS_CHUNK)
        return n == 0 ? ERR_OK : err_set(eb, ERR_INTERNAL, NULL, "too many keys");
    p[0] = DB_P_TEXT(conn);
    for (size_t i = 0; i < n; i++)
        p[i + 1] = DB_P_TEXT(keys[i]);
    actions_placeholders(ph, sizeof ph, 2, n);
    snprintf(sql, sizeof sql,
             "SELECT id, kind, object_key, state, active, snoozed_until FROM action_items "
             "WHERE connection_id = $1 AND object_key IN (%s)",
             ph);
    struct db_rows *r = NULL;
    enum err e = db_query(c, sql, p, n + 1, &r, eb);
    size_t rows = e == ERR_OK ? db_rows_count(r) : 0;
    struct stored *s = rows ? calloc(rows, sizeof *s) : NULL;
    if (rows && s == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    size_t k = 0;
    for (size_t i = 0; e == ERR_OK && i < rows; i++) {
        const struct actions_detector *d = actions_detector_of(db_rows_get(r, i, 1));
        if (d == NULL || d->input != in)
            continue;
        snprintf(s[k].id, sizeof s[k].id, "%s", db_rows_get(r, i, 0));
        s[k].d = d;
        snprintf(s[k].key, sizeof s[k].key, "%s", db_rows_get(r, i, 2));
        snprintf(s[k].state, sizeof s[k].state, "%s", db_rows_get(r, i, 3));
        s[k].active = db_rows_int_or(r, i, 4, 0) != 0;
        s[k].snoozed_until = db_rows_int_or(r, i, 5, 0);
        k++;
    }
    db_rows_free(r);
    if (e != ERR_OK) {
        free(s);
        return e;
    }
    *out = s;
    *nout = k;
    return ERR_OK;
}

static struct stored *stored_find(struct stored *s, size_t n, const struct actions_hit *h)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].d == h->d && strcmp(s[i].key, h->key) == 0)
            return &s[i];
    return NULL;
}

/* The columns every hit writes: why, deadline, money, score, severity, owner. */
struct hit_cols {
    char *why;
    struct actions_score sc;
};

ERR_MUST_USE static enum err hit_cols(const struct actions_hit *h, int64_t now,
                                      struct hit_cols *out, struct errbuf *eb)
{
    json_t *why = json_pack("{s:s, s:O}", "rule", h->d->rule, "values",
                            h->values != NULL ? h->values : json_object());
    out->why = why != NULL ? json_dumps(why, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(why);
    if (out->why == NULL)
        return err_set(eb, ERR_NOMEM, NULL, "out of memory");
    actions_score_of(h->d->severity, h->deadline, &h->money, now, &out->sc);
    return ERR_OK;
}

/* Inserts a new item for h; *inserted false when another process inserted it first. */
ERR_MUST_USE static enum err item_insert(struct db_conn *c, const char *conn,
                                         const struct actions_hit *h, const struct hit_cols *hc,
                                         int64_t now, bool *inserted, struct errbuf *eb)
{
    char id[ACTIONS_ID_LEN + 1];
    int64_t changed = 0;
    new_item_id(id);
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(conn),
                           DB_P_TEXT(h->d->kind),
                           DB_P_TEXT(h->d->object_type),
                           DB_P_TEXT(h->key),
                           DB_P_TEXT(hc->why),
                           DB_P_INT(h->deadline),
                           DB_P_INT(h->money.minor),
                           DB_P_TEXT(h->money.currency),
                           DB_P_TEXT(h->d->owner),
                           DB_P_INT(h->d->severity),
                           DB_P_INT(hc->sc.total),
                           DB_P_INT(now)};
    enum err e = db_exec(c,
                         "INSERT INTO action_items (id, connection_id, kind, object_type, "
                         "object_key, why, deadline, money_minor, currency, owner, severity, "
                         "score, state, active, opened_at, updated_at) VALUES ($1, $2, $3, $4, "
                         "$5, $6, $7, $8, $9, $10, $11, $12, 'open', 1, $13, $13) ON CONFLICT "
                         "(connection_id, kind, object_type, object_key) DO NOTHING",
                         p, 13, &changed, eb);
    *inserted = e == ERR_OK && changed == 1;
    if (*inserted)
        e = actions_history_add(c, id, "", "open", "system", "detected", now, eb);
    return e;
}

/* Updates the stored item s with h; reopens it when it was auto-resolved, or resolved by a
 * person while its condition had cleared; wakes it when its snooze ended. */
ERR_MUST_USE static enum err item_refresh(struct db_conn *c, const struct stored *s,
                                          const struct hit_cols *hc, const struct actions_hit *h,
                                          int64_t now, struct actions_stats *st, struct errbuf *eb)
{
    const char *to = s->state;
    if (strcmp(s->state, "auto_resolved") == 0 || (strcmp(s->state, "resolved") == 0 && !s->active))
        to = "open";
    else if (strcmp(s->state, "snoozed") == 0 && s->snoozed_until <= now)
        to = "open";
    int64_t changed = 0;
    struct db_param p[] = {DB_P_TEXT(s->id),
                           DB_P_TEXT(s->state),
                           DB_P_TEXT(to),
                           DB_P_TEXT(hc->why),
                           DB_P_INT(h->deadline),
                           DB_P_INT(h->money.minor),
                           DB_P_TEXT(h->money.currency),
                           DB_P_INT(hc->sc.total),
                           DB_P_INT(now)};
    enum err e =
        db_exec(c,
                "UPDATE action_items SET state = $3, why = $4, deadline = $5, money_minor = $6, "
                "currency = $7, score = $8, active = 1, updated_at = $9, "
                "resolved_at = CASE WHEN $3 = 'open' THEN 0 ELSE resolved_at END, "
                "resolved_by = CASE WHEN $3 = 'open' THEN '' ELSE resolved_by END, "
                "snoozed_until = CASE WHEN $3 = 'open' THEN 0 ELSE snoozed_until END "
                "WHERE id = $1 AND state = $2 AND (state <> $3 OR active = 0 OR why <> $4 OR "
                "deadline <> $5 OR money_minor <> $6 OR score <> $8)",
                p, 9, &changed, eb);
    if (e != ERR_OK || changed == 0)
        return e;
    if (strcmp(to, s->state) != 0) {
        st->reopened++;
        e = actions_history_add(
            c, s->id, s->state, to, "system",
            strcmp(s->state, "snoozed") == 0 ? "snooze ended" : "detected again", now, eb);
    } else {
        st->updated++;
    }
    return e;
}

/* The condition of s no longer holds: auto-resolve it (a person's resolve stays, cleared). */
ERR_MUST_USE static enum err item_clear(struct db_conn *c, const struct stored *s, int64_t now,
                                        struct actions_stats *st, struct errbuf *eb)
{
    int64_t changed = 0;
    bool open = strcmp(s->state, "open") == 0 || strcmp(s->state, "snoozed") == 0;
    struct db_param p[] = {DB_P_TEXT(s->id), DB_P_TEXT(s->state), DB_P_INT(now)};
    enum err e = db_exec(c,
                         open ? "UPDATE action_items SET state = 'auto_resolved', active = 0, "
                                "resolved_at = $3, resolved_by = 'system', updated_at = $3 "
                                "WHERE id = $1 AND state = $2"
                              : "UPDATE action_items SET active = 0, updated_at = $3 WHERE id = "
                                "$1 AND state = $2 AND active = 1",
                         p, 3, &changed, eb);
    if (e == ERR_OK && changed == 1 && open) {
        st->resolved++;
        e = actions_history_add(c, s->id, s->state, "auto_resolved", "system", "condition cleared",
                                now, eb);
    }
    return e;
}

ERR_MUST_USE static enum err reconcile_hit(struct db_conn *c, const char *conn, struct stored *s,
                                           size_t ns, const struct actions_hit *h, int64_t now,
                                           struct actions_stats *st, struct errbuf *eb)
{
    struct hit_cols hc = {0};
    enum err e = hit_cols(h, now, &hc, eb);
    struct stored *found = e == ERR_OK ? stored_find(s, ns, h) : NULL;
    if (found != NULL) {
        found->seen = true;
        e = item_refresh(c, found, &hc, h, now, st, eb);
    } else if (e == ERR_OK) {
        bool inserted = false;
        e = item_insert(c, conn, h, &hc, now, &inserted, eb);
        if (e == ERR_OK && inserted)
            st->opened++;
    }
    free(hc.why);
    return e;
}

enum err actions_reconcile(struct db_conn *c, const char *conn, enum actions_input in,
                           const char *const *keys, size_t n, struct actions_hit *hits,
                           size_t nhits, int64_t now, struct actions_stats *st, struct errbuf *eb)
{
    struct stored *s = NULL;
    size_t ns = 0;
    enum err e = stored_load(c, conn, in, keys, n, &s, &ns, eb);
    st->hits += (int64_t)nhits;
    for (size_t i = 0; e == ERR_OK && i < nhits; i++)
        e = reconcile_hit(c, conn, s, ns, &hits[i], now, st, eb);
    for (size_t i = 0; e == ERR_OK && i < ns; i++)
        if (!s[i].seen &&
            (s[i].active || strcmp(s[i].state, "open") == 0 || strcmp(s[i].state, "snoozed") == 0))
            e = item_clear(c, &s[i], now, st, eb);
    free(s);
    return e;
}

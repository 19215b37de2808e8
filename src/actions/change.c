/*
 * A person's changes to an item (snooze, resolve, assign, reopen), each a conditional update
 * with its history row in one transaction; the per-shop thresholds; the metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/internal.h"

#define ASSIGNEE_MAX 64
#define NOTE_MAX     200

/* The item's kind and state; ERR_NOTFOUND when role may not see it. */
ERR_MUST_USE static enum err item_state(struct db_conn *c, const char *id, enum auth_role role,
                                        char *state, size_t len, struct errbuf *eb)
{
    struct db_param p[] = {DB_P_TEXT(id != NULL ? id : "")};
    struct db_rows *r = NULL;
    enum err e = db_query(c, "SELECT kind, state FROM action_items WHERE id = $1", p, 1, &r, eb);
    const struct actions_detector *d =
        e == ERR_OK && db_rows_count(r) == 1 ? actions_detector_of(db_rows_get(r, 0, 0)) : NULL;
    if (e == ERR_OK && (d == NULL || d->see > role))
        e = err_set(eb, ERR_NOTFOUND, "action_not_found", "No such action item.");
    if (e == ERR_OK)
        snprintf(state, len, "%s", db_rows_get(r, 0, 1));
    db_rows_free(r);
    return e;
}

ERR_MUST_USE static enum err change_check(const struct actions_change *ch, struct errbuf *eb)
{
    if (ch->note != NULL && strlen(ch->note) > NOTE_MAX)
        return err_set(eb, ERR_INVAL, "bad_note", "The note is at most %d bytes.", NOTE_MAX);
    if (ch->op == ACTIONS_OP_SNOOZE &&
        (ch->until <= ch->now || ch->until > ch->now + ACTIONS_SNOOZE_MAX_S))
        return err_set(eb, ERR_INVAL, "bad_until",
                       "Snooze until a time in the future, at most 30 days ahead.");
    if (ch->op == ACTIONS_OP_ASSIGN) {
        const char *a = ch->assignee;
        if (a == NULL || strlen(a) > ASSIGNEE_MAX)
            return err_set(eb, ERR_INVAL, "bad_assignee",
                           "assignee is a user name of at most %d bytes (\"\" to unassign).",
                           ASSIGNEE_MAX);
        for (; *a; a++)
            if ((unsigned char)*a < 0x21 || *a == 0x7f)
                return err_set(eb, ERR_INVAL, "bad_assignee",
                               "assignee holds no spaces or control characters.");
    }
    return ERR_OK;
}

/* The new state and the update for op from state; NULL sql when op does not apply. */
static const char *change_sql(const struct actions_change *ch, const char *from, const char **to)
{
    bool open = strcmp(from, "open") == 0 || strcmp(from, "snoozed") == 0;
    bool closed = strcmp(from, "resolved") == 0 || strcmp(from, "auto_resolved") == 0;
    *to = from;
    switch (ch->op) {
    case ACTIONS_OP_SNOOZE:
        *to = "snoozed";
        return open ? "UPDATE action_items SET state = 'snoozed', snoozed_until = $4, updated_at "
                      "= $3 WHERE id = $1 AND state = $2"
                    : NULL;
    case ACTIONS_OP_RESOLVE:
        *to = "resolved";
        return open ? "UPDATE action_items SET state = 'resolved', resolved_at = $3, resolved_by "
                      "= $4, updated_at = $3 WHERE id = $1 AND state = $2"
                    : NULL;
    case ACTIONS_OP_REOPEN:
        *to = "open";
        return closed ? "UPDATE action_items SET state = 'open', resolved_at = 0, resolved_by = "
                        "'', snoozed_until = 0, updated_at = $3 WHERE id = $1 AND state = $2"
                      : NULL;
    case ACTIONS_OP_ASSIGN:
        return "UPDATE action_items SET assignee = $4, updated_at = $3 WHERE id = $1 AND state = "
               "$2";
    }
    return NULL;
}

enum err actions_apply(struct db *db, const struct actions_change *ch, struct errbuf *eb)
{
    char from[16] = "", note[NOTE_MAX + ASSIGNEE_MAX + 32];
    const char *to = NULL;
    int64_t changed = 0;
    enum err e = change_check(ch, eb);
    if (e != ERR_OK)
        return e;
    struct db_conn *c = db_acquire(db);
    e = db_begin(c, eb);
    e = e ? e : item_state(c, ch->id, ch->role, from, sizeof from, eb);
    const char *sql = e == ERR_OK ? change_sql(ch, from, &to) : NULL;
    if (e == ERR_OK && sql == NULL)
        e = err_set(eb, ERR_CONFLICT, "action_state",
                    "The item is %s; that change does not apply to it.", from);
    /* $1 id, $2 the state read, $3 now, $4 the op's value (until, actor, assignee). */
    struct db_param p[] = {DB_P_TEXT(ch->id), DB_P_TEXT(from), DB_P_INT(ch->now),
                           ch->op == ACTIONS_OP_SNOOZE   ? DB_P_INT(ch->until)
                           : ch->op == ACTIONS_OP_ASSIGN ? DB_P_TEXT(ch->assignee)
                                                         : DB_P_TEXT(ch->actor)};
    e = e ? e : db_exec(c, sql, p, ch->op == ACTIONS_OP_REOPEN ? 3 : 4, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "action_changed", "The item changed meanwhile; reload it.");
    if (ch->op == ACTIONS_OP_ASSIGN)
        snprintf(note, sizeof note, "assigned to %s%s%s", ch->assignee[0] ? ch->assignee : "nobody",
                 ch->note ? ": " : "", ch->note ? ch->note : "");
    else
        snprintf(note, sizeof note, "%s", ch->note ? ch->note : "");
    e = e ? e : actions_history_add(c, ch->id, from, to, ch->actor, note, ch->now, eb);
    e = e ? e : db_commit(c, eb);
    if (e != ERR_OK)
        db_rollback(c);
    db_release(c);
    return e;
}

enum err actions_setting_set(struct db *db, const char *conn, const char *kind, const char *name,
                             int64_t value, const char *actor, int64_t now, struct errbuf *eb)
{
    const struct actions_detector *d = actions_detector_of(kind);
    const struct actions_param *pr = NULL;
    for (size_t k = 0; d != NULL && name != NULL && k < ACTIONS_PARAMS_MAX; k++)
        if (d->params[k].name != NULL && strcmp(d->params[k].name, name) == 0)
            pr = &d->params[k];
    if (pr == NULL)
        return err_set(eb, ERR_INVAL, "bad_setting", "Unknown detector threshold %s.%s.",
                       kind ? kind : "", name ? name : "");
    if (value < pr->min || value > pr->max)
        return err_set(eb, ERR_INVAL, "bad_setting", "%s.%s is %lld..%lld.", kind, name,
                       (long long)pr->min, (long long)pr->max);
    struct db_param p[] = {DB_P_TEXT(conn ? conn : ""),
                           DB_P_TEXT(kind),
                           DB_P_TEXT(name),
                           DB_P_INT(value),
                           DB_P_TEXT(actor),
                           DB_P_INT(now)};
    return db_pool_exec(db,
                        "INSERT INTO action_settings (connection_id, kind, name, value, "
                        "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT "
                        "(connection_id, kind, name) DO UPDATE SET value = excluded.value, "
                        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                        p, 6, NULL, eb);
}

enum err actions_settings(struct db *db, const char *conn, json_t **out, struct errbuf *eb)
{
    size_t nd;
    const struct actions_detector *t = actions_detectors(&nd);
    int64_t(*params)[ACTIONS_PARAMS_MAX] = NULL;
    enum err e = actions_params_read(db, conn, &params, eb);
    if (params == NULL)
        return e;
    json_t *doc = json_object();
    for (size_t i = 0; e == ERR_OK && i < nd; i++) {
        json_t *o = json_object();
        for (size_t k = 0; k < ACTIONS_PARAMS_MAX; k++)
            if (t[i].params[k].name != NULL)
                json_object_set_new(o, t[i].params[k].name, json_integer(params[i][k]));
        json_object_set_new(doc, t[i].kind, o);
    }
    free(params);
    if (e != ERR_OK)
        json_decref(doc);
    else
        *out = doc;
    return e;
}

/* Per day: items opened and resolved (by anyone). */
ERR_MUST_USE static enum err metrics_days(struct db_conn *c, int64_t from, json_t *doc,
                                          struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(from)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT at / 86400, SUM(CASE WHEN from_state = '' THEN 1 ELSE 0 END), "
                          "SUM(CASE WHEN to_state IN ('resolved', 'auto_resolved') AND from_state "
                          "<> to_state THEN 1 ELSE 0 END) FROM action_history WHERE at >= $1 "
                          "GROUP BY at / 86400 ORDER BY 1",
                          p, 1, &r, eb);
    json_t *days = json_array();
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++)
        json_array_append_new(days, json_pack("{s:I, s:I, s:I}", "day",
                                              (json_int_t)(db_rows_int_or(r, i, 0, 0) * 86400),
                                              "opened", (json_int_t)db_rows_int_or(r, i, 1, 0),
                                              "resolved", (json_int_t)db_rows_int_or(r, i, 2, 0)));
    json_object_set_new(doc, "per_day", days);
    db_rows_free(r);
    return e;
}

/* The median of resolved_at - opened_at over items resolved since from (0 when none). */
ERR_MUST_USE static enum err metrics_median(struct db_conn *c, int64_t from, json_t *doc,
                                            struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(from)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT resolved_at - opened_at FROM action_items WHERE state IN "
                          "('resolved', 'auto_resolved') AND resolved_at >= $1 ORDER BY 1",
                          p, 1, &r, eb);
    size_t n = e == ERR_OK ? db_rows_count(r) : 0;
    int64_t med = 0;
    if (n > 0)
        med = n % 2 ? db_rows_int_or(r, n / 2, 0, 0)
                    : (db_rows_int_or(r, n / 2 - 1, 0, 0) + db_rows_int_or(r, n / 2, 0, 0)) / 2;
    json_object_set_new(doc, "median_resolve_s", json_integer(med));
    json_object_set_new(doc, "resolved", json_integer((json_int_t)n));
    db_rows_free(r);
    return e;
}

/* Breaches (ship_by_breached items opened since from) and those warned >= 24 h before. */
ERR_MUST_USE static enum err metrics_breaches(struct db_conn *c, int64_t from, json_t *doc,
                                              struct errbuf *eb)
{
    struct db_param p[] = {DB_P_INT(from)};
    struct db_rows *r = NULL;
    enum err e = db_query(c,
                          "SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM action_items w "
                          "WHERE w.connection_id = b.connection_id AND w.kind = 'ship_by_risk' AND "
                          "w.object_key = b.object_key AND w.opened_at <= b.deadline - 86400) "
                          "THEN 1 ELSE 0 END) FROM action_items b WHERE b.kind = "
                          "'ship_by_breached' AND b.opened_at >= $1",
                          p, 1, &r, eb);
    json_object_set_new(doc, "breaches", json_integer(e ? 0 : db_rows_int_or(r, 0, 0, 0)));
    json_object_set_new(doc, "breaches_warned_24h",
                        json_integer(e ? 0 : db_rows_int_or(r, 0, 1, 0)));
    db_rows_free(r);
    return e;
}

enum err actions_metrics(struct db *db, int64_t now, int64_t days, json_t **out, struct errbuf *eb)
{
    if (days < 1 || days > 366)
        return err_set(eb, ERR_INVAL, "bad_days", "days is 1..366.");
    int64_t from = now - days * 86400;
    json_t *doc = json_pack("{s:I, s:I}", "since", (json_int_t)from, "days", (json_int_t)days);
    struct db_conn *c = db_acquire(db);
    enum err e = metrics_days(c, from, doc, eb);
    e = e ? e : metrics_median(c, from, doc, eb);
    e = e ? e : metrics_breaches(c, from, doc, eb);
    db_release(c);
    if (e != ERR_OK)
        json_decref(doc);
    else
        *out = doc;
    return e;
}

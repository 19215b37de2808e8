/*
 * One buyer case with its facts, template draft and stored drafts; proposing, deciding and
 * relabelling (cases.h).
 */
#include "reply/cases.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ai/classify.h"
#include "ai/corrections.h"
#include "base/secure.h"
#include "reply/draft.h"
#include "reply/facts.h"
#include "reply/triage.h"

static const char *const ship_names[] = {"not_shipped", "shipped", "delivered", "cancelled",
                                         "unknown"};

/* The case's facts, its triage and the template draft for its intent and language. */
ERR_MUST_USE static enum err cases_load(struct db *db, const char *connection_id,
                                        const char *case_id, struct reply_facts *f, json_t **triage,
                                        struct reply_draft *d, struct errbuf *eb)
{
    *triage = NULL;
    enum err e = reply_facts_load(db, connection_id, case_id, f, eb);
    if (e != ERR_OK)
        return e;
    struct db_conn *c = db_acquire(db);
    e = reply_triage_get(c, f->connection_id, case_id, f->buyer_comment, f->reason, f->region,
                         triage, eb);
    db_release(c);
    if (e == ERR_OK)
        e = reply_draft_build(f, json_string_value(json_object_get(*triage, "intent")),
                              json_string_value(json_object_get(*triage, "lang")), d, eb);
    return e;
}

/* A stored draft row (columns of CASES_DRAFT_COLS) as JSON. */
#define CASES_DRAFT_COLS                                                                           \
    "id, intent, lang, source, body, llm_note, state, action, final_text, created_by, "            \
    "created_at, decided_by, decided_at"

static json_t *cases_draft_row(const struct db_rows *r, size_t i)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I}", "id",
                     db_rows_get(r, i, 0), "intent", db_rows_get(r, i, 1), "lang",
                     db_rows_get(r, i, 2), "source", db_rows_get(r, i, 3), "text",
                     db_rows_get(r, i, 4), "llm_note", db_rows_get(r, i, 5), "state",
                     db_rows_get(r, i, 6), "action", db_rows_get(r, i, 7), "final_text",
                     db_rows_get(r, i, 8), "created_by", db_rows_get(r, i, 9), "created_at",
                     (json_int_t)db_rows_int_or(r, i, 10, 0), "decided_by", db_rows_get(r, i, 11),
                     "decided_at", (json_int_t)db_rows_int_or(r, i, 12, 0));
}

/* The stored drafts of the case, newest first (at most 20). */
ERR_MUST_USE static enum err cases_drafts(struct db *db, const struct reply_facts *f,
                                          const char *draft_id, json_t **out, struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(f->connection_id), DB_P_TEXT(f->value[REPLY_FACT_CASE]),
                           draft_id ? DB_P_TEXT(draft_id) : DB_P_NULL};
    enum err e =
        db_pool_query(db,
                      "SELECT " CASES_DRAFT_COLS " FROM reply_drafts WHERE connection_id = $1 "
                      "AND case_id = $2 AND (CAST($3 AS TEXT) IS NULL OR id = CAST($3 AS "
                      "TEXT)) ORDER BY created_at DESC, id DESC LIMIT 20",
                      p, 3, &r, eb);
    *out = e == ERR_OK ? json_array() : NULL;
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(r); i++) {
        if (*out == NULL || json_array_append_new(*out, cases_draft_row(r, i)) != 0)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    db_rows_free(r);
    return e;
}

/* The first draft of list still proposed, or null (a new reference). */
static json_t *cases_proposed(const json_t *list)
{
    size_t i;
    const json_t *d;
    json_array_foreach(list, i, d)
    {
        const char *s = json_string_value(json_object_get(d, "state"));
        if (s != NULL && strcmp(s, "proposed") == 0)
            return json_incref((json_t *)d);
    }
    return json_null();
}

enum err reply_case_get(struct db *db, const char *connection_id, const char *case_id, json_t **out,
                        struct errbuf *eb)
{
    struct reply_facts f;
    struct reply_draft d;
    json_t *triage = NULL, *drafts = NULL;
    *out = NULL;
    enum err e = cases_load(db, connection_id, case_id, &f, &triage, &d, eb);
    e = e ? e : cases_drafts(db, &f, NULL, &drafts, eb);
    if (e == ERR_OK) {
        json_t *facts = reply_facts_json(&f);
        if (facts != NULL)
            json_object_set_new(facts, "ship_state", json_string(ship_names[f.ship]));
        *out = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:I}, s:O, s:o, s:o, s:o, s:O}", "case",
                         "id", case_id, "connection_id", f.connection_id, "order_sn",
                         f.value[REPLY_FACT_ORDER], "buyer_comment", f.buyer_comment, "reason",
                         f.reason, "status", (json_int_t)f.case_status_code, "triage", triage,
                         "facts", facts ? facts : json_null(), "draft", reply_draft_json(&d),
                         "proposed", cases_proposed(drafts), "drafts", drafts);
        if (*out == NULL)
            e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    json_decref(triage);
    json_decref(drafts);
    return e;
}

/* Inserts a proposed draft row; id gets its id. */
ERR_MUST_USE static enum err cases_insert(struct db *db, const struct reply_facts *f,
                                          const struct reply_draft *d, const char *source,
                                          const char *body, const char *note, const char *actor,
                                          char id[SECURE_TOKEN_LEN + 1], struct errbuf *eb)
{
    secure_token(id);
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(f->connection_id),
                           DB_P_TEXT(f->value[REPLY_FACT_CASE]),
                           DB_P_TEXT(d->intent),
                           DB_P_TEXT(d->lang),
                           DB_P_TEXT(source),
                           DB_P_TEXT(body),
                           DB_P_TEXT(note),
                           DB_P_TEXT(actor),
                           DB_P_INT((int64_t)time(NULL))};
    enum err e =
        db_pool_exec(db,
                     "INSERT INTO reply_drafts (id, connection_id, case_id, intent, lang, "
                     "source, body, llm_note, state, action, final_text, created_by, "
                     "created_at, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                     "$8, 'proposed', '', '', $9, $10, '', 0)",
                     p, 10, NULL, eb);
    return e;
}

/* ERR_CONFLICT when d is no answer to propose. */
ERR_MUST_USE static enum err cases_answerable(const struct reply_draft *d, struct errbuf *eb)
{
    if (d->kind == REPLY_DRAFT_CHECKLIST)
        return err_set(eb, ERR_CONFLICT, "checklist_only",
                       "This intent gets a summary and a checklist, never a proposed answer.");
    if (d->kind == REPLY_DRAFT_NONE)
        return err_set(eb, ERR_CONFLICT, "no_draft", "No draft: %s", d->why);
    return ERR_OK;
}

/* The one stored draft id of the case as *out. */
ERR_MUST_USE static enum err cases_draft_one(struct db *db, const struct reply_facts *f,
                                             const char *id, json_t **out, struct errbuf *eb)
{
    json_t *list = NULL;
    enum err e = cases_drafts(db, f, id, &list, eb);
    *out = NULL;
    if (e == ERR_OK && json_array_size(list) != 1)
        e = err_set(eb, ERR_NOTFOUND, "draft_not_found", "No such draft of this case.");
    if (e == ERR_OK)
        *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return e;
}

enum err reply_draft_propose(struct db *db, const char *connection_id, const char *case_id,
                             const struct reply_llm_cfg *llm, const char *actor, json_t **out,
                             struct errbuf *eb)
{
    struct reply_facts f;
    struct reply_draft d;
    struct reply_llm_result r;
    json_t *triage = NULL;
    char id[SECURE_TOKEN_LEN + 1];
    *out = NULL;
    enum err e = cases_load(db, connection_id, case_id, &f, &triage, &d, eb);
    json_decref(triage);
    e = e ? e : cases_answerable(&d, eb);
    if (e != ERR_OK)
        return e;
    reply_llm_reword(llm, &d, &f, &r);
    e = cases_insert(db, &f, &d, r.used ? "llm" : "template", r.text, r.reason, actor, id, eb);
    return e ? e : cases_draft_one(db, &f, id, out, eb);
}

enum err reply_draft_decide(struct db *db, const char *connection_id, const char *case_id,
                            const char *draft_id, const char *action, const char *text,
                            const char *actor, json_t **out, struct errbuf *eb)
{
    struct reply_facts f;
    struct reply_draft d;
    json_t *triage = NULL, *row = NULL;
    char id[SECURE_TOKEN_LEN + 1];
    int64_t changed = 0;
    *out = NULL;
    /* the case first: a form naming no case answers 404, whatever else it carries */
    enum err e = cases_load(db, connection_id, case_id, &f, &triage, &d, eb);
    json_decref(triage);
    if (e != ERR_OK)
        return e;
    if (action == NULL || (strcmp(action, "copied") != 0 && strcmp(action, "sent") != 0 &&
                           strcmp(action, "discarded") != 0))
        return err_set(eb, ERR_INVAL, "bad_action", "action must be copied, sent or discarded.");
    if (text != NULL && strlen(text) > 4 * REPLY_DRAFT_MAX)
        return err_set(eb, ERR_TOOBIG, "text_too_long", "The sent text is too long.");
    if (e == ERR_OK && (draft_id == NULL || *draft_id == '\0')) {
        e = cases_answerable(&d, eb);
        e = e ? e : cases_insert(db, &f, &d, "template", d.text, "", actor, id, eb);
        draft_id = id;
    }
    e = e ? e : cases_draft_one(db, &f, draft_id, &row, eb);
    if (e != ERR_OK)
        return e;
    const char *body = json_string_value(json_object_get(row, "text"));
    bool same = text == NULL || *text == '\0' || strcmp(text, body) == 0;
    const char *state = strcmp(action, "discarded") == 0 ? "discarded"
                        : same                           ? "accepted"
                                                         : "edited";
    struct db_param p[] = {
        DB_P_TEXT(draft_id), DB_P_TEXT(state),
        DB_P_TEXT(action),   DB_P_TEXT(same || strcmp(state, "discarded") == 0 ? "" : text),
        DB_P_TEXT(actor),    DB_P_INT((int64_t)time(NULL))};
    json_decref(row);
    e = db_pool_exec(
        db,
        "UPDATE reply_drafts SET state = $2, action = $3, final_text = $4, decided_by = "
        "$5, decided_at = $6 WHERE id = $1 AND state = 'proposed'",
        p, 6, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "draft_decided", "This draft is already decided.");
    return e ? e : cases_draft_one(db, &f, draft_id, out, eb);
}

enum err reply_case_relabel(struct db *db, const char *connection_id, const char *case_id,
                            const char *label, const char *actor, struct errbuf *eb)
{
    struct reply_facts f;
    struct reply_draft d;
    json_t *triage = NULL;
    enum err e = cases_load(db, connection_id, case_id, &f, &triage, &d, eb);
    char lang[16];
    snprintf(lang, sizeof lang, "%s",
             e == ERR_OK ? json_string_value(json_object_get(triage, "lang")) : "");
    json_decref(triage);
    if (e != ERR_OK)
        return e;
    if (!reply_intent_known(label))
        return err_set(eb, ERR_INVAL, "bad_label", "label must be one of the 16 intents.");
    char text[2 * REPLY_WORDS_MAX + 2];
    snprintf(text, sizeof text, "%s\n%s", f.buyer_comment, f.reason);
    struct db_param p[] = {DB_P_TEXT(f.connection_id), DB_P_TEXT(case_id), DB_P_TEXT(label),
                           DB_P_TEXT(actor), DB_P_INT((int64_t)time(NULL))};
    e = db_pool_exec(db,
                     "UPDATE case_triage SET relabel = $3, relabel_by = $4, relabel_at = $5 WHERE "
                     "connection_id = $1 AND case_id = $2",
                     p, 5, NULL, eb);
    return e ? e : ai_correction_add(db, text, lang, label, actor, eb);
}

/*
 * Case classification stored per case and the case list with it (cases.h, triage.h).
 */
#include "reply/triage.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ai/classify.h"
#include "reply/cases.h"
#include "reply/draft.h"
#include "sync/sync.h"

static const char *const triage_bands[] = {"low", "medium", "high"};

/* Classifies the case's words and stores the result (a concurrent first view keeps one). */
ERR_MUST_USE static enum err triage_classify(struct db_conn *c, const char *connection_id,
                                             const char *case_id, const char *comment,
                                             const char *reason, const char *region,
                                             struct errbuf *eb)
{
    char text[2 * 1024 + 2];
    struct ai_result r;
    snprintf(text, sizeof text, "%s\n%s", comment, reason);
    enum err e = ai_classify(text, strlen(text), NULL, region, &r, eb);
    if (e != ERR_OK)
        return e;
    if (!reply_intent_known(r.label)) /* a label outside the 16 is treated as abstaining */
        snprintf(r.label, sizeof r.label, "unknown");
    double conf = r.confidence < 0 ? 0 : r.confidence > 1 ? 1 : r.confidence;
    unsigned band = (unsigned)r.band <= AI_BAND_HIGH ? (unsigned)r.band : 0;
    struct db_param p[] = {DB_P_TEXT(connection_id),
                           DB_P_TEXT(case_id),
                           DB_P_TEXT(r.label),
                           DB_P_INT((int64_t)(conf * 10000.0 + 0.5)),
                           DB_P_TEXT(triage_bands[band]),
                           DB_P_TEXT(r.lang),
                           DB_P_INT(r.urgent ? 1 : 0),
                           DB_P_INT((int64_t)time(NULL))};
    return db_exec(c,
                   "INSERT INTO case_triage (connection_id, case_id, intent, confidence_bp, band, "
                   "lang, urgent, classified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON "
                   "CONFLICT (connection_id, case_id) DO NOTHING",
                   p, 8, NULL, eb);
}

/* The triage JSON of one stored row (columns of triage_get's query). */
static json_t *triage_json(const struct db_rows *r)
{
    int64_t bp = db_rows_int_or(r, 0, 1, 0), urgent = db_rows_int_or(r, 0, 4, 0);
    const char *model = db_rows_get(r, 0, 0), *relabel = db_rows_get(r, 0, 6);
    const char *intent = *relabel != '\0' ? relabel : model;
    bool high = urgent != 0 || strcmp(intent, "escalate") == 0;
    return json_pack("{s:s, s:s, s:f, s:s, s:s, s:b, s:s, s:I, s:s?, s:s?}", "intent", intent,
                     "model_intent", model, "confidence", (double)bp / 10000.0, "band",
                     db_rows_get(r, 0, 2), "lang", db_rows_get(r, 0, 3), "urgent", urgent != 0,
                     "priority", high ? "high" : "normal", "classified_at",
                     (json_int_t)db_rows_int_or(r, 0, 5, 0), "relabel", *relabel ? relabel : NULL,
                     "relabel_by", *relabel ? db_rows_get(r, 0, 7) : NULL);
}

enum err reply_triage_get(struct db_conn *c, const char *connection_id, const char *case_id,
                          const char *comment, const char *reason, const char *region, json_t **out,
                          struct errbuf *eb)
{
    struct db_param k[] = {DB_P_TEXT(connection_id), DB_P_TEXT(case_id)};
    static const char sql[] = "SELECT intent, confidence_bp, band, lang, urgent, classified_at, "
                              "relabel, relabel_by FROM case_triage WHERE connection_id = $1 AND "
                              "case_id = $2";
    struct db_rows *r = NULL;
    *out = NULL;
    enum err e = db_query(c, sql, k, 2, &r, eb);
    if (e == ERR_OK && db_rows_count(r) == 0) {
        db_rows_free(r);
        r = NULL;
        e = triage_classify(c, connection_id, case_id, comment, reason, region, eb);
        e = e ? e : db_query(c, sql, k, 2, &r, eb);
    }
    if (e == ERR_OK && db_rows_count(r) == 1 && (*out = triage_json(r)) == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    else if (e == ERR_OK && *out == NULL)
        e = err_set(eb, ERR_DB, NULL, "the case's classification was not stored");
    db_rows_free(r);
    return e;
}

/* The connection's region, "" when unknown. */
static void triage_region(struct db_conn *c, const char *connection_id, char *out, size_t n)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(connection_id)};
    out[0] = '\0';
    if (db_query(c, "SELECT region FROM temu_connections WHERE id = $1", p, 1, &r, NULL) ==
            ERR_OK &&
        db_rows_count(r) == 1)
        snprintf(out, n, "%s", db_rows_get(r, 0, 0));
    db_rows_free(r);
}

static const char *triage_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* The triage of one listed case: stored for after-sales cases; by kind for the others. */
ERR_MUST_USE static enum err triage_of_row(struct db_conn *c, const json_t *row, json_t **out,
                                           struct errbuf *eb)
{
    const char *kind = json_string_value(json_object_get(row, "kind"));
    const char *conn = json_string_value(json_object_get(row, "connection_id"));
    if (kind != NULL && strcmp(kind, "after_sales") == 0) {
        const json_t *d = json_object_get(row, "detail");
        char region[16];
        triage_region(c, conn, region, sizeof region);
        return reply_triage_get(c, conn, json_string_value(json_object_get(row, "id")),
                                triage_str(d, "buyer_comment"), triage_str(d, "reason_desc"),
                                region, out, eb);
    }
    /* A cancellation request or a buyer label says its intent itself. */
    const char *label = json_string_value(json_object_get(row, "label"));
    const char *intent =
        label != NULL && strstr(label, "address") != NULL ? "change_address" : "cancel_request";
    *out =
        json_pack("{s:s, s:s, s:f, s:s, s:s, s:b, s:s}", "intent", intent, "model_intent", intent,
                  "confidence", 1.0, "band", "high", "lang", "", "urgent", 0, "priority", "normal");
    return *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
}

static bool triage_keep(const struct reply_cases_filter *f, const json_t *t)
{
    const char *intent = json_string_value(json_object_get(t, "intent"));
    const char *prio = json_string_value(json_object_get(t, "priority"));
    return (f->intent == NULL || strcmp(f->intent, intent) == 0) &&
           (f->priority == NULL || strcmp(f->priority, prio) == 0);
}

enum err reply_cases_list(struct db *db, const struct reply_cases_filter *f, json_t **out,
                          struct errbuf *eb)
{
    int64_t limit = f->limit == 0 ? REPLY_CASES_LIST_MAX : f->limit;
    json_t *doc = NULL, *kept = NULL;
    *out = NULL;
    if (limit < 1 || limit > REPLY_CASES_LIST_MAX)
        return err_set(eb, ERR_INVAL, "bad_limit", "limit must be 1..%d", REPLY_CASES_LIST_MAX);
    if (f->intent != NULL && !reply_intent_known(f->intent))
        return err_set(eb, ERR_INVAL, "bad_intent", "intent must be one of the 16 labels.");
    if (f->priority != NULL && strcmp(f->priority, "high") != 0 &&
        strcmp(f->priority, "normal") != 0)
        return err_set(eb, ERR_INVAL, "bad_priority", "priority must be high or normal.");
    const struct sync_cases_filter sf = {.connection_id = f->connection_id,
                                         .limit = SYNC_CASES_LIST_MAX};
    enum err e = sync_cases_list(db, &sf, &doc, eb);
    if (e != ERR_OK)
        return e;
    kept = json_array();
    struct db_conn *c = db_acquire(db);
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(doc, "cases"), i, row)
    {
        json_t *t = NULL;
        if (e != ERR_OK || kept == NULL || (int64_t)json_array_size(kept) >= limit)
            break;
        e = triage_of_row(c, row, &t, eb);
        if (e == ERR_OK && triage_keep(f, t)) {
            json_object_set(row, "triage", t);
            json_array_append(kept, row);
        }
        json_decref(t);
    }
    db_release(c);
    if (e == ERR_OK && kept == NULL)
        e = err_set(eb, ERR_NOMEM, NULL, "out of memory");
    if (e == ERR_OK) {
        *out = json_pack("{s:O, s:{s:s?, s:s?, s:I}}", "cases", kept, "filter", "intent", f->intent,
                         "priority", f->priority, "limit", (json_int_t)limit);
        e = *out != NULL ? ERR_OK : err_set(eb, ERR_NOMEM, NULL, "out of memory");
    }
    json_decref(kept);
    json_decref(doc);
    return e;
}

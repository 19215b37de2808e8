/*
 * PLACEHOLDER for the triage branch's classifier (issue 15): a tiny keyword rule set, only so
 * that the drafts branch builds and its wiring can be tested. Nothing outside src/ai depends
 * on which label it picks; at merge time the real classifier (hashed n-grams, linear model)
 * replaces this file, classify.h stays.
 *
 * ai_correction_add() inserts into the triage branch's table, created by its migration
 * (marked "owned by triage branch" in src/store/migrations.c):
 *   CREATE TABLE ai_corrections (id TEXT PRIMARY KEY, text TEXT NOT NULL, lang TEXT NOT NULL,
 *     label TEXT NOT NULL, actor TEXT NOT NULL, created_at BIGINT NOT NULL);
 */
#include "ai/classify.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/secure.h"

struct placeholder_rule {
    const char *word; /* lower-case ASCII or UTF-8 substring */
    const char *label;
};

static const struct placeholder_rule placeholder_rules[] = {
    {"chargeback", "escalate"},
    {"lawyer", "escalate"},
    {"anwalt", "escalate"},
    {"abogado", "escalate"},
    {"avocat", "escalate"},
    {"avvocato", "escalate"},
    {"damaged", "damaged_item"},
    {"broken", "damaged_item"},
    {"cracked", "damaged_item"},
    {"roto", "damaged_item"},
    {"riss", "damaged_item"},
    {"fissur", "damaged_item"},
    {"crepat", "damaged_item"},
    {"wrong", "wrong_item"},
    {"grey", "wrong_item"},
    {"gris", "wrong_item"},
    {"grau", "wrong_item"},
    {"grigio", "wrong_item"},
    {"missing", "missing_item"},
    {"faltan", "missing_item"},
    {"fehlen", "missing_item"},
    {"manquent", "missing_item"},
    {"mancano", "missing_item"},
    {"smaller", "not_as_described"},
    {"peque", "not_as_described"},
    {"kleiner", "not_as_described"},
    {"petit", "not_as_described"},
    {"piccolo", "not_as_described"},
    {"nothing arrived", "delivered_not_received"},
    {"no lleg", "delivered_not_received"},
    {"nichts ist", "delivered_not_received"},
    {"rien re", "delivered_not_received"},
    {"non è arrivato", "delivered_not_received"},
    {"refund", "refund_status"},
    {"cancel", "cancel_request"},
    {"address", "change_address"},
    {"invoice", "invoice_request"},
    {"where is", "where_is_my_order"},
    {"late", "delivery_late"},
    {"return", "return_request"},
    {"thank", "thanks_or_other"},
};

/* Language by a few marker words; the hint wins when given. */
static const char *placeholder_lang(const char *t, const char *hint)
{
    static const struct placeholder_rule marks[] = {
        {" el ", "es"},  {" la ", "es"}, {"pero", "es"}, {" der ", "de"},
        {" und ", "de"}, {"ich ", "de"}, {" le ", "fr"}, {"mais", "fr"},
        {" est ", "fr"}, {" il ", "it"}, {" è ", "it"},  {"ho ", "it"},
    };
    if (hint != NULL && *hint != '\0')
        return hint;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        if (strstr(t, marks[i].word) != NULL)
            return marks[i].label;
    }
    return "en";
}

enum err ai_classify(const char *text, size_t len, const char *lang_hint, const char *region,
                     struct ai_result *out, struct errbuf *eb)
{
    char low[1024];
    size_t n = len < sizeof low - 2 ? len : sizeof low - 2;
    (void)region;
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return err_set(eb, ERR_INVAL, "bad_text", "no text to classify");
    low[0] = ' ';
    for (size_t i = 0; i < n; i++)
        low[i + 1] = (char)((text[i] >= 'A' && text[i] <= 'Z') ? text[i] + 32 : text[i]);
    low[n + 1] = '\0';
    snprintf(out->label, sizeof out->label, "unknown");
    out->confidence = 0.2;
    out->band = AI_BAND_LOW;
    for (size_t i = 0; i < sizeof placeholder_rules / sizeof placeholder_rules[0]; i++) {
        if (strstr(low, placeholder_rules[i].word) != NULL) {
            snprintf(out->label, sizeof out->label, "%s", placeholder_rules[i].label);
            out->confidence = 0.7;
            out->band = AI_BAND_MEDIUM;
            break;
        }
    }
    snprintf(out->lang, sizeof out->lang, "%s", placeholder_lang(low, lang_hint));
    out->urgent = strcmp(out->label, "escalate") == 0 || strstr(low, "!!") != NULL;
    return ERR_OK;
}

enum err ai_correction_add(struct db *db, const char *text, const char *lang, const char *label,
                           const char *actor, struct errbuf *eb)
{
    char id[SECURE_TOKEN_LEN + 1];
    if (text == NULL || lang == NULL || label == NULL || actor == NULL)
        return err_set(eb, ERR_INVAL, "bad_correction", "text, lang, label and actor are needed");
    secure_token(id);
    struct db_param p[] = {DB_P_TEXT(id),    DB_P_TEXT(text),  DB_P_TEXT(lang),
                           DB_P_TEXT(label), DB_P_TEXT(actor), DB_P_INT((int64_t)time(NULL))};
    enum err e =
        db_pool_exec(db,
                     "INSERT INTO ai_corrections (id, text, lang, label, actor, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     p, 6, NULL, eb);
    return e;
}

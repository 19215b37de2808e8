#include "ai/corrections.h"

#include <string.h>

#include "ai/labels.h"
#include "base/clock.h"
#include "store/db.h"

enum err ai_correction_add(struct db *db, const char *text, const char *lang, const char *label,
                           const char *actor, struct errbuf *eb)
{
    if (text == NULL || text[0] == '\0' || strlen(text) > AI_TEXT_MAX)
        return err_set(eb, ERR_INVAL, "ai_text", "the text must have 1 to %d bytes", AI_TEXT_MAX);
    if (ai_label_find(label) < 0)
        return err_set(eb, ERR_INVAL, "ai_label", "unknown label \"%.40s\"",
                       label != NULL ? label : "");
    if (lang == NULL || lang[0] == '\0')
        lang = "und";
    if (!ai_lang_known(lang) && strcmp(lang, "und") != 0)
        return err_set(eb, ERR_INVAL, "ai_lang",
                       "unknown language \"%.8s\" (en es de fr it "
                       "zh und)",
                       lang);
    if (actor == NULL || actor[0] == '\0')
        return err_set(eb, ERR_INVAL, "ai_actor", "a correction needs an actor");
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    const struct db_param p[] = {DB_P_TEXT(text), DB_P_TEXT(lang), DB_P_TEXT(label),
                                 DB_P_TEXT(actor), DB_P_TEXT(now)};
    return db_pool_exec(db,
                        "INSERT INTO ai_corrections (text, lang, label, actor, created_at) "
                        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (text) DO UPDATE SET "
                        "lang = excluded.lang, label = excluded.label, actor = excluded.actor, "
                        "created_at = excluded.created_at",
                        p, 5, NULL, eb);
}

enum err ai_corrections_load(struct db *db, struct ai_dataset *ds, size_t *count, struct errbuf *eb)
{
    *count = 0;
    struct db_rows *rows = NULL;
    enum err e = db_pool_query(db, "SELECT text, lang, label FROM ai_corrections ORDER BY text",
                               NULL, 0, &rows, eb);
    for (size_t i = 0; e == ERR_OK && i < db_rows_count(rows); i++) {
        int label = ai_label_find(db_rows_get(rows, i, 2));
        if (label < 0) {
            e = err_set(eb, ERR_DB, "ai_corrections", "ai_corrections has an unknown label");
            break;
        }
        e = ai_dataset_put(ds, db_rows_get(rows, i, 0), db_rows_get(rows, i, 1), label, eb);
        *count += e == ERR_OK;
    }
    db_rows_free(rows);
    return e;
}

/*
 * Buyer-case draft use-cases (cases.h): the LLM configuration from struct config and the
 * vault, and the audit entries.
 */
#include "app/cases.h"

#include <stdio.h>
#include <string.h>

#include "reply/cases.h"
#include "vault/vault.h"

bool app_case_llm_enabled(const struct app *app)
{
    return app->cfg != NULL && app->cfg->llm_url[0] != '\0';
}

enum err app_case_draft_propose(const struct app *app, const struct app_actor *who,
                                const char *connection_id, const char *case_id, json_t **out,
                                struct errbuf *eb)
{
    char *key = NULL;
    size_t klen = 0;
    struct reply_llm_cfg llm = {0};
    if (app_case_llm_enabled(app)) {
        llm.url = app->cfg->llm_url;
        llm.model = app->cfg->llm_model;
        llm.timeout_ms = app->cfg->llm_timeout_ms;
        /* No key stored is fine (a loopback llama-server needs none). */
        if (app->vault != NULL &&
            vault_get(app->vault, REPLY_LLM_KEY_SECRET, &key, &klen, NULL) == ERR_OK)
            llm.api_key = key;
    }
    enum err e = reply_draft_propose(app->db, connection_id, case_id, &llm, who->name, out, eb);
    vault_secret_free(key, klen);
    char detail[320];
    snprintf(detail, sizeof detail, "source=%s llm_note=%s",
             e == ERR_OK ? json_string_value(json_object_get(*out, "source")) : "",
             e == ERR_OK ? json_string_value(json_object_get(*out, "llm_note"))
                         : errbuf_code(eb, e));
    app_audit(app, who, "case.draft.propose", case_id, e == ERR_OK ? "ok" : "refused", detail);
    return e;
}

enum err app_case_draft_decide(const struct app *app, const struct app_actor *who,
                               const char *connection_id, const char *case_id, const char *draft_id,
                               const char *action, const char *text, json_t **out,
                               struct errbuf *eb)
{
    enum err e = reply_draft_decide(app->db, connection_id, case_id, draft_id, action, text,
                                    who->name, out, eb);
    char detail[200];
    snprintf(detail, sizeof detail, "action=%.16s state=%s", action ? action : "",
             e == ERR_OK ? json_string_value(json_object_get(*out, "state")) : errbuf_code(eb, e));
    app_audit(app, who, "case.draft.decide", case_id, e == ERR_OK ? "ok" : "refused", detail);
    return e;
}

enum err app_case_relabel(const struct app *app, const struct app_actor *who,
                          const char *connection_id, const char *case_id, const char *label,
                          struct errbuf *eb)
{
    enum err e = reply_case_relabel(app->db, connection_id, case_id, label, who->name, eb);
    char detail[96];
    snprintf(detail, sizeof detail, "label=%.40s", label ? label : "");
    app_audit(app, who, "case.relabel", case_id, e == ERR_OK ? "ok" : "refused", detail);
    return e;
}

enum err app_case_llm_key_put(const struct app *app, const struct app_actor *who, const char *key,
                              struct errbuf *eb)
{
    enum err e;
    if (app->vault == NULL)
        e = err_set(eb, ERR_UNAVAILABLE, "vault_unavailable",
                    "No master key is configured, so the LLM key cannot be stored encrypted; "
                    "configure AICOS_MASTER_KEY_FILE first.");
    else if (key == NULL)
        e = err_set(eb, ERR_INVAL, "bad_api_key", "api_key is required (\"\" deletes it).");
    else if (*key == '\0')
        e = vault_delete(app->vault, REPLY_LLM_KEY_SECRET, eb);
    else
        e = vault_put(app->vault, REPLY_LLM_KEY_SECRET, key, strlen(key), who->name, eb);
    if (e == ERR_NOTFOUND && key != NULL && *key == '\0')
        e = ERR_OK; /* nothing to delete */
    app_audit(app, who, "llm.key.put", REPLY_LLM_KEY_SECRET, e == ERR_OK ? "ok" : "refused",
              key != NULL && *key == '\0' ? "deleted" : "stored");
    return e;
}

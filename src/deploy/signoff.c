/* The mainland China compliance sign-off. */
#include "deploy/signoff.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/limits.h"
#include "deploy/dns.h"
#include "deploy/findings.h"
#include "deploy/inputs.h"
#include "deploy/plan.h"
#include "deploy/plan_util.h"
#include "deploy/preflight.h"
#include "deploy/record.h"
#include "deploy/smoke.h"
#include "deploy/templates.h"
#include "temu/credentials.h"
#include "temu/regions.h"
#include "vault/vault.h"

/* The four things the operator must have cleared before hosting in mainland China. */
static const char *const plan_signoff_items[] = {"domain", "hosting", "data", "compliance"};
#define PLAN_SIGNOFF_ITEMS (sizeof plan_signoff_items / sizeof plan_signoff_items[0])

static json_t *plan_signoff_json(const struct db_rows *r)
{
    json_t *items = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", plan_or(db_rows_get(r, 0, 2), ""));
    for (char *p = buf; items != NULL && *p != '\0';) {
        size_t n = strcspn(p, ",");
        char save = p[n];
        p[n] = '\0';
        json_array_append_new(items, json_string(p));
        p += n + (save != '\0');
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "id", db_rows_get(r, 0, 0), "strategy",
                  DEPLOY_STRATEGY_MAINLAND, "cleared_by", db_rows_get(r, 0, 1), "cleared", items,
                  "note", plan_or(db_rows_get(r, 0, 3), ""), "recorded_by", db_rows_get(r, 0, 4),
                  "recorded_at", db_rows_get(r, 0, 5));
    if (doc != NULL && db_rows_columns(r) > 6 && !db_rows_is_null(r, 0, 6)) {
        json_object_set_new(doc, "revoked_by", json_string(db_rows_get(r, 0, 6)));
        json_object_set_new(doc, "revoked_at", json_string(plan_or(db_rows_get(r, 0, 7), "")));
        json_object_set_new(doc, "revoke_reason", json_string(plan_or(db_rows_get(r, 0, 8), "")));
    }
    return doc;
}

#define PLAN_SIGNOFF_COLUMNS                                                                       \
    "id, cleared_by, cleared_items, note, recorded_by, recorded_at, revoked_by, revoked_at, "      \
    "revoke_reason"

/* Reads the sign-off with this id, or the one in force when id is NULL; JSON null if none. */
ERR_MUST_USE static enum err plan_signoff_read(struct db_conn *c, const char *id, json_t **out,
                                               struct errbuf *eb)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {DB_P_TEXT(id)};
    enum err e =
        id != NULL
            ? db_query(c, "SELECT " PLAN_SIGNOFF_COLUMNS " FROM deploy_signoffs WHERE id = $1", p,
                       1, &r, eb)
            : db_query(c,
                       "SELECT " PLAN_SIGNOFF_COLUMNS " FROM deploy_signoffs WHERE strategy = "
                       "'mainland' AND revoked_at IS NULL",
                       NULL, 0, &r, eb);
    if (e == ERR_OK) {
        *out = db_rows_count(r) > 0 ? plan_signoff_json(r) : json_null();
        if (*out == NULL)
            e = ERR_NOMEM;
    }
    db_rows_free(r);
    return e;
}

enum err deploy_signoff_current(struct db *db, json_t **out, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = plan_signoff_read(c, NULL, out, eb);
    db_release(c);
    return e;
}

/* A short single-line text: 1..max bytes (0 allowed when optional), no control characters. */
ERR_MUST_USE static enum err plan_text_check(const json_t *body, const char *field, size_t max,
                                             bool required, const char **out, struct errbuf *eb)
{
    json_t *v = json_object_get(body, field);
    *out = "";
    if (v == NULL && !required)
        return ERR_OK;
    const char *s = json_string_value(v);
    if (s == NULL)
        return err_set(eb, ERR_INVAL, "bad_field", "%s must be a string.", field);
    size_t n = strlen(s);
    if ((required && n == 0) || n > max)
        return err_set(eb, ERR_INVAL, "bad_field", "%s must have 1 to %zu characters.", field, max);
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return err_set(eb, ERR_INVAL, "bad_field", "%s must not contain control characters.",
                           field);
    }
    *out = s;
    return ERR_OK;
}

/* Checks "cleared" and writes the canonical comma list (all four items) into dst. */
ERR_MUST_USE static enum err plan_items_check(const json_t *body, char *dst, size_t len,
                                              struct errbuf *eb)
{
    json_t *arr = json_object_get(body, "cleared");
    bool seen[PLAN_SIGNOFF_ITEMS] = {false};
    size_t i;
    json_t *v;
    if (!json_is_array(arr))
        return err_set(eb, ERR_INVAL, "bad_field",
                       "cleared must be a list of what was cleared: domain, hosting, data, "
                       "compliance.");
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        size_t k = 0;
        while (s != NULL && k < PLAN_SIGNOFF_ITEMS && strcmp(s, plan_signoff_items[k]) != 0)
            k++;
        if (s == NULL || k == PLAN_SIGNOFF_ITEMS)
            return err_set(eb, ERR_INVAL, "bad_field",
                           "cleared may only hold domain, hosting, data and compliance.");
        seen[k] = true;
    }
    dst[0] = '\0';
    for (size_t k = 0; k < PLAN_SIGNOFF_ITEMS; k++) {
        if (!seen[k])
            return err_set(eb, ERR_INVAL, "not_cleared",
                           "The mainland China path needs domain, hosting, data and compliance "
                           "ownership all cleared; %s is not.",
                           plan_signoff_items[k]);
        size_t n = strlen(dst);
        snprintf(dst + n, len - n, "%s%s", n ? "," : "", plan_signoff_items[k]);
    }
    return ERR_OK;
}

/* Opens the sign-off transaction on c and reads the sign-off in force into *current. */
ERR_MUST_USE static enum err signoff_begin(struct db_conn *c, bool *began, json_t **current,
                                           struct errbuf *eb)
{
    enum err e = db_begin(c, eb);
    *began = e == ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, NULL, current, eb);
    return e;
}

/*
 * Ends the sign-off transaction of signoff_begin: commits when e is ERR_OK and reads sign-off
 * id back into *out, else rolls back; releases c and current (id may point into current).
 */
ERR_MUST_USE static enum err signoff_end(struct db_conn *c, enum err e, bool began, const char *id,
                                         json_t *current, json_t **out, struct errbuf *eb)
{
    if (e == ERR_OK)
        e = db_commit(c, eb);
    began = began && e != ERR_OK;
    if (e == ERR_OK)
        e = plan_signoff_read(c, id, out, eb);
    if (began)
        db_rollback(c);
    db_release(c);
    json_decref(current);
    return e;
}

enum err deploy_signoff_record(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb)
{
    static const char *const allowed[] = {"cleared_by", "cleared", "note", NULL};
    const char *who, *note;
    char items[128], id[33], now[CLOCK_ISO_LEN];
    unsigned char raw[16];
    json_t *current = NULL;
    struct db_conn *c = NULL;
    bool began = false;
    *out = NULL;
    enum err e = json_fields_only(body, allowed, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "cleared_by", LIMIT_DEPLOY_SIGNOFF_NAME_BYTES, true, &who, eb);
    if (e == ERR_OK)
        e = plan_items_check(body, items, sizeof items, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "note", LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES, false, &note, eb);
    if (e != ERR_OK)
        return e;
    if (sodium_init() < 0)
        return err_set(eb, ERR_INTERNAL, "no_random", "libsodium could not start.");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(id, sizeof id, raw, sizeof raw);
    clock_now_iso(now);
    c = db_acquire(db);
    e = signoff_begin(c, &began, &current, eb);
    if (e == ERR_OK && json_is_object(current))
        e = err_set(eb, ERR_CONFLICT, "already_signed_off",
                    "The mainland China path was already signed off by %.100s at %.40s; revoke "
                    "that sign-off first.",
                    plan_or(json_get_string(current, "recorded_by"), "?"),
                    plan_or(json_get_string(current, "recorded_at"), "?"));
    struct db_param p[] = {DB_P_TEXT(id),   DB_P_TEXT(who),   DB_P_TEXT(items),
                           DB_P_TEXT(note), DB_P_TEXT(actor), DB_P_TEXT(now)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "INSERT INTO deploy_signoffs (id, strategy, cleared_by, cleared_items, note, "
                    "recorded_by, recorded_at) VALUES ($1, 'mainland', $2, $3, $4, $5, $6)",
                    p, sizeof p / sizeof p[0], NULL, eb);
    return signoff_end(c, e, began, id, current, out, eb);
}

enum err deploy_signoff_revoke(struct db *db, const char *actor, const json_t *body, json_t **out,
                               struct errbuf *eb)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason;
    char now[CLOCK_ISO_LEN];
    json_t *current = NULL;
    int64_t changed = 0;
    bool began = false;
    *out = NULL;
    enum err e = json_fields_only(body, allowed, eb);
    if (e == ERR_OK)
        e = plan_text_check(body, "reason", LIMIT_DEPLOY_SIGNOFF_TEXT_BYTES, true, &reason, eb);
    if (e != ERR_OK)
        return e;
    clock_now_iso(now);
    struct db_conn *c = db_acquire(db);
    e = signoff_begin(c, &began, &current, eb);
    if (e == ERR_OK && !json_is_object(current))
        e = err_set(eb, ERR_NOTFOUND, "no_sign_off",
                    "No mainland China sign-off is in force, so there is nothing to revoke.");
    const char *id = json_get_string(current, "id");
    struct db_param p[] = {DB_P_TEXT(actor), DB_P_TEXT(now), DB_P_TEXT(reason), DB_P_TEXT(id)};
    if (e == ERR_OK)
        e = db_exec(c,
                    "UPDATE deploy_signoffs SET revoked_by = $1, revoked_at = $2, "
                    "revoke_reason = $3 WHERE id = $4 AND revoked_at IS NULL",
                    p, 4, &changed, eb);
    if (e == ERR_OK && changed != 1)
        e = err_set(eb, ERR_CONFLICT, "sign_off_changed",
                    "The sign-off changed while it was being revoked; reload and retry.");
    return signoff_end(c, e, began, id, current, out, eb);
}

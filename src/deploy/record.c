#include "deploy/record.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/json.h"
#include "base/log.h"

enum err deploy_record(struct db *db, const char *kind, const struct deploy_findings *f,
                       struct errbuf *eb)
{
    struct buf body = {0};
    json_t *j = NULL;
    struct db_conn *c = NULL;
    bool exists = false;
    unsigned char raw[16];
    char id[33], now[CLOCK_ISO_LEN];
    enum err e;
    if (strcmp(kind, "preflight") != 0 && strcmp(kind, "smoke") != 0 && strcmp(kind, "dns") != 0)
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind %.40s.", kind);
    if (sodium_init() < 0)
        return err_set(eb, ERR_INTERNAL, "no_random", "libsodium could not start.");
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(id, sizeof id, raw, sizeof raw);
    clock_now_iso(now);
    j = deploy_findings_to_json(f, kind);
    if (j == NULL) {
        e = ERR_NOMEM;
        goto out;
    }
    e = json_dump_to_buf(j, &body);
    if (e != ERR_OK)
        goto out;
    c = db_acquire(db);
    e = db_table_exists(c, "deploy_checks", &exists, eb);
    if (e == ERR_OK && !exists)
        e = err_set(eb, ERR_SCHEMA, "schema_behind",
                    "the database has no deploy_checks table yet; run `aicos migrate`.");
    if (e != ERR_OK)
        goto out;
    struct db_param p[] = {DB_P_TEXT(id),
                           DB_P_TEXT(kind),
                           DB_P_TEXT(now),
                           DB_P_INT((int64_t)f->blockers),
                           DB_P_INT((int64_t)f->warnings),
                           DB_P_TEXT(body.data)};
    e = db_exec(c,
                "INSERT INTO deploy_checks (id, kind, ran_at, blockers, warnings, findings_json) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                p, sizeof p / sizeof p[0], NULL, eb);
out:
    if (c != NULL)
        db_release(c);
    json_decref(j);
    buf_free(&body);
    return e;
}

void deploy_record_from_env(const char *kind, const struct deploy_findings *f)
{
    const char *url = getenv("AICOS_DATABASE_URL");
    struct db *db = NULL;
    struct errbuf eb = {0};
    char masked[LIMIT_DB_URL_BYTES + 16];
    if (url == NULL || *url == '\0')
        return;
    config_mask_url(url, masked, sizeof masked);
    enum err e = db_open(url, 1, &db, &eb);
    if (e == ERR_OK)
        e = deploy_record(db, kind, f, &eb);
    if (e == ERR_OK)
        fprintf(stderr, "aicos deploy %s: result recorded in %s\n", kind, masked);
    else
        fprintf(stderr, "aicos deploy %s: result not recorded in %s: %s\n", kind, masked,
                errbuf_message(&eb, e));
    db_close(db);
}

enum err deploy_record_latest(struct db *db, const char *kind, struct deploy_record_row *out,
                              struct errbuf *eb)
{
    struct db_conn *c = NULL;
    struct db_rows *rows = NULL;
    json_t *doc = NULL;
    bool exists = false;
    enum err e;
    memset(out, 0, sizeof *out);
    if (strcmp(kind, "preflight") != 0 && strcmp(kind, "smoke") != 0 && strcmp(kind, "dns") != 0)
        return err_set(eb, ERR_INVAL, "bad_kind", "unknown deployment check kind %.40s.", kind);
    c = db_acquire(db);
    struct db_param p[] = {DB_P_TEXT(kind)};
    e = db_query(c,
                 "SELECT ran_at, blockers, warnings, findings_json FROM deploy_checks "
                 "WHERE kind = $1 ORDER BY ran_at DESC, id DESC LIMIT 1",
                 p, 1, &rows, eb);
    /* A database not migrated yet has no such table: no check recorded. Asked only when the
     * read failed, so that the readiness of every page costs one statement per kind. */
    if (e != ERR_OK) {
        struct errbuf why = {0};
        if (db_table_exists(c, "deploy_checks", &exists, &why) == ERR_OK && !exists) {
            e = ERR_OK;
            if (eb != NULL)
                memset(eb, 0, sizeof *eb);
        }
        goto out;
    }
    if (db_rows_count(rows) == 0)
        goto out;
    int64_t blockers = 0, warnings = 0;
    e = db_rows_ints(rows, 0, 2, (size_t[]){1, 2}, (int64_t *const[]){&blockers, &warnings}, eb);
    if (e != ERR_OK)
        goto out;
    out->found = true;
    snprintf(out->ran_at, sizeof out->ran_at, "%s", db_rows_get(rows, 0, 0));
    out->blockers = (unsigned)blockers;
    out->warnings = (unsigned)warnings;
    const char *fj = db_rows_get(rows, 0, 3);
    doc = fj != NULL ? json_loads(fj, 0, NULL) : NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, "findings"), i, item)
    {
        const char *sev = json_string_value(json_object_get(item, "severity"));
        const char *id = json_string_value(json_object_get(item, "id"));
        const char *msg = json_string_value(json_object_get(item, "message"));
        if (sev == NULL || strcmp(sev, "blocker") != 0)
            continue;
        if (id != NULL && strncmp(id, "env.", 4) == 0)
            out->env_blocker = true;
        if (out->first_blocker[0] == '\0') {
            snprintf(out->first_blocker, sizeof out->first_blocker, "%s", msg ? msg : "");
            snprintf(out->first_blocker_id, sizeof out->first_blocker_id, "%s", id ? id : "");
        }
    }
out:
    json_decref(doc);
    db_rows_free(rows);
    db_release(c);
    return e;
}

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

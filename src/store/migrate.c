#include "store/migrate.h"

#include "base/clock.h"
#include "base/log.h"

#include <stdio.h>

#define MIGRATE_PG_LOCK_ID "7312001"

int migrate_latest(void)
{
    return migrations_count == 0 ? 0 : migrations[migrations_count - 1].version;
}

ERR_MUST_USE static enum err migrate_read_version(struct db_conn *c, int *current,
                                                  struct errbuf *eb)
{
    bool exists = false;
    enum err e = db_table_exists(c, "schema_migrations", &exists, eb);
    if (e != ERR_OK)
        return e;
    *current = 0;
    if (!exists)
        return ERR_OK;
    struct db_rows *r = NULL;
    e = db_query(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0, &r, eb);
    if (e == ERR_OK) {
        int64_t v = 0;
        e = db_rows_int(r, 0, 0, &v);
        *current = (int)v;
        if (e != ERR_OK)
            e = err_set(eb, ERR_DB, "schema_version", "schema_migrations holds no version.");
    }
    db_rows_free(r);
    return e;
}

enum err migrate_current(struct db *db, int *current, struct errbuf *eb)
{
    struct db_conn *c = db_acquire(db);
    enum err e = migrate_read_version(c, current, eb);
    db_release(c);
    return e;
}

ERR_MUST_USE static enum err migrate_newer(int current, struct errbuf *eb)
{
    return err_set(eb, ERR_SCHEMA, "schema_newer",
                   "The database schema (version %d) is newer than this program, which knows "
                   "versions up to %d; run a newer aicos or restore a matching backup.",
                   current, migrate_latest());
}

enum err migrate_check_current(struct db *db, int *current_out, struct errbuf *eb)
{
    int current = 0;
    enum err e = migrate_current(db, &current, eb);
    if (current_out != NULL)
        *current_out = current;
    if (e != ERR_OK)
        return e;
    if (current > migrate_latest())
        return migrate_newer(current, eb);
    if (current < migrate_latest())
        return err_set(eb, ERR_SCHEMA, "schema_behind",
                       "The database schema is at version %d, %d migration(s) behind; run "
                       "`aicos migrate`.",
                       current, migrate_latest() - current);
    return ERR_OK;
}

/* Opens a transaction that holds the migration lock. */
ERR_MUST_USE static enum err migrate_lock(struct db *db, struct db_conn *c, struct errbuf *eb)
{
    enum err e = db_begin(c, eb);
    if (e != ERR_OK || db_kind(db) != DB_KIND_POSTGRES)
        return e;
    e = db_exec_script(c, "SELECT pg_advisory_xact_lock(" MIGRATE_PG_LOCK_ID ")", eb);
    if (e != ERR_OK)
        db_rollback(c);
    return e;
}

static const char *migrate_script(struct db *db, const struct migration *m)
{
    if (m->sql != NULL)
        return m->sql;
    return db_kind(db) == DB_KIND_POSTGRES ? m->sql_postgres : m->sql_sqlite;
}

enum err migrate_apply(struct db *db, int *applied, struct errbuf *eb)
{
    int count = 0;
    struct db_conn *c = db_acquire(db);
    enum err e = migrate_lock(db, c, eb);
    if (e != ERR_OK)
        goto out;
    e = db_exec_script(c,
                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "  version INTEGER PRIMARY KEY,"
                       "  name TEXT NOT NULL,"
                       "  applied_at TEXT NOT NULL)",
                       eb);
    if (e == ERR_OK)
        e = db_commit(c, eb);
    if (e != ERR_OK)
        goto out;
    for (unsigned i = 0; i < migrations_count; i++) {
        const struct migration *m = &migrations[i];
        int current = 0;
        e = migrate_lock(db, c, eb);
        if (e != ERR_OK)
            goto out;
        /* Read under the lock: another process may have migrated meanwhile. */
        e = migrate_read_version(c, &current, eb);
        if (e == ERR_OK && current > migrate_latest())
            e = migrate_newer(current, eb);
        if (e != ERR_OK || current >= m->version) {
            db_rollback(c);
            if (e != ERR_OK)
                goto out;
            continue;
        }
        e = db_exec_script(c, migrate_script(db, m), eb);
        if (e == ERR_OK) {
            char now[CLOCK_ISO_LEN];
            clock_now_iso(now);
            struct db_param p[] = {DB_P_INT(m->version), DB_P_TEXT(m->name), DB_P_TEXT(now)};
            e = db_exec(c,
                        "INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES ($1, $2, $3)",
                        p, 3, NULL, eb);
        }
        e = db_end(c, e, eb);
        if (e != ERR_OK)
            goto out;
        char v[16];
        snprintf(v, sizeof v, "%d", m->version);
        log_kv(LOG_INFO, "db.migrated", "version", v, "name", m->name, NULL);
        count++;
    }
out:
    db_release(c);
    if (applied != NULL)
        *applied = count;
    return e;
}

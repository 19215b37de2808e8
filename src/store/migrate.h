/*
 * Schema migrations: an ordered list compiled into the program (migrations.c). Each is
 * applied in its own transaction together with its row in schema_migrations, so a kill at
 * any moment leaves either the old or the new schema. Concurrent migrators serialize on a
 * lock (PostgreSQL advisory lock, SQLite write lock).
 */
#ifndef AICOS_STORE_MIGRATE_H
#define AICOS_STORE_MIGRATE_H

#include "base/err.h"
#include "store/db.h"

struct migration {
    int version;            /* 1, 2, 3, ... without gaps */
    const char *name;       /* short_snake_case */
    const char *sql;        /* portable script, or NULL when both dialects are given */
    const char *sql_sqlite; /* dialect-specific script (used when sql is NULL) */
    const char *sql_postgres;
};

/* The compiled-in list and its length. */
extern const struct migration migrations[];
extern const unsigned migrations_count;

/* Highest version this program knows. */
int migrate_latest(void);

/*
 * Current version of the database (0 when never migrated). ERR_OK even when behind or
 * newer; the caller compares with migrate_latest().
 */
ERR_MUST_USE enum err migrate_current(struct db *db, int *current, struct errbuf *eb);

/*
 * Applies every missing migration in order. *applied (optional) gets how many ran. A
 * database newer than the program is ERR_SCHEMA with a message naming both versions, and
 * nothing is changed.
 */
ERR_MUST_USE enum err migrate_apply(struct db *db, int *applied, struct errbuf *eb);

/*
 * ERR_OK when the database is exactly at migrate_latest(); ERR_SCHEMA saying why if not;
 * a database error when it cannot be read. *current (optional) gets the version read.
 */
ERR_MUST_USE enum err migrate_check_current(struct db *db, int *current, struct errbuf *eb);

#endif

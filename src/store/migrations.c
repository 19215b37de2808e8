/*
 * The schema, one migration at a time. Never edit a released migration: add a new one.
 * Write portable SQL where possible (TEXT, BIGINT, INTEGER); give both dialects otherwise.
 */
#include "store/migrate.h"

const struct migration migrations[] = {
    {1, "app_meta",
     "CREATE TABLE app_meta ("
     "  key TEXT PRIMARY KEY,"
     "  value TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL"
     ");",
     NULL, NULL},
};

const unsigned migrations_count = sizeof migrations / sizeof migrations[0];

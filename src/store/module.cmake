# The database: pool, drivers (SQLite, PostgreSQL), migrations.
aicos_module(store
  SOURCES db.c db_sqlite.c db_pg.c stmt_cache.c migrate.c migrations.c
  DEPS aicos_base PkgConfig::SQLITE PkgConfig::PQ Threads::Threads)

# Unit tests of the sync engine (src/sync), on SQLite and PostgreSQL.
aicos_unit_test(test_sync_engine test_sync.c PG)

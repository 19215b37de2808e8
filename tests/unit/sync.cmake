# Unit tests of the sync engine (src/sync), on SQLite and PostgreSQL.
aicos_unit_test(test_sync_engine test_sync.c PG)
# The request budget shared through the database (src/sync/budget.c).
aicos_unit_test(test_sync_budget test_sync_budget.c PG)
# The orders list written straight into the body, byte for byte the jansson document.
aicos_unit_test(test_orders_list test_orders_list.c PG)

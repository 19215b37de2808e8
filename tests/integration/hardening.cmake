# Issue 18 (the 2026-12 outside audit): regression tests of its defects over HTTP, on SQLite
# and PostgreSQL.
aicos_integration_test(test_hardening test_hardening.c)

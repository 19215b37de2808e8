# Unit tests of the action center (src/actions): the scenario library on SQLite and PostgreSQL.
aicos_unit_test(test_actions test_actions.c PG)

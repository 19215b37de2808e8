# Unit tests of the action center (src/actions): the scenario library on SQLite and PostgreSQL.
aicos_unit_test(test_actions test_actions.c PG)
# The outbound webhooks against a local receiver thread over real HTTP.
aicos_unit_test(test_actions_notify test_actions_notify.c PG)

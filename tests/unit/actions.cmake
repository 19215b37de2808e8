# Unit tests of the action center (src/actions): the scenario library on SQLite and PostgreSQL.
aicos_unit_test(test_actions test_actions.c PG)
# The outbound webhooks against a local receiver thread over real HTTP.
aicos_unit_test(test_actions_notify test_actions_notify.c PG)
# The events outside sync pages (a reconciliation run, an added parcel), a case's money at risk
# and the brief's settlement money.
aicos_unit_test(test_actions_events test_actions_events.c PG)

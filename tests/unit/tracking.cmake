# Unit tests of carrier tracking (src/tracking): model, 17TRACK helpers, ledger, rate slots.
aicos_unit_test(test_tracking_model test_tracking_model.c PG)

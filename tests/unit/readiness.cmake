# Unit tests of the progress engine and the integration registry (src/readiness).
aicos_unit_test(test_readiness test_readiness.c PG)

aicos_unit_test(test_auth test_auth.c PG)
aicos_unit_test(test_vault test_vault.c PG)

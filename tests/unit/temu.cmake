# Unit tests of the Temu client (src/temu); included from tests/unit/CMakeLists.txt.
aicos_unit_test(test_temu_sign test_temu_sign.c)
aicos_unit_test(test_temu_errors test_temu_errors.c)
aicos_unit_test(test_temu_client test_temu_client.c)
aicos_unit_test(test_temu_api test_temu_api.c)
aicos_unit_test(test_temu_webhook test_temu_webhook.c)
aicos_unit_test(test_temu_http test_temu_http.c)
aicos_unit_test(test_temu_cli test_temu_cli.c)
add_dependencies(test_temu_cli aicos)

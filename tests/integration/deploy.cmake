# Integration tests of `aicos deploy` (the real binary); included from CMakeLists.txt.
aicos_integration_test(test_deploy_cli test_deploy_cli.c)
aicos_integration_test(test_deploy_smoke test_deploy_smoke.c)
target_link_libraries(test_deploy_smoke PRIVATE PkgConfig::OPENSSL)
aicos_integration_test(test_deploy_api test_deploy_api.c)
